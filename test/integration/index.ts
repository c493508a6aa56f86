// Entry point loaded by the extension host (`extensionTestsPath`), under code-server or @vscode/test-electron.
// Runs every out/test/integration/**/*.test.js with mocha and writes a result summary to
// $EXALATE_TEST_RESULTS, so the outer runner can count results however the host reports its exit code.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

function testFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return testFiles(p);
      return e.name.endsWith('.test.js') ? [p] : [];
    })
    .sort();
}

export interface ResultSummary {
  passed: number;
  failed: number;
  pending: number;
  failures: Array<{ title: string; message: string }>;
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  const grep = process.env.EXALATE_TEST_GREP;
  if (grep) mocha.grep(grep);
  for (const f of testFiles(__dirname)) mocha.addFile(f);
  const summary: ResultSummary = { passed: 0, failed: 0, pending: 0, failures: [] };
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const out = process.env.EXALATE_TEST_RESULTS;
        if (out) fs.writeFileSync(out, JSON.stringify(summary, null, 2));
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
        else resolve();
      });
      runner.on('pass', () => summary.passed++);
      runner.on('pending', () => summary.pending++);
      runner.on('fail', (test, err: Error) => {
        summary.failed++;
        summary.failures.push({ title: test.fullTitle(), message: String(err?.stack ?? err) });
      });
    } catch (e) {
      reject(e);
    }
  });
}
