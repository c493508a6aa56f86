// Work item sync records: what the node stores per connection in the store's `sync` collection (one key each, all
// prefixed with the connection id so a connection's deletion finds them), and the node-to-node wire format.
//
// Keys (`<c>` = connection id):
//   <c>|state          SyncState: sequence counters
//   <c>|d|<workItem>   DirtyEntry: a local work item waiting for its outgoing script (coalesced: one per work item)
//   <c>|o|<seq>        OutMessage: outbox, sent to the partner until it acknowledges (cumulative ack by seq)
//   <c>|i|<seq>        InEntry: a replica received from the partner (acknowledged), waiting to be applied
//   <c>|e|<errorId>    ErrorRecord: a sync error; the entry it names is blocked until retry/resolve
//   <c>|p|<localId>    Pair: twin link local work item ↔ the partner's work item
//   <c>|t              Trigger[]: the connection's triggers
//   <c>|s|<workItem>   SentRecord: a work item sent before it has a twin link (the link notice is on its way)
//   <c>|f|<workItem>   FilesSent: the work item's attachments whose bytes went to the partner (sent once)
//   <c>|b|<remote>     WaitingFiles: attachment bytes of a resolved (dropped) incoming message, kept for the next one
//   <c>|r|<remoteId>   LastReplica: the last replica received for a partner work item (read on request, not in memory)
import * as z from 'zod';
import type { SyncDirection } from '../../../shared/api';

export interface SyncState {
  /** Last sequence number given to an outbox message. */
  outSeq: number;
  /** Highest partner sequence number stored here (everything up to it is acknowledged). */
  inSeq: number;
  /** Order of dirty entries and pairs (queue and listing order). */
  order: number;
  /**
   * `System.ChangedDate` of the last change queued by a trigger (this node's own clock): after a crash, work items
   * a trigger matches that changed later and are nowhere in the queues are queued again.
   */
  seen?: string;
}

export interface DirtyEntry {
  workItemId: number;
  order: number;
  createdAt: string;
  /** Id of the sync error that blocks it. */
  blocked: string | null;
}

/** A replica (or a link notice) on its way to the partner. Also the wire shape (see {@link WireMessageSchema}). */
export interface OutMessage {
  type: 'replica' | 'link';
  id: string;
  seq: number;
  /** The sender's work item. */
  workItemId: number;
  /** The receiver's work item (the twin), when the sender knows it. */
  yourId: number | null;
  /** replica: the outgoing script's replica as JSON text (JsonOutput.toJson). */
  replica?: string;
  /** replica: the sender's comments that are copies of the receiver's comments (sender comment id → receiver's). */
  images?: Record<string, string>;
  /** replica: the sender's attachments that are copies of the receiver's (sender attachment id → receiver's). */
  fileImages?: Record<string, string>;
  /** replica: the bytes of the sender's attachments the receiver does not have yet (sender attachment id → file). */
  files?: Record<string, WireFile>;
  createdAt: string;
}

/** An attachment's content on its way to the partner. */
export interface WireFile {
  name: string;
  /** The bytes, base64. */
  content: string;
}

/** Attachment bytes a resolved incoming message carried: the partner sends them only once. */
export interface WaitingFiles {
  remoteId: string;
  files: Record<string, WireFile>;
}

/** Attachments of a local work item whose bytes are in the outbox or already with the partner. */
export interface FilesSent {
  workItemId: number;
  ids: string[];
}

export interface InEntry {
  id: string;
  seq: number;
  /** The partner's work item, as text. */
  remoteId: string;
  yourId: number | null;
  replica: string;
  images: Record<string, string>;
  fileImages?: Record<string, string>;
  files?: Record<string, WireFile>;
  createdAt: string;
  blocked: string | null;
}

export interface ErrorRecord {
  id: string;
  direction: SyncDirection;
  /** Store key of the blocked entry. */
  ref: string;
  workItemId: number | null;
  remoteId: string | null;
  message: string;
  line: number | null;
  column: number | null;
  at: string;
}

export interface Pair {
  localId: number;
  remoteId: string;
  order: number;
  lastSyncAt: string;
  remoteTitle: string | null;
  /** System.Rev after the last write or outgoing run of the engine (crash recovery: a later rev is a change). */
  localRev: number | null;
  /** Local comments created from the partner's comments: local comment id → partner comment id. */
  imported: Record<string, string>;
  /** Local attachments created from the partner's attachments: local attachment id → partner attachment id. */
  files?: Record<string, string>;
}

/** A work item whose first replica left before the partner's link notice came back: the revision it was built from. */
export interface SentRecord {
  workItemId: number;
  rev: number;
}

/** The last replica received for one partner work item (kept after it was applied; Test Run reads it). */
export interface LastReplica {
  remoteId: string;
  /** The message that carried it. */
  messageId: string;
  replica: string;
  receivedAt: string;
}

export interface Trigger {
  id: string;
  query: string;
  active: boolean;
}

const SEQ_DIGITS = 15;
export const seqKey = (n: number) => String(n).padStart(SEQ_DIGITS, '0');
export const keys = {
  state: (c: string) => `${c}|state`,
  dirty: (c: string, workItemId: number) => `${c}|d|${workItemId}`,
  out: (c: string, seq: number) => `${c}|o|${seqKey(seq)}`,
  in: (c: string, seq: number) => `${c}|i|${seqKey(seq)}`,
  error: (c: string, id: string) => `${c}|e|${id}`,
  pair: (c: string, localId: number) => `${c}|p|${localId}`,
  triggers: (c: string) => `${c}|t`,
  sent: (c: string, workItemId: number) => `${c}|s|${workItemId}`,
  files: (c: string, workItemId: number) => `${c}|f|${workItemId}`,
  waiting: (c: string, remoteId: string) => `${c}|b|${remoteId}`,
  lastReplica: (c: string, remoteId: string) => `${c}|r|${remoteId}`,
};

/** Largest replica (JSON text, UTF-16 code units ≈ bytes for ASCII) a message may carry. */
export const MAX_REPLICA_CHARS = 1024 * 1024;
/** Largest attachment (bytes) that travels to the partner; a larger one is a sync error on the work item. */
export const MAX_SYNC_ATTACHMENT_BYTES = 1024 * 1024;
/** Most attachment content (base64 characters) one message carries; more waits for the work item's next message. */
export const MAX_MESSAGE_FILE_CHARS = 3 * 1024 * 1024;
/** Largest batch of replicas in one push or pull answer. */
export const MAX_BATCH_CHARS = 2 * 1024 * 1024;
export const MAX_BATCH_MESSAGES = 500;
/** Body cap of the peer sync routes and the answer cap when reading them (the batch plus JSON escaping). */
export const MAX_SYNC_BODY_BYTES = 6 * 1024 * 1024;

const WorkItemId = z.number().int().min(1).max(2_147_483_647);
export const WireMessageSchema = z.strictObject({
  type: z.enum(['replica', 'link']),
  id: z.uuid(),
  seq: z.number().int().min(1),
  workItemId: WorkItemId,
  yourId: WorkItemId.nullable(),
  replica: z.string().max(MAX_REPLICA_CHARS).optional(),
  images: z.record(z.string().max(40), z.string().max(40)).optional(),
  fileImages: z.record(z.string().max(40), z.string().max(40)).optional(),
  files: z
    .record(z.string().max(40), z.strictObject({ name: z.string().min(1).max(255), content: z.base64().max(MAX_MESSAGE_FILE_CHARS) }))
    .refine((f) => Object.values(f).reduce((n, x) => n + x.content.length, 0) <= MAX_MESSAGE_FILE_CHARS, { message: `at most ${MAX_MESSAGE_FILE_CHARS} characters of attachment content per message` })
    .optional(),
  createdAt: z.string().max(40),
});
export const PushBodySchema = z.strictObject({ messages: z.array(WireMessageSchema).max(MAX_BATCH_MESSAGES) });
export const PushAnswerSchema = z.object({ ack: z.number().int().nonnegative() });
export const PullBodySchema = z.strictObject({ ack: z.number().int().nonnegative() });
export const PullAnswerSchema = z.object({ messages: z.array(WireMessageSchema).max(MAX_BATCH_MESSAGES) });
