// Node API v1 against in-process sandbox nodes over real HTTP: validation, auth, conflicts, rules, paging,
// idempotency, invitations (every error), public destinations and polling errors.
import * as assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  AcceptInvitationResponse,
  Connection,
  ConnectionPage,
  ErrorBody,
  InitiateResponse,
  NodeInfo,
  PublicNodeInfo,
  RuleVersionList,
  SyncRule,
} from '../../../src/shared/api';
import { linkKeyOf } from '../../../src/sandbox/invitation';
import { exampleNames } from '../../../src/sandbox/parts/devSeed';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../../src/sandbox';
import { cleanupTempDirs, call, client, initiateBody, spawnSandbox, tempDir, waitFor } from './helpers';

const TOKEN = 'unit-token-xyz';
type Api = ReturnType<typeof client>;
const running: RunningSandbox[] = [];

async function node(name: string, over: Partial<SandboxOptions> = {}): Promise<{ s: RunningSandbox; api: Api }> {
  const s = await startSandbox({ dataDir: tempDir(name), token: TOKEN, name, pollMs: 100, log: () => undefined, ...over });
  running.push(s);
  return { s, api: client(s.url, TOKEN) };
}

function err(r: { json: unknown }): ErrorBody['error'] {
  return (r.json as ErrorBody).error;
}

describe('sandbox: Node API', function () {
  this.timeout(120_000);
  let A: { s: RunningSandbox; api: Api };
  let B: { s: RunningSandbox; api: Api };

  before(async () => {
    A = await node('alpha', { dev: true });
    B = await node('beta');
  });
  after(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
    cleanupTempDirs();
  });

  describe('auth and routing', () => {
    it('answers 401 without or with a wrong token, on every bearer endpoint', async () => {
      for (const [m, p] of [
        ['GET', '/api/v1/node'],
        ['GET', '/api/v1/connections'],
        ['POST', '/api/v1/connections'],
        ['GET', '/api/v1/connections/x/rules/outgoing'],
        ['POST', '/api/v1/invitations/accept'],
      ]) {
        const none = await call(A.s.url, null, m, p);
        assert.equal(none.status, 401, `${m} ${p}`);
        assert.equal(err(none).code, 'unauthorized');
        assert.equal((await call(A.s.url, 'wrong-token', m, p)).status, 401);
      }
    });

    it('serves node info and public info', async () => {
      const info = (await A.api<NodeInfo>('GET', '/api/v1/node')).json;
      assert.equal(info.shortName, 'alpha');
      assert.equal(info.platform, 'azure-devops');
      assert.equal(info.publicUrl, A.s.url);
      assert.deepEqual(info.modes, ['script', 'visual', 'basic']);
      assert.equal(info.adoUrl, `${A.s.url}/ado/sandbox-org`);
      const pub = await call<PublicNodeInfo>(A.s.url, null, 'GET', '/api/v1/public/info');
      assert.equal(pub.status, 200);
      assert.equal(pub.json.kind, 'exalate-node');
    });

    it('answers 404 for unknown routes and ids, 405 for a wrong method', async () => {
      assert.equal(err(await A.api('GET', '/api/v1/nope')).code, 'not_found');
      for (const p of ['/api/v1/connections/unknown', '/api/v1/connections/unknown/rules/incoming', '/api/v1/connections/unknown/invitation']) {
        const r = await A.api('GET', p);
        assert.equal(r.status, 404, p);
      }
      assert.equal((await A.api('PATCH', '/api/v1/connections/unknown', { name: 'x' })).status, 404);
      assert.equal((await A.api('DELETE', '/api/v1/connections/unknown')).status, 404);
      assert.equal((await A.api('PUT', '/api/v1/connections/unknown/rules/outgoing', { script: '' }, { headers: { 'if-match': '"1"' } })).status, 404);
      assert.equal((await A.api('POST', '/api/v1/connections/unknown/rules/outgoing/drafts', { script: '' }, { headers: { 'if-match': '"1"' } })).status, 404);
      assert.equal((await A.api('PUT', '/api/v1/node')).status, 405);
    });

    it('serves the Azure DevOps emulator under /ado/ with the token as default PAT', async () => {
      const basic = (pat: string) => `Basic ${Buffer.from(`:${pat}`).toString('base64')}`;
      const ok = await fetch(`${A.s.url}/ado/sandbox-org/_apis/projects`, { headers: { authorization: basic(TOKEN), 'x-tfs-fedauthredirect': 'Suppress' } });
      assert.equal(ok.status, 200);
      const bad = await fetch(`${A.s.url}/ado/sandbox-org/_apis/projects`, { headers: { authorization: basic('nope'), 'x-tfs-fedauthredirect': 'Suppress' } });
      assert.equal(bad.status, 401);
    });
  });

  describe('validation', () => {
    it('rejects bad initiate bodies with field messages', async () => {
      const cases: Array<[Record<string, unknown>, string]> = [
        [initiateBody({ name: '   ' }), 'name'],
        [initiateBody({ name: 'x'.repeat(256) }), 'name'],
        [initiateBody({ project: '' }), 'project'],
        [initiateBody({ localShortName: 'has space' }), 'localShortName'],
        [initiateBody({ remoteShortName: '-dash-first' }), 'remoteShortName'],
        [initiateBody({ remoteShortName: 'ALPHA' }), 'remoteShortName'],
        [initiateBody({ mode: 'visual' }), 'mode'], // private → Script only
        [initiateBody({ mode: 'fancy' }), 'mode'],
        [initiateBody({ destinationUrl: 'ftp://x' }), 'destinationUrl'],
        [initiateBody({ destinationUrl: 'not a url' }), 'destinationUrl'],
        [initiateBody({ extra: 1 }), 'extra'],
        [{ ...initiateBody(), name: undefined }, 'name'],
      ];
      for (const [body, field] of cases) {
        const r = await A.api('POST', '/api/v1/connections', body);
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.equal(err(r).code, 'validation_failed');
        assert.ok(err(r).fields?.[field], `expected a message for ${field}: ${JSON.stringify(err(r))}`);
      }
    });

    it('trims names, accepts 255 characters', async () => {
      const r = await A.api<InitiateResponse>('POST', '/api/v1/connections', initiateBody({ name: `  ${'n'.repeat(255)}  ` }));
      assert.equal(r.status, 201);
      assert.equal(r.json.connection.name, 'n'.repeat(255));
    });

    it('rejects non-JSON, wrong content type, empty body and oversized bodies', async () => {
      const bad = await A.api('POST', '/api/v1/connections', undefined, { raw: '{nope' });
      assert.equal(bad.status, 400);
      assert.equal(err(bad).code, 'bad_request');
      assert.ok(err(bad).fields?._);
      const type = await A.api('POST', '/api/v1/connections', undefined, { raw: 'a=b', headers: { 'content-type': 'text/plain' } });
      assert.equal(type.status, 415);
      const empty = await A.api('POST', '/api/v1/connections');
      assert.equal(empty.status, 400);
      const big = await A.api('POST', '/api/v1/connections', initiateBody({ description: 'd'.repeat(70 * 1024) }));
      assert.equal(big.status, 413);
      assert.equal(err(big).code, 'payload_too_large');
      const longDesc = await A.api('POST', '/api/v1/connections', initiateBody({ description: 'd'.repeat(2001) }));
      assert.equal(longDesc.status, 400);
      assert.ok(err(longDesc).fields?.description);
    });

    it('rejects bad PATCH bodies', async () => {
      const c = (await A.api<InitiateResponse>('POST', '/api/v1/connections', initiateBody({ name: 'Patch target' }))).json.connection;
      for (const [body, field] of [
        [{}, '_'],
        [{ status: 'pending' }, 'status'],
        [{ name: '' }, 'name'],
        [{ id: 'x' }, 'id'],
      ] as const) {
        const r = await A.api('PATCH', `/api/v1/connections/${c.id}`, body);
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.ok(err(r).fields?.[field], JSON.stringify(err(r)));
      }
      const ok = await A.api<Connection>('PATCH', `/api/v1/connections/${c.id}`, { name: '  Patched  ', description: 'new' });
      assert.equal(ok.json.name, 'Patched');
    });

    it('answers 409 for a duplicate name (case-insensitive), on create and rename', async () => {
      await A.api('POST', '/api/v1/connections', initiateBody({ name: 'Unique One' }));
      const dup = await A.api('POST', '/api/v1/connections', initiateBody({ name: ' unique one ' }));
      assert.equal(dup.status, 409);
      assert.equal(err(dup).code, 'duplicate_name');
      assert.ok(err(dup).fields?.name);
      const other = (await A.api<InitiateResponse>('POST', '/api/v1/connections', initiateBody({ name: 'Unique Two' }))).json.connection;
      assert.equal((await A.api('PATCH', `/api/v1/connections/${other.id}`, { name: 'UNIQUE ONE' })).status, 409);
      assert.equal((await A.api('PATCH', `/api/v1/connections/${other.id}`, { name: 'Unique Two' })).status, 200);
    });

    it('rejects a bad limit or cursor', async () => {
      for (const q of ['limit=0', 'limit=501', 'limit=abc', 'cursor=bogus']) {
        const r = await A.api('GET', `/api/v1/connections?${q}`);
        assert.equal(r.status, 400, q);
        assert.ok(Object.keys(err(r).fields ?? {}).length === 1);
      }
    });
  });

  describe('idempotency', () => {
    it('returns the same connection for a retried initiate and never a second one', async () => {
      const key = `key-${Date.now()}`;
      const body = initiateBody({ name: 'Idempotent' });
      const [r1, r2] = await Promise.all([
        A.api<InitiateResponse>('POST', '/api/v1/connections', body, { headers: { 'idempotency-key': key } }),
        A.api<InitiateResponse>('POST', '/api/v1/connections', body, { headers: { 'idempotency-key': key } }),
      ]);
      const r3 = await A.api<InitiateResponse>('POST', '/api/v1/connections', body, { headers: { 'idempotency-key': key } });
      assert.deepEqual([r1.status, r2.status, r3.status], [201, 201, 201]);
      assert.equal(r2.json.connection.id, r1.json.connection.id);
      assert.equal(r3.json.connection.id, r1.json.connection.id);
      assert.equal(r3.json.invitationCode, r1.json.invitationCode);
      const other = await A.api('POST', '/api/v1/connections', initiateBody({ name: 'Idempotent 2' }), { headers: { 'idempotency-key': key } });
      assert.equal(other.status, 409);
      assert.equal((await A.api('POST', '/api/v1/connections', body, { headers: { 'idempotency-key': ' '.repeat(3) } })).status, 400);
    });

    it('answers 409 to an overlapping request with the same key but another body', async () => {
      // Public initiations wait for the destination's node info, so both requests are in flight at once.
      const key = `overlap-${Date.now()}`;
      const first = initiateBody({ name: 'Overlap one', destinationUrl: B.s.url });
      const second = initiateBody({ name: 'Overlap two', destinationUrl: B.s.url });
      const [r1, r2, r3] = await Promise.allSettled([
        A.s.node.initiate(first, key),
        A.s.node.initiate(second, key),
        A.s.node.initiate(first, key),
      ]);
      assert.equal(r1.status, 'fulfilled');
      assert.equal(r2.status, 'rejected');
      assert.equal((r2 as PromiseRejectedResult).reason.status, 409);
      assert.equal((r2 as PromiseRejectedResult).reason.code, 'conflict');
      assert.equal(r3.status, 'fulfilled');
      assert.equal((r3 as PromiseFulfilledResult<InitiateResponse>).value.connection.id, (r1 as PromiseFulfilledResult<InitiateResponse>).value.connection.id);
      const names = (await A.api<ConnectionPage>('GET', '/api/v1/connections?limit=500')).json.items.map((c) => c.name);
      assert.ok(!names.includes('Overlap two'));
    });
  });

  describe('sync rules', () => {
    let id: string;
    before(async () => {
      id = (await A.api<InitiateResponse>('POST', '/api/v1/connections', initiateBody({ name: 'Rules', project: 'Contoso Web' }))).json.connection.id;
    });

    it('starts with default Azure DevOps scripts as version 1', async () => {
      const out = await A.api<SyncRule>('GET', `/api/v1/connections/${id}/rules/outgoing`);
      assert.equal(out.status, 200);
      assert.equal(out.headers.get('etag'), '"1"');
      assert.equal(out.json.author, 'system');
      for (const s of ['replica.key', 'replica.summary', 'nodeHelper.stripHtml(workItem.description)', 'nodeHelper.stripHtmlFromComments', 'replica.attachments', 'replica.areaPath', 'replica.iterationPath', 'replica.priority', 'replica.assignee', 'replica.labels']) {
        assert.ok(out.json.script.includes(s), s);
      }
      const inc = (await A.api<SyncRule>('GET', `/api/v1/connections/${id}/rules/incoming`)).json;
      for (const s of ['firstSync', 'workItem.projectKey = "Contoso Web"', 'workItem.typeName', 'commentHelper.mergeComments(workItem, replica)', 'attachmentHelper.mergeAttachments(workItem, replica)', '// workItem.areaPath']) {
        assert.ok(inc.script.includes(s), s);
      }
    });

    it('saves drafts with If-Match, answers 412 with the newest version, and versions every save', async () => {
      const p = `/api/v1/connections/${id}/rules/incoming`;
      const none = await A.api('POST', `${p}/drafts`, { script: 'a' });
      assert.equal(none.status, 428);
      assert.equal(err(none).current?.version, 1);
      const v2 = await A.api<SyncRule>('POST', `${p}/drafts`, { script: 'v2' }, { headers: { 'if-match': '"1"', 'x-exalate-author': 'grace' } });
      assert.equal(v2.status, 201);
      assert.equal(v2.json.version, 2);
      assert.equal(v2.json.state, 'draft');
      assert.equal(v2.json.active, false);
      assert.equal(v2.json.activeVersion, 1);
      assert.equal(v2.headers.get('etag'), '"2"');
      assert.equal(v2.headers.get('location'), `${p}/versions/2`);
      const stale = await A.api('POST', `${p}/drafts`, { script: 'lost' }, { headers: { 'if-match': '"1"' } });
      assert.equal(stale.status, 412);
      assert.equal(err(stale).code, 'precondition_failed');
      assert.equal(err(stale).current?.version, 2);
      assert.equal(err(stale).current?.script, 'v2');
      assert.equal(stale.headers.get('etag'), '"2"');
      const v3 = await A.api<SyncRule>('POST', `${p}/drafts`, { script: 'v2' }, { headers: { 'if-match': '"2"' } });
      assert.equal(v3.json.version, 3); // same text is still a new version
      assert.equal(v3.json.author, 'api');
      const list = (await A.api<RuleVersionList>('GET', `${p}/versions`)).json;
      assert.deepEqual(
        list.items.map((v) => [v.version, v.author, v.state, v.active]),
        [[3, 'api', 'draft', false], [2, 'grace', 'draft', false], [1, 'system', 'published', true]],
      );
      assert.equal(list.activeVersion, 1);
      assert.equal((await A.api<SyncRule>('GET', `${p}/versions/2`)).json.script, 'v2');
      assert.equal((await A.api('GET', `${p}/versions/9`)).status, 404);
      assert.equal((await A.api('GET', `${p}/versions/x`)).status, 404);
      assert.equal((await A.api('GET', `/api/v1/connections/${id}/rules/sideways`)).status, 404);
      assert.equal((await A.api('POST', `${p}/drafts`, { script: 'x' }, { headers: { 'if-match': 'garbage' } })).status, 400);
    });

    it('keeps the active version running until a draft is published', async () => {
      const { id: cid } = (await A.api<InitiateResponse>('POST', '/api/v1/connections', initiateBody({ name: 'Drafts', project: 'Contoso Web' }))).json.connection;
      const p = `/api/v1/connections/${cid}/rules/outgoing`;
      const v1 = (await A.api<SyncRule>('GET', p)).json;
      const d2 = (await A.api<SyncRule>('POST', `${p}/drafts`, { script: 'draft 2' }, { headers: { 'if-match': '"1"' } })).json;
      const d3 = (await A.api<SyncRule>('POST', `${p}/drafts`, { script: 'draft 3' }, { headers: { 'if-match': '"2"' } })).json;
      // GET …/rules/{dir} is the active rule: still the default; …/latest is the newest draft.
      const active = await A.api<SyncRule>('GET', p);
      assert.equal(active.json.script, v1.script);
      assert.equal(active.json.version, 1);
      assert.equal(active.json.active, true);
      assert.equal(active.json.state, 'published');
      assert.equal(active.headers.get('etag'), '"1"');
      const latest = await A.api<SyncRule>('GET', `${p}/latest`);
      assert.deepEqual([latest.json.version, latest.json.script, latest.json.state, latest.json.active, latest.json.activeVersion], [3, 'draft 3', 'draft', false, 1]);
      assert.equal(latest.headers.get('etag'), '"3"');
      assert.equal(A.s.node.activeRule(cid, 'outgoing').script, v1.script, 'the engine still runs version 1');

      // Publish draft 2: active; draft 3 stays a draft and stays the newest.
      const pub = await A.api<SyncRule>('POST', `${p}/versions/${d2.version}/publish`, undefined, { headers: { 'x-exalate-author': 'ada' } });
      assert.equal(pub.status, 200);
      assert.deepEqual([pub.json.version, pub.json.script, pub.json.state, pub.json.active, pub.json.activeVersion], [2, 'draft 2', 'published', true, 2]);
      assert.equal((await A.api<SyncRule>('GET', p)).json.script, 'draft 2');
      assert.equal(A.s.node.activeRule(cid, 'outgoing').version, 2);
      assert.equal((await A.api<SyncRule>('GET', `${p}/latest`)).json.version, 3);
      // Publishing the active version again changes nothing; an older one is refused; an unknown one is 404.
      assert.equal((await A.api<SyncRule>('POST', `${p}/versions/2/publish`, {})).status, 200);
      const older = await A.api('POST', `${p}/versions/1/publish`);
      assert.equal(older.status, 409);
      assert.equal(err(older).code, 'conflict');
      assert.match(err(older).message, /older than the active version 2.*Restore/);
      assert.equal((await A.api('POST', `${p}/versions/4/publish`)).status, 404);
      assert.equal((await A.api('POST', `${p}/versions/0/publish`)).status, 404);
      assert.equal((await A.api('POST', `${p}/versions/3/publish`, { force: true })).status, 400, 'the body is {} or nothing');
      assert.equal(A.s.node.activeRule(cid, 'outgoing').version, 2, 'a refused publish changed nothing');
      const list = (await A.api<RuleVersionList>('GET', `${p}/versions`)).json;
      assert.deepEqual(list.items.map((v) => [v.version, v.state, v.active]), [[3, 'draft', false], [2, 'published', true], [1, 'published', false]]);
      assert.equal(list.activeVersion, 2);
      // Publish the newest draft.
      assert.equal((await A.api<SyncRule>('POST', `${p}/versions/${d3.version}/publish`)).json.active, true);
      assert.equal((await A.api<SyncRule>('GET', p)).json.script, 'draft 3');
      assert.equal(A.s.node.activeRule(cid, 'outgoing').script, 'draft 3');
      // The other direction is untouched.
      assert.equal((await A.api<SyncRule>('GET', `/api/v1/connections/${cid}/rules/incoming`)).json.version, 1);
    });

    it('retention with drafts: keeps every published version, the active one, the newest and the last N drafts', async () => {
      const { s: r, api } = await node('retain', { keepDrafts: 2 });
      const cid = (await api<InitiateResponse>('POST', '/api/v1/connections', initiateBody({ name: 'Retention' }))).json.connection.id;
      const p = `/api/v1/connections/${cid}/rules/outgoing`;
      const save = async (n: number) => {
        const res = await api<SyncRule>('POST', `${p}/drafts`, { script: `v${n}` }, { headers: { 'if-match': `"${n - 1}"` } });
        assert.equal(res.status, 201);
      };
      const listed = async () => (await api<RuleVersionList>('GET', `${p}/versions`)).json.items.map((v) => `${v.version}${v.active ? '*' : v.state === 'draft' ? 'd' : 'p'}`);
      await save(2);
      await save(3);
      assert.equal((await api('POST', `${p}/versions/3/publish`)).status, 200);
      for (const n of [4, 5, 6, 7]) await save(n);
      assert.deepEqual(await listed(), ['7d', '6d', '5d', '3*', '1p'], 'drafts 2 and 4 pruned; published 3 kept');
      assert.equal((await api('POST', `${p}/versions/7/publish`)).status, 200);
      for (const n of [8, 9]) await save(n);
      assert.deepEqual(await listed(), ['9d', '8d', '7*', '6d', '3p', '1p']);
      assert.equal((await api('GET', `${p}/versions/5`)).status, 404);
      assert.equal(r.node.activeRule(cid, 'outgoing').script, 'v7');
    });

    it('answers an old client\'s PUT with 410 client_outdated and stores nothing', async () => {
      const p = `/api/v1/connections/${id}/rules/outgoing`;
      const before = (await A.api<RuleVersionList>('GET', `${p}/versions`)).json.items.length;
      const head = (await A.api<SyncRule>('GET', `${p}/latest`)).json.version;
      const put = await A.api('PUT', p, { script: 'from an old client' }, { headers: { 'if-match': `"${head}"` } });
      assert.equal(put.status, 410);
      assert.equal(err(put).code, 'client_outdated');
      assert.match(err(put).message, /keeps drafts.*nothing was saved.*Update the Exalate extension/);
      assert.equal((await A.api<RuleVersionList>('GET', `${p}/versions`)).json.items.length, before);
      assert.equal((await A.api<SyncRule>('GET', `${p}/latest`)).json.version, head);
      assert.equal((await A.api('PUT', '/api/v1/connections/8d3c8a57-4b8f-4c44-9a3a-2b9f7a0b1c2d/rules/outgoing', { script: '' }, { headers: { 'if-match': '"1"' } })).status, 404);
    });

    it('caps scripts at 512 KiB and rejects non-string scripts', async () => {
      const p = `/api/v1/connections/${id}/rules/outgoing`;
      const cur = (await A.api<SyncRule>('GET', `${p}/latest`)).json.version;
      const ok = await A.api('POST', `${p}/drafts`, { script: 'x'.repeat(512 * 1024) }, { headers: { 'if-match': `"${cur}"` } });
      assert.equal(ok.status, 201);
      const big = await A.api('POST', `${p}/drafts`, { script: 'x'.repeat(512 * 1024 + 1) }, { headers: { 'if-match': `"${cur + 1}"` } });
      assert.equal(big.status, 400);
      assert.ok(err(big).fields?.script);
      const wide = await A.api('POST', `${p}/drafts`, { script: 'é'.repeat(300 * 1024) }, { headers: { 'if-match': `"${cur + 1}"` } });
      assert.equal(wide.status, 400, 'UTF-8 bytes count, not characters');
      const num = await A.api('POST', `${p}/drafts`, { script: 5 }, { headers: { 'if-match': `"${cur + 1}"` } });
      assert.ok(err(num).fields?.script);
    });
  });

  describe('paging', () => {
    it('lists 1,200+ connections in stable pages of at most 500', async () => {
      const { s } = await node('pager', { dev: true });
      const api = client(s.url, TOKEN);
      const bulk = await api<{ created: number }>('POST', '/api/v1/dev/bulk', { count: 1200 });
      assert.equal(bulk.status, 201);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const r: { json: ConnectionPage } = await api<ConnectionPage>('GET', `/api/v1/connections?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        assert.ok(r.json.items.length <= 500);
        seen.push(...r.json.items.map((c) => c.id));
        cursor = r.json.nextCursor;
        pages++;
        if (pages === 1) {
          // Changes between pages neither duplicate nor skip items that existed before.
          await api('POST', '/api/v1/connections', initiateBody({ name: 'Added while paging' }));
          await api('DELETE', `/api/v1/connections/${r.json.items[0].id}`);
        }
      } while (cursor);
      assert.equal(pages, 3);
      assert.equal(new Set(seen).size, seen.length, 'no duplicates');
      assert.equal(seen.length, 1201);
      const firstPage = (await api<ConnectionPage>('GET', '/api/v1/connections')).json;
      assert.equal(firstPage.items.length, 100); // default limit
      const again = (await api<ConnectionPage>('GET', '/api/v1/connections')).json;
      assert.deepEqual(again.items.map((c) => c.id), firstPage.items.map((c) => c.id));
    });

    it('offers the bulk hook only with dev enabled', async () => {
      assert.equal((await B.api('POST', '/api/v1/dev/bulk', { count: 1 })).status, 404);
      assert.equal((await A.api('POST', '/api/v1/dev/bulk', { count: 0 })).status, 400);
    });
  });

  describe('invitations', () => {
    async function initiate(name: string, api = A.api): Promise<InitiateResponse> {
      const r = await api<InitiateResponse>('POST', '/api/v1/connections', initiateBody({ name }));
      assert.equal(r.status, 201, JSON.stringify(r.json));
      return r.json;
    }
    const accept = (api: Api, invitationCode: string) => api<AcceptInvitationResponse>('POST', '/api/v1/invitations/accept', { invitationCode, project: 'P' });

    it('returns the same code while pending', async () => {
      const r = await initiate('Code stable');
      const g = await A.api<{ invitationCode: string; expiresAt: string }>('GET', `/api/v1/connections/${r.connection.id}/invitation`);
      assert.equal(g.json.invitationCode, r.invitationCode);
      assert.ok(Date.parse(g.json.expiresAt) > Date.now() + 6.9 * 86400_000);
      assert.match(r.invitationCode, /^EXA1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    });

    it('tolerates whitespace and line breaks inside a pasted code', async () => {
      const r = await initiate('Wrapped code');
      const wrapped = r.invitationCode.replace(/(.{40})/g, '$1\n  ');
      assert.equal((await accept(B.api, ` ${wrapped} `)).status, 201);
    });

    it('rejects a malformed code', async () => {
      for (const code of ['hello', 'EXA1.abc', 'EXA1.!!!.AAAAAAAAAAAAAAAAAAAAAA', `EXA1.${Buffer.from('{"v":1}').toString('base64url')}.AAAAAAAAAAAAAAAAAAAAAA`]) {
        const r = await accept(B.api, code);
        assert.equal(r.status, 400, code);
        assert.equal(err(r).code, 'invitation_malformed');
        assert.ok(err(r).fields?.invitationCode);
        assert.equal(err(await B.api('POST', '/api/v1/invitations/preview', { invitationCode: code })).code, 'invitation_malformed');
      }
      assert.ok(err(await B.api('POST', '/api/v1/invitations/accept', { project: 'P' })).fields?.invitationCode);
      assert.ok(err(await B.api('POST', '/api/v1/invitations/accept', { invitationCode: 'x' })).fields?.project);
    });

    it('rejects a well-signed code whose connection id is not a UUID (it would become a path on the acceptor)', async () => {
      const r = await initiate('Crafted id');
      const [prefix, part] = r.invitationCode.split('.');
      const payload = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
      for (const connectionId of ['/../../..', '..', 'a/b', `${payload.connectionId}/x`, 'not-a-uuid']) {
        const crafted = Buffer.from(JSON.stringify({ ...payload, connectionId })).toString('base64url');
        const head = `${prefix}.${crafted}`;
        const tag = createHmac('sha256', Buffer.from(linkKeyOf(payload.secret), 'base64url')).update(head).digest().subarray(0, 16).toString('base64url');
        const acc = await accept(B.api, `${head}.${tag}`);
        assert.equal(acc.status, 400, connectionId);
        assert.equal(err(acc).code, 'invitation_malformed');
        const prev = await B.api('POST', '/api/v1/invitations/preview', { invitationCode: `${head}.${tag}` });
        assert.equal(err(prev).code, 'invitation_malformed', connectionId);
      }
      assert.equal((await B.api<ConnectionPage>('GET', '/api/v1/connections?limit=500')).json.items.filter((c) => c.name === 'Crafted id').length, 0);
      // Ids in paths: anything but a UUID is simply not found.
      for (const id of ['not-a-uuid', '..%2F..', '%2e%2e']) {
        assert.equal((await A.api('GET', `/api/v1/connections/${id}`)).status, 404, id);
        assert.equal((await call(A.s.url, null, 'POST', `/api/v1/peer/connections/${id}/heartbeat`, { active: true })).status, 404, id);
      }
    });

    it('rejects a tampered code, both locally and at the initiator', async () => {
      const r = await initiate('Tamper target');
      const [prefix, part, tag] = r.invitationCode.split('.');
      const payload = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
      const edited = Buffer.from(JSON.stringify({ ...payload, connectionName: 'Hijacked' })).toString('base64url');
      const local = await accept(B.api, `${prefix}.${edited}.${tag}`);
      assert.equal(local.status, 400);
      assert.equal(err(local).code, 'invitation_tampered');
      // A forger who recomputes the tag (the code carries the secret) is caught by the initiator's digest check.
      const head = `${prefix}.${edited}`;
      const retag = createHmac('sha256', Buffer.from(linkKeyOf(payload.secret), 'base64url')).update(head).digest().subarray(0, 16).toString('base64url');
      const remote = await accept(B.api, `${head}.${retag}`);
      assert.equal(remote.status, 400, JSON.stringify(remote.json));
      assert.equal(err(remote).code, 'invitation_tampered');
      // A different secret with a valid tag: the initiator rejects the JWT.
      const secret = Buffer.alloc(32, 7).toString('base64url');
      const forged = Buffer.from(JSON.stringify({ ...payload, secret })).toString('base64url');
      const fhead = `${prefix}.${forged}`;
      const ftag = createHmac('sha256', Buffer.from(linkKeyOf(secret), 'base64url')).update(fhead).digest().subarray(0, 16).toString('base64url');
      assert.equal(err(await accept(B.api, `${fhead}.${ftag}`)).code, 'invitation_tampered');
      // The genuine code still works afterwards.
      assert.equal((await accept(B.api, r.invitationCode)).status, 201);
    });

    it('refuses an already-used code, on the same and on another node', async () => {
      const r = await initiate('Single use');
      assert.equal((await accept(B.api, r.invitationCode)).status, 201);
      const again = await accept(B.api, r.invitationCode);
      assert.equal(again.status, 409);
      assert.equal(err(again).code, 'invitation_used');
      const C = await node('gamma');
      const third = await accept(C.api, r.invitationCode);
      assert.equal(third.status, 409);
      assert.equal(err(third).code, 'invitation_used');
    });

    it('refuses an expired code (on the accepting node, and on the initiator)', async () => {
      // Injected clocks instead of sleeping: each node reads its own `now`.
      const TTL = 60 * 60 * 1000;
      let initiatorNow = Date.UTC(2030, 0, 1);
      let acceptorNow = initiatorNow;
      const short = await node('shortlived', { invitationTtlMs: TTL, now: () => initiatorNow });
      const late = await node('late', { now: () => acceptorNow });
      const r = await initiate('Expires soon', short.api);
      const preview = () => late.api<{ expired: boolean }>('POST', '/api/v1/invitations/preview', { invitationCode: r.invitationCode });
      acceptorNow += TTL - 1;
      assert.equal((await preview()).json.expired, false);
      acceptorNow += 1;
      assert.equal((await preview()).json.expired, true);
      const x = await accept(late.api, r.invitationCode);
      assert.equal(x.status, 410);
      assert.equal(err(x).code, 'invitation_expired');
      // The acceptor's clock says "still valid", the initiator's (a few seconds ahead, within the token tolerance)
      // says "expired": the initiator's own check refuses it.
      acceptorNow = initiatorNow + TTL - 1;
      initiatorNow += TTL + 5_000;
      const y = await accept(late.api, r.invitationCode);
      assert.equal(y.status, 410, JSON.stringify(y.json));
      assert.equal(err(y).code, 'invitation_expired');
      // Back before expiry on both: the same code is accepted.
      initiatorNow = acceptorNow = Date.UTC(2030, 0, 1) + TTL - 10_000;
      assert.equal((await accept(late.api, r.invitationCode)).status, 201);
    });

    it('reports an unreachable initiator, an unknown connection and an own invitation', async () => {
      const gone = await node('gone');
      const r = await initiate('Initiator will stop', gone.api);
      await gone.s.stop();
      const x = await accept(B.api, r.invitationCode);
      assert.equal(x.status, 502);
      assert.equal(err(x).code, 'initiator_unreachable');

      const d = await initiate('Deleted before accept');
      await A.api('DELETE', `/api/v1/connections/${d.connection.id}`);
      const y = await accept(B.api, d.invitationCode);
      assert.equal(y.status, 404);
      assert.equal(err(y).code, 'invitation_unknown');

      const own = await initiate('Own code');
      const z = await accept(A.api, own.invitationCode);
      assert.equal(z.status, 422);
      assert.equal(err(z).code, 'own_invitation');
    });

    it('renames an accepted connection whose name is already used on the accepting node', async () => {
      await B.api('POST', '/api/v1/connections', initiateBody({ name: 'Clash', localShortName: 'beta', remoteShortName: 'x' }));
      const r = await initiate('Clash');
      const acc = await accept(B.api, r.invitationCode);
      assert.equal(acc.status, 201);
      assert.equal(acc.json.connection.name, 'Clash (alpha)');
    });

    it('rejects node-to-node calls without a valid JWT', async () => {
      const r = await initiate('Peer auth');
      const p = `/api/v1/peer/connections/${r.connection.id}/accept`;
      assert.equal((await call(A.s.url, null, 'POST', p, {})).status, 401);
      assert.equal((await call(A.s.url, TOKEN, 'POST', p, {})).status, 401, 'the node token is not a peer credential');
    });

    it('marks an acceptor connection as error while the initiator is unreachable', async () => {
      const gone = await node('flaky');
      const r = await initiate('Flaky initiator', gone.api);
      const acc = await accept(B.api, r.invitationCode);
      assert.equal(acc.status, 201);
      await gone.s.stop();
      const c = await waitFor(async () => {
        const got = (await B.api<Connection>('GET', `/api/v1/connections/${r.connection.id}`)).json;
        return got.status === 'error' ? got : null;
      }, 20_000, 'error status');
      assert.match(c.statusReason ?? '', /Cannot reach/);
    });
  });

  describe('public destinations', () => {
    it('checks the destination and reports its modes', async () => {
      const r = await A.api<PublicNodeInfo>('POST', '/api/v1/destinations/check', { destinationUrl: `${B.s.url}/` });
      assert.equal(r.status, 200);
      assert.equal(r.json.shortName, 'beta');
      assert.deepEqual(r.json.modes, ['script', 'visual', 'basic']);
    });

    it('refuses an unreachable URL, a non-node, and its own URL', async () => {
      const closed = http.createServer();
      await new Promise<void>((res) => closed.listen(0, '127.0.0.1', res));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((res) => closed.close(() => res()));
      const unreachable = await A.api('POST', '/api/v1/connections', initiateBody({ destinationUrl: `http://127.0.0.1:${port}`, name: 'Public 0' }));
      assert.equal(unreachable.status, 502);
      assert.equal(err(unreachable).code, 'destination_unreachable');
      assert.ok(err(unreachable).fields?.destinationUrl);

      const web = http.createServer((_q, s) => s.end('<html>hello</html>'));
      await new Promise<void>((res) => web.listen(0, '127.0.0.1', res));
      const webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
      try {
        const notNode = await A.api('POST', '/api/v1/connections', initiateBody({ destinationUrl: webUrl, name: 'Public 1' }));
        assert.equal(err(notNode).code, 'destination_not_a_node');
        assert.equal(notNode.status, 422);
        const ado = await A.api('POST', '/api/v1/connections', initiateBody({ destinationUrl: A.s.adoUrl, name: 'Public 2' }));
        assert.equal(err(ado).code, 'destination_not_a_node');
      } finally {
        web.close();
      }
      const self = await A.api('POST', '/api/v1/connections', initiateBody({ destinationUrl: A.s.url, name: 'Public 3' }));
      assert.equal(err(self).code, 'destination_is_self');
      const selfAlias = await A.api('POST', '/api/v1/connections', initiateBody({ destinationUrl: A.s.url.replace('127.0.0.1', 'localhost'), name: 'Public 4' }));
      assert.equal(err(selfAlias).code, 'destination_is_self');
    });

    it('refuses a mode the destination does not offer, and completes a public handshake', async () => {
      const scriptOnly = await node('scriptonly', { modes: ['script'] });
      const no = await A.api('POST', '/api/v1/connections', initiateBody({ destinationUrl: scriptOnly.s.url, mode: 'visual', name: 'Visual to script-only' }));
      assert.equal(no.status, 422);
      assert.equal(err(no).code, 'mode_not_supported');
      assert.match(err(no).fields?.mode ?? '', /script/);

      const r = await A.api<InitiateResponse>('POST', '/api/v1/connections', initiateBody({ destinationUrl: B.s.url, mode: 'visual', name: 'Public visual' }));
      assert.equal(r.status, 201, JSON.stringify(r.json));
      assert.equal(r.json.connection.type, 'public');
      assert.equal(r.json.connection.remoteUrl, B.s.url);
      const acc = await B.api<AcceptInvitationResponse>('POST', '/api/v1/invitations/accept', { invitationCode: r.json.invitationCode, project: 'P' });
      assert.equal(acc.status, 201);
      assert.equal(acc.json.connection.mode, 'visual');
      assert.equal(acc.json.connection.remoteUrl, A.s.url);
      // Public: the initiator may call the acceptor, so its deactivation shows at once.
      await A.api('PATCH', `/api/v1/connections/${r.json.connection.id}`, { status: 'deactivated' });
      const onB = (await B.api<Connection>('GET', `/api/v1/connections/${r.json.connection.id}`)).json;
      assert.equal(onB.status, 'deactivated');
      assert.equal(onB.deactivatedBy, 'remote');
    });
  });

  describe('CLI', () => {
    it('exits 2 with usage on bad flags', async () => {
      for (const args of [['--port', 'x'], ['--bogus'], ['--data', tempDir('cli'), '--token', 'short', '--name', 'ok'], ['--data', 'd', '--token', 'long-enough', '--name', 'bad name']]) {
        const p = spawnSandbox(args);
        await assert.rejects(p, /exited with 2[\s\S]*Usage:/);
      }
    });

    it('seeds example connections in several statuses', async () => {
      const p = await spawnSandbox(['--data', tempDir('seed'), '--token', TOKEN, '--name', 'demo', '--seed']);
      try {
        const page = (await client(p.url, TOKEN)<ConnectionPage>('GET', '/api/v1/connections')).json;
        const statuses = new Set(page.items.map((c) => c.status));
        for (const s of ['pending', 'active', 'deactivated', 'error']) assert.ok(statuses.has(s as Connection['status']), s);
      } finally {
        await p.stop();
      }
    });

    it('seeds npm start\'s two nodes (contoso, fabrikam) with different example connections, none naming the node itself', async () => {
      const [c, f] = await Promise.all([
        spawnSandbox(['--data', tempDir('seed-contoso'), '--token', TOKEN, '--name', 'contoso', '--seed']),
        spawnSandbox(['--data', tempDir('seed-fabrikam'), '--token', TOKEN, '--name', 'fabrikam', '--seed']),
      ]);
      try {
        const list = async (url: string) => (await client(url, TOKEN)<ConnectionPage>('GET', '/api/v1/connections')).json.items;
        const [onC, onF] = await Promise.all([list(c.url), list(f.url)]);
        assert.deepEqual(onC.map((x) => x.name), exampleNames('contoso'));
        assert.deepEqual(onF.map((x) => x.name), exampleNames('fabrikam'));
        const shared = onC.map((x) => x.name).filter((n) => onF.some((y) => y.name === n));
        assert.deepEqual(shared, [], 'the same example names on both nodes');
        assert.ok(!onF.some((x) => /fabrikam/i.test(x.name) || x.remoteShortName.startsWith('fabrikam')), 'fabrikam is not its own partner');
        // Both sets show the same states.
        const states = (items: Connection[]) => items.map((x) => `${x.status}/${x.mode}/${x.type}/${x.role}`).sort();
        assert.deepEqual(states(onF), states(onC));
      } finally {
        await Promise.all([c.stop(), f.stop()]);
      }
    });
  });
});
