// CLI flags: secrets from files (--token-file, --ado-pat-file), the old inline flags, and their errors.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CliUsageError, parseCliArgs } from '../../../src/sandbox/cliFlags';
import { call, cleanupTempDirs, spawnSandbox, tempDir } from './helpers';

function options(args: string[]) {
  const cmd = parseCliArgs(args);
  assert.equal(cmd.help, false);
  return (cmd as Extract<typeof cmd, { help: false }>).options;
}

function usageError(args: string[], expected: RegExp): void {
  assert.throws(() => parseCliArgs(args), (e: unknown) => e instanceof CliUsageError && expected.test(e.message), args.join(' '));
}

describe('sandbox: CLI flags', function () {
  this.timeout(60_000);
  after(() => cleanupTempDirs());

  it('reads the token and the ADO PAT from files, trimmed', () => {
    const dir = tempDir('cli-files');
    const tokenFile = path.join(dir, 'token');
    const patFile = path.join(dir, 'pat');
    fs.writeFileSync(tokenFile, '  file-token-123\n', { mode: 0o600 });
    fs.writeFileSync(patFile, 'pat-from-file\r\n', { mode: 0o600 });
    const o = options(['--data', dir, '--token-file', tokenFile, '--ado-pat-file', patFile, '--name', 'alpha']);
    assert.equal(o.token, 'file-token-123');
    assert.equal(o.adoPat, 'pat-from-file');
    // The inline flags still work.
    const p = options(['--data', dir, '--token', 'inline-token-1', '--ado-pat', 'inline-pat', '--name', 'alpha']);
    assert.deepEqual([p.token, p.adoPat], ['inline-token-1', 'inline-pat']);
    assert.equal(options(['--data', dir, '--token-file', tokenFile, '--name', 'alpha']).adoPat, undefined);
  });

  it('refuses missing, unreadable or bad secret files and conflicting flags', () => {
    const dir = tempDir('cli-bad');
    const short = path.join(dir, 'short');
    fs.writeFileSync(short, 'short\n', { mode: 0o600 });
    const empty = path.join(dir, 'empty');
    fs.writeFileSync(empty, ' \n', { mode: 0o600 });
    const good = path.join(dir, 'good');
    fs.writeFileSync(good, 'good-token-123', { mode: 0o600 });
    const base = ['--data', dir, '--name', 'alpha'];
    usageError([...base, '--token-file', path.join(dir, 'nope')], /--token-file: cannot read .*nope \(no such file\)/);
    usageError([...base, '--token-file', dir], /--token-file: cannot read/);
    usageError([...base, '--token-file', short], /--token-file: the file must hold 8–512 visible ASCII characters/);
    usageError([...base], /--token-file \(or --token\) is required/);
    usageError([...base, '--token-file', good, '--token', 'inline-token-1'], /either --token-file or --token/);
    usageError([...base, '--token-file', good, '--ado-pat-file', empty], /--ado-pat-file: the file is empty/);
    usageError([...base, '--token-file', good, '--ado-pat-file', path.join(dir, 'nope')], /--ado-pat-file: cannot read/);
    usageError([...base, '--token-file', good, '--ado-pat-file', good, '--ado-pat', 'x'], /either --ado-pat-file or --ado-pat/);
  });

  it('refuses token and PAT files that group or others can access, like ssh (POSIX)', function () {
    if (process.platform === 'win32') this.skip();
    const dir = tempDir('cli-perm');
    const file = path.join(dir, 'token');
    fs.writeFileSync(file, 'open-token-123', { mode: 0o600 });
    const base = ['--data', dir, '--name', 'alpha'];
    assert.equal(options([...base, '--token-file', file]).token, 'open-token-123');
    for (const mode of [0o644, 0o640, 0o604, 0o620, 0o660]) {
      fs.chmodSync(file, mode);
      const octal = mode.toString(8).padStart(4, '0');
      usageError([...base, '--token-file', file], new RegExp(`--token-file: permissions ${octal} for .*token are too open: group or others can access the secret in it\\. Run: chmod 600 `));
    }
    const pat = path.join(dir, 'pat');
    fs.writeFileSync(pat, 'pat-value', { mode: 0o644 });
    fs.chmodSync(pat, 0o644);
    fs.chmodSync(file, 0o400);
    usageError([...base, '--token-file', file, '--ado-pat-file', pat], /--ado-pat-file: permissions 0644 for .*pat are too open/);
    fs.chmodSync(pat, 0o600);
    assert.equal(options([...base, '--token-file', file, '--ado-pat-file', pat]).adoPat, 'pat-value');
  });

  it('starts a node whose token comes from --token-file (and the emulator PAT from --ado-pat-file)', async () => {
    const dir = tempDir('cli-run');
    fs.writeFileSync(path.join(dir, 'token'), 'spawned-token-42\n', { mode: 0o600 });
    fs.writeFileSync(path.join(dir, 'pat'), 'spawned-pat-42\n', { mode: 0o600 });
    const p = await spawnSandbox(['--data', path.join(dir, 'data'), '--token-file', path.join(dir, 'token'), '--ado-pat-file', path.join(dir, 'pat'), '--name', 'alpha']);
    try {
      assert.equal((await call(p.url, 'spawned-token-42', 'GET', '/api/v1/node')).status, 200);
      const basic = (pat: string) => ({ headers: { authorization: `Basic ${Buffer.from(`:${pat}`).toString('base64')}` } });
      const projects = `${p.ado.replace(p.url, '')}/_apis/projects?api-version=7.1`;
      assert.equal((await call(p.url, null, 'GET', projects, undefined, basic('spawned-pat-42'))).status, 200);
      assert.equal((await call(p.url, null, 'GET', projects, undefined, basic('spawned-token-42'))).status, 401);
    } finally {
      await p.stop();
    }
  });
});
