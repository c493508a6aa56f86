// Invitation codes and node-to-node authentication.
//
// Code format (see docs/node-api.md): `EXA1.<payload>.<tag>`
//   payload = base64url(UTF-8 JSON of InvitationPayload), which carries a 256-bit shared secret;
//   tag     = base64url(first 16 bytes of HMAC-SHA256(linkKey, "EXA1." + payload)).
// linkKey = HMAC-SHA256(key = secret, "exalate-link-v1") is what both nodes store: a one-way hash of the secret,
// never the secret itself. The same linkKey signs the short-lived HS256 JWTs (jose) of every node-to-node call.
// The tag lets the accepting node reject an edited or truncated code before contacting anyone; the initiator
// additionally compares the digest of the payload with what it issued, so a re-tagged forgery is refused too.
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { SignJWT, jwtVerify, decodeJwt } from 'jose';
import * as z from 'zod';
import { ConnectionIdSchema, ConnectionTypeSchema, ModeSchema } from '../shared/api';
import { CONTROL_CHARACTER, NAME_MAX_LENGTH, SHORT_NAME_PATTERN } from '../shared/validation';
import { ApiError } from './errors';

export const CODE_PREFIX = 'EXA1';
const LINK_LABEL = 'exalate-link-v1';
export const JWT_AUDIENCE = 'exalate-node-v1';
/** Lifetime of a node-to-node JWT. */
export const JWT_TTL_SECONDS = 60;
/** Clock difference between nodes tolerated when checking `exp` and `iat`. */
export const JWT_CLOCK_TOLERANCE_SECONDS = 30;

export const InvitationPayloadSchema = z.strictObject({
  v: z.literal(1),
  /** Becomes the acceptor's connection id (and, downstream, part of file paths): a UUID and nothing else. */
  connectionId: ConnectionIdSchema,
  // Names end up in the acceptor's store, its default rules and file names: the same rules as on the API.
  connectionName: z.string().min(1).max(NAME_MAX_LENGTH).refine((s) => s.trim() === s && !CONTROL_CHARACTER.test(s)),
  initiatorShortName: z.string().regex(SHORT_NAME_PATTERN),
  acceptorShortName: z.string().regex(SHORT_NAME_PATTERN),
  initiatorUrl: z.string().url().max(2048),
  initiatorNodeId: z.uuid(),
  type: ConnectionTypeSchema,
  mode: ModeSchema,
  expiresAt: z.iso.datetime(),
  /** base64url of 32 random bytes. */
  secret: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
});
export type InvitationPayload = z.infer<typeof InvitationPayloadSchema>;

export function b64url(buf: Uint8Array): string {
  return Buffer.from(buf).toString('base64url');
}

/**
 * The secret of an invitation, re-derivable while the connection is pending (so `GET …/invitation` returns the
 * same code) from the node master key (kept in its own 0600 file, not in the store) and a random 128-bit nonce.
 */
export function deriveSecret(masterKey: Buffer, connectionId: string, nonce: string): string {
  return b64url(createHmac('sha256', masterKey).update(`invitation:${connectionId}:${nonce}`).digest());
}

/** One-way hash of the shared secret that both nodes store and use as the HS256 key. */
export function linkKeyOf(secret: string): string {
  return b64url(createHmac('sha256', Buffer.from(secret, 'base64url')).update(LINK_LABEL).digest());
}

function tagOf(linkKey: string, head: string): string {
  return b64url(createHmac('sha256', Buffer.from(linkKey, 'base64url')).update(head).digest().subarray(0, 16));
}

/** SHA-256 of the payload part: what the initiator compares with what it issued. */
export function payloadDigest(payloadPart: string): string {
  return createHash('sha256').update(payloadPart).digest('base64url');
}

export function encodeInvitation(payload: InvitationPayload): string {
  const part = b64url(Buffer.from(JSON.stringify(payload), 'utf8'));
  const head = `${CODE_PREFIX}.${part}`;
  return `${head}.${tagOf(linkKeyOf(payload.secret), head)}`;
}

export interface DecodedInvitation {
  payload: InvitationPayload;
  payloadPart: string;
  linkKey: string;
}

/**
 * Decodes and integrity-checks a code. Whitespace anywhere (line breaks from e-mail) is ignored.
 * Throws ApiError `invitation_malformed` or `invitation_tampered`. Does not check expiry.
 */
export function decodeInvitation(code: string): DecodedInvitation {
  const clean = code.replace(/\s+/g, '');
  const malformed = (why: string) =>
    new ApiError(400, 'invitation_malformed', `This is not a valid invitation code (${why}). Copy the whole code again.`, {
      invitationCode: `Not a valid invitation code: ${why}`,
    });
  const parts = clean.split('.');
  if (parts.length !== 3 || parts[0] !== CODE_PREFIX) throw malformed(`it must look like ${CODE_PREFIX}.<data>.<tag>`);
  const [, part, tag] = parts;
  if (!/^[A-Za-z0-9_-]+$/.test(part) || !/^[A-Za-z0-9_-]{22}$/.test(tag)) throw malformed('unexpected characters');
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    // A changed character usually breaks the JSON; that is indistinguishable from tampering, but the code is no
    // longer decodable, so "malformed" is the honest answer.
    throw malformed('the data part does not decode');
  }
  const parsed = InvitationPayloadSchema.safeParse(json);
  if (!parsed.success) throw malformed('the data part has unexpected content');
  const linkKey = linkKeyOf(parsed.data.secret);
  const expected = Buffer.from(tagOf(linkKey, `${CODE_PREFIX}.${part}`));
  const given = Buffer.from(tag);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new ApiError(400, 'invitation_tampered', 'The invitation code was modified after it was issued (its integrity check fails). Ask the initiator for the code again.', {
      invitationCode: 'The invitation code was modified (integrity check failed)',
    });
  }
  return { payload: parsed.data, payloadPart: part, linkKey };
}

export function newNonce(): string {
  return b64url(randomBytes(16));
}

export function newId(): string {
  return randomUUID();
}

export interface SignPeerJwtOptions {
  /** `iss`: the sending node's id. */
  issuer?: string;
  /** Clock in ms since the epoch (default: now). */
  now?: number;
}

/** Signs a node-to-node request: `sub` = connection id, `req` = "METHOD /path", 60 s lifetime. */
export async function signPeerJwt(linkKey: string, connectionId: string, method: string, path: string, opts: SignPeerJwtOptions = {}): Promise<string> {
  const iat = Math.floor((opts.now ?? Date.now()) / 1000);
  const jwt = new SignJWT({ req: `${method} ${path}` })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(connectionId)
    .setAudience(JWT_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + JWT_TTL_SECONDS)
    .setJti(randomUUID());
  if (opts.issuer !== undefined) jwt.setIssuer(opts.issuer);
  return jwt.sign(Buffer.from(linkKey, 'base64url'));
}

/** The connection id a JWT claims (unverified), to look up the key; null if not a JWT. */
export function peekJwtSubject(token: string): string | null {
  try {
    const sub = decodeJwt(token).sub;
    return typeof sub === 'string' ? sub : null;
  } catch {
    return null;
  }
}

/**
 * Token ids (`jti`) of node-to-node JWTs already accepted, each kept until the token could no longer be accepted
 * anyway (its expiry plus the clock tolerance), so a captured token cannot be replayed within its lifetime.
 */
export class JtiCache {
  private readonly seen = new Map<string, number>();

  /** Records `jti` as used until `untilMs`; false when it was already used. */
  use(jti: string, untilMs: number, nowMs: number): boolean {
    for (const [k, until] of this.seen) {
      if (until > nowMs) break; // roughly in expiry order; stragglers go on a later call
      this.seen.delete(k);
    }
    const known = this.seen.get(jti);
    if (known !== undefined && known > nowMs) return false;
    this.seen.set(jti, untilMs);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }
}

export interface VerifyPeerJwtOptions {
  connectionId: string;
  method: string;
  /** Path below /api/v1, as signed (`req` = "METHOD path"). */
  path: string;
  /** This node's id: a token whose `iss` is this node (one it made for the other side) is refused. */
  self: string;
  /** The other node's id when known: `iss` must equal it. */
  issuer?: string;
  /** One-time use of `jti`. */
  replay: JtiCache;
  /** Clock in ms since the epoch (default: now). */
  now?: number;
}

/**
 * Verifies a node-to-node JWT for this request and returns its issuer (the sending node's id); throws 401 otherwise.
 * Checks: HS256 only, signature with `linkKey`, `aud`, `sub` = the connection, `req` = this method and path, `exp`
 * and `iat` (lifetime {@link JWT_TTL_SECONDS} s, tolerance {@link JWT_CLOCK_TOLERANCE_SECONDS} s), `iss` present, not
 * this node and equal to the expected issuer, and `jti` not seen before.
 */
export async function verifyPeerJwt(token: string, linkKey: string, o: VerifyPeerJwtOptions): Promise<string> {
  const nowMs = o.now ?? Date.now();
  try {
    const { payload } = await jwtVerify(token, Buffer.from(linkKey, 'base64url'), {
      algorithms: ['HS256'],
      audience: JWT_AUDIENCE,
      subject: o.connectionId,
      maxTokenAge: `${JWT_TTL_SECONDS * 2}s`,
      clockTolerance: JWT_CLOCK_TOLERANCE_SECONDS,
      currentDate: new Date(nowMs),
      requiredClaims: ['exp', 'iat', 'sub', 'aud', 'iss', 'jti'],
      ...(o.issuer !== undefined ? { issuer: o.issuer } : {}),
    });
    if (payload.req !== `${o.method} ${o.path}`) throw new Error('token issued for another request');
    const iss = payload.iss!;
    if (iss === o.self) throw new Error('token issued by this node (reflected)');
    const lastValid = Math.min(payload.exp!, payload.iat! + JWT_TTL_SECONDS * 2) + JWT_CLOCK_TOLERANCE_SECONDS;
    if (typeof payload.jti !== 'string' || !o.replay.use(payload.jti, lastValid * 1000, nowMs)) throw new Error('token replayed');
    return iss;
  } catch {
    throw new ApiError(401, 'unauthorized', 'Node-to-node token rejected');
  }
}
