// Node-to-node JWTs (src/sandbox/invitation.ts): everything a token must prove, with an injected clock.
import * as assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { ApiError } from '../../../src/sandbox/errors';
import { JWT_AUDIENCE, JtiCache, signPeerJwt, verifyPeerJwt, type VerifyPeerJwtOptions } from '../../../src/sandbox/invitation';

const linkKey = randomBytes(32).toString('base64url');
const A = randomUUID(); // the verifying node
const B = randomUUID(); // the other side
const conn = randomUUID();
const hbPath = `/peer/connections/${conn}/heartbeat`;
const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);

function opts(over: Partial<VerifyPeerJwtOptions> = {}): VerifyPeerJwtOptions {
  return { connectionId: conn, method: 'POST', path: hbPath, self: A, issuer: B, replay: new JtiCache(), now: T0, ...over };
}

async function rejected(p: Promise<unknown>): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof ApiError && e.status === 401 && e.code === 'unauthorized');
}

/** A token with free-form header and claims, signed with the link key (or not at all for alg none). */
async function custom(header: Record<string, unknown>, claims: Record<string, unknown>): Promise<string> {
  const base = { sub: conn, aud: JWT_AUDIENCE, iss: B, iat: T0 / 1000, exp: T0 / 1000 + 60, jti: randomUUID(), req: `POST ${hbPath}`, ...claims };
  if (header.alg === 'none') {
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    return `${enc(header)}.${enc(base)}.`;
  }
  return new SignJWT(base).setProtectedHeader(header as { alg: string }).sign(Buffer.from(linkKey, 'base64url'));
}

describe('sandbox: node-to-node JWT', () => {
  it('accepts a fresh token from the expected node and returns its issuer', async () => {
    const t = await signPeerJwt(linkKey, conn, 'POST', hbPath, { issuer: B, now: T0 });
    assert.equal(await verifyPeerJwt(t, linkKey, opts()), B);
    // Without a known issuer (not yet accepted), any node but this one.
    const u = await signPeerJwt(linkKey, conn, 'POST', hbPath, { issuer: B, now: T0 });
    assert.equal(await verifyPeerJwt(u, linkKey, opts({ issuer: undefined })), B);
  });

  it('honours the 60 s lifetime with 30 s clock tolerance, and no further', async () => {
    const t = () => signPeerJwt(linkKey, conn, 'POST', hbPath, { issuer: B, now: T0 });
    assert.equal(await verifyPeerJwt(await t(), linkKey, opts({ now: T0 + 89_000 })), B);
    await rejected(verifyPeerJwt(await t(), linkKey, opts({ now: T0 + 91_000 })));
    // issued in the future beyond the tolerance (a node with a clock far ahead)
    await rejected(verifyPeerJwt(await t(), linkKey, opts({ now: T0 - 31_000 })));
  });

  it('refuses a wrong audience, subject, key or missing claims', async () => {
    await rejected(verifyPeerJwt(await custom({ alg: 'HS256' }, { aud: 'someone-else' }), linkKey, opts()));
    await rejected(verifyPeerJwt(await custom({ alg: 'HS256' }, { sub: randomUUID() }), linkKey, opts()));
    await rejected(verifyPeerJwt(await custom({ alg: 'HS256' }, { jti: undefined }), linkKey, opts()));
    await rejected(verifyPeerJwt(await custom({ alg: 'HS256' }, { iss: undefined }), linkKey, opts({ issuer: undefined })));
    const other = randomBytes(32).toString('base64url');
    await rejected(verifyPeerJwt(await signPeerJwt(other, conn, 'POST', hbPath, { issuer: B, now: T0 }), linkKey, opts()));
    assert.equal(await verifyPeerJwt(await custom({ alg: 'HS256' }, {}), linkKey, opts()), B); // the control case
  });

  it('accepts HS256 only', async () => {
    await rejected(verifyPeerJwt(await custom({ alg: 'HS512' }, {}), linkKey, opts()));
    await rejected(verifyPeerJwt(await custom({ alg: 'HS384' }, {}), linkKey, opts()));
    await rejected(verifyPeerJwt(await custom({ alg: 'none' }, {}), linkKey, opts()));
  });

  it('refuses a token made for another request (an /accept token on /heartbeat)', async () => {
    const t = await signPeerJwt(linkKey, conn, 'POST', `/peer/connections/${conn}/accept`, { issuer: B, now: T0 });
    await rejected(verifyPeerJwt(t, linkKey, opts()));
  });

  it('refuses a reflected token (one this node made for the other side) and a token from another node', async () => {
    const mine = await signPeerJwt(linkKey, conn, 'POST', hbPath, { issuer: A, now: T0 });
    await rejected(verifyPeerJwt(mine, linkKey, opts()));
    await rejected(verifyPeerJwt(await signPeerJwt(linkKey, conn, 'POST', hbPath, { issuer: A, now: T0 }), linkKey, opts({ issuer: undefined })));
    await rejected(verifyPeerJwt(await signPeerJwt(linkKey, conn, 'POST', hbPath, { issuer: randomUUID(), now: T0 }), linkKey, opts()));
  });

  it('refuses a replayed token for its whole lifetime and forgets it afterwards', async () => {
    const replay = new JtiCache();
    const t = await signPeerJwt(linkKey, conn, 'POST', hbPath, { issuer: B, now: T0 });
    assert.equal(await verifyPeerJwt(t, linkKey, opts({ replay })), B);
    await rejected(verifyPeerJwt(t, linkKey, opts({ replay, now: T0 + 1_000 })));
    await rejected(verifyPeerJwt(t, linkKey, opts({ replay, now: T0 + 89_000 })));
    assert.equal(replay.size, 1);
    // Past expiry + tolerance the token is refused as expired, and its jti is dropped from the cache.
    const later = await signPeerJwt(linkKey, conn, 'POST', hbPath, { issuer: B, now: T0 + 120_000 });
    assert.equal(await verifyPeerJwt(later, linkKey, opts({ replay, now: T0 + 120_000 })), B);
    assert.equal(replay.size, 1);
  });
});
