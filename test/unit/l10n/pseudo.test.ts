// The pseudo-locale (qps-ploc) bundles are current and cover every `vscode.l10n.t` call site: each call passes its
// English text as a literal (so a bundle can translate it) and finds it pseudo-localized in
// l10n/bundle.l10n.qps-ploc.json; package.nls.qps-ploc.json covers package.nls.json. `node scripts/l10n.mjs`
// regenerates both. test/integration/l10n.test.ts shows them in a code-server started with that locale.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../support/manifest';

interface L10nTool {
  callSites(root: string): { file: string; line: number; message: string | undefined }[];
  pseudo(text: string): string;
  pseudoBundles(root: string): Record<string, Record<string, string>>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tool = require(path.join(repoRoot, 'scripts', 'lib', 'l10n.cjs')) as L10nTool;

describe('l10n: pseudo-locale bundles', () => {
  it('finds the call sites, each with a literal English text', () => {
    const sites = tool.callSites(repoRoot);
    assert.ok(sites.length > 200, `only ${sites.length} call sites`);
    const dynamic = sites.filter((s) => s.message === undefined).map((s) => `${s.file}:${s.line}`);
    assert.deepEqual(dynamic, [], 'vscode.l10n.t called without a literal text: no bundle can translate it');
  });

  it('has every bundle on disk as `node scripts/l10n.mjs` writes it', () => {
    for (const [file, want] of Object.entries(tool.pseudoBundles(repoRoot))) {
      const have = JSON.parse(fs.readFileSync(path.join(repoRoot, file), 'utf8')) as Record<string, string>;
      const missing = Object.keys(want).filter((k) => !(k in have));
      const extra = Object.keys(have).filter((k) => !(k in want));
      assert.deepEqual({ missing, extra }, { missing: [], extra: [] }, `${file} is out of date: run node scripts/l10n.mjs`);
      assert.deepEqual(have, want, `${file} is out of date: run node scripts/l10n.mjs`);
    }
  });

  it('pseudo-localizes letters but keeps placeholders, codicons, command links and code', () => {
    assert.equal(tool.pseudo('Add {0} node'), '⟦Áďď {0} ñöďé⟧');
    assert.equal(tool.pseudo('$(add) [Start](command:exalate.startSandbox) `x.y`'), '⟦$(add) [Šţáŕţ](command:exalate.startSandbox) `x.y`⟧');
  });

  it('is declared in package.json (`l10n`) where the bundles are', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { l10n?: string };
    assert.equal(pkg.l10n, './l10n');
    assert.ok(fs.existsSync(path.join(repoRoot, 'l10n', 'bundle.l10n.qps-ploc.json')));
  });
});
