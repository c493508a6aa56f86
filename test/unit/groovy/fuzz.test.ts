// Mutation fuzzer: seeded token deletions/insertions/swaps in corpus scripts, judged by real Groovy 4. Our parser
// must accept exactly the mutants Groovy accepts and report the first error on Groovy's line.
// EXALATE_FUZZ_COUNT (default 300) and EXALATE_FUZZ_SEED (default 20261130) change the run.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CORPUS_DIR, groovyLib, groovyVerdicts, ourVerdict } from './oracle/groovyOracle';
import { mutate, prng, type Mutant } from './oracle/mutate';

/**
 * Minimum agreement (percent). Goal is 100%; the default seed measures 99.3% accept/reject and 96.2% same line.
 * Known gaps, all far from sync-script style: a generic type used as a command-call receiver
 * (`Map<String, Object> a b.c`), `x as Map<String, Object;` (Groovy accepts), Groovy 4 switch expressions used as
 * command arguments, lexer errors Groovy hits while looking ahead past a parse error, and error lines of ANTLR
 * decisions that span a whole closure or argument list (Groovy then names the decision's first or last token).
 * The thresholds leave a small margin for other seeds (EXALATE_FUZZ_SEED) and larger counts.
 */
const MIN_ACCEPT_REJECT = 98;
const MIN_SAME_LINE = 94;

describe('Groovy parser fuzzer vs real Groovy 4', function () {
  this.timeout(600_000);
  it('agrees with Groovy on seeded token mutations of the corpus', async function () {
    const lib = groovyLib();
    if (!lib) this.skip();
    const count = Number(process.env.EXALATE_FUZZ_COUNT ?? 300);
    const seed = Number(process.env.EXALATE_FUZZ_SEED ?? 20261130);
    assert.ok(Number.isInteger(count) && count > 0, 'EXALATE_FUZZ_COUNT must be a positive integer');
    const random = prng(seed);
    const corpus = fs
      .readdirSync(CORPUS_DIR)
      .filter((f) => f.endsWith('.groovy'))
      .sort()
      .map((f) => ({ name: f, text: fs.readFileSync(path.join(CORPUS_DIR, f), 'utf8') }));
    const mutants: Mutant[] = [];
    for (let k = 0; k < count; k++) {
      const c = corpus[Math.floor(random() * corpus.length)];
      mutants.push(mutate(c.name, c.text, random));
    }
    const verdicts = await groovyVerdicts(lib!, mutants.map((m, k) => ({ name: `${k}-${m.name}`, text: m.text })));
    let agree = 0;
    let bothReject = 0;
    let sameLine = 0;
    const problems: string[] = [];
    mutants.forEach((m, k) => {
      const g = verdicts[k];
      const ours = ourVerdict(m.text);
      if (g.ok === ours.ok) agree++;
      else problems.push(`${m.name} (${m.how}): Groovy ${g.ok ? 'accepts' : `line ${g.line}: ${g.message?.split('\n')[0]}`}, ours ${ours.ok ? 'accepts' : `line ${ours.line}: ${ours.message}`}`);
      if (!g.ok && !ours.ok) {
        bothReject++;
        if (g.line === ours.line) sameLine++;
        else problems.push(`${m.name} (${m.how}): Groovy line ${g.line}: ${g.message?.split('\n')[0]}, ours line ${ours.line}: ${ours.message}`);
      }
    });
    const pct = (a: number, b: number): number => (b === 0 ? 100 : Math.floor((1000 * a) / b) / 10);
    const agreement = pct(agree, mutants.length);
    const lines = pct(sameLine, bothReject);
    console.log(`      groovy-fuzz: ${mutants.length} mutants (seed ${seed}), agreement ${agreement}% (accept/reject), ${lines}% same line (${bothReject} rejected by both)`);
    for (const p of problems.slice(0, 15)) console.log(`        ${p}`);
    assert.ok(agreement >= MIN_ACCEPT_REJECT && lines >= MIN_SAME_LINE, `below threshold:\n${problems.slice(0, 30).join('\n')}`);
  });
});
