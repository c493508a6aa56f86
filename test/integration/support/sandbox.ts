// Starts real sandbox node processes (dist/sandbox.js) for integration tests running inside the extension host.
// Works under code-server (process.execPath is Node 24) and desktop VS Code (Electron run as Node).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

export interface SandboxProcess {
  url: string;
  ado: string;
  name: string;
  token: string;
  adoPat: string;
  dataDir: string;
  child: ChildProcess;
  /** Graceful stop. */
  stop(): Promise<void>;
  /** SIGKILL, as if the machine died. */
  kill(): Promise<void>;
  /** Starts the same node again on the same port and data (after stop/kill). */
  restart(): Promise<void>;
  /** Stops the node if it still runs and deletes its data directory: call it in after() when the suite is done. */
  dispose(): Promise<void>;
}

export interface SandboxProcessOptions {
  name?: string;
  seed?: boolean;
  dev?: boolean;
  pollMs?: number;
  port?: number;
  token?: string;
  extraArgs?: string[];
}

function spawnNode(args: string[]): ChildProcess {
  return spawn(process.execPath, [path.join(REPO_ROOT, 'dist', 'sandbox.js'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
}

async function waitReady(child: ChildProcess): Promise<{ url: string; ado: string }> {
  const stderr: string[] = [];
  child.stderr?.on('data', (d) => stderr.push(String(d)));
  const rl = readline.createInterface({ input: child.stdout! });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sandbox did not start in 20 s:\n${stderr.join('')}`)), 20_000);
    rl.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line));
      } catch (e) {
        reject(new Error(`sandbox printed a bad ready line: ${line} (${e})`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox exited with ${code}:\n${stderr.join('')}`));
    });
  });
}

export async function startSandboxProcess(opts: SandboxProcessOptions = {}): Promise<SandboxProcess> {
  const name = opts.name ?? `node${randomBytes(3).toString('hex')}`;
  const token = opts.token ?? `tok-${randomBytes(16).toString('hex')}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `exalate-it-${name}-`));
  const argsFor = (port: number) => [
    '--port', String(port),
    '--data', dataDir,
    '--token', token,
    '--name', name,
    '--poll-ms', String(opts.pollMs ?? 300),
    ...(opts.seed ? ['--seed'] : []),
    ...(opts.dev ?? true ? ['--dev'] : []),
    ...(opts.extraArgs ?? []),
  ];
  let child = spawnNode(argsFor(opts.port ?? 0));
  const ready = await waitReady(child);
  const port = Number(new URL(ready.url).port);
  const exited = (c: ChildProcess) =>
    new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r())));
  const sp: SandboxProcess = {
    url: ready.url,
    ado: ready.ado,
    name,
    token,
    adoPat: token,
    dataDir,
    child,
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
    },
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
    },
    async restart() {
      child = spawnNode(argsFor(port));
      sp.child = child;
      await waitReady(child);
    },
    async dispose() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited(child);
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return sp;
}
