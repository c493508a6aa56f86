// The view badge (issue 13, defect 6): it counts pending and failed connections of the listed nodes and does not
// move while a node's list is still loading (an open hover kept "1 pending, 1 in error" over a badge of 4).
import * as assert from 'node:assert/strict';
import type { ExalateClient } from '../../../src/exalate/client';
import { badgeCount, NodeConnections } from '../../../src/connections/model';
import type { Connection, ConnectionPage } from '../../../src/shared/api';

function conn(id: string, status: Connection['status']): Connection {
  return {
    id, name: id, description: '', localShortName: 'a', remoteShortName: 'b', remoteUrl: null, type: 'public', mode: 'script',
    status, role: 'initiator', project: 'P', createdAt: '2026-01-01T00:00:00Z', lastContactAt: null,
  };
}

/** A node whose list answers when `answer()` is called. */
function node(url: string, items: Connection[]) {
  let answer!: () => void;
  const page = new Promise<ConnectionPage>((r) => (answer = () => r({ items, nextCursor: null })));
  const client = { listConnections: () => page } as unknown as ExalateClient;
  const model = new NodeConnections(url, async () => client, () => undefined);
  return { model, answer };
}

describe('connections/model badgeCount', () => {
  it('waits while a listed node is loading, then counts both nodes at once', async () => {
    const a = node('http://a', [conn('1', 'pending'), conn('2', 'error'), conn('3', 'active')]);
    const b = node('http://b', [conn('4', 'pending'), conn('5', 'error')]);
    const listed = new Set(['http://a', 'http://b']);
    const la = a.model.refresh();
    const lb = b.model.refresh();
    a.answer();
    await la;
    // Node a has arrived, node b not yet: the badge keeps its value (was: 2 with "1 pending, 1 in error").
    assert.equal(badgeCount([a.model, b.model], listed), 'wait');
    b.answer();
    await lb;
    assert.deepEqual(badgeCount([a.model, b.model], listed), { value: 4, tooltip: '2 pending, 2 in error' });
  });

  it('ignores nodes that are no longer listed and has no badge when nothing needs attention', async () => {
    const a = node('http://a', [conn('1', 'active')]);
    const gone = node('http://gone', [conn('2', 'error')]);
    const la = a.model.refresh();
    void gone.model.refresh(); // still loading, but not listed
    a.answer();
    await la;
    assert.equal(badgeCount([a.model, gone.model], new Set(['http://a'])), undefined);
    gone.answer();
  });
});
