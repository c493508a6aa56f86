#!/usr/bin/env node
// `npm run screenshots`: regenerates the README's pictures from the e2e harness. Runs the e2e suites that take them
// (the wizard and Accept Invitation in every theme, the sync-script language features, Test Run, the walkthrough
// of the installed .vsix) against real sandbox nodes
// in the real workbench, then copies the chosen PNGs from test-results/screenshots/ to media/screenshots/ under
// stable names. The pictures are committed (the README links them); they do not ship in the .vsix (.vscodeignore).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FROM = path.join(ROOT, 'test-results', 'screenshots');
const TO = path.join(ROOT, 'media', 'screenshots');

/** media/screenshots/<name> ← the newest e2e screenshot whose file name matches. */
export const CHOSEN = [
  ['connections-tree.png', /^themes-dark-tree\.png$/],
  ['wizard-configuration-type.png', /^themes-dark-wizard-2-configuration-type\.png$/],
  ['accept-invitation.png', /^themes-dark-accept-2-preview\.png$/],
  ['wizard-high-contrast.png', /^themes-hc-dark-wizard-3-names-invalid\.png$/],
  ['sync-rules-diagnostics.png', /^language-\d+-squiggle-did-you-mean\.png$/],
  ['test-run-replica.png', /^testrun-replica\.png$/],
  ['walkthrough.png', /^vsix-walkthrough-progress\.png$/],
];

const SUITES = ['the wizard and Accept Invitation in light, dark and high-contrast themes', 'sync script language features', 'e2e: Test Run', 'the private flow against the installed .vsix'];

if (!process.argv.includes('--copy-only')) {
  fs.rmSync(FROM, { recursive: true, force: true });
  const run = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'test.mjs'), '--only', 'e2e', '--skip-static'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, EXALATE_TEST_GREP: SUITES.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|') },
  });
  if (run.status !== 0) {
    console.error('\nThe screenshot e2e tests failed; media/screenshots/ is left as it was.');
    process.exit(run.status ?? 1);
  }
}

const files = fs.existsSync(FROM) ? fs.readdirSync(FROM) : [];
const missing = [];
fs.mkdirSync(TO, { recursive: true });
for (const [name, pattern] of CHOSEN) {
  const found = files
    .filter((f) => pattern.test(f))
    .map((f) => ({ f, t: fs.statSync(path.join(FROM, f)).mtimeMs }))
    .sort((a, b) => b.t - a.t)[0];
  if (!found) {
    missing.push(`${name} (${pattern})`);
    continue;
  }
  fs.copyFileSync(path.join(FROM, found.f), path.join(TO, name));
  console.log(`media/screenshots/${name} ← test-results/screenshots/${found.f} (${Math.round(fs.statSync(path.join(TO, name)).size / 1024)} KB)`);
}
if (missing.length) {
  console.error(`No screenshot for: ${missing.join(', ')}`);
  process.exit(1);
}
