// The Azure DevOps emulator, driven by the real azure-devops-node-api library over a plain node:http server.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as azdev from 'azure-devops-node-api';
import { ProjectVisibility } from 'azure-devops-node-api/interfaces/CoreInterfaces';
import { createAdoEmulator, type AdoEmulator, type AdoEmulatorOptions } from '../../../src/sandbox/ado';

const ORG = 'contoso';
const PAT = 'emulator-pat-0123456789abcdefghijklmnopqrstuvwxyz01';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

interface Running {
  emulator: AdoEmulator;
  baseUrl: string;
  orgUrl: string;
  seen: Seen[];
  close(): Promise<void>;
}

/** A bare node:http server that routes `/ado/` to the emulator and records every request. */
async function start(options: Partial<AdoEmulatorOptions> = {}): Promise<Running> {
  const emulator = createAdoEmulator({ org: ORG, pat: PAT, ...options });
  const seen: Seen[] = [];
  let baseUrl = '';
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    if ((req.url ?? '').startsWith('/ado/')) {
      void emulator.handle(req, res, baseUrl);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ado`;
  return {
    emulator,
    baseUrl,
    orgUrl: emulator.orgUrl(baseUrl),
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function connect(r: Running, pat = PAT): azdev.WebApi {
  return new azdev.WebApi(r.orgUrl, azdev.getPersonalAccessTokenHandler(pat));
}

async function rejection(p: Promise<unknown>): Promise<Error & { statusCode?: number; result?: { message?: string; typeKey?: string } }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { statusCode?: number };
  }
  assert.fail('expected the call to fail');
}

describe('Azure DevOps emulator (with azure-devops-node-api)', () => {
  let r: Running;
  afterEach(async () => {
    await r?.close();
  });

  it('lists the seeded projects through the exact calls the library makes', async () => {
    r = await start({ seed: true });
    const core = await connect(r).getCoreApi();
    const projects = await core.getProjects();

    assert.deepEqual(
      projects.map((p) => p.name),
      ['Customer Portal', 'Data Platform', 'Mobile App', 'Partner Integrations', 'Payments'],
    );
    const payments = projects.find((p) => p.name === 'Payments');
    assert.ok(payments);
    assert.match(payments.id ?? '', UUID);
    assert.equal(payments.description, 'Card processing, refunds and the payment gateway integrations.');
    assert.equal(payments.url, `${r.orgUrl}/_apis/projects/${payments.id}`);
    assert.equal(payments.state as unknown, 'wellFormed');
    assert.equal(payments.visibility, ProjectVisibility.Private);
    assert.ok(payments.lastUpdateTime instanceof Date);
    assert.equal(typeof payments.revision, 'number');

    assert.deepEqual(
      r.seen.map((s) => `${s.method} ${s.url}`),
      ['OPTIONS /ado/contoso/_apis/Location', 'GET /ado/contoso/_apis/ResourceAreas', 'OPTIONS /ado/contoso/_apis/core', 'GET /ado/contoso/_apis/projects'],
    );
    for (const s of r.seen) {
      assert.equal(s.headers.authorization, `Basic ${Buffer.from(`PAT:${PAT}`).toString('base64')}`);
      assert.equal(s.headers['x-tfs-fedauthredirect'], 'Suppress');
    }
    assert.equal(r.seen[1].headers.accept, 'application/json;api-version=7.2-preview.1');
    assert.equal(r.seen[3].headers.accept, 'application/json;api-version=7.2-preview.4');
  });

  it('pages with $top / $skip', async () => {
    r = await start({ seed: true });
    const core = await connect(r).getCoreApi();
    const all = (await core.getProjects()).map((p) => p.name);
    const page = await core.getProjects(undefined, 2, 1);
    assert.deepEqual(page.map((p) => p.name), all.slice(1, 3));
    assert.equal(r.seen.at(-1)?.url, '/ado/contoso/_apis/projects?%24top=2&%24skip=1');
    assert.deepEqual(await core.getProjects(undefined, 2, 4).then((ps) => ps.map((p) => p.name)), all.slice(4));
    assert.deepEqual(await core.getProjects(undefined, 10, 99), []);
    assert.deepEqual(await core.getProjects(undefined, 0), []);

    // The service's continuation header tells a raw client there is more.
    const auth = { authorization: `Basic ${Buffer.from(`:${PAT}`).toString('base64')}` };
    const more = await fetch(`${r.orgUrl}/_apis/projects?$top=2`, { headers: auth });
    assert.equal(more.headers.get('x-ms-continuationtoken'), '2');
    const body = (await more.json()) as { count: number; value: unknown[] };
    assert.equal(body.count, 2);
    assert.equal(body.value.length, 2);
    const last = await fetch(`${r.orgUrl}/_apis/projects?$top=2&continuationToken=4`, { headers: auth });
    assert.equal(last.headers.get('x-ms-continuationtoken'), null);
    assert.equal(((await last.json()) as { count: number }).count, 1);
  });

  it('rejects bad $top / $skip values with a 400 naming the parameter', async () => {
    r = await start({ seed: true });
    const core = await connect(r).getCoreApi();
    const err = await rejection(core.getProjects(undefined, -1));
    assert.equal(err.statusCode, 400);
    assert.match(err.message, /\$top/);
    assert.equal(err.result?.typeKey, 'InvalidArgumentValueException');

    const auth = { authorization: `Basic ${Buffer.from(`:${PAT}`).toString('base64')}` };
    const res = await fetch(`${r.orgUrl}/_apis/projects?$skip=abc`, { headers: auth });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { message: string };
    assert.match(body.message, /'\$skip'.*must be an integer/);
  });

  it('answers 401 with TF400813 for a wrong PAT, surfaced by the library as statusCode 401', async () => {
    r = await start({ seed: true });
    const err = await rejection(connect(r, 'not-the-pat').getCoreApi().then((core) => core.getProjects()));
    assert.equal(err.statusCode, 401);
    assert.match(err.message, /^TF400813: /);
    assert.equal(err.result?.typeKey, 'UnauthorizedRequestException');
    // The first call (location lookup) already fails, so nothing else is requested.
    assert.deepEqual(r.seen.map((s) => `${s.method} ${s.url}`), ['OPTIONS /ado/contoso/_apis/Location']);

    // A PAT revoked after connecting: the projects call itself gets the 401.
    const core = await connect(r).getCoreApi();
    r.emulator.setPat('rotated-pat');
    const late = await rejection(core.getProjects());
    assert.equal(late.statusCode, 401);
    assert.match(late.message, /TF400813/);
    const fresh = await (await connect(r, 'rotated-pat').getCoreApi()).getProjects();
    assert.equal(fresh.length, 5);
  });

  it('answers 401 JSON when the Authorization header is missing', async () => {
    r = await start({ seed: true });
    const res = await fetch(`${r.orgUrl}/_apis/projects`);
    assert.equal(res.status, 401);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    assert.match(res.headers.get('www-authenticate') ?? '', /Basic realm=/);
    const body = (await res.json()) as { message: string; typeKey: string };
    assert.match(body.message, /^TF400813: /);
    assert.equal(body.typeKey, 'UnauthorizedRequestException');
  });

  it('serves an empty organization', async () => {
    r = await start();
    assert.deepEqual(r.emulator.listProjects(), []);
    const projects = await (await connect(r).getCoreApi()).getProjects();
    assert.deepEqual(projects, []);
  });

  it('adds projects with stable ids and serves them by id or name', async () => {
    r = await start({ projects: [{ name: 'Exalate Demo', description: 'Demo project' }] });
    const added = r.emulator.addProject({ name: 'Another One' });
    assert.match(added.id, UUID);
    assert.throws(() => r.emulator.addProject({ name: 'exalate demo' }), /already exists/);
    assert.throws(() => r.emulator.addProject({ name: '  ' }), /project name is required/);
    const again = createAdoEmulator({ org: ORG, pat: PAT, projects: [{ name: 'Exalate Demo' }] });
    const demo = r.emulator.listProjects().find((p) => p.name === 'Exalate Demo');
    assert.equal(again.listProjects()[0].id, demo?.id);

    const core = await connect(r).getCoreApi();
    assert.deepEqual((await core.getProjects()).map((p) => p.name), ['Another One', 'Exalate Demo']);
    const byName = await core.getProject('Exalate Demo');
    assert.equal(byName.id, demo?.id);
    assert.equal(byName.description, 'Demo project');
    const byId = await core.getProject(added.id);
    assert.equal(byId.name, 'Another One');
  });

  it('returns work item fields and comments through the work item tracking client', async () => {
    r = await start({ seed: true });
    const wit = await connect(r).getWorkItemTrackingApi();
    const wi = await wit.getWorkItem(1);
    assert.equal(wi.id, 1);
    const f = wi.fields ?? {};
    assert.equal(f['System.Title'], 'Refund fails for partially captured card payments');
    assert.match(f['System.Description'], /<b>partially captured<\/b>/);
    assert.equal(f['System.State'], 'Active');
    assert.equal(f['System.WorkItemType'], 'Bug');
    assert.equal(f['System.Tags'], 'Customer Reported; Refunds');
    assert.equal(f['System.AreaPath'], 'Payments\\Gateway');
    assert.equal(f['System.IterationPath'], 'Payments\\Sprint 14');
    assert.equal(f['Microsoft.VSTS.Common.Priority'], 1);
    assert.equal(f['System.AssignedTo'].displayName, 'Ana Ruiz');
    assert.equal(f['System.AssignedTo'].uniqueName, 'ana.ruiz@contoso.com');
    assert.equal(f['System.CommentCount'], 2);

    assert.deepEqual(
      r.seen.map((s) => `${s.method} ${s.url}`),
      ['OPTIONS /ado/contoso/_apis/Location', 'GET /ado/contoso/_apis/ResourceAreas', 'OPTIONS /ado/contoso/_apis/wit', 'GET /ado/contoso/_apis/wit/workItems/1'],
    );

    const scoped = await wit.getWorkItem(3, ['System.Title', 'System.State'], undefined, undefined, 'Mobile App');
    assert.deepEqual(scoped.fields, { 'System.Title': 'Crash on Android 14 when opening push notification', 'System.State': 'Resolved' });
    assert.equal(r.seen.at(-1)?.url, '/ado/contoso/Mobile%20App/_apis/wit/workItems/3?fields=System.Title%2CSystem.State');

    // typed-rest-client turns a 404 into a null result.
    assert.equal(await wit.getWorkItem(999), null);
    assert.equal(await wit.getWorkItem(1, undefined, undefined, undefined, 'Mobile App'), null);

    const comments = await wit.getComments('Payments', 1);
    assert.equal(comments.totalCount, 2);
    assert.deepEqual(comments.comments?.map((c) => c.id), [1, 2]);
    assert.match(comments.comments?.[1].text ?? '', /Root cause/);
    assert.equal(comments.comments?.[0].createdBy?.displayName, 'Ben Okafor');
    assert.ok(comments.comments?.[0].createdDate instanceof Date);
    assert.equal(r.seen.at(-1)?.url, '/ado/contoso/Payments/_apis/wit/workItems/1/comments');

    const paged = await wit.getComments('Mobile App', 3, 2);
    assert.equal(paged.count, 2);
    assert.equal(paged.continuationToken, '2');
    const rest = await wit.getComments('Mobile App', 3, 2, paged.continuationToken);
    assert.deepEqual(rest.comments?.map((c) => c.id), [3]);
    assert.equal(rest.continuationToken, undefined);
    const newestFirst = await wit.getComments('Mobile App', 3, undefined, undefined, undefined, undefined, 2 /* CommentSortOrder.Desc */);
    assert.deepEqual(newestFirst.comments?.map((c) => c.id), [3, 2, 1]);

    const one = await wit.getComment('Payments', 1, 2);
    assert.equal(one.workItemId, 1);
    assert.match(one.text ?? '', /Root cause/);
  });

  it('answers unknown routes, organizations and versions with JSON errors', async () => {
    r = await start({ seed: true });
    const auth = { authorization: `Basic ${Buffer.from(`:${PAT}`).toString('base64')}` };
    for (const path of [`${r.orgUrl}/_apis/nothing`, `${r.orgUrl}/nothing`, `${r.baseUrl}/fabrikam/_apis/projects`]) {
      const res = await fetch(path, { headers: auth });
      assert.equal(res.status, 404, path);
      const body = (await res.json()) as { message: string };
      assert.equal(typeof body.message, 'string');
    }
    const options = await fetch(`${r.orgUrl}/_apis/git`, { method: 'OPTIONS', headers: auth });
    assert.equal(options.status, 404);
    const post = await fetch(`${r.orgUrl}/_apis/projects`, { method: 'POST', headers: auth, body: '{}' });
    assert.equal(post.status, 405);

    const tooNew = await fetch(`${r.orgUrl}/_apis/projects`, { headers: { ...auth, accept: 'application/json;api-version=8.0' } });
    assert.equal(tooNew.status, 400);
    assert.match(((await tooNew.json()) as { message: string }).message, /out of range/);
    const unmarked = await fetch(`${r.orgUrl}/_apis/projects?api-version=7.2`, { headers: auth });
    assert.equal(unmarked.status, 400);
    assert.match(((await unmarked.json()) as { message: string }).message, /-preview/);
    const released = await fetch(`${r.orgUrl}/_apis/projects?api-version=7.1`, { headers: auth });
    assert.equal(released.status, 200);

    const badField = await fetch(`${r.orgUrl}/_apis/wit/workitems/1?fields=System.Nope`, { headers: auth });
    assert.equal(badField.status, 400);
    assert.match(((await badField.json()) as { message: string }).message, /TF51535/);
  });
});
