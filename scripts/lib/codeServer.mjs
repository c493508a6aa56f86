// Starts code-server (VS Code 1.139.1 server + workbench) on loopback for tests and for `npm start`.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { codeServerEntry, node24 } from './setup.mjs';

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const BASE_SETTINGS = {
  'telemetry.telemetryLevel': 'off',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'window.confirmBeforeClose': 'never',
  'files.hotExit': 'off',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

/**
 * @param {{ workspace: string, settings?: object, smokeTestDriver?: boolean, label?: string, quiet?: boolean, port?: number,
 *           linkExtension?: string, stateDir?: string, installVsix?: string, locale?: string }} opts
 *   stateDir: keep VS Code's user data, extensions folder and HOME there across runs (default: a temp folder that
 *   stop() deletes).
 *   linkExtension: an extension folder to install by symlink (a normal install: notifications show), instead of
 *   loading it through the smoke-test driver's `payload` (which hides notification toasts).
 *   locale: VS Code's display language (`--locale`, e.g. `qps-ploc` for the pseudo-locale of test/e2e/l10n.test.ts).
 *   installVsix: a .vsix to install with `code-server --install-extension` before the server starts.
 * @returns {Promise<{ url: string, host: string, port: number, tmp: string, userSettings: string, stop: () => Promise<void> }>}
 */
export async function startCodeServer(opts) {
  const port = opts.port ?? (await freePort());
  const tmp = opts.stateDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `exalate-${opts.label ?? 'vscode'}-`));
  const tmpDir = path.join(tmp, 'tmp');
  const userData = path.join(tmp, 'user-data');
  const extensions = path.join(tmp, 'extensions');
  const home = path.join(tmp, 'home');
  for (const d of [path.join(userData, 'User'), extensions, home, tmpDir]) fs.mkdirSync(d, { recursive: true });
  if (opts.linkExtension) {
    const pkg = JSON.parse(fs.readFileSync(path.join(opts.linkExtension, 'package.json'), 'utf8'));
    const link = path.join(extensions, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
    fs.rmSync(link, { force: true, recursive: false });
    fs.symlinkSync(opts.linkExtension, link);
  }
  if (opts.installVsix) {
    // As a user installs a downloaded .vsix: `code-server --install-extension`, into this server's extensions folder.
    const r = spawnSync(node24, [codeServerEntry, '--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', opts.installVsix], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, HOME: home, TMPDIR: tmpDir },
    });
    if (r.status !== 0) {
      if (!opts.stateDir) fs.rmSync(tmp, { recursive: true, force: true });
      throw new Error(`code-server --install-extension ${opts.installVsix} failed (${r.status ?? r.error?.message}):\n${r.stdout}\n${r.stderr}`);
    }
  }
  if (opts.locale && !opts.locale.startsWith('en')) {
    // code-server switches the display language (`--locale`) only to a locale that has a language pack in
    // <user-data-dir>/languagepacks.json. This one has no translations of VS Code's own texts (they stay English),
    // which is all a test of an extension's own bundles (package.nls.<locale>.json, l10n/bundle.l10n.<locale>.json) needs.
    const core = path.join(tmp, `language-pack-${opts.locale}.i18n.json`);
    fs.writeFileSync(core, JSON.stringify({ contents: {} }));
    fs.writeFileSync(
      path.join(userData, 'languagepacks.json'),
      JSON.stringify({
        [opts.locale]: {
          hash: `test-${opts.locale}`,
          extensions: [{ extensionIdentifier: { id: `test.language-pack-${opts.locale}` }, version: '0.0.0' }],
          translations: { vscode: core },
          label: opts.locale,
        },
      }),
    );
  }
  // Our settings win over what a kept state folder has, the user's other settings stay.
  const settingsFile = path.join(userData, 'User', 'settings.json');
  let kept = {};
  try {
    kept = JSON.parse(fs.readFileSync(settingsFile, 'utf8'));
  } catch {
    /* new or unreadable: start fresh */
  }
  fs.writeFileSync(settingsFile, JSON.stringify({ ...kept, ...BASE_SETTINGS, ...(opts.settings ?? {}) }, null, 2));
  const galleryPort = await freePort(); // nothing listens there: the marketplace is unreachable by design
  const args = [
    codeServerEntry,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--reconnection-grace-time', '10',
    '--user-data-dir', userData,
    '--extensions-dir', extensions,
  ];
  if (opts.locale) args.push('--locale', opts.locale);
  if (opts.smokeTestDriver !== false) args.push('--vscode-option', 'enable-smoke-test-driver');
  args.push(opts.workspace);
  const child = spawn(node24, args, {
    detached: true, // own process group: we kill the whole group at the end (file watchers, pty host, ext host)
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      HOME: home,
      TMPDIR: tmpDir,
      EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: `http://127.0.0.1:${galleryPort}/gallery` }),
      VSCODE_PROXY_URI: '',
    },
  });
  const output = [];
  const onData = (d) => {
    output.push(d.toString());
    if (!opts.quiet && process.env.EXALATE_DEBUG) process.stderr.write(`[code-server] ${d}`);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);

  const host = `127.0.0.1:${port}`;
  const url = `http://${host}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}):\n${output.join('')}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`code-server did not start within 60 s:\n${output.join('')}`);
    await new Promise((r) => setTimeout(r, 150));
  }

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    await new Promise((r) => {
      const t = setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
        r();
      }, 3000);
      child.once('exit', () => {
        clearTimeout(t);
        r();
      });
      if (child.exitCode !== null) {
        clearTimeout(t);
        r();
      }
    });
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
    if (!opts.stateDir) fs.rmSync(tmp, { recursive: true, force: true });
  };
  return { url, host, port, tmp, extensions, userSettings: settingsFile, stop, output };
}

/** The workbench URL that loads our extension in development mode (and optionally a test module) via `payload`. */
export function workbenchUrl(server, { workspace, extensionPath, testsPath, env }) {
  const payload = [['extensionDevelopmentPath', `vscode-remote://${server.host}${extensionPath}`]];
  if (testsPath) payload.push(['extensionTestsPath', `vscode-remote://${server.host}${testsPath}`]);
  if (env) payload.push(['extensionEnvironment', JSON.stringify(env)]);
  return `${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
