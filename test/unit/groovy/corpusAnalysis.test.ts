// The analyses on the corpus of public sync scripts (test/fixtures/groovy/corpus, provenance in manifest.json):
// every script that parses gets no error-level diagnostic, with the direction taken from its file name and without
// one. Warnings are allowed (the model does not know every tracker's fields); errors would block a user's CI.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkScript, directionFromFileName } from '../../../src/groovy/services';

const CORPUS = path.resolve(__dirname, '../../../../test/fixtures/groovy/corpus');

describe('groovy analyses on the public corpus', () => {
  const files = fs.readdirSync(CORPUS).filter((f) => f.endsWith('.groovy')).sort();

  it('reports no errors on any corpus script that parses', () => {
    assert.ok(files.length >= 40, `only ${files.length} corpus scripts`);
    const problems: string[] = [];
    let directed = 0;
    for (const f of files) {
      const text = fs.readFileSync(path.join(CORPUS, f), 'utf8');
      const direction = directionFromFileName(f);
      if (direction) directed++;
      for (const ctx of [{ direction }, {}]) {
        const ds = checkScript(text, ctx);
        if (ds.some((d) => d.code === 'syntax')) continue; // the parser's oracle test judges syntax
        for (const d of ds) if (d.severity === 'error') problems.push(`${f} (${ctx.direction ?? 'no direction'}) ${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code}: ${d.message}`);
      }
    }
    assert.ok(directed >= 20, `only ${directed} corpus scripts have a direction in their name`);
    assert.deepEqual(problems, []);
  });
});
