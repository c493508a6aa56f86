// Issue 13, defect 7: every message the user reads ends the same way. The rule is src/shared/messages.ts
// (`sentence`), applied where messages are shown: src/ui/userInput.ts (notifications, modal dialogs and their
// detail, input-box validation) and the wizard webview's error lines. This test checks the rule and scans the
// sources for messages shown around it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sentence } from '../../src/shared/messages';

const ROOT = path.resolve(__dirname, '..', '..', '..');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('messages end the same way', () => {
  it('ends a message with a full stop, keeps questions and ellipses, drops trailing colons', () => {
    assert.equal(sentence('This invitation was already used'), 'This invitation was already used.');
    assert.equal(sentence('Cannot reach fabrikam. Check that it is running.'), 'Cannot reach fabrikam. Check that it is running.');
    assert.equal(sentence('Remove the node "contoso"?'), 'Remove the node "contoso"?');
    assert.equal(sentence('Checking the node…'), 'Checking the node…');
    assert.equal(sentence('Could not delete "Orders": '), 'Could not delete "Orders".');
    assert.equal(sentence('Saved!'), 'Saved.');
    assert.equal(sentence('  '), '');
  });

  it('no message is shown around the rule: vscode.window.show*Message only in src/ui/userInput.ts', () => {
    const seam = path.join(ROOT, 'src', 'ui', 'userInput.ts');
    const offenders: string[] = [];
    for (const file of [...sources(path.join(ROOT, 'src')), ...sources(path.join(ROOT, 'webview'))]) {
      if (file === seam) continue;
      const text = fs.readFileSync(file, 'utf8');
      text.split('\n').forEach((line, i) => {
        if (/\bwindow\s*\.\s*show(Error|Warning|Information)Message\b/.test(line)) offenders.push(`${path.relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
      });
    }
    assert.deepEqual(offenders, [], `messages shown without src/ui/userInput.ts:\n${offenders.join('\n')}`);
  });

  it('the display points apply the rule', () => {
    const seam = fs.readFileSync(path.join(ROOT, 'src', 'ui', 'userInput.ts'), 'utf8');
    for (const fn of ['showWarningMessage', 'showInformationMessage', 'showErrorMessage']) {
      assert.match(seam, new RegExp(`\\(this\\.current\\.${fn} as MessageFn\\)\\(\\.\\.\\.ended\\(`), `UserInput.${fn} goes through sentence()`);
    }
    assert.match(seam, /this\.current\.showInputBox\(endedValidation\(options\)\)/, 'input-box validation goes through sentence()');
    const webview = fs.readFileSync(path.join(ROOT, 'webview', 'wizard', 'main.ts'), 'utf8');
    assert.match(webview, /node\.textContent = message \? sentence\(message\)/, 'the wizard error lines go through sentence()');
  });
});
