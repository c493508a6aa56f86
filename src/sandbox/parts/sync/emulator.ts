// What the sync engine needs from the Azure DevOps emulator: its in-process API (docs/ado-emulator.md, the sync
// contract part A). Declared structurally here so the engine depends on these calls only, not on the emulator's
// REST code; `AdoEmulator` (src/sandbox/ado/emulator.ts) provides them.
import type { JsonPatchOp } from '../../ado/patch';
import type { AdoWorkItem } from '../../ado/seed';
import type { WorkItemChange } from '../../ado/workItems';

export type { JsonPatchOp, WorkItemChange };

export interface WriteOptions {
  /** Opaque tag of who wrote: absent = a user through REST; the sync engine passes `sync:<connectionId>:<messageId>…`. */
  origin?: string;
}

export interface SyncEmulator {
  getWorkItem(id: number): AdoWorkItem | undefined;
  createWorkItem(projectName: string, type: string, patch: JsonPatchOp[], opts?: WriteOptions): Promise<{ id: number; rev: number }>;
  updateWorkItem(id: number, patch: JsonPatchOp[], opts?: WriteOptions): Promise<{ id: number; rev: number }>;
  addComment(id: number, text: string, opts?: WriteOptions): Promise<{ id: number }>;
  updateComment(id: number, commentId: number, text: string, opts?: WriteOptions): Promise<unknown>;
  deleteComment(id: number, commentId: number, opts?: WriteOptions): Promise<void>;
  /** Stores an attachment (not linked yet: link it with an `AttachedFile` relation to {@link attachmentUrl}). */
  createAttachment(projectName: string, fileName: string, content: Uint8Array, opts?: WriteOptions): Promise<{ id: string }>;
  getAttachment(id: string): { id: string; fileName: string; size: number; content: Buffer } | undefined;
  attachmentUrl(id: string): string;
  /** A write that carried this origin tag (any revision), also after a restart. */
  findByOrigin(origin: string): { id: number; rev: number; commentId?: number } | undefined;
  onChange(listener: (c: WorkItemChange) => void): () => void;
  /** Work item ids the query selects in the project; throws with Azure DevOps' message on a bad query. */
  queryWiql(projectName: string, wiql: string): number[];
}
