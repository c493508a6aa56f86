// Names never carry control characters, and the Groovy default rules escape whatever they embed.
import * as assert from 'node:assert/strict';
import { connectionNameSchema, projectSchema, validateConnectionInfo } from '../../../src/shared/validation';
import { AcceptInvitationRequestSchema, InitiateRequestSchema } from '../../../src/shared/api';
import { defaultIncomingScript, defaultOutgoingScript, groovyString } from '../../../src/sandbox/defaultRules';
import { decodeInvitation, encodeInvitation } from '../../../src/sandbox/invitation';
import { ApiError } from '../../../src/sandbox/errors';

const base = { destinationUrl: null, mode: 'script', localShortName: 'alpha', remoteShortName: 'beta', name: 'Ok', project: 'P' };

describe('names and generated Groovy', () => {
  it('rejects control characters in names and projects, keeps ordinary text', () => {
    for (const bad of ['a\nb', 'a\rb', 'a\tb', 'a\u0000b', 'x\u007fy', 'x\u0085y', 'Web"\nSystem.exit(1)']) {
      assert.equal(connectionNameSchema.safeParse(bad).success, false, JSON.stringify(bad));
      assert.equal(projectSchema.safeParse(bad).success, false, JSON.stringify(bad));
      assert.match(validateConnectionInfo({ name: bad }).name ?? '', /control characters/);
      assert.ok(InitiateRequestSchema.safeParse({ ...base, project: bad }).error?.issues.some((i) => i.path[0] === 'project'));
      assert.equal(AcceptInvitationRequestSchema.safeParse({ invitationCode: 'x', project: bad }).success, false);
    }
    for (const ok of ['Contoso Web', 'Ünïcødé — “quotes” $x \\ path', '  trimmed\n']) {
      assert.equal(connectionNameSchema.safeParse(ok).success, true, JSON.stringify(ok));
    }
  });

  it('escapes backslash, quotes, $ and control characters in Groovy strings', () => {
    assert.equal(groovyString('a\\b"c\'d$e'), '"a\\\\b\\"c\\\'d\\$e"');
    assert.equal(groovyString('l1\nl2\rl3\tx\u0001\u2028'), '"l1\\nl2\\rl3\\tx\\u0001\\u2028"');
  });

  it('cannot be made to run code through a project or short name with a line break (stored before the rule)', () => {
    const clean = { localShortName: 'alpha', remoteShortName: 'beta', project: 'Web' };
    const evil = { localShortName: 'alpha\nevil()', remoteShortName: 'beta\r\nevil()', project: 'Web"\nevil()\n//' };
    for (const gen of [defaultIncomingScript, defaultOutgoingScript]) {
      const a = gen(clean).split('\n');
      const b = gen(evil).split('\n');
      assert.equal(b.length, a.length, 'same number of lines');
      assert.ok(!b.some((l) => /^\s*evil\(\)/.test(l)), b.join('\n'));
    }
  });

  it('refuses an invitation code whose names carry control characters or unsafe short names', () => {
    const payload = {
      v: 1 as const,
      connectionId: '6f1c1f0e-8a43-4b1e-9d6a-2f4b7c9e0a11',
      connectionName: 'Fine',
      initiatorShortName: 'alpha',
      acceptorShortName: 'beta',
      initiatorUrl: 'http://127.0.0.1:1',
      initiatorNodeId: '9a0e2c4b-1d3f-4a5b-8c7d-6e5f4a3b2c1d',
      type: 'private' as const,
      mode: 'script' as const,
      expiresAt: new Date(Date.UTC(2030, 0, 1)).toISOString(),
      secret: Buffer.alloc(32, 3).toString('base64url'),
    };
    assert.equal(decodeInvitation(encodeInvitation(payload)).payload.connectionName, 'Fine');
    for (const over of [{ connectionName: 'a\nb' }, { acceptorShortName: 'beta\nevil()' }, { initiatorShortName: 'al pha' }, { connectionId: '../x' }]) {
      assert.throws(() => decodeInvitation(encodeInvitation({ ...payload, ...over })), (e: unknown) => e instanceof ApiError && e.code === 'invitation_malformed', JSON.stringify(over));
    }
  });
});
