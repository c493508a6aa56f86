// The Test Run runtime: work item / replica from JSON, the helpers, firstSync, and the incoming change list.
import * as assert from 'node:assert/strict';
import { runIncoming, runOutgoing, stripHtml, type RuntimeContext } from '../../../../src/groovy/runtime';
import { defaultIncomingScript, defaultOutgoingScript } from '../../../../src/sandbox/defaultRules';

const WI = JSON.stringify({
  id: 7,
  key: '7',
  summary: 'Login broken',
  description: '<p>Steps &amp; <b>more</b></p><p>Line&nbsp;2</p>',
  status: { name: 'Active' },
  priority: { name: '1' },
  labels: [{ label: 'web' }],
  comments: [{ id: 1, body: '<div>First<br>second</div>', author: { displayName: 'Ana', email: 'ana@x.io' }, created: '2026-01-01T00:00:00Z' }],
  attachments: [{ id: 3, filename: 'a.png', mimetype: 'image/png', filesize: 10 }],
  type: { name: 'Bug' },
  project: { key: 'Web', name: 'Web' },
  areaPath: 'Web\\UI',
  iterationPath: 'Web\\S1',
  assignee: { displayName: 'Ana', email: 'ana@x.io' },
  customFields: { Customer: { value: 'ACME' } },
});

const CTX: RuntimeContext = {
  users: [{ displayName: 'Local Ana', email: 'ANA@x.io', key: 'k1' }],
  issueTypes: ['Bug', 'Task'],
  links: { '42': { id: 9, key: '9' } },
};

function parse(json: string | null): Record<string, unknown> {
  assert.ok(json);
  return JSON.parse(json) as Record<string, unknown>;
}

describe('groovy runtime: helpers', () => {
  it('nodeHelper.stripHtml: tags removed, entities decoded, blocks and <br> become line breaks, null stays null', () => {
    assert.equal(stripHtml('<p>Steps &amp; <b>more</b></p><p>Line&nbsp;2</p>'), 'Steps & more\nLine 2');
    assert.equal(stripHtml('<div>a<br/>b</div>\n\n\n\n<p>c &#233; &#x41; &lt;x&gt;</p>'), 'a\nb\n\nc é A <x>');
    assert.equal(stripHtml(null), null);
  });

  it('the default outgoing rules build the replica from the work item', () => {
    const r = runOutgoing(defaultOutgoingScript({ localShortName: 'a', remoteShortName: 'b', project: 'Web' }), WI, { context: CTX });
    assert.equal(r.error, undefined);
    const rep = parse(r.json);
    assert.equal(rep.summary, 'Login broken');
    assert.equal(rep.description, 'Steps & more\nLine 2');
    assert.deepEqual((rep.comments as { body: string }[]).map((c) => c.body), ['First\nsecond']);
    assert.deepEqual(rep.status, { name: 'Active' });
    assert.deepEqual(rep.labels, [{ label: 'web' }]);
  });

  it('lookups: getUserByEmail (case-insensitive), getIssueType, getLocalIssueKeyFromRemoteId', () => {
    const r = runOutgoing(
      `replica.u = nodeHelper.getUserByEmail("ana@X.io")?.displayName
replica.none = nodeHelper.getUserByEmail("nobody@x.io")
replica.t = nodeHelper.getIssueType("bug")?.name
replica.t2 = nodeHelper.getIssueType("Epic")
replica.k = syncHelper.getLocalIssueKeyFromRemoteId(42)?.key
replica.k2 = nodeHelper.getLocalIssueKeyFromRemoteId("43")`,
      WI,
      { context: CTX },
    );
    assert.equal(r.error, undefined);
    assert.deepEqual(parse(r.json), { customFields: {}, customKeys: {}, u: 'Local Ana', none: null, t: 'Bug', t2: null, k: '9', k2: null });
  });

  it('debug.error stops the script with its message at its line; debug.info and log.* are collected', () => {
    const r = runOutgoing('debug.info("starting")\nlog.warn("careful")\n\ndebug.error("value: ${workItem.summary}")\nreplica.x = 1', WI);
    assert.deepEqual(r.error, { message: 'value: Login broken', line: 4, column: 1, exception: 'com.exalate.api.exception.IssueTrackerException' });
    assert.deepEqual(r.logs, [
      { level: 'info', message: 'starting' },
      { level: 'warn', message: 'careful' },
    ]);
  });

  it('commentHelper.mergeComments adds new remote comments with an author line, keeps local ones, updates edited and drops deleted ones', () => {
    const local = JSON.stringify({
      comments: [
        { id: 100, body: 'local only' },
        { id: 101, body: 'Ana commented:\nold text', remoteId: '1' },
        { id: 102, body: 'Bo commented:\ngone', remoteId: '2' },
      ],
    });
    const replica = JSON.stringify({
      comments: [
        { id: 1, body: 'new text', author: { displayName: 'Ana' } },
        { id: 3, body: 'brand new', author: { displayName: 'Cy' }, created: '2026-02-01T00:00:00Z' },
      ],
    });
    const r = runIncoming('workItem.comments = commentHelper.mergeComments(workItem, replica)', replica, local, false);
    assert.equal(r.error, undefined);
    const wi = (parse(r.json).workItem as { comments: unknown[] }).comments;
    assert.deepEqual(wi, [
      { id: 100, body: 'local only' },
      { id: 101, body: 'Ana commented:\nnew text', remoteId: '1' },
      { id: null, body: 'Cy commented:\nbrand new', author: null, created: '2026-02-01T00:00:00Z', remoteId: '3' },
    ]);
    assert.deepEqual(r.changes.map((c) => c.field), ['comments']);
  });

  it('commentHelper.mergeComments with a formatting closure uses what the closure makes of each comment', () => {
    const replica = JSON.stringify({ comments: [{ id: 5, body: 'hello', author: { displayName: 'Ana' } }] });
    const r = runIncoming(
      'workItem.comments = commentHelper.mergeComments(workItem, replica) { it.body = "[${it.author.displayName}] " + it.body; it }',
      replica,
      null,
      true,
    );
    assert.equal(r.error, undefined);
    assert.deepEqual((r.workItem!.get('comments') as unknown[]).length, 1);
    assert.match(r.json!, /"body":"\[Ana\] hello"/);
  });

  it('commentHelper.addComment and attachmentHelper.mergeAttachments', () => {
    const local = JSON.stringify({ attachments: [{ id: 1, filename: 'mine.txt' }, { id: 2, filename: 'old.png', remoteId: '8' }], comments: [] });
    const replica = JSON.stringify({ attachments: [{ id: 9, filename: 'new.pdf', mimetype: 'application/pdf', filesize: 5 }] });
    const r = runIncoming(
      'workItem.attachments = attachmentHelper.mergeAttachments(workItem, replica)\nworkItem.comments = commentHelper.addComment("synced", workItem.comments)\nworkItem.comments = commentHelper.addComment("", workItem.comments)',
      replica,
      local,
      false,
    );
    assert.equal(r.error, undefined);
    const wi = parse(r.json).workItem as { attachments: { filename: string }[]; comments: { body: string }[] };
    assert.deepEqual(wi.attachments.map((a) => a.filename), ['mine.txt', 'new.pdf']);
    assert.deepEqual(wi.comments.map((c) => c.body), ['synced']);
  });

  it('the default incoming rules create a work item on first sync and list every change', () => {
    const script = defaultIncomingScript({ localShortName: 'a', remoteShortName: 'b', project: 'Web' });
    const r = runIncoming(script, WI, null, true, { context: CTX });
    assert.equal(r.error, undefined, JSON.stringify(r.error));
    const out = parse(r.json) as { workItem: Record<string, unknown>; changes: { field: string; before: unknown; after: unknown }[] };
    assert.equal(out.workItem.projectKey, 'Web');
    assert.equal(out.workItem.typeName, 'Bug');
    assert.deepEqual(out.changes.find((c) => c.field === 'summary'), { field: 'summary', before: null, after: 'Login broken' });
    const again = runIncoming(script, WI, JSON.stringify(out.workItem), false, { context: CTX });
    assert.equal(again.error, undefined);
    assert.deepEqual(again.changes, [], 'applying the same replica twice changes nothing');
  });

  it('firstSync is false on updates: the default incoming rules keep the type', () => {
    const r = runIncoming(defaultIncomingScript({ localShortName: 'a', remoteShortName: 'b', project: 'Web' }), WI, JSON.stringify({ typeName: 'Task' }), false, { context: CTX });
    assert.equal(r.error, undefined);
    assert.equal(r.workItem!.get('typeName'), 'Task');
  });

  it('any other property the script puts on replica appears under its own name, converted like JsonOutput', () => {
    const r = runOutgoing('replica."Custom Thing" = [1/3, 2L, "g${1}", null, true, 1e3]\nreplica.customKeys.x = 1.50', WI);
    assert.equal(r.json, '{"customFields":{},"customKeys":{"x":1.50},"Custom Thing":[0.3333333333,2,"g1",null,true,1E+3]}');
  });

  it('httpClient is refused (network)', () => {
    const r = runOutgoing('def x = 1\nhttpClient.get("/x")', WI);
    assert.match(r.error?.message ?? '', /not supported in Test Run: httpClient \(network access\)/);
    assert.equal(r.error?.line, 2);
  });
});

describe('groovy runtime: sync actions', () => {
  const script = 'workItem.summary = replica.summary\nif (firstSync) syncHelper.syncBackAfterProcessing()\nsyncHelper.unExalateAfterProcessing()\n';
  it('calls the node\'s actions for syncBackAfterProcessing() and unExalateAfterProcessing() instead of logging them', () => {
    const calls: string[] = [];
    const r = runIncoming(script, '{"summary":"s"}', null, true, { context: { actions: { syncBack: () => calls.push('back'), unExalate: () => calls.push('un') } } });
    assert.equal(r.error, undefined);
    assert.deepEqual(calls, ['back', 'un']);
    assert.deepEqual(r.logs, []);
  });
  it('only logs them in Test Run (no actions given)', () => {
    const r = runIncoming(script, '{"summary":"s"}', null, false, {});
    assert.deepEqual(r.logs.map((l) => l.message), ['syncHelper.unExalateAfterProcessing() requested (Test Run does not sync)']);
  });
});
