// Writes the pseudo-locale (qps-ploc) bundles from the `vscode.l10n.t` call sites and package.nls.json:
// l10n/bundle.l10n.qps-ploc.json and package.nls.qps-ploc.json. Run after changing a translated string
// (test/unit/l10n fails while they are out of date). See scripts/lib/l10n.cjs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { pseudoBundles } = createRequire(import.meta.url)('./lib/l10n.cjs');
for (const [file, content] of Object.entries(pseudoBundles(root))) {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), JSON.stringify(content, null, 2) + '\n');
  console.log(`${file}: ${Object.keys(content).length} strings`);
}
