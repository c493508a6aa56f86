// The sandbox node's behaviour: connections, invitations, sync rules, the node-to-node protocol and polling.
// Transport-agnostic (server.ts maps HTTP onto these methods); every state change goes through the durable store
// before it is acknowledged.
import { createHash, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import {
  AcceptInvitationRequestSchema,
  DestinationCheckRequestSchema,
  DevBulkRequestSchema,
  InitiateRequestSchema,
  InvitationPreviewRequestSchema,
  NODE_PLATFORM,
  PatchConnectionRequestSchema,
  PublicNodeInfoSchema,
  PutSyncRuleRequestSchema,
  type AcceptInvitationResponse,
  type Connection,
  type ConnectionPage,
  type ConnectionRole,
  type ConnectionType,
  type DevBulkResponse,
  type InitiateResponse,
  type InvitationCodeResponse,
  type InvitationPreview,
  type Mode,
  type NodeInfo,
  type PublicNodeInfo,
  type RuleDirection,
  type RuleVersionList,
  type SyncRule,
} from '../shared/api';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, issuesToFieldErrors, utf8ByteLength } from '../shared/validation';
import { defaultIncomingScript, defaultOutgoingScript } from './defaultRules';
import { ApiError, notFound } from './errors';
import {
  decodeInvitation,
  deriveSecret,
  encodeInvitation,
  linkKeyOf,
  newId,
  newNonce,
  payloadDigest,
  peekJwtSubject,
  signPeerJwt,
  verifyPeerJwt,
  JtiCache,
  type InvitationPayload,
} from './invitation';
import { DEFAULT_KEEP_DRAFTS, versionsToPrune, type RuleVersionState } from './retention';
import { blobHash, type Store, type StoreOp } from './store';

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

/** A stored rule version (v2 and later; version 1 is the computed default). The script is in the blob `blob`. */
interface RuleVersionRecord {
  version: number;
  updatedAt: string;
  author: string;
  /** Content address of the script (store blob). */
  blob: string;
  /** Script size in UTF-8 bytes. */
  size: number;
  state: RuleVersionState;
}

interface IdemRecord {
  connectionId: string;
  fingerprint: string;
}

interface NodeMeta {
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

const PEER_PREFIX = '/api/v1';
const PeerAcceptBodySchema = z.strictObject({
  payloadDigest: z.string().max(100),
  acceptorShortName: z.string().max(64),
  acceptorUrl: z.string().max(2048).nullable(),
  acceptorNodeId: z.uuid(),
});

/** Path (below /api/v1) of a node-to-node call; the id is URL-encoded even though it is a UUID. */
function peerPath(id: string, kind: 'accept' | 'heartbeat'): string {
  return `/peer/connections/${encodeURIComponent(id)}/${kind}`;
}
const PeerHeartbeatBodySchema = z.strictObject({ active: z.boolean(), gone: z.boolean().optional() });
/** A node-to-node request body, or a reader for it (called after the JWT was checked). */
export type PeerBody = unknown;
const PeerStateSchema = z.object({ active: z.boolean(), name: z.string().optional() });


function parse<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const r = schema.safeParse(body);
  if (!r.success) {
    const fields = issuesToFieldErrors(r.error);
    const first = Object.entries(fields)[0];
    throw new ApiError(400, 'validation_failed', first ? `Invalid request: ${first[0]}: ${first[1]}` : 'Invalid request', fields);
  }
  return r.data;
}

/** Constant-time comparison of two digests (strings of any length; a length difference answers false). */
export function sameDigest(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

function nameKey(name: string): string {
  return name.trim().toLowerCase();
}

function sameUrl(a: string, b: string): boolean {
  try {
    const x = new URL(a);
    const y = new URL(b);
    const host = (h: string) => (h === 'localhost' || h === '[::1]' ? '127.0.0.1' : h);
    return x.protocol === y.protocol && host(x.hostname) === host(y.hostname) && x.port === y.port &&
      x.pathname.replace(/\/+$/, '') === y.pathname.replace(/\/+$/, '');
  } catch {
    return false;
  }
}

/** Largest answer this node reads from another node (node info, node-to-node calls), in bytes. */
export const MAX_PEER_ANSWER_BYTES = 64 * 1024;

/**
 * Reads a response body as text, at most `max` bytes: a longer (or longer declared) answer is cancelled and throws
 * without being buffered, so another node cannot make this one hold an arbitrary amount of memory.
 */
export async function readCapped(res: Response, max = MAX_PEER_ANSWER_BYTES): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel();
    throw new Error(`answer larger than ${max} bytes`);
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw new Error(`answer larger than ${max} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describeFetchError(e: unknown): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return 'no answer (timed out)';
  return err?.cause?.code ?? err?.cause?.message ?? err?.message ?? String(e);
}

export class SandboxNode {
  readonly nodeId: string;
  publicUrl = '';
  adoUrl: string | null = null;
  private readonly store: Store;
  private readonly conns = new Map<string, ConnRecord>();
  /** All connections sorted by seq (creation order): the stable paging order. */
  private readonly ordered: ConnRecord[] = [];
  private readonly names = new Map<string, string>();
  private readonly ruleHeads = new Map<string, number>();
  /** Initiations in progress per Idempotency-Key, with the fingerprint of their body. */
  private readonly inflightIdem = new Map<string, { promise: Promise<InitiateResponse>; fingerprint: string }>();
  private readonly inflightAccept = new Set<string>();
  /** jti of every node-to-node JWT accepted within its lifetime (replay protection). */
  private readonly usedJtis = new JtiCache();
  private nextSeq = 1;
  private pollTimer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly opts: SandboxNodeOptions) {
    this.store = opts.store;
    let meta = this.store.get<NodeMeta>('meta', 'node');
    if (!meta) {
      meta = { nodeId: newId(), createdAt: this.nowIso() };
      this.store.commit([{ c: 'meta', k: 'node', v: meta }]);
    }
    this.nodeId = meta.nodeId;
    for (const [, rec] of this.store.entries<ConnRecord>('connections')) {
      this.conns.set(rec.id, rec);
      this.ordered.push(rec);
      this.names.set(nameKey(rec.name), rec.id);
      if (rec.seq >= this.nextSeq) this.nextSeq = rec.seq + 1;
    }
    this.ordered.sort((a, b) => a.seq - b.seq);
    for (const [key] of this.store.entries<RuleVersionRecord>('rules')) {
      const i = key.lastIndexOf('|');
      const head = key.slice(0, i);
      const n = Number(key.slice(i + 1));
      if (n > (this.ruleHeads.get(head) ?? 1)) this.ruleHeads.set(head, n);
    }
  }

  /** Current time (ms) from the injected clock. */
  now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }

  private nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  get shortName(): string {
    return this.opts.shortName;
  }

  // ---- node info -------------------------------------------------------------------------------------------

  info(): NodeInfo {
    return {
      shortName: this.opts.shortName,
      platform: NODE_PLATFORM,
      publicUrl: this.publicUrl,
      version: SANDBOX_VERSION,
      apiVersion: 'v1',
      modes: [...this.opts.modes],
      adoUrl: this.adoUrl,
    };
  }

  publicInfo(): PublicNodeInfo {
    return {
      kind: 'exalate-node',
      apiVersion: 'v1',
      shortName: this.opts.shortName,
      platform: NODE_PLATFORM,
      publicUrl: this.publicUrl,
      version: SANDBOX_VERSION,
      modes: [...this.opts.modes],
      nodeId: this.nodeId,
    };
  }

  // ---- connections -----------------------------------------------------------------------------------------

  toApi(rec: ConnRecord): Connection {
    let status: Connection['status'];
    let statusReason: string | null = null;
    let deactivatedBy: 'local' | 'remote' | null = null;
    if (!rec.localActive) {
      status = 'deactivated';
      deactivatedBy = 'local';
      statusReason = 'Deactivated on this side';
    } else if (rec.remoteGone) {
      status = 'deactivated';
      deactivatedBy = 'remote';
      statusReason = `${rec.remoteShortName} deleted this connection on their side`;
    } else if (!rec.accepted) {
      status = 'pending';
      statusReason = `Waiting for ${rec.remoteShortName} to accept the invitation`;
    } else if (rec.errorReason) {
      status = 'error';
      statusReason = rec.errorReason;
    } else if (!rec.remoteActive) {
      status = 'deactivated';
      deactivatedBy = 'remote';
      statusReason = `Deactivated by ${rec.remoteShortName}`;
    } else {
      status = 'active';
    }
    return {
      id: rec.id,
      name: rec.name,
      description: rec.description,
      localShortName: rec.localShortName,
      remoteShortName: rec.remoteShortName,
      remoteUrl: rec.remoteUrl,
      type: rec.type,
      mode: rec.mode,
      status,
      role: rec.role,
      project: rec.project,
      createdAt: rec.createdAt,
      lastContactAt: rec.lastContactAt,
      statusReason,
      deactivatedBy,
      updatedAt: rec.updatedAt,
    };
  }

  private record(id: string): ConnRecord {
    const rec = this.conns.get(id);
    if (!rec) throw notFound(`Connection ${id}`);
    return rec;
  }

  private indexOfSeq(seq: number): number {
    let lo = 0;
    let hi = this.ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ordered[mid].seq < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Creates connections: writes them durably, then adds them to the in-memory indexes. Ids must be new. */
  private insert(recs: ConnRecord[], extra: StoreOp[] = []): void {
    for (const rec of recs) if (this.conns.has(rec.id)) throw new Error(`connection ${rec.id} exists already`);
    this.store.commit([...recs.map((r) => ({ c: 'connections' as const, k: r.id, v: r })), ...extra]);
    for (const rec of recs) {
      this.ordered.push(rec); // seq only grows, so appending keeps the order
      this.conns.set(rec.id, rec);
      this.names.set(nameKey(rec.name), rec.id);
    }
  }

  /**
   * Merges `changes` onto the *current* record of `id` and writes it durably. A no-op returning `undefined` when the
   * connection is gone (deleted while the caller awaited something), so a late writer never resurrects a deleted
   * connection nor undoes a change made meanwhile. Callers must not hold a record across an `await` and write it
   * back; they pass only the fields they change.
   */
  private update(id: string, changes: Partial<ConnRecord>, touch = true): ConnRecord | undefined {
    const old = this.conns.get(id);
    if (!old) return undefined;
    const next: ConnRecord = { ...old, ...changes, id: old.id, seq: old.seq, ...(touch ? { updatedAt: this.nowIso() } : {}) };
    this.store.commit([{ c: 'connections', k: id, v: next }]);
    if (nameKey(old.name) !== nameKey(next.name)) this.names.delete(nameKey(old.name));
    this.ordered[this.indexOfSeq(next.seq)] = next;
    this.conns.set(id, next);
    this.names.set(nameKey(next.name), id);
    return next;
  }

  private checkNameFree(name: string, exceptId?: string): void {
    const owner = this.names.get(nameKey(name));
    if (owner !== undefined && owner !== exceptId) {
      throw new ApiError(409, 'duplicate_name', `A connection named "${name}" already exists`, {
        name: 'A connection with this name already exists',
      });
    }
  }

  list(limitRaw: string | null, cursorRaw: string | null): ConnectionPage {
    let limit = DEFAULT_PAGE_LIMIT;
    if (limitRaw !== null) {
      if (!/^\d{1,6}$/.test(limitRaw) || Number(limitRaw) < 1 || Number(limitRaw) > MAX_PAGE_LIMIT) {
        throw new ApiError(400, 'bad_request', `limit must be an integer from 1 to ${MAX_PAGE_LIMIT}`, {
          limit: `Must be an integer from 1 to ${MAX_PAGE_LIMIT}`,
        });
      }
      limit = Number(limitRaw);
    }
    let start = 0;
    if (cursorRaw !== null && cursorRaw !== '') {
      const m = /^c(\d{1,15})$/.exec(Buffer.from(cursorRaw, 'base64url').toString('latin1'));
      if (!m) throw new ApiError(400, 'bad_request', 'cursor is not one this node issued', { cursor: 'Unknown cursor' });
      start = this.indexOfSeq(Number(m[1]) + 1);
    }
    const slice = this.ordered.slice(start, start + limit);
    const more = start + limit < this.ordered.length;
    const last = slice[slice.length - 1];
    return {
      items: slice.map((r) => this.toApi(r)),
      nextCursor: more && last ? Buffer.from(`c${last.seq}`, 'latin1').toString('base64url') : null,
    };
  }

  get(id: string): Connection {
    return this.toApi(this.record(id));
  }

  /** Compacts the store now (tests; the store also compacts on its own as its journal grows). */
  async compactStore(): Promise<void> {
    await this.store.compact();
  }

  /** Number of connections (for logs and tests). */
  get size(): number {
    return this.conns.size;
  }

  async checkDestination(body: unknown): Promise<PublicNodeInfo> {
    const { destinationUrl } = parse(DestinationCheckRequestSchema, body);
    return this.fetchDestination(destinationUrl);
  }

  private async fetchDestination(url: string): Promise<PublicNodeInfo> {
    const self = () =>
      new ApiError(422, 'destination_is_self', 'The destination is this node itself. Enter the URL of the other node.', {
        destinationUrl: 'This is the URL of this node',
      });
    if (this.publicUrl && sameUrl(url, this.publicUrl)) throw self();
    let res: Response;
    try {
      res = await fetch(`${url}/api/v1/public/info`, {
        headers: { accept: 'application/json' },
        redirect: 'manual',
        signal: AbortSignal.timeout(this.opts.peerTimeoutMs),
      });
    } catch (e) {
      throw new ApiError(502, 'destination_unreachable', `Cannot reach ${url}: ${describeFetchError(e)}`, {
        destinationUrl: `Cannot reach this URL (${describeFetchError(e)})`,
      });
    }
    const notNode = (why: string) =>
      new ApiError(422, 'destination_not_a_node', `${url} is not an Exalate node (${why})`, {
        destinationUrl: `Not an Exalate node (${why})`,
      });
    if (!res.ok) {
      await res.body?.cancel();
      throw notNode(`it answered HTTP ${res.status} to the node info request`);
    }
    let json: unknown;
    try {
      json = JSON.parse(await readCapped(res));
    } catch {
      throw notNode('its answer is not node info JSON (or larger than 64 KiB)');
    }
    const info = PublicNodeInfoSchema.safeParse(json);
    if (!info.success) throw notNode('its answer is not node info');
    if (info.data.nodeId === this.nodeId) throw self();
    return info.data;
  }

  async initiate(body: unknown, idemKey: string | null): Promise<InitiateResponse> {
    const req = parse(InitiateRequestSchema, body);
    if (idemKey === null) return this.doInitiate(req);
    const fingerprint = createHash('sha256').update(JSON.stringify(req)).digest('base64url');
    const stored = this.store.get<IdemRecord>('idem', idemKey);
    if (stored) {
      if (stored.fingerprint !== fingerprint) {
        throw new ApiError(409, 'conflict', 'This Idempotency-Key was already used for a different request');
      }
      const rec = this.conns.get(stored.connectionId);
      if (rec) return { connection: this.toApi(rec), invitationCode: this.invitationCodeOf(rec) };
    }
    const running = this.inflightIdem.get(idemKey);
    if (running) {
      if (running.fingerprint !== fingerprint) {
        throw new ApiError(409, 'conflict', 'This Idempotency-Key is in use by a different request');
      }
      return running.promise;
    }
    const p = this.doInitiate(req, { key: idemKey, fingerprint });
    this.inflightIdem.set(idemKey, { promise: p, fingerprint });
    try {
      return await p;
    } finally {
      this.inflightIdem.delete(idemKey);
    }
  }

  private async doInitiate(
    req: z.output<typeof InitiateRequestSchema>,
    idem?: { key: string; fingerprint: string },
  ): Promise<InitiateResponse> {
    if (!this.opts.modes.includes(req.mode)) {
      throw new ApiError(422, 'mode_not_supported', `This node does not support ${req.mode} mode`, {
        mode: `Supported modes: ${this.opts.modes.join(', ')}`,
      });
    }
    this.checkNameFree(req.name);
    if (req.destinationUrl !== null) {
      const info = await this.fetchDestination(req.destinationUrl);
      if (!info.modes.includes(req.mode)) {
        throw new ApiError(422, 'mode_not_supported', `${info.shortName} does not support ${req.mode} mode; it offers ${info.modes.join(', ')}`, {
          mode: `The destination offers: ${info.modes.join(', ')}`,
        });
      }
      this.checkNameFree(req.name); // the name may have been taken while we waited
    }
    const rec = this.newInitiatorRecord({
      name: req.name,
      description: req.description,
      localShortName: req.localShortName,
      remoteShortName: req.remoteShortName,
      remoteUrl: req.destinationUrl,
      mode: req.mode,
      project: req.project,
    });
    const extra: StoreOp[] = idem ? [{ c: 'idem', k: idem.key, v: { connectionId: rec.id, fingerprint: idem.fingerprint } satisfies IdemRecord }] : [];
    this.insert([rec], extra);
    this.opts.log(`initiated ${rec.type} connection "${rec.name}" (${rec.id})`);
    return { connection: this.toApi(rec), invitationCode: this.invitationCodeOf(rec) };
  }

  private newInitiatorRecord(f: {
    name: string;
    description: string;
    localShortName: string;
    remoteShortName: string;
    remoteUrl: string | null;
    mode: Mode;
    project: string;
  }): ConnRecord {
    const id = newId();
    const nonce = newNonce();
    const now = new Date(this.now());
    const expiresAt = new Date(now.getTime() + this.opts.invitationTtlMs).toISOString();
    const type: ConnectionType = f.remoteUrl === null ? 'private' : 'public';
    const issued: Omit<InvitationPayload, 'secret'> = {
      v: 1,
      connectionId: id,
      connectionName: f.name,
      initiatorShortName: f.localShortName,
      acceptorShortName: f.remoteShortName,
      initiatorUrl: this.publicUrl,
      initiatorNodeId: this.nodeId,
      type,
      mode: f.mode,
      expiresAt,
    };
    return {
      id,
      seq: this.nextSeq++,
      name: f.name,
      description: f.description,
      localShortName: f.localShortName,
      remoteShortName: f.remoteShortName,
      remoteUrl: f.remoteUrl,
      type,
      mode: f.mode,
      role: 'initiator',
      project: f.project,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      lastContactAt: null,
      accepted: false,
      localActive: true,
      remoteActive: true,
      remoteGone: false,
      errorReason: null,
      linkKey: linkKeyOf(deriveSecret(this.opts.masterKey, id, nonce)),
      invitation: { nonce, expiresAt, usedAt: null, issued },
    };
  }

  private invitationCodeOf(rec: ConnRecord): string {
    if (!rec.invitation) throw new ApiError(409, 'conflict', 'This connection has no invitation (it was accepted here)');
    return encodeInvitation({ ...rec.invitation.issued, secret: deriveSecret(this.opts.masterKey, rec.id, rec.invitation.nonce) });
  }

  getInvitation(id: string): InvitationCodeResponse {
    const rec = this.record(id);
    if (rec.role !== 'initiator' || !rec.invitation) {
      throw new ApiError(409, 'conflict', 'Only the initiating side has an invitation code');
    }
    if (rec.accepted) throw new ApiError(409, 'conflict', 'The invitation was already accepted; the connection is no longer pending');
    return { invitationCode: this.invitationCodeOf(rec), expiresAt: rec.invitation.expiresAt };
  }

  async patch(id: string, body: unknown): Promise<Connection> {
    const req = parse(PatchConnectionRequestSchema, body);
    let rec = this.record(id);
    if (req.name !== undefined) this.checkNameFree(req.name, id);
    const changes: Partial<ConnRecord> = {};
    if (req.name !== undefined) changes.name = req.name;
    if (req.description !== undefined) changes.description = req.description;
    const statusChanged = req.status !== undefined && (req.status === 'active') !== rec.localActive;
    if (req.status !== undefined) changes.localActive = req.status === 'active';
    rec = this.update(id, changes) ?? rec;
    if (statusChanged) {
      this.opts.log(`connection "${rec.name}" ${rec.localActive ? 'activated' : 'deactivated'} locally`);
      await this.pushState(rec);
    }
    return this.toApi(this.record(id));
  }

  async remove(id: string): Promise<void> {
    const rec = this.record(id);
    const ops: StoreOp[] = [{ c: 'connections', k: id }];
    for (const dir of ['outgoing', 'incoming'] as const) {
      const head = this.ruleHeads.get(`${id}|${dir}`) ?? 1;
      for (let n = 2; n <= head; n++) ops.push({ c: 'rules', k: `${id}|${dir}|${n}` });
    }
    for (const [key, v] of this.store.entries<IdemRecord>('idem')) if (v.connectionId === id) ops.push({ c: 'idem', k: key });
    this.store.commit(ops);
    this.conns.delete(id);
    this.names.delete(nameKey(rec.name));
    this.ordered.splice(this.indexOfSeq(rec.seq), 1);
    this.ruleHeads.delete(`${id}|outgoing`);
    this.ruleHeads.delete(`${id}|incoming`);
    this.opts.log(`deleted connection "${rec.name}" (${id})`);
    // Tell the other side when we are the one who can reach it (best effort; a private initiator cannot).
    if (rec.accepted && !rec.demo && rec.remoteUrl && !rec.remoteGone) {
      await this.peerCall(rec, peerPath(id, 'heartbeat'), { active: false, gone: true }).catch(() => undefined);
    }
  }

  // ---- invitations (accepting side) ------------------------------------------------------------------------

  previewInvitation(body: unknown): InvitationPreview {
    const { invitationCode } = parse(InvitationPreviewRequestSchema, body);
    const { payload } = decodeInvitation(invitationCode);
    return {
      connectionId: payload.connectionId,
      connectionName: payload.connectionName,
      initiatorShortName: payload.initiatorShortName,
      acceptorShortName: payload.acceptorShortName,
      initiatorUrl: payload.initiatorUrl,
      type: payload.type,
      mode: payload.mode,
      expiresAt: payload.expiresAt,
      expired: Date.parse(payload.expiresAt) <= this.now(),
    };
  }

  async accept(body: unknown): Promise<AcceptInvitationResponse> {
    const req = parse(AcceptInvitationRequestSchema, body);
    const { payload, payloadPart, linkKey } = decodeInvitation(req.invitationCode);
    if (payload.initiatorNodeId === this.nodeId) {
      throw new ApiError(422, 'own_invitation', 'This invitation was issued by this node; accept it on the other node', {
        invitationCode: 'This code was issued by this node',
      });
    }
    if (Date.parse(payload.expiresAt) <= this.now()) {
      throw new ApiError(410, 'invitation_expired', `The invitation expired at ${payload.expiresAt}. Ask ${payload.initiatorShortName} for a new connection.`, {
        invitationCode: 'The invitation has expired',
      });
    }
    if (this.conns.has(payload.connectionId) || this.inflightAccept.has(payload.connectionId)) {
      throw new ApiError(409, 'invitation_used', 'This invitation was already accepted here', {
        invitationCode: 'Already accepted',
      });
    }
    this.inflightAccept.add(payload.connectionId);
    try {
      const path = peerPath(payload.connectionId, 'accept');
      const peerBody = {
        payloadDigest: payloadDigest(payloadPart),
        acceptorShortName: payload.acceptorShortName,
        acceptorUrl: payload.type === 'public' ? this.publicUrl : null,
        acceptorNodeId: this.nodeId,
      };
      let res: { status: number; json: unknown };
      try {
        res = await this.rawPeerCall(payload.initiatorUrl, linkKey, payload.connectionId, path, peerBody);
      } catch (e) {
        throw new ApiError(502, 'initiator_unreachable', `Cannot reach the initiating node at ${payload.initiatorUrl} (${describeFetchError(e)}). Check that it is running and reachable from here.`, {
          invitationCode: 'The initiating node cannot be reached',
        });
      }
      if (res.status === 401) {
        throw new ApiError(400, 'invitation_tampered', 'The initiating node does not recognise this code\'s secret; the code was altered', {
          invitationCode: 'The invitation code was modified',
        });
      }
      if (res.status < 200 || res.status >= 300) {
        const err = (res.json as { error?: { code?: string; message?: string } } | null)?.error;
        const known = ['invitation_used', 'invitation_expired', 'invitation_tampered', 'invitation_unknown', 'conflict'];
        if (err?.code && known.includes(err.code)) {
          throw new ApiError(res.status, err.code as 'conflict', `${payload.initiatorShortName}: ${err.message ?? err.code}`, {
            invitationCode: err.message ?? err.code,
          });
        }
        throw new ApiError(502, 'initiator_unreachable', `The initiating node answered HTTP ${res.status}${err?.message ? `: ${err.message}` : ''}`, {
          invitationCode: 'The initiating node refused the request',
        });
      }
      const state = PeerStateSchema.safeParse(res.json);
      const now = this.nowIso();
      const rec: ConnRecord = {
        id: payload.connectionId,
        seq: this.nextSeq++,
        name: payload.connectionName,
        description: '',
        localShortName: payload.acceptorShortName,
        remoteShortName: payload.initiatorShortName,
        remoteUrl: payload.initiatorUrl,
        type: payload.type,
        mode: payload.mode,
        role: 'acceptor',
        project: req.project,
        createdAt: now,
        updatedAt: now,
        lastContactAt: now,
        accepted: true,
        localActive: true,
        remoteActive: state.success ? state.data.active : true,
        remoteGone: false,
        errorReason: null,
        linkKey,
        remoteNodeId: payload.initiatorNodeId,
      };
      // The acceptor cannot choose the name, so a clash gets a suffix instead of an error.
      for (let i = 1; this.names.has(nameKey(rec.name)); i++) {
        rec.name = `${payload.connectionName} (${payload.initiatorShortName}${i > 1 ? ` ${i}` : ''})`.slice(-255).trimStart();
      }
      this.insert([rec]);
      this.opts.log(`accepted invitation for "${rec.name}" from ${payload.initiatorUrl}`);
      return { connection: this.toApi(rec) };
    } finally {
      this.inflightAccept.delete(payload.connectionId);
    }
  }

  // ---- node-to-node (server side) --------------------------------------------------------------------------

  /**
   * Checks the node-to-node JWT and returns the connection record as it is *after* the (async) verification, so
   * callers decide on current state. Everything a caller does with the result must happen without another await
   * in between (check-and-set), or it must re-read.
   */
  private async authenticatePeer(
    authorization: string | undefined,
    id: string,
    path: string,
    /** Whether `iss` must be the other side's node id recorded on acceptance (false only for /accept itself). */
    pinIssuer = true,
  ): Promise<{ rec: ConnRecord; issuer: string }> {
    const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
    if (!token || peekJwtSubject(token) !== id) throw new ApiError(401, 'unauthorized', 'Node-to-node token missing or not for this connection');
    const unknown = () => new ApiError(404, 'invitation_unknown', 'This node has no such connection (it may have been deleted)');
    const before = this.conns.get(id);
    if (!before || before.demo) throw unknown();
    const issuer = await verifyPeerJwt(token, before.linkKey, {
      connectionId: id,
      method: 'POST',
      path,
      self: this.nodeId,
      issuer: pinIssuer ? before.remoteNodeId : undefined,
      replay: this.usedJtis,
      now: this.now(),
    });
    // Re-read: the connection may have been deleted, accepted or changed while the signature was checked.
    const rec = this.conns.get(id);
    if (!rec || rec.demo || rec.linkKey !== before.linkKey) throw unknown();
    if (pinIssuer && rec.remoteNodeId !== undefined && rec.remoteNodeId !== issuer) {
      throw new ApiError(401, 'unauthorized', 'Node-to-node token not issued by the other side of this connection');
    }
    return { rec, issuer };
  }

  /**
   * `body` is the request body, or a reader for it: a reader is called only once the JWT checked out, so an
   * unauthenticated caller never gets its body read.
   */
  /** {@link authenticatePeer}, then the body (read only now), then the record as it is after both awaits. */
  private async authenticatePeerWithBody(
    authorization: string | undefined,
    id: string,
    path: string,
    pinIssuer: boolean,
    body: PeerBody,
  ): Promise<{ rec: ConnRecord; issuer: string; body: unknown }> {
    const first = await this.authenticatePeer(authorization, id, path, pinIssuer);
    if (typeof body !== 'function') return { ...first, body };
    const raw = await (body as () => Promise<unknown>)();
    const rec = this.conns.get(id);
    if (!rec || rec.demo || rec.linkKey !== first.rec.linkKey) {
      throw new ApiError(404, 'invitation_unknown', 'This node has no such connection (it may have been deleted)');
    }
    return { rec, issuer: first.issuer, body: raw };
  }

  async peerAccept(authorization: string | undefined, id: string, body: PeerBody): Promise<{ active: boolean; name: string }> {
    const path = peerPath(id, 'accept');
    const { rec, issuer, body: raw } = await this.authenticatePeerWithBody(authorization, id, path, false, body);
    // From here to the update below there is no await: the single-use check and the "used" mark are one step.
    const req = parse(PeerAcceptBodySchema, raw);
    if (rec.role !== 'initiator' || !rec.invitation) throw new ApiError(409, 'conflict', 'This node did not issue that invitation');
    if (rec.invitation.usedAt || rec.accepted) throw new ApiError(409, 'invitation_used', 'This invitation was already used');
    if (issuer !== req.acceptorNodeId) throw new ApiError(401, 'unauthorized', 'Node-to-node token not issued by the accepting node');
    if (Date.parse(rec.invitation.expiresAt) <= this.now()) throw new ApiError(410, 'invitation_expired', 'This invitation has expired');
    const issuedPart = Buffer.from(JSON.stringify({ ...rec.invitation.issued, secret: deriveSecret(this.opts.masterKey, rec.id, rec.invitation.nonce) }), 'utf8').toString('base64url');
    if (!sameDigest(payloadDigest(issuedPart), req.payloadDigest)) {
      throw new ApiError(400, 'invitation_tampered', 'The invitation details differ from what was issued');
    }
    if (!rec.localActive) throw new ApiError(409, 'conflict', 'The initiator deactivated this connection before it was accepted');
    const now = this.nowIso();
    const next = this.update(id, {
      accepted: true,
      lastContactAt: now,
      invitation: { ...rec.invitation, usedAt: now },
      remoteNodeId: req.acceptorNodeId,
      // Public connection: we know the destination; keep the URL we were given when initiating.
      remoteUrl: rec.type === 'public' ? rec.remoteUrl ?? req.acceptorUrl : null,
    })!;
    this.opts.log(`invitation for "${next.name}" accepted by ${req.acceptorShortName}`);
    return { active: next.localActive, name: next.name };
  }

  async peerHeartbeat(authorization: string | undefined, id: string, body: PeerBody): Promise<{ active: boolean; name: string }> {
    const path = peerPath(id, 'heartbeat');
    const { rec, body: raw } = await this.authenticatePeerWithBody(authorization, id, path, true, body);
    // No await from here on: `rec` is current, and update() merges onto the current record anyway.
    const req = parse(PeerHeartbeatBodySchema, raw);
    if (!rec.accepted) throw new ApiError(409, 'conflict', 'The connection is not accepted yet');
    const gone = req.gone === true;
    const changed = rec.remoteActive !== req.active || rec.remoteGone !== gone || rec.errorReason !== null;
    const next = this.update(id, { remoteActive: req.active, remoteGone: gone, lastContactAt: this.nowIso(), errorReason: null }, changed)!;
    if (changed) this.opts.log(`"${next.name}": the other side is now ${gone ? 'gone' : req.active ? 'active' : 'deactivated'}`);
    return { active: next.localActive, name: next.name };
  }

  // ---- node-to-node (client side) and polling ---------------------------------------------------------------

  private async rawPeerCall(baseUrl: string, linkKey: string, id: string, path: string, body: unknown): Promise<{ status: number; json: unknown }> {
    const token = await signPeerJwt(linkKey, id, 'POST', path, { issuer: this.nodeId, now: this.now() });
    const res = await fetch(`${baseUrl}${PEER_PREFIX}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(this.opts.peerTimeoutMs),
    });
    // A larger answer throws like a network error: the caller reports the other node as unreachable/refusing.
    const text = await readCapped(res);
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: res.status, json };
  }

  private async peerCall(rec: ConnRecord, path: string, body: unknown): Promise<{ status: number; json: unknown }> {
    if (!rec.remoteUrl) throw new Error('remote unknown');
    return this.rawPeerCall(rec.remoteUrl, rec.linkKey, rec.id, path, body);
  }

  /** After a local status change: tell the other side right away when we can reach it. */
  private async pushState(rec: ConnRecord): Promise<void> {
    if (!rec.accepted || rec.demo || !rec.remoteUrl || rec.remoteGone) return;
    await this.heartbeat(rec);
  }

  /** One heartbeat to the other side; records the outcome. */
  private async heartbeat(rec: ConnRecord): Promise<void> {
    let res: { status: number; json: unknown };
    try {
      res = await this.peerCall(rec, peerPath(rec.id, 'heartbeat'), { active: rec.localActive });
    } catch (e) {
      this.markContact(rec.id, { errorReason: `Cannot reach ${rec.remoteShortName} at ${rec.remoteUrl} (${describeFetchError(e)})` });
      return;
    }
    if (res.status === 404) {
      this.markContact(rec.id, { remoteGone: true, errorReason: null });
      return;
    }
    const state = PeerStateSchema.safeParse(res.json);
    if (res.status !== 200 || !state.success) {
      const reason = res.status === 401 ? 'rejected our credentials' : `answered HTTP ${res.status}`;
      this.markContact(rec.id, { errorReason: `${rec.remoteShortName} ${reason}` });
      return;
    }
    this.markContact(rec.id, { remoteActive: state.data.active, remoteGone: false, errorReason: null, lastContactAt: this.nowIso() });
  }

  private markContact(id: string, changes: Partial<ConnRecord>): void {
    const rec = this.conns.get(id);
    if (!rec) return; // deleted meanwhile
    const changed =
      (changes.remoteActive !== undefined && changes.remoteActive !== rec.remoteActive) ||
      (changes.remoteGone !== undefined && changes.remoteGone !== rec.remoteGone) ||
      (changes.errorReason !== undefined && changes.errorReason !== rec.errorReason);
    if (changed) this.opts.log(`"${rec.name}": ${changes.errorReason ?? (changes.remoteGone ? 'deleted by the other side' : changes.remoteActive === false ? 'deactivated by the other side' : 'in contact')}`);
    this.update(id, changes, changed);
  }

  /** Polls every accepting-side connection once (the initiator of a private connection never calls out). */
  pollNow(): Promise<void> {
    if (this.polling) return this.polling;
    this.polling = (async () => {
      const targets = this.ordered.filter((r) => r.role === 'acceptor' && r.accepted && !r.demo && !r.remoteGone && r.remoteUrl);
      const concurrency = 8;
      for (let i = 0; i < targets.length && !this.stopped; i += concurrency) {
        await Promise.all(targets.slice(i, i + concurrency).map((r) => this.heartbeat(r).catch(() => undefined)));
      }
    })().finally(() => {
      this.polling = null;
    });
    return this.polling;
  }

  startPolling(): void {
    const tick = () => {
      this.pollTimer = null;
      void this.pollNow().finally(() => {
        if (!this.stopped) {
          this.pollTimer = setTimeout(tick, this.opts.pollMs);
          this.pollTimer.unref();
        }
      });
    };
    this.pollTimer = setTimeout(tick, this.opts.pollMs);
    this.pollTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    await this.polling?.catch(() => undefined);
  }

  // ---- sync rules ------------------------------------------------------------------------------------------

  private defaultRule(rec: ConnRecord, dir: RuleDirection): SyncRule {
    const ctx = { localShortName: rec.localShortName, remoteShortName: rec.remoteShortName, project: rec.project };
    return {
      script: dir === 'outgoing' ? defaultOutgoingScript(ctx) : defaultIncomingScript(ctx),
      version: 1,
      updatedAt: rec.createdAt,
      author: 'system',
    };
  }

  private ruleVersion(rec: ConnRecord, dir: RuleDirection, n: number): SyncRule | undefined {
    if (n === 1) return this.defaultRule(rec, dir);
    const v = this.store.get<RuleVersionRecord>('rules', `${rec.id}|${dir}|${n}`);
    return v ? { script: this.store.readBlob(v.blob), version: v.version, updatedAt: v.updatedAt, author: v.author } : undefined;
  }

  getRule(id: string, dir: RuleDirection): SyncRule {
    const rec = this.record(id);
    return this.ruleVersion(rec, dir, this.ruleHeads.get(`${id}|${dir}`) ?? 1)!;
  }

  putRule(id: string, dir: RuleDirection, body: unknown, ifMatch: number | null, author: string): SyncRule {
    const rec = this.record(id);
    const req = parse(PutSyncRuleRequestSchema, body);
    const current = this.getRule(id, dir);
    if (ifMatch === null) {
      throw new ApiError(428, 'precondition_required', 'PUT needs an If-Match header with the version you edited (from the ETag)', undefined, current);
    }
    if (ifMatch !== current.version) {
      throw new ApiError(412, 'precondition_failed', `The ${dir} rule changed since version ${ifMatch}; the current version is ${current.version}`, undefined, current, { etag: `"${current.version}"` });
    }
    const next: RuleVersionRecord = {
      version: current.version + 1,
      updatedAt: this.nowIso(),
      author,
      blob: blobHash(req.script),
      size: utf8ByteLength(req.script),
      state: 'published', // saving makes it the current rule (drafts come with a later API)
    };
    const ops: StoreOp[] = [{ c: 'rules', k: `${id}|${dir}|${next.version}`, v: next }];
    for (const n of this.prunable(id, dir, next)) ops.push({ c: 'rules', k: `${id}|${dir}|${n}` });
    // Throws StoreError (quota, disk) before anything is applied; the head moves only after the durable write.
    this.store.commit(ops, [req.script]);
    this.ruleHeads.set(`${id}|${dir}`, next.version);
    this.opts.log(`"${rec.name}": ${dir} rule v${next.version} by ${author}`);
    return { script: req.script, version: next.version, updatedAt: next.updatedAt, author: next.author };
  }

  /** Stored versions of one direction that the retention policy drops once `added` is saved. */
  private prunable(id: string, dir: RuleDirection, added: RuleVersionRecord): number[] {
    const versions = [{ version: added.version, state: added.state }];
    for (let n = 2; n < added.version; n++) {
      const v = this.store.get<RuleVersionRecord>('rules', `${id}|${dir}|${n}`);
      if (v) versions.push({ version: n, state: v.state });
    }
    return versionsToPrune(versions, this.opts.keepDrafts ?? DEFAULT_KEEP_DRAFTS);
  }

  listRuleVersions(id: string, dir: RuleDirection): RuleVersionList {
    const rec = this.record(id);
    const head = this.ruleHeads.get(`${id}|${dir}`) ?? 1;
    const items = [];
    // From the metadata: no script is read.
    for (let n = head; n >= 2; n--) {
      const v = this.store.get<RuleVersionRecord>('rules', `${id}|${dir}|${n}`);
      if (v) items.push({ version: v.version, updatedAt: v.updatedAt, author: v.author, size: v.size });
    }
    const first = this.defaultRule(rec, dir);
    items.push({ version: 1, updatedAt: first.updatedAt, author: first.author, size: utf8ByteLength(first.script) });
    return { items };
  }

  getRuleVersion(id: string, dir: RuleDirection, n: number): SyncRule {
    const rec = this.record(id);
    const v = this.ruleVersion(rec, dir, n);
    if (!v || n > (this.ruleHeads.get(`${id}|${dir}`) ?? 1)) throw notFound(`Version ${n} of the ${dir} rule`);
    return v;
  }

  // ---- demo and test support -------------------------------------------------------------------------------

  /** Creates `count` pending private connections in one durable write (dev/test hook). */
  bulkCreate(body: unknown): DevBulkResponse {
    const req = parse(DevBulkRequestSchema, body);
    const prefix = req.namePrefix ?? 'Bulk connection';
    const width = String(req.count).length;
    const recs: ConnRecord[] = [];
    const seen = new Set<string>();
    for (let i = 1; i <= req.count; i++) {
      const name = `${prefix} ${String(i).padStart(width, '0')}`;
      if (this.names.has(nameKey(name)) || seen.has(nameKey(name))) {
        this.nextSeq -= recs.length;
        throw new ApiError(409, 'duplicate_name', `A connection named "${name}" already exists`, { namePrefix: 'Names with this prefix already exist' });
      }
      seen.add(nameKey(name));
      recs.push(
        this.newInitiatorRecord({
          name,
          description: `Generated connection ${i} of ${req.count}`,
          localShortName: this.opts.shortName,
          remoteShortName: 'partner',
          remoteUrl: null,
          mode: 'script',
          project: 'Sandbox',
        }),
      );
    }
    this.insert(recs);
    this.opts.log(`dev: created ${recs.length} connections`);
    return { created: recs.length, firstId: recs[0].id, lastId: recs[recs.length - 1].id };
  }

  /** Adds example connections in every status, once per data directory. */
  seed(): void {
    const meta = this.store.get<NodeMeta>('meta', 'node')!;
    if (meta.seeded) return;
    const me = this.opts.shortName;
    const make = (f: Parameters<SandboxNode['newInitiatorRecord']>[0], over: Partial<ConnRecord>): ConnRecord => ({
      ...this.newInitiatorRecord(f),
      ...over,
    });
    const hourAgo = new Date(this.now() - 3600_000).toISOString();
    const recs: ConnRecord[] = [];
    const add = (f: Parameters<SandboxNode['newInitiatorRecord']>[0], over: Partial<ConnRecord>) => {
      if (!this.names.has(nameKey(f.name))) recs.push(make(f, over));
    };
    add(
      { name: 'Support escalations (waiting for partner)', description: 'Private connection; send the invitation code to the partner.', localShortName: me, remoteShortName: 'acme-support', remoteUrl: null, mode: 'script', project: 'Contoso Web' },
      {},
    );
    add(
      { name: 'Fabrikam Jira bugs', description: 'Bugs mirrored from the Fabrikam Jira project.', localShortName: me, remoteShortName: 'fabrikam-jira', remoteUrl: 'https://fabrikam-jira.example.com', mode: 'script', project: 'Contoso Web' },
      { demo: true, accepted: true, lastContactAt: hourAgo, invitation: undefined },
    );
    add(
      { name: 'Northwind ServiceNow incidents', description: 'Incidents raised by Northwind operations.', localShortName: me, remoteShortName: 'northwind-snow', remoteUrl: 'https://northwind-snow.example.com', mode: 'basic', project: 'Operations' },
      { demo: true, accepted: true, lastContactAt: hourAgo, localActive: false, invitation: undefined },
    );
    add(
      { name: 'Tailspin GitHub issues', description: 'We accepted Tailspin\'s invitation; their node is offline.', localShortName: me, remoteShortName: 'tailspin-gh', remoteUrl: 'https://tailspin-gh.example.com', mode: 'script', project: 'Contoso Mobile' },
      { demo: true, accepted: true, role: 'acceptor', type: 'private', lastContactAt: hourAgo, invitation: undefined, errorReason: 'Cannot reach tailspin-gh at https://tailspin-gh.example.com (ECONNREFUSED)' },
    );
    add(
      { name: 'Litware Zendesk tickets', description: 'Deactivated by Litware while they migrate.', localShortName: me, remoteShortName: 'litware-zd', remoteUrl: null, mode: 'script', project: 'Operations' },
      { demo: true, accepted: true, lastContactAt: hourAgo, remoteActive: false, invitation: undefined },
    );
    this.insert(recs, [{ c: 'meta', k: 'node', v: { ...meta, seeded: true } }]);
    this.opts.log(`seeded ${recs.length} example connections`);
  }
}
