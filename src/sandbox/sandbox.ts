// In-process entry point of the sandbox node: `startSandbox(options)` opens the store, starts the HTTP server
// (Node API + Azure DevOps emulator under /ado/) and the poller, and returns handles for the caller
// (the extension's "Start Local Sandbox" command, tests, and the CLI in cli.ts).
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Mode } from '../shared/api';
import { createAdoEmulator, type AdoEmulator } from './ado';
import { DEFAULT_INVITATION_TTL_MS, DEFAULT_PEER_TIMEOUT_MS, DEFAULT_POLL_MS, SandboxNode } from './node';
import { DEFAULT_SERVER_LIMITS, createRequestHandler, type ServerLimits } from './server';
import { Store, ensurePrivateDir, writeFileDurable, type StoreIo } from './store';

export interface SandboxOptions {
  /** Directory for the store and the node key (created if missing). */
  dataDir: string;
  /** Draft versions kept per connection and direction besides the published ones (default 20; tests use fewer). */
  keepDrafts?: number;
  /** Bearer token every Node API call must carry. */
  token: string;
  /** Instance short name of this node. */
  name: string;
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** URL other nodes use to reach this one; default `http://<host>:<port>`. */
  publicUrl?: string;
  /** Azure DevOps organization served by the emulator; default `sandbox-org`. */
  org?: string;
  /** PAT the emulator accepts; default: the node token. */
  adoPat?: string;
  /** Acceptor polling interval in ms; default 20000. */
  pollMs?: number;
  /** Invitation lifetime in ms; default 7 days. */
  invitationTtlMs?: number;
  /** Timeout for calls to other nodes in ms; default 5000. */
  peerTimeoutMs?: number;
  /** Modes this node offers; default all three. */
  modes?: Mode[];
  /** Add example connections (once per data dir) and emulator projects. */
  seed?: boolean;
  /** Enable `POST /api/v1/dev/bulk`. */
  dev?: boolean;
  /** Log sink; default: stderr. */
  log?: (line: string) => void;
  /** Log one line per inbound request (method, path, credential kind). */
  logRequests?: boolean;
  /** Largest attachment the Azure DevOps emulator accepts, in bytes; default 16 MiB. */
  maxAttachmentBytes?: number;
  /** Storage quota of the data directory in bytes (scripts, work items, attachments, snapshot, journal); default 1 GiB. */
  quotaBytes?: number;
  /** Journal size in bytes that triggers a compaction; default 4 MiB. */
  compactBytes?: number;
  /** Test-only: replaces the store's file calls (fault injection). */
  storeIo?: Partial<StoreIo>;
  /** Server limits (timeouts, connection cap, pipelining); default {@link DEFAULT_SERVER_LIMITS}. */
  limits?: Partial<ServerLimits>;
  /** Observes every inbound HTTP request (tests). */
  onRequest?: (req: http.IncomingMessage) => void;
  /**
   * Test-only: the node's clock in ms since the epoch (default `Date.now`). Drives invitation expiry, timestamps and
   * node-to-node token times, so tests can move time instead of sleeping.
   */
  now?: () => number;
}

export interface RunningSandbox {
  /** Base URL of the Node API, e.g. `http://127.0.0.1:4100`. */
  readonly url: string;
  /** Org URL of the Azure DevOps emulator, e.g. `http://127.0.0.1:4100/ado/sandbox-org`. */
  readonly adoUrl: string;
  readonly port: number;
  readonly node: SandboxNode;
  /** The Azure DevOps emulator (in-process API: work item writes, onChange, findByOrigin, queryWiql). */
  readonly ado: AdoEmulator;
  /** Number of open HTTP connections (tests of the server limits). */
  openConnections(): Promise<number>;
  /** Stops polling and the server, and closes the store. Idempotent. */
  stop(): Promise<void>;
}

export const DEFAULT_ORG = 'sandbox-org';


/** Whether `host` (a bind address) is a loopback interface, reachable only from this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(?:\.\d{1,3}){3}$/.test(h) || /^::ffff:127(?:\.\d{1,3}){3}$/.test(h);
}

/** The warning printed when the node serves plain http on a non-loopback interface. */
export function plainHttpWarning(host: string): string {
  return `warning: serving plain http on ${host}, which other machines can reach: the node token and node-to-node traffic travel unencrypted. Bind to 127.0.0.1, or put a TLS-terminating proxy in front and pass its https URL as --public-url.`;
}

/** Loads the node's master key (from which invitation secrets are derived), creating it on first start. */
function loadMasterKey(dataDir: string): Buffer {
  const file = path.join(dataDir, 'node.key');
  try {
    const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64url');
    if (key.length === 32) return key;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const key = randomBytes(32);
  writeFileDurable(file, key.toString('base64url'));
  return key;
}

export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const log = options.log ?? ((line: string) => process.stderr.write(`[sandbox ${options.name}] ${line}\n`));
  const host = options.host ?? '127.0.0.1';
  ensurePrivateDir(options.dataDir);
  const store = Store.open(options.dataDir, { quotaBytes: options.quotaBytes, compactBytes: options.compactBytes, io: options.storeIo, log });
  let server: http.Server | undefined;
  let node: SandboxNode | undefined;
  try {
    const masterKey = loadMasterKey(options.dataDir);
    node = new SandboxNode({
      store,
      masterKey,
      shortName: options.name,
      modes: options.modes ?? ['script', 'visual', 'basic'],
      pollMs: options.pollMs ?? DEFAULT_POLL_MS,
      invitationTtlMs: options.invitationTtlMs ?? DEFAULT_INVITATION_TTL_MS,
      peerTimeoutMs: options.peerTimeoutMs ?? DEFAULT_PEER_TIMEOUT_MS,
      log,
      now: options.now,
      keepDrafts: options.keepDrafts,
    });
    const org = options.org ?? DEFAULT_ORG;
    // The emulator keeps its work items in the node's store (collections ado*), durable like everything else.
    const ado = createAdoEmulator({ org, pat: options.adoPat ?? options.token, seed: options.seed ?? false, store, maxAttachmentBytes: options.maxAttachmentBytes });
    // Its in-process API (writes with an origin tag, change events) drives work item sync.
    node.attachEmulator(ado);
    let baseUrl = '';
    const n = node;
    const limits: ServerLimits = { ...DEFAULT_SERVER_LIMITS, ...options.limits };
    server = http.createServer(
      {
        headersTimeout: limits.headersTimeoutMs,
        requestTimeout: limits.requestTimeoutMs,
        keepAliveTimeout: limits.keepAliveTimeoutMs,
        // How often Node checks the two timeouts above (its default, 30 s, would let them run over by that much).
        connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 4))),
      },
      createRequestHandler({
        node: n,
        token: options.token,
        dev: options.dev ?? false,
        ado,
        baseUrl: () => baseUrl,
        log,
        onRequest: options.onRequest,
        logRequests: options.logRequests,
        maxPipelined: limits.maxPipelined,
        maxRequestsPerSocket: limits.maxRequestsPerSocket,
      }),
    );
    server.timeout = limits.idleTimeoutMs;
    server.maxRequestsPerSocket = limits.maxRequestsPerSocket;
    server.maxConnections = limits.maxConnections;
    const s = server;
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(options.port ?? 0, host, () => {
        s.off('error', reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    const hostInUrl = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
    baseUrl = `http://${hostInUrl}:${port}`;
    node.publicUrl = (options.publicUrl ?? baseUrl).replace(/\/+$/, '');
    const adoUrl = ado.orgUrl(`${baseUrl}/ado`);
    node.adoUrl = adoUrl;
    if (options.seed) node.seed();
    node.startPolling();
    if (!isLoopbackHost(host)) log(plainHttpWarning(host));
    log(`listening on ${baseUrl} (public URL ${node.publicUrl}), ${node.size} connections, ADO emulator at ${adoUrl}`);
    let stopping: Promise<void> | null = null;
    return {
      url: baseUrl,
      adoUrl,
      port,
      node,
      ado,
      openConnections: () => new Promise<number>((resolve, reject) => s.getConnections((e, n) => (e ? reject(e) : resolve(n)))),
      stop() {
        stopping ??= (async () => {
          await n.stop();
          await new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          });
          await store.settle();
          store.close();
          log('stopped');
        })();
        return stopping;
      },
    };
  } catch (e) {
    await node?.stop();
    server?.close();
    store.close();
    throw e;
  }
}
