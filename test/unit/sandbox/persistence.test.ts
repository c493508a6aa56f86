// State survives restart and kill -9: every acknowledged write is present after reload.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Connection, ConnectionPage, InitiateResponse, SyncRule } from '../../../src/shared/api';
import { Store } from '../../../src/sandbox/store';
import { cleanupTempDirs, client, initiateBody, spawnSandbox, tempDir } from './helpers';

const TOKEN = 'persist-token-1';

async function listAll(api: ReturnType<typeof client>): Promise<Connection[]> {
  const all: Connection[] = [];
  let cursor: string | null = null;
  do {
    const page: ConnectionPage = (await api<ConnectionPage>('GET', `/api/v1/connections?limit=500${cursor ? `&cursor=${cursor}` : ''}`)).json;
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

describe('sandbox: persistence', function () {
  this.timeout(120_000);
  after(() => cleanupTempDirs());

  it('keeps connections, edits, deletions and rule versions across a restart', async () => {
    const data = tempDir('restart');
    let p = await spawnSandbox(['--data', data, '--token', TOKEN, '--name', 'alpha']);
    let code: string;
    let oneId: string;
    try {
      const api = client(p.url, TOKEN);
      const one = (await api<InitiateResponse>('POST', '/api/v1/connections', initiateBody({ name: 'Keep me' }))).json;
      oneId = one.connection.id;
      const two = (await api<InitiateResponse>('POST', '/api/v1/connections', initiateBody({ name: 'Delete me' }))).json;
      await api('PATCH', `/api/v1/connections/${oneId}`, { description: 'edited', status: 'deactivated' });
      await api('DELETE', `/api/v1/connections/${two.connection.id}`);
      const put = await api<SyncRule>('POST', `/api/v1/connections/${oneId}/rules/outgoing/drafts`, { script: 'replica.summary = workItem.summary' }, {
        headers: { 'if-match': '"1"', 'x-exalate-author': 'ada' },
      });
      assert.equal(put.status, 201);
      assert.equal((await api('POST', `/api/v1/connections/${oneId}/rules/outgoing/versions/2/publish`)).status, 200);
      const draft = await api<SyncRule>('POST', `/api/v1/connections/${oneId}/rules/outgoing/drafts`, { script: '// a draft' }, { headers: { 'if-match': '"2"' } });
      assert.equal(draft.status, 201);
      code = (await api<{ invitationCode: string }>('GET', `/api/v1/connections/${oneId}/invitation`)).json.invitationCode;
    } finally {
      await p.stop();
    }

    p = await spawnSandbox(['--data', data, '--token', TOKEN, '--name', 'alpha']);
    try {
      const api = client(p.url, TOKEN);
      const all = await listAll(api);
      assert.deepEqual(all.map((c) => c.name), ['Keep me']);
      assert.equal(all[0].description, 'edited');
      assert.equal(all[0].status, 'deactivated');
      const rule = (await api<SyncRule>('GET', `/api/v1/connections/${oneId}/rules/outgoing`)).json;
      assert.deepEqual([rule.version, rule.author, rule.script, rule.active], [2, 'ada', 'replica.summary = workItem.summary', true], 'the published version is still active');
      const latest = (await api<SyncRule>('GET', `/api/v1/connections/${oneId}/rules/outgoing/latest`)).json;
      assert.deepEqual([latest.version, latest.state, latest.script], [3, 'draft', '// a draft'], 'the draft is still a draft');
      // The invitation code is re-derived identically after a restart (the secret itself is never stored).
      const again = (await api<{ invitationCode: string }>('GET', `/api/v1/connections/${oneId}/invitation`)).json.invitationCode;
      assert.equal(again, code);
      const raw = (fs.readdirSync(data, { recursive: true }) as string[])
        .map((f) => path.join(data, f))
        .filter((f) => fs.statSync(f).isFile())
        .map((f) => fs.readFileSync(f, 'utf8'))
        .join('\n');
      const secret = JSON.parse(Buffer.from(code.split('.')[1], 'base64url').toString('utf8')).secret as string;
      assert.ok(!raw.includes(secret), 'the store must not contain the shared secret');
    } finally {
      await p.stop();
    }
  });

  it('has every acknowledged write after kill -9 in the middle of a write burst', async () => {
    const data = tempDir('kill9');
    const p = await spawnSandbox(['--data', data, '--token', TOKEN, '--name', 'alpha']);
    const acknowledged: string[] = [];
    let stop = false;
    let writers: Promise<void>[] = [];
    try {
      const api = client(p.url, TOKEN);
      const writer = async (w: number) => {
        for (let i = 0; !stop; i++) {
          try {
            const r = await api<InitiateResponse>('POST', '/api/v1/connections', initiateBody({ name: `w${w}-${i}` }));
            if (r.status === 201) acknowledged.push(r.json.connection.id);
          } catch {
            return; // the process died mid-request: not acknowledged
          }
        }
      };
      writers = [0, 1, 2, 3].map(writer);
      // Let the burst run, then kill right after an acknowledgement.
      while (acknowledged.length < 150 && p.child.exitCode === null) await new Promise((r) => setTimeout(r, 5));
    } finally {
      await p.kill9();
      stop = true;
      await Promise.all(writers);
    }
    assert.equal(p.child.signalCode, 'SIGKILL');

    const q = await spawnSandbox(['--data', data, '--token', TOKEN, '--name', 'alpha']);
    try {
      const ids = new Set((await listAll(client(q.url, TOKEN))).map((c) => c.id));
      const missing = acknowledged.filter((id) => !ids.has(id));
      assert.deepEqual(missing, [], `${missing.length} of ${acknowledged.length} acknowledged writes lost`);
    } finally {
      await q.stop();
    }
  });

  it('drops a torn journal tail and keeps appending after it', async () => {
    const dir = tempDir('torn');
    let s = Store.open(dir);
    s.commit([{ c: 'meta', k: 'a', v: 1 }]);
    s.commit([{ c: 'meta', k: 'b', v: 2 }]);
    s.close();
    fs.appendFileSync(path.join(dir, 'journal.log'), '{"ops":[{"c":"meta","k":"c","v":'); // crash mid-line
    s = Store.open(dir);
    assert.equal(s.get('meta', 'a'), 1);
    assert.equal(s.get('meta', 'b'), 2);
    assert.equal(s.get('meta', 'c'), undefined);
    s.commit([{ c: 'meta', k: 'd', v: 4 }]);
    s.close();
    s = Store.open(dir);
    assert.equal(s.get('meta', 'd'), 4);
    await s.compact();
    s.commit([{ c: 'meta', k: 'a' }]);
    s.close();
    s = Store.open(dir);
    assert.deepEqual([s.get('meta', 'a'), s.get('meta', 'b'), s.get('meta', 'd')], [undefined, 2, 4]);
    s.close();
  });
});
