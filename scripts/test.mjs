#!/usr/bin/env node
// The one test command (README): build, type-check, lint, then unit tests (Node), integration tests (mocha inside
// a real VS Code extension host) and e2e tests (playwright driving the real workbench). Installs what it needs
// (Debian's chromium + libkrb5-dev as root, Node 24 and code-server into .vscode-test/) and exits non-zero on any
// failure. Prints one `<layer>: N passed, N failed` line per layer and a total.
//
// Flags: --only unit|integration|e2e (repeatable), --skip-static. Env: EXALATE_TEST_HOST=electron|code-server,
// EXALATE_TEST_GREP=<pattern>, EXALATE_DEBUG=1 (code-server output).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, ensureCodeServer, ensureGroovy, ensureSystemPackages } from './lib/setup.mjs';

const LAYERS = ['unit', 'integration', 'e2e'];
let flags;
try {
  flags = parseArgs({
    options: { only: { type: 'string', multiple: true }, 'skip-static': { type: 'boolean', default: false } },
    strict: true,
  }).values;
} catch (e) {
  console.error(`${e.message}\nusage: node scripts/test.mjs [--only unit|integration|e2e]... [--skip-static]`);
  process.exit(2);
}
const only = flags.only ?? LAYERS;
for (const l of only) {
  if (!LAYERS.includes(l)) {
    console.error(`--only takes one of ${LAYERS.join(', ')}; got "${l}"`);
    process.exit(2);
  }
}

const results = [];
const npx = (args, label) => {
  console.log(`\n▶ ${label}`);
  const r = spawnSync('npx', ['--no-install', ...args], { cwd: ROOT, stdio: 'inherit' });
  return r.status === 0;
};

function step(layer, fn) {
  return Promise.resolve()
    .then(fn)
    .then((s) => results.push({ layer, ...s }))
    .catch((e) => {
      console.error(`[${layer}] ${e?.stack ?? e}`);
      results.push({ layer, passed: 0, failed: 1, failures: [{ title: layer, message: String(e?.message ?? e) }] });
    });
}

function mochaLayer(layer, timeout) {
  const summaryFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), `exalate-${layer}-`)), 'summary.json');
  console.log(`\n▶ ${layer} tests`);
  spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'lib', 'mochaRun.mjs'), layer, summaryFile, String(timeout)], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  try {
    if (!fs.existsSync(summaryFile)) return { passed: 0, failed: 1, failures: [{ title: layer, message: 'mocha ended without a summary' }] };
    return JSON.parse(fs.readFileSync(summaryFile, 'utf8'));
  } finally {
    fs.rmSync(path.dirname(summaryFile), { recursive: true, force: true });
  }
}

async function main() {
  // Static checks: the build must succeed for anything else to run.
  console.log('▶ build (esbuild)');
  const built = spawnSync(process.execPath, ['esbuild.js'], { cwd: ROOT, stdio: 'inherit' }).status === 0;
  if (!built) {
    console.log('\nbuild: 0 passed, 1 failed');
    process.exit(1);
  }
  if (!flags['skip-static']) {
    const checks = [
      ['typecheck', ['tsc', '--noEmit', '-p', 'tsconfig.json'], 'type-check host (tsc)'],
      ['typecheck', ['tsc', '--noEmit', '-p', 'webview/tsconfig.json'], 'type-check webview (tsc)'],
      ['typecheck', ['tsc', '--noEmit', '-p', 'test/tsconfig.json'], 'type-check tests (tsc)'],
      ['typecheck', ['tsc', '--noEmit', '-p', 'bench/tsconfig.json'], 'type-check benchmarks (tsc)'],
      ['lint', ['eslint', '.'], 'lint (eslint)'],
    ];
    let ok = 0;
    const failures = [];
    for (const [, args, label] of checks) {
      if (npx(args, label)) ok++;
      else failures.push({ title: label, message: 'failed' });
    }
    results.push({ layer: 'static', passed: ok, failed: failures.length, failures });
  }

  if (only.includes('integration') || only.includes('e2e')) {
    try {
      if ((process.env.EXALATE_TEST_HOST ?? 'code-server') === 'code-server' || only.includes('e2e')) {
        ensureSystemPackages();
        ensureCodeServer();
      }
    } catch (e) {
      console.error(`\n[setup] ${e.message}`);
      console.log('setup: 0 passed, 1 failed');
      process.exit(1);
    }
  }

  if (only.includes('unit')) {
    // The Groovy parser's oracle tests compare with real Groovy 4 (jars cached in .vscode-test/, Java 17).
    try {
      process.env.EXALATE_GROOVY_LIB = ensureGroovy();
    } catch (e) {
      console.error(`\n[setup] ${e.message}`);
      console.log('setup: 0 passed, 1 failed');
      process.exit(1);
    }
    await step('unit', () => mochaLayer('unit', 60_000));
  }
  if (only.includes('integration')) {
    await step('integration', async () => {
      console.log('\n▶ integration tests (inside the extension host)');
      const { runIntegration } = await import('./lib/integration.mjs');
      return runIntegration();
    });
  }
  if (only.includes('e2e')) await step('e2e', () => mochaLayer('e2e', 240_000));

  console.log('\n──────── results');
  let passed = 0;
  let failed = 0;
  for (const r of results) {
    passed += r.passed;
    failed += r.failed;
    for (const f of r.failures ?? []) console.log(`  ✘ [${r.layer}] ${f.title}\n      ${String(f.message).split('\n').slice(0, 6).join('\n      ')}`);
  }
  for (const r of results) console.log(`${r.layer}: ${r.passed} passed, ${r.failed} failed`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
