// Real Groovy 4 as the judge of the parser tests: compiles scripts up to the CONVERSION phase in ONE JVM per batch
// (checker.groovy next to this file's source) and reports accept/reject with the line of the first error.
// The jars come from EXALATE_GROOVY_LIB, which scripts/test.mjs sets (scripts/lib/setup.mjs ensureGroovy()).
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { z } from 'zod';
import { LineMap, parse } from '../../../../src/groovy';

export const ROOT = path.resolve(__dirname, '..', '..', '..', '..', '..');
export const CORPUS_DIR = path.join(ROOT, 'test', 'fixtures', 'groovy', 'corpus');
const CHECKER = path.join(ROOT, 'test', 'unit', 'groovy', 'oracle', 'checker.groovy');

/** The jar folder, or undefined when EXALATE_GROOVY_LIB is not set (mocha run by hand: the oracle tests skip). */
export function groovyLib(): string | undefined {
  return process.env.EXALATE_GROOVY_LIB || undefined;
}

const Verdicts = z.array(
  z.object({ name: z.string(), ok: z.boolean(), line: z.number().optional(), column: z.number().optional(), message: z.string().optional() }),
);
export type Verdict = z.infer<typeof Verdicts>[number];

/** Compiles every script with Groovy 4 in one JVM; resolves with one verdict per input, in order. */
export function groovyVerdicts(lib: string, items: { name: string; text: string }[], timeoutMs = 240_000): Promise<Verdict[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('java', ['-Xshare:auto', '-XX:TieredStopAtLevel=1', '-cp', `${lib}${path.delimiter}${path.join(lib, '*')}`, 'groovy.ui.GroovyMain', CHECKER], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Groovy checker did not finish within ${timeoutMs} ms`));
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
        reject(new Error(`Groovy checker exited with ${code}: ${Buffer.concat(err).toString().slice(0, 2000)}`));
        return;
      }
      try {
        const verdicts = Verdicts.parse(JSON.parse(Buffer.concat(out).toString('utf8')));
        if (verdicts.length !== items.length) throw new Error(`expected ${items.length} verdicts, got ${verdicts.length}`);
        resolve(verdicts);
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
    child.stdin.end(JSON.stringify(items), 'utf8');
  });
}

/** Our parser's verdict in the same shape: ok, or the 1-based line of the first syntax error. */
export function ourVerdict(text: string): { ok: boolean; line?: number; message?: string } {
  const { diagnostics } = parse(text);
  if (diagnostics.length === 0) return { ok: true };
  const d = diagnostics[0];
  return { ok: false, line: new LineMap(text).positionAt(d.range.start).line + 1, message: d.message };
}
