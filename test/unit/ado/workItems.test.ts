// Test Run's Azure DevOps reads against the emulator, through azure-devops-node-api: WIQL (queryByWiql),
// getWorkItems by ids, and src/ado's listWorkItems / getWorkItemsForScript (the script model's work item JSON).
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as azdev from 'azure-devops-node-api';
import { WorkItemErrorPolicy } from 'azure-devops-node-api/interfaces/WorkItemTrackingInterfaces';
import { getWorkItemsForScript, listWorkItems } from '../../../src/ado';
import { createAdoEmulator } from '../../../src/sandbox/ado';
import { parseWiql } from '../../../src/sandbox/ado/wiql';

const PAT = 'workitems-pat-0123456789abcdefghijklmnop';

async function serve() {
  const emulator = createAdoEmulator({ org: 'contoso', pat: PAT, seed: true });
  const seen: string[] = [];
  let base = '';
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    void emulator.handle(req, res, base);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ado`;
  return {
    orgUrl: emulator.orgUrl(base),
    seen,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

describe('Azure DevOps emulator and client: work items for Test Run', () => {
  let s: Awaited<ReturnType<typeof serve>>;
  beforeEach(async () => {
    s = await serve();
  });
  afterEach(async () => {
    await s.close();
  });

  it('answers queryByWiql for a project, ordered, with $top, and refuses what it does not support', async () => {
    const wit = await new azdev.WebApi(s.orgUrl, azdev.getPersonalAccessTokenHandler(PAT)).getWorkItemTrackingApi();
    const r = await wit.queryByWiql({ query: "SELECT [System.Id], [System.Title] FROM WorkItems WHERE [System.TeamProject] = @project ORDER BY [System.ChangedDate] DESC" }, { project: 'Customer Portal' });
    assert.deepEqual(r.workItems?.map((w) => w.id), [4, 5], 'Customer Portal items, newest change first');
    assert.deepEqual(r.columns?.map((c) => c.referenceName), ['System.Id', 'System.Title']);
    assert.ok(s.seen.some((l) => l.startsWith('POST /ado/contoso/Customer%20Portal/_apis/wit/wiql')), s.seen.join('\n'));
    const top = await wit.queryByWiql({ query: "SELECT [System.Id] FROM WorkItems WHERE [System.State] <> 'Closed' AND [System.Title] CONTAINS 'pay'" }, { project: 'Payments' }, undefined, 1);
    assert.deepEqual(top.workItems?.map((w) => w.id), [1]);
    await assert.rejects(wit.queryByWiql({ query: 'SELECT [System.Id] FROM WorkItemLinks' }, { project: 'Payments' }), /only flat queries/);
    await assert.rejects(wit.queryByWiql({ query: "SELECT [System.Id] FROM WorkItems WHERE [System.Nope] = 'x'" }, { project: 'Payments' }), /TF51535: Cannot find field System.Nope/);
  });

  it('parses quoted strings with doubled quotes and refuses OR', () => {
    const p = parseWiql("SELECT [System.Id] FROM WorkItems WHERE [System.Title] = 'it''s AND more'");
    assert.ok(p.ok);
    assert.deepEqual(p.query.where, [{ field: 'System.Title', op: '=', value: "it's AND more" }]);
    const or = parseWiql("SELECT [System.Id] FROM WorkItems WHERE [System.Id] = 1 OR [System.Id] = 2");
    assert.equal(or.ok, false);
  });

  it('answers getWorkItems by ids with fields, omitting missing ones when asked', async () => {
    const wit = await new azdev.WebApi(s.orgUrl, azdev.getPersonalAccessTokenHandler(PAT)).getWorkItemTrackingApi();
    const items = await wit.getWorkItems([2, 1], ['System.Title'], undefined, undefined, undefined, 'Payments');
    assert.deepEqual(items.map((w) => [w.id, w.fields?.['System.Title']]), [
      [2, 'Support Apple Pay in the hosted checkout'],
      [1, 'Refund fails for partially captured card payments'],
    ]);
    const omitted = await wit.getWorkItems([1, 999], undefined, undefined, undefined, WorkItemErrorPolicy.Omit, 'Payments');
    assert.deepEqual(omitted.map((w) => w?.id ?? null), [1, null]);
    // Without errorPolicy a missing id fails the whole request (404; the library turns a 404 into an empty answer).
    const failed = await wit.getWorkItems([1, 999], undefined, undefined, undefined, undefined, 'Payments');
    assert.ok(!failed || failed.length === 0, JSON.stringify(failed));
  });

  it('lists a project\'s work items and reads them in the script model\'s shape', async () => {
    assert.deepEqual(await listWorkItems(s.orgUrl, PAT, 'Payments'), [
      { id: 1, title: 'Refund fails for partially captured card payments', type: 'Bug', state: 'Active' },
      { id: 2, title: 'Support Apple Pay in the hosted checkout', type: 'User Story', state: 'New' },
    ]);
    const { workItems, issueTypes } = await getWorkItemsForScript(s.orgUrl, PAT, 'Payments', [1]);
    assert.ok(issueTypes.includes('Bug'), issueTypes.join());
    const w = workItems[0];
    assert.equal(w.id, 1);
    assert.equal(w.key, '1');
    assert.equal(w.summary, 'Refund fails for partially captured card payments');
    assert.deepEqual(w.status, { name: 'Active' });
    assert.deepEqual(w.priority, { name: '1' });
    assert.deepEqual(w.type, { name: 'Bug' });
    assert.deepEqual(w.project, { key: 'Payments', name: 'Payments' });
    assert.deepEqual(w.labels, [{ label: 'Customer Reported' }, { label: 'Refunds' }]);
    assert.equal(w.areaPath, 'Payments\\Gateway');
    assert.deepEqual(w.assignee, { displayName: 'Ana Ruiz', email: 'ana.ruiz@contoso.com' });
    assert.deepEqual(w.reporter, { displayName: 'Ben Okafor', email: 'ben.okafor@contoso.com' });
    const comments = w.comments as Array<Record<string, unknown>>;
    assert.equal(comments.length, 2);
    assert.deepEqual(comments[0], { id: 1, body: '<div>Reproduced in staging with a Visa test card.</div>', author: { displayName: 'Ben Okafor', email: 'ben.okafor@contoso.com' }, created: '2025-01-09T08:30:00.000Z' });
    assert.equal(w['System.Reason'], 'Approved', 'unmapped fields stay under their reference name');
    await assert.rejects(getWorkItemsForScript(s.orgUrl, PAT, 'Mobile App', [1]), /TF401232|does not exist/);
  });
});
