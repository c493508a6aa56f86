// Node-to-node requests that overlap with each other or with local edits: no await may split a check from its write.
// The calls go straight to SandboxNode (same process, same tick), so the interleaving is deterministic.
import * as assert from 'node:assert/strict';
import type { InitiateResponse } from '../../../src/shared/api';
import { ApiError } from '../../../src/sandbox/errors';
import { linkKeyOf, payloadDigest, signPeerJwt } from '../../../src/sandbox/invitation';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox';
import { cleanupTempDirs, client, initiateBody, tempDir } from './helpers';

const TOKEN = 'race-token-123';
const running: RunningSandbox[] = [];

async function node(name: string): Promise<RunningSandbox> {
  const s = await startSandbox({ dataDir: tempDir(name), token: TOKEN, name, pollMs: 3_600_000, log: () => undefined });
  running.push(s);
  return s;
}

function decode(code: string): { payload: { secret: string; connectionId: string }; part: string } {
  const part = code.split('.')[1];
  return { payload: JSON.parse(Buffer.from(part, 'base64url').toString('utf8')), part };
}

async function peerAuth(linkKey: string, id: string, kind: 'accept' | 'heartbeat', issuer: string): Promise<string> {
  return `Bearer ${await signPeerJwt(linkKey, id, 'POST', `/peer/connections/${id}/${kind}`, { issuer })}`;
}

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ApiError, String(e));
    return e;
  }
  assert.fail('expected a rejection');
}

describe('sandbox: overlapping node-to-node requests', function () {
  this.timeout(60_000);
  let A: RunningSandbox;
  const acceptorNodeId = '0b7c2d1e-4f5a-4b6c-8d7e-9f0a1b2c3d4e';

  before(async () => {
    A = await node('alpha');
  });
  after(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
    cleanupTempDirs();
  });

  async function pending(name: string) {
    const r = (await client(A.url, TOKEN)<InitiateResponse>('POST', '/api/v1/connections', initiateBody({ name }))).json;
    const { payload, part } = decode(r.invitationCode);
    const linkKey = linkKeyOf(payload.secret);
    const body = { payloadDigest: payloadDigest(part), acceptorShortName: 'beta', acceptorUrl: null, acceptorNodeId };
    return { id: r.connection.id, linkKey, body };
  }

  it('accepts an invitation once when two accepts overlap', async () => {
    const { id, linkKey, body } = await pending('Concurrent accept');
    const [t1, t2] = await Promise.all([peerAuth(linkKey, id, 'accept', acceptorNodeId), peerAuth(linkKey, id, 'accept', acceptorNodeId)]);
    const results = await Promise.allSettled([A.node.peerAccept(t1, id, body), A.node.peerAccept(t2, id, body)]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(ok.length, 1, 'exactly one accept succeeds');
    assert.equal(failed.length, 1);
    assert.equal((failed[0].reason as ApiError).code, 'invitation_used');
  });

  it('a heartbeat that overlaps a DELETE does not bring the connection back', async () => {
    const { id, linkKey, body } = await pending('Deleted during heartbeat');
    await A.node.peerAccept(await peerAuth(linkKey, id, 'accept', acceptorNodeId), id, body);
    const hb = A.node.peerHeartbeat(await peerAuth(linkKey, id, 'heartbeat', acceptorNodeId), id, { active: false });
    await A.node.remove(id); // runs while the heartbeat's token is being verified
    assert.equal((await rejection(hb)).code, 'invitation_unknown');
    assert.equal((await rejection(Promise.resolve().then(() => A.node.get(id)))).status, 404);
    assert.equal((await client(A.url, TOKEN)('GET', `/api/v1/connections/${id}`)).status, 404);
  });

  it('a heartbeat that overlaps a PATCH keeps the PATCH', async () => {
    const { id, linkKey, body } = await pending('Renamed during heartbeat');
    await A.node.peerAccept(await peerAuth(linkKey, id, 'accept', acceptorNodeId), id, body);
    const hb = A.node.peerHeartbeat(await peerAuth(linkKey, id, 'heartbeat', acceptorNodeId), id, { active: false });
    await A.node.patch(id, { name: 'Renamed meanwhile', description: 'edited meanwhile' });
    await hb;
    const c = A.node.get(id);
    assert.equal(c.name, 'Renamed meanwhile');
    assert.equal(c.description, 'edited meanwhile');
    assert.equal(c.status, 'deactivated'); // and the heartbeat's own news is recorded too
    assert.equal(c.deactivatedBy, 'remote');
  });
});
