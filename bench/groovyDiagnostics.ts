// Keystroke → diagnostics, the language-service half of `npm run bench:groovy`: on a ~1,000-line sync script built
// from the public corpus, type a line character by character in the middle of the script; after every keystroke
// do what the editor does once the typing pause ends — parse the new text and run every check (doValidation) —
// and time it. Prints p50 / p99 / max (goal p99 < 10 ms) and, as the baseline measured side by side in the same
// loop, the parse alone, so the ratio shows what the analyses cost on top of the parser. Never fails on numbers.
//
// Flags: --lines <n> (default 1000), --keystrokes <n> (default 400).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from '../src/groovy';
import { createScriptDocument, doValidation } from '../src/groovy/services';

const ROOT = path.resolve(__dirname, '..', '..');
const CORPUS = path.join(ROOT, 'test', 'fixtures', 'groovy', 'corpus');

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const f = (n: number): string => n.toFixed(2);

/** Incoming-style corpus scripts that parse, concatenated until `lines` lines. */
function buildScript(lines: number): string {
  const files = fs
    .readdirSync(CORPUS)
    .filter((n) => n.endsWith('.groovy'))
    .sort()
    .map((n) => fs.readFileSync(path.join(CORPUS, n), 'utf8').replace(/\r\n?/g, '\n'))
    .filter((t) => !/^\s*(package|class|enum|interface)\b/m.test(t) && parse(t).diagnostics.length === 0);
  if (files.length === 0) throw new Error(`no usable corpus scripts in ${CORPUS}`);
  const parts: string[] = [];
  let count = 0;
  for (let k = 0; count < lines; k++) {
    const t = files[k % files.length];
    parts.push(t);
    count += t.split('\n').length;
  }
  return parts.join('\n').split('\n').slice(0, lines).join('\n');
}

function main(): void {
  const { values } = parseArgs({ options: { lines: { type: 'string', default: '1000' }, keystrokes: { type: 'string', default: '400' } }, strict: true });
  const lines = Number(values.lines);
  const keystrokes = Number(values.keystrokes);
  if (!Number.isInteger(lines) || lines < 100) throw new Error('--lines must be an integer ≥ 100');
  if (!Number.isInteger(keystrokes) || keystrokes < 10) throw new Error('--keystrokes must be an integer ≥ 10');

  const base = buildScript(lines);
  // Insert at the start of the middle line (between statements of one of the concatenated scripts).
  const lineStarts = [0];
  for (let i = 0; i < base.length; i++) if (base[i] === '\n') lineStarts.push(i + 1);
  const at = lineStarts[Math.floor(lineStarts.length / 2)];
  const typed = 'replica.customKeys."Reviewed by" = workItem.assignee?.displayName ?: "nobody"\n';
  const ctx = { direction: 'incoming' as const };

  // Warm-up: let the JIT see the code paths.
  for (let i = 0; i < 30; i++) doValidation(createScriptDocument(base), ctx);

  const full: number[] = [];
  const parseOnly: number[] = [];
  let diagnostics = 0;
  for (let k = 0; k < keystrokes; k++) {
    const n = (k % typed.length) + 1;
    const text = base.slice(0, at) + typed.slice(0, n) + base.slice(at);
    // Alternate the order so neither measurement always runs on a warmer cache.
    const measureFull = () => {
      const t0 = performance.now();
      diagnostics = doValidation(createScriptDocument(text), ctx).length;
      full.push(performance.now() - t0);
    };
    const measureParse = () => {
      const t0 = performance.now();
      parse(text);
      parseOnly.push(performance.now() - t0);
    };
    if (k % 2) {
      measureFull();
      measureParse();
    } else {
      measureParse();
      measureFull();
    }
  }
  const p99 = pct(full, 99);
  console.log(`keystroke → diagnostics on a ${lines}-line script (${keystrokes} keystrokes, parse + all checks; ${diagnostics} diagnostics at the end):`);
  console.log(`  p50 ${f(pct(full, 50))} ms   p99 ${f(p99)} ms   max ${f(Math.max(...full))} ms   (goal p99 < 10 ms: ${p99 < 10 ? 'met' : 'NOT met'})`);
  console.log(`  baseline, parse only: p50 ${f(pct(parseOnly, 50))} ms   p99 ${f(pct(parseOnly, 99))} ms`);
  console.log(`  ratio (parse + checks) / parse, p50: ${f(pct(full, 50) / pct(parseOnly, 50))}×`);
  console.log(`  the editor adds a ${150} ms typing pause before it checks (DIAGNOSTICS_DELAY_MS in src/language/features.ts)`);
}

main();
