// The workspace layout of exported sync rules (documented in README.md, "Keep sync scripts in git"). Pure: no
// `vscode`, no Node built-ins.
//
//   <workspace folder>/exalate/<connection name>/outgoing.groovy
//   <workspace folder>/exalate/<connection name>/incoming.groovy
//   <workspace folder>/exalate/<connection name>/.exalate.json   ← which node and connection, and the versions
//
// `.exalate.json` is what "Publish Sync Rules from File" reads to know where a file goes and which version it was
// based on (so a change made on the node meanwhile is a conflict, not silently overwritten).
import * as z from 'zod';
import { RuleDirectionSchema, type RuleDirection } from '../shared/api';
import { nodeUrlSchema } from '../shared/validation';
import { connectionIdSchema } from './uri';

export const EXPORT_ROOT = 'exalate';
export const METADATA_FILE = '.exalate.json';

export function ruleFileName(direction: RuleDirection): string {
  return `${direction}.groovy`;
}

/** The direction a local file holds, from its name (`outgoing.groovy`, `incoming.groovy`), or undefined. */
export function directionOfFile(fileName: string): RuleDirection | undefined {
  const m = /^(outgoing|incoming)\.groovy$/i.exec(fileName);
  return m ? RuleDirectionSchema.parse(m[1].toLowerCase()) : undefined;
}

const RESERVED_WINDOWS_NAME = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/** Keeps letters, digits and a few harmless punctuation marks; everything else (separators, `..`, controls) goes. */
function safeSegment(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[^\p{L}\p{M}\p{N} _.,()+&'@-]/gu, '-')
    .replace(/^[\s.]+|[\s.]+$/g, '')
    .slice(0, 100)
    .replace(/[\s.]+$/g, '');
}

/** The connection id reduced to a short, safe tag (hex digits and dashes only). */
function idTag(connectionId: string, length: number): string {
  return connectionId.toLowerCase().replace(/[^0-9a-f-]/g, '').slice(0, length) || 'unknown';
}

/**
 * A connection name as one folder name that is valid on Windows, macOS and Linux and can never leave its parent:
 * only letters, digits, spaces and `_.,()+&'@-` survive, no leading dots, and a reserved or empty result falls back
 * to `connection-<id>`. `disambiguate` appends ` (<first 8 of the id>)` for a folder taken by another connection.
 */
export function connectionFolderName(name: string, connectionId: string, disambiguate = false): string {
  let clean = safeSegment(name);
  if (!clean || clean === '.' || clean === '..' || RESERVED_WINDOWS_NAME.test(clean)) clean = `connection-${idTag(connectionId, 12)}`;
  return disambiguate ? `${clean} (${idTag(connectionId, 8)})` : clean;
}

/**
 * True when `child` is strictly inside `root` (both POSIX-style paths, as in a vscode.Uri's `path`, already
 * normalised). The export checks its final folder with this before writing anything.
 */
export function isInsideFolder(root: string, child: string): boolean {
  const base = root.endsWith('/') ? root : `${root}/`;
  if (!child.startsWith(base) || child.length === base.length) return false;
  return !child
    .slice(base.length)
    .split('/')
    .some((s) => s === '..' || s === '.' || s === '');
}

const VersionSchema = z.object({ version: z.number().int().positive() });

/** `.exalate.json` next to exported scripts. */
export const ExportMetadataSchema = z.object({
  nodeUrl: nodeUrlSchema,
  connectionId: connectionIdSchema,
  connectionName: z.string(),
  /** The node version each local file was exported or last published as (its base for the next publish). */
  rules: z.object({ outgoing: VersionSchema.optional(), incoming: VersionSchema.optional() }),
  exportedAt: z.string().optional(),
});
export type ExportMetadata = z.infer<typeof ExportMetadataSchema>;

/** Parses `.exalate.json` text; a readable error message when it is not valid. */
export function parseExportMetadata(text: string): { ok: true; value: ExportMetadata } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `it is not JSON (${(e as Error).message})` };
  }
  const r = ExportMetadataSchema.safeParse(json);
  if (!r.success) {
    return { ok: false, error: r.error.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`).join('; ') };
  }
  return { ok: true, value: r.data };
}

export function formatExportMetadata(meta: ExportMetadata): string {
  return `${JSON.stringify(meta, null, 2)}\n`;
}
