// The workspace layout of exported sync rules (documented in README.md, "Keep sync scripts in git"). Pure: no
// `vscode`, no Node built-ins.
//
//   <workspace folder>/exalate/<connection name>/outgoing.groovy
//   <workspace folder>/exalate/<connection name>/incoming.groovy
//   <workspace folder>/exalate/<connection name>/.exalate.json   ← which node and connection, and the versions
//
// `.exalate.json` is what "Publish Sync Rules from File" reads to know where a file goes and which version it was
// based on (so a change made on the node meanwhile is a conflict, not silently overwritten).
import { z } from 'zod';
import { RuleDirectionSchema, type RuleDirection } from '../shared/api';
import { nodeUrlSchema } from '../shared/validation';

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

/** A connection name as a folder name that is valid on Windows, macOS and Linux. */
export function connectionFolderName(name: string, connectionId: string): string {
  const clean = name
    // eslint-disable-next-line no-control-regex
    .replace(/[<>:"/\\|?*\u0000-\u001f\u007f]/g, '-')
    .replace(/^[\s.]+|[\s.]+$/g, '')
    .slice(0, 100)
    .trim();
  if (!clean || /^(con|prn|aux|nul|com\d|lpt\d)$/i.test(clean)) return `connection-${connectionId.slice(0, 12)}`;
  return clean;
}

const VersionSchema = z.object({ version: z.number().int().positive() });

/** `.exalate.json` next to exported scripts. */
export const ExportMetadataSchema = z.object({
  nodeUrl: nodeUrlSchema,
  connectionId: z.string().trim().min(1).max(200),
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
