// Sandbox nodes for integration and e2e tests, through the one starter (test/support/sandboxProcess.ts): a
// temporary data directory, restart on the same port and data, dispose() removes everything.
// Works under code-server (process.execPath is Node 24) and desktop VS Code (Electron run as Node).
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot, spawnSandbox, type SpawnedSandbox } from '../../support/sandboxProcess';

export const REPO_ROOT = repoRoot();

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
  let node: SpawnedSandbox;
  try {
    node = await spawnSandbox(argsFor(opts.port ?? 0), { label: `sandbox ${name}` });
  } catch (e) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  const port = Number(new URL(node.url).port);
  const sp: SandboxProcess = {
    url: node.url,
    ado: node.ado,
    name,
    token,
    adoPat: token,
    dataDir,
    child: node.child,
    stop: () => node.stop(),
    kill: () => node.kill9(),
    async restart() {
      node = await spawnSandbox(argsFor(port), { label: `sandbox ${name}` });
      sp.child = node.child;
    },
    async dispose() {
      await node.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return sp;
}
