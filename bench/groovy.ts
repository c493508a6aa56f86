// `npm run bench:groovy` — how fast our hand-written Groovy parser (src/groovy) parses a ~5,000-line script built
// from the real-world corpus (test/fixtures/groovy/corpus), next to web-tree-sitter with murtaza64's Groovy grammar
// (npm @lumis-sh/wasm-groovy, dev dependency, bench only) in the same process, rounds alternating. Prints medians,
// the ratio (goal ≤ 0.5×) and the heap the AST holds. Not a test: prints numbers, never fails on them.
//
// Keystroke → diagnostics (goal p99 < 10 ms on 1,000 lines) belongs to the language service (src/groovy analyses):
// when it exists, time `edit + parse + analyse` per keystroke in `measureKeystrokes` below with the same harness.
//
// Flags: --lines <n> (default 5000), --rounds <n> (default 20). Run with --expose-gc (the npm script does).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Language, Parser } from 'web-tree-sitter';
import { parse } from '../src/groovy';

const ROOT = path.resolve(__dirname, '..', '..');
const CORPUS = path.join(ROOT, 'test', 'fixtures', 'groovy', 'corpus');

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const f = (n: number, d = 2): string => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

/** Sync-script-like corpus files (no classes or packages), concatenated until `lines` lines. */
function buildScript(lines: number): string {
  const files = fs
    .readdirSync(CORPUS)
    .filter((n) => n.endsWith('.groovy'))
    .sort()
    .map((n) => fs.readFileSync(path.join(CORPUS, n), 'utf8'))
    .filter((t) => !/^\s*(package|class|enum|interface)\b/m.test(t) && parse(t).diagnostics.length === 0);
  if (files.length === 0) throw new Error(`no usable corpus scripts in ${CORPUS}`);
  const parts: string[] = [];
  let count = 0;
  for (let k = 0; count < lines; k++) {
    const t = files[k % files.length].replace(/\r\n?/g, '\n');
    parts.push(t);
    count += t.split('\n').length;
  }
  return parts.join('\n');
}

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) {
    g();
    g();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { lines: { type: 'string', default: '5000' }, rounds: { type: 'string', default: '20' } },
    strict: true,
  });
  const lines = Number(values.lines);
  const rounds = Number(values.rounds);
  if (!Number.isInteger(lines) || lines < 100) throw new Error('--lines must be an integer ≥ 100');
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a positive integer');

  const script = buildScript(lines);
  const lineCount = script.split('\n').length;

  await Parser.init();
  const grammar = await Language.load(fs.readFileSync(require.resolve('@lumis-sh/wasm-groovy/tree-sitter-groovy.wasm')));
  const ts = new Parser();
  ts.setLanguage(grammar);

  const ours = (): number => {
    const t0 = performance.now();
    const r = parse(script);
    const ms = performance.now() - t0;
    if (r.ast.body.length === 0) throw new Error('our parser returned an empty AST');
    return ms;
  };
  let tsErrors = false;
  const treeSitter = (): number => {
    const t0 = performance.now();
    const tree = ts.parse(script);
    const ms = performance.now() - t0;
    if (!tree) throw new Error('tree-sitter returned no tree');
    tsErrors = tree.rootNode.hasError;
    tree.delete();
    return ms;
  };

  // warm-up (JIT), then alternate so drift hits both alike
  for (let k = 0; k < 3; k++) {
    ours();
    treeSitter();
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let k = 0; k < rounds; k++) {
    a.push(ours());
    b.push(treeSitter());
  }

  // heap held by one AST (with --expose-gc)
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept = parse(script);
  gc();
  const after = process.memoryUsage().heapUsed;
  const astBytes = after - before;
  const ourDiagnostics = kept.diagnostics.length;

  const mo = median(a);
  const mt = median(b);
  console.log(`bench:groovy — ${f(lineCount, 0)} lines (${f(script.length / 1024, 0)} KiB) from ${path.relative(ROOT, CORPUS)}, median of ${rounds}`);
  console.log(`  our parser (src/groovy)             ${f(mo)} ms   (${f(lineCount / mo, 0)} lines/ms, ${ourDiagnostics} syntax errors)`);
  console.log(`  web-tree-sitter + murtaza64 grammar ${f(mt)} ms   (tree has errors: ${tsErrors})`);
  console.log(`  ratio ours / tree-sitter            ${f(mo / mt)}×   (goal ≤ 0.50×)`);
  if ((globalThis as { gc?: unknown }).gc) console.log(`  heap held by the AST                ${f(astBytes / 1024 / 1024)} MiB (${f(astBytes / script.length, 1)} bytes per source char)`);
  else console.log('  heap held by the AST                run with node --expose-gc to measure');
  void kept;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
