// The one interface the extension uses for every Node API v1 call (see docs/node-api.md and src/shared/api.ts).
// The extension gets an ExalateClient per configured node and never builds a request itself; tests, the sandbox
// contract tests and the benchmark use the same interface. Implementation: ./httpClient.ts.
//
// Every method either resolves with data that passed the contract's zod schema or rejects with an ExalateError
// (./errors.ts): UnauthorizedError, NotFoundError, ConflictError, InvalidError, UnreachableError,
// BadResponseError, ServerError, CancelledError. No `vscode` import here.
import type {
  ReceivedReplica,
  AcceptInvitationRequest,
  Connection,
  ConnectionPage,
  InitiateRequest,
  InitiateResponse,
  InvitationCodeResponse,
  InvitationPreview,
  NodeInfo,
  PatchConnectionRequest,
  PublicNodeInfo,
  RuleDirection,
  RuleVersionSummary,
  SyncAccepted,
  SyncedPage,
  SyncError,
  SyncQueueItem,
  SyncRule,
  SyncTrigger,
} from '../shared/api';

export type {
  SyncAccepted,
  SyncedPage,
  SyncError,
  SyncQueueItem,
  SyncTrigger,
  AcceptInvitationRequest,
  Connection,
  ConnectionPage,
  InitiateRequest,
  InitiateResponse,
  InvitationCodeResponse,
  InvitationPreview,
  NodeInfo,
  PatchConnectionRequest,
  PublicNodeInfo,
  RuleDirection,
  RuleVersionSummary,
  SyncRule,
};

/** Options every call accepts. */
export interface CallOptions {
  /** Cancels the call (e.g. from a VS Code CancellationToken); the call then rejects with CancelledError. */
  signal?: AbortSignal;
  /** Per-attempt timeout in ms; overrides the client default. Rejects with UnreachableError (timedOut). */
  timeoutMs?: number;
}

export interface ListConnectionsOptions extends CallOptions {
  /** Page size, 1–500 (server default 100). */
  limit?: number;
  /** `nextCursor` of the previous page; omit or null for the first page. */
  cursor?: string | null;
}

export interface ListSyncedOptions extends CallOptions {
  /** Page size, 1–500 (server default 100). */
  limit?: number;
  /** `nextCursor` of the previous page; omit or null for the first page. */
  cursor?: string | null;
}

/** A trigger as sent with `putTriggers`: without `id` it is new (the node assigns one). */
export interface TriggerInput {
  id?: string;
  query: string;
  active: boolean;
}

export interface PutSyncRuleOptions extends CallOptions {
  /** Recorded as the author of the new version, or as who published it (`X-Exalate-Author`). */
  author?: string;
}

export interface ExalateClient {
  /** Base URL of the node this client talks to (no trailing slash, no credentials). */
  readonly nodeUrl: string;

  /** `GET /api/v1/node`: who the node is. Also the cheapest "is my token valid?" check. */
  getNodeInfo(opts?: CallOptions): Promise<NodeInfo>;

  /**
   * `POST /api/v1/destinations/check`: asks our node to look at a public destination URL (our node is what will
   * talk to it, so reachability is judged from there) and returns the destination's public info and modes.
   * Rejects with InvalidError (`fields.destinationUrl`: malformed URL, not a node, this node itself) or
   * UnreachableError with `remote: true` (our node could not reach it). Read-only; retried.
   */
  checkDestination(url: string, opts?: CallOptions): Promise<PublicNodeInfo>;

  /** `GET /api/v1/connections?limit=&cursor=`: one page in stable order. */
  listConnections(opts?: ListConnectionsOptions): Promise<ConnectionPage>;

  /** All pages, one after the other (each page is a separate call; stop iterating to stop fetching). */
  iterateConnectionPages(opts?: ListConnectionsOptions): AsyncIterable<ConnectionPage>;

  /** `GET /api/v1/connections/{id}`. */
  getConnection(id: string, opts?: CallOptions): Promise<Connection>;

  /**
   * `POST /api/v1/connections` with `Idempotency-Key`. Use one key per user intent (see `newIdempotencyKey()`)
   * and reuse it when the user retries: the node then returns the same connection instead of a second one.
   * The client retries transient failures itself with the same key.
   */
  initiateConnection(req: InitiateRequest, idempotencyKey: string, opts?: CallOptions): Promise<InitiateResponse>;

  /** `PATCH /api/v1/connections/{id}`: rename, describe, activate/deactivate. Not retried. */
  patchConnection(id: string, patch: PatchConnectionRequest, opts?: CallOptions): Promise<Connection>;

  /** `DELETE /api/v1/connections/{id}`. A retry that finds it already gone counts as success. */
  deleteConnection(id: string, opts?: CallOptions): Promise<void>;

  /** `GET /api/v1/connections/{id}/invitation` (pending initiator connections only; else ConflictError). */
  getInvitationCode(id: string, opts?: CallOptions): Promise<InvitationCodeResponse>;

  /** `POST /api/v1/invitations/preview`: what a code says, decoded by our node (read-only). */
  previewInvitation(invitationCode: string, opts?: CallOptions): Promise<InvitationPreview>;

  /**
   * `POST /api/v1/invitations/check`: our node asks the initiator whether the code can still be accepted (not
   * used, not expired, not deleted). Read-only; rejects with the error accept would give.
   */
  checkInvitation(invitationCode: string, opts?: CallOptions): Promise<void>;

  /** `POST /api/v1/invitations/accept` → the new connection on this (accepting) node. Not retried (single use). */
  acceptInvitation(req: AcceptInvitationRequest, opts?: CallOptions): Promise<Connection>;

  /**
   * `GET /api/v1/connections/{id}/rules/{dir}`: the ACTIVE rule, the published version the connection runs (with
   * `activeVersion`). What an editor edits is the newest version: `getLatestSyncRule`.
   */
  getSyncRule(id: string, dir: RuleDirection, opts?: CallOptions): Promise<SyncRule>;

  /** `GET …/rules/{dir}/latest`: the newest version, draft or published (its version is the If-Match for a save). */
  getLatestSyncRule(id: string, dir: RuleDirection, opts?: CallOptions): Promise<SyncRule>;

  /**
   * `POST …/rules/{dir}/drafts` with `If-Match: "<ifMatchVersion>"` → the new version, a draft: the connection
   * keeps running its active version until `publishVersion`.
   * Rejects with ConflictError `precondition_failed` (carrying `current`, the newest version) when the node has a
   * newer version than `ifMatchVersion`. To overwrite after the user confirmed, call again with `current.version`.
   */
  saveDraft(id: string, dir: RuleDirection, script: string, ifMatchVersion: number, opts?: PutSyncRuleOptions): Promise<SyncRule>;

  /**
   * `POST …/rules/{dir}/versions/{version}/publish`: that version becomes the active rule (the author is recorded
   * as who published it). Publishing the active version again changes nothing. Rejects with ConflictError
   * (`conflict`) for a version older than the active one (restore it as a draft first), NotFoundError for an
   * unknown version.
   */
  publishVersion(id: string, dir: RuleDirection, version: number, opts?: PutSyncRuleOptions): Promise<SyncRule>;

  /** `GET …/rules/{dir}/versions`: newest first. */
  listRuleVersions(id: string, dir: RuleDirection, opts?: CallOptions): Promise<RuleVersionSummary[]>;

  /** `GET …/rules/{dir}/versions/{n}`. */
  getRuleVersion(id: string, dir: RuleDirection, version: number, opts?: CallOptions): Promise<SyncRule>;

  // ---- work item sync (docs/node-api.md "Work item sync") ----

  /**
   * `POST /api/v1/connections/{id}/sync` `{ workItemId }`: exalate one work item of the connection's project now
   * (queued; the answer does not wait for the partner). NotFoundError for an unknown connection or a work item not
   * in its project, ConflictError when the connection is not active. Retried (queuing twice sends the same state).
   */
  syncWorkItem(id: string, workItemId: number, opts?: CallOptions): Promise<SyncAccepted>;

  /** `GET …/synced?limit=&cursor=`: synced pairs (local ↔ remote id, titles), in first-sync order. */
  listSynced(id: string, opts?: ListSyncedOptions): Promise<SyncedPage>;

  /**
   * `GET …/synced/{remoteId}/replica`: the last replica received for the partner's work item `remoteId` and its twin
   * here (`localId`, null when none). NotFoundError when no replica of that work item was received.
   */
  getLastReplica(id: string, remoteId: string, opts?: CallOptions): Promise<ReceivedReplica>;

  /** `GET …/queue`: messages waiting on this node, both directions, oldest first. */
  getSyncQueue(id: string, opts?: CallOptions): Promise<SyncQueueItem[]>;

  /** `GET …/errors`: open sync errors (each blocks its work item's queue), oldest first. */
  listSyncErrors(id: string, opts?: CallOptions): Promise<SyncError[]>;

  /**
   * `POST …/errors/{errorId}/retry`: the blocked message runs again with the now-active script. The error is
   * gone afterwards (a new one is recorded if it fails again). NotFoundError for an unknown error.
   */
  retrySyncError(id: string, errorId: string, opts?: CallOptions): Promise<void>;

  /** `POST …/errors/{errorId}/resolve`: drops the blocked message; the work item's queue moves on. */
  resolveSyncError(id: string, errorId: string, opts?: CallOptions): Promise<void>;

  /** `GET …/triggers`. */
  getTriggers(id: string, opts?: CallOptions): Promise<SyncTrigger[]>;

  /**
   * `PUT …/triggers`: replaces the connection's trigger list. InvalidError with `fields["items.N.query"]` carrying
   * Azure DevOps' message for a bad WIQL query (nothing is stored then).
   */
  putTriggers(id: string, items: TriggerInput[], opts?: CallOptions): Promise<SyncTrigger[]>;

  /** `POST …/triggers/{triggerId}/bulk`: queues every work item the trigger's query matches; how many. */
  bulkExalate(id: string, triggerId: string, opts?: CallOptions): Promise<number>;
}

/** One log line per HTTP attempt, for the extension's LogOutputChannel. Never contains tokens or bodies. */
export interface ClientLogEntry {
  method: string;
  /** Path and query relative to the node URL (e.g. `/api/v1/connections?limit=100`). */
  path: string;
  /** HTTP status, or undefined when no answer arrived. */
  status?: number;
  ms: number;
  /** 1 for the first attempt, 2+ for retries. */
  attempt: number;
  /** Short, secret-free reason when the attempt failed without an answer (`timeout`, `ECONNREFUSED`, …). */
  error?: string;
}

export type ClientLog = (entry: ClientLogEntry) => void;

export interface ExalateClientOptions {
  /** Node base URL, e.g. `http://127.0.0.1:8123`. */
  nodeUrl: string;
  /** API token; sent only as `Authorization: Bearer …` to `nodeUrl`, never to other hosts, never logged. */
  token: string;
  /** Default per-attempt timeout in ms (default 10 000). */
  timeoutMs?: number;
  /** Extra attempts for idempotent calls after a transient failure (default 2). */
  retries?: number;
  /** Delay before the first retry in ms, doubled each time (default 150). */
  retryDelayMs?: number;
  log?: ClientLog;
  /** Injected for tests; defaults to the global `fetch`. */
  fetch?: typeof fetch;
}

/** A fresh Idempotency-Key for one user intent ("create this connection"). */
export function newIdempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}
