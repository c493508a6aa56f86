// The `exalate.nodes` setting as this extension reads it, and which node URLs it accepts. Pure (no `vscode`), so
// it is unit-tested; src/nodes/registry.ts re-exports it.
import * as z from 'zod';
import { nodeUrlSchema } from '../shared/validation';

/** One entry of the `exalate.nodes` setting (see package.json for its JSON schema). */
export interface NodeConfig {
  /** Base URL of the node's Node API, no trailing slash. The node's identity in this extension. */
  url: string;
  /** Display name; defaults to the node's instance short name once known, else the host. */
  label?: string;
  /** Azure DevOps organization URL used to list projects for this node. */
  adoOrgUrl?: string;
  /** True for the local sandbox node started by "Start Local Sandbox". */
  sandbox?: boolean;
}

/** Why a URL cannot be a node URL, or undefined when it can. Plain http is allowed only on loopback. */
export function nodeUrlProblem(raw: string): string | undefined {
  const parsed = nodeUrlSchema.safeParse(raw);
  if (!parsed.success) return parsed.error.issues[0]?.message.replace('Destination URL', 'Node URL') ?? 'Invalid URL';
  const u = new URL(parsed.data);
  if (u.protocol === 'http:' && !isLoopbackHost(u.hostname)) {
    return `Use https:// for ${u.host}: the API token would travel unencrypted over plain http. Plain http is allowed only for nodes on this machine (localhost, 127.0.0.1, [::1]).`;
  }
  return undefined;
}

/**
 * Why a URL cannot be an Azure DevOps organization URL that a PAT is sent to, or undefined when it can: the same
 * rule as node URLs (https, plain http only on this machine).
 */
export function adoOrgUrlProblem(raw: string): string | undefined {
  const v = raw.trim();
  if (!v) return 'Enter the organization URL, e.g. https://dev.azure.com/contoso';
  return nodeUrlProblem(v)?.replace(/Node URL/g, 'Organization URL').replace('the API token', 'the PAT');
}

/** An entry of `exalate.nodes` this extension refuses to use (shown as an error item in the tree). */
export interface RejectedNode {
  /** The URL as configured (normalised when it parses). */
  url: string;
  label?: string;
  /** Why it is refused, e.g. plain http to another machine: "Use https://…". */
  problem: string;
}

/** Optional text: trimmed, empty → undefined, anything that is not a string → undefined. */
const optionalText = z
  .unknown()
  .transform((v) => (typeof v === 'string' && v.trim() ? v.trim() : undefined))
  .optional();

/** One entry of `exalate.nodes` as this extension accepts it: the URL must pass nodeUrlProblem (https, or loopback). */
export const NodeSettingEntrySchema = z.object({
  url: z
    .string({ error: 'url is missing' })
    .trim()
    .superRefine((v, ctx) => {
      const problem = nodeUrlProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .transform((v) => normalizeNodeUrl(v)),
  label: optionalText,
  adoOrgUrl: optionalText,
  sandbox: z
    .unknown()
    .transform((v) => (v === true ? true : undefined))
    .optional(),
});

export const NodesSettingSchema = z.array(z.unknown()).catch([]);

/** Parses the raw `exalate.nodes` value: usable nodes (de-duplicated by URL, first wins) and refused entries. */
export function parseNodesSetting(raw: unknown): { nodes: NodeConfig[]; rejected: RejectedNode[] } {
  const nodes: NodeConfig[] = [];
  const rejected: RejectedNode[] = [];
  const seen = new Set<string>();
  for (const entry of NodesSettingSchema.parse(raw)) {
    const r = NodeSettingEntrySchema.safeParse(entry);
    if (r.success) {
      if (seen.has(r.data.url)) continue;
      seen.add(r.data.url);
      nodes.push(r.data);
      continue;
    }
    // Entries without a URL string are not nodes at all; the rest are shown so the user can fix them.
    const url = entry && typeof entry === 'object' ? (entry as { url?: unknown }).url : undefined;
    if (typeof url !== 'string' || !url.trim()) continue;
    const parsedUrl = nodeUrlSchema.safeParse(url.trim());
    const key = parsedUrl.success ? parsedUrl.data : url.trim();
    if (seen.has(key)) continue;
    seen.add(key);
    const label = optionalText.parse((entry as { label?: unknown }).label);
    rejected.push({ url: key, label, problem: r.error.issues[0]?.message ?? 'Invalid node entry' });
  }
  return { nodes, rejected };
}

export function normalizeNodeUrl(raw: string): string {
  return nodeUrlSchema.parse(raw);
}

function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

