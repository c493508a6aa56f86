// Runs test/integration inside a real extension host: code-server + Chromium (offline default) or
// desktop VS Code through @vscode/test-electron (EXALATE_TEST_HOST=electron).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { format } from 'node:util';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, startCodeServer, workbenchUrl } from './codeServer.mjs';
import { CACHE, CHROMIUM, ROOT, ensureCodeServer, ensureSystemPackages } from './setup.mjs';

const TESTS_ENTRY = path.join(ROOT, 'out', 'test', 'integration', 'index.js');

function newWorkspace() {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'exalate-ws-'));
  fs.writeFileSync(path.join(ws, 'README.md'), '# Integration test workspace\n');
  return ws;
}

function readSummary(file) {
  if (!fs.existsSync(file)) return null;
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Picks the host: EXALATE_TEST_HOST=electron|code-server; unset → desktop VS Code if one is available, else code-server. */
export function chooseHost() {
  const wanted = process.env.EXALATE_TEST_HOST;
  if (wanted === 'electron' || wanted === 'code-server') return wanted;
  if (wanted) throw new Error(`EXALATE_TEST_HOST must be "electron" or "code-server", not "${wanted}"`);
  const cachedDesktop = fs.existsSync(CACHE) && fs.readdirSync(CACHE).some((d) => d.startsWith('vscode-linux') || d.startsWith('vscode-win') || d.startsWith('vscode-darwin'));
  return process.env.VSCODE_EXECUTABLE_PATH || cachedDesktop ? 'electron' : 'code-server';
}

export async function runIntegration() {
  const host = chooseHost();
  const resultsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'exalate-results-')), 'results.json');
  const env = { EXALATE_TEST_RESULTS: resultsFile, EXALATE_TEST_HOST_KIND: host };
  if (process.env.EXALATE_TEST_GREP) env.EXALATE_TEST_GREP = process.env.EXALATE_TEST_GREP;
  console.log(`[integration] host: ${host}`);
  let exitCode;
  if (host === 'electron') exitCode = await runInElectron(env);
  else exitCode = await runInCodeServer(env);
  const summary = readSummary(resultsFile);
  fs.rmSync(path.dirname(resultsFile), { recursive: true, force: true });
  if (!summary) {
    return { passed: 0, failed: 1, failures: [{ title: 'integration run', message: `the extension host ended (exit ${exitCode}) without results` }] };
  }
  if (exitCode !== 0 && summary.failed === 0) {
    summary.failed = 1;
    summary.failures.push({ title: 'integration run', message: `extension host exit code ${exitCode}` });
  }
  return summary;
}

async function runInElectron(env) {
  const { runTests } = await import('@vscode/test-electron');
  const ws = newWorkspace();
  try {
    return await runTests({
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: TESTS_ENTRY,
      extensionTestsEnv: env,
      launchArgs: [ws, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
      ...(process.env.VSCODE_EXECUTABLE_PATH ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE_PATH } : {}),
    });
  } catch (e) {
    console.error(`[integration] @vscode/test-electron: ${e?.message ?? e}`);
    return 1;
  } finally {
    fs.rmSync(ws, { recursive: true, force: true });
  }
}

async function runInCodeServer(env) {
  ensureSystemPackages();
  ensureCodeServer();
  const ws = newWorkspace();
  // Auto-save off: in the browser VS Code saves after a delay, which races with tests that save explicitly (a
  // doc.save() after an auto-save has nothing left to save and answers false).
  const server = await startCodeServer({ workspace: ws, label: 'integration', settings: { 'files.autoSave': 'off' } });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    let resolveExit;
    const exited = new Promise((r) => (resolveExit = r));
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(code));
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const text = format(...(Array.isArray(args) ? args : [args]));
      if (type === 'error') process.stderr.write(`${text}\n`);
      else process.stdout.write(`${text}\n`);
    });
    await page.goto(
      workbenchUrl(server, { workspace: ws, extensionPath: ROOT, testsPath: TESTS_ENTRY, env }),
    );
    const timeoutMs = Number(process.env.EXALATE_INTEGRATION_TIMEOUT_MS ?? 20 * 60_000);
    const timer = new Promise((r) => setTimeout(() => r('timeout'), timeoutMs));
    const code = await Promise.race([exited, timer]);
    if (code === 'timeout') {
      await page.screenshot({ path: path.join(ROOT, 'test-results', 'integration-timeout.png') }).catch(() => {});
      console.error(`[integration] no result after ${timeoutMs} ms`);
      return 1;
    }
    return Number(code);
  } finally {
    await browser.close().catch(() => {});
    await server.stop();
    fs.rmSync(ws, { recursive: true, force: true });
  }
}
