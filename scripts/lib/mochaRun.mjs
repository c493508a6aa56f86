// Runs one mocha layer in this process and writes { passed, failed, pending, failures } to the file named
// by argv[3]. Used by scripts/test.mjs for the unit and e2e layers.
// Usage: node scripts/lib/mochaRun.mjs <dir under out/test> <summary.json> [timeout ms]
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { ROOT } from './setup.mjs';

const [, , layer, summaryFile, timeout] = process.argv;

function files(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.test.js') ? [path.join(dir, e.name)] : []))
    .sort();
}

const mocha = new Mocha({ ui: 'bdd', timeout: Number(timeout ?? 20_000), reporter: 'spec', color: process.stdout.isTTY });
if (process.env.EXALATE_TEST_GREP) mocha.grep(process.env.EXALATE_TEST_GREP);
for (const f of files(path.join(ROOT, 'out', 'test', layer))) mocha.addFile(f);
const summary = { passed: 0, failed: 0, pending: 0, failures: [] };
const runner = mocha.run((failures) => {
  fs.writeFileSync(summaryFile, JSON.stringify(summary, null, 2));
  process.exitCode = failures ? 1 : 0;
});
runner.on('pass', () => summary.passed++);
runner.on('pending', () => summary.pending++);
runner.on('fail', (test, err) => {
  summary.failed++;
  summary.failures.push({ title: test.fullTitle(), message: String(err?.message ?? err) });
});
