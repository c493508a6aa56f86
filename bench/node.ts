// `npm run bench:node` — how fast the sandbox node lists connections, compared with a bare `node:http` server that
// serves the very same bytes. Not a test: it prints numbers and never fails on them.
//
// 1. Starts the real sandbox CLI (`dist/sandbox.js --dev`) and creates 10,000 connections through its dev hook.
// 2. Lists them once page by page (limit 500) and records every page's exact bytes.
// 3. Starts a bare server in a child process (this file with `--serve-bare <file>`) that answers the same URLs with
//    the same bytes, so both servers run out of process and the client side is identical.
// 4. Lists all connections page by page, alternating between the two servers, `--rounds` times each, once with
//    plain `fetch` (server + HTTP cost) and once through HttpExalateClient (adds zod validation of every page).
// 5. Prints throughput, p50/p99 per page and the sandbox/bare ratio of each.
// 6. Concurrency: 50 clients list at once; p99 per page (goal: < 20 ms per page of 500), next to the bare server
//    under the same 50 clients.
// 7. Under write load: p99 of GET (a page of 500) while one client saves --puts rule versions (drafts) of 512 KiB,
//    next to the idle p99 of the same GET (goal: ≤ 2×). Every save is a new script, so the store writes and fsyncs 512 KiB each
//    time and compacts now and then.
//
// Flags: --count <n> (default 10000), --limit <n> (default 500), --rounds <n> (default 10),
//        --clients <n> (default 50), --puts <n> (default 1000).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { HttpExalateClient } from '../src/exalate/httpClient';
import { startSandboxProcess } from '../test/unit/exalate/sandboxProcess';

interface Recorded {
  /** Request URL (path + query) → body bytes (base64, to keep them exact through JSON). */
  pages: Record<string, string>;
  contentType: string;
}

function serveBare(file: string): void {
  const rec = JSON.parse(fs.readFileSync(file, 'utf8')) as Recorded;
  const pages = new Map(Object.entries(rec.pages).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
  const server = http.createServer((req, res) => {
    const body = pages.get(req.url ?? '');
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'cache-control': 'no-store', 'content-type': rec.contentType, 'content-length': String(body.length) });
    res.end(body);
  });
  server.keepAliveTimeout = 5_000;
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })}\n`);
  });
  process.on('SIGTERM', () => process.exit(0));
}

async function startBare(file: string): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, [__filename, '--serve-bare', file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => {
      out += d;
      if (out.includes('\n')) resolve((JSON.parse(out.slice(0, out.indexOf('\n'))) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

function pageUrl(limit: number, cursor: string | null): string {
  const q = new URLSearchParams({ limit: String(limit) });
  if (cursor) q.set('cursor', cursor);
  return `/api/v1/connections?${q.toString()}`;
}

interface Stats {
  pageMs: number[];
  listings: number;
  totalMs: number;
  bytes: number;
  items: number;
}

const newStats = (): Stats => ({ pageMs: [], listings: 0, totalMs: 0, bytes: 0, items: 0 });

/** Pages fetched a second time after a socket error (printed at the end). */
const retries = { count: 0 };

/** One full listing with plain fetch; returns per-page times. */
async function listWithFetch(base: string, token: string, limit: number, s: Stats): Promise<void> {
  const t0 = performance.now();
  let cursor: string | null = null;
  do {
    const p0 = performance.now();
    let res: Response;
    let text: string;
    try {
      res = await fetch(base + pageUrl(limit, cursor), { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
      text = await res.text();
    } catch (e) {
      // A kept-alive socket the server closed just as it was reused (timing race on a loaded machine): retry once on
      // a new one and count it.
      retries.count++;
      if (retries.count > 20) throw e;
      res = await fetch(base + pageUrl(limit, cursor), { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
      text = await res.text();
    }
    if (res.status !== 200) throw new Error(`HTTP ${res.status} from ${base}`);
    const page = JSON.parse(text) as { items: unknown[]; nextCursor: string | null };
    s.pageMs.push(performance.now() - p0);
    s.bytes += Buffer.byteLength(text);
    s.items += page.items.length;
    cursor = page.nextCursor;
  } while (cursor);
  s.totalMs += performance.now() - t0;
  s.listings++;
}

async function listWithClient(client: HttpExalateClient, limit: number, s: Stats): Promise<void> {
  const t0 = performance.now();
  let cursor: string | null = null;
  do {
    const p0 = performance.now();
    const page = await client.listConnections({ limit, cursor });
    s.pageMs.push(performance.now() - p0);
    s.items += page.items.length;
    cursor = page.nextCursor;
  } while (cursor);
  s.totalMs += performance.now() - t0;
  s.listings++;
}

function pct(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function summary(s: Stats) {
  const sorted = [...s.pageMs].sort((x, y) => x - y);
  const secs = s.totalMs / 1000;
  return {
    listingsPerSec: s.listings / secs,
    connsPerSec: s.items / secs,
    mbPerSec: s.bytes / 1e6 / secs,
    p50: pct(sorted, 0.5),
    p99: pct(sorted, 0.99),
  };
}

function row(label: string, cols: (string | number)[]): string {
  return label.padEnd(34) + cols.map((c) => String(c).padStart(12)).join('');
}
const f = (n: number, d = 1) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '10000' },
      limit: { type: 'string', default: '500' },
      rounds: { type: 'string', default: '10' },
      clients: { type: 'string', default: '50' },
      puts: { type: 'string', default: '1000' },
      'serve-bare': { type: 'string' },
    },
    strict: true,
  });
  if (values['serve-bare']) return serveBare(values['serve-bare']);
  const count = Number(values.count);
  const limit = Number(values.limit);
  const rounds = Number(values.rounds);
  const concurrent = Number(values.clients);
  const puts = Number(values.puts);

  const sb = await startSandboxProcess({ name: 'bench', dev: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'exalate-bench-'));
  let bare: { url: string; stop: () => void } | undefined;
  try {
    const t0 = performance.now();
    const bulk = await fetch(`${sb.url}/api/v1/dev/bulk`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sb.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ count }),
    });
    if (bulk.status !== 201) throw new Error(`bulk create failed: HTTP ${bulk.status} ${await bulk.text()}`);
    const createMs = performance.now() - t0;

    // Record the exact bytes of every page.
    const rec: Recorded = { pages: {}, contentType: '' };
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url = pageUrl(limit, cursor);
      const res = await fetch(sb.url + url, { headers: { authorization: `Bearer ${sb.token}` } });
      const buf = Buffer.from(await res.arrayBuffer());
      rec.contentType = res.headers.get('content-type') ?? 'application/json';
      rec.pages[url] = buf.toString('base64');
      cursor = (JSON.parse(buf.toString('utf8')) as { nextCursor: string | null }).nextCursor;
      pages++;
    } while (cursor);
    const file = path.join(tmp, 'pages.json');
    fs.writeFileSync(file, JSON.stringify(rec));
    const pageBytes = Object.values(rec.pages).reduce((n, b) => n + Buffer.from(b, 'base64').length, 0);
    bare = await startBare(file);

    const clients = {
      sandbox: new HttpExalateClient({ nodeUrl: sb.url, token: sb.token }),
      bare: new HttpExalateClient({ nodeUrl: bare.url, token: sb.token }),
    };
    const stats = {
      fetch: { sandbox: newStats(), bare: newStats() },
      client: { sandbox: newStats(), bare: newStats() },
    };
    // Warm-up (JIT, keep-alive sockets), not counted.
    for (const who of ['sandbox', 'bare'] as const) {
      const url = who === 'sandbox' ? sb.url : bare.url;
      await listWithFetch(url, sb.token, limit, newStats());
      await listWithClient(clients[who], limit, newStats());
    }
    for (let r = 0; r < rounds; r++) {
      // Alternate the order so drift (GC, CPU frequency) hits both sides alike.
      const order = r % 2 === 0 ? (['sandbox', 'bare'] as const) : (['bare', 'sandbox'] as const);
      for (const who of order) {
        await listWithFetch(who === 'sandbox' ? sb.url : bare.url, sb.token, limit, stats.fetch[who]);
        await listWithClient(clients[who], limit, stats.client[who]);
      }
    }

    console.log(
      `Node API list benchmark — ${count.toLocaleString('en-US')} connections, pages of ${limit} (${pages} pages, ` +
        `${f(pageBytes / 1e6, 2)} MB per listing), ${rounds} listings per row, servers interleaved; ` +
        `Node ${process.version}, ${os.cpus().length} CPUs. Bulk create took ${f(createMs, 0)} ms.`,
    );
    console.log(row('', ['listings/s', 'conns/s', 'MB/s', 'p50 ms/page', 'p99 ms/page']));
    for (const mode of ['fetch', 'client'] as const) {
      const s = summary(stats[mode].sandbox);
      const b = summary(stats[mode].bare);
      const label = mode === 'fetch' ? 'fetch + JSON.parse' : 'HttpExalateClient (zod)';
      console.log(row(`sandbox    ${label}`, [f(s.listingsPerSec, 2), f(s.connsPerSec, 0), mode === 'fetch' ? f(s.mbPerSec) : '-', f(s.p50, 2), f(s.p99, 2)]));
      console.log(row(`bare http  ${label}`, [f(b.listingsPerSec, 2), f(b.connsPerSec, 0), mode === 'fetch' ? f(b.mbPerSec) : '-', f(b.p50, 2), f(b.p99, 2)]));
      console.log(
        row(`ratio sandbox/bare`, [
          `${f(b.listingsPerSec / s.listingsPerSec, 2)}x slower`,
          '',
          '',
          `${f(s.p50 / b.p50, 2)}x`,
          `${f(s.p99 / b.p99, 2)}x`,
        ]),
      );
    }

    // 6. Many clients at once, against the sandbox and, as the baseline, the bare server with the same bytes (the
    //    clients parse every page in this one process, so part of the latency is theirs on both sides).
    const concurrentOf = async (url: string) => {
      const st = newStats();
      await Promise.all(Array.from({ length: concurrent }, () => listWithFetch(url, sb.token, limit, st)));
      return st;
    };
    const concurrentStats = await concurrentOf(sb.url);
    const concurrentBare = await concurrentOf(bare.url);
    const cs = summary(concurrentStats);
    const cb = summary(concurrentBare);
    console.log('');
    console.log(`${concurrent} concurrent clients, one listing each (${concurrentStats.pageMs.length} pages of ${limit}):`);
    console.log(row('', ['p50 ms/page', 'p99 ms/page', 'goal p99', 'p99/goal']));
    console.log(row('sandbox fetch + JSON.parse', [f(cs.p50, 2), f(cs.p99, 2), '< 20', `${f(cs.p99 / 20, 1)}x`]));
    console.log(row('bare http fetch + JSON.parse', [f(cb.p50, 2), f(cb.p99, 2), '< 20', `${f(cb.p99 / 20, 1)}x`]));
    console.log(row('ratio sandbox/bare', [`${f(cs.p50 / cb.p50, 2)}x`, `${f(cs.p99 / cb.p99, 2)}x`, '', '']));

    // 7. Reads while rule versions of 512 KiB are written.
    const api = (method: string, p: string, body?: unknown, headers: Record<string, string> = {}) =>
      fetch(sb.url + p, {
        method,
        headers: { authorization: `Bearer ${sb.token}`, 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const created = await api('POST', '/api/v1/connections', {
      destinationUrl: null, mode: 'script', localShortName: 'bench', remoteShortName: 'other',
      name: 'Bench rule history', description: '', project: 'Bench',
    });
    const id = ((await created.json()) as { connection: { id: string } }).connection.id;
    const getPage = async (into: number[]) => {
      const t = performance.now();
      const res = await fetch(sb.url + pageUrl(limit, null), { headers: { authorization: `Bearer ${sb.token}` } });
      await res.arrayBuffer();
      into.push(performance.now() - t);
    };
    const idle: number[] = [];
    for (let i = 0; i < 300; i++) await getPage(idle);
    const loaded: number[] = [];
    let version = 1;
    let putMs = 0;
    let writing = true;
    const filler = 'x'.repeat(512 * 1024 - 32);
    const writer = (async () => {
      const t0 = performance.now();
      try {
        for (let i = 0; i < puts; i++) {
          const res = await api('POST', `/api/v1/connections/${id}/rules/outgoing/drafts`, { script: `// ${i}\n${filler}`.slice(0, 512 * 1024) }, { 'if-match': `"${version}"` });
          if (res.status !== 201) throw new Error(`Draft save ${i + 1} answered HTTP ${res.status}: ${await res.text()}`);
          version = ((await res.json()) as { version: number }).version;
        }
      } finally {
        putMs = performance.now() - t0;
        writing = false;
      }
    })();
    while (writing) await getPage(loaded);
    await writer;
    const p = (xs: number[], q: number) => pct([...xs].sort((a, b) => a - b), q);
    console.log('');
    console.log(`GET of a page of ${limit} while one client PUTs ${puts} rule versions of 512 KiB (${f(putMs / 1000, 1)} s, ${f(puts / (putMs / 1000), 1)} PUT/s):`);
    console.log(row('', ['GETs', 'p50 ms', 'p99 ms', 'max ms']));
    console.log(row('idle', [idle.length, f(p(idle, 0.5), 2), f(p(idle, 0.99), 2), f(Math.max(...idle), 2)]));
    console.log(row('while PUTting', [loaded.length, f(p(loaded, 0.5), 2), f(p(loaded, 0.99), 2), f(Math.max(...loaded), 2)]));
    console.log(row('ratio loaded/idle (goal p99 ≤ 2x)', ['', `${f(p(loaded, 0.5) / p(idle, 0.5), 2)}x`, `${f(p(loaded, 0.99) / p(idle, 0.99), 2)}x`, '']));
    if (retries.count > 0) console.log(`(${retries.count} page requests were retried after a closed keep-alive socket)`);
  } finally {
    bare?.stop();
    await sb.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
