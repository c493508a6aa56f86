// Issue 13: features call each other by the ids in src/shared/commands.ts only — no string literal 'exalate.x' in
// an executeCommand call, and no probing whether a command exists (every command is registered on activation).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('command ids come from src/shared/commands.ts', () => {
  it('no executeCommand with an exalate.* string literal, no getCommands probe', () => {
    const offenders: string[] = [];
    for (const file of sources(path.join(ROOT, 'src'))) {
      fs.readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/executeCommand\(\s*['"`]exalate\./.test(line) || /\bgetCommands\(/.test(line)) offenders.push(`${path.relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
        });
    }
    assert.deepEqual(offenders, []);
  });
});
