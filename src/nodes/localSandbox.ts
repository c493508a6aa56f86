// "Start Local Sandbox": the sandbox node (src/sandbox) running inside the extension host. Its data lives in the
// extension's global storage (so connections survive restarts), its API token in SecretStorage, and it listens on
// the same port as last time when that port is free (so the node URL in the settings stays valid). Its code is a
// separate bundle (dist/sandboxHost.js, built from src/sandbox/index.ts) `require`d on first use, so neither
// activation nor dist/extension.js carries it; deactivate() waits for stop().
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../log';
import type { NodeRegistry } from './registry';
import type * as SandboxModule from '../sandbox';
import type { RunningSandbox } from '../sandbox/sandbox';

const TOKEN_SECRET = 'exalate.sandbox.token';
const PORT_STATE = 'exalate.sandbox.port';
export const SANDBOX_SHORT_NAME = 'my-sandbox';
/** The sandbox node's label, saved in `exalate.nodes` in the display language of the first start. */
const sandboxLabel = () => vscode.l10n.t('Local sandbox');

export interface SandboxStartResult {
  url: string;
  /** False when it was already running (in this window or, sharing the data, in another one). */
  started: boolean;
}

let sandboxModule: typeof SandboxModule | undefined;

/** Requires dist/sandboxHost.js (a separate esbuild entry) the first time the sandbox starts. */
export function loadSandboxHost(extensionPath: string): typeof SandboxModule {
  if (!sandboxModule) {
    // A runtime path on purpose: esbuild must not pull the sandbox into dist/extension.js.
    const file = path.join(extensionPath, 'dist', 'sandboxHost.js');
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy runtime load is the point
    sandboxModule = require(file) as typeof SandboxModule;
  }
  return sandboxModule;
}

export class LocalSandbox implements vscode.Disposable {
  private running: RunningSandbox | undefined;
  private starting: Promise<SandboxStartResult> | undefined;
  /** URL of the sandbox when another VS Code window runs it on the same data. */
  private external: string | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly nodes: NodeRegistry,
    private readonly log: Logger,
  ) {}

  /** URL of the sandbox this window runs or uses, once started. */
  get url(): string | undefined {
    return this.running?.url ?? this.external;
  }

  /** True when this window runs the sandbox in its own process. */
  get ownsProcess(): boolean {
    return this.running !== undefined;
  }

  /** Starts the sandbox (once; concurrent callers share the start) and makes sure it is in the node list. */
  start(): Promise<SandboxStartResult> {
    if (this.running) return Promise.resolve({ url: this.running.url, started: false });
    if (this.external) return Promise.resolve({ url: this.external, started: false });
    this.starting ??= this.doStart().finally(() => (this.starting = undefined));
    return this.starting;
  }

  async stop(): Promise<void> {
    const r = this.running;
    this.running = undefined;
    this.external = undefined;
    await r?.stop();
  }

  private async doStart(): Promise<SandboxStartResult> {
    let token = await this.context.secrets.get(TOKEN_SECRET);
    if (!token) {
      token = randomBytes(24).toString('base64url');
      await this.context.secrets.store(TOKEN_SECRET, token);
    }
    this.log.addSecret(token);
    const dataDir = path.join(this.context.globalStorageUri.fsPath, 'sandbox');
    const lastPort = this.context.globalState.get<number>(PORT_STATE);
    // Loaded on first use only: activation stays free of the sandbox code.
    const { startSandbox } = loadSandboxHost(this.context.extensionPath);
    const options = {
      dataDir,
      token,
      name: SANDBOX_SHORT_NAME,
      seed: true,
      log: (line: string) => this.log.trace(`[local sandbox] ${line}`),
    };
    let running: RunningSandbox;
    try {
      running = await startSandbox({ ...options, port: lastPort ?? 0 });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (lastPort && err.code === 'EADDRINUSE') {
        this.log.warn(`Local sandbox: port ${lastPort} is taken, using another one`);
        running = await startSandbox({ ...options, port: 0 });
      } else if (lastPort && /is in use by process/.test(err.message ?? '')) {
        // Another VS Code window runs it on the same data: use that one.
        const url = `http://127.0.0.1:${lastPort}`;
        this.log.info(`Local sandbox: already running in another window at ${url}`);
        this.external = url;
        if (!this.nodes.get(url)) await this.register(url, token, undefined);
        return { url, started: false };
      } else {
        throw e;
      }
    }
    this.running = running;
    await this.context.globalState.update(PORT_STATE, running.port);
    await this.register(running.url, token, running.adoUrl);
    this.log.info(`Local sandbox running at ${running.url} (data in ${dataDir})`);
    return { url: running.url, started: true };
  }

  /** Puts the sandbox in the node list under its current URL (dropping an entry with an older port). */
  private async register(url: string, token: string, adoUrl: string | undefined): Promise<void> {
    for (const old of this.nodes.list().filter((n) => n.sandbox && n.url !== url)) await this.nodes.remove(old.url);
    const existing = this.nodes.get(url);
    await this.nodes.upsert(
      { url, label: existing?.label ?? sandboxLabel(), sandbox: true, adoOrgUrl: adoUrl ?? existing?.adoOrgUrl },
      token,
      token, // the emulator accepts the node token as its PAT
    );
  }

  dispose(): void {
    void this.disposeAndWait();
  }

  /** Stops the sandbox this window runs; resolves once it has (at once when it runs none). deactivate() awaits it. */
  disposeAndWait(): Promise<void> {
    return this.stop();
  }
}
