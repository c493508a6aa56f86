// Seeded token mutations of corpus scripts for the Groovy fuzzer: delete, insert (a copy of another token of the
// same file) or swap two adjacent tokens.
import { tokenize } from '../../../../src/groovy';

/** mulberry32: a small seeded PRNG, so that every run with the same seed builds the same mutants. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Mutant {
  name: string;
  text: string;
  /** What was done, for the failure report. */
  how: string;
}

export function mutate(name: string, text: string, random: () => number): Mutant {
  const tokens = tokenize(text).tokens.filter((t) => t.kind !== 'eof' && t.end > t.start);
  const pick = (): number => Math.floor(random() * tokens.length);
  const k = pick();
  const t = tokens[k];
  const src = (i: number): string => text.slice(tokens[i].start, tokens[i].end);
  const line = (offset: number): number => text.slice(0, offset).split('\n').length;
  const op = random();
  if (op < 0.4 || tokens.length < 2) {
    return { name, how: `delete '${src(k)}' at line ${line(t.start)}`, text: text.slice(0, t.start) + text.slice(t.end) };
  }
  if (op < 0.75) {
    const j = pick();
    return { name, how: `insert '${src(j)}' before line ${line(t.start)} '${src(k)}'`, text: text.slice(0, t.start) + src(j) + ' ' + text.slice(t.start) };
  }
  const a = Math.min(k, tokens.length - 2);
  const x = tokens[a];
  const y = tokens[a + 1];
  return {
    name,
    how: `swap '${src(a)}' and '${src(a + 1)}' at line ${line(x.start)}`,
    text: text.slice(0, x.start) + src(a + 1) + text.slice(x.end, y.start) + src(a) + text.slice(y.end),
  };
}
