// Every command contributed in package.json is registered in code, and every registered command is contributed.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

describe('command contributions', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const contributed = new Set<string>((pkg.contributes.commands ?? []).map((c: { command: string }) => c.command));
  const registered = new Set<string>();
  for (const file of sourceFiles(path.join(root, 'src'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/registerCommand\(\s*(?:Commands\.\w+|'([^']+)')/g)) {
      if (m[1]) registered.add(m[1]);
    }
  }
  // Command ids may also be declared once in src/shared/commands.ts as `name: 'exalate.x'` constants.
  const constants = path.join(root, 'src', 'shared', 'commands.ts');
  if (fs.existsSync(constants)) {
    const text = fs.readFileSync(constants, 'utf8');
    const byName = new Map<string, string>();
    for (const m of text.matchAll(/(\w+):\s*'(exalate\.[\w.]+)'/g)) byName.set(m[1], m[2]);
    for (const file of sourceFiles(path.join(root, 'src'))) {
      const t = fs.readFileSync(file, 'utf8');
      for (const m of t.matchAll(/registerCommand\(\s*Commands\.(\w+)/g)) {
        const id = byName.get(m[1]);
        assert.ok(id, `${path.relative(root, file)} registers Commands.${m[1]}, which src/shared/commands.ts does not define`);
        registered.add(id);
      }
    }
  }

  it('registers every contributed command', () => {
    const missing = [...contributed].filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `contributed but never registered: ${missing.join(', ')}`);
  });

  it('contributes every registered command', () => {
    const hidden = new Set<string>(pkg.contributes.exalateInternalCommands ?? []);
    const missing = [...registered].filter((c) => !contributed.has(c) && !hidden.has(c));
    assert.deepEqual(missing, [], `registered but not contributed: ${missing.join(', ')}`);
  });

  it('has a non-empty command list', () => {
    assert.ok(contributed.size > 0);
  });
});

describe('manifest (package.json) for the Marketplace', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

  it('ships an MIT LICENSE file matching `license`', () => {
    assert.equal(pkg.license, 'MIT');
    const text = fs.readFileSync(path.join(root, 'LICENSE'), 'utf8');
    assert.match(text, /^MIT License/);
    assert.match(text, /Copyright \(c\) \d{4} Exalate Connections for VS Code contributors/);
  });

  it('has a 128×128 PNG icon in media/', () => {
    assert.match(pkg.icon, /^media\/[\w-]+\.png$/);
    const png = fs.readFileSync(path.join(root, pkg.icon));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'not a PNG');
    assert.equal(png.subarray(12, 16).toString('latin1'), 'IHDR');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
  });

  it('declares repository, keywords and Marketplace categories', () => {
    assert.equal(pkg.repository?.type, 'git');
    assert.match(pkg.repository?.url, /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/);
    assert.ok(Array.isArray(pkg.keywords) && pkg.keywords.length >= 3 && pkg.keywords.length <= 30);
    const known = ['Azure', 'Other', 'Programming Languages', 'Linters', 'SCM Providers', 'Testing', 'Snippets', 'Formatters'];
    assert.ok(pkg.categories.length > 0 && pkg.categories.every((c: string) => known.includes(c)), `categories: ${pkg.categories}`);
    assert.ok(pkg.categories.includes('Azure'));
  });

  it('says what is limited in untrusted workspaces, and enforces it', () => {
    const untrusted = pkg.capabilities?.untrustedWorkspaces;
    assert.equal(untrusted?.supported, 'limited');
    assert.match(untrusted.description, /Publish Sync Rules from File/);
    const publish = pkg.contributes.commands.find((c: { command: string }) => c.command === 'exalate.publishSyncRulesFromFile');
    assert.match(publish?.enablement ?? '', /\bisWorkspaceTrusted\b/);
    assert.equal(typeof pkg.capabilities.virtualWorkspaces, 'boolean');
  });

  it('types exalate.autoRefreshSeconds as an integer', () => {
    const setting = pkg.contributes.configuration.properties['exalate.autoRefreshSeconds'];
    assert.equal(setting.type, 'integer');
    assert.ok(Number.isInteger(setting.default) && setting.default >= setting.minimum && setting.default <= setting.maximum);
  });

  it('packages with `npm run package` after a production build', () => {
    assert.equal(pkg.scripts['vscode:prepublish'], 'node esbuild.js --production');
    assert.match(pkg.scripts.package, /^vsce package\b/);
    assert.ok(pkg.devDependencies['@vscode/vsce']);
  });
});
