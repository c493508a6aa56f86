// Starts the real sandbox CLI (`node dist/sandbox.js`) as a child process and reads its one JSON ready line.
// Used by the client contract tests and by bench/node.ts. Build first: `node esbuild.js`.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** Repository root, from out/test/unit/exalate (tests) or out/bench (benchmark). */
export function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'esbuild.js'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error(`repository root not found above ${__dirname}`);
}

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
  const cli = path.join(repoRoot(), 'dist', 'sandbox.js');
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run \`node esbuild.js\` first`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `exalate-${o.name}-`));
  const token = o.token ?? `tok-${o.name}-${Math.random().toString(36).slice(2)}`;
  const args = [cli, '--port', '0', '--data', dataDir, '--token', token, '--name', o.name];
  if (o.pollMs !== undefined) args.push('--poll-ms', String(o.pollMs));
  if (o.dev) args.push('--dev');
  args.push(...(o.extraArgs ?? []));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => {
    err += d;
    if (err.length > 200_000) err = err.slice(-100_000);
  });
  const starting = new Promise<{ url: string; ado: string }>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`sandbox ${o.name} did not start within 15 s:\n${err}`)), 15_000);
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        try {
          resolve(JSON.parse(out.slice(0, nl)) as { url: string; ado: string });
        } catch (e) {
          reject(new Error(`sandbox ${o.name} printed a non-JSON ready line: ${out.slice(0, nl)} (${String(e)})`));
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox ${o.name} exited with ${code} before it was ready:\n${err}`));
    });
  });
  let ready: { url: string; ado: string };
  try {
    ready = await starting;
  } catch (e) {
    // Never leave a half-started process or its data dir behind.
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  let stopped: Promise<void> | null = null;
  return {
    ...ready,
    token,
    name: o.name,
    dataDir,
    child,
    stderr: () => err,
    stop(keepData = false) {
      stopped ??= new Promise<void>((resolve) => {
        const done = () => {
          if (!keepData) fs.rmSync(dataDir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null || child.signalCode !== null) return done();
        const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
        child.once('exit', () => {
          clearTimeout(kill);
          done();
        });
        child.kill('SIGTERM');
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
