// The one way tests start a sandbox node (issue 13): `node dist/sandbox.js …` as a child process, ready when it
// prints its JSON ready line, with a deadline that fails loudly and nothing left behind when it fails. Unit tests
// (test/unit/sandbox/helpers.ts, test/unit/exalate/sandboxProcess.ts), integration and e2e tests
// (test/integration/support/sandbox.ts) and bench/node.ts build on it. Build first: `node esbuild.js`.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';

/** Repository root, found above this file wherever it was compiled to (out/test/support, out/bench…). */
export function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'esbuild.js'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error(`repository root not found above ${__dirname}`);
}

export function sandboxCli(): string {
  return path.join(repoRoot(), 'dist', 'sandbox.js');
}

export interface SpawnedSandbox {
  url: string;
  ado: string;
  child: ChildProcess;
  /** Everything written to stderr so far (the node's log), for failure messages. */
  stderr(): string;
  /** Resolves with the exit code when the process has exited. */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it exited. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL, as if the machine died. */
  kill9(): Promise<void>;
}

/** Spawns the sandbox CLI with `args` and waits for its ready line; kills it if it does not get there. */
export async function spawnSandbox(args: string[], o: { readyTimeoutMs?: number; label?: string } = {}): Promise<SpawnedSandbox> {
  const cli = sandboxCli();
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run \`node esbuild.js\` first`);
  const label = o.label ?? 'sandbox';
  const child = spawn(process.execPath, [cli, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Desktop VS Code's extension host runs tests in Electron: run it as Node.
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
  let err = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => {
    err += d;
    if (err.length > 200_000) err = err.slice(-100_000);
  });
  const exited = new Promise<number | null>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code)),
  );
  const timeoutMs = o.readyTimeoutMs ?? 20_000;
  const lines = readline.createInterface({ input: child.stdout! });
  const starting = new Promise<{ url: string; ado: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} did not start within ${timeoutMs} ms; stderr:\n${err}`)), timeoutMs);
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line) as { url: string; ado: string });
      } catch (e) {
        reject(new Error(`${label} printed a bad ready line: ${line} (${String(e)})`));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited with ${code} before it was ready; stderr:\n${err}`));
    });
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  let ready: { url: string; ado: string };
  try {
    ready = await starting;
  } catch (e) {
    if (alive()) child.kill('SIGKILL');
    throw e;
  }
  return {
    ...ready,
    child,
    stderr: () => err,
    exited,
    async stop(graceMs = 3000) {
      if (alive()) {
        const kill = setTimeout(() => alive() && child.kill('SIGKILL'), graceMs);
        child.kill('SIGTERM');
        await exited;
        clearTimeout(kill);
      }
    },
    async kill9() {
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
  };
}
