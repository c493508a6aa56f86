// URIs of sync-rule documents. Pure (no `vscode` import) so the tree, the wizard and unit tests can use it; build a
// vscode.Uri with `vscode.Uri.from(syncRuleUriComponents(ref))` (or `syncRuleUri` in ./index.ts).
//
//   exalate://<node host>/<connection name>/outgoing.groovy?id=<connection id>
//   exalate://<node host>/<connection name>/incoming@v3.groovy?id=…            (version 3, read-only)
//   exalate://<node host>/<connection name>/outgoing.groovy?node=<node URL>&id=…  (a node URL the host does not say)
//
// The node and the connection id are the identity; the name is only for display (tabs, breadcrumbs), so a renamed
// connection still resolves to the same rules. The node URL is left out of the query when the host says it (plain
// http on this machine, https elsewhere, no path): VS Code prints the whole URI in its save-failure message, and an
// encoded URL in it was unreadable (issue 13). URIs with `node=` (also from before) still parse.
import * as z from 'zod';
import { RuleDirectionSchema, type RuleDirection } from '../shared/api';
import { nodeUrlSchema } from '../shared/validation';

/** Connection ids are UUIDs (as the Node API hands them out); command and URI arguments are checked with this. */
export const connectionIdSchema = z.uuid({
  error: (iss) => (iss.input === undefined || iss.input === '' ? 'connectionId is required' : 'connectionId must be a connection id (a UUID)'),
});

/** The URI scheme of sync-rule documents (the FileSystemProvider and `onFileSystem:` use it). */
export const SYNC_RULES_SCHEME = 'exalate';

/** Identifies one sync rule (a script) on a node. */
export interface SyncRuleRef {
  /** Base URL of the node (as in the `exalate.nodes` setting). */
  nodeUrl: string;
  connectionId: string;
  direction: RuleDirection;
  /** Connection name, for display only. */
  connectionName?: string;
  /** A past version (read-only document); omitted for the current, editable script. */
  version?: number;
}

/** What vscode.Uri.from() takes; a vscode.Uri also satisfies it. */
export interface SyncRuleUriComponents {
  scheme: string;
  authority: string;
  path: string;
  query: string;
  fragment?: string;
}

const FILE_PATTERN = /^(outgoing|incoming)(?:@v([1-9]\d{0,8}))?\.groovy$/;

/** A connection name as one path segment: no slashes or control characters, never empty. */
export function displaySegment(name: string | undefined, fallback: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = (name ?? '').replace(/[/\\]/g, '-').replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return clean || fallback;
}

function hostOf(nodeUrl: string): string {
  try {
    return new URL(nodeUrl).host.toLowerCase();
  } catch {
    return 'node';
  }
}

function isLoopbackHost(host: string): boolean {
  const h = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** The node URL an authority stands for when the query does not name one: http on loopback, https elsewhere. */
function impliedNodeUrl(authority: string): string | undefined {
  if (!authority) return undefined;
  const r = nodeUrlSchema.safeParse(`${isLoopbackHost(authority) ? 'http' : 'https'}://${authority}`);
  return r.success ? r.data : undefined;
}

/** The URI components of a sync rule document. */
export function syncRuleUriComponents(ref: SyncRuleRef): SyncRuleUriComponents {
  const file = `${ref.direction}${ref.version ? `@v${ref.version}` : ''}.groovy`;
  const authority = hostOf(ref.nodeUrl);
  const query = new URLSearchParams(impliedNodeUrl(authority) === ref.nodeUrl ? { id: ref.connectionId } : { node: ref.nodeUrl, id: ref.connectionId }).toString();
  return {
    scheme: SYNC_RULES_SCHEME,
    authority,
    path: `/${displaySegment(ref.connectionName, ref.connectionId)}/${file}`,
    query,
    fragment: '',
  };
}

const QuerySchema = z.object({ node: nodeUrlSchema, id: connectionIdSchema });

/** Reads a sync rule URI back; undefined when it is not one (wrong scheme, path or query). */
export function parseSyncRuleUri(uri: SyncRuleUriComponents): SyncRuleRef | undefined {
  if (uri.scheme !== SYNC_RULES_SCHEME) return undefined;
  const segments = uri.path.split('/').filter((s) => s.length > 0);
  if (segments.length !== 2) return undefined;
  const m = FILE_PATTERN.exec(segments[1]);
  if (!m) return undefined;
  const params = new URLSearchParams(uri.query);
  const q = QuerySchema.safeParse({ node: params.get('node') ?? impliedNodeUrl(uri.authority), id: params.get('id') ?? undefined });
  if (!q.success) return undefined;
  return {
    nodeUrl: q.data.node,
    connectionId: q.data.id,
    direction: RuleDirectionSchema.parse(m[1]),
    connectionName: segments[0],
    ...(m[2] ? { version: Number(m[2]) } : {}),
  };
}

/** Cache key of the current script of a rule (ignores names and versions). */
export function ruleKey(ref: Pick<SyncRuleRef, 'nodeUrl' | 'connectionId' | 'direction'>): string {
  return `${ref.nodeUrl}|${ref.connectionId}|${ref.direction}`;
}

/** Same connection on the same node? */
export function sameConnection(
  a: Pick<SyncRuleRef, 'nodeUrl' | 'connectionId'>,
  b: Pick<SyncRuleRef, 'nodeUrl' | 'connectionId'>,
): boolean {
  return a.nodeUrl === b.nodeUrl && a.connectionId === b.connectionId;
}
