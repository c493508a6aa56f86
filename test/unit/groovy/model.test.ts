// The Exalate script model for Azure DevOps (src/groovy/model): consistency of the data and the look-ups.
import * as assert from 'node:assert/strict';
import { ADO_SCRIPT_MODEL, adoModel, arity, methodSignature } from '../../../src/groovy/model';

/** Java/Groovy types the model names without describing them. */
const JAVA_TYPES = new Set(['String', 'Long', 'Boolean', 'Date', 'Object', 'Map', 'Closure', 'void', 'Double', 'Integer']);

function resolvable(ref: string): boolean {
  const element = adoModel.elementType(ref);
  if (element) return resolvable(element);
  return JAVA_TYPES.has(ref) || adoModel.type(ref) !== undefined;
}

describe('groovy script model (Azure DevOps)', () => {
  it('every type reference names a model type or a known Java type', () => {
    const bad: string[] = [];
    for (const v of ADO_SCRIPT_MODEL.variables) if (!resolvable(v.type)) bad.push(`variable ${v.name}: ${v.type}`);
    for (const t of ADO_SCRIPT_MODEL.types) {
      for (const f of t.fields) if (!resolvable(f.type)) bad.push(`${t.name}.${f.name}: ${f.type}`);
      for (const m of t.methods) {
        if (!resolvable(m.returns)) bad.push(`${t.name}.${m.name}() returns ${m.returns}`);
        for (const p of m.params) if (!resolvable(p.type)) bad.push(`${t.name}.${m.name}(${p.name}: ${p.type})`);
      }
      if (t.valueType && !resolvable(t.valueType)) bad.push(`${t.name} values: ${t.valueType}`);
    }
    assert.deepEqual(bad, []);
  });

  it('has no duplicate names and documents everything', () => {
    const names = (xs: Array<{ name: string }>) => xs.map((x) => x.name);
    const dupes = (xs: string[]) => xs.filter((x, i) => xs.indexOf(x) !== i);
    assert.deepEqual(dupes(names(ADO_SCRIPT_MODEL.types)), []);
    assert.deepEqual(dupes(names(ADO_SCRIPT_MODEL.variables)), []);
    for (const t of ADO_SCRIPT_MODEL.types) {
      assert.deepEqual(dupes([...names(t.fields), ...names(t.methods)]), [], t.name);
      assert.ok(t.doc.length > 10, `${t.name} has docs`);
      for (const f of t.fields) assert.ok(f.doc.length > 5, `${t.name}.${f.name} has docs`);
      for (const m of t.methods) {
        assert.ok(m.doc.length > 10, `${t.name}.${m.name} has docs`);
        // Optional parameters only at the end.
        const firstOptional = m.params.findIndex((p) => p.optional);
        if (firstOptional >= 0) assert.ok(m.params.slice(firstOptional).every((p) => p.optional), `${t.name}.${m.name}: optional params trail`);
      }
    }
  });

  it('gives each direction its variables: firstSync and previous only incoming', () => {
    const out = adoModel.variablesFor('outgoing').map((v) => v.name);
    const inc = adoModel.variablesFor('incoming').map((v) => v.name);
    for (const n of ['workItem', 'issue', 'replica', 'nodeHelper', 'commentHelper', 'attachmentHelper', 'syncHelper', 'httpClient', 'debug']) {
      assert.ok(out.includes(n), `outgoing has ${n}`);
      assert.ok(inc.includes(n), `incoming has ${n}`);
    }
    assert.ok(inc.includes('firstSync') && !out.includes('firstSync'));
    assert.ok(inc.includes('previous') && !out.includes('previous'));
    assert.equal(adoModel.variable('issue')?.aliasOf, 'workItem');
    assert.equal(adoModel.variablesFor(undefined).length, ADO_SCRIPT_MODEL.variables.length);
  });

  it('the work item has the fields of the brief, with their Azure DevOps reference names', () => {
    const wi = adoModel.type('WorkItem')!;
    for (const n of ['id', 'key', 'summary', 'description', 'comments', 'attachments', 'labels', 'priority', 'areaPath', 'iterationPath', 'project', 'type', 'status', 'reporter', 'assignee', 'created', 'customKeys', 'customFields']) {
      assert.equal(adoModel.member(wi, n)?.kind, 'field', n);
    }
    const summary = adoModel.member(wi, 'summary');
    assert.ok(summary?.kind === 'field' && summary.field.adoReference === 'System.Title');
    assert.equal(adoModel.adoField('microsoft.vsts.common.acceptancecriteria')?.name, 'Acceptance Criteria');
    assert.equal(wi.quotedAdoFields, true);
  });

  it('looks members up with Groovy property rules (accessors, aliases)', () => {
    const wi = adoModel.type('WorkItem')!;
    assert.deepEqual(pick(adoModel.member(wi, 'getSummary')), ['field', 'summary', 'getter']);
    assert.deepEqual(pick(adoModel.member(wi, 'setAssignee')), ['field', 'assignee', 'setter']);
    assert.deepEqual(pick(adoModel.member(wi, 'creator')), ['field', 'reporter', 'alias']);
    assert.equal(adoModel.member(wi, 'setStatus')?.kind, 'method');
    assert.equal(adoModel.member(wi, 'sumary'), undefined);
    assert.ok(adoModel.memberNames(wi).includes('iterationPath'));
  });

  it('marks read-only fields per direction', () => {
    const wi = adoModel.type('WorkItem')!;
    const replica = adoModel.type('Replica')!;
    const field = (t: typeof wi, n: string) => t.fields.find((f) => f.name === n)!;
    assert.equal(adoModel.isReadOnly(wi, field(wi, 'id'), 'incoming'), true);
    assert.equal(adoModel.isReadOnly(wi, field(wi, 'summary'), 'incoming'), false);
    assert.equal(adoModel.isReadOnly(wi, field(wi, 'summary'), 'outgoing'), true, 'the local item is not saved after an outgoing script');
    assert.equal(adoModel.isReadOnly(replica, field(replica, 'summary'), 'outgoing'), false);
    assert.equal(adoModel.isReadOnly(replica, field(replica, 'summary'), 'incoming'), true);
    assert.equal(adoModel.isReadOnly(replica, field(replica, 'summary'), undefined), false);
  });

  it('describes the helpers with signatures', () => {
    const ch = adoModel.type('CommentHelper')!;
    const merge = ch.methods.find((m) => m.name === 'mergeComments')!;
    assert.equal(methodSignature(merge, 'commentHelper'), 'commentHelper.mergeComments(workItem: WorkItem, replica: Replica, formatter?: Closure): List<Comment>');
    assert.deepEqual(arity(merge), [2, 3]);
    assert.ok(merge.trailingClosure);
    for (const [helper, method] of [['NodeHelper', 'getUserByEmail'], ['NodeHelper', 'stripHtml'], ['AttachmentHelper', 'mergeAttachments'], ['SyncHelper', 'syncBackAfterProcessing'], ['HttpClient', 'get'], ['Debug', 'error']]) {
      assert.ok(adoModel.type(helper)?.methods.some((m) => m.name === method), `${helper}.${method}`);
    }
  });
});

function pick(m: ReturnType<typeof adoModel.member>): unknown[] | undefined {
  return m?.kind === 'field' ? [m.kind, m.field.name, m.via] : undefined;
}
