// Fuzz and soak, seeded and bounded (issue 12, item 5): random API requests, mutated invitation codes, pipelining
// clients that never read, and rule history growing into the storage quota. Each prints its figures.
// Larger runs: EXALATE_FUZZ_REQUESTS (default 2000), EXALATE_FUZZ_CODES (500), EXALATE_SOAK_CLIENTS (10),
// EXALATE_FUZZ_SEED (default 12).
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import type { Connection, ConnectionPage, ErrorBody, InitiateResponse, SyncRule } from '../../../src/shared/api';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../../src/sandbox/sandbox';
import { cleanupTempDirs, client, initiateBody, tempDir } from './helpers';

const TOKEN = 'fuzz-token-123';
const SEED = Number(process.env.EXALATE_FUZZ_SEED ?? 12);

/** mulberry32: a small seeded PRNG, so a failing run can be repeated. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
const rss = () => process.memoryUsage().rss;

async function start(name: string, over: Partial<SandboxOptions> = {}): Promise<RunningSandbox> {
  return startSandbox({ dataDir: tempDir(name), token: TOKEN, name, pollMs: 3_600_000, log: () => undefined, ...over });
}

async function snapshotOf(s: RunningSandbox): Promise<unknown> {
  const api = client(s.url, TOKEN);
  const items: Connection[] = [];
  let cursor: string | null = null;
  do {
    const page: ConnectionPage = (await api<ConnectionPage>('GET', `/api/v1/connections?limit=500${cursor ? `&cursor=${cursor}` : ''}`)).json;
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  const rules: Record<string, number> = {};
  for (const c of items) {
    for (const d of ['outgoing', 'incoming']) rules[`${c.id}|${d}`] = (await api<SyncRule>('GET', `/api/v1/connections/${c.id}/rules/${d}`)).json.version;
  }
  return { items, rules };
}

describe('sandbox: fuzz and soak', function () {
  this.timeout(300_000);
  const running: RunningSandbox[] = [];
  after(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
    cleanupTempDirs();
  });

  it('API fuzz: random methods, paths, headers and bodies never answer 5xx, and what was answered 2xx is what reloads', async () => {
    const total = Number(process.env.EXALATE_FUZZ_REQUESTS ?? 2000);
    const r = rng(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
    const dataDir = tempDir('fuzz-api');
    let s = await startSandbox({ dataDir, token: TOKEN, name: 'fuzz', pollMs: 3_600_000, log: () => undefined, dev: true });
    const api = client(s.url, TOKEN);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await api<InitiateResponse>('POST', '/api/v1/connections', initiateBody({ name: `Fuzz ${i}` }))).json.connection.id);
    const rssBefore = rss();
    const strings = ['', 'a', '__proto__', 'constructor', '\u0000', '😀'.repeat(300), 'x'.repeat(70_000), '../../etc/passwd', '%00', '"quoted"', '  spaced  ', 'Fuzz 1'];
    const values = () => pick<unknown>([null, true, 0, -1, 1e308, 3.5, pick(strings), [], {}, [pick(strings)], { a: pick(strings) }]);
    const idOf = () => pick([...ids, '00000000-0000-4000-8000-000000000000', 'not-a-uuid', '%E0%A4%A', '..', pick(strings)]);
    // Each path with the methods it serves: three times in four the fuzzer uses one of them, so most requests get
    // past routing into auth, validation and the node itself.
    const paths: [() => string, string[]][] = [
      [() => '/api/v1/node', ['GET']],
      [() => '/api/v1/public/info', ['GET']],
      [() => `/api/v1/connections?limit=${pick(['1', '500', '501', '0', '-1', 'x', '1e3'])}&cursor=${pick(['', 'Yzk5', '!!', 'YzE'])}`, ['GET']],
      [() => '/api/v1/connections', ['POST']],
      [() => `/api/v1/connections/${idOf()}`, ['GET', 'PATCH', 'DELETE']],
      [() => `/api/v1/connections/${idOf()}/invitation`, ['GET']],
      [() => `/api/v1/connections/${idOf()}/rules/${pick(['outgoing', 'incoming', 'sideways'])}`, ['GET', 'PUT']],
      [() => `/api/v1/connections/${idOf()}/rules/${pick(['outgoing', 'incoming', 'sideways'])}/drafts`, ['POST']],
      [() => `/api/v1/connections/${idOf()}/rules/outgoing/versions/${pick(['1', '2', '0', 'x'])}/publish`, ['POST']],
      [() => `/api/v1/connections/${idOf()}/rules/${pick(['outgoing', 'incoming'])}/versions`, ['GET']],
      [() => `/api/v1/connections/${idOf()}/rules/outgoing/versions/${pick(['1', '2', '0', '999999999', 'x'])}`, ['GET']],
      [() => '/api/v1/invitations/preview', ['POST']],
      [() => '/api/v1/invitations/accept', ['POST']],
      [() => '/api/v1/destinations/check', ['POST']],
      [() => `/api/v1/peer/connections/${idOf()}/${pick(['accept', 'heartbeat'])}`, ['POST']],
      [() => '/api/v1/dev/bulk', ['POST']],
      [() => `/ado/${pick(['sandbox-org', 'other'])}/_apis/${pick(['projects', 'wit/workitems/1', 'connectionData'])}?api-version=${pick(['7.1', 'x'])}`, ['GET']],
      [() => `/${pick(strings).slice(0, 50)}`, ['GET']],
    ];
    const bodies = [
      () => undefined,
      () => JSON.stringify(initiateBody({ name: `F ${Math.floor(r() * 1e6)}`, [pick(strings).slice(0, 20) || 'k']: values() })),
      () => JSON.stringify(initiateBody({ name: pick(strings), destinationUrl: pick([null, 'http://127.0.0.1:1', 'ftp://x', pick(strings)]) })),
      () => JSON.stringify({ script: pick(strings) }),
      () => JSON.stringify({ name: pick(strings), description: values(), status: pick(['active', 'deactivated', 'x']) }),
      () => JSON.stringify({ invitationCode: pick(['EXA1.x.y', pick(strings)]), project: values() }),
      () => JSON.stringify({ count: pick([1, 0, 20001, 'x']), namePrefix: values() }),
      () => JSON.stringify({ active: values(), gone: values() }),
      () => '{"a":'.repeat(2000) + '1' + '}'.repeat(2000),
      () => '{not json',
      () => JSON.stringify(values()),
      () => String.fromCharCode(...Array.from({ length: 50 }, () => Math.floor(r() * 256))),
    ];
    const counts = new Map<number, number>();
    const fiveHundreds: string[] = [];
    for (let i = 0; i < total; i++) {
      const [makePath, allowed] = pick(paths);
      const method = r() < 0.75 ? pick(allowed) : pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD']);
      const path = makePath();
      const body = method === 'GET' || method === 'HEAD' ? undefined : pick(bodies)();
      const headers: Record<string, string> = {};
      const auth = r();
      if (auth < 0.8) headers.authorization = `Bearer ${TOKEN}`;
      else if (auth < 0.9) headers.authorization = pick(['Bearer wrong-token', 'Basic eDp5', 'Bearer', `Bearer ${TOKEN} extra`]);
      if (r() < 0.8) headers['content-type'] = pick(['application/json', 'text/plain', 'application/json; charset=utf-8']);
      if (r() < 0.3) headers['if-match'] = pick(['"1"', '"2"', '*', 'W/"1"', '"x"', '"99999999999"']);
      if (r() < 0.2) headers['idempotency-key'] = pick(['__proto__', 'constructor', 'k1', 'k2', 'x'.repeat(201)]);
      if (r() < 0.1) headers['x-exalate-author'] = pick(['ada', '', 'x'.repeat(101), '\u00e9']);
      let status: number;
      try {
        const res = await fetch(`${s.url}${path}`, { method, headers, body });
        await res.arrayBuffer();
        status = res.status;
      } catch (e) {
        throw new Error(`request ${i} (${method} ${path}) failed at the transport level: ${(e as Error).message}`);
      }
      counts.set(status, (counts.get(status) ?? 0) + 1);
      if (status >= 500 && status !== 502) fiveHundreds.push(`${status} ${method} ${path}`);
    }
    // Raw targets fetch cannot send.
    for (const target of ['http://[', '*', '//', '/api/v1/connections/%', 'http://x/api/v1/node']) {
      const sock = net.connect(Number(new URL(s.url).port), '127.0.0.1');
      const answer = await new Promise<string>((resolve) => {
        let d = '';
        sock.on('data', (b: Buffer) => {
          d += b.toString('latin1');
          if (/\r\n\r\n/.test(d)) sock.destroy();
        });
        sock.on('close', () => resolve(d));
        sock.on('error', () => resolve(d));
        sock.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`);
      });
      assert.match(answer, /^HTTP\/1\.1 [234]\d\d /, `GET ${target}: ${answer.slice(0, 80)}`);
    }
    const rssAfter = rss();
    const figures = [...counts].sort((a, b) => a[0] - b[0]).map(([k, v]) => `${v} × ${k}`).join(', ');
    console.log(`      API fuzz (seed ${SEED}): ${total} requests, ${fiveHundreds.length} × 5xx (502 = a destination that does not answer, expected); ${figures}; RSS ${mb(rssBefore)} → ${mb(rssAfter)}`);
    assert.deepEqual(fiveHundreds, []);
    // What the node answers now is exactly what it loads from disk: nothing answered as an error half-applied.
    const before = await snapshotOf(s);
    await s.stop();
    s = await startSandbox({ dataDir, token: TOKEN, name: 'fuzz', pollMs: 3_600_000, log: () => undefined, dev: true });
    running.push(s);
    assert.deepEqual(await snapshotOf(s), before);
  });

  it('invitation-code mutation: every altered code is refused with a 4xx and creates nothing', async () => {
    const total = Number(process.env.EXALATE_FUZZ_CODES ?? 500);
    const r = rng(SEED + 1);
    const a = await start('mut-a');
    const b = await start('mut-b');
    running.push(a, b);
    const code = (await client(a.url, TOKEN)<InitiateResponse>('POST', '/api/v1/connections', initiateBody({ name: 'Mutated' }))).json.invitationCode;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ \n';
    const mutate = (c: string): string => {
      const i = Math.floor(r() * c.length);
      const ch = alphabet[Math.floor(r() * alphabet.length)];
      switch (Math.floor(r() * 6)) {
        case 0: return c.slice(0, i) + ch + c.slice(i + 1); // replace
        case 1: return c.slice(0, i) + c.slice(i + 1); // delete
        case 2: return c.slice(0, i) + ch + c.slice(i); // insert
        case 3: return c.slice(0, i); // truncate
        case 4: { const p = c.split('.'); return [p[0], p[2] ?? '', p[1] ?? ''].join('.'); } // swap parts
        default: return c.slice(i) + c.slice(0, i); // rotate
      }
    };
    const api = client(b.url, TOKEN);
    const codes = new Map<string, number>();
    let fiveHundreds = 0;
    let accepted = 0;
    const rssBefore = rss();
    for (let n = 0; n < total; n++) {
      let m = mutate(code);
      if (r() < 0.3) m = mutate(m);
      if (m.replace(/\s+/g, '') === code) continue; // whitespace is allowed inside a pasted code
      const endpoint = r() < 0.5 ? '/api/v1/invitations/preview' : '/api/v1/invitations/accept';
      const res = await api<ErrorBody>('POST', endpoint, { invitationCode: m, project: 'P' });
      if (res.status >= 500) fiveHundreds++;
      if (res.status < 300) accepted++;
      const key = `${res.status} ${res.json?.error?.code ?? 'ok'}`;
      codes.set(key, (codes.get(key) ?? 0) + 1);
    }
    const figures = [...codes].sort().map(([k, v]) => `${v} × ${k}`).join(', ');
    console.log(`      invitation mutation (seed ${SEED + 1}): ${total} codes, ${fiveHundreds} × 5xx, ${accepted} accepted; ${figures}; RSS ${mb(rssBefore)} → ${mb(rss())}`);
    assert.equal(fiveHundreds, 0);
    assert.equal(accepted, 0);
    assert.equal((await api<ConnectionPage>('GET', '/api/v1/connections')).json.items.length, 0);
    // The original still works afterwards.
    assert.equal((await api('POST', '/api/v1/invitations/accept', { invitationCode: code, project: 'P' })).status, 201);
  });

  it('pipelined clients that never read: the node stays responsive, holds no answers for them and closes them', async () => {
    const clients = Number(process.env.EXALATE_SOAK_CLIENTS ?? 10);
    const s = await start('deaf-soak', { dev: true, limits: { idleTimeoutMs: 1_000 } });
    running.push(s);
    const api = client(s.url, TOKEN);
    await api('POST', '/api/v1/dev/bulk', { count: 1000 });
    const baseline = await s.openConnections();
    const rssBefore = rss();
    const request = `GET /api/v1/connections?limit=500 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`;
    const socks: net.Socket[] = [];
    for (let i = 0; i < clients; i++) {
      const sock = net.connect(Number(new URL(s.url).port), '127.0.0.1');
      sock.on('error', () => undefined);
      sock.pause();
      sock.write(request.repeat(2000));
      socks.push(sock);
    }
    try {
      let slowest = 0;
      for (let i = 0; i < 20; i++) {
        const t = Date.now();
        const res = await Promise.race([
          api('GET', '/api/v1/connections?limit=100'),
          // A liveness deadline, not a timing goal (bench:node measures latency): generous for a loaded 2-core machine.
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error('a normal request got no answer within 30 s')), 30_000)),
        ]);
        assert.equal(res.status, 200);
        slowest = Math.max(slowest, Date.now() - t);
      }
      const rssPeak = rss();
      const end = Date.now() + 30_000;
      while ((await s.openConnections()) > baseline) {
        if (Date.now() > end) throw new Error(`the node still holds ${(await s.openConnections()) - baseline} never-reading connections`);
        await new Promise((r) => setTimeout(r, 100));
      }
      console.log(`      never-reading clients: ${clients} × 2000 pipelined requests, 20 normal requests answered (slowest ${slowest} ms), all closed by the node; RSS ${mb(rssBefore)} → ${mb(rssPeak)} (peak)`);
    } finally {
      for (const sock of socks) sock.destroy();
    }
  });

  it('history growth to the quota: every version up to the quota is kept, the next is refused with 507, restart keeps them', async () => {
    const quotaBytes = 8 * 1024 * 1024;
    const dataDir = tempDir('growth');
    let s = await startSandbox({ dataDir, token: TOKEN, name: 'growth', pollMs: 3_600_000, log: () => undefined, quotaBytes, compactBytes: 16 * 1024 });
    let api = client(s.url, TOKEN);
    const id = (await api<InitiateResponse>('POST', '/api/v1/connections', initiateBody({ name: 'Growth' }))).json.connection.id;
    const rssBefore = rss();
    let version = 1;
    let refused: ErrorBody | null = null;
    let puts = 0;
    while (!refused) {
      // Published versions are kept forever (drafts only the newest 20): save and publish each.
      const res = await api<SyncRule & ErrorBody>('POST', `/api/v1/connections/${id}/rules/outgoing/drafts`, { script: `// ${version}\n${'g'.repeat(256 * 1024)}` }, { headers: { 'if-match': `"${version}"` } });
      puts++;
      if (res.status === 201) {
        version = res.json.version;
        const pub = await api('POST', `/api/v1/connections/${id}/rules/outgoing/versions/${version}/publish`);
        if (pub.status !== 200) throw new Error(`publish ${version} answered ${pub.status}`);
      } else if (res.status === 507) refused = res.json;
      else throw new Error(`PUT ${puts} answered ${res.status}`);
    }
    console.log(`      history growth: ${puts} PUTs of 256 KiB, ${version - 1} versions kept, then 507 at a quota of ${mb(quotaBytes)}; RSS ${mb(rssBefore)} → ${mb(rss())}`);
    assert.equal(refused.error.code, 'storage_quota_exceeded');
    assert.ok(version - 1 >= 25 && version - 1 <= 32, `${version - 1} versions of 256 KiB in 8 MiB`);
    await s.stop();
    s = await startSandbox({ dataDir, token: TOKEN, name: 'growth', pollMs: 3_600_000, log: () => undefined, quotaBytes });
    running.push(s);
    api = client(s.url, TOKEN);
    assert.equal((await api<SyncRule>('GET', `/api/v1/connections/${id}/rules/outgoing`)).json.version, version);
    assert.equal((await api<{ items: unknown[] }>('GET', `/api/v1/connections/${id}/rules/outgoing/versions`)).json.items.length, version);
  });
});
