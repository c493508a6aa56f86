// src/ado (the lazily loaded dist/ado.js): project listing with azure-devops-node-api against the emulator, and its
// errors (wrong PAT, unreachable organization, not an organization) in words a user can act on.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AdoError, listProjects } from '../../src/ado';
import { createAdoEmulator } from '../../src/sandbox/ado';

const PAT = 'wizard-pat-0123456789abcdefghijklmnop';

async function serve(opts: { seed?: boolean; projects?: number }) {
  const emulator = createAdoEmulator({ org: 'contoso', pat: PAT, seed: opts.seed });
  for (let i = 0; i < (opts.projects ?? 0); i++) emulator.addProject({ name: `Project ${String(i).padStart(3, '0')}` });
  let base = '';
  const server = http.createServer((req, res) => void emulator.handle(req, res, base));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ado`;
  return {
    orgUrl: emulator.orgUrl(base),
    base,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

async function failure(p: Promise<unknown>): Promise<AdoError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof AdoError, `expected AdoError, got ${e}`);
    return e;
  }
  assert.fail('expected a failure');
}

describe('wizard: Azure DevOps project list (azure-devops-node-api)', () => {
  it('lists every page of projects, sorted', async () => {
    const s = await serve({ projects: 230 });
    try {
      const names = await listProjects(s.orgUrl, PAT);
      assert.equal(names.length, 230);
      assert.equal(names[0], 'Project 000');
      assert.equal(names[229], 'Project 229');
    } finally {
      await s.close();
    }
  });

  it('returns an empty list for an empty organization', async () => {
    const s = await serve({});
    try {
      assert.deepEqual(await listProjects(s.orgUrl, PAT), []);
    } finally {
      await s.close();
    }
  });

  it('says the PAT was rejected, without the PAT', async () => {
    const s = await serve({ seed: true });
    try {
      const e = await failure(listProjects(s.orgUrl, 'wrong-pat-value-123456'));
      assert.equal(e.kind, 'unauthorized');
      assert.match(e.message, /rejected the personal access token/);
      assert.equal(e.message.includes('wrong-pat-value-123456'), false);
    } finally {
      await s.close();
    }
  });

  it('says when the organization cannot be reached or does not exist', async () => {
    const s = await serve({ seed: true });
    const missing = `${s.base}/nosuchorg`;
    try {
      const nf = await failure(listProjects(missing, PAT));
      assert.ok(nf.kind === 'notFound' || nf.kind === 'other', nf.kind);
      assert.match(nf.message, /nosuchorg/);
    } finally {
      await s.close();
    }
    const down = await failure(listProjects(s.orgUrl, PAT, { timeoutMs: 2000 }));
    assert.equal(down.kind, 'unreachable');
    assert.match(down.message, /Could not reach Azure DevOps/);
  });
});
