// `node dist/exalate-script.js check`: the built CLI, spawned like a user's CI would run it.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultIncomingScript, defaultOutgoingScript } from '../../../src/sandbox/defaultRules';

const CLI = path.resolve(__dirname, '../../../../dist/exalate-script.js');

function run(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('exalate-script check (CLI)', () => {
  let dir: string;
  before(() => {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing: run node esbuild.js first`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exalate-check-'));
    const c = { localShortName: 'Contoso', remoteShortName: 'Fabrikam', project: 'Payments' };
    fs.writeFileSync(path.join(dir, 'outgoing.groovy'), defaultOutgoingScript(c));
    fs.writeFileSync(path.join(dir, 'incoming.groovy'), defaultIncomingScript(c));
    fs.writeFileSync(path.join(dir, 'my-outgoing-rules.groovy'), 'replica.sumary = workItem.summary\nif (firstSync) { x = y }\n');
    fs.writeFileSync(path.join(dir, 'shared.groovy'), 'if (firstSync) { replica.summary = "x" }\ndef f( {\n');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('exits 0 for valid scripts and says how many were checked', () => {
    const r = run(['check', 'outgoing.groovy', 'incoming.groovy'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /2 files checked: 0 errors, 0 warnings\./);
  });

  it('exits 1 with errors, taking the direction from the file name; text format is file:line:column', () => {
    const r = run(['check', 'my-outgoing-rules.groovy'], dir);
    assert.equal(r.code, 1);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], 'my-outgoing-rules.groovy:1:9: error unknown-member: Replica has no property `sumary`. Did you mean `summary`?');
    assert.ok(lines.includes('my-outgoing-rules.groovy:2:5: error wrong-direction: `firstSync` exists only in incoming scripts; this is an outgoing script.'), r.stdout);
    assert.ok(lines.some((l) => l.startsWith('my-outgoing-rules.groovy:2:22: warning undefined-variable:')), r.stdout);
  });

  it('prints one JSON object per line with 1-based positions; --direction overrides the file name', () => {
    const r = run(['check', '--format', 'json', '--direction', 'incoming', 'my-outgoing-rules.groovy', 'shared.groovy'], dir);
    assert.equal(r.code, 1);
    const records = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(records[0], {
      file: 'my-outgoing-rules.groovy',
      line: 1,
      column: 9,
      endLine: 1,
      endColumn: 15,
      severity: 'error',
      code: 'unknown-member',
      message: 'Replica has no property `sumary`. Did you mean `summary`?',
    });
    assert.ok(!records.some((x) => x.code === 'wrong-direction'), 'firstSync is fine in an incoming script');
    const syntax = records.filter((x) => x.file === 'shared.groovy' && x.code === 'syntax');
    assert.ok(syntax.length > 0 && syntax.every((x) => x.severity === 'error' && x.line === 2), JSON.stringify(records));
    assert.equal(r.stderr, '');
  });

  it('runs only generic checks when the direction is unknown', () => {
    const r = run(['check', '--format', 'json', 'shared.groovy'], dir);
    const codes = r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { code: string }).code);
    assert.ok(!codes.includes('wrong-direction'));
    assert.ok(codes.includes('syntax'));
    assert.equal(r.code, 1);
  });

  it('exits 2 with a clear message on bad usage or an unreadable file', () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /usage: exalate-script <command>/],
      [['lint'], /unknown command "lint"/],
      [['check'], /no files given/],
      [['check', '--direction', 'sideways', 'outgoing.groovy'], /--direction must be "outgoing" or "incoming", not "sideways"/],
      [['check', '--format', 'xml', 'outgoing.groovy'], /--format must be "text" or "json", not "xml"/],
      [['check', '--frobnicate', 'outgoing.groovy'], /Unknown option '--frobnicate'/],
      [['check', 'outgoing.groovy', 'missing.groovy'], /cannot read missing\.groovy: no such file/],
      [['check', '.'], /cannot read \.: it is a directory/],
    ];
    for (const [args, message] of cases) {
      const r = run(args, dir);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
    }
    assert.equal(run(['check', '--help'], dir).code, 0);
  });
});
