// src/syncRules/layout.ts (pure): the export folder of a connection never leaves <root>/exalate/, whatever the node
// calls the connection and whatever id it hands out; `.exalate.json` is checked before it is trusted.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import {
  connectionFolderName,
  directionOfFile,
  formatExportMetadata,
  isInsideFolder,
  parseExportMetadata,
  ruleFileName,
} from '../../../src/syncRules/layout';

const ID = '3f2b8c1e-9a4d-4e2f-8b1a-0c5d6e7f8a9b';

/** Where the export would write, resolved the way vscode.Uri.joinPath resolves `..` (POSIX path semantics). */
function exportFolder(name: string, id: string, disambiguate = false): string {
  return path.posix.join('/ws/exalate', connectionFolderName(name, id, disambiguate));
}

describe('syncRules/layout', () => {
  describe('connectionFolderName', () => {
    it('keeps ordinary names (letters of any script, digits, spaces, common punctuation)', () => {
      assert.equal(connectionFolderName('Orders EU', ID), 'Orders EU');
      assert.equal(connectionFolderName('Fabrikam Jira bugs (prod) v2.1', ID), 'Fabrikam Jira bugs (prod) v2.1');
      assert.equal(connectionFolderName('Größe 日本語 Ünïcödé', ID), 'Größe 日本語 Ünïcödé');
      assert.equal(connectionFolderName('Orders / EU', ID), 'Orders - EU');
    });

    const hostile = [
      '..',
      '.',
      '../..',
      '../../../etc',
      '..\\..\\Windows\\System32',
      '/etc/passwd',
      'C:\\Users\\me',
      'a/../../b',
      '....//....//x',
      '\u0000evil',
      'line\nbreak',
      'name\u202ereversed',
      '  ..  ',
      '%2e%2e%2f',
      '~/.ssh',
      '$HOME',
      'a'.repeat(500),
    ];
    for (const name of hostile) {
      it(`turns ${JSON.stringify(name.slice(0, 30))} into one safe folder inside <root>/exalate`, () => {
        const folder = connectionFolderName(name, ID);
        assert.match(folder, /^[\p{L}\p{M}\p{N} _.,()+&'@-]+$/u);
        assert.ok(!folder.includes('/') && !folder.includes('\\'), folder);
        assert.ok(!folder.startsWith('.') && !folder.endsWith('.') && !folder.endsWith(' '), folder);
        assert.notEqual(folder, '..');
        assert.ok(folder.length <= 100, `${folder.length} characters`);
        assert.equal(isInsideFolder('/ws/exalate', exportFolder(name, ID)), true);
        assert.equal(path.posix.dirname(exportFolder(name, ID)), '/ws/exalate');
      });
    }

    it('falls back to the id for empty, dot-only and Windows-reserved names', () => {
      for (const name of ['', '   ', '..', '...', 'CON', 'con.txt', 'NUL', 'com1', 'LPT9.log', 'aux']) {
        assert.equal(connectionFolderName(name, ID), 'connection-3f2b8c1e-9a4', JSON.stringify(name));
      }
    });

    it('never puts a hostile id into the folder name', () => {
      for (const id of ['../../../../tmp/x', '..', '/etc', 'C:\\x', '', '\u0000']) {
        for (const disambiguate of [false, true]) {
          for (const name of ['', 'Orders']) {
            const folder = connectionFolderName(name, id, disambiguate);
            assert.ok(!folder.includes('/') && !folder.includes('\\') && !folder.includes('..'), folder);
            assert.equal(isInsideFolder('/ws/exalate', exportFolder(name, id, disambiguate)), true, folder);
          }
        }
      }
    });

    it('disambiguates with the first 8 characters of the id', () => {
      assert.equal(connectionFolderName('Orders', ID, true), 'Orders (3f2b8c1e)');
      assert.equal(connectionFolderName('..', ID, true), 'connection-3f2b8c1e-9a4 (3f2b8c1e)');
    });
  });

  describe('isInsideFolder', () => {
    it('accepts folders strictly below the root', () => {
      assert.equal(isInsideFolder('/ws/exalate', '/ws/exalate/Orders'), true);
      assert.equal(isInsideFolder('/ws/exalate/', '/ws/exalate/a/b'), true);
    });
    it('refuses the root itself, siblings with a common prefix, parents and dot segments', () => {
      assert.equal(isInsideFolder('/ws/exalate', '/ws/exalate'), false);
      assert.equal(isInsideFolder('/ws/exalate', '/ws/exalate/'), false);
      assert.equal(isInsideFolder('/ws/exalate', '/ws/exalate-evil/x'), false);
      assert.equal(isInsideFolder('/ws/exalate', '/ws'), false);
      assert.equal(isInsideFolder('/ws/exalate', '/etc/passwd'), false);
      assert.equal(isInsideFolder('/ws/exalate', '/ws/exalate/../x'), false);
      assert.equal(isInsideFolder('/ws/exalate', '/ws/exalate/./x'), false);
      assert.equal(isInsideFolder('/ws/exalate', '/ws/exalate//x'), false);
    });
  });

  describe('file names and .exalate.json', () => {
    it('maps directions to file names and back', () => {
      assert.equal(ruleFileName('outgoing'), 'outgoing.groovy');
      assert.equal(directionOfFile('Incoming.groovy'), 'incoming');
      assert.equal(directionOfFile('other.groovy'), undefined);
    });

    it('round-trips valid metadata', () => {
      const meta = { nodeUrl: 'https://node.example.com', connectionId: ID, connectionName: 'Orders', rules: { outgoing: { version: 3 } } };
      const r = parseExportMetadata(formatExportMetadata(meta));
      assert.deepEqual(r, { ok: true, value: meta });
    });

    it('refuses invalid JSON, a non-UUID connection id and a bad node URL', () => {
      assert.equal(parseExportMetadata('{').ok, false);
      const bad = parseExportMetadata(JSON.stringify({ nodeUrl: 'https://node.example.com', connectionId: '../../x', connectionName: 'x', rules: {} }));
      assert.equal(bad.ok, false);
      assert.match((bad as { error: string }).error, /connectionId: connectionId must be a connection id \(a UUID\)/);
      const url = parseExportMetadata(JSON.stringify({ nodeUrl: 'ftp://x', connectionId: ID, connectionName: 'x', rules: {} }));
      assert.equal(url.ok, false);
    });
  });
});
