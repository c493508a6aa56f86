// `exalate-script run` (runCommand) with real files in a temp folder: outgoing, incoming, script errors, bad usage.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCommand } from '../../../src/cli/run';
import { defaultIncomingScript, defaultOutgoingScript } from '../../../src/sandbox/defaultRules';

describe('cli: exalate-script run', () => {
  let dir: string;
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };
  async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCommand(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }
  const ctx = { localShortName: 'ado', remoteShortName: 'jira', project: 'Web' };
  const workItem = {
    id: 5,
    key: '5',
    summary: 'Broken login',
    description: '<p>It &amp; fails</p>',
    status: { name: 'New' },
    priority: { name: '2' },
    labels: [{ label: 'auth' }],
    comments: [{ id: 1, body: '<b>seen</b>', author: { displayName: 'Ana', email: 'ana@x.io' }, created: '2026-01-01T00:00:00Z' }],
    attachments: [],
    type: { name: 'Bug' },
    project: { key: 'Web', name: 'Web' },
    areaPath: 'Web',
    iterationPath: 'Web\\S1',
    assignee: null,
    customFields: { Customer: { value: 'ACME' } },
    estimate: 1.50,
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exalate-run-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('run outgoing prints the replica the default rules build, with extra properties under their own names', async () => {
    const script = file('out.groovy', defaultOutgoingScript(ctx) + '\nreplica.customer = workItem.customFields.Customer.value\nreplica.half = 1 / 2\n');
    const wi = file('wi.json', JSON.stringify(workItem));
    const r = await cli('outgoing', '--script', script, '--work-item', wi);
    assert.equal(r.code, 0, r.err);
    const replica = JSON.parse(r.out) as Record<string, unknown>;
    assert.equal(replica.summary, 'Broken login');
    assert.equal(replica.description, 'It & fails');
    assert.deepEqual(replica.comments, [{ id: 1, body: 'seen', author: { displayName: 'Ana', email: 'ana@x.io' }, created: '2026-01-01T00:00:00Z' }]);
    assert.equal(replica.customer, 'ACME');
    assert.match(r.out, /"half":0\.5/);
  });

  it('run incoming applies a replica to a new work item (--first-sync) and lists the changes', async () => {
    const script = file('in.groovy', defaultIncomingScript(ctx));
    const replica = file('replica.json', JSON.stringify(workItem));
    const r = await cli('incoming', '--script', script, '--replica', replica, '--first-sync');
    assert.equal(r.code, 0, r.err);
    const out = JSON.parse(r.out) as { workItem: Record<string, unknown>; changes: { field: string; before: unknown; after: unknown }[] };
    assert.equal(out.workItem.projectKey, 'Web');
    assert.equal(out.workItem.summary, 'Broken login');
    assert.deepEqual(out.changes.find((c) => c.field === 'typeName'), { field: 'typeName', before: null, after: 'Bug' });
  });

  it('run incoming with --work-item changes only what differs; --context feeds the lookups', async () => {
    const script = file('in.groovy', 'workItem.assignee = nodeHelper.getUserByEmail(replica.assignee?.email)\nworkItem.summary = replica.summary\ndebug.info("done")\nprintln "hello"');
    const replica = file('replica.json', JSON.stringify({ summary: 'Same', assignee: { email: 'ANA@x.io' } }));
    const current = file('current.json', JSON.stringify({ summary: 'Same', assignee: null }));
    const context = file('ctx.json', JSON.stringify({ users: [{ displayName: 'Ana Local', email: 'ana@x.io', key: 'u1' }] }));
    const r = await cli('incoming', '--script', script, '--replica', replica, '--work-item', current, '--context', context);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, '{"workItem":{"summary":"Same","assignee":{"key":"u1","displayName":"Ana Local","email":"ana@x.io"},"comments":[],"attachments":[],"labels":[],"customFields":{},"customKeys":{}},"changes":[{"field":"assignee","before":null,"after":{"key":"u1","displayName":"Ana Local","email":"ana@x.io"}}]}');
    assert.equal(r.err, 'hello\n[info] done');
  });

  it('a script error prints {error: {message, line, column}} on stdout and exits 1', async () => {
    const script = file('in.groovy', 'workItem.summary = replica.summary\n\n\n\nthrow new Exception("x")\n');
    const replica = file('replica.json', '{}');
    const r = await cli('incoming', '--script', script, '--replica', replica);
    assert.equal(r.code, 1);
    assert.deepEqual(JSON.parse(r.out), { error: { message: 'x', line: 5, column: 1, exception: 'java.lang.Exception' } });
    const syntax = await cli('outgoing', '--script', file('bad.groovy', 'replica.x = (\n'), '--work-item', replica);
    assert.equal(syntax.code, 1);
    assert.match((JSON.parse(syntax.out) as { error: { message: string } }).error.message, /syntax error/);
  });

  it('an endless loop stops on the budget', async () => {
    const r = await cli('outgoing', '--script', file('loop.groovy', 'while (true) {}'), '--work-item', file('wi.json', '{}'), '--max-steps', '1000');
    assert.equal(r.code, 1);
    assert.match(r.out, /step budget exceeded/);
  });

  it('bad usage and bad input exit 2 with a clear message on stderr and nothing on stdout', async () => {
    const wi = file('wi.json', '{}');
    const s = file('s.groovy', 'replica.a = 1');
    const cases: [string[], RegExp][] = [
      [[], /say which script to run/],
      [['sideways', '--script', s], /expected "outgoing" or "incoming"/],
      [['outgoing', '--work-item', wi], /--script <file.groovy> is required/],
      [['outgoing', '--script', s], /needs --work-item/],
      [['incoming', '--script', s], /needs --replica/],
      [['outgoing', '--script', s, '--work-item', wi, '--first-sync'], /--first-sync is for run incoming/],
      [['outgoing', '--script', path.join(dir, 'missing.groovy'), '--work-item', wi], /cannot read script .*missing\.groovy: no such file/],
      [['outgoing', '--script', s, '--work-item', file('broken.json', '{"summary": ')], /is not valid JSON/],
      [['outgoing', '--script', s, '--work-item', file('shape.json', '{"summary": 5}')], /does not have the expected shape: summary/],
      [['outgoing', '--script', s, '--work-item', file('arr.json', '[]')], /does not have the expected shape/],
      [['outgoing', '--script', s, '--work-item', wi, '--context', file('c.json', '{"userz": []}')], /context .* does not have the expected shape/],
      [['outgoing', '--script', s, '--work-item', wi, '--bogus'], /Unknown option '--bogus'/],
      [['outgoing', '--script', s, '--work-item', wi, '--max-steps=abc'], /--max-steps must be a positive whole number/],
      [['outgoing', '--script', s, '--work-item', wi, '--max-steps', '-3'], /--max-steps' argument is ambiguous/],
    ];
    for (const [argv, re] of cases) {
      const r = await cli(...argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.equal(r.out, '', argv.join(' '));
      assert.match(r.err, re, argv.join(' '));
    }
    const help = await cli('--help');
    assert.equal(help.code, 0);
    assert.match(help.out, /usage: exalate-script run outgoing/);
  });
});
