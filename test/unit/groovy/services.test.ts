// The Groovy language service (src/groovy/services): analyses, completion, hover, signature help, outline,
// folding, definition and quick fixes on sync scripts, with the Azure DevOps script model.
import * as assert from 'node:assert/strict';
import {
  checkScript,
  createScriptDocument,
  doComplete,
  doHover,
  doSignatureHelp,
  doValidation,
  findDefinition,
  findDocumentSymbols,
  getCodeActions,
  getFoldingRanges,
  type Diagnostic,
  type ScriptContext,
} from '../../../src/groovy/services';
import { defaultIncomingScript, defaultOutgoingScript } from '../../../src/sandbox/defaultRules';

const OUT: ScriptContext = { direction: 'outgoing' };
const IN: ScriptContext = { direction: 'incoming' };

function brief(ds: Diagnostic[]): string[] {
  return ds.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.character + 1} ${d.severity} ${d.code}`);
}

/** Cursor at `|` in `text`. */
function at(text: string): { doc: ReturnType<typeof createScriptDocument>; pos: { line: number; character: number } } {
  const offset = text.indexOf('|');
  const doc = createScriptDocument(text.slice(0, offset) + text.slice(offset + 1));
  return { doc, pos: doc.lineMap.positionAt(offset) };
}

describe('groovy language service', () => {
  describe('analyses', () => {
    it('accepts the default rules of both directions without a single diagnostic', () => {
      const c = { localShortName: 'Contoso', remoteShortName: 'Fabrikam', project: 'Payments' };
      assert.deepEqual(brief(checkScript(defaultOutgoingScript(c), OUT)), []);
      assert.deepEqual(brief(checkScript(defaultIncomingScript(c), IN)), []);
      assert.deepEqual(brief(checkScript(defaultIncomingScript(c), {})), []);
    });

    it('reports a misspelled replica field as an error on the name, suggesting the field', () => {
      const ds = checkScript('replica.sumary = workItem.summary', OUT);
      assert.deepEqual(brief(ds), ['1:9-15 error unknown-member']);
      assert.match(ds[0].message, /Did you mean `summary`\?/);
      assert.equal(ds[0].suggestion, 'summary');
      const [fix] = getCodeActions(ds);
      assert.equal(fix.title, "Change to 'summary'");
      assert.deepEqual(fix.edits, [{ range: ds[0].range, newText: 'summary' }]);
    });

    it('types closure parameters from the list they iterate and checks their members', () => {
      const ds = checkScript('replica.comments = workItem.comments.findAll { c -> c.auther != null }\nworkItem.labels.each { it.lable }', OUT);
      assert.deepEqual(brief(ds), ['1:55-61 error unknown-member', '2:27-32 error unknown-member']);
      assert.match(ds[1].message, /`label`/);
      // mergeComments' formatter receives a Comment.
      assert.deepEqual(brief(checkScript('workItem.comments = commentHelper.mergeComments(workItem, replica) { it.boddy = "x"; it }', IN)), ['1:73-78 error unknown-member']);
    });

    it('warns about far-off unknown members, unknown helper methods and wrong argument counts', () => {
      const ds = checkScript('def x = replica.somethingElse\nnodeHelper.getUserByEmial("a")\nnodeHelper.stripHtml()\nworkItem.setStatus("A", "B")', IN);
      assert.deepEqual(brief(ds), ['1:17-30 warning unknown-member', '2:12-26 warning unknown-helper-method', '3:12-21 warning argument-count', '4:10-19 warning argument-count']);
      assert.match(ds[1].message, /Did you mean `getUserByEmail`/);
    });

    it('reports incoming-only variables in an outgoing script, but not without a direction', () => {
      assert.deepEqual(brief(checkScript('if (firstSync) { replica.summary = "x" }', OUT)), ['1:5-14 error wrong-direction']);
      assert.deepEqual(brief(checkScript('if (firstSync) { workItem.summary = "x" }', {})), []);
      assert.deepEqual(brief(checkScript('workItem.comments = commentHelper.mergeComments(workItem, replica)', OUT)), ['1:35-48 warning wrong-direction', '1:10-18 warning read-only'].sort());
    });

    it('warns about assignments to read-only fields per direction', () => {
      assert.deepEqual(brief(checkScript('workItem.id = 5\nworkItem.summary = replica.summary', IN)), ['1:10-12 warning read-only']);
      assert.deepEqual(brief(checkScript('workItem.summary = "x"', OUT)), ['1:10-17 warning read-only']);
      assert.deepEqual(brief(checkScript('replica.summary = "x"', IN)), ['1:9-16 warning read-only']);
      assert.deepEqual(brief(checkScript('workItem.setCreated(null)', IN)), ['1:10-20 warning read-only']);
    });

    it('follows Groovy script binding rules for undeclared variables', () => {
      const script = [
        'total = 0',
        'def local = 1',
        'def helper(n) { total += n; return n + local + undefinedThing }',
        'helper(2)',
        'println(total + missing)',
        'replica.customKeys.count = total',
      ].join('\n');
      const ds = checkScript(script, OUT);
      assert.deepEqual(brief(ds), ['3:40-45 warning local-not-visible', '3:48-62 warning undefined-variable', '5:17-24 warning undefined-variable']);
      // Classes, Java names and closures with a delegate are never reported.
      assert.deepEqual(brief(checkScript('import java.text.SimpleDateFormat\ndef f = new SimpleDateFormat("yyyy")\nString.valueOf(1)\nworkItem.with { summary }\nclass A { def m() { foo } }', IN)), []);
    });

    it('marks code after return as unreachable, but not script methods after a top-level return', () => {
      const ds = doValidation(createScriptDocument('if (true) {\n  return\n  replica.summary = "x"\n}\nreturn\ndef later() { 1 }'), OUT);
      assert.deepEqual(brief(ds), ['3:3-24 info unreachable']);
      assert.equal(ds[0].unnecessary, true);
    });

    it('reports syntax errors with code "syntax" and keeps analysing after them', () => {
      const ds = checkScript('replica.summary = (\nreplica.sumary = 1', OUT);
      assert.ok(ds.some((d) => d.code === 'syntax' && d.severity === 'error'));
    });

    it('never reports errors on Groovy the model does not describe', () => {
      const script = [
        'import groovy.json.JsonSlurper',
        'def json = new JsonSlurper().parseText(httpClient.get("/_apis/x", true)?.toString() ?: "{}")',
        'def map = ["a": 1, (replica.key): 2]',
        'map.each { k, v -> debug.error("${k}=${v}") }',
        'workItem."Microsoft.VSTS.Common.AcceptanceCriteria" = replica.customFields."Acceptance"?.value',
        'replica.customKeys."Changed Date" = workItem.updated?.format("yyyy-MM-dd")',
        'issue.customFields."Story Points".value = replica.customKeys.points as Double',
        'def (a, b) = [1, 2]',
        'workItem.labels = replica.labels.collect { nodeHelper.getLabel(it.label.replace(" ", "_")) }',
        'replica.components.each { log.info(it.name) }',
        'workItem.toString(); replica.properties; workItem.getSummary(); replica.creator?.email',
        'syncHelper.getLocalIssueKeyFromRemoteId(replica.parentId?.toLong())',
        'httpClient.http("POST", "/x", null, "{}", ["Content-Type": ["application/json"]]) { req, res -> res.code }',
      ].join('\n');
      const errors = checkScript(script, IN).filter((d) => d.severity === 'error');
      assert.deepEqual(errors.map((d) => d.message), []);
    });
  });

  describe('completion', () => {
    it('offers the replica\'s fields after `replica.` and `replica?.`', () => {
      for (const text of ['replica.|', 'replica?.su|', 'def x = replica.|\nx = 1']) {
        const { doc, pos } = at(text);
        const labels = doComplete(doc, pos, OUT).items.map((i) => i.label);
        assert.ok(labels.includes('summary') && labels.includes('areaPath') && labels.includes('customFields'), `${text}: ${labels.join(',')}`);
      }
      const { doc, pos } = at('workItem.comments.each { it.| }');
      assert.ok(doComplete(doc, pos, OUT).items.some((i) => i.label === 'body'));
      const list = at('workItem.labels.|');
      assert.ok(doComplete(list.doc, list.pos, OUT).items.some((i) => i.label === 'collect'));
    });

    it('offers the project\'s Azure DevOps fields inside `workItem."`, replacing the whole name', () => {
      const ctx: ScriptContext = { ...IN, projectName: 'Payments', projectFields: [{ referenceName: 'Custom.PaymentProvider', name: 'Payment Provider', type: 'picklistString', readOnly: false, workItemTypes: ['Bug'] }] };
      const { doc, pos } = at('workItem."Cu|stom"');
      const items = doComplete(doc, pos, ctx).items;
      assert.equal(items[0].label, 'Custom.PaymentProvider');
      assert.deepEqual(items[0].range, { start: { line: 0, character: 10 }, end: { line: 0, character: 16 } });
      assert.ok(items.some((i) => i.label === 'Microsoft.VSTS.Common.AcceptanceCriteria'));
      const unclosed = at('workItem."|');
      assert.ok(doComplete(unclosed.doc, unclosed.pos, ctx).items.some((i) => i.label === 'Custom.PaymentProvider'));
    });

    it('offers variables of the direction, helpers, locals, script methods and snippets at a name', () => {
      const { doc, pos } = at('def mine = 1\ndef fmt(x) { x }\n|');
      const out = doComplete(doc, pos, OUT).items;
      const labels = out.map((i) => i.label);
      for (const l of ['mine', 'fmt', 'replica', 'workItem', 'issue', 'nodeHelper', 'commentHelper', 'comments-out']) assert.ok(labels.includes(l), l);
      assert.ok(!labels.includes('firstSync') && !labels.includes('status-map'));
      const inLabels = doComplete(doc, pos, IN).items.map((i) => i.label);
      assert.ok(inLabels.includes('firstSync') && inLabels.includes('status-map') && inLabels.includes('first-sync'));
      const snippet = doComplete(doc, pos, IN).items.find((i) => i.label === 'status-map')!;
      assert.equal(snippet.snippet, true);
      assert.match(snippet.insertText!, /workItem\.setStatus\(statusMap\[remoteStatus\]/);
    });

    it('offers nothing inside comments and plain strings', () => {
      for (const text of ['// replica.|', 'def s = "abc|"']) {
        const { doc, pos } = at(text);
        assert.deepEqual(doComplete(doc, pos, OUT).items, [], text);
      }
    });
  });

  describe('hover, signature help, outline, folding, definition', () => {
    it('shows the signature and docs of commentHelper.mergeComments', () => {
      const { doc, pos } = at('workItem.comments = commentHelper.merge|Comments(workItem, replica)');
      const h = doHover(doc, pos, IN)!;
      assert.match(h.contents.value, /CommentHelper\.mergeComments\(workItem: WorkItem, replica: Replica, formatter\?: Closure\): List<Comment>/);
      assert.match(h.contents.value, /comments new on the other side are added/);
      const v = at('repl|ica.summary = 1');
      assert.match(doHover(v.doc, v.pos, OUT)!.contents.value, /replica: Replica/);
      const f = at('replica.summ|ary = 1');
      assert.match(doHover(f.doc, f.pos, OUT)!.contents.value, /System\.Title/);
      const q = at('workItem."Microsoft.VSTS.Common.Accep|tanceCriteria"');
      assert.match(doHover(q.doc, q.pos, IN)!.contents.value, /Acceptance Criteria/);
    });

    it('helps with the signature while typing the arguments', () => {
      const { doc, pos } = at('commentHelper.mergeComments(workItem, |');
      const help = doSignatureHelp(doc, pos, IN)!;
      assert.equal(help.activeParameter, 1);
      assert.deepEqual(help.signatures[0].parameters.map((p) => p.label), ['workItem: WorkItem', 'replica: Replica', 'formatter?: Closure']);
    });

    it('lists script methods and classes in the outline, folds blocks and comments, goes to definitions', () => {
      const text = '// one\n// two\ndef statusOf(String s) {\n  s\n}\nclass Mapper {\n  def map(x) { x }\n}\nreplica.summary = statusOf("x")\n';
      const doc = createScriptDocument(text);
      const symbols = findDocumentSymbols(doc);
      assert.deepEqual(symbols.map((s) => `${s.kind} ${s.name}`), ['method statusOf', 'class Mapper']);
      assert.deepEqual(symbols[1].children.map((s) => s.name), ['map']);
      assert.deepEqual(getFoldingRanges(doc), [
        { startLine: 0, endLine: 1, kind: 'comment' },
        { startLine: 2, endLine: 3 },
        { startLine: 5, endLine: 6 },
      ]);
      const use = at(text.replace('= statusOf', '= status|Of'));
      assert.deepEqual(findDefinition(use.doc, use.pos, OUT), { range: { start: { line: 2, character: 4 }, end: { line: 2, character: 12 } } });
    });
  });
});
