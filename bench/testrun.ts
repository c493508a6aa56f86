// `npm run bench:testrun` — Test Run against real Groovy 4 on the default outgoing rules and one work item.
// Not a test: it prints numbers and never fails on them.
//
// Cold: one process per run, alternating — our CLI (`node dist/exalate-script.js run outgoing …`, or this bench's own
//   bundle of src/cli/run.ts while the dispatcher has no `run`) vs `java … groovy.ui.GroovyMain` running the same
//   script on the same input through the Groovy stub runtime (test/fixtures/groovy/runtime.groovy). Goal: ≥ 100×.
// Warm: the parsed script run again and again — our interpreter in a loop in this process vs Groovy re-running its
//   parsed script in one JVM (timed inside the JVM after a warm-up). Goal: ours ≤ 2× Groovy's time per run.
//
// Flags: --rounds <n> cold runs per side (default 5), --iterations <n> warm runs (default 5000).
// Needs Java; the Groovy jars come from EXALATE_GROOVY_LIB or scripts/lib/setup.mjs ensureGroovy().
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parse } from '../src/groovy';
import { runOutgoing } from '../src/groovy/runtime';
import { defaultOutgoingScript } from '../src/sandbox/defaultRules';
import { generatedWorkItems, runGroovyStub } from '../test/unit/groovy/interpreter/differential';

const ROOT = path.resolve(__dirname, '..', '..');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function groovyLib(): Promise<string> {
  if (process.env.EXALATE_GROOVY_LIB) return process.env.EXALATE_GROOVY_LIB;
  // setup.mjs is an ES module; a real dynamic import (not the CommonJS require esbuild would turn import() into)
  const importEsm = new Function('u', 'return import(u)') as (u: string) => Promise<{ ensureGroovy(): string }>;
  const setup = await importEsm(pathToFileURL(path.join(ROOT, 'scripts', 'lib', 'setup.mjs')).href);
  return setup.ensureGroovy();
}

/** Our CLI as a command line: the shipped dispatcher when it has `run`, else a bundle of src/cli/run.ts. */
async function ourCli(tmp: string): Promise<{ argv: string[]; what: string }> {
  const shipped = path.join(ROOT, 'dist', 'exalate-script.js');
  if (fs.existsSync(shipped) && spawnSync(process.execPath, [shipped, 'run', '--help']).status === 0) return { argv: [shipped, 'run'], what: 'dist/exalate-script.js run' };
  const esbuild = (await import('esbuild')) as typeof import('esbuild');
  const out = path.join(tmp, 'exalate-run.js');
  await esbuild.build({ entryPoints: [path.join(ROOT, 'bench', 'testrunCli.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: out, logLevel: 'warning', minify: true });
  return { argv: [out], what: 'bundle of src/cli/run.ts (dist/exalate-script.js has no run yet)' };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, iterations: { type: 'string', default: '5000' } } });
  const rounds = Number(values.rounds);
  const iterations = Number(values.iterations);
  const lib = await groovyLib();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-testrun-'));
  try {
    const script = defaultOutgoingScript({ localShortName: 'ado', remoteShortName: 'jira', project: 'Payments' });
    const workItem = generatedWorkItems()[0].json;
    const scriptFile = path.join(tmp, 'outgoing.groovy');
    const wiFile = path.join(tmp, 'work-item.json');
    fs.writeFileSync(scriptFile, script);
    fs.writeFileSync(wiFile, workItem);
    const cli = await ourCli(tmp);
    const oneCase = { name: 'default outgoing', direction: 'outgoing' as const, script, workItem };

    // both must produce the same replica
    const ours = spawnSync(process.execPath, [...cli.argv, 'outgoing', '--script', scriptFile, '--work-item', wiFile], { encoding: 'utf8' });
    if (ours.status !== 0) throw new Error(`our CLI failed: ${ours.stderr}`);
    const groovyCheck = await runGroovyStub(lib, [oneCase]);
    if (groovyCheck.results[0].json !== ours.stdout.trim()) throw new Error(`outputs differ:\n groovy: ${groovyCheck.results[0].json}\n ours:   ${ours.stdout.trim()}`);

    console.log(`Test Run benchmark: default outgoing rules on one work item (${script.split('\n').length} lines), outputs identical`);
    console.log(`  our CLI: ${cli.what}`);
    const oursMs: number[] = [];
    const groovyMs: number[] = [];
    const nodeMs: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const n0 = performance.now();
      spawnSync(process.execPath, ['-e', '0']);
      nodeMs.push(performance.now() - n0);
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [...cli.argv, 'outgoing', '--script', scriptFile, '--work-item', wiFile]);
      oursMs.push(performance.now() - t0);
      if (r.status !== 0) throw new Error('our CLI failed');
      groovyMs.push((await runGroovyStub(lib, [oneCase])).wallMs);
    }
    const oc = median(oursMs);
    const gc = median(groovyMs);
    const nc = median(nodeMs);
    console.log(`  cold (median of ${rounds} processes): ours ${oc.toFixed(1)} ms, groovy ${gc.toFixed(0)} ms → ours is ${(gc / oc).toFixed(1)}× faster (goal ≥ 100×)`);
    // The floor of any Node CLI: a process that does nothing. The goal needs ours ≤ groovy / 100.
    console.log(`  floor: \`node -e 0\` ${nc.toFixed(1)} ms → at best ${(gc / nc).toFixed(1)}× for a Node process; the goal needs ≤ ${(gc / 100).toFixed(1)} ms; ours spends ${(oc - nc).toFixed(1)} ms above the floor`);

    // warm
    const ast = parse(script).ast;
    const warmup = Math.max(500, Math.floor(iterations / 2));
    for (let i = 0; i < warmup; i++) runOutgoing(script, workItem, { ast });
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) runOutgoing(script, workItem, { ast });
    const oursPerRun = ((performance.now() - t0) * 1e6) / iterations;
    const warm = await runGroovyStub(lib, [{ ...oneCase, warmup, repeat: iterations }], 600_000);
    const groovyPerRun = warm.results[0].nanosPerRun!;
    console.log(
      `  warm (${iterations} runs after ${warmup} warm-up runs): ours ${(oursPerRun / 1000).toFixed(1)} µs/run, groovy ${(groovyPerRun / 1000).toFixed(1)} µs/run → ours takes ${(oursPerRun / groovyPerRun).toFixed(2)}× Groovy's time (goal ≤ 2×)`,
    );
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
