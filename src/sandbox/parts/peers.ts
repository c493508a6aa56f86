// The peer link: node-to-node calls in both directions (JWT-authenticated accept and heartbeat endpoints, the client
// side of them, the destination check) and the acceptor's polling of the initiator.
import { createHash, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { DestinationCheckRequestSchema, PublicNodeInfoSchema, type PublicNodeInfo } from '../../shared/api';
import { descriptionSchema } from '../../shared/validation';
import { ApiError } from '../errors';
import { deriveSecret, payloadDigest, peekJwtSubject, signPeerJwt, verifyPeerJwt, JtiCache } from '../invitation';
import type { ConnectionIndex } from './connections';
import { parse, type ConnRecord, type NodeContext } from './context';

export const PEER_PREFIX = '/api/v1';
const PeerAcceptBodySchema = z.strictObject({
  payloadDigest: z.string().max(100),
  acceptorShortName: z.string().max(64),
  acceptorUrl: z.string().max(2048).nullable(),
  acceptorNodeId: z.uuid(),
});

/** Path (below /api/v1) of a node-to-node call; the id is URL-encoded even though it is a UUID. */
export function peerPath(id: string, kind: 'accept' | 'heartbeat' | 'check' | 'sync/push' | 'sync/pull'): string {
  return `/peer/connections/${encodeURIComponent(id)}/${kind}`;
}
const PeerHeartbeatBodySchema = z.strictObject({ active: z.boolean(), gone: z.boolean().optional() });
/** A node-to-node request body, or a reader for it (called after the JWT was checked). */
export type PeerBody = unknown;
/** What a peer answers about its side of a connection; `description` (the initiator's, on accept) reaches the acceptor's record. */
export const PeerStateSchema = z.object({ active: z.boolean(), name: z.string().optional(), description: descriptionSchema.optional().catch(undefined) });


/** Constant-time comparison of two digests (strings of any length; a length difference answers false). */
export function sameDigest(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
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

export function describeFetchError(e: unknown): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return 'no answer (timed out)';
  return err?.cause?.code ?? err?.cause?.message ?? err?.message ?? String(e);
}

export class PeerLink {
  /** jti of every node-to-node JWT accepted within its lifetime (replay protection). */
  private readonly usedJtis = new JtiCache();
  private pollTimer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly ctx: NodeContext,
    private readonly index: ConnectionIndex,
  ) {}

  async checkDestination(body: unknown): Promise<PublicNodeInfo> {
    const { destinationUrl } = parse(DestinationCheckRequestSchema, body);
    return this.fetchDestination(destinationUrl);
  }

  async fetchDestination(url: string): Promise<PublicNodeInfo> {
    const self = () =>
      new ApiError(422, 'destination_is_self', 'The destination is this node itself. Enter the URL of the other node.', {
        destinationUrl: 'This is the URL of this node',
      });
    if (this.ctx.publicUrl && sameUrl(url, this.ctx.publicUrl)) throw self();
    let res: Response;
    try {
      res = await fetch(`${url}/api/v1/public/info`, {
        headers: { accept: 'application/json' },
        redirect: 'manual',
        signal: AbortSignal.timeout(this.ctx.opts.peerTimeoutMs),
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
    if (info.data.nodeId === this.ctx.nodeId) throw self();
    return info.data;
  }

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
    const before = this.index.conns.get(id);
    if (!before || before.demo) throw unknown();
    const issuer = await verifyPeerJwt(token, before.linkKey, {
      connectionId: id,
      method: 'POST',
      path,
      self: this.ctx.nodeId,
      issuer: pinIssuer ? before.remoteNodeId : undefined,
      replay: this.usedJtis,
      now: this.ctx.now(),
    });
    // Re-read: the connection may have been deleted, accepted or changed while the signature was checked.
    const rec = this.index.conns.get(id);
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
  async authenticatePeerWithBody(
    authorization: string | undefined,
    id: string,
    path: string,
    pinIssuer: boolean,
    body: PeerBody,
  ): Promise<{ rec: ConnRecord; issuer: string; body: unknown }> {
    const first = await this.authenticatePeer(authorization, id, path, pinIssuer);
    if (typeof body !== 'function') return { ...first, body };
    const raw = await (body as () => Promise<unknown>)();
    const rec = this.index.conns.get(id);
    if (!rec || rec.demo || rec.linkKey !== first.rec.linkKey) {
      throw new ApiError(404, 'invitation_unknown', 'This node has no such connection (it may have been deleted)');
    }
    return { rec, issuer: first.issuer, body: raw };
  }

  async peerAccept(authorization: string | undefined, id: string, body: PeerBody): Promise<{ active: boolean; name: string; description: string }> {
    const path = peerPath(id, 'accept');
    const { rec, issuer, body: raw } = await this.authenticatePeerWithBody(authorization, id, path, false, body);
    // From here to the update below there is no await: the single-use check and the "used" mark are one step.
    const req = parse(PeerAcceptBodySchema, raw);
    if (rec.role !== 'initiator' || !rec.invitation) throw new ApiError(409, 'conflict', 'This node did not issue that invitation');
    if (rec.invitation.usedAt || rec.accepted) throw new ApiError(409, 'invitation_used', 'This invitation was already used');
    if (issuer !== req.acceptorNodeId) throw new ApiError(401, 'unauthorized', 'Node-to-node token not issued by the accepting node');
    this.assertStillAcceptable(rec, rec.invitation, req.payloadDigest);
    const now = this.ctx.nowIso();
    const next = this.index.update(id, {
      accepted: true,
      lastContactAt: now,
      invitation: { ...rec.invitation, usedAt: now },
      remoteNodeId: req.acceptorNodeId,
      // Public connection: we know the destination; keep the URL we were given when initiating.
      remoteUrl: rec.type === 'public' ? rec.remoteUrl ?? req.acceptorUrl : null,
    })!;
    this.ctx.opts.log(`invitation for "${next.name}" accepted by ${req.acceptorShortName}`);
    return { active: next.localActive, name: next.name, description: next.description };
  }

  /** `POST …/peer/connections/{id}/check` (initiator side of checkInvitation): is the invitation still usable? Read-only. */
  async peerCheck(authorization: string | undefined, id: string, body: PeerBody): Promise<{ usable: true }> {
    const { rec, body: raw } = await this.authenticatePeerWithBody(authorization, id, peerPath(id, 'check'), false, body);
    const req = parse(z.strictObject({ payloadDigest: z.string().max(100) }), raw);
    if (rec.role !== 'initiator' || !rec.invitation) throw new ApiError(409, 'conflict', 'This node did not issue that invitation');
    if (rec.invitation.usedAt || rec.accepted) throw new ApiError(409, 'invitation_used', 'This invitation was already used');
    this.assertStillAcceptable(rec, rec.invitation, req.payloadDigest);
    return { usable: true };
  }

  /** The initiator's checks shared by accept and check: not expired, the code's details as issued, still active. */
  private assertStillAcceptable(rec: ConnRecord, invitation: NonNullable<ConnRecord['invitation']>, digest: string): void {
    if (Date.parse(invitation.expiresAt) <= this.ctx.now()) throw new ApiError(410, 'invitation_expired', 'This invitation has expired');
    const issuedPart = Buffer.from(JSON.stringify({ ...invitation.issued, secret: deriveSecret(this.ctx.opts.masterKey, rec.id, invitation.nonce) }), 'utf8').toString('base64url');
    if (!sameDigest(payloadDigest(issuedPart), digest)) throw new ApiError(400, 'invitation_tampered', 'The invitation details differ from what was issued');
    if (!rec.localActive) throw new ApiError(409, 'conflict', 'The initiator deactivated this connection before it was accepted');
  }

  async peerHeartbeat(authorization: string | undefined, id: string, body: PeerBody): Promise<{ active: boolean; name: string }> {
    const path = peerPath(id, 'heartbeat');
    const { rec, body: raw } = await this.authenticatePeerWithBody(authorization, id, path, true, body);
    // No await from here on: `rec` is current, and update() merges onto the current record anyway.
    const req = parse(PeerHeartbeatBodySchema, raw);
    if (!rec.accepted) throw new ApiError(409, 'conflict', 'The connection is not accepted yet');
    const gone = req.gone === true;
    const changed = rec.remoteActive !== req.active || rec.remoteGone !== gone || rec.errorReason !== null;
    const next = this.index.update(id, { remoteActive: req.active, remoteGone: gone, lastContactAt: this.ctx.nowIso(), errorReason: null }, changed)!;
    if (changed) this.ctx.opts.log(`"${next.name}": the other side is now ${gone ? 'gone' : req.active ? 'active' : 'deactivated'}`);
    return { active: next.localActive, name: next.name };
  }

  // ---- node-to-node (client side) and polling ---------------------------------------------------------------

  async rawPeerCall(baseUrl: string, linkKey: string, id: string, path: string, body: unknown, maxAnswer = MAX_PEER_ANSWER_BYTES): Promise<{ status: number; json: unknown }> {
    const token = await signPeerJwt(linkKey, id, 'POST', path, { issuer: this.ctx.nodeId, now: this.ctx.now() });
    const res = await fetch(`${baseUrl}${PEER_PREFIX}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(this.ctx.opts.peerTimeoutMs),
    });
    // A larger answer throws like a network error: the caller reports the other node as unreachable/refusing.
    const text = await readCapped(res, maxAnswer);
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: res.status, json };
  }

  async peerCall(rec: ConnRecord, path: string, body: unknown, maxAnswer = MAX_PEER_ANSWER_BYTES): Promise<{ status: number; json: unknown }> {
    if (!rec.remoteUrl) throw new Error('remote unknown');
    return this.rawPeerCall(rec.remoteUrl, rec.linkKey, rec.id, path, body, maxAnswer);
  }

  /** After a local status change: tell the other side right away when we can reach it. */
  async pushState(rec: ConnRecord): Promise<void> {
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
    this.markContact(rec.id, { remoteActive: state.data.active, remoteGone: false, errorReason: null, lastContactAt: this.ctx.nowIso() });
  }

  private markContact(id: string, changes: Partial<ConnRecord>): void {
    const rec = this.index.conns.get(id);
    if (!rec) return; // deleted meanwhile
    const changed =
      (changes.remoteActive !== undefined && changes.remoteActive !== rec.remoteActive) ||
      (changes.remoteGone !== undefined && changes.remoteGone !== rec.remoteGone) ||
      (changes.errorReason !== undefined && changes.errorReason !== rec.errorReason);
    if (changed) this.ctx.opts.log(`"${rec.name}": ${changes.errorReason ?? (changes.remoteGone ? 'deleted by the other side' : changes.remoteActive === false ? 'deactivated by the other side' : 'in contact')}`);
    this.index.update(id, changes, changed);
  }

  /** Polls every accepting-side connection once (the initiator of a private connection never calls out). */
  pollNow(): Promise<void> {
    if (this.polling) return this.polling;
    this.polling = (async () => {
      const targets = this.index.ordered.filter((r) => r.role === 'acceptor' && r.accepted && !r.demo && !r.remoteGone && r.remoteUrl);
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
          this.pollTimer = setTimeout(tick, this.ctx.opts.pollMs);
          this.pollTimer.unref();
        }
      });
    };
    this.pollTimer = setTimeout(tick, this.ctx.opts.pollMs);
    this.pollTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    await this.polling?.catch(() => undefined);
  }
}
