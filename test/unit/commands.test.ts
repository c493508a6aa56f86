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
