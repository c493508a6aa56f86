// The client contract tests' and bench/node.ts's sandbox: the one starter (test/support/sandboxProcess.ts) with a
// temporary data directory that stop() removes.
// Used by the client contract tests and by bench/node.ts. Build first: `node esbuild.js`.
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSandbox, type SpawnedSandbox } from '../../support/sandboxProcess';

export { repoRoot } from '../../support/sandboxProcess';

export interface SandboxProcess {
  url: string;
  ado: string;
  token: string;
  name: string;
  dataDir: string;
  child: ChildProcess;
  /** stderr so far (the sandbox's log), for failure messages. */
  stderr(): string;
  /** SIGTERM, then SIGKILL after 3 s; removes the data dir unless `keepData`. */
  stop(keepData?: boolean): Promise<void>;
}

export interface SandboxProcessOptions {
  name: string;
  token?: string;
  pollMs?: number;
  dev?: boolean;
  extraArgs?: string[];
}

export async function startSandboxProcess(o: SandboxProcessOptions): Promise<SandboxProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `exalate-${o.name}-`));
  const token = o.token ?? `tok-${o.name}-${Math.random().toString(36).slice(2)}`;
  const args = ['--port', '0', '--data', dataDir, '--token', token, '--name', o.name];
  if (o.pollMs !== undefined) args.push('--poll-ms', String(o.pollMs));
  if (o.dev) args.push('--dev');
  args.push(...(o.extraArgs ?? []));
  let sp: SpawnedSandbox;
  try {
    sp = await spawnSandbox(args, { readyTimeoutMs: 15_000, label: `sandbox ${o.name}` });
  } catch (e) {
    // Never leave its data dir behind (the process is gone already).
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  let stopped: Promise<void> | null = null;
  return {
    url: sp.url,
    ado: sp.ado,
    token,
    name: o.name,
    dataDir,
    child: sp.child,
    stderr: sp.stderr,
    stop(keepData = false) {
      stopped ??= sp.stop(3000).then(() => {
        if (!keepData) fs.rmSync(dataDir, { recursive: true, force: true });
      });
      return stopped;
    },
  };
}

/** A localhost port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}
