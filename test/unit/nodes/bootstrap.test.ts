// src/nodes/bootstrap.ts: a broken bootstrap file never puts (part of) a token into the log; the file is honoured
// only in development/test mode or from the extension's own folder, only when no other user can read it, and it
// stays for the next window (each code-server browser has its own SecretStorage).
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
  /** URL → token, as this window's SecretStorage would have them. */
  const tokens = new Map<string, string>();
  const nodes = {
    upsert: async (...args: unknown[]) => {
      upserts.push(args);
      const [node, token] = args as [{ url: string }, string];
      tokens.set(node.url, token);
    },
    get: (url: string) => (tokens.has(url) ? { url } : undefined),
    getToken: async (url: string) => tokens.get(url),
  } as unknown as NodeRegistry;
  const test = (file: string) => ({ mode: 'test' as const, extensionPath: '/nonexistent', env: { [BOOTSTRAP_ENV]: file } });
  const write = (file: string, text: string, mode = 0o600) => {
    fs.writeFileSync(file, text, { mode });
    fs.chmodSync(file, mode);
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exalate-bootstrap-'));
    upserts.length = 0;
    tokens.clear();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('logs only "not valid JSON" for a truncated file (no parser message quoting the token)', async () => {
    const file = path.join(dir, 'b.json');
    write(file, '{"nodes":[{"url":"http://127.0.0.1:4000","token":"SECRET-TOKEN-abcdef');
    const { log, events } = recorder();
    assert.equal(await importBootstrapFile(nodes, log, test(file)), 0);
    assert.deepEqual(events, [{ kind: 'error', text: `Ignoring ${BOOTSTRAP_ENV} (${file}): not valid JSON` }]);
    assert.deepEqual(upserts, []);
  });

  it('registers every token and PAT with the redactor before it logs why a file is invalid', async () => {
    const file = path.join(dir, 'b.json');
    write(file, JSON.stringify({ nodes: [{ url: 'http://127.0.0.1:4000', token: 'tok-0123456789', adoPat: 'pat-0123456789', extra: 1 }] }));
    const { log, events } = recorder();
    assert.equal(await importBootstrapFile(nodes, log, test(file)), 0);
    assert.deepEqual(events.slice(0, 2), [
      { kind: 'secret', text: 'tok-0123456789' },
      { kind: 'secret', text: 'pat-0123456789' },
    ]);
    assert.equal(events[2].kind, 'error');
    assert.match(events[2].text, /not a valid bootstrap file/);
  });

  it('imports a valid file, registers its secrets first, keeps it for the next window and skips nodes that have a token', async () => {
    const file = path.join(dir, 'b.json');
    write(file, JSON.stringify({ nodes: [{ url: 'http://127.0.0.1:4000', token: 'tok-0123456789' }] }));
    const { log, events } = recorder();
    assert.equal(await importBootstrapFile(nodes, log, test(file)), 1);
    assert.deepEqual(events[0], { kind: 'secret', text: 'tok-0123456789' });
    assert.equal(upserts.length, 1);
    assert.equal(fs.existsSync(file), true, 'the file stays: a second browser window (own SecretStorage) needs it too');
    // This window already has the token: nothing is imported again.
    assert.equal(await importBootstrapFile(nodes, log, test(file)), 0);
    assert.equal(upserts.length, 1);
    // A fresh window (no token stored): imported again.
    tokens.clear();
    assert.equal(await importBootstrapFile(nodes, log, test(file)), 1);
  });

  it('refuses a file other users can read, naming the mode and the fix', async function () {
    if (process.platform === 'win32') this.skip();
    const file = path.join(dir, 'b.json');
    write(file, JSON.stringify({ nodes: [{ url: 'http://127.0.0.1:4000', token: 'tok-0123456789' }] }), 0o644);
    const { log, events } = recorder();
    assert.equal(await importBootstrapFile(nodes, log, test(file)), 0);
    assert.deepEqual(upserts, []);
    assert.equal(events.length, 1);
    assert.match(events[0].text, /other users may read or write it \(mode 0644\).*chmod 600/);
    assert.ok(!events.some((e) => e.text.includes('tok-0123456789')), 'the token is never read into the log');
  });

  it('in an installed extension (production mode) reads only a file inside the extension\'s own folder', async () => {
    const ext = path.join(dir, 'extension');
    fs.mkdirSync(path.join(ext, '.exalate-dev'), { recursive: true });
    const outside = path.join(dir, 'b.json');
    write(outside, JSON.stringify({ nodes: [{ url: 'http://127.0.0.1:4000', token: 'tok-0123456789' }] }));
    const { log, events } = recorder();
    assert.equal(await importBootstrapFile(nodes, log, { mode: 'production', extensionPath: ext, env: { [BOOTSTRAP_ENV]: outside } }), 0);
    assert.match(events[0].text, /an installed extension reads it only from its own folder/);
    assert.deepEqual(upserts, []);
    const inside = path.join(ext, '.exalate-dev', 'bootstrap.json');
    write(inside, JSON.stringify({ nodes: [{ url: 'http://127.0.0.1:4000', token: 'tok-0123456789' }] }));
    assert.equal(await importBootstrapFile(nodes, log, { mode: 'production', extensionPath: ext, env: { [BOOTSTRAP_ENV]: inside } }), 1);
    // A symlink inside the folder pointing outside does not count as inside.
    tokens.clear();
    const link = path.join(ext, '.exalate-dev', 'link.json');
    fs.symlinkSync(outside, link);
    assert.equal(await importBootstrapFile(nodes, log, { mode: 'production', extensionPath: ext, env: { [BOOTSTRAP_ENV]: link } }), 0);
  });
});
