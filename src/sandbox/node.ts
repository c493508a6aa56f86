// The sandbox node: the facade server.ts calls. Its behaviour lives in parts (src/sandbox/parts/), one per concern:
// - connections.ts  the connection index (records in memory, paging, the only writer of connection records)
// - invitations.ts  initiating (Idempotency-Key), invitation codes, accepting another node's code
// - peers.ts        node-to-node calls both ways (accept, heartbeat, destination check) and the acceptor's polling
// - rules.ts        sync rule versions (scripts as store blobs, retention)
// - devSeed.ts      example connections (--seed) and bulk creation (--dev)
// - sync/           work item sync: engine.ts (queues, scripts, applying through the emulator), transport.ts
//                   (push/pull between nodes), records.ts (store records, wire format), model.ts (ADO ↔ script model)
// Shared: context.ts (store, options, clock, node id). Transport-agnostic; every state change goes through the
// durable store before it is acknowledged.
import {
  NODE_PLATFORM,
  PatchConnectionRequestSchema,
  type AcceptInvitationResponse,
  type Connection,
  type ConnectionPage,
  type DevBulkResponse,
  type InitiateResponse,
  type InvitationCodeResponse,
  type InvitationPreview,
  type NodeInfo,
  type PublicNodeInfo,
  type RuleDirection,
  type RuleVersionList,
  type SyncRule,
  type BulkExalateResponse,
  type SyncAccepted,
  type SyncedPage,
  type ReceivedReplica,
  type SyncErrorList,
  type SyncQueue,
  type SyncTriggerList,
} from '../shared/api';
import type { StoreOp } from './store';
import { ConnectionIndex } from './parts/connections';
import { NodeContext, SANDBOX_VERSION, parse, type ConnRecord, type SandboxNodeOptions } from './parts/context';
import { DevSeed } from './parts/devSeed';
import { Invitations, type IdemRecord } from './parts/invitations';
import { PeerLink, peerPath, type PeerBody } from './parts/peers';
import { RuleVersions } from './parts/rules';
import type { SyncEmulator } from './parts/sync/emulator';
import { SyncEngine } from './parts/sync/engine';
import type { OutMessage } from './parts/sync/records';
import { SyncTransport } from './parts/sync/transport';

export { DEFAULT_INVITATION_TTL_MS, DEFAULT_PEER_TIMEOUT_MS, DEFAULT_POLL_MS, SANDBOX_VERSION, type ConnRecord, type SandboxNodeOptions } from './parts/context';
export { MAX_PEER_ANSWER_BYTES, readCapped, sameDigest, type PeerBody } from './parts/peers';

export class SandboxNode {
  adoUrl: string | null = null;
  private readonly ctx: NodeContext;
  private readonly index: ConnectionIndex;
  private readonly peers: PeerLink;
  private readonly invitations: Invitations;
  private readonly rules: RuleVersions;
  private readonly dev: DevSeed;
  private readonly sync: SyncEngine;
  private readonly transport: SyncTransport;

  constructor(private readonly opts: SandboxNodeOptions) {
    this.ctx = new NodeContext(opts);
    this.index = new ConnectionIndex(this.ctx);
    this.peers = new PeerLink(this.ctx, this.index);
    this.invitations = new Invitations(this.ctx, this.index, this.peers);
    this.rules = new RuleVersions(this.ctx, this.index);
    this.dev = new DevSeed(this.ctx, this.index, this.invitations);
    this.sync = new SyncEngine(this.ctx, this.index, this.rules);
    this.transport = new SyncTransport(this.ctx, this.index, this.peers, this.sync);
    this.index.syncCounts = (id) => this.sync.counts(id);
  }

  /** Connects the sync engine to the node's Azure DevOps emulator (before the node serves requests). */
  attachEmulator(emulator: SyncEmulator): void {
    this.sync.attach(emulator);
  }

  get nodeId(): string {
    return this.ctx.nodeId;
  }

  /** URL other nodes use to reach this one. */
  get publicUrl(): string {
    return this.ctx.publicUrl;
  }

  set publicUrl(url: string) {
    this.ctx.publicUrl = url;
  }

  /** Current time (ms) from the injected clock. */
  now(): number {
    return this.ctx.now();
  }

  get shortName(): string {
    return this.opts.shortName;
  }

  /** Number of connections (for logs and tests). */
  get size(): number {
    return this.index.size;
  }

  /** Compacts the store now (tests; the store also compacts on its own as its journal grows). */
  async compactStore(): Promise<void> {
    await this.ctx.store.compact();
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
    return this.index.toApi(rec);
  }

  list(limitRaw: string | null, cursorRaw: string | null): ConnectionPage {
    return this.index.list(limitRaw, cursorRaw);
  }

  get(id: string): Connection {
    return this.index.get(id);
  }

  async patch(id: string, body: unknown): Promise<Connection> {
    const req = parse(PatchConnectionRequestSchema, body);
    let rec = this.index.record(id);
    if (req.name !== undefined) this.index.checkNameFree(req.name, id);
    const changes: Partial<ConnRecord> = {};
    if (req.name !== undefined) changes.name = req.name;
    if (req.description !== undefined) changes.description = req.description;
    const statusChanged = req.status !== undefined && (req.status === 'active') !== rec.localActive;
    if (req.status !== undefined) changes.localActive = req.status === 'active';
    rec = this.index.update(id, changes) ?? rec;
    if (statusChanged) {
      this.opts.log(`connection "${rec.name}" ${rec.localActive ? 'activated' : 'deactivated'} locally`);
      await this.peers.pushState(rec);
    }
    return this.index.toApi(this.index.record(id));
  }

  /** Deletes a connection with its rule versions and idempotency keys in one write, then tells the other side. */
  async remove(id: string): Promise<void> {
    const rec = this.index.record(id);
    const ops: StoreOp[] = [{ c: 'connections', k: id }, ...this.rules.deleteOps(id), ...this.sync.deleteOps(id)];
    for (const [key, v] of this.ctx.store.entries<IdemRecord>('idem')) if (v.connectionId === id) ops.push({ c: 'idem', k: key });
    this.ctx.store.commit(ops);
    this.index.forget(rec);
    this.rules.forget(id);
    this.sync.forget(id);
    this.opts.log(`deleted connection "${rec.name}" (${id})`);
    // Tell the other side when we are the one who can reach it (best effort; a private initiator cannot).
    if (rec.accepted && !rec.demo && rec.remoteUrl && !rec.remoteGone) {
      await this.peers.peerCall(rec, peerPath(id, 'heartbeat'), { active: false, gone: true }).catch(() => undefined);
    }
  }

  // ---- invitations -----------------------------------------------------------------------------------------

  checkDestination(body: unknown): Promise<PublicNodeInfo> {
    return this.peers.checkDestination(body);
  }

  initiate(body: unknown, idemKey: string | null): Promise<InitiateResponse> {
    return this.invitations.initiate(body, idemKey);
  }

  getInvitation(id: string): InvitationCodeResponse {
    return this.invitations.getInvitation(id);
  }

  previewInvitation(body: unknown): InvitationPreview {
    return this.invitations.previewInvitation(body);
  }

  accept(body: unknown): Promise<AcceptInvitationResponse> {
    return this.invitations.accept(body);
  }

  checkInvitation(body: unknown): Promise<{ usable: true }> {
    return this.invitations.checkInvitation(body);
  }

  // ---- node-to-node and polling ----------------------------------------------------------------------------

  peerAccept(authorization: string | undefined, id: string, body: PeerBody): Promise<{ active: boolean; name: string }> {
    return this.peers.peerAccept(authorization, id, body);
  }

  peerCheck(authorization: string | undefined, id: string, body: PeerBody): Promise<{ usable: true }> {
    return this.peers.peerCheck(authorization, id, body);
  }

  peerHeartbeat(authorization: string | undefined, id: string, body: PeerBody): Promise<{ active: boolean; name: string }> {
    return this.peers.peerHeartbeat(authorization, id, body);
  }

  pollNow(): Promise<void> {
    return this.peers.pollNow();
  }

  startPolling(): void {
    this.peers.startPolling();
    this.transport.start();
  }

  async stop(): Promise<void> {
    await this.transport.stop();
    await this.sync.stop();
    await this.peers.stop();
  }

  // ---- work item sync --------------------------------------------------------------------------------------

  requestSync(id: string, body: unknown): SyncAccepted {
    return this.sync.requestSync(id, body);
  }

  listSynced(id: string, limit: string | null, cursor: string | null): SyncedPage {
    return this.sync.listSynced(id, limit, cursor);
  }

  lastReplica(id: string, remoteId: string): ReceivedReplica {
    return this.sync.lastReplica(id, remoteId);
  }

  syncQueue(id: string): SyncQueue {
    return this.sync.queue(id);
  }

  syncErrors(id: string): SyncErrorList {
    return this.sync.errors(id);
  }

  retrySyncError(id: string, errorId: string): Record<string, never> {
    return this.sync.retry(id, errorId);
  }

  resolveSyncError(id: string, errorId: string): void {
    this.sync.resolve(id, errorId);
  }

  getTriggers(id: string): SyncTriggerList {
    return this.sync.getTriggers(id);
  }

  putTriggers(id: string, body: unknown): SyncTriggerList {
    return this.sync.putTriggers(id, body);
  }

  bulkExalate(id: string, triggerId: string): BulkExalateResponse {
    return this.sync.bulk(id, triggerId);
  }

  peerSyncPush(authorization: string | undefined, id: string, body: PeerBody): Promise<{ ack: number }> {
    return this.transport.peerPush(authorization, id, body);
  }

  peerSyncPull(authorization: string | undefined, id: string, body: PeerBody): Promise<{ messages: OutMessage[] }> {
    return this.transport.peerPull(authorization, id, body);
  }

  /** Waits until the sync worker has nothing to do right now (tests). */
  syncIdle(): Promise<void> {
    return this.sync.idle();
  }

  // ---- sync rules ------------------------------------------------------------------------------------------

  /** `GET …/rules/{dir}`: the active rule. */
  getRule(id: string, dir: RuleDirection): SyncRule {
    return this.rules.getRule(id, dir);
  }

  /** The ACTIVE (published) rule of a direction: what the sync engine runs. */
  activeRule(id: string, dir: RuleDirection): SyncRule {
    return this.rules.activeRule(id, dir);
  }

  /** `GET …/rules/{dir}/latest`: the newest version, draft or published. */
  latestRule(id: string, dir: RuleDirection): SyncRule {
    return this.rules.latestRule(id, dir);
  }

  saveDraft(id: string, dir: RuleDirection, body: unknown, ifMatch: number | null, author: string): Promise<SyncRule> {
    return this.rules.saveDraft(id, dir, body, ifMatch, author);
  }

  publishRule(id: string, dir: RuleDirection, version: number, author: string): Promise<SyncRule> {
    return this.rules.publish(id, dir, version, author);
  }

  listRuleVersions(id: string, dir: RuleDirection): RuleVersionList {
    return this.rules.listRuleVersions(id, dir);
  }

  getRuleVersion(id: string, dir: RuleDirection, n: number): SyncRule {
    return this.rules.getRuleVersion(id, dir, n);
  }

  // ---- demo and test support -------------------------------------------------------------------------------

  bulkCreate(body: unknown): DevBulkResponse {
    return this.dev.bulkCreate(body);
  }

  seed(): void {
    this.dev.seed();
  }
}
