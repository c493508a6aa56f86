// `npm run bench:sync` — work item sync over a private connection between two real node processes
// (dist/sandbox.js), with the private (accepting) node polling every 100 ms. Not a test: prints numbers, never fails.
//
// 1. Starts A (initiator, public side) and B (acceptor, private side: it pulls A's messages every --poll-ms),
//    connects them, and puts a trigger on A that selects the benchmark's work items.
// 2. Creates --count work items on A through the emulator with azure-devops-node-api (--concurrency at a time) and
//    notes when each create was acknowledged.
// 3. Watches B's emulator (WIQL for ids above the last one seen, every 5 ms while nothing new) and notes when each twin appears.
// 4. Prints throughput (work items per second from the first create to the last twin) and the end-to-end latency
//    p50/p99 (create acknowledged on A → twin readable on B), next to the floor the poll interval sets (a message
//    waits up to one interval for B's next pull: mean interval/2) and a bare HTTP round trip (node:http, same run).
//
// Flags: --count <n> (default 1000), --poll-ms <n> (default 100), --concurrency <n> (default 8).
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import * as readline from 'node:readline';
import { parseArgs } from 'node:util';
import * as azdev from 'azure-devops-node-api';
import type { IWorkItemTrackingApi } from 'azure-devops-node-api/WorkItemTrackingApi';

const ROOT = path.resolve(__dirname, '..', '..');
const SANDBOX_JS = path.join(ROOT, 'dist', 'sandbox.js');

interface Node {
  url: string;
  ado: string;
  child: ChildProcess;
}

async function spawnNode(args: string[]): Promise<Node> {
  const child = spawn(process.execPath, [SANDBOX_JS, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`node did not start; stderr:\n${err}`)), 20_000);
    readline.createInterface({ input: child.stdout! }).once('line', (l) => {
      clearTimeout(t);
      resolve(l);
    });
    child.once('exit', (code) => reject(new Error(`node exited with ${code}; stderr:\n${err}`)));
  });
  const ready = JSON.parse(line) as { url: string; ado: string };
  return { ...ready, child };
}

async function api<T>(base: string, token: string, method: string, p: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(`${base}${p}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : null) as T };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const ms = (n: number) => `${n.toFixed(1)} ms`;

/** Median round trip of a bare node:http server answering a tiny JSON body, over keep-alive fetch. */
async function bareRoundTrip(samples: number): Promise<number> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '2' });
    res.end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const times: number[] = [];
  for (let i = 0; i < samples + 20; i++) {
    const t = performance.now();
    await (await fetch(url, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).text();
    if (i >= 20) times.push(performance.now() - t);
  }
  server.closeAllConnections();
  server.close();
  times.sort((a, b) => a - b);
  return percentile(times, 50);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { count: { type: 'string', default: '1000' }, 'poll-ms': { type: 'string', default: '100' }, concurrency: { type: 'string', default: '8' } } });
  const count = Number(values.count);
  const pollMs = Number(values['poll-ms']);
  const concurrency = Number(values.concurrency);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'exa-bench-sync-'));
  const tokenA = 'bench-sync-token-alpha';
  const tokenB = 'bench-sync-token-beta-';
  const nodes: Node[] = [];
  try {
    const a = await spawnNode(['--data', path.join(tmp, 'a'), '--token', tokenA, '--name', 'alpha', '--seed', '--poll-ms', String(pollMs)]);
    nodes.push(a);
    const b = await spawnNode(['--data', path.join(tmp, 'b'), '--token', tokenB, '--name', 'beta', '--seed', '--poll-ms', String(pollMs)]);
    nodes.push(b);
    const init = await api<{ connection: { id: string }; invitationCode: string }>(a.url, tokenA, 'POST', '/api/v1/connections', {
      destinationUrl: null,
      mode: 'script',
      localShortName: 'alpha',
      remoteShortName: 'beta',
      name: 'Bench sync',
      project: 'Payments',
    });
    const id = init.json.connection.id;
    await api(b.url, tokenB, 'POST', '/api/v1/invitations/accept', { invitationCode: init.json.invitationCode, project: 'Mobile App' });
    for (const end = Date.now() + 20_000; ; ) {
      if ((await api<{ status: string }>(a.url, tokenA, 'GET', `/api/v1/connections/${id}`)).json.status === 'active') break;
      if (Date.now() > end) throw new Error('the connection did not become active');
      await new Promise((r) => setTimeout(r, 50));
    }
    const query = `SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = 'Payments' AND [System.Title] CONTAINS 'bench item'`;
    const put = await api(a.url, tokenA, 'PUT', `/api/v1/connections/${id}/triggers`, { items: [{ query, active: true }] });
    if (put.status !== 200) throw new Error(`trigger refused: ${JSON.stringify(put.json)}`);
    const witA: IWorkItemTrackingApi = await new azdev.WebApi(a.ado, azdev.getPersonalAccessTokenHandler(tokenA)).getWorkItemTrackingApi();
    const witB: IWorkItemTrackingApi = await new azdev.WebApi(b.ado, azdev.getPersonalAccessTokenHandler(tokenB)).getWorkItemTrackingApi();

    const rtt = await bareRoundTrip(200);
    console.log(`bench:sync  ${count} work items, private connection, poll interval ${pollMs} ms, ${concurrency} creates in flight`);

    // Watch B: ids above the last one seen; titles name the index.
    const acked = new Array<number>(count).fill(NaN);
    const seen = new Array<number>(count).fill(NaN);
    let seenCount = 0;
    let lastId = 0;
    const startMax = await witB.queryByWiql({ query: `SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = 'Mobile App'` }, { project: 'Mobile App' });
    for (const w of startMax.workItems ?? []) lastId = Math.max(lastId, w.id ?? 0);
    let watching = true;
    const watcher = (async () => {
      while (watching && seenCount < count) {
        // The id condition first: the emulator checks conditions in order, so most work items cost one comparison.
        const res = await witB.queryByWiql({ query: `SELECT [System.Id] FROM WorkItems WHERE [System.Id] > ${lastId} AND [System.TeamProject] = 'Mobile App'` }, { project: 'Mobile App' });
        const ids = (res.workItems ?? []).map((w) => w.id!).filter((x) => x > lastId);
        const now = performance.now();
        for (let i = 0; i < ids.length; i += 200) {
          const batch = await witB.getWorkItems(ids.slice(i, i + 200), ['System.Title']);
          for (const w of batch) {
            const m = /bench item (\d+)/.exec(String(w.fields?.['System.Title'] ?? ''));
            if (m && Number.isNaN(seen[Number(m[1])])) {
              seen[Number(m[1])] = now;
              seenCount++;
            }
          }
        }
        if (ids.length) lastId = Math.max(lastId, ...ids);
        else await new Promise((r) => setTimeout(r, 5));
      }
    })();

    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count) {
          const i = next++;
          await witA.createWorkItem(null, [{ op: 'add', path: '/fields/System.Title', value: `bench item ${i}` }], 'Payments', 'Task');
          acked[i] = performance.now();
        }
      }),
    );
    const createdIn = performance.now() - started;
    const deadline = Date.now() + 600_000;
    while (seenCount < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    watching = false;
    await watcher;
    const done = Math.max(...seen.filter((x) => !Number.isNaN(x)));
    const lat = seen.map((s, i) => s - acked[i]).filter((x) => !Number.isNaN(x)).sort((x, y) => x - y);
    const total = done - started;
    console.log(`  twins on B:            ${seenCount} of ${count}`);
    console.log(`  creates on A:          ${ms(createdIn)} (${((count / createdIn) * 1000).toFixed(0)} work items/s acknowledged by A)`);
    console.log(`  throughput:            ${((seenCount / total) * 1000).toFixed(0)} work items/s end to end (first create → last twin: ${ms(total)})`);
    console.log(`  latency p50 / p99:     ${ms(percentile(lat, 50))} / ${ms(percentile(lat, 99))} (create acknowledged on A → twin readable on B)`);
    console.log(`  poll-interval floor:   mean ${ms(pollMs / 2)}, max ${ms(pollMs)} (a message waits for B's next pull)`);
    console.log(`  bare HTTP round trip:  ${ms(rtt)} (node:http, median of 200)`);
    console.log(`  ratios:                p50 / floor mean = ${(percentile(lat, 50) / (pollMs / 2)).toFixed(2)}, p50 / round trip = ${(percentile(lat, 50) / rtt).toFixed(0)}`);
  } finally {
    for (const n of nodes) n.child.kill('SIGTERM');
    await Promise.all(nodes.map((n) => new Promise((r) => (n.child.exitCode !== null ? r(null) : n.child.once('exit', r)))));
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
