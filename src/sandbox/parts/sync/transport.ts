// Moving sync messages between the two nodes (docs/node-api.md "Work item sync" under the node-to-node protocol).
// - A node that knows the partner's URL (both sides of a public connection, the accepting side of a private one)
//   pushes its outbox: `POST /peer/connections/{id}/sync/push` `{ messages }` → `{ ack }`.
// - The accepting side of a private connection also pulls, every poll interval and at once again while messages
//   keep coming: `POST /peer/connections/{id}/sync/pull` `{ ack }` → `{ messages }`. The public side never calls it.
// Acknowledgements are cumulative sequence numbers: the receiver stores the messages that continue the sender's
// sequence (one durable commit) and answers the last one stored; the sender drops everything up to it. A lost
// answer only means the same messages are sent again and skipped. Failures back off exponentially (0.2 s … 30 s).
import { ApiError } from '../../errors';
import { parse, type ConnRecord, type NodeContext } from '../context';
import type { ConnectionIndex } from '../connections';
import { describeFetchError, peerPath, type PeerBody, type PeerLink } from '../peers';
import type { SyncEngine } from './engine';
import {
  MAX_BATCH_CHARS,
  MAX_BATCH_MESSAGES,
  MAX_SYNC_BODY_BYTES,
  PullAnswerSchema,
  PullBodySchema,
  PushAnswerSchema,
  PushBodySchema,
  type OutMessage,
} from './records';

const MIN_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 30_000;

interface Backoff {
  failures: number;
  until: number;
  timer: NodeJS.Timeout | null;
}

export class SyncTransport {
  private readonly pushing = new Map<string, Promise<void>>();
  private readonly pulling = new Map<string, Promise<void>>();
  private readonly backoff = new Map<string, Backoff>();
  private pollTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly ctx: NodeContext,
    private readonly index: ConnectionIndex,
    private readonly peers: PeerLink,
    private readonly engine: SyncEngine,
  ) {
    engine.events = { outboxChanged: (id) => this.flush(id) };
  }

  /** Whether messages move on this connection now (accepted, active on both sides, not demo data). */
  private live(rec: ConnRecord | undefined): rec is ConnRecord {
    return !!rec && rec.accepted && !rec.demo && rec.localActive && rec.remoteActive && !rec.remoteGone;
  }

  private blocked(id: string): boolean {
    const b = this.backoff.get(id);
    return !!b && Date.now() < b.until;
  }

  private failed(id: string, what: string, why: string): void {
    const b = this.backoff.get(id) ?? { failures: 0, until: 0, timer: null };
    b.failures++;
    const delay = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** (b.failures - 1)) * (0.75 + Math.random() * 0.5);
    b.until = Date.now() + delay;
    if (b.failures === 1 || b.failures % 10 === 0) this.ctx.opts.log(`sync: ${what} failed (${why}); retrying in ${Math.round(delay)} ms`);
    if (b.timer) clearTimeout(b.timer);
    b.timer = setTimeout(() => {
      b.timer = null;
      this.flush(id);
    }, delay);
    b.timer.unref();
    this.backoff.set(id, b);
  }

  private succeeded(id: string): void {
    const b = this.backoff.get(id);
    if (!b) return;
    if (b.timer) clearTimeout(b.timer);
    this.backoff.delete(id);
  }

  /** Sends (or, for a private acceptor, also fetches) what is waiting on one connection, unless backing off. */
  flush(id: string): void {
    if (this.stopped) return;
    const rec = this.index.conns.get(id);
    if (!this.live(rec) || !rec.remoteUrl || this.blocked(id)) return;
    if (this.engine.conns.get(id)?.out.length) this.push(rec);
    if (this.pullsFrom(rec)) this.pull(rec);
  }

  /** The accepting side of a private connection fetches the partner's messages (the partner cannot call it). */
  private pullsFrom(rec: ConnRecord): boolean {
    return rec.role === 'acceptor' && rec.type === 'private' && !!rec.remoteUrl;
  }

  private push(rec: ConnRecord): void {
    if (this.pushing.has(rec.id)) return;
    const run = (async () => {
      for (;;) {
        const cur = this.index.conns.get(rec.id);
        if (this.stopped || !this.live(cur) || !cur.remoteUrl) return;
        const batch = this.engine.pending(rec.id, 0, MAX_BATCH_CHARS, MAX_BATCH_MESSAGES);
        if (batch.length === 0) return;
        let res: { status: number; json: unknown };
        try {
          res = await this.peers.peerCall(cur, peerPath(rec.id, 'sync/push'), { messages: batch.map(wire) }, MAX_SYNC_BODY_BYTES);
        } catch (e) {
          this.failed(rec.id, `sending to ${cur.remoteShortName}`, describeFetchError(e));
          return;
        }
        const ans = PushAnswerSchema.safeParse(res.json);
        if (res.status !== 200 || !ans.success) {
          this.failed(rec.id, `sending to ${cur.remoteShortName}`, `HTTP ${res.status}`);
          return;
        }
        this.succeeded(rec.id);
        this.engine.acknowledge(rec.id, ans.data.ack);
        // Nothing acknowledged from a batch that started after the ack: the receiver is missing an earlier
        // message it already had (e.g. its data was restored); resending would not help, so stop until later.
        if (ans.data.ack < batch[0].seq) {
          this.failed(rec.id, `sending to ${cur.remoteShortName}`, `it acknowledged only up to ${ans.data.ack}`);
          return;
        }
      }
    })()
      .catch((e: unknown) => this.ctx.opts.log(`sync: push failed: ${(e as Error)?.message ?? String(e)}`))
      .finally(() => this.pushing.delete(rec.id));
    this.pushing.set(rec.id, run);
  }

  private pull(rec: ConnRecord): void {
    if (this.pulling.has(rec.id)) return;
    const run = (async () => {
      for (;;) {
        const cur = this.index.conns.get(rec.id);
        if (this.stopped || !this.live(cur) || !cur.remoteUrl) return;
        const ack = this.engine.cs(rec.id).state.inSeq;
        let res: { status: number; json: unknown };
        try {
          res = await this.peers.peerCall(cur, peerPath(rec.id, 'sync/pull'), { ack }, MAX_SYNC_BODY_BYTES);
        } catch (e) {
          this.failed(rec.id, `fetching from ${cur.remoteShortName}`, describeFetchError(e));
          return;
        }
        const ans = PullAnswerSchema.safeParse(res.json);
        if (res.status !== 200 || !ans.success) {
          this.failed(rec.id, `fetching from ${cur.remoteShortName}`, `HTTP ${res.status}`);
          return;
        }
        this.succeeded(rec.id);
        if (ans.data.messages.length === 0) return;
        // Stored durably here; the next pull (right away) carries the acknowledgement.
        this.engine.receive(rec.id, ans.data.messages as OutMessage[]);
      }
    })()
      .catch((e: unknown) => this.ctx.opts.log(`sync: pull failed: ${(e as Error)?.message ?? String(e)}`))
      .finally(() => this.pulling.delete(rec.id));
    this.pulling.set(rec.id, run);
  }

  /** Every poll interval: flush every connection (pulls for private acceptors, pushes left over after failures). */
  start(): void {
    const tick = () => {
      if (this.stopped) return;
      for (const rec of this.index.ordered) if (rec.accepted && !rec.demo && rec.remoteUrl) this.flush(rec.id);
      this.pollTimer = setTimeout(tick, this.ctx.opts.pollMs);
      this.pollTimer.unref();
    };
    this.pollTimer = setTimeout(tick, Math.min(this.ctx.opts.pollMs, 1_000));
    this.pollTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    for (const b of this.backoff.values()) if (b.timer) clearTimeout(b.timer);
    await Promise.all([...this.pushing.values(), ...this.pulling.values()].map((p) => p.catch(() => undefined)));
  }

  // ---- the partner's calls -------------------------------------------------------------------------------------

  /** `POST …/peer/connections/{id}/sync/push`: store what continues the sequence, answer the acknowledgement. */
  async peerPush(authorization: string | undefined, id: string, body: PeerBody): Promise<{ ack: number }> {
    const { rec, body: raw } = await this.peers.authenticatePeerWithBody(authorization, id, peerPath(id, 'sync/push'), true, body);
    const req = parse(PushBodySchema, raw);
    if (!rec.accepted) throw new ApiError(409, 'conflict', 'The connection is not accepted yet');
    return { ack: this.engine.receive(id, req.messages as OutMessage[]) };
  }

  /** `POST …/peer/connections/{id}/sync/pull`: drop what the puller acknowledged, answer the next batch. */
  async peerPull(authorization: string | undefined, id: string, body: PeerBody): Promise<{ messages: OutMessage[] }> {
    const { rec, body: raw } = await this.peers.authenticatePeerWithBody(authorization, id, peerPath(id, 'sync/pull'), true, body);
    const req = parse(PullBodySchema, raw);
    if (!rec.accepted) throw new ApiError(409, 'conflict', 'The connection is not accepted yet');
    this.engine.acknowledge(id, req.ack);
    if (!this.live(rec)) return { messages: [] };
    return { messages: this.engine.pending(id, req.ack, MAX_BATCH_CHARS, MAX_BATCH_MESSAGES).map(wire) };
  }
}

/** The wire shape of an outbox message (strict schema on the other side: no extra fields). */
function wire(m: OutMessage): OutMessage {
  const out: OutMessage = { type: m.type, id: m.id, seq: m.seq, workItemId: m.workItemId, yourId: m.yourId, createdAt: m.createdAt };
  if (m.replica !== undefined) out.replica = m.replica;
  if (m.images !== undefined) out.images = m.images;
  if (m.fileImages !== undefined) out.fileImages = m.fileImages;
  if (m.files !== undefined) out.files = m.files;
  return out;
}
