// Runs inside the real extension host: the extension activates lazily and contributes its view and commands.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'exalate-vscode.exalate-connections';

describe('extension activation', () => {
  it('is present and activates on its view', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
    await vscode.commands.executeCommand('workbench.view.extension.exalate');
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('registers every contributed command', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const contributed: string[] = (ext.packageJSON.contributes.commands as Array<{ command: string }>).map((c) => c.command);
    const all = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(contributed.filter((c) => !all.has(c)), []);
  });

  it('loads only its main bundle on activation (no Azure DevOps client, no webview code)', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const dist = vscode.Uri.joinPath(ext.extensionUri, 'dist').fsPath;
    const loaded = Object.keys(require.cache).filter((m) => m.startsWith(dist));
    assert.deepEqual(loaded.map((m) => m.slice(dist.length + 1)), ['extension.js']);
  });
});
