// Packages the extension the way `npm run package` does (production build through `vscode:prepublish`, then vsce)
// into a temporary folder, and checks what the .vsix holds: only what runs, nothing unexpected, under a size budget.
// Note: the production build rewrites dist/ (minified bundles) and out/, exactly as `npm run package` does; the
// suite rebuilds the development bundles when it is done.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yauzl from 'yauzl';

const root = path.resolve(__dirname, '..', '..', '..');

/** The .vsix (a zip) may weigh at most this much; 0.1.0 weighs about 360 KB (ado.js is the largest bundle). */
const SIZE_BUDGET_BYTES = 1024 * 1024;
/** Dev CLIs built into dist/ that must not ship (see .vscodeignore). */
const DEV_CLIS = new Set(['sandbox.js', 'exalate-script.js']);

const FIXED_ENTRIES = [
  '[Content_Types].xml',
  'extension.vsixmanifest',
  'extension/package.json',
  'extension/readme.md',
  'extension/changelog.md',
  'extension/LICENSE.txt',
  'extension/media/icon.png',
  'extension/media/exalate.svg',
];
/** Any other entry must match one of these (and not be a dev CLI). */
const ALLOWED = [/^extension\/dist\/[\w.-]+\.js$/, /^extension\/dist\/webview\/[\w.-]+\.(js|css)$/, /^extension\/media\/[\w.-]+\.css$/, /^extension\/media\/walkthrough\/[\w.-]+\.md$/];

function zipEntries(file: string): Promise<{ name: string; size: number }[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error(`cannot open ${file}`));
      const entries: { name: string; size: number }[] = [];
      zip.on('entry', (e: yauzl.Entry) => {
        if (!e.fileName.endsWith('/')) entries.push({ name: e.fileName, size: e.uncompressedSize });
        zip.readEntry();
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

describe('packaging (.vsix)', function () {
  this.timeout(240_000);
  let tmp: string;
  let vsix: string;
  let entries: { name: string; size: number }[];

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'exalate-vsix-'));
    vsix = path.join(tmp, 'exalate-connections.vsix');
    const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
    const run = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--out', vsix], {
      cwd: root,
      encoding: 'utf8',
      timeout: 220_000,
      env: { ...process.env, NO_COLOR: '1' },
    });
    assert.equal(run.status, 0, `vsce package failed (status ${run.status}, ${run.error?.message ?? ''}):\n${run.stdout}\n${run.stderr}`);
    entries = await zipEntries(vsix);
  });

  after(function () {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    // vsce's production build replaced dist/ and out/ with minified bundles: put the development build back, so
    // the tests that run after this one (and the integration and e2e layers) run what they were built from.
    const rebuilt = spawnSync(process.execPath, [path.join(root, 'esbuild.js')], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    assert.equal(rebuilt.status, 0, `restoring the development build failed:\n${rebuilt.stdout}\n${rebuilt.stderr}`);
  });

  it('holds the manifest, README, CHANGELOG, LICENSE and icon', () => {
    const names = new Set(entries.map((e) => e.name));
    const missing = FIXED_ENTRIES.filter((n) => !names.has(n));
    assert.deepEqual(missing, [], `missing from the .vsix: ${missing.join(', ')}`);
  });

  it('holds every run-time bundle of dist/ and no dev CLI', () => {
    const names = new Set(entries.map((e) => e.name));
    const built = fs.readdirSync(path.join(root, 'dist')).filter((f) => f.endsWith('.js'));
    assert.ok(built.includes('extension.js'), 'the production build wrote no dist/extension.js');
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    assert.ok(names.has(`extension/${path.posix.normalize(pkg.main)}`), `main ${pkg.main} is not in the .vsix`);
    const missing = built.filter((f) => !DEV_CLIS.has(f) && !names.has(`extension/dist/${f}`));
    assert.deepEqual(missing, [], `run-time bundles missing from the .vsix (add them to .vscodeignore): ${missing.join(', ')}`);
    const webview = fs.readdirSync(path.join(root, 'dist', 'webview')).filter((f) => /\.(js|css)$/.test(f));
    const missingWebview = webview.filter((f) => !names.has(`extension/dist/webview/${f}`));
    assert.deepEqual(missingWebview, [], `webview bundles missing from the .vsix: ${missingWebview.join(', ')}`);
  });

  it('holds every page of the walkthrough', () => {
    const names = new Set(entries.map((e) => e.name));
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    const pages: string[] = pkg.contributes.walkthroughs.flatMap((w: { steps: { media: { markdown?: string; image?: string } }[] }) =>
      w.steps.map((st) => st.media.markdown ?? st.media.image ?? ''),
    );
    assert.ok(pages.length > 0);
    const missing = pages.filter((p) => !names.has(`extension/${p}`));
    assert.deepEqual(missing, [], `walkthrough pages missing from the .vsix: ${missing.join(', ')}`);
  });

  it('holds nothing else (no sources, tests, maps, node_modules or dev CLIs)', () => {
    const unexpected = entries
      .map((e) => e.name)
      .filter((n) => !FIXED_ENTRIES.includes(n))
      .filter((n) => !ALLOWED.some((re) => re.test(n)) || DEV_CLIS.has(path.posix.basename(n)) && n.startsWith('extension/dist/'));
    assert.deepEqual(unexpected, [], `unexpected in the .vsix: ${unexpected.join(', ')}`);
  });

  it(`stays under the size budget of ${SIZE_BUDGET_BYTES / 1024} KB`, () => {
    const size = fs.statSync(vsix).size;
    const largest = [...entries].sort((a, b) => b.size - a.size).slice(0, 3).map((e) => `${e.name} ${Math.round(e.size / 1024)} KB`);
    assert.ok(size <= SIZE_BUDGET_BYTES, `the .vsix weighs ${Math.round(size / 1024)} KB, over the budget; largest: ${largest.join(', ')}`);
  });
});
