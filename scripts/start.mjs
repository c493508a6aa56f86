#!/usr/bin/env node
// The README's main command: builds the extension, starts two seeded sandbox nodes ("yours" and a partner's), and
// opens the extension in a real VS Code already configured with both — desktop VS Code
// (`code --extensionDevelopmentPath`) when one is on PATH, otherwise code-server in the browser — and stays up
// until Ctrl+C, then stops everything it started. Node data persists in .exalate-dev/nodes/.
//
// Flags: --port <n> (code-server port, default 8080 or a free one), --browser-only (never use desktop `code`),
// --home <dir> (where node data, tokens and the workspace live; default .exalate-dev/).
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, startCodeServer } from './lib/codeServer.mjs';
import { startDevSandbox } from './lib/sandboxes.mjs';
import { ROOT, ensureCodeServer } from './lib/setup.mjs';

let flags;
try {
  flags = parseArgs({
    options: {
      port: { type: 'string' },
      'browser-only': { type: 'boolean', default: false },
      home: { type: 'string', default: path.join(ROOT, '.exalate-dev') },
    },
    strict: true,
  }).values;
} catch (e) {
  console.error(`${e.message}\nusage: npm start -- [--port <n>] [--browser-only] [--home <dir>]`);
  process.exit(2);
}
const port = flags.port === undefined ? undefined : Number(flags.port);
if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
  console.error(`--port must be a TCP port number (1-65535), not "${flags.port}"`);
  process.exit(2);
}

const cleanups = [];
let stopping = false;
async function stopAll(code = 0) {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping…');
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

function hasDesktopCode() {
  if (flags['browser-only']) return false;
  const r = spawnSync('code', ['--version'], { encoding: 'utf8' });
  return r.status === 0;
}

async function main() {
  console.log('Building the extension…');
  if (spawnSync(process.execPath, ['esbuild.js'], { cwd: ROOT, stdio: 'inherit' }).status !== 0) process.exit(1);

  const home = path.resolve(flags.home);
  const workspace = path.join(home, 'workspace');
  fs.mkdirSync(workspace, { recursive: true });
  // The workspace lives inside this checkout (under .exalate-dev/, which git ignores): tell the Git extension not to
  // offer the checkout's repository ("A git repository was found in the parent folders…"), in every VS Code that
  // opens the folder (desktop or code-server).
  writeWorkspaceSettings(workspace, { 'git.openRepositoryInParentFolders': 'never' });

  console.log('Starting two sandbox Exalate nodes…');
  const yours = await startDevSandbox({ home, name: 'contoso', preferredPort: 4101 });
  cleanups.push(() => yours.stop());
  const partner = await startDevSandbox({ home, name: 'fabrikam', preferredPort: 4102 });
  cleanups.push(() => partner.stop());
  // The nodes and their tokens for every VS Code window of this run: each window imports the tokens it does not have
  // yet into its SecretStorage (in code-server every browser has its own), so the file (0600) stays until Ctrl+C.
  // It lives inside this checkout: an installed (not development-mode) extension reads it only from its own folder.
  const bootstrap = path.join(ROOT, '.exalate-dev', `bootstrap-${process.pid}.json`);
  fs.mkdirSync(path.dirname(bootstrap), { recursive: true, mode: 0o700 });
  fs.writeFileSync(
    bootstrap,
    JSON.stringify({
      nodes: [
        { url: yours.url, token: yours.token, label: 'contoso (your node)', adoOrgUrl: yours.ado, adoPat: yours.token },
        { url: partner.url, token: partner.token, label: 'fabrikam (partner)', adoOrgUrl: partner.ado, adoPat: partner.token },
      ],
    }),
    { mode: 0o600 },
  );
  cleanups.push(async () => fs.rmSync(bootstrap, { force: true }));
  process.env.EXALATE_BOOTSTRAP_FILE = bootstrap;
  const started = [
    `  your node     contoso   ${yours.url}   (Azure DevOps emulator: ${yours.ado})`,
    `  partner node  fabrikam  ${partner.url}   (Azure DevOps emulator: ${partner.ado})`,
  ];

  if (hasDesktopCode()) {
    console.log('Opening desktop VS Code with the extension in development mode…');
    // `code` hands over to a running instance and returns; the nodes keep running until Ctrl+C here.
    spawn('code', ['--new-window', `--extensionDevelopmentPath=${ROOT}`, workspace], { stdio: 'inherit', env: process.env });
    console.log(`\nStarted:\n${started.join('\n')}\n\nPress Ctrl+C here to stop the nodes.`);
    return;
  }

  ensureCodeServer();
  const chosen = port ?? (await isFree(8080) ? 8080 : await freePort());
  // Browser VS Code auto-saves after a delay by default; every save of a sync rule is a draft version, so save on Ctrl+S only.
  const server = await startCodeServer({
    workspace,
    label: 'start',
    port: chosen,
    smokeTestDriver: false,
    linkExtension: ROOT,
    settings: { 'files.autoSave': 'off', 'git.openRepositoryInParentFolders': 'never' },
    stateDir: path.join(home, 'vscode'), // your layout, open editors and settings survive restarts
  });
  cleanups.push(() => server.stop());
  const url = `${server.url}/?folder=${encodeURIComponent(workspace)}`;
  console.log('\nStarted:');
  console.log(started.join('\n'));
  console.log(`  VS Code       code-server ${server.url} with the Exalate extension installed`);
  console.log(`\nOpen this address in a browser:\n\n  ${url}\n`);
  console.log('Try: Exalate view → Initiate Connection on contoso ("I don\'t have a URL"), copy the invitation code,');
  console.log(`then Accept Invitation on fabrikam. Node data is kept in ${path.join(home, 'nodes')}.`);
  console.log('Press Ctrl+C here to stop everything.');
}

/** Merges `values` into <workspace>/.vscode/settings.json, keeping what the user put there. */
function writeWorkspaceSettings(workspace, values) {
  const file = path.join(workspace, '.vscode', 'settings.json');
  let kept = {};
  if (fs.existsSync(file)) {
    try {
      kept = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      // Comments or other JSONC: never rewrite (and lose) what the user wrote; say what to add instead.
      console.log(`Note: ${file} is not plain JSON, left as it is. Add ${JSON.stringify(values)} to it yourself.`);
      return;
    }
    if (Object.entries(values).every(([k, v]) => kept[k] === v)) return;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify({ ...kept, ...values }, null, 2)}\n`);
}

async function isFree(p) {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(p, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

main().catch((e) => {
  console.error(`\n${e?.message ?? e}`);
  void stopAll(1);
});
