// Invitations: initiating a connection (with Idempotency-Key), its invitation code, and accepting a code from
// another node (the accepting side of the handshake).
import { createHash } from 'node:crypto';
import type * as z from 'zod';
import {
  AcceptInvitationRequestSchema,
  InitiateRequestSchema,
  InvitationPreviewRequestSchema,
  type AcceptInvitationResponse,
  type ConnectionType,
  type InitiateResponse,
  type InvitationCodeResponse,
  type InvitationPreview,
  type Mode,
} from '../../shared/api';
import { ApiError } from '../errors';
import { decodeInvitation, deriveSecret, encodeInvitation, linkKeyOf, newId, newNonce, payloadDigest, type InvitationPayload } from '../invitation';
import type { StoreOp } from '../store';
import type { ConnectionIndex } from './connections';
import { nameKey, parse, type ConnRecord, type NodeContext } from './context';
import { PeerStateSchema, describeFetchError, peerPath, type PeerLink } from './peers';

export interface IdemRecord {
  connectionId: string;
  fingerprint: string;
}

export class Invitations {
  /** Initiations in progress per Idempotency-Key, with the fingerprint of their body. */
  private readonly inflightIdem = new Map<string, { promise: Promise<InitiateResponse>; fingerprint: string }>();
  private readonly inflightAccept = new Set<string>();

  constructor(
    private readonly ctx: NodeContext,
    private readonly index: ConnectionIndex,
    private readonly peers: PeerLink,
  ) {}

  async initiate(body: unknown, idemKey: string | null): Promise<InitiateResponse> {
    const req = parse(InitiateRequestSchema, body);
    if (idemKey === null) return this.doInitiate(req);
    const fingerprint = createHash('sha256').update(JSON.stringify(req)).digest('base64url');
    const stored = this.ctx.store.get<IdemRecord>('idem', idemKey);
    if (stored) {
      if (stored.fingerprint !== fingerprint) {
        throw new ApiError(409, 'conflict', 'This Idempotency-Key was already used for a different request');
      }
      const rec = this.index.conns.get(stored.connectionId);
      if (rec) return { connection: this.index.toApi(rec), invitationCode: this.invitationCodeOf(rec) };
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
    if (!this.ctx.opts.modes.includes(req.mode)) {
      throw new ApiError(422, 'mode_not_supported', `This node does not support ${req.mode} mode`, {
        mode: `Supported modes: ${this.ctx.opts.modes.join(', ')}`,
      });
    }
    this.index.checkNameFree(req.name);
    if (req.destinationUrl !== null) {
      const info = await this.peers.fetchDestination(req.destinationUrl);
      if (!info.modes.includes(req.mode)) {
        throw new ApiError(422, 'mode_not_supported', `${info.shortName} does not support ${req.mode} mode; it offers ${info.modes.join(', ')}`, {
          mode: `The destination offers: ${info.modes.join(', ')}`,
        });
      }
      this.index.checkNameFree(req.name); // the name may have been taken while we waited
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
    this.index.insert([rec], extra);
    this.ctx.opts.log(`initiated ${rec.type} connection "${rec.name}" (${rec.id})`);
    return { connection: this.index.toApi(rec), invitationCode: this.invitationCodeOf(rec) };
  }

  newInitiatorRecord(f: {
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
    const now = new Date(this.ctx.now());
    const expiresAt = new Date(now.getTime() + this.ctx.opts.invitationTtlMs).toISOString();
    const type: ConnectionType = f.remoteUrl === null ? 'private' : 'public';
    const issued: Omit<InvitationPayload, 'secret'> = {
      v: 1,
      connectionId: id,
      connectionName: f.name,
      initiatorShortName: f.localShortName,
      acceptorShortName: f.remoteShortName,
      initiatorUrl: this.ctx.publicUrl,
      initiatorNodeId: this.ctx.nodeId,
      type,
      mode: f.mode,
      expiresAt,
    };
    return {
      id,
      seq: this.index.nextSeq++,
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
      linkKey: linkKeyOf(deriveSecret(this.ctx.opts.masterKey, id, nonce)),
      invitation: { nonce, expiresAt, usedAt: null, issued },
    };
  }

  invitationCodeOf(rec: ConnRecord): string {
    if (!rec.invitation) throw new ApiError(409, 'conflict', 'This connection has no invitation (it was accepted here)');
    return encodeInvitation({ ...rec.invitation.issued, secret: deriveSecret(this.ctx.opts.masterKey, rec.id, rec.invitation.nonce) });
  }

  getInvitation(id: string): InvitationCodeResponse {
    const rec = this.index.record(id);
    if (rec.role !== 'initiator' || !rec.invitation) {
      throw new ApiError(409, 'conflict', 'Only the initiating side has an invitation code');
    }
    if (rec.accepted) throw new ApiError(409, 'conflict', 'The invitation was already accepted; the connection is no longer pending');
    return { invitationCode: this.invitationCodeOf(rec), expiresAt: rec.invitation.expiresAt };
  }

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
      expired: Date.parse(payload.expiresAt) <= this.ctx.now(),
    };
  }

  /**
   * `POST /invitations/check`: would accept() get past its checks now? The acceptor checks what it can itself
   * (own, expired, already accepted here), then asks the initiator (`POST …/peer/connections/{id}/check`, the
   * same token as accept). Changes nothing on either side. Same errors as accept.
   */
  async checkInvitation(body: unknown): Promise<{ usable: true }> {
    const { invitationCode } = parse(InvitationPreviewRequestSchema, body);
    const { payload, payloadPart, linkKey } = decodeInvitation(invitationCode);
    if (payload.initiatorNodeId === this.ctx.nodeId) {
      throw new ApiError(422, 'own_invitation', 'This invitation was issued by this node; accept it on the other node', { invitationCode: 'This code was issued by this node' });
    }
    if (Date.parse(payload.expiresAt) <= this.ctx.now()) {
      throw new ApiError(410, 'invitation_expired', `The invitation expired at ${payload.expiresAt}. Ask ${payload.initiatorShortName} for a new connection.`, { invitationCode: 'The invitation has expired' });
    }
    if (this.index.conns.has(payload.connectionId)) throw new ApiError(409, 'invitation_used', 'This invitation was already accepted here', { invitationCode: 'Already accepted' });
    let res: { status: number; json: unknown };
    try {
      res = await this.peers.rawPeerCall(payload.initiatorUrl, linkKey, payload.connectionId, peerPath(payload.connectionId, 'check'), { payloadDigest: payloadDigest(payloadPart) });
    } catch (e) {
      throw new ApiError(502, 'initiator_unreachable', `Cannot reach the initiating node at ${payload.initiatorUrl} (${describeFetchError(e)}). Check that it is running and reachable from here.`, {
        invitationCode: 'The initiating node cannot be reached',
      });
    }
    if (res.status === 401) throw new ApiError(400, 'invitation_tampered', 'The initiating node does not recognise this code\'s secret; the code was altered', { invitationCode: 'The invitation code was modified' });
    if (res.status >= 200 && res.status < 300) return { usable: true };
    const err = (res.json as { error?: { code?: string; message?: string } } | null)?.error;
    // An initiator without this route (older node) answers 404 without a known code: it cannot tell, accept will.
    if (res.status === 404 && err?.code !== 'invitation_unknown') return { usable: true };
    if (err?.code && ['invitation_used', 'invitation_expired', 'invitation_tampered', 'invitation_unknown', 'conflict'].includes(err.code)) {
      throw new ApiError(res.status, err.code as 'conflict', `${payload.initiatorShortName}: ${err.message ?? err.code}`, { invitationCode: err.message ?? err.code });
    }
    throw new ApiError(502, 'initiator_unreachable', `The initiating node answered HTTP ${res.status}${err?.message ? `: ${err.message}` : ''}`, { invitationCode: 'The initiating node refused the request' });
  }

  async accept(body: unknown): Promise<AcceptInvitationResponse> {
    const req = parse(AcceptInvitationRequestSchema, body);
    const { payload, payloadPart, linkKey } = decodeInvitation(req.invitationCode);
    if (payload.initiatorNodeId === this.ctx.nodeId) {
      throw new ApiError(422, 'own_invitation', 'This invitation was issued by this node; accept it on the other node', {
        invitationCode: 'This code was issued by this node',
      });
    }
    if (Date.parse(payload.expiresAt) <= this.ctx.now()) {
      throw new ApiError(410, 'invitation_expired', `The invitation expired at ${payload.expiresAt}. Ask ${payload.initiatorShortName} for a new connection.`, {
        invitationCode: 'The invitation has expired',
      });
    }
    if (this.index.conns.has(payload.connectionId) || this.inflightAccept.has(payload.connectionId)) {
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
        acceptorUrl: payload.type === 'public' ? this.ctx.publicUrl : null,
        acceptorNodeId: this.ctx.nodeId,
      };
      let res: { status: number; json: unknown };
      try {
        res = await this.peers.rawPeerCall(payload.initiatorUrl, linkKey, payload.connectionId, path, peerBody);
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
      const now = this.ctx.nowIso();
      const rec: ConnRecord = {
        id: payload.connectionId,
        seq: this.index.nextSeq++,
        name: payload.connectionName,
        // The initiator's description, from its answer (older nodes do not send one).
        description: state.success ? (state.data.description ?? '') : '',
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
      for (let i = 1; this.index.names.has(nameKey(rec.name)); i++) {
        rec.name = `${payload.connectionName} (${payload.initiatorShortName}${i > 1 ? ` ${i}` : ''})`.slice(-255).trimStart();
      }
      this.index.insert([rec]);
      this.ctx.opts.log(`accepted invitation for "${rec.name}" from ${payload.initiatorUrl}`);
      return { connection: this.index.toApi(rec) };
    } finally {
      this.inflightAccept.delete(payload.connectionId);
    }
  }
}
