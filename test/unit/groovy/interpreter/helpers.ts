// Shared helpers for the interpreter unit tests: run a snippet, read back JSON / Groovy's printed form.
import * as assert from 'node:assert/strict';
import { GMap, runScript, toGroovyString, toJson, type RunScriptResult, type Value } from '../../../../src/groovy/interpreter';

export function run(src: string, bindings: Record<string, Value> = {}): RunScriptResult & { out: string } {
  let out = '';
  const r = runScript(src, { bindings, print: (t) => (out += t) });
  return { ...r, out };
}

/** Value of a Groovy expression, as JsonOutput.toJson prints it. */
export function json(expr: string): string {
  const replica = new GMap();
  const r = run(`replica.result = ${expr}`, { replica });
  if (r.error) throw new Error(`${expr}: ${r.error.message} (line ${r.error.line})`);
  return toJson(replica.get('result'));
}

/** Value of a Groovy expression, as println prints it. */
export function show(expr: string): string {
  const r = run(`return ${expr}`);
  if (r.error) throw new Error(`${expr}: ${r.error.message} (line ${r.error.line})`);
  return toGroovyString(r.value);
}

export function error(src: string): { message: string; line: number; exception?: string } {
  const r = run(src, { replica: new GMap() });
  assert.ok(r.error, `expected an error from: ${src}`);
  return r.error;
}

/** Asserts each [expression, expected] pair with `f`. Reports all mismatches at once. */
export function table(f: (e: string) => string, cases: [string, string][]): void {
  const bad: string[] = [];
  for (const [e, want] of cases) {
    let got: string;
    try {
      got = f(e);
    } catch (x) {
      got = `ERROR ${(x as Error).message}`;
    }
    if (got !== want) bad.push(`${e}\n   got:  ${got}\n   want: ${want}`);
  }
  assert.equal(bad.length, 0, `\n${bad.join('\n')}`);
}
