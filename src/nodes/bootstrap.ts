// Pre-configures nodes from a one-shot file named by $EXALATE_BOOTSTRAP_FILE: `npm start` and the e2e tests use it to
// open VS Code already connected to sandbox nodes without putting tokens in settings. The file is read once on
// activation (local file I/O only, no network), its tokens go to SecretStorage, and the file is deleted.
import * as fs from 'node:fs';
import * as z from 'zod';
import type { Logger } from '../log';
import type { NodeRegistry } from './registry';

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

export async function importBootstrapFile(nodes: NodeRegistry, log: Logger, env = process.env): Promise<number> {
  const file = env[BOOTSTRAP_ENV];
  if (!file) return 0;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') log.warn(`Could not read ${BOOTSTRAP_ENV} (${file}): ${(e as Error).message}`);
    return 0; // already imported (the file is deleted after import) or never written
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
  const parsed = result.data;
  for (const n of parsed.nodes) {
    try {
      await nodes.upsert({ url: n.url, label: n.label, adoOrgUrl: n.adoOrgUrl }, n.token, n.adoPat);
    } catch (e) {
      log.error(`Bootstrap node ${n.url} skipped: ${(e as Error).message}`);
    }
  }
  fs.rmSync(file, { force: true });
  log.info(`Configured ${parsed.nodes.length} node(s) from ${BOOTSTRAP_ENV}.`);
  return parsed.nodes.length;
}
