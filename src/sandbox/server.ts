// HTTP front of the sandbox node: routing, Bearer auth, body limits, JSON in/out, and the `/ado/` mount.
// Server limits (timeouts, connection cap, pipelining) are in {@link ServerLimits}; sandbox.ts applies them.
import type * as http from 'node:http';
import type { Socket } from 'node:net';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AUTHOR_HEADER, ConnectionIdSchema, IDEMPOTENCY_KEY_HEADER, PublishRuleRequestSchema, RuleDirectionSchema, parseRuleEtag, ruleEtag, type RuleDirection } from '../shared/api';
import { AUTHOR_MAX_LENGTH, IDEMPOTENCY_KEY_MAX_LENGTH, MAX_BODY_BYTES, MAX_RULE_BODY_BYTES, authorHeaderSchema, idempotencyKeySchema } from '../shared/validation';
import { ApiError } from './errors';
import type { SandboxNode } from './node';
import { parse } from './parts/context';
import { StoreError } from './store';
import { MAX_SYNC_BODY_BYTES } from './parts/sync/records';

/** Limits of the HTTP server (docs/node-api.md "Limits"). Tests pass smaller ones. */
export interface ServerLimits {
  /** Time a client has to send the complete request headers (ms). */
  headersTimeoutMs: number;
  /** Time a client has to send the complete request, body included (ms). */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open (ms). */
  keepAliveTimeoutMs: number;
  /**
   * Socket inactivity limit (ms): a connection on which nothing is read or written for this long is closed. This is
   * also the write timeout: a client that stops reading its answers stops the writes, and the socket is closed.
   */
  idleTimeoutMs: number;
  /** Requests served on one connection before the server closes it. */
  maxRequestsPerSocket: number;
  /** Open connections at once; further ones are closed right away. */
  maxConnections: number;
  /**
   * Requests received on one connection whose answers have not been sent yet (pipelining). One more is answered
   * 503 `overloaded` and the connection is closed, so a client that never reads cannot make the node buffer answers.
   */
  maxPipelined: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 30_000,
  maxRequestsPerSocket: 1_000,
  maxConnections: 256,
  maxPipelined: 4,
};

export interface AdoMount {
  handle(req: http.IncomingMessage, res: http.ServerResponse, baseUrl: string): Promise<void>;
}

export interface HandlerOptions {
  node: SandboxNode;
  token: string;
  dev: boolean;
  ado: AdoMount | null;
  /** Base URL of this server (e.g. `http://127.0.0.1:4100`), known once listening. */
  baseUrl: () => string;
  log: (line: string) => void;
  /** Called for every request with its path (tests count requests). */
  onRequest?: (req: http.IncomingMessage) => void;
  /** Log one line per request: method, path and which credential it carried (token / other bearer / none). */
  logRequests?: boolean;
  /** Default {@link DEFAULT_SERVER_LIMITS}.maxPipelined. */
  maxPipelined?: number;
  /** Default {@link DEFAULT_SERVER_LIMITS}.maxRequestsPerSocket: the answer to the last one closes the connection. */
  maxRequestsPerSocket?: number;
}

interface Ctx {
  req: http.IncomingMessage;
  params: string[];
  query: URLSearchParams;
  body: () => Promise<unknown>;
}

interface Result {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Handler = (ctx: Ctx) => Promise<Result> | Result;

interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
  /** `bearer` (the node token), `public` (none) or `peer` (node-to-node JWT checked by the handler). */
  auth: 'bearer' | 'public' | 'peer';
  maxBody?: number;
  devOnly?: boolean;
}

const ID = '([^/]+)';
const DIR = '([^/]+)';

function hashToken(t: string): Buffer {
  return createHash('sha256').update(t).digest();
}

function dir(raw: string): RuleDirection {
  const r = RuleDirectionSchema.safeParse(raw);
  if (!r.success) throw new ApiError(404, 'not_found', `Unknown rule direction "${raw}" (use outgoing or incoming)`);
  return r.data;
}

/** A version number in a path; anything else is an unknown version (404). */
function versionParam(raw: string): number {
  if (!/^[1-9]\d{0,8}$/.test(raw)) throw new ApiError(404, 'not_found', `Version ${raw} not found`);
  return Number(raw);
}

function author(req: http.IncomingMessage): string {
  const raw = req.headers[AUTHOR_HEADER];
  if (raw === undefined) return 'api';
  const r = authorHeaderSchema.safeParse(Array.isArray(raw) ? raw[0] : raw);
  if (!r.success) {
    throw new ApiError(400, 'bad_request', `X-Exalate-Author must be 1–${AUTHOR_MAX_LENGTH} printable characters`, {
      [AUTHOR_HEADER]: r.error.issues[0].message,
    });
  }
  return r.data;
}

function routes(o: HandlerOptions): Route[] {
  const n = o.node;
  const r = (method: string, path: string, auth: Route['auth'], handler: Handler, extra: Partial<Route> = {}): Route => ({
    method,
    pattern: new RegExp(`^/api/v1${path}$`),
    auth,
    handler,
    ...extra,
  });
  return [
    r('GET', '/public/info', 'public', () => ({ status: 200, body: n.publicInfo() })),
    r('GET', '/node', 'bearer', () => ({ status: 200, body: n.info() })),
    r('GET', '/connections', 'bearer', ({ query }) => ({ status: 200, body: n.list(query.get('limit'), query.get('cursor')) })),
    r('POST', '/connections', 'bearer', async ({ req, body }) => {
      const raw = req.headers[IDEMPOTENCY_KEY_HEADER];
      const parsed = raw === undefined ? null : idempotencyKeySchema.safeParse(Array.isArray(raw) ? raw[0] : raw);
      if (parsed && !parsed.success) {
        throw new ApiError(400, 'bad_request', `Idempotency-Key must be 1–${IDEMPOTENCY_KEY_MAX_LENGTH} visible ASCII characters`, {
          'idempotency-key': parsed.error.issues[0].message,
        });
      }
      const key = parsed ? parsed.data : null;
      const result = await n.initiate(await body(), key);
      return { status: 201, body: result, headers: { location: `/api/v1/connections/${result.connection.id}` } };
    }),
    r('POST', '/destinations/check', 'bearer', async ({ body }) => ({ status: 200, body: await n.checkDestination(await body()) })),
    r('GET', `/connections/${ID}`, 'bearer', ({ params }) => ({ status: 200, body: n.get(params[0]) })),
    r('PATCH', `/connections/${ID}`, 'bearer', async ({ params, body }) => ({ status: 200, body: await n.patch(params[0], await body()) })),
    r('DELETE', `/connections/${ID}`, 'bearer', async ({ params }) => {
      await n.remove(params[0]);
      return { status: 204 };
    }),
    r('GET', `/connections/${ID}/invitation`, 'bearer', ({ params }) => ({ status: 200, body: n.getInvitation(params[0]) })),
    r('POST', '/invitations/preview', 'bearer', async ({ body }) => ({ status: 200, body: n.previewInvitation(await body()) })),
    r('POST', '/invitations/accept', 'bearer', async ({ body }) => ({ status: 201, body: await n.accept(await body()) })),
    r('POST', '/invitations/check', 'bearer', async ({ body }) => ({ status: 200, body: await n.checkInvitation(await body()) })),
    r('GET', `/connections/${ID}/rules/${DIR}`, 'bearer', ({ params }) => {
      const rule = n.getRule(params[0], dir(params[1]));
      return { status: 200, body: rule, headers: { etag: ruleEtag(rule.version) } };
    }),
    r('GET', `/connections/${ID}/rules/${DIR}/latest`, 'bearer', ({ params }) => {
      const rule = n.latestRule(params[0], dir(params[1]));
      return { status: 200, body: rule, headers: { etag: ruleEtag(rule.version) } };
    }),
    // Before drafts, PUT saved AND published at once. A client that still sends it expects the rule to be live, so
    // it gets a specific error telling it to update rather than a draft it does not know about. Answered before
    // the body is read; nothing is stored.
    r(
      'PUT',
      `/connections/${ID}/rules/${DIR}`,
      'bearer',
      ({ params }) => {
        const d = dir(params[1]);
        n.get(params[0]);
        throw new ApiError(
          410,
          'client_outdated',
          `This node keeps drafts: PUT …/rules/${d} (save and publish at once) is no longer accepted and nothing was saved. Update the Exalate extension (or your client): save with POST …/rules/${d}/drafts, then publish with POST …/rules/${d}/versions/{n}/publish.`,
        );
      },
      { maxBody: MAX_RULE_BODY_BYTES },
    ),
    r(
      'POST',
      `/connections/${ID}/rules/${DIR}/drafts`,
      'bearer',
      async ({ req, params, body }) => {
        const d = dir(params[1]);
        n.get(params[0]); // 404 before 400/428 for an unknown connection
        const ifMatch = req.headers['if-match'];
        const version = ifMatch === undefined ? null : parseRuleEtag(ifMatch);
        if (ifMatch !== undefined && version === null) {
          throw new ApiError(400, 'bad_request', 'If-Match must be a rule version ETag such as "3"', { 'if-match': 'Must be an ETag such as "3"' });
        }
        const who = author(req);
        const rule = await n.saveDraft(params[0], d, await body(), version, who);
        return {
          status: 201,
          body: rule,
          headers: { etag: ruleEtag(rule.version), location: `/api/v1/connections/${params[0]}/rules/${d}/versions/${rule.version}` },
        };
      },
      { maxBody: MAX_RULE_BODY_BYTES },
    ),
    r('GET', `/connections/${ID}/rules/${DIR}/versions`, 'bearer', ({ params }) => ({ status: 200, body: n.listRuleVersions(params[0], dir(params[1])) })),
    r('GET', `/connections/${ID}/rules/${DIR}/versions/([^/]+)`, 'bearer', ({ params }) => {
      const d = dir(params[1]);
      const rule = n.getRuleVersion(params[0], d, versionParam(params[2]));
      return { status: 200, body: rule, headers: { etag: ruleEtag(rule.version) } };
    }),
    r('POST', `/connections/${ID}/rules/${DIR}/versions/([^/]+)/publish`, 'bearer', async ({ req, params, body }) => {
      const d = dir(params[1]);
      const v = versionParam(params[2]);
      n.get(params[0]);
      const who = author(req);
      parse(PublishRuleRequestSchema, await body());
      const rule = await n.publishRule(params[0], d, v, who);
      return { status: 200, body: rule, headers: { etag: ruleEtag(rule.version) } };
    }),
    // The node checks the node-to-node JWT before it reads the body (it gets the reader, not the body).
    r('POST', `/peer/connections/${ID}/accept`, 'peer', async ({ req, params, body }) => ({
      status: 200,
      body: await n.peerAccept(req.headers.authorization, params[0], body),
    })),
    r('POST', `/peer/connections/${ID}/check`, 'peer', async ({ req, params, body }) => ({
      status: 200,
      body: await n.peerCheck(req.headers.authorization, params[0], body),
    })),
    r('POST', `/peer/connections/${ID}/heartbeat`, 'peer', async ({ req, params, body }) => ({
      status: 200,
      body: await n.peerHeartbeat(req.headers.authorization, params[0], body),
    })),
    r('POST', `/connections/${ID}/sync`, 'bearer', async ({ params, body }) => {
      n.get(params[0]); // 404 before 400 for an unknown connection
      return { status: 202, body: n.requestSync(params[0], await body()) };
    }),
    r('GET', `/connections/${ID}/synced`, 'bearer', ({ params, query }) => ({ status: 200, body: n.listSynced(params[0], query.get('limit'), query.get('cursor')) })),
    r('GET', `/connections/${ID}/synced/([^/]+)/replica`, 'bearer', ({ params }) => ({ status: 200, body: n.lastReplica(params[0], params[1]) })),
    r('GET', `/connections/${ID}/queue`, 'bearer', ({ params }) => ({ status: 200, body: n.syncQueue(params[0]) })),
    r('GET', `/connections/${ID}/errors`, 'bearer', ({ params }) => ({ status: 200, body: n.syncErrors(params[0]) })),
    r('POST', `/connections/${ID}/errors/([^/]+)/retry`, 'bearer', ({ params }) => ({ status: 202, body: n.retrySyncError(params[0], params[1]) })),
    r('POST', `/connections/${ID}/errors/([^/]+)/resolve`, 'bearer', ({ params }) => {
      n.resolveSyncError(params[0], params[1]);
      return { status: 204 };
    }),
    r('GET', `/connections/${ID}/triggers`, 'bearer', ({ params }) => ({ status: 200, body: n.getTriggers(params[0]) })),
    r('PUT', `/connections/${ID}/triggers`, 'bearer', async ({ params, body }) => {
      n.get(params[0]);
      return { status: 200, body: n.putTriggers(params[0], await body()) };
    }),
    r('POST', `/connections/${ID}/triggers/([^/]+)/bulk`, 'bearer', ({ params }) => ({ status: 202, body: n.bulkExalate(params[0], params[1]) })),
    // Sync messages between nodes: the JWT is checked before the (larger) body is read.
    r('POST', `/peer/connections/${ID}/sync/push`, 'peer', async ({ req, params, body }) => ({
      status: 200,
      body: await n.peerSyncPush(req.headers.authorization, params[0], body),
    }), { maxBody: MAX_SYNC_BODY_BYTES }),
    r('POST', `/peer/connections/${ID}/sync/pull`, 'peer', async ({ req, params, body }) => ({
      status: 200,
      body: await n.peerSyncPull(req.headers.authorization, params[0], body),
    })),
    r('POST', '/dev/bulk', 'bearer', async ({ body }) => ({ status: 201, body: n.bulkCreate(await body()) }), { devOnly: true }),
  ];
}

/** Reads a JSON body with a byte cap. Empty body → `{}`-less `undefined` (schemas then report required fields). */
async function readJson(req: http.IncomingMessage, max: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  const tooLarge = () =>
    new ApiError(413, 'payload_too_large', `The request body is larger than ${Math.round(max / 1024)} KiB`, {
      _: `Body must be at most ${Math.round(max / 1024)} KiB`,
    });
  if (Number.isFinite(declared) && declared > max) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  const type = String(req.headers['content-type'] ?? '');
  if (!/^application\/json\b/i.test(type)) {
    throw new ApiError(415, 'unsupported_media_type', 'Send the body as JSON with Content-Type: application/json');
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new ApiError(400, 'bad_request', 'The request body is not valid JSON', { _: 'Body is not valid JSON' });
  }
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const h: Record<string, string> = { 'cache-control': 'no-store', ...headers };
  if (body === undefined || status === 204) {
    res.writeHead(status, h);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { ...h, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

/** Parses the request target; anything that is not a path (e.g. `GET http://[`) is a 400, not a crash. */
function requestUrl(req: http.IncomingMessage): URL {
  const target = req.url ?? '/';
  if (target.startsWith('/')) {
    try {
      return new URL(target, 'http://localhost');
    } catch {
      /* reported below */
    }
  } else {
    // Absolute form (`GET http://host/path`) is allowed by HTTP/1.1; only its path counts.
    try {
      const u = new URL(target);
      if (u.protocol === 'http:' || u.protocol === 'https:') return new URL(`${u.pathname}${u.search}`, 'http://localhost');
    } catch {
      /* reported below */
    }
  }
  throw new ApiError(400, 'bad_request', 'The request target is not a valid path');
}

export function createRequestHandler(o: HandlerOptions): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  const table = routes(o);
  const tokenHash = hashToken(o.token);
  const maxPipelined = o.maxPipelined ?? DEFAULT_SERVER_LIMITS.maxPipelined;
  const maxPerSocket = o.maxRequestsPerSocket ?? DEFAULT_SERVER_LIMITS.maxRequestsPerSocket;
  /** Requests per connection whose answer is not finished yet. */
  const pending = new WeakMap<Socket, number>();
  /** Requests received per connection. */
  const served = new WeakMap<Socket, number>();
  /** Connections that pipelined more than `maxPipelined` requests: no more are read or answered. */
  const overloaded = new WeakSet<Socket>();
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    o.onRequest?.(req);
    const url = requestUrl(req);
    const path = url.pathname;
    if (path === '/ado' || path.startsWith('/ado/')) {
      if (o.logRequests) o.log(`request ${req.method} ${path} (ado)`);
      if (!o.ado) throw new ApiError(404, 'not_found', 'This node runs no Azure DevOps emulator');
      await o.ado.handle(req, res, `${o.baseUrl()}/ado`);
      return;
    }
    const method = req.method ?? 'GET';
    if (o.logRequests) {
      const given = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
      const cred = !given ? 'none' : timingSafeEqual(hashToken(given), tokenHash) ? 'node-token' : 'other-bearer';
      o.log(`request ${method} ${path} credential=${cred}`);
    }
    let matchedPath = false;
    for (const route of table) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      if (route.devOnly && !o.dev) continue;
      matchedPath = true;
      if (route.method !== method) continue;
      if (route.auth === 'bearer') {
        const given = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
        if (!given || !timingSafeEqual(hashToken(given), tokenHash)) {
          throw new ApiError(401, 'unauthorized', given ? 'The token is wrong' : 'Send Authorization: Bearer <token>', undefined, undefined, {
            'www-authenticate': 'Bearer realm="exalate-sandbox"',
          });
        }
      }
      let params: string[];
      try {
        params = m.slice(1).map((p) => decodeURIComponent(p));
      } catch {
        throw new ApiError(404, 'not_found', 'Not found');
      }
      // Every route parameter list starts with a connection id; ids are UUIDs, so anything else cannot exist.
      if (params.length > 0 && !ConnectionIdSchema.safeParse(params[0]).success) {
        throw new ApiError(404, 'not_found', 'Connection not found');
      }
      const max = route.maxBody ?? MAX_BODY_BYTES;
      const result = await route.handler({ req, params, query: url.searchParams, body: () => readJson(req, max) });
      send(res, result.status, result.body, result.headers);
      return;
    }
    if (matchedPath) throw new ApiError(405, 'method_not_allowed', `${method} is not allowed on ${path}`);
    throw new ApiError(404, 'not_found', `No such endpoint: ${method} ${path}`);
  };
  return (req, res) => {
    const socket = req.socket;
    const inFlight = (pending.get(socket) ?? 0) + 1;
    pending.set(socket, inFlight);
    res.once('close', () => pending.set(socket, (pending.get(socket) ?? 1) - 1));
    const count = (served.get(socket) ?? 0) + 1;
    served.set(socket, count);
    // Node announces the limit but leaves the connection open; closing it after this answer enforces it.
    if (count >= maxPerSocket) res.setHeader('connection', 'close');
    if (overloaded.has(socket)) {
      // Already answered 503 and closing: requests parsed from the same packet get nothing (no answer is built).
      req.resume();
      return;
    }
    if (inFlight > maxPipelined) {
      // The client sends faster than it reads its answers: stop reading the socket, answer 503 after the answers
      // already queued, and close the connection then (or at the idle timeout, if the client never reads).
      overloaded.add(socket);
      socket.pause();
      res.setHeader('connection', 'close');
      res.setHeader('retry-after', '1');
      send(res, 503, new ApiError(503, 'overloaded', `More than ${maxPipelined} requests are waiting for their answers on this connection; read the answers before sending more`).toBody());
      req.resume();
      return;
    }
    handle(req, res).catch((e: unknown) => {
      // An error answered before the body was read (401, 404, 413, …): close the connection after the answer rather
      // than reading an unauthenticated or oversized body to its end.
      if (!req.complete) res.setHeader('connection', 'close');
      if (e instanceof StoreError) e = storeApiError(e);
      if (e instanceof ApiError) {
        send(res, e.status, e.toBody(), e.headers);
      } else {
        o.log(`internal error on ${req.method} ${safeTarget(req)}: ${(e as Error)?.stack ?? String(e)}`);
        send(res, 500, { error: { code: 'internal', message: 'Internal error in the sandbox node' } });
      }
      // Let the client finish sending so it can read the answer (the connection closes after it).
      req.resume();
    });
  };
}

/** What a refused or failed store write answers; in both cases the write was not applied. */
function storeApiError(e: StoreError): ApiError {
  if (e.kind === 'quota') return new ApiError(507, 'storage_quota_exceeded', e.message);
  return new ApiError(503, 'storage_failed', `The node could not save the change: ${e.message}`, undefined, undefined, { 'retry-after': '5' });
}

/** The request target for a log line: printable ASCII only, at most 200 characters. */
function safeTarget(req: http.IncomingMessage): string {
  return (req.url ?? '').replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
}
