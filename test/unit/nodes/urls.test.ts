// src/nodes/urls.ts (pure): the node token becomes the Azure DevOps PAT only for the node's own emulator.
import * as assert from 'node:assert/strict';
import { nodeOwnAdoUrl, sameOrigin } from '../../../src/nodes/urls';

describe('nodes/urls', () => {
  it('compares origins, not prefixes', () => {
    assert.equal(sameOrigin('https://node.example.com', 'https://node.example.com/ado/org'), true);
    assert.equal(sameOrigin('http://127.0.0.1:4000', 'http://127.0.0.1:4000/ado/sandbox-org'), true);
    assert.equal(sameOrigin('https://NODE.example.com:443', 'https://node.example.com/x'), true);
    assert.equal(sameOrigin('https://node.example.com', 'https://node.example.com.evil.example/org'), false);
    assert.equal(sameOrigin('https://node.example.com', 'https://node.example.com@evil.example/org'), false);
    assert.equal(sameOrigin('http://127.0.0.1:4000', 'http://127.0.0.1:40001/ado'), false);
    assert.equal(sameOrigin('https://node.example.com', 'http://node.example.com/ado'), false);
    assert.equal(sameOrigin('https://node.example.com', 'not a url'), false);
    assert.equal(sameOrigin('file:///a', 'file:///a'), false);
  });

  it('accepts only the node\'s own emulator as a place for the node token', () => {
    assert.equal(nodeOwnAdoUrl('http://127.0.0.1:4000', 'http://127.0.0.1:4000/ado/org'), 'http://127.0.0.1:4000/ado/org');
    assert.equal(nodeOwnAdoUrl('http://127.0.0.1:4000', 'http://127.0.0.1:4000@evil.example/org'), undefined);
    assert.equal(nodeOwnAdoUrl('https://node.example.com', 'https://node.example.com.evil.example'), undefined);
    assert.equal(nodeOwnAdoUrl('https://node.example.com', null), undefined);
    assert.equal(nodeOwnAdoUrl('https://node.example.com', undefined), undefined);
  });
});
