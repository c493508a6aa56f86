// src/syncRules/uri.ts (pure): sync-rule document URIs carry the node URL and a UUID connection id; anything else
// does not parse.
import * as assert from 'node:assert/strict';
import { connectionIdSchema, displaySegment, parseSyncRuleUri, ruleKey, sameConnection, syncRuleUriComponents } from '../../../src/syncRules/uri';

const ID = '3f2b8c1e-9a4d-4e2f-8b1a-0c5d6e7f8a9b';

describe('syncRules/uri', () => {
  it('round-trips a reference with a display name and a version', () => {
    const ref = { nodeUrl: 'https://node.example.com', connectionId: ID, direction: 'incoming' as const, connectionName: 'Orders / EU', version: 3 };
    const c = syncRuleUriComponents(ref);
    assert.equal(c.scheme, 'exalate');
    assert.equal(c.authority, 'node.example.com');
    assert.equal(c.path, '/Orders - EU/incoming@v3.groovy');
    assert.deepEqual(parseSyncRuleUri(c), { ...ref, connectionName: 'Orders - EU' });
  });

  it('leaves the node URL out of the query when the host says it (the save-failure message prints the URI)', () => {
    for (const nodeUrl of ['http://127.0.0.1:4101', 'https://node.example.com', 'http://localhost:8080']) {
      const c = syncRuleUriComponents({ nodeUrl, connectionId: ID, direction: 'outgoing', connectionName: 'Orders' });
      assert.equal(c.query, `id=${ID}`, nodeUrl);
      assert.deepEqual(parseSyncRuleUri(c), { nodeUrl, connectionId: ID, direction: 'outgoing', connectionName: 'Orders' });
    }
    // Not implied by the host (https on loopback, a path): named in the query, as before.
    for (const nodeUrl of ['https://127.0.0.1:4101', 'https://node.example.com/exalate']) {
      const c = syncRuleUriComponents({ nodeUrl, connectionId: ID, direction: 'outgoing' });
      assert.match(c.query, /^node=/, nodeUrl);
      assert.equal(parseSyncRuleUri(c)?.nodeUrl, nodeUrl);
    }
    // URIs from before (node= always) still parse.
    const old = { scheme: 'exalate', authority: '127.0.0.1:4101', path: '/Orders/outgoing.groovy', query: new URLSearchParams({ node: 'http://127.0.0.1:4101', id: ID }).toString() };
    assert.equal(parseSyncRuleUri(old)?.nodeUrl, 'http://127.0.0.1:4101');
  });

  it('refuses connection ids that are not UUIDs', () => {
    for (const id of ['c-1', '..', '../../etc', '', `${ID}/..`, ' ' + ID]) {
      const query = new URLSearchParams({ node: 'https://node.example.com', id }).toString();
      assert.equal(parseSyncRuleUri({ scheme: 'exalate', authority: 'h', path: '/x/outgoing.groovy', query }), undefined, id);
    }
  });

  it('refuses other schemes, paths and node URLs', () => {
    const query = new URLSearchParams({ node: 'https://node.example.com', id: ID }).toString();
    assert.equal(parseSyncRuleUri({ scheme: 'file', authority: '', path: '/x/outgoing.groovy', query }), undefined);
    assert.equal(parseSyncRuleUri({ scheme: 'exalate', authority: 'h', path: '/x/other.groovy', query }), undefined);
    assert.equal(parseSyncRuleUri({ scheme: 'exalate', authority: 'h', path: '/a/b/outgoing.groovy', query }), undefined);
    const ftp = new URLSearchParams({ node: 'ftp://h', id: ID }).toString();
    assert.equal(parseSyncRuleUri({ scheme: 'exalate', authority: 'h', path: '/x/outgoing.groovy', query: ftp }), undefined);
  });

  it('says why a connection id is refused', () => {
    assert.equal(connectionIdSchema.safeParse(ID).success, true);
    assert.equal(connectionIdSchema.safeParse(undefined).error?.issues[0].message, 'connectionId is required');
    assert.equal(connectionIdSchema.safeParse('x').error?.issues[0].message, 'connectionId must be a connection id (a UUID)');
  });

  it('builds display segments and keys', () => {
    assert.equal(displaySegment('a/b\\c\u0000', 'fallback'), 'a-b-c');
    assert.equal(displaySegment('  ', 'fallback'), 'fallback');
    const a = { nodeUrl: 'https://n', connectionId: ID, direction: 'outgoing' as const };
    assert.equal(ruleKey(a), `https://n|${ID}|outgoing`);
    assert.equal(sameConnection(a, { ...a }), true);
  });
});
