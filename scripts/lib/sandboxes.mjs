// Starts sandbox node processes (dist/sandbox.js) for `npm start`: persistent data, token and port per node under
// <home>/nodes/<name>/ (home: .exalate-dev/ by default) so connections between the nodes survive restarts.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { ROOT } from './setup.mjs';

async function portFree(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

function readOrCreate(file, make) {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    const v = String(make());
    fs.writeFileSync(file, v, { mode: 0o600 });
    return v;
  }
}

/** The pid of another live process that holds the node's data directory (its `lock` file), if any. */
export function dataOwner(dataDir) {
  let pid;
  try {
    pid = Number(fs.readFileSync(path.join(dataDir, 'lock'), 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (e) {
    return e.code === 'EPERM' ? pid : undefined; // EPERM: alive, but another user's
  }
}

/** @returns {Promise<{ name: string, url: string, ado: string, token: string, dataDir: string, stop: () => Promise<void> }>} */
export async function startDevSandbox({ home: root, name, preferredPort, pollMs = 5000 }) {
  const home = path.join(root, 'nodes', name);
  const dataDir = path.join(home, 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  const owner = dataOwner(dataDir);
  if (owner !== undefined) {
    throw new Error(
      `Another "npm start" is already running with this data (node "${name}" is held by process ${owner}, ${path.relative(process.cwd(), dataDir) || dataDir}).\n` +
        'Use the VS Code it opened, or stop it with Ctrl+C in its terminal first. To run a second, separate set of nodes, start with --home <another folder>.',
    );
  }
  const tokenFile = path.join(home, 'token');
  const token = readOrCreate(tokenFile, () => randomBytes(24).toString('base64url'));
  let port = Number(readOrCreate(path.join(home, 'port'), () => preferredPort));
  if (!(await portFree(port))) {
    console.warn(`Port ${port} for node "${name}" is taken; using a free one (connections made earlier with this node will not reach it).`);
    port = 0;
  }
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'dist', 'sandbox.js'), '--port', String(port), '--data', dataDir, '--token-file', tokenFile, '--name', name, '--seed', '--poll-ms', String(pollMs)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const logFile = fs.createWriteStream(path.join(home, 'node.log'), { flags: 'a' });
  child.stderr.pipe(logFile);
  const ready = await new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout });
    rl.once('line', (line) => {
      try {
        resolve(JSON.parse(line));
      } catch (e) {
        reject(new Error(`node "${name}" printed an unexpected line: ${line} (${e.message})`));
      }
    });
    child.once('exit', (code) => reject(new Error(`node "${name}" exited with ${code}; see ${path.relative(ROOT, path.join(home, 'node.log'))}`)));
  });
  if (port === 0) fs.writeFileSync(path.join(home, 'port'), new URL(ready.url).port);
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 3000).unref();
    });
  return { name, url: ready.url, ado: ready.ado, token, dataDir, stop };
}
