// Differential tests: the interpreter vs real Groovy 4 on generated snippets, small scripts and the corpus's sync
// scripts on generated work items. Needs Java and the Groovy jars (EXALATE_GROOVY_LIB, set by scripts/test.mjs);
// skipped when they are not there (mocha run by hand). Prints `groovy-diff: N/N agree`.
import * as assert from 'node:assert/strict';
import { DELIBERATE, agree, allCases, describeDisagreement, notComparable, runInGroovy, runOurs } from './differential';

describe('groovy interpreter: differential against real Groovy 4', function () {
  this.timeout(600_000);
  const lib = process.env.EXALATE_GROOVY_LIB;

  it('agrees with Groovy on operators, GDK methods, scripts and the corpus', async function () {
    if (!lib) this.skip();
    const cases = allCases();
    const groovy = await runInGroovy(lib!, cases);
    const bad: string[] = [];
    let agreeing = 0;
    let compared = 0;
    let deliberate = 0;
    const skipped = new Map<string, number>();
    cases.forEach((c, i) => {
      const why = notComparable(groovy[i]);
      if (why) {
        skipped.set(why, (skipped.get(why) ?? 0) + 1);
        return;
      }
      compared++;
      const ours = runOurs(c);
      if (agree(groovy[i], ours)) agreeing++;
      else if (c.name in DELIBERATE) deliberate++;
      else bad.push(describeDisagreement(c, groovy[i], ours));
    });
    const skippedText = [...skipped].map(([why, n]) => `${n} ${why}`).join(', ');
    console.log(`      groovy-diff: ${agreeing}/${compared} agree (${deliberate} deliberate differences, docs/test-run.md; not comparable: ${skippedText || 'none'})`);
    assert.equal(bad.length, 0, `disagreements with Groovy:\n${bad.join('\n')}`);
  });
});
