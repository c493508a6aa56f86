// Shared state and helpers of the sandbox node's parts (parts/*.ts): the store, options, clock, identity.
import * as z from 'zod';
import type { ConnectionRole, ConnectionType, Mode } from '../../shared/api';
import { issuesToFieldErrors } from '../../shared/validation';
import { ApiError } from '../errors';
import { newId, type InvitationPayload } from '../invitation';
import type { Store } from '../store';

export const SANDBOX_VERSION = '0.1.0';
export const DEFAULT_POLL_MS = 20_000;
export const DEFAULT_INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const DEFAULT_PEER_TIMEOUT_MS = 5_000;

/** What the node keeps per connection (the API's Connection is computed from it). */
export interface ConnRecord {
  id: string;
  seq: number;
  name: string;
  description: string;
  localShortName: string;
  remoteShortName: string;
  remoteUrl: string | null;
  type: ConnectionType;
  mode: Mode;
  role: ConnectionRole;
  project: string;
  createdAt: string;
  updatedAt: string;
  lastContactAt: string | null;
  /** Acceptor: always true. Initiator: true once the invitation was accepted. */
  accepted: boolean;
  localActive: boolean;
  remoteActive: boolean;
  /** The other side deleted the connection. */
  remoteGone: boolean;
  /** Why the last contact attempt failed (acceptor polling), null when fine. */
  errorReason: string | null;
  /** HMAC of the shared secret; the HS256 key for node-to-node JWTs. */
  linkKey: string;
  /** Node id of the other side (the `iss` its JWTs must carry); set on acceptance. */
  remoteNodeId?: string;
  /** Initiator only: what was issued (without the secret, which is re-derived from the master key). */
  invitation?: { nonce: string; expiresAt: string; usedAt: string | null; issued: Omit<InvitationPayload, 'secret'> };
  /** Seeded demo data: never contacted. */
  demo?: boolean;
}

export interface NodeMeta {
  nodeId: string;
  createdAt: string;
  seeded?: boolean;
}

export interface SandboxNodeOptions {
  store: Store;
  masterKey: Buffer;
  shortName: string;
  modes: Mode[];
  pollMs: number;
  invitationTtlMs: number;
  peerTimeoutMs: number;
  log: (line: string) => void;
  /** Drafts kept per connection and direction (retention.ts); default {@link DEFAULT_KEEP_DRAFTS}. */
  keepDrafts?: number;
  /** Clock in ms since the epoch; default `Date.now`. Test-only: lets tests move time instead of sleeping. */
  now?: () => number;
}

/** What every part shares: the store, the options, the node's identity and its clock. */
export class NodeContext {
  readonly store: Store;
  readonly nodeId: string;
  /** URL other nodes use to reach this one (set once the server listens). */
  publicUrl = '';

  constructor(readonly opts: SandboxNodeOptions) {
    this.store = opts.store;
    let meta = this.store.get<NodeMeta>('meta', 'node');
    if (!meta) {
      meta = { nodeId: newId(), createdAt: this.nowIso() };
      this.store.commit([{ c: 'meta', k: 'node', v: meta }]);
    }
    this.nodeId = meta.nodeId;
  }

  /** Current time (ms) from the injected clock. */
  now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }

  nowIso(): string {
    return new Date(this.now()).toISOString();
  }
}

/** Parses a request body with `schema`; a failure is a 400 `validation_failed` with field messages. */
export function parse<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const r = schema.safeParse(body);
  if (!r.success) {
    const fields = issuesToFieldErrors(r.error);
    const first = Object.entries(fields)[0];
    throw new ApiError(400, 'validation_failed', first ? `Invalid request: ${first[0]}: ${first[1]}` : 'Invalid request', fields);
  }
  return r.data;
}

/** Names compare trimmed and case-insensitively. */
export function nameKey(name: string): string {
  return name.trim().toLowerCase();
}
