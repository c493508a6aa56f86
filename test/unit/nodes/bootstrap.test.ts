// src/nodes/bootstrap.ts: a broken bootstrap file never puts (part of) a token into the log.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Logger } from '../../../src/log';
import { BOOTSTRAP_ENV, importBootstrapFile } from '../../../src/nodes/bootstrap';
import type { NodeRegistry } from '../../../src/nodes/registry';

/** Records log lines and secrets in order, like the RedactingLogger would see them. */
function recorder() {
  const events: Array<{ kind: string; text: string }> = [];
  const log: Logger = {
    trace: (text) => events.push({ kind: 'trace', text }),
    info: (text) => events.push({ kind: 'info', text }),
    warn: (text) => events.push({ kind: 'warn', text }),
    error: (m) => events.push({ kind: 'error', text: m instanceof Error ? m.message : m }),
    addSecret: (s) => {
      if (s) events.push({ kind: 'secret', text: s });
    },
    show: () => undefined,
  };
  return { log, events };
}

describe('nodes/bootstrap', () => {
  let dir: string;
  const upserts: unknown[] = [];
  const nodes = {
    upsert: async (...args: unknown[]) => {
      upserts.push(args);
    },
  } as unknown as NodeRegistry;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exalate-bootstrap-'));
    upserts.length = 0;
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('logs only "not valid JSON" for a truncated file (no parser message quoting the token)', async () => {
    const file = path.join(dir, 'b.json');
    fs.writeFileSync(file, '{"nodes":[{"url":"http://127.0.0.1:4000","token":"SECRET-TOKEN-abcdef');
    const { log, events } = recorder();
    assert.equal(await importBootstrapFile(nodes, log, { [BOOTSTRAP_ENV]: file }), 0);
    assert.deepEqual(events, [{ kind: 'error', text: `Ignoring ${BOOTSTRAP_ENV} (${file}): not valid JSON` }]);
    assert.deepEqual(upserts, []);
  });

  it('registers every token and PAT with the redactor before it logs why a file is invalid', async () => {
    const file = path.join(dir, 'b.json');
    fs.writeFileSync(file, JSON.stringify({ nodes: [{ url: 'http://127.0.0.1:4000', token: 'tok-0123456789', adoPat: 'pat-0123456789', extra: 1 }] }));
    const { log, events } = recorder();
    assert.equal(await importBootstrapFile(nodes, log, { [BOOTSTRAP_ENV]: file }), 0);
    assert.deepEqual(events.slice(0, 2), [
      { kind: 'secret', text: 'tok-0123456789' },
      { kind: 'secret', text: 'pat-0123456789' },
    ]);
    assert.equal(events[2].kind, 'error');
    assert.match(events[2].text, /not a valid bootstrap file/);
  });

  it('imports a valid file, registers its secrets first and deletes it', async () => {
    const file = path.join(dir, 'b.json');
    fs.writeFileSync(file, JSON.stringify({ nodes: [{ url: 'http://127.0.0.1:4000', token: 'tok-0123456789' }] }));
    const { log, events } = recorder();
    assert.equal(await importBootstrapFile(nodes, log, { [BOOTSTRAP_ENV]: file }), 1);
    assert.deepEqual(events[0], { kind: 'secret', text: 'tok-0123456789' });
    assert.equal(upserts.length, 1);
    assert.equal(fs.existsSync(file), false);
  });
});
