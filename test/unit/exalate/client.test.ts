// Contract tests of the Node API client (src/exalate) against real sandbox processes (`node dist/sandbox.js`).
// No timing assertions: "quickly" is shown by counting attempts, never by measuring time.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClientLogEntry, ExalateClient, InitiateRequest } from '../../../src/exalate/client';
import { newIdempotencyKey } from '../../../src/exalate/client';
import {
  BadResponseError,
  CancelledError,
  ConflictError,
  ExalateError,
  InvalidError,
  NotFoundError,
  ServerError,
  UnauthorizedError,
  UnreachableError,
  isExalateError,
} from '../../../src/exalate/errors';
import { HttpExalateClient, authorHeader } from '../../../src/exalate/httpClient';
import { AUTHOR_MAX_LENGTH, authorHeaderSchema } from '../../../src/shared/validation';
import { closedPort, startSandboxProcess, type SandboxProcess } from './sandboxProcess';

function clientFor(sb: { url: string; token: string }, extra: Partial<ConstructorParameters<typeof HttpExalateClient>[0]> = {}) {
  const log: ClientLogEntry[] = [];
  const client = new HttpExalateClient({ nodeUrl: sb.url, token: sb.token, retryDelayMs: 20, log: (e) => log.push(e), ...extra });
  return { client, log };
}

function privateReq(name: string, over: Partial<InitiateRequest> = {}): InitiateRequest {
  return { destinationUrl: null, mode: 'script', localShortName: 'alpha', remoteShortName: 'beta', name, project: 'Web', ...over };
}

/** Asserts `p` rejects with an instance of `type`, then runs `check` on it. */
async function rejectsWith<E extends ExalateError>(p: Promise<unknown>, type: new (...a: never[]) => E, check?: (e: E) => void): Promise<E> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof type, `expected ${type.name}, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
    check?.(e);
    return e;
  }
  assert.fail(`expected ${type.name}, but the call succeeded`);
}

function assertNoSecret(e: unknown, secret: string): void {
  const err = e as Error;
  for (const text of [err.message, err.stack ?? '', JSON.stringify(err), String(err), (e as ExalateError).toLogString?.() ?? '']) {
    assert.ok(!text.includes(secret), `secret leaked into: ${text}`);
  }
}

async function until<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, tries = 100, delayMs = 100): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < tries; i++) {
    last = await fn();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, delayMs));
  }
  assert.fail(`${what} did not happen; last value: ${JSON.stringify(last)}`);
}

/**
 * An HTTP proxy in front of a sandbox that can lose answers: it forwards the request, lets the node process it,
 * then destroys the client's socket instead of answering (what a dropped connection or a crash looks like).
 */
class LossyProxy {
  readonly seen: string[] = [];
  private dropNext = new Map<string, number>();
  private server = http.createServer((req, res) => this.handle(req, res));
  url = '';

  constructor(private readonly target: string) {}

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Loses the answers of the next `n` requests whose `METHOD path` starts with `prefix`. */
  drop(prefix: string, n = 1): void {
    this.dropNext.set(prefix, n);
  }

  count(prefix: string): number {
    return this.seen.filter((s) => s.startsWith(prefix)).length;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const key = `${req.method} ${req.url}`;
    this.seen.push(key);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const up = http.request(`${this.target}${req.url}`, { method: req.method, headers: { ...req.headers, host: new URL(this.target).host } }, (upRes) => {
        const body: Buffer[] = [];
        upRes.on('data', (c: Buffer) => body.push(c));
        upRes.on('end', () => {
          for (const [prefix, n] of this.dropNext) {
            if (n > 0 && key.startsWith(prefix)) {
              this.dropNext.set(prefix, n - 1);
              req.socket.destroy();
              return;
            }
          }
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          res.end(Buffer.concat(body));
        });
      });
      up.on('error', () => req.socket.destroy());
      up.end(Buffer.concat(chunks));
    });
  }

  stop(): Promise<void> {
    return new Promise((r) => {
      this.server.close(() => r());
      this.server.closeAllConnections();
    });
  }
}

/** A bare HTTP server answering every request with the given status and body. */
async function fakeNode(status: number, body: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const srv = http.createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`,
    stop: () =>
      new Promise((r) => {
        srv.close(() => r());
        srv.closeAllConnections();
      }),
  };
}

describe('ExalateClient against a real sandbox process', function () {
  this.timeout(120_000);
  let a: SandboxProcess;
  let b: SandboxProcess;
  let ca: ExalateClient;
  let cb: ExalateClient;

  before(async () => {
    [a, b] = await Promise.all([
      startSandboxProcess({ name: 'alpha', pollMs: 200, dev: true }),
      startSandboxProcess({ name: 'beta', pollMs: 200 }),
    ]);
    ca = clientFor(a).client;
    cb = clientFor(b).client;
  });

  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('reads node info that matches the contract', async () => {
    const info = await ca.getNodeInfo();
    assert.equal(info.shortName, 'alpha');
    assert.equal(info.apiVersion, 'v1');
    assert.equal(info.publicUrl, a.url);
    assert.deepEqual([...info.modes].sort(), ['basic', 'script', 'visual']);
  });

  describe('errors', () => {
    it('401 → UnauthorizedError that says to sign in again, without the token', async () => {
      const wrong = 'definitely-wrong-token-123';
      const { client } = clientFor({ url: a.url, token: wrong });
      const e = await rejectsWith(client.listConnections(), UnauthorizedError, (err) => {
        assert.equal(err.kind, 'unauthorized');
        assert.equal(err.status, 401);
        assert.match(err.message, /Sign in again with a valid API token for http:\/\/127\.0\.0\.1:\d+/);
      });
      assertNoSecret(e, wrong);
      assertNoSecret(e, a.token);
    });

    it('a token that cannot be sent in a header → UnauthorizedError without echoing it', async () => {
      const bad = 'bad token\nwith-newline';
      const e = await rejectsWith(new HttpExalateClient({ nodeUrl: a.url, token: bad }).getNodeInfo(), UnauthorizedError);
      assertNoSecret(e, 'with-newline');
    });

    it('404 → NotFoundError naming what is missing', async () => {
      await rejectsWith(ca.getConnection('no-such-id'), NotFoundError, (e) => {
        assert.equal(e.kind, 'notFound');
        assert.match(e.message, /Connection "no-such-id" was not found on the node at .*refresh/);
      });
      const { connection } = await ca.initiateConnection(privateReq('404 rule version'), newIdempotencyKey());
      await rejectsWith(ca.getRuleVersion(connection.id, 'incoming', 99), NotFoundError, (e) => {
        assert.match(e.message, /Version 99 of the incoming sync rule/);
      });
    });

    it('sends long or odd author names in a form the node accepts (same rule on both sides)', async () => {
      const { connection } = await ca.initiateConnection(privateReq('Long author'), newIdempotencyKey());
      let version = 1;
      for (const author of ['a'.repeat(150), 'x'.repeat(AUTHOR_MAX_LENGTH), '  Zoë Ångström \t', '   ']) {
        const r = await ca.saveDraft(connection.id, 'outgoing', `// by ${author.length}`, version, { author });
        version = r.version;
        assert.equal(r.author, authorHeader(author) || 'api');
        assert.ok(authorHeaderSchema.safeParse(r.author).success);
        assert.equal((await ca.publishVersion(connection.id, 'outgoing', version, { author })).active, true);
      }
      assert.equal(authorHeader('a'.repeat(150)).length, AUTHOR_MAX_LENGTH);
    });

    it('409 duplicate name → ConflictError with the name field', async () => {
      await ca.initiateConnection(privateReq('Dup name'), newIdempotencyKey());
      await rejectsWith(ca.initiateConnection(privateReq('  dup NAME '), newIdempotencyKey()), ConflictError, (e) => {
        assert.equal(e.reason, 'duplicate_name');
        assert.equal(e.status, 409);
        assert.ok(e.fields.name, 'fields.name is set');
        assert.match(e.message, /Choose a different name/);
      });
    });

    it('412 → ConflictError carrying the newest version and script; overwriting with it works', async () => {
      const { connection } = await ca.initiateConnection(privateReq('Rule conflict'), newIdempotencyKey());
      const v1 = await ca.getSyncRule(connection.id, 'outgoing');
      assert.equal(v1.version, 1);
      const v2 = await ca.saveDraft(connection.id, 'outgoing', 'replica.summary = workItem.summary', 1, { author: 'colleague' });
      assert.deepEqual([v2.version, v2.state, v2.active, v2.activeVersion], [2, 'draft', false, 1]);
      const e = await rejectsWith(ca.saveDraft(connection.id, 'outgoing', 'my edit of v1', 1), ConflictError, (err) => {
        assert.equal(err.reason, 'precondition_failed');
        assert.equal(err.status, 412);
        assert.equal(err.currentVersion, 2);
        assert.equal(err.current?.script, 'replica.summary = workItem.summary');
        assert.equal(err.current?.author, 'colleague');
        assert.match(err.message, /version 2 \(you edited version 1\).*Compare/);
      });
      const v3 = await ca.saveDraft(connection.id, 'outgoing', 'my edit of v1', e.currentVersion!);
      assert.equal(v3.version, 3);
      const versions = await ca.listRuleVersions(connection.id, 'outgoing');
      assert.deepEqual(versions.map((v) => [v.version, v.state, v.active]), [[3, 'draft', false], [2, 'draft', false], [1, 'published', true]]);
      assert.equal((await ca.getRuleVersion(connection.id, 'outgoing', 2)).script, 'replica.summary = workItem.summary');
    });

    it('drafts: getSyncRule is the active rule until publishVersion; getLatestSyncRule the newest', async () => {
      const { connection } = await ca.initiateConnection(privateReq('Client drafts'), newIdempotencyKey());
      const v1 = await ca.getSyncRule(connection.id, 'incoming');
      const d = await ca.saveDraft(connection.id, 'incoming', '// draft', 1, { author: 'ada' });
      assert.equal((await ca.getSyncRule(connection.id, 'incoming')).script, v1.script);
      assert.deepEqual(await ca.getLatestSyncRule(connection.id, 'incoming'), d);
      const p = await ca.publishVersion(connection.id, 'incoming', d.version, { author: 'grace' });
      assert.deepEqual([p.version, p.state, p.active, p.activeVersion, p.script], [2, 'published', true, 2, '// draft']);
      assert.deepEqual(await ca.getSyncRule(connection.id, 'incoming'), p);
      await rejectsWith(ca.publishVersion(connection.id, 'incoming', 1), ConflictError, (e) => {
        assert.equal(e.reason, 'conflict');
        assert.match(e.message, /older than the active version 2/);
      });
      await rejectsWith(ca.publishVersion(connection.id, 'incoming', 7), NotFoundError, (e) => assert.match(e.message, /Version 7 of the incoming sync rule/));
    });

    it('a node from before drafts: saving a draft says to update the node', async () => {
      // What such a node answers for a route it does not have (its router's 404), from a stub standing in for it.
      const old = new HttpExalateClient({
        nodeUrl: 'http://127.0.0.1:9',
        token: 'tok-123456',
        fetch: (async (input: string | URL | Request) =>
          new Response(JSON.stringify({ error: { code: 'not_found', message: `No such endpoint: POST ${new URL(String(input)).pathname}` } }), {
            status: 404,
            headers: { 'content-type': 'application/json' },
          })) as typeof fetch,
      });
      const id = '3f2b8c1e-9a4d-4e2f-8b1a-0c5d6e7f8a9b';
      for (const call of [old.saveDraft(id, 'outgoing', 'x', 1), old.publishVersion(id, 'outgoing', 2), old.getLatestSyncRule(id, 'incoming')]) {
        await rejectsWith(call, NotFoundError, (e) => assert.match(e.message, /does not know sync rule drafts \(it is older than this extension\)\. Update the node/));
      }
    });

    it("an old client's PUT gets 410 client_outdated telling it to update", async () => {
      const { connection } = await ca.initiateConnection(privateReq('Old client'), newIdempotencyKey());
      const res = await fetch(`${a.url}/api/v1/connections/${connection.id}/rules/outgoing`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/json', 'if-match': '"1"' },
        body: JSON.stringify({ script: 'old' }),
      });
      assert.equal(res.status, 410);
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'client_outdated');
      assert.match(body.error.message, /Update the Exalate extension/);
      assert.equal((await ca.getLatestSyncRule(connection.id, 'outgoing')).version, 1, 'nothing was stored');
    });

    it('400 → InvalidError with field messages', async () => {
      await rejectsWith(
        ca.initiateConnection(privateReq('', { mode: 'visual', remoteShortName: 'ALPHA', localShortName: 'alpha' }), newIdempotencyKey()),
        InvalidError,
        (e) => {
          assert.equal(e.kind, 'invalid');
          assert.equal(e.status, 400);
          assert.equal(e.code, 'validation_failed');
          assert.equal(e.fields.name, 'Connection name is required');
          assert.match(e.fields.mode, /Script mode only/);
          assert.match(e.fields.remoteShortName, /differ/);
          assert.match(e.message, /^The node rejected the request: .*name: Connection name is required.*Correct these fields/);
        },
      );
      await rejectsWith(ca.listConnections({ limit: 501 }), InvalidError, (e) => assert.ok(e.fields.limit));
      await rejectsWith(ca.patchConnection('00000000-0000-4000-8000-000000000000', {}), InvalidError);
      // Ids are UUIDs: anything else is simply not found.
      await rejectsWith(ca.patchConnection('whatever', {}), NotFoundError);
    });

    it('bad invitation codes → InvalidError on the invitationCode field; a used one → ConflictError', async () => {
      await rejectsWith(cb.previewInvitation('not a code'), InvalidError, (e) => {
        assert.equal(e.code, 'invitation_malformed');
        assert.ok(e.fields.invitationCode);
      });
      const { connection, invitationCode } = await ca.initiateConnection(privateReq('Used invite'), newIdempotencyKey());
      await rejectsWith(ca.acceptInvitation({ invitationCode, project: 'X' }), InvalidError, (e) => {
        assert.equal(e.code, 'own_invitation');
        assert.ok(e.fields.invitationCode);
      });
      const tampered = invitationCode.slice(0, -3) + (invitationCode.endsWith('AAA') ? 'BBB' : 'AAA');
      await rejectsWith(cb.acceptInvitation({ invitationCode: tampered, project: 'X' }), InvalidError, (e) => {
        assert.equal(e.code, 'invitation_tampered');
      });
      await cb.acceptInvitation({ invitationCode, project: 'Mobile' });
      await rejectsWith(cb.acceptInvitation({ invitationCode, project: 'Mobile' }), ConflictError, (e) => {
        assert.equal(e.reason, 'invitation_used');
        assert.match(e.message, /Ask the initiator for a new invitation code/);
      });
      await rejectsWith(ca.getInvitationCode(connection.id), ConflictError, (e) => assert.equal(e.reason, 'conflict'));
    });

    it('unreachable node → UnreachableError after a few quick attempts, with the URL and never the token', async () => {
      const port = await closedPort();
      const secret = 'unreachable-secret-token';
      const { client, log } = clientFor({ url: `http://127.0.0.1:${port}`, token: secret }, { retries: 2 });
      const e = await rejectsWith(client.getNodeInfo(), UnreachableError, (err) => {
        assert.equal(err.kind, 'unreachable');
        assert.equal(err.timedOut, false);
        assert.equal(err.remote, false);
        assert.equal(err.url, `http://127.0.0.1:${port}`);
        assert.match(err.message, new RegExp(`Check that the node at http://127\\.0\\.0\\.1:${port} is running`));
        assert.match(err.message, /ECONNREFUSED/);
      });
      assertNoSecret(e, secret);
      assert.equal(log.length, 3, 'GET is tried 1 + 2 times');
      assert.ok(log.every((l) => l.error === 'ECONNREFUSED' && l.status === undefined));
      assert.ok(!JSON.stringify(log).includes(secret));
    });

    it('a node that never answers → UnreachableError(timedOut) after the per-call timeout, not retried', async () => {
      const sockets = new Set<import('node:net').Socket>();
      const silent = http.createServer(() => {
        /* never answers */
      });
      silent.on('connection', (s) => sockets.add(s));
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
      try {
        const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
        const { client, log } = clientFor({ url, token: 'silent-token-1' });
        await rejectsWith(client.listConnections({ timeoutMs: 300 }), UnreachableError, (e) => {
          assert.equal(e.timedOut, true);
          assert.match(e.message, /did not answer within 0\.3 s\. Check that the node at/);
        });
        assert.equal(log.length, 1);
        assert.equal(log[0].error, 'timeout');
      } finally {
        for (const s of sockets) s.destroy();
        await new Promise<void>((r) => silent.close(() => r()));
      }
    });

    it('a caller abort → CancelledError', async () => {
      const ac = new AbortController();
      ac.abort();
      await rejectsWith(ca.getNodeInfo({ signal: ac.signal }), CancelledError);
    });

    it('an answer that fails its schema → BadResponseError; a 500 → ServerError', async () => {
      const bogus = await fakeNode(200, JSON.stringify({ items: [{ id: 1 }], nextCursor: null }));
      const broken = await fakeNode(500, JSON.stringify({ error: { code: 'internal', message: 'boom' } }));
      const html = await fakeNode(200, '<html>login</html>');
      try {
        await rejectsWith(clientFor({ url: bogus.url, token: 'some-token-1' }).client.listConnections(), BadResponseError, (e) => {
          assert.equal(e.kind, 'badResponse');
          assert.match(e.problem, /items\.0\.id/);
          assert.match(e.message, /does not understand.*Node API v1/);
        });
        await rejectsWith(clientFor({ url: html.url, token: 'some-token-1' }).client.getNodeInfo(), BadResponseError);
        await rejectsWith(clientFor({ url: broken.url, token: 'some-token-1' }).client.getNodeInfo(), ServerError, (e) => {
          assert.equal(e.status, 500);
          assert.match(e.message, /Check the node's log/);
        });
      } finally {
        await Promise.all([bogus.stop(), broken.stop(), html.stop()]);
      }
    });

    it('every failure is an ExalateError with a kind', async () => {
      const err = await ca.getConnection('x').catch((e: unknown) => e);
      assert.ok(isExalateError(err, 'notFound'));
      assert.ok(!isExalateError(new Error('x')));
    });
  });

  describe('destinations', () => {
    it('checks a public destination through our node', async () => {
      const info = await ca.checkDestination(b.url);
      assert.equal(info.shortName, 'beta');
      assert.equal(info.kind, 'exalate-node');
    });

    it('own URL → InvalidError on destinationUrl; a dead URL → UnreachableError(remote)', async () => {
      await rejectsWith(ca.checkDestination(a.url), InvalidError, (e) => {
        assert.equal(e.code, 'destination_is_self');
        assert.ok(e.fields.destinationUrl);
      });
      await rejectsWith(ca.checkDestination('ftp://example.com'), InvalidError, (e) => assert.ok(e.fields.destinationUrl));
      const port = await closedPort();
      await rejectsWith(ca.checkDestination(`http://127.0.0.1:${port}`), UnreachableError, (e) => {
        assert.equal(e.remote, true);
        assert.equal(e.url, `http://127.0.0.1:${port}`);
        assert.match(e.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
      });
    });
  });

  describe('paging', () => {
    it('lists 1,234 connections in pages of at most 500, in a stable order, each exactly once', async () => {
      const before = await collectIds(ca);
      const res = await fetch(`${a.url}/api/v1/dev/bulk`, {
        method: 'POST',
        headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ count: 1234, namePrefix: 'Paged' }),
      });
      assert.equal(res.status, 201);
      const sizes: number[] = [];
      const ids: string[] = [];
      for await (const page of ca.iterateConnectionPages({ limit: 500 })) {
        sizes.push(page.items.length);
        ids.push(...page.items.map((c) => c.id));
      }
      const total = before.length + 1234;
      assert.equal(ids.length, total);
      assert.equal(new Set(ids).size, total);
      assert.deepEqual(sizes.slice(0, -1), Array(sizes.length - 1).fill(500));
      assert.deepEqual(await collectIds(ca, 500), ids, 'the order is stable');
      const first = await ca.listConnections();
      assert.equal(first.items.length, 100, 'default page size');
      assert.equal(first.items[0].id, ids[0]);
      await rejectsWith(ca.listConnections({ cursor: 'bm9wZQ' }), InvalidError, (e) => assert.ok(e.fields.cursor));
    });
  });

  describe('retries', () => {
    let proxy: LossyProxy;
    let client: ExalateClient;
    let log: ClientLogEntry[];
    beforeEach(async () => {
      proxy = await new LossyProxy(a.url).start();
      ({ client, log } = clientFor({ url: proxy.url, token: a.token }));
    });
    afterEach(() => proxy.stop());

    it('initiate whose answer was lost is retried with the same Idempotency-Key: one connection', async () => {
      proxy.drop('POST /api/v1/connections');
      const key = newIdempotencyKey();
      const res = await client.initiateConnection(privateReq('Lost answer'), key);
      assert.equal(proxy.count('POST /api/v1/connections'), 2, 'the node saw the request twice');
      assert.deepEqual(log.map((l) => l.attempt), [1, 2]);
      const all = await collectAll(ca);
      assert.equal(all.filter((c) => c.name === 'Lost answer').length, 1, 'exactly one connection');
      assert.equal(all.find((c) => c.name === 'Lost answer')!.id, res.connection.id);
      // The user pressing "Create" again with the same intent gets the same connection too.
      const again = await client.initiateConnection(privateReq('Lost answer'), key);
      assert.equal(again.connection.id, res.connection.id);
      assert.equal(again.invitationCode, res.invitationCode);
    });

    it('a draft save whose answer was lost: the retry sees 412 with our own script and resolves with that version', async () => {
      const { connection } = await ca.initiateConnection(privateReq('Lost PUT'), newIdempotencyKey());
      proxy.drop(`POST /api/v1/connections/${connection.id}/rules/`);
      const saved = await client.saveDraft(connection.id, 'incoming', 'workItem.summary = replica.summary', 1);
      assert.equal(saved.version, 2);
      assert.equal(saved.script, 'workItem.summary = replica.summary');
      assert.deepEqual(log.map((l) => [l.attempt, l.status]), [[1, undefined], [2, 412]]);
      assert.deepEqual((await ca.listRuleVersions(connection.id, 'incoming')).map((v) => v.version), [2, 1]);
    });

    it('a real conflict after a retry is still a ConflictError', async () => {
      const { connection } = await ca.initiateConnection(privateReq('Lost PUT conflict'), newIdempotencyKey());
      await ca.saveDraft(connection.id, 'incoming', 'someone else', 1);
      proxy.drop(`POST /api/v1/connections/${connection.id}/rules/`);
      await rejectsWith(client.saveDraft(connection.id, 'incoming', 'mine', 1), ConflictError, (e) => {
        assert.equal(e.currentVersion, 2);
      });
    });

    it('DELETE whose answer was lost: the retry finds it gone and succeeds', async () => {
      const { connection } = await ca.initiateConnection(privateReq('Lost DELETE'), newIdempotencyKey());
      proxy.drop('DELETE ');
      await client.deleteConnection(connection.id);
      assert.equal(proxy.count('DELETE '), 2);
      await rejectsWith(ca.getConnection(connection.id), NotFoundError);
      await rejectsWith(client.deleteConnection(connection.id), NotFoundError, () => undefined);
    });

    it('GET is retried; PATCH and accept are never retried', async () => {
      proxy.drop('GET /api/v1/node');
      assert.equal((await client.getNodeInfo()).shortName, 'alpha');
      const { connection, invitationCode } = await ca.initiateConnection(privateReq('No PATCH retry'), newIdempotencyKey());
      proxy.drop('PATCH ');
      await rejectsWith(client.patchConnection(connection.id, { description: 'x' }), UnreachableError);
      assert.equal(proxy.count('PATCH '), 1);
      const bProxy = await new LossyProxy(b.url).start();
      try {
        const { client: viaProxy } = clientFor({ url: bProxy.url, token: b.token });
        bProxy.drop('POST /api/v1/invitations/accept');
        await rejectsWith(viaProxy.acceptInvitation({ invitationCode, project: 'Web' }), UnreachableError);
        assert.equal(bProxy.count('POST /api/v1/invitations/accept'), 1);
      } finally {
        await bProxy.stop();
      }
    });

    it('logs method, path, status and time per attempt — never the token', async () => {
      await client.listConnections({ limit: 2 });
      assert.equal(log.length, 1);
      assert.equal(log[0].method, 'GET');
      assert.equal(log[0].path, '/api/v1/connections?limit=2');
      assert.equal(log[0].status, 200);
      assert.equal(typeof log[0].ms, 'number');
      assert.ok(!JSON.stringify(log).includes(a.token));
      assert.ok(!JSON.stringify(client).includes(a.token), 'the client does not serialise its token');
    });
  });

  describe('private handshake between two processes, driven only through the client', () => {
    it('initiate on A, preview and accept on B, both active; A knows no URL of B; deactivation shows on both sides', async () => {
      const { connection: init, invitationCode } = await ca.initiateConnection(
        { destinationUrl: null, mode: 'script', localShortName: 'alpha', remoteShortName: 'beta', name: 'Handshake', description: 'via client', project: 'Web' },
        newIdempotencyKey(),
      );
      assert.equal(init.status, 'pending');
      assert.equal(init.type, 'private');
      assert.equal(init.role, 'initiator');
      assert.equal((await ca.getInvitationCode(init.id)).invitationCode, invitationCode);

      const preview = await cb.previewInvitation(invitationCode);
      assert.equal(preview.connectionName, 'Handshake');
      assert.equal(preview.initiatorShortName, 'alpha');
      assert.equal(preview.acceptorShortName, 'beta');
      assert.equal(preview.initiatorUrl, a.url);
      assert.equal(preview.expired, false);

      const accepted = await cb.acceptInvitation({ invitationCode, project: 'Mobile' });
      assert.equal(accepted.id, init.id);
      assert.equal(accepted.role, 'acceptor');
      assert.equal(accepted.status, 'active');
      assert.equal(accepted.remoteUrl, a.url);
      assert.equal(accepted.project, 'Mobile');

      const onA = await until('A shows the connection active with a contact time', () => ca.getConnection(init.id), (c) => c.status === 'active' && c.lastContactAt !== null);
      assert.equal(onA.remoteUrl, null, 'the initiator never learns the private side’s address');
      await until('B records contact', () => cb.getConnection(init.id), (c) => c.lastContactAt !== null);

      await ca.patchConnection(init.id, { status: 'deactivated' });
      const onB = await until('B sees the deactivation', () => cb.getConnection(init.id), (c) => c.status === 'deactivated');
      assert.equal(onB.deactivatedBy, 'remote');
      await ca.patchConnection(init.id, { status: 'active' });
      await until('B sees the reactivation', () => cb.getConnection(init.id), (c) => c.status === 'active');
    });
  });
});

async function collectAll(c: ExalateClient) {
  const out = [];
  for await (const page of c.iterateConnectionPages({ limit: 500 })) out.push(...page.items);
  return out;
}

async function collectIds(c: ExalateClient, limit = 500): Promise<string[]> {
  const out: string[] = [];
  for await (const page of c.iterateConnectionPages({ limit })) out.push(...page.items.map((x) => x.id));
  return out;
}
