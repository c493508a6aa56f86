// `npm run bench:tree` — how long the Connections view takes to show the first page of 10,000 connections, next
// to the raw cost of that page (fetch + JSON.parse) measured in the same run against the same sandbox process.
// Not a test: it prints numbers and the ratio, and never fails on them.
//
// "Show" is exactly what the view does before VS Code renders: NodeConnections.refresh() (HttpExalateClient:
// fetch, JSON parse, zod validation of every connection) and presentConnection() for every item (label,
// description, codicon, colour, Markdown tooltip, context value, detail lines) — src/connections/model.ts, the
// code the TreeDataProvider runs. The two measurements alternate round by round so drift hits both alike.
//
// Flags: --count <n> (default 10000), --rounds <n> (default 30).
import { parseArgs } from 'node:util';
import { NodeConnections, PAGE_SIZE, presentConnection } from '../src/connections/model';
import { HttpExalateClient } from '../src/exalate/httpClient';
import { startSandboxProcess } from '../test/unit/exalate/sandboxProcess';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))];
const f = (n: number, d = 2) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { count: { type: 'string', default: '10000' }, rounds: { type: 'string', default: '30' } },
    strict: true,
  });
  const count = Number(values.count);
  const rounds = Number(values.rounds);
  if (!Number.isInteger(count) || count < 1 || count > 20000) throw new Error('--count must be 1–20000');
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a positive integer');

  const sb = await startSandboxProcess({ name: 'benchtree', dev: true });
  try {
    const bulk = await fetch(`${sb.url}/api/v1/dev/bulk`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sb.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ count }),
    });
    if (bulk.status !== 201) throw new Error(`bulk create failed: HTTP ${bulk.status} ${await bulk.text()}`);
    const client = new HttpExalateClient({ nodeUrl: sb.url, token: sb.token });
    const pageUrl = `${sb.url}/api/v1/connections?limit=${PAGE_SIZE}`;

    const raw = async () => {
      const t0 = performance.now();
      const res = await fetch(pageUrl, { headers: { authorization: `Bearer ${sb.token}` } });
      const body = JSON.parse(await res.text()) as { items: unknown[] };
      const ms = performance.now() - t0;
      if (body.items.length !== Math.min(PAGE_SIZE, count)) throw new Error(`raw page has ${body.items.length} items`);
      return ms;
    };
    let shownItems = 0;
    let more = false;
    const show = async () => {
      const t0 = performance.now();
      const model = new NodeConnections(sb.url, async () => client, () => undefined);
      await model.refresh();
      if (model.state.kind !== 'loaded') throw new Error(`load failed: ${JSON.stringify(model.state)}`);
      const now = Date.now();
      const items = model.connections.map((c) => presentConnection(c, now));
      const ms = performance.now() - t0;
      shownItems = items.length;
      more = model.nextCursor !== null;
      return ms;
    };

    // Warm-up (JIT, keep-alive sockets), not counted.
    for (let i = 0; i < 3; i++) {
      await raw();
      await show();
    }
    const rawMs: number[] = [];
    const showMs: number[] = [];
    for (let i = 0; i < rounds; i++) {
      if (i % 2 === 0) {
        rawMs.push(await raw());
        showMs.push(await show());
      } else {
        showMs.push(await show());
        rawMs.push(await raw());
      }
    }
    const rawMed = median(rawMs);
    const showMed = median(showMs);
    console.log(`Connections view, first page of ${count.toLocaleString('en-US')} connections (${shownItems} items${more ? ' + "Load more…"' : ''}), ${rounds} rounds each, alternating:`);
    console.log(`  raw fetch + JSON.parse ........ median ${f(rawMed)} ms, p90 ${f(p90(rawMs))} ms`);
    console.log(`  view: load + validate + items .. median ${f(showMed)} ms, p90 ${f(p90(showMs))} ms`);
    console.log(`  ratio view / raw: ${f(showMed / rawMed)}x`);
  } finally {
    await sb.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
