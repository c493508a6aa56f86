// Server limits and hardening (issue 12, item 2): timeouts, connection and pipelining caps, auth before body,
// unparsable request targets, capped answers from other nodes, keys from outside, secret comparison, host warning.
// Raw sockets where fetch would hide what the server does.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { ErrorBody, InitiateResponse } from '../../../src/shared/api';
import { encodeInvitation, newId } from '../../../src/sandbox/invitation';
import { sameDigest } from '../../../src/sandbox/node';
import { isLoopbackHost, startSandbox, type RunningSandbox, type SandboxOptions } from '../../../src/sandbox/sandbox';
import { cleanupTempDirs, client, initiateBody, tempDir } from './helpers';

const TOKEN = 'limits-token-1';
const running: RunningSandbox[] = [];
const sockets = new Set<net.Socket>();
const servers: http.Server[] = [];

async function node(name: string, over: Partial<SandboxOptions> = {}): Promise<{ s: RunningSandbox; logs: string[] }> {
  const logs: string[] = [];
  const s = await startSandbox({ dataDir: tempDir(name), token: TOKEN, name, pollMs: 3_600_000, log: (l) => logs.push(l), ...over });
  running.push(s);
  return { s, logs };
}

/** A raw TCP connection to the node; collects everything it receives and notes when the server closes it. */
function rawSocket(url: string): Promise<{ sock: net.Socket; received: () => string; closed: Promise<void> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(port), hostname);
    sockets.add(sock);
    let data = '';
    sock.on('data', (d: Buffer) => (data += d.toString('latin1')));
    sock.on('error', () => undefined);
    const closed = new Promise<void>((r) => sock.once('close', () => r()));
    sock.once('connect', () => resolve({ sock, received: () => data, closed }));
    sock.once('error', reject);
  });
}

/** Resolves when `p` resolves; fails loudly after `ms`. */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (t = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)))]);
  } finally {
    clearTimeout(t);
  }
}

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function statusLines(text: string): string[] {
  return text.match(/HTTP\/1\.1 \d{3}/g) ?? [];
}

const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\n${extra}\r\n`;

describe('sandbox: server limits', function () {
  this.timeout(60_000);
  after(async () => {
    for (const s of sockets) s.destroy();
    for (const s of servers) s.closeAllConnections();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    await Promise.all(running.splice(0).map((s) => s.stop()));
    cleanupTempDirs();
  });

  it('answers 400 (not 500) to a request target that is not a URL, without a stack in the log', async () => {
    const { s, logs } = await node('target');
    for (const target of ['http://[', 'http://[::1', '*', 'foo:bar']) {
      const c = await rawSocket(s.url);
      let closed = false;
      void c.closed.then(() => (closed = true));
      c.sock.write(`GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`);
      await until(() => c.received().endsWith('}') || closed, 5_000, `an answer to GET ${target}`);
      assert.match(c.received(), /^HTTP\/1\.1 400 /, target);
      // Node's parser itself refuses some targets (400 without a body); the ones it passes get the JSON error.
      const text = c.received().slice(c.received().indexOf('\r\n\r\n') + 4);
      if (text) assert.equal((JSON.parse(text) as ErrorBody).error.code, 'bad_request', target);
      else assert.notEqual(target, 'http://[', 'the torture run\'s target reaches the node and gets its JSON error');
      c.sock.destroy();
    }
    assert.ok(!logs.some((l) => /internal error|\n\s+at /.test(l)), logs.join('\n'));
    // An absolute-form target with a valid path still works.
    const c = await rawSocket(s.url);
    c.sock.write(get(`${s.url}/api/v1/node`));
    await until(() => statusLines(c.received()).length === 1, 5_000, 'an answer to an absolute-form request');
    assert.match(c.received(), /^HTTP\/1\.1 200 /);
    c.sock.destroy();
  });

  it('closes a connection whose headers do not arrive in time (headersTimeout)', async () => {
    const { s } = await node('headers', { limits: { headersTimeoutMs: 300, requestTimeoutMs: 600 } });
    const c = await rawSocket(s.url);
    c.sock.write('GET /api/v1/node HTTP/1.1\r\nHost: x\r\n'); // never finished
    await within(c.closed, 5_000, 'the server to close a connection with unfinished headers');
    assert.match(c.received(), /^HTTP\/1\.1 408 /);
  });

  it('closes a connection whose body does not arrive in time (requestTimeout)', async () => {
    const { s } = await node('request', { limits: { headersTimeoutMs: 300, requestTimeoutMs: 600 } });
    const id = (await client(s.url, TOKEN)<InitiateResponse>('POST', '/api/v1/connections', initiateBody())).json.connection.id;
    const c = await rawSocket(s.url);
    c.sock.write(`PATCH /api/v1/connections/${id} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"descr`);
    await within(c.closed, 5_000, 'the server to close a connection with an unfinished body');
    assert.equal((await client(s.url, TOKEN)<{ description: string }>('GET', `/api/v1/connections/${id}`)).json.description, 'test connection');
  });

  it('closes an idle keep-alive connection (keepAliveTimeout)', async () => {
    const { s } = await node('idle', { limits: { keepAliveTimeoutMs: 400 } });
    const idle = await rawSocket(s.url);
    idle.sock.write(get('/api/v1/node'));
    await within(idle.closed, 5_000, 'the server to close an idle keep-alive connection');
    assert.equal(statusLines(idle.received()).length, 1);
  });

  it('closes a connection whose client stops reading its answers (idle/write timeout)', async () => {
    // 40 pipelined pages of ~400 KB: more than the loopback socket buffers hold, so the node's writes stall.
    const { s } = await node('deaf', { dev: true, limits: { idleTimeoutMs: 400, keepAliveTimeoutMs: 60_000, maxPipelined: 64 } });
    const api = client(s.url, TOKEN);
    assert.equal((await api('POST', '/api/v1/dev/bulk', { count: 2000, namePrefix: `Deaf ${'x'.repeat(200)}` })).status, 201);
    const before = await s.openConnections(); // fetch keeps its own connection alive
    const deaf = await rawSocket(s.url);
    deaf.sock.pause(); // never reads
    deaf.sock.write(get('/api/v1/connections?limit=500').repeat(40));
    let open = 0;
    void (async () => {
      while (!deaf.sock.destroyed) {
        open = await s.openConnections();
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await until(() => open > before, 5_000, 'the node to count the new connection');
    const end = Date.now() + 10_000;
    while ((await s.openConnections()) > before) {
      if (Date.now() > end) throw new Error('the server kept a connection whose answers are not read');
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal((await api('GET', '/api/v1/node')).status, 200);
    deaf.sock.destroy();
  });

  it('answers at most maxPipelined pipelined requests per connection, then 503 overloaded and closes it', async () => {
    const { s } = await node('pipeline', { limits: { maxPipelined: 4 } });
    const c = await rawSocket(s.url);
    c.sock.write(get('/api/v1/node').repeat(10));
    await within(c.closed, 5_000, 'the server to close an overloaded connection');
    const lines = statusLines(c.received());
    assert.deepEqual(lines.slice(0, 4), Array(4).fill('HTTP/1.1 200'));
    assert.equal(lines[4], 'HTTP/1.1 503', c.received());
    assert.match(c.received(), /"code":"overloaded"/);
    assert.ok(lines.length <= 5, `no answer after the 503 (got ${lines.length})`);
    // Another connection is served normally.
    assert.equal((await client(s.url, TOKEN)('GET', '/api/v1/node')).status, 200);
  });

  it('closes a connection after maxRequestsPerSocket requests', async () => {
    const { s } = await node('perSocket', { limits: { maxRequestsPerSocket: 3 } });
    const c = await rawSocket(s.url);
    for (let i = 1; i <= 3; i++) {
      c.sock.write(get('/api/v1/node'));
      await until(() => statusLines(c.received()).length === i, 5_000, `answer ${i}`);
    }
    assert.match(c.received().split('HTTP/1.1').pop()!, /connection: close/i);
    await within(c.closed, 5_000, 'the server to close the connection after 3 requests');
  });

  it('refuses connections over maxConnections, and serves again once they are gone', async () => {
    const { s } = await node('conns', { limits: { maxConnections: 3 } });
    const held = await Promise.all([0, 1, 2].map(() => rawSocket(s.url)));
    for (const h of held) {
      h.sock.write(get('/api/v1/node'));
    }
    await until(() => held.every((h) => statusLines(h.received()).length === 1), 5_000, 'three answers');
    const extra = await rawSocket(s.url);
    extra.sock.write(get('/api/v1/node'));
    await within(extra.closed, 5_000, 'the server to drop the fourth connection');
    assert.equal(extra.received(), '');
    for (const h of held) h.sock.destroy();
    await Promise.all(held.map((h) => h.closed));
    const again = await rawSocket(s.url);
    again.sock.write(get('/api/v1/node'));
    await until(() => statusLines(again.received()).length === 1, 5_000, 'an answer once connections were freed');
    assert.match(again.received(), /^HTTP\/1\.1 200 /);
    again.sock.destroy();
  });

  it('checks credentials before reading a body, on Bearer and on node-to-node routes, and closes the connection', async () => {
    const { s } = await node('authFirst');
    const id = (await client(s.url, TOKEN)<InitiateResponse>('POST', '/api/v1/connections', initiateBody({ name: 'Auth first' }))).json.connection.id;
    const cases = [
      `POST /api/v1/connections HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong-token\r\n`,
      `POST /api/v1/peer/connections/${id}/heartbeat HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer not.a.jwt\r\n`,
      `POST /api/v1/peer/connections/${id}/accept HTTP/1.1\r\nHost: x\r\n`,
    ];
    for (const head of cases) {
      const c = await rawSocket(s.url);
      // Declares 1 MB, sends 10 bytes: an answer now means the body was not awaited.
      c.sock.write(`${head}Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{"active":`);
      await until(() => statusLines(c.received()).length === 1, 5_000, `an answer before the body to ${head.split('\r\n')[0]}`);
      assert.match(c.received(), /^HTTP\/1\.1 401 /, head);
      assert.match(c.received(), /connection: close/i);
      await within(c.closed, 5_000, 'the connection to close after the 401');
    }
  });

  it('reads at most 64 KiB of an answer from another node (destination check and accept)', async () => {
    const { s } = await node('peerCap');
    let sentBytes = 0;
    let aborted = 0;
    const big = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.on('close', () => {
        if (!res.writableFinished) aborted++;
      });
      // 10 MB without Content-Length (chunked), written as the client reads.
      let left = 160;
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const more = () => {
        while (left > 0) {
          left--;
          sentBytes += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end();
      };
      more();
      req.resume();
    });
    servers.push(big);
    await new Promise<void>((r) => big.listen(0, '127.0.0.1', r));
    const bigUrl = `http://127.0.0.1:${(big.address() as AddressInfo).port}`;
    const api = client(s.url, TOKEN);
    const check = await api<ErrorBody>('POST', '/api/v1/destinations/check', { destinationUrl: bigUrl });
    assert.equal(check.status, 422);
    assert.equal(check.json.error.code, 'destination_not_a_node');
    // An invitation naming that server as the initiator: its answer to the accept is cut off, too.
    const code = encodeInvitation({
      v: 1,
      connectionId: newId(),
      connectionName: 'From a big talker',
      initiatorShortName: 'big',
      acceptorShortName: 'peerCap',
      initiatorUrl: bigUrl,
      initiatorNodeId: newId(),
      type: 'private',
      mode: 'script',
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      secret: Buffer.alloc(32, 7).toString('base64url'),
    });
    const acc = await api<ErrorBody>('POST', '/api/v1/invitations/accept', { invitationCode: code, project: 'P' });
    assert.equal(acc.status, 502);
    assert.equal(acc.json.error.code, 'initiator_unreachable');
    await until(() => aborted === 2, 5_000, 'both big answers to be abandoned by the node');
    assert.ok(sentBytes < 160 * 64 * 1024, `the node stopped reading (server wrote ${sentBytes} bytes)`);
  });

  it('keeps an Idempotency-Key named __proto__ across compaction and restart', async () => {
    const dataDir = tempDir('proto');
    let s = await startSandbox({ dataDir, token: TOKEN, name: 'proto', log: () => undefined });
    const body = initiateBody({ name: 'Proto key' });
    const headers = { 'idempotency-key': '__proto__' };
    const first = await client(s.url, TOKEN)<InitiateResponse>('POST', '/api/v1/connections', body, { headers });
    assert.equal(first.status, 201);
    await s.node.compactStore();
    await s.stop();
    s = await startSandbox({ dataDir, token: TOKEN, name: 'proto', log: () => undefined });
    running.push(s);
    const again = await client(s.url, TOKEN)<InitiateResponse>('POST', '/api/v1/connections', body, { headers });
    assert.equal(again.status, 201, JSON.stringify(again.json));
    assert.equal(again.json.connection.id, first.json.connection.id);
    const other = await client(s.url, TOKEN)<ErrorBody>('POST', '/api/v1/connections', initiateBody({ name: 'Other body' }), { headers });
    assert.equal(other.status, 409);
  });

  it('reports unknown body fields named __proto__ or constructor like any other unknown field', async () => {
    const { s } = await node('protoField');
    const api = client(s.url, TOKEN);
    for (const key of ['__proto__', 'constructor', 'toString']) {
      const raw = JSON.stringify(initiateBody({ name: `Field ${key}` })).replace(/^\{/, `{"${key}":{"polluted":true},`);
      const r = await api<ErrorBody>('POST', '/api/v1/connections', undefined, { raw });
      assert.equal(r.status, 400, key);
      assert.equal(r.json.error.code, 'validation_failed');
      assert.ok(Object.hasOwn(r.json.error.fields!, key), `${key} in ${JSON.stringify(r.json.error.fields)}`);
      assert.equal(r.json.error.fields![key], 'Unknown field');
      assert.equal(r.json.error.message, `Invalid request: ${key}: Unknown field`);
    }
    assert.equal(({} as { polluted?: boolean }).polluted, undefined);
  });

  it('compares digests in constant time (equal, different, different lengths)', () => {
    assert.equal(sameDigest('abc', 'abc'), true);
    assert.equal(sameDigest('abc', 'abd'), false);
    assert.equal(sameDigest('abc', 'abcd'), false);
    assert.equal(sameDigest('', ''), true);
  });

  it('warns when it serves plain http on an interface other than loopback', async () => {
    assert.deepEqual(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '0.0.0.0', '::', '192.168.1.5'].map(isLoopbackHost), [true, true, true, true, true, false, false, false]);
    const open = await node('open', { host: '0.0.0.0' });
    assert.ok(open.logs.some((l) => /^warning: serving plain http on 0\.0\.0\.0, which other machines can reach/.test(l)), open.logs.join('\n'));
    const local = await node('local');
    assert.ok(!local.logs.some((l) => /plain http/.test(l)));
  });
});
