// Differential testing of the Test Run interpreter against real Groovy 4: the same script on the same input runs in
// our interpreter (src/groovy/runtime) and in Groovy with a stub runtime (test/fixtures/groovy/runtime.groovy), all
// cases in ONE JVM; the outputs are compared as JSON text (JsonOutput on both sides).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { runIncoming, runOutgoing, type RuntimeContext } from '../../../../src/groovy/runtime';
import { defaultIncomingScript, defaultOutgoingScript } from '../../../../src/sandbox/defaultRules';
import { EXPRESSIONS, PRELUDE, SCRIPTS } from './snippets';

export const ROOT = path.resolve(__dirname, '..', '..', '..', '..', '..');
export const CORPUS_DIR = path.join(ROOT, 'test', 'fixtures', 'groovy', 'corpus');
const STUB = path.join(ROOT, 'test', 'fixtures', 'groovy', 'runtime.groovy');

export interface DiffCase {
  name: string;
  direction: 'outgoing' | 'incoming';
  script: string;
  workItem: string | null;
  replica?: string | null;
  firstSync?: boolean;
  context?: RuntimeContext;
  /** Benchmarks: run the parsed script `warmup` times, then time `repeat` runs (GroovyResult.nanosPerRun). */
  repeat?: number;
  warmup?: number;
}

const Results = z.array(
  z.object({
    name: z.string(),
    ok: z.boolean(),
    json: z.string().optional(),
    error: z.object({ message: z.string(), line: z.number(), exception: z.string() }).optional(),
    nanosPerRun: z.number().optional(),
  }),
);
export type GroovyResult = z.infer<typeof Results>[number];

export interface Outcome {
  ok: boolean;
  json?: string;
  error?: { message: string; line: number; exception?: string };
}

/** Runs every case in real Groovy (one JVM). */
export function runInGroovy(lib: string, cases: DiffCase[], timeoutMs = 300_000): Promise<GroovyResult[]> {
  return runGroovyStub(lib, cases, timeoutMs).then((r) => r.results);
}

/** Like runInGroovy, also measuring the wall time of the whole JVM process (benchmarks). */
export function runGroovyStub(lib: string, cases: DiffCase[], timeoutMs = 300_000): Promise<{ results: GroovyResult[]; wallMs: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('java', ['-Xshare:auto', '-XX:TieredStopAtLevel=1', '-cp', path.join(lib, '*'), 'groovy.ui.GroovyMain', STUB], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Groovy stub runtime did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`java could not start: ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) {
        reject(new Error(`Groovy stub runtime exited with ${code}: ${Buffer.concat(err).toString().slice(0, 3000)}`));
        return;
      }
      try {
        const results = Results.parse(JSON.parse(Buffer.concat(out).toString('utf8')));
        if (results.length !== cases.length) throw new Error(`expected ${cases.length} results, got ${results.length}`);
        resolve({ results, wallMs: performance.now() - started });
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
    child.stdin.on('error', () => undefined); // the exit code and stderr say what went wrong
    child.stdin.end(JSON.stringify(cases), 'utf8');
  });
}

/** Runs a case in our interpreter. */
export function runOurs(c: DiffCase): Outcome {
  const opts = { context: c.context, budget: { maxMillis: 10_000 } };
  const r =
    c.direction === 'incoming'
      ? runIncoming(c.script, c.replica ?? '{}', c.workItem, c.firstSync ?? false, opts)
      : runOutgoing(c.script, c.workItem ?? '{}', opts);
  if (r.error) return { ok: false, error: r.error };
  return { ok: true, json: r.json ?? undefined };
}

/**
 * Cases the stub cannot judge: the script needs Exalate's own classes (`import com.exalate…`), which the stub does
 * not have, or the file holds only classes (Groovy then looks for a `main` method) — not a sync script.
 */
export function notComparable(g: GroovyResult): string | null {
  if (g.ok || !g.error) return null;
  if (/unable to resolve class (com\.exalate|com\.atlassian|org\.slf4j|services\.|domain\.)/.test(g.error.message)) return 'needs Exalate classes';
  if (g.error.line === 0 && /\.main\(\) is applicable/.test(g.error.message)) return 'only class declarations';
  return null;
}

/** Same outcome: the same JSON, or both failed at the same line. */
export function agree(g: GroovyResult, o: Outcome): boolean {
  if (g.ok && o.ok) return g.json === o.json;
  if (!g.ok && !o.ok) return g.error!.line === o.error!.line;
  return false;
}

export function describeDisagreement(c: DiffCase, g: GroovyResult, o: Outcome): string {
  const show = (x: Outcome | GroovyResult) => (x.ok ? `ok ${x.json}` : `error line ${x.error!.line}: ${x.error!.exception ?? ''} ${x.error!.message.slice(0, 300)}`);
  return `${c.name}\n  groovy: ${show(g)}\n  ours:   ${show(o)}`;
}

// ---------------------------------------------------------------- generated inputs

/** Work items in the script model's JSON shape, from plain to awkward. */
export function generatedWorkItems(): { name: string; json: string }[] {
  const rich = {
    id: 4711,
    key: '4711',
    summary: 'Checkout fails for EU customers',
    description: '<div><p>Steps:</p><ol><li>Open <b>cart</b></li><li>Pay &amp; confirm</li></ol><br/>Expected: order &lt;placed&gt;&nbsp;OK</div>',
    status: { name: 'Active' },
    priority: { name: '2' },
    labels: [{ label: 'payments' }, { label: 'eu' }],
    comments: [
      { id: 11, body: '<p>Reproduced on <i>staging</i></p>', author: { displayName: 'Ana Lima', email: 'ana@example.com' }, created: '2026-01-05T10:00:00Z' },
      { id: 12, body: 'Fixed in build 1.2.3', author: { displayName: 'Bo Chen', email: 'bo@example.com' }, created: '2026-01-06T09:30:00Z' },
    ],
    attachments: [{ id: 7, filename: 'trace.log', mimetype: 'text/plain', filesize: 2048, created: '2026-01-05T10:01:00Z' }],
    type: { name: 'Bug' },
    project: { key: 'Payments', name: 'Payments' },
    areaPath: 'Payments\\Team A',
    iterationPath: 'Payments\\Sprint 4',
    assignee: { displayName: 'Ana Lima', email: 'ana@example.com' },
    reporter: { displayName: 'Bo Chen', email: 'bo@example.com' },
    created: '2026-01-04T08:00:00Z',
    customFields: { Customer: { value: 'ACME' }, 'Story Points': { value: 5 }, Severity: { value: '2 - High' } },
    customKeys: {},
    'Microsoft.VSTS.Common.AcceptanceCriteria': '<p>Order placed</p>',
    'Microsoft.VSTS.Scheduling.StoryPoints': 3.5,
  };
  const sparse = { id: 1, key: '1', summary: 'Empty item', type: { name: 'Task' }, status: { name: 'New' }, project: { key: 'Ops', name: 'Ops' } };
  const odd = {
    id: 99,
    key: '99',
    summary: 'Ünïcödé "quotes" and \\ backslashes',
    description: null,
    status: { name: 'Closed' },
    priority: null,
    labels: [],
    comments: [{ id: 1, body: null, author: null, created: null }],
    attachments: [],
    type: { name: 'User Story' },
    project: { key: 'Web', name: 'Web' },
    assignee: null,
    reporter: { displayName: 'Zoë', email: 'zoe@example.com' },
    customFields: { Customer: { value: null } },
  };
  return [
    { name: 'rich', json: JSON.stringify(rich) },
    { name: 'sparse', json: JSON.stringify(sparse) },
    { name: 'odd', json: JSON.stringify(odd) },
  ];
}

export function replicaFor(workItemJson: string): string {
  const w = JSON.parse(workItemJson) as Record<string, unknown>;
  const r: Record<string, unknown> = { ...w, customKeys: {} };
  return JSON.stringify(r);
}

export const CONTEXT: RuntimeContext = {
  users: [
    { displayName: 'Ana Lima', email: 'ana@example.com', key: 'u-ana', username: 'ana@example.com' },
    { displayName: 'Local Admin', email: 'admin@example.com', key: 'u-admin', username: 'admin' },
  ],
  issueTypes: ['Bug', 'Task', 'User Story', 'Feature', 'Epic'],
  links: { '4711': { id: 31, key: '31' } },
};

export function corpusScripts(what: 'outgoing sync script' | 'incoming sync script'): { file: string; text: string }[] {
  const manifest = z.array(z.object({ file: z.string(), what: z.string() })).parse(JSON.parse(fs.readFileSync(path.join(CORPUS_DIR, 'manifest.json'), 'utf8')));
  return manifest.filter((m) => m.what === what).map((m) => ({ file: m.file, text: fs.readFileSync(path.join(CORPUS_DIR, m.file), 'utf8') }));
}

/**
 * Cases where we differ from Groovy on purpose (docs/test-run.md, "Deliberate differences"). Keyed by case name.
 */
export const DELIBERATE: Record<string, string> = {};

export function allCases(): DiffCase[] {
  const cases: DiffCase[] = [];
  const items = generatedWorkItems();
  for (const e of EXPRESSIONS) {
    cases.push({ name: `expr: ${e}`, direction: 'outgoing', script: `${PRELUDE}replica.result = ${e}\n`, workItem: items[0].json, context: CONTEXT });
  }
  for (const s of SCRIPTS) cases.push({ name: `script: ${s.name}`, direction: 'outgoing', script: s.script, workItem: items[0].json, context: CONTEXT });
  const ctx = { localShortName: 'ado', remoteShortName: 'jira', project: 'Payments' };
  for (const w of items) {
    cases.push({ name: `default outgoing on ${w.name}`, direction: 'outgoing', script: defaultOutgoingScript(ctx), workItem: w.json, context: CONTEXT });
    cases.push({ name: `default incoming (first sync) on ${w.name}`, direction: 'incoming', script: defaultIncomingScript(ctx), workItem: null, replica: replicaFor(w.json), firstSync: true, context: CONTEXT });
    for (const local of items) {
      cases.push({ name: `default incoming on ${w.name} into ${local.name}`, direction: 'incoming', script: defaultIncomingScript(ctx), workItem: local.json, replica: replicaFor(w.json), firstSync: false, context: CONTEXT });
    }
  }
  for (const s of corpusScripts('outgoing sync script')) {
    for (const w of items) cases.push({ name: `corpus ${s.file} on ${w.name}`, direction: 'outgoing', script: s.text, workItem: w.json, context: CONTEXT });
  }
  for (const s of corpusScripts('incoming sync script')) {
    for (const w of items.slice(0, 2)) {
      cases.push({ name: `corpus ${s.file} with ${w.name} (first sync)`, direction: 'incoming', script: s.text, workItem: null, replica: replicaFor(w.json), firstSync: true, context: CONTEXT });
    }
  }
  return cases;
}

