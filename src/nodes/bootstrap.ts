// Pre-configures nodes from a file named by $EXALATE_BOOTSTRAP_FILE: `npm start` and the e2e tests use it to open
// VS Code already connected to sandbox nodes without putting tokens in settings. Read on activation (local file
// I/O only, no network); the tokens of nodes that have none in this window's SecretStorage go there. The file
// stays for the next window (in code-server each browser has its own SecretStorage); whoever wrote it deletes it
// (`npm start` on exit). Honoured only in development and test mode, or, for an installed extension, when the
// file lies inside the extension's own folder (the `npm start` checkout: whoever can write there can change the
// extension's code anyway); and only when no other user can read or write it (like ssh with its keys).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as z from 'zod';
import type { Logger } from '../log';
import type { NodeRegistry } from './registry';
import { normalizeNodeUrl } from './settings';

export const BOOTSTRAP_ENV = 'EXALATE_BOOTSTRAP_FILE';

const BootstrapSchema = z.strictObject({
  nodes: z
    .array(
      z.strictObject({
        url: z.string().min(1),
        token: z.string().min(1),
        label: z.string().min(1).optional(),
        adoOrgUrl: z.string().min(1).optional(),
        adoPat: z.string().min(1).optional(),
      }),
    )
    .max(20),
});

/** String values of `token` and `adoPat` keys anywhere in the parsed file (valid or not). */
function secretsIn(value: unknown, depth = 0): string[] {
  if (depth > 8 || value === null || typeof value !== 'object') return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if ((k === 'token' || k === 'adoPat') && typeof v === 'string') out.push(v);
    else out.push(...secretsIn(v, depth + 1));
  }
  return out;
}

export interface BootstrapContext {
  /** `context.extensionMode`, as a word. */
  mode: 'production' | 'development' | 'test';
  /** `context.extensionPath`. */
  extensionPath: string;
  env?: NodeJS.ProcessEnv;
}

/** Where a file really is (symlinks resolved), or undefined. */
function realPath(p: string): string | undefined {
  try {
    return fs.realpathSync(p);
  } catch {
    return undefined;
  }
}

/** Why the file must not be used (mode, owner, kind), or undefined when it may. */
function permissionProblem(file: string): string | undefined {
  const st = fs.statSync(file);
  if (!st.isFile()) return 'it is not a regular file';
  if (process.platform === 'win32') return undefined;
  if (typeof process.getuid === 'function' && st.uid !== process.getuid()) return 'it belongs to another user';
  if ((st.mode & 0o077) !== 0) {
    return `other users may read or write it (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}); it holds tokens, so it must be 0600 (chmod 600 ${file})`;
  }
  return undefined;
}

export async function importBootstrapFile(nodes: NodeRegistry, log: Logger, ctx: BootstrapContext): Promise<number> {
  const env = ctx.env ?? process.env;
  const file = env[BOOTSTRAP_ENV];
  if (!file) return 0;
  if (ctx.mode === 'production') {
    const real = realPath(file);
    const own = realPath(ctx.extensionPath);
    if (!real || !own || !(real === own || real.startsWith(own + path.sep))) {
      log.warn(`Ignoring ${BOOTSTRAP_ENV} (${file}): an installed extension reads it only from its own folder (as npm start writes it); use the exalate.nodes setting and Sign In instead.`);
      return 0;
    }
  }
  let text: string;
  try {
    const problem = permissionProblem(file);
    if (problem) {
      log.error(`Ignoring ${BOOTSTRAP_ENV} (${file}): ${problem}.`);
      return 0;
    }
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') log.warn(`Could not read ${BOOTSTRAP_ENV} (${file}): ${(e as Error).message}`);
    return 0; // removed by whoever wrote it (npm start stopped), or never written
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Never the parser's message: it quotes the text around the error, which may be part of a token.
    log.error(`Ignoring ${BOOTSTRAP_ENV} (${file}): not valid JSON`);
    return 0;
  }
  // Every secret the file holds goes to the redactor before anything about the file is logged.
  for (const secret of secretsIn(json)) log.addSecret(secret);
  const result = BootstrapSchema.safeParse(json);
  if (!result.success) {
    log.error(`Ignoring ${BOOTSTRAP_ENV} (${file}): not a valid bootstrap file (${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`);
    return 0;
  }
  let imported = 0;
  for (const n of result.data.nodes) {
    try {
      // A node this window already has a token for keeps its settings and token (the user may have changed them).
      const url = normalizeNodeUrl(n.url);
      if (nodes.get(url) && (await nodes.getToken(url))) continue;
      await nodes.upsert({ url: n.url, label: n.label, adoOrgUrl: n.adoOrgUrl }, n.token, n.adoPat);
      imported++;
    } catch (e) {
      log.error(`Bootstrap node ${n.url} skipped: ${(e as Error).message}`);
    }
  }
  if (imported) log.info(`Configured ${imported} node(s) from ${BOOTSTRAP_ENV}.`);
  return imported;
}
