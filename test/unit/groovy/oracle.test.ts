// Oracle: real Groovy 4 judges every corpus script and a set of broken scripts; our parser must accept exactly what
// Groovy accepts and reject the rest on the line Groovy reports.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CORPUS_DIR, groovyLib, groovyVerdicts, ourVerdict } from './oracle/groovyOracle';
import { BROKEN } from './oracle/broken';

describe('Groovy parser vs real Groovy 4 (oracle)', function () {
  this.timeout(300_000);
  const lib = groovyLib();
  const corpus = fs
    .readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith('.groovy'))
    .sort()
    .map((f) => ({ name: f, text: fs.readFileSync(path.join(CORPUS_DIR, f), 'utf8') }));

  it('the corpus has 40+ scripts, each with provenance in manifest.json', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(CORPUS_DIR, 'manifest.json'), 'utf8')) as { file: string; url: string; what: string }[];
    const described = new Set(manifest.map((m) => m.file));
    assert.ok(corpus.length >= 40, `only ${corpus.length} corpus scripts`);
    for (const c of corpus) assert.ok(described.has(c.name), `${c.name} is not in manifest.json`);
    for (const m of manifest) assert.ok(m.url && m.what, `${m.file}: url and what are required`);
  });

  it('accepts every corpus script Groovy accepts and rejects the others on the same line', async function () {
    if (!lib) this.skip();
    const verdicts = await groovyVerdicts(lib!, corpus);
    const problems: string[] = [];
    corpus.forEach((c, k) => {
      const g = verdicts[k];
      const ours = ourVerdict(c.text);
      if (g.ok && !ours.ok) problems.push(`${c.name}: Groovy accepts, we report line ${ours.line}: ${ours.message}`);
      if (!g.ok && ours.ok) problems.push(`${c.name}: Groovy rejects at line ${g.line} (${g.message}), we accept`);
      if (!g.ok && !ours.ok && g.line !== ours.line) problems.push(`${c.name}: Groovy rejects at line ${g.line}, we at line ${ours.line}`);
    });
    assert.deepEqual(problems, []);
  });

  it('rejects broken scripts where Groovy rejects them, on the same line', async function () {
    if (!lib) this.skip();
    const items = BROKEN.map((text, k) => ({ name: `broken-${k}`, text }));
    const verdicts = await groovyVerdicts(lib!, items);
    const problems: string[] = [];
    items.forEach((c, k) => {
      const g = verdicts[k];
      const ours = ourVerdict(c.text);
      if (g.ok !== ours.ok || (!g.ok && g.line !== ours.line)) {
        problems.push(`${JSON.stringify(c.text)}: Groovy ${g.ok ? 'accepts' : `line ${g.line} ${g.message}`}, ours ${ours.ok ? 'accepts' : `line ${ours.line} ${ours.message}`}`);
      }
    });
    assert.ok(verdicts.some((v) => !v.ok), 'the broken set must contain scripts Groovy rejects');
    assert.deepEqual(problems, []);
  });
});
