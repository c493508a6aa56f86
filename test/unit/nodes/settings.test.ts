// src/nodes/settings.ts (pure): which `exalate.nodes` entries are used, and which are shown as refused.
import * as assert from 'node:assert/strict';
import { nodeUrlProblem, parseNodesSetting } from '../../../src/nodes/settings';

describe('nodes/settings', () => {
  it('accepts https anywhere and plain http only on this machine', () => {
    assert.equal(nodeUrlProblem('https://node.example.com'), undefined);
    for (const u of ['http://localhost:4000', 'http://127.0.0.1:4000', 'http://[::1]:4000']) assert.equal(nodeUrlProblem(u), undefined, u);
    assert.match(nodeUrlProblem('http://node.example.com') ?? '', /^Use https:\/\/ for node\.example\.com/);
    assert.match(nodeUrlProblem('http://10.0.0.5') ?? '', /^Use https:\/\//);
    assert.ok(nodeUrlProblem('ftp://node.example.com'));
  });

  it('parses usable entries (trimmed, normalised, de-duplicated) and refuses plain http to another host', () => {
    const r = parseNodesSetting([
      { url: 'http://127.0.0.1:4000/', label: '  Local ', sandbox: true },
      { url: 'https://node.example.com', adoOrgUrl: 'https://dev.azure.com/contoso', label: '' },
      { url: 'http://node.example.com', label: 'Plain' },
      { url: 'http://127.0.0.1:4000', label: 'duplicate' },
      { url: 'not a url' },
      { label: 'no url' },
      'junk',
      null,
      { url: 42 },
    ]);
    assert.deepEqual(
      r.nodes.map((n) => [n.url, n.label, n.adoOrgUrl, n.sandbox]),
      [
        ['http://127.0.0.1:4000', 'Local', undefined, true],
        ['https://node.example.com', undefined, 'https://dev.azure.com/contoso', undefined],
      ],
    );
    assert.deepEqual(r.rejected.map((x) => [x.url, x.label]), [['http://node.example.com', 'Plain'], ['not a url', undefined]]);
    assert.match(r.rejected[0].problem, /^Use https:\/\/ for node\.example\.com: the API token would travel unencrypted/);
  });

  it('treats a setting that is not an array as empty, and ignores wrong types of optional fields', () => {
    assert.deepEqual(parseNodesSetting({ url: 'https://x' }), { nodes: [], rejected: [] });
    assert.deepEqual(parseNodesSetting(undefined), { nodes: [], rejected: [] });
    const r = parseNodesSetting([{ url: 'https://node.example.com', label: 5, sandbox: 'yes' }]);
    assert.deepEqual(r.nodes.map((n) => [n.url, n.label, n.sandbox]), [['https://node.example.com', undefined, undefined]]);
  });
});
