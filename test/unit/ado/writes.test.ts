// Work item writes of the Azure DevOps emulator, driven by the real azure-devops-node-api 17 over node:http:
// create / update with JSON Patch, field rules and ADO's error shapes, relations and reciprocal links, revisions,
// comments with versions, attachments, WIQL over created items; and the in-process API (origin tags, onChange).
import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { IWorkItemTrackingApi } from 'azure-devops-node-api/WorkItemTrackingApi';
import { CommentSortOrder, WorkItemErrorPolicy, WorkItemExpand } from 'azure-devops-node-api/interfaces/WorkItemTrackingInterfaces';
import type { JsonPatchOp, WorkItemChange } from '../../../src/sandbox/ado';
import { PAT, failure, serveEmulator, witApi, type Served } from './helpers';

const add = (field: string, value: unknown): JsonPatchOp => ({ op: 'add', path: `/fields/${field}`, value });

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

describe('Azure DevOps emulator: work item writes (azure-devops-node-api)', () => {
  let s: Served;
  let wit: IWorkItemTrackingApi;
  beforeEach(async () => {
    s = await serveEmulator();
    wit = await witApi(s.orgUrl);
  });
  afterEach(async () => {
    await s.close();
  });

  it('creates a work item with standard and custom fields and reads it back with $expand', async () => {
    const created = await wit.createWorkItem(
      null,
      [
        add('System.Title', 'Chargeback webhook drops events'),
        add('System.Description', '<div>Seen <b>twice</b> today</div>'),
        add('System.Tags', 'webhook, Payments;  urgent ; webhook'),
        add('System.AssignedTo', 'Ana Ruiz <ana.ruiz@contoso.com>'),
        add('Microsoft.VSTS.Common.Priority', 1),
        add('Custom.Customer', 'ACME'),
        add('Custom.PaymentProvider', 'stripe'),
        add('Custom.RegulatoryImpact', true),
      ],
      'Payments',
      'Bug',
    );
    assert.equal(created.id, 6, 'ids continue after the seeded work items');
    assert.equal(created.rev, 1);
    const f = created.fields!;
    assert.equal(f['System.Title'], 'Chargeback webhook drops events');
    assert.equal(f['System.Tags'], 'Payments; urgent; webhook', 'tags normalised like the service');
    assert.equal(f['System.State'], 'New');
    assert.equal(f['System.Reason'], 'New');
    assert.equal(f['System.AreaPath'], 'Payments');
    assert.equal(f['System.TeamProject'], 'Payments');
    assert.equal(f['System.WorkItemType'], 'Bug');
    assert.equal(f['Custom.PaymentProvider'], 'Stripe', 'picklist value in its canonical spelling');
    assert.equal(f['Custom.RegulatoryImpact'], true);
    assert.equal(f['System.AssignedTo'].uniqueName, 'ana.ruiz@contoso.com');
    assert.equal(f['System.CreatedBy'].displayName, 'Emulator User');
    assert.equal(f['System.ChangedDate'], f['System.CreatedDate']);

    const read = await wit.getWorkItem(6, undefined, undefined, WorkItemExpand.All, 'Payments');
    assert.deepEqual(read.fields, created.fields);
    assert.deepEqual(read.relations, []);
    assert.equal(read._links.html.href, `${s.orgUrl}/${(await s.emulator.listProjects()).find((p) => p.name === 'Payments')!.id}/_workitems/edit/6`);
    const only = await wit.getWorkItem(6, ['System.Title', 'System.Rev']);
    assert.deepEqual(only.fields, { 'System.Title': 'Chargeback webhook drops events', 'System.Rev': 1 });
    const many = await wit.getWorkItems([6, 1], undefined, undefined, WorkItemExpand.Relations);
    assert.deepEqual(many.map((w) => [w.id, w.relations?.length]), [[6, 0], [1, 0]]);
  });

  it('updates with replace, remove and test; each write is a revision with changed date and author', async () => {
    const before = await wit.getWorkItem(1);
    const updated = await wit.updateWorkItem(
      null,
      [
        { op: 'test', path: '/rev', value: before.rev },
        { op: 'replace', path: '/fields/System.Title', value: 'Refund fails for partial captures' },
        { op: 'replace', path: '/fields/System.State', value: 'resolved' },
        { op: 'remove', path: '/fields/System.Tags' },
        { op: 'test', path: '/fields/System.Title', value: 'Refund fails for partial captures' },
      ],
      1,
      'Payments',
    );
    assert.equal(updated.rev, before.rev! + 1);
    assert.equal(updated.fields!['System.State'], 'Resolved');
    assert.equal(updated.fields!['System.Reason'], 'Code complete and unit tests pass');
    assert.equal(updated.fields!['System.Tags'], undefined);
    assert.equal(updated.fields!['System.Rev'], undefined);
    assert.ok(Date.parse(updated.fields!['System.ChangedDate']) > Date.parse(before.fields!['System.ChangedDate']));
    assert.equal(updated.fields!['System.ChangedBy'].uniqueName, 'emulator@contoso.example');

    // A stale revision: 412 and nothing applied.
    const stale = await failure(wit.updateWorkItem(null, [{ op: 'test', path: '/rev', value: before.rev }, add('System.Title', 'lost')], 1));
    assert.equal(stale.statusCode, 412);
    assert.match(stale.message, /TF26071/);
    assert.equal((await wit.getWorkItem(1)).fields!['System.Title'], 'Refund fails for partial captures');

    const revs = await wit.getRevisions(1);
    assert.deepEqual(revs.map((r) => r.rev), [before.rev, before.rev! + 1], 'the seeded state is the first recorded revision');
    assert.equal(revs[0].fields!['System.Title'], 'Refund fails for partially captured card payments');
    assert.equal(revs[1].fields!['System.Title'], 'Refund fails for partial captures');
    assert.equal((await wit.getRevision(1, before.rev! + 1)).fields!['System.State'], 'Resolved');
    // getUpdates: what each revision changed.
    const updates = await wit.getUpdates(1);
    assert.deepEqual(updates.map((u) => [u.id, u.rev]), [[1, before.rev], [2, before.rev! + 1]]);
    assert.deepEqual(updates[1].fields!['System.Title'], { oldValue: 'Refund fails for partially captured card payments', newValue: 'Refund fails for partial captures' });
    assert.deepEqual(updates[1].fields!['System.Tags'], { oldValue: 'Customer Reported; Refunds' });
    assert.equal(updates[1].fields!['System.ChangedBy'].newValue.uniqueName, 'emulator@contoso.example');
    assert.ok(updates[1].revisedDate instanceof Date);
    assert.equal((await wit.getUpdate(1, 2)).rev, before.rev! + 1);
    // getWorkItemsBatch: the same items, the request in the body.
    const batch = await wit.getWorkItemsBatch({ ids: [1, 999, 2], fields: ['System.Title', 'System.Rev'], errorPolicy: WorkItemErrorPolicy.Omit });
    assert.deepEqual(batch.map((w) => w && [w.id, w.fields?.['System.Title'], w.fields?.['System.Rev']]), [[1, 'Refund fails for partial captures', before.rev! + 1], null, [2, 'Support Apple Pay in the hosted checkout', 3]]);
    // asOf: the work item as it was then.
    const then = await wit.getWorkItem(1, undefined, before.fields!['System.ChangedDate']);
    assert.equal(then.fields!['System.Title'], 'Refund fails for partially captured card payments');
    assert.equal((await wit.getWorkItem(1, undefined, updated.fields!['System.ChangedDate'])).rev, before.rev! + 1);
  });

  it('refuses bad patches with the service\'s errors and applies nothing', async () => {
    const cases: Array<[JsonPatchOp[], number, RegExp, string?]> = [
      [[add('System.Nope', 'x')], 400, /^TF51535: Cannot find field System\.Nope\.$/],
      [[add('Custom.Platform', 'iOS')], 400, /TF51535: Cannot find field Custom\.Platform/], // a Mobile App field
      [[add('System.State', 'Doing')], 400, /^TF401320: Rule Error for field State\. Error code: Required, HasValues, LimitedToValues, AllowsOldValue, InvalidListValue\.$/, 'RuleValidationException'],
      [[add('System.Title', '   ')], 400, /TF401320: Rule Error for field Title\. Error code: Required, InvalidEmpty\./, 'RuleValidationException'],
      [[{ op: 'remove', path: '/fields/System.Title' }], 400, /Rule Error for field Title/],
      [[add('Microsoft.VSTS.Common.Priority', 9)], 400, /Rule Error for field Priority\. Error code: HasValues, LimitedToValues, InvalidListValue/],
      [[add('Microsoft.VSTS.Common.Priority', 'high')], 400, /Rule Error for field Priority\. Error code: InvalidType/],
      [[add('System.CreatedDate', '2020-01-01T00:00:00Z')], 400, /Rule Error for field Created Date\. Error code: ReadOnly/],
      [[add('System.AreaPath', 'Mobile App\\Android')], 400, /^TF401347: Invalid tree name given for work item 1, field 'System.AreaPath'\.$/],
      [[add('System.AssignedTo', 'nobody known')], 400, /InvalidIdentityField/],
      [[add('System.Title', 'x'.repeat(256))], 400, /InvalidTooLong/],
      [[{ op: 'move', path: '/fields/System.Title', from: '/fields/System.Description' } as unknown as JsonPatchOp], 400, /not supported for work items/],
      [[{ op: 'add', path: '/whatever', value: 1 }], 400, /not a work item field or relation/],
      [[{ op: 'add', path: '/relations/-', value: { rel: 'System.LinkTypes.Related', url: `${s.orgUrl}/_apis/wit/workItems/999` } }], 400, /TF201063/],
      [[{ op: 'add', path: '/relations/-', value: { rel: 'Sibling', url: `${s.orgUrl}/_apis/wit/workItems/2` } }], 400, /link type 'Sibling' does not exist/],
      [[{ op: 'remove', path: '/relations/0' }], 400, /out of range/],
    ];
    const before = await wit.getWorkItem(1, undefined, undefined, WorkItemExpand.All);
    for (const [doc, status, message, typeKey] of cases) {
      const e = await failure(wit.updateWorkItem(null, [add('System.Title', 'changed first'), ...doc], 1, 'Payments'));
      assert.equal(e.statusCode, status, `${JSON.stringify(doc)} → ${e.message}`);
      assert.match(e.message, message);
      if (typeKey) assert.equal(e.result?.typeKey, typeKey);
    }
    const rule = await failure(wit.updateWorkItem(null, [add('System.State', 'Doing')], 1));
    assert.deepEqual((rule.result?.customProperties as { FieldReferenceName: string }).FieldReferenceName, 'System.State');
    assert.deepEqual(await wit.getWorkItem(1, undefined, undefined, WorkItemExpand.All), before, 'no failed write changed anything');
    assert.equal((await wit.getRevisions(1)).length, 1);

    // Unknown type and project on create; an empty document; a wrong content type; bypassRules.
    // A 404 (unknown type) becomes null in the library; the in-process API throws the same error.
    assert.equal(await wit.createWorkItem(null, [add('System.Title', 't')], 'Payments', 'Saga'), null);
    await assert.rejects(s.emulator.createWorkItem('Payments', 'Saga', [add('System.Title', 't')]), /VS402323: Work item type Saga does not exist in project Payments/);
    assert.match((await failure(wit.createWorkItem(null, [], 'Payments', 'Bug'))).message, /You must pass a valid patch document/);
    assert.match((await failure(wit.createWorkItem(null, [add('System.Title', 't')], 'Payments', 'Bug', undefined, true))).message, /bypass/);
    const auth = { authorization: `Basic ${Buffer.from(`:${PAT}`).toString('base64')}` };
    const wrongType = await fetch(`${s.orgUrl}/Payments/_apis/wit/workitems/$Bug?api-version=7.1`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify([add('System.Title', 't')]) });
    assert.equal(wrongType.status, 415);
    assert.match(((await wrongType.json()) as { message: string }).message, /application\/json-patch\+json/);
    const notJson = await fetch(`${s.orgUrl}/Payments/_apis/wit/workitems/$Bug`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json-patch+json' }, body: '[{' });
    assert.equal(notJson.status, 400);
    // validateOnly checks and answers without applying (no id taken).
    const dry = await wit.createWorkItem(null, [add('System.Title', 'dry run')], 'Payments', 'Task', true);
    assert.equal(dry.fields!['System.Title'], 'dry run');
    const real = await wit.createWorkItem(null, [add('System.Title', 'real')], 'Payments', 'Task');
    assert.equal(real.id, 6);
    assert.equal(s.emulator.getWorkItem(7), undefined);
  });

  it('links work items both ways, keeps System.Parent, and refuses a second parent', async () => {
    const child = await wit.createWorkItem(
      null,
      [add('System.Title', 'Child task'), { op: 'add', path: '/relations/-', value: { rel: 'System.LinkTypes.Hierarchy-Reverse', url: `${s.orgUrl}/_apis/wit/workItems/2`, attributes: { comment: 'part of the story' } } }],
      'Payments',
      'Task',
    );
    assert.equal(child.fields!['System.Parent'], 2);
    assert.deepEqual(child.relations, [{ rel: 'System.LinkTypes.Hierarchy-Reverse', url: `${s.orgUrl}/_apis/wit/workItems/2`, attributes: { isLocked: false, name: 'Parent', comment: 'part of the story' } }]);
    const parent = await wit.getWorkItem(2, undefined, undefined, WorkItemExpand.Relations);
    assert.deepEqual(parent.relations?.map((r) => [r.rel, r.url, r.attributes?.name]), [['System.LinkTypes.Hierarchy-Forward', `${s.orgUrl}/_apis/wit/workItems/${child.id}`, 'Child']]);
    const second = await failure(
      wit.updateWorkItem(null, [{ op: 'add', path: '/relations/-', value: { rel: 'System.LinkTypes.Hierarchy-Reverse', url: `${s.orgUrl}/_apis/wit/workItems/1` } }], child.id!),
    );
    assert.match(second.message, /TF201036: .*only one Parent link/);
    const duplicate = await failure(
      wit.updateWorkItem(null, [{ op: 'add', path: '/relations/-', value: { rel: 'System.LinkTypes.Hierarchy-Reverse', url: `${s.orgUrl}/_apis/wit/workItems/2` } }], child.id!),
    );
    assert.match(duplicate.message, /already exists/);

    const unlinked = await wit.updateWorkItem(null, [{ op: 'test', path: '/relations/0', value: { rel: 'System.LinkTypes.Hierarchy-Reverse', url: 'x' } }, { op: 'remove', path: '/relations/0' }], child.id!);
    assert.equal(unlinked.fields!['System.Parent'], undefined);
    assert.deepEqual((await wit.getWorkItem(2, undefined, undefined, WorkItemExpand.Relations)).relations, []);
    assert.equal((await wit.getWorkItem(2)).rev, parent.rev! + 1, 'the other end got a revision when the link went');
  });

  it('adds, edits, deletes and lists comments with versions', async () => {
    const cm = await wit.addComment({ text: '<div>First look: <b>gateway</b> timeout</div>' }, 'Payments', 1);
    assert.equal(cm.id, 3, 'comment ids continue per work item');
    assert.equal(cm.version, 1);
    assert.equal(cm.createdBy?.displayName, 'Emulator User');
    assert.ok(cm.createdDate instanceof Date);
    const w = await wit.getWorkItem(1);
    assert.equal(w.fields!['System.CommentCount'], 3);

    const edited = await wit.updateComment({ text: '<div>Gateway timeout after 30 s</div>' }, 'Payments', 1, 3);
    assert.equal(edited.version, 2);
    assert.equal(edited.text, '<div>Gateway timeout after 30 s</div>');
    const versions = await wit.getCommentVersions('Payments', 1, 3);
    assert.deepEqual(versions.map((v) => [v.version, v.text]), [
      [1, '<div>First look: <b>gateway</b> timeout</div>'],
      [2, '<div>Gateway timeout after 30 s</div>'],
    ]);
    assert.equal((await wit.getCommentVersion('Payments', 1, 3, 1)).text, '<div>First look: <b>gateway</b> timeout</div>');

    await wit.deleteComment('Payments', 1, 2);
    const list = await wit.getComments('Payments', 1, undefined, undefined, undefined, undefined, CommentSortOrder.Desc);
    assert.deepEqual(list.comments?.map((c) => c.id), [3, 1]);
    assert.equal(list.totalCount, 2);
    const withDeleted = await wit.getComments('Payments', 1, undefined, undefined, true);
    assert.deepEqual(withDeleted.comments?.map((c) => [c.id, c.isDeleted ?? false]), [[1, false], [2, true], [3, false]]);
    assert.equal((await wit.getWorkItem(1)).fields!['System.CommentCount'], 2);
    assert.equal(await wit.updateComment({ text: 'again' }, 'Payments', 1, 2), null, 'a deleted comment is a 404 (null in the library)');
    await assert.rejects(s.emulator.updateComment(1, 2, 'again'), /Comment 2 of work item 1 does not exist/);
    assert.match((await failure(wit.addComment({ text: '' }, 'Payments', 1))).message, /must not be empty/);
    // Four writes: three revisions plus the seeded one.
    assert.equal((await wit.getRevisions(1)).length, 4);

    // System.History adds a comment in the same revision.
    const h = await wit.updateWorkItem(null, [add('System.History', 'Noted in the standup')], 5);
    assert.equal(h.fields!['System.CommentCount'], 1);
    assert.equal((await wit.getComments('Customer Portal', 5)).comments?.[0].text, 'Noted in the standup');
  });

  it('uploads an attachment, links it as AttachedFile and serves its bytes; too large is a 413', async () => {
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251));
    const ref = await wit.createAttachment(null, Readable.from([bytes]), 'trace.bin', undefined, 'Payments');
    assert.match(ref.id ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(ref.url, `${s.orgUrl}/_apis/wit/attachments/${ref.id}`);
    const linked = await wit.updateWorkItem(null, [{ op: 'add', path: '/relations/-', value: { rel: 'AttachedFile', url: ref.url, attributes: { comment: 'HAR file' } } }], 1);
    assert.deepEqual(linked.relations?.map((r) => [r.rel, r.url, r.attributes?.name, r.attributes?.resourceSize, r.attributes?.comment]), [['AttachedFile', ref.url, 'trace.bin', 70_000, 'HAR file']]);
    assert.deepEqual(await readAll(await wit.getAttachmentContent(ref.id!, 'trace.bin', 'Payments')), bytes);
    const inProcess = s.emulator.getWorkItem(1)!;
    assert.deepEqual(inProcess.relations.map((r) => [r.rel, r.attachmentId]), [['AttachedFile', ref.id]]);
    assert.deepEqual(s.emulator.getAttachment(ref.id!)?.content, bytes);

    const unknown = await failure(wit.updateWorkItem(null, [{ op: 'add', path: '/relations/-', value: { rel: 'AttachedFile', url: `${s.orgUrl}/_apis/wit/attachments/00000000-0000-4000-8000-000000000000` } }], 1));
    assert.match(unknown.message, /attachment .* does not exist/);
    await s.close();
    s = await serveEmulator({ maxAttachmentBytes: 1024 });
    wit = await witApi(s.orgUrl);
    const big = await failure(wit.createAttachment(null, Readable.from([Buffer.alloc(2048)]), 'big.bin', undefined, 'Payments'));
    assert.equal(big.statusCode, 413);
  });

  it('answers WIQL over created and updated work items', async () => {
    await wit.createWorkItem(null, [add('System.Title', 'Payout report is late'), add('Custom.Customer', 'Globex')], 'Payments', 'Task');
    await wit.updateWorkItem(null, [add('Custom.Customer', 'Globex')], 2);
    const r = await wit.queryByWiql({ query: "SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND [Custom.Customer] = 'Globex' ORDER BY [System.Id] DESC" }, { project: 'Payments' });
    assert.deepEqual(r.workItems?.map((w) => w.id), [6, 2]);
    assert.deepEqual(s.emulator.queryWiql('Payments', "SELECT [System.Id] FROM WorkItems WHERE [System.Title] CONTAINS 'payout'"), [6]);
    await wit.updateWorkItem(null, [add('System.AssignedTo', 'chen.li@contoso.com')], 6);
    for (const who of ['chen.li@contoso.com', 'Chen Li', 'Chen Li <chen.li@contoso.com>']) {
      assert.deepEqual(s.emulator.queryWiql('Payments', `SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND [System.AssignedTo] = '${who}'`), [6], who);
    }
    assert.throws(() => s.emulator.queryWiql('Payments', 'SELECT [System.Id] FROM WorkItems WHERE [Custom.Nope] = 1'), (e: Error & { status?: number }) => e.status === 400 && /TF51535/.test(e.message));
    assert.throws(() => s.emulator.queryWiql('Payments', 'SELECT nothing'), (e: Error & { typeKey?: string }) => e.typeKey === 'WorkItemQueryInvalidException');
  });
});

describe('Azure DevOps emulator: random patch documents', () => {
  let s: Served;
  beforeEach(async () => {
    s = await serveEmulator();
  });
  afterEach(async () => {
    await s.close();
  });

  it('answers every random document with success or a 4xx AdoError that changed nothing (seeded)', async () => {
    let seed = 0x5eed;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)];
    const paths = ['/fields/System.Title', '/fields/System.State', '/fields/System.Tags', '/fields/System.AssignedTo', '/fields/Microsoft.VSTS.Common.Priority', '/fields/Custom.Customer', '/fields/Custom.RegulatoryImpact',
      '/fields/Custom.PaymentProvider', '/fields/System.AreaPath', '/fields/System.Rev', '/fields/Nope.Field', '/fields/', '/relations/-', '/relations/0', '/relations/7', '/relations/0/attributes/comment', '/rev', '/id', 'fields/System.Title', '/', ''];
    const values: unknown[] = ['', 'Active', 'Closed', 'Doing', 'Ana Ruiz <ana.ruiz@contoso.com>', 'someone', 1, 2, 9, -1, 1.5, true, 'true', null, [], {}, { rel: 'System.LinkTypes.Related', url: 'x/_apis/wit/workItems/2' },
      { rel: 'System.LinkTypes.Hierarchy-Reverse', url: 'x/_apis/wit/workItems/1' }, { rel: 'AttachedFile', url: 'nope' }, { rel: 'Hyperlink', url: 'https://example.com/a' }, 'Payments\\Gateway', 'x'.repeat(300), '\u0000\u202e'];
    const ops = ['add', 'replace', 'remove', 'test', 'move', 'copy', 'frobnicate', 0, 2, 5];
    let applied = 0;
    let refused = 0;
    for (let i = 0; i < 400; i++) {
      const doc = Array.from({ length: 1 + rnd(4) }, () => {
        const op: Record<string, unknown> = { op: pick(ops), path: pick(paths) };
        if (rnd(5) > 0) op.value = pick(values);
        return op;
      });
      const before = s.emulator.getWorkItem(1);
      const revs = s.emulator.getRevisions(1).length;
      try {
        await s.emulator.updateWorkItem(1, doc as JsonPatchOp[]);
        applied++;
      } catch (e) {
        refused++;
        const err = e as Error & { status?: number; typeKey?: string };
        assert.equal(err.name, 'AdoError', `${JSON.stringify(doc)} threw ${String(e)}`);
        assert.ok(err.status! >= 400 && err.status! < 500 && err.typeKey, `${JSON.stringify(doc)} → ${err.status} ${err.message}`);
        assert.deepEqual(s.emulator.getWorkItem(1), before, `${JSON.stringify(doc)} was refused but changed the work item`);
        assert.equal(s.emulator.getRevisions(1).length, revs);
      }
    }
    assert.ok(applied > 10 && refused > 10, `applied ${applied}, refused ${refused}`);
  });
});

describe('Azure DevOps emulator: in-process API', () => {
  let s: Served;
  beforeEach(async () => {
    s = await serveEmulator();
  });
  afterEach(async () => {
    await s.close();
  });

  it('writes with origin tags, finds them, and tells listeners after REST and in-process writes', async () => {
    const changes: WorkItemChange[] = [];
    const off = s.emulator.onChange((c) => changes.push(c));
    const w = await s.emulator.createWorkItem('Mobile App', 'User Story', [add('System.Title', 'Dark mode'), add('Custom.Platform', 'iOS')], {
      origin: 'sync:c1:m1',
      author: { id: 'x', displayName: 'Exalate', uniqueName: 'exalate@partner.example' },
    });
    assert.equal(w.fields['System.CreatedBy'] && (w.fields['System.CreatedBy'] as { displayName: string }).displayName, 'Exalate');
    assert.deepEqual(s.emulator.findByOrigin('sync:c1:m1'), { id: w.id, rev: 1 });
    const cm = await s.emulator.addComment(w.id, 'From the partner', { origin: 'sync:c1:m2' });
    assert.deepEqual(s.emulator.findByOrigin('sync:c1:m2'), { id: w.id, rev: 2, commentId: cm.id });
    const wit = await witApi(s.orgUrl);
    await wit.updateWorkItem(null, [add('System.State', 'Active')], w.id);
    assert.deepEqual(
      changes.map((c) => [c.id, c.rev, c.projectName, c.origin]),
      [
        [w.id, 1, 'Mobile App', 'sync:c1:m1'],
        [w.id, 2, 'Mobile App', 'sync:c1:m2'],
        [w.id, 3, 'Mobile App', null],
      ],
    );
    assert.equal(changes[2].changedDate, (await wit.getWorkItem(w.id)).fields!['System.ChangedDate'].toISOString?.() ?? changes[2].changedDate);
    off();
    await s.emulator.updateWorkItem(w.id, [add('System.Title', 'Dark mode everywhere')]);
    assert.equal(changes.length, 3, 'unsubscribed');
    assert.equal(s.emulator.findByOrigin('sync:c1:nope'), undefined);

    // Errors are the REST ones, and a refused write is not applied nor announced.
    await assert.rejects(s.emulator.updateWorkItem(w.id, [add('System.Nope', 1)], { origin: 'sync:c1:m3' }), (e: Error & { status?: number }) => e.status === 400 && /TF51535/.test(e.message));
    assert.equal(s.emulator.findByOrigin('sync:c1:m3'), undefined);
    await assert.rejects(s.emulator.updateWorkItem(999, [add('System.Title', 'x')]), /TF401232/);
    await assert.rejects(s.emulator.createWorkItem('Nowhere', 'Bug', [add('System.Title', 'x')]), /TF200016/);

    // Copies: mutating what getWorkItem returned changes nothing.
    const copy = s.emulator.getWorkItem(w.id)!;
    copy.fields['System.Title'] = 'mutated';
    assert.equal(s.emulator.getWorkItem(w.id)!.fields['System.Title'], 'Dark mode everywhere');
  });

  it('tells every listener every change in commit order, also when a listener writes', async () => {
    const seenA: number[] = [];
    const seenB: number[] = [];
    s.emulator.onChange((c) => {
      seenA.push(c.rev);
      if (c.rev === 6) void s.emulator.updateWorkItem(1, [add('System.Title', 'written by a listener')], { origin: 'listener' });
    });
    s.emulator.onChange(() => {
      throw new Error('a failing listener does not undo the write nor stop the others');
    });
    s.emulator.onChange((c) => seenB.push(c.rev));
    const w = await s.emulator.updateWorkItem(1, [add('System.Title', 'first')]);
    assert.equal(w.rev, 6);
    assert.deepEqual(seenA, [6, 7]);
    assert.deepEqual(seenB, [6, 7], 'the second listener saw rev 6 before the listener-written rev 7');
    assert.equal(s.emulator.getWorkItem(1)!.fields['System.Title'], 'written by a listener');
  });

  it('links in-process with host-independent URLs and attaches files', async () => {
    const a = await s.emulator.createAttachment('Payments', 'notes.txt', Buffer.from('hello'));
    const w = await s.emulator.updateWorkItem(1, [
      { op: 'add', path: '/relations/-', value: { rel: 'AttachedFile', url: s.emulator.attachmentUrl(a.id) } },
      { op: 'add', path: '/relations/-', value: { rel: 'System.LinkTypes.Related', url: s.emulator.workItemUrl(2) } },
    ]);
    assert.deepEqual(w.relations.map((r) => [r.rel, r.attachmentId ?? r.workItemId]), [['AttachedFile', a.id], ['System.LinkTypes.Related', 2]]);
    assert.deepEqual(s.emulator.getWorkItem(2)!.relations.map((r) => [r.rel, r.workItemId]), [['System.LinkTypes.Related', 1]]);
    assert.equal(s.emulator.getAttachment(a.id)!.content.toString(), 'hello');
    assert.deepEqual(s.emulator.getRevisions(1).map((r) => r.rev), [5, 6], 'the seeded revision, then the write');
  });
});
