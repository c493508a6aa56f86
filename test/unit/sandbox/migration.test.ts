// A data directory written by the previous store format (test/fixtures/sandbox-data-v1: state.json format 1 with
// scripts inline, plus a journal) loads in the current node with every connection, rule version, invitation code and
// idempotency key, is migrated to format 2 (snapshot.ndjson + blobs), and loads again after that.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Connection, ConnectionPage, InitiateResponse, RuleVersionList, SyncRule } from '../../../src/shared/api';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox/sandbox';
import { ROOT, cleanupTempDirs, client, initiateBody, tempDir } from './helpers';

const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'sandbox-data-v1');

interface Expected {
  token: string;
  connections: Connection[];
  rules: Record<string, SyncRule[]>;
  invitation: { id: string; invitationCode: string; expiresAt: string };
  idempotencyKeys: Record<string, string>;
}

async function compare(s: RunningSandbox, expected: Expected): Promise<void> {
  const api = client(s.url, expected.token);
  const page = (await api<ConnectionPage>('GET', '/api/v1/connections?limit=500')).json;
  // Connections gained work item sync counts after the fixture was written: nothing is queued, failing or synced.
  const items = page.items.map(({ sync, ...c }) => {
    assert.deepEqual(sync, { queued: 0, errors: 0, synced: 0 });
    return c;
  });
  assert.deepEqual(items, expected.connections);
  let versions = 0;
  for (const [key, list] of Object.entries(expected.rules)) {
    const [id, dir] = key.split('|');
    const summary = (await api<RuleVersionList>('GET', `/api/v1/connections/${id}/rules/${dir}/versions`)).json;
    assert.deepEqual(summary.items.map((v) => v.version), list.map((v) => v.version), key);
    // Every version written before drafts existed was live when saved: all `published`, the latest active.
    assert.deepEqual(summary.items.map((v) => [v.state, v.active]), list.map((_v, i) => ['published', i === 0]), `${key} states`);
    assert.equal(summary.activeVersion, list[0].version, `${key} active version`);
    const expectedRule = (v: SyncRule) => ({ ...v, state: 'published', active: v.version === list[0].version, activeVersion: list[0].version });
    for (const v of list) {
      const got = await api<SyncRule>('GET', `/api/v1/connections/${id}/rules/${dir}/versions/${v.version}`);
      assert.deepEqual(got.json, expectedRule(v), `${key} v${v.version}`);
      versions++;
    }
    const active = (await api<SyncRule>('GET', `/api/v1/connections/${id}/rules/${dir}`)).json;
    assert.deepEqual(active, expectedRule(list[0]), `${key} active`);
    const latest = (await api<SyncRule>('GET', `/api/v1/connections/${id}/rules/${dir}/latest`)).json;
    assert.deepEqual(latest, expectedRule(list[0]), `${key} latest`);
    assert.equal(s.node.activeRule(id, dir as 'outgoing' | 'incoming').version, list[0].version, `${key}: the engine runs the latest`);
  }
  assert.ok(versions >= 25, `compared ${versions} rule versions`);
  const inv = (await api<{ invitationCode: string }>('GET', `/api/v1/connections/${expected.invitation.id}/invitation`)).json;
  assert.equal(inv.invitationCode, expected.invitation.invitationCode, 'the invitation code is re-derived identically');
}

describe('sandbox: migration of a format-1 data directory', function () {
  this.timeout(60_000);
  after(() => cleanupTempDirs());

  it('keeps every connection, rule version, invitation code and idempotency key, and converts the files', async () => {
    const expected = JSON.parse(fs.readFileSync(`${FIXTURE}.expected.json`, 'utf8')) as Expected;
    const dataDir = path.join(tempDir('migrate'), 'data');
    fs.cpSync(FIXTURE, dataDir, { recursive: true });
    assert.ok(fs.existsSync(path.join(dataDir, 'state.json')) && fs.statSync(path.join(dataDir, 'journal.log')).size > 0);
    const opts = { dataDir, token: expected.token, name: 'alpha', pollMs: 3_600_000, log: () => undefined };
    let s = await startSandbox(opts);
    try {
      await compare(s, expected);
      // The Idempotency-Key `__proto__` was stored by the old code: a retry finds its connection.
      const pending = expected.connections.find((c) => c.id === Object.getOwnPropertyDescriptor(expected.idempotencyKeys, '__proto__')?.value)!;
      assert.ok(pending);
      // The body the fixture was created with (test/fixtures/README.md).
      const original = initiateBody({ name: 'Pending private ✓', description: 'd' });
      const retry = await client(s.url, expected.token)<InitiateResponse>('POST', '/api/v1/connections', original, {
        headers: { 'idempotency-key': '__proto__' },
      });
      assert.equal(retry.status, 201, JSON.stringify(retry.json));
      assert.equal(retry.json.connection.id, pending.id);
    } finally {
      await s.stop();
    }
    const files = fs.readdirSync(dataDir).sort();
    assert.deepEqual(files, ['blobs', 'journal.log', 'node.key', 'snapshot.ndjson']);
    const snapshot = fs.readFileSync(path.join(dataDir, 'snapshot.ndjson'), 'utf8');
    assert.ok(!snapshot.includes('"script":'), 'no script inline in the new snapshot');
    assert.ok(!snapshot.includes('x'.repeat(1000)), 'the 70 KB script is a blob');
    s = await startSandbox(opts);
    try {
      await compare(s, expected);
    } finally {
      await s.stop();
    }
  });

  it('finishes a migration that was interrupted after the new snapshot was written', async () => {
    const expected = JSON.parse(fs.readFileSync(`${FIXTURE}.expected.json`, 'utf8')) as Expected;
    const dataDir = path.join(tempDir('migrate-half'), 'data');
    fs.cpSync(FIXTURE, dataDir, { recursive: true });
    const opts = { dataDir, token: expected.token, name: 'alpha', pollMs: 3_600_000, log: () => undefined };
    const s = await startSandbox(opts);
    await s.stop();
    // Put the old files back next to the new ones: as if the process died before removing them.
    for (const f of ['state.json', 'journal.log']) fs.copyFileSync(path.join(FIXTURE, f), path.join(dataDir, f));
    const again = await startSandbox(opts);
    try {
      await compare(again, expected);
    } finally {
      await again.stop();
    }
    assert.ok(!fs.existsSync(path.join(dataDir, 'state.json')));
  });
});
