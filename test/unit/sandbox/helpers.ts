// Helpers for sandbox tests: temp dirs, sandbox child processes (dist/sandbox.js), and a tiny HTTP API caller.
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSandbox as spawnCore, type SpawnedSandbox } from '../../support/sandboxProcess';

export const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
export const SANDBOX_JS = path.join(ROOT, 'dist', 'sandbox.js');

const tempDirs: string[] = [];
const children = new Set<ChildProcess>();
export function tempDir(label: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `exa-${label}-`));
  tempDirs.push(d);
  return d;
}
/**
 * Kills every sandbox process spawned here that is still running (a test that failed before its stop) and deletes
 * every temp dir made by {@link tempDir}. Call it from `after`.
 */
export function cleanupTempDirs(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  children.clear();
  for (const d of tempDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true, maxRetries: 3 });
}

export interface ApiResult<T = unknown> {
  status: number;
  json: T;
  headers: Headers;
}

export interface CallOptions {
  token?: string | null;
  headers?: Record<string, string>;
  /** Raw body text (sent as-is). */
  raw?: string;
}

/** Calls the Node API; `body` is JSON-encoded unless `raw` is given. */
export async function call<T = unknown>(base: string, token: string | null, method: string, p: string, body?: unknown, opts: CallOptions = {}): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let payload: string | undefined;
  if (opts.raw !== undefined) payload = opts.raw;
  else if (body !== undefined) payload = JSON.stringify(body);
  if (payload !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${p}`, { method, headers, body: payload });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, json: json as T, headers: res.headers };
}

/** A bound API caller for one node. */
export function client(base: string, token: string) {
  return <T = unknown>(method: string, p: string, body?: unknown, opts?: CallOptions) => call<T>(base, token, method, p, body, opts);
}

export type SandboxProcess = SpawnedSandbox;

/** Spawns `node dist/sandbox.js <args>` and waits for its JSON ready line (test/support/sandboxProcess.ts). */
export async function spawnSandbox(args: string[]): Promise<SandboxProcess> {
  const sp = await spawnCore(args, { readyTimeoutMs: 15_000 });
  children.add(sp.child);
  void sp.exited.then(() => children.delete(sp.child));
  return sp;
}

/** Polls `check` until it returns a truthy value or the timeout elapses. */
export async function waitFor<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function initiateBody(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    destinationUrl: null,
    mode: 'script',
    localShortName: 'alpha',
    remoteShortName: 'beta',
    name: 'Alpha to Beta',
    description: 'test connection',
    project: 'Contoso Web',
    ...over,
  };
}
