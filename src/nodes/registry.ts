// The nodes the user has configured: URLs and display data in the `exalate.nodes` setting, API tokens and Azure
// DevOps PATs in SecretStorage only. Hands out one ExalateClient per node (cached until its token changes).
// Every capability gets nodes and clients from here; nothing else reads the setting or the secrets.
import * as vscode from 'vscode';
import { ContextKeys, setContextKey } from '../contextKeys';
import type { ExalateClient } from '../exalate/client';
import { createExalateClient } from '../exalate/httpClient';
import { nodeUrlSchema } from '../shared/validation';
import type { Logger } from '../log';
import { NodesSettingSchema, nodeUrlProblem, normalizeNodeUrl, parseNodesSetting, type NodeConfig, type RejectedNode } from './settings';

export const NODES_SETTING = 'nodes';

export {
  NodeSettingEntrySchema,
  normalizeNodeUrl,
  nodeUrlProblem,
  parseNodesSetting,
  type NodeConfig,
  type RejectedNode,
} from './settings';

export function nodeDisplayName(node: NodeConfig): string {
  if (node.label) return node.label;
  try {
    return new URL(node.url).host;
  } catch {
    return node.url;
  }
}

const tokenKey = (url: string) => `exalate.token:${url}`;
const patKey = (url: string) => `exalate.adoPat:${url}`;

export class NodeRegistry implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the node list or a node's credentials change. */
  readonly onDidChange = this.changed.event;
  private readonly clients = new Map<string, { token: string; client: ExalateClient }>();
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: Logger,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`exalate.${NODES_SETTING}`)) this.fireChanged();
      }),
      secrets.onDidChange((e) => {
        if (e.key.startsWith('exalate.')) {
          this.clients.clear();
          this.fireChanged();
        }
      }),
    );
    this.updateContext();
  }

  /** Configured nodes, usable entries only, de-duplicated by URL (first wins). */
  list(): NodeConfig[] {
    return this.readSetting().nodes;
  }

  /** Entries of `exalate.nodes` that are refused (e.g. plain http to another machine), to show as errors. */
  rejected(): RejectedNode[] {
    return this.readSetting().rejected;
  }

  /** Why a node URL must not be used (refused entry or unsafe URL), or undefined. */
  problem(url: string): string | undefined {
    return this.rejected().find((r) => r.url === url)?.problem ?? nodeUrlProblem(url);
  }

  private readSetting(): { nodes: NodeConfig[]; rejected: RejectedNode[] } {
    return parseNodesSetting(vscode.workspace.getConfiguration('exalate').get<unknown>(NODES_SETTING, []));
  }

  get(url: string): NodeConfig | undefined {
    return this.list().find((n) => n.url === url);
  }

  /** Adds or updates a node; stores its token (and PAT) in SecretStorage. */
  async upsert(node: NodeConfig, token?: string, adoPat?: string): Promise<void> {
    const problem = nodeUrlProblem(node.url);
    if (problem) throw new Error(problem);
    const url = normalizeNodeUrl(node.url);
    if (token !== undefined) await this.setToken(url, token);
    if (adoPat !== undefined) await this.setAdoPat(url, adoPat);
    const nodes = this.list().filter((n) => n.url !== url);
    const existing = this.get(url);
    nodes.push({ ...existing, ...node, url });
    await this.writeNodes(nodes);
  }

  async remove(url: string): Promise<void> {
    await this.writeNodes(this.list().filter((n) => n.url !== url), url);
    await this.secrets.delete(tokenKey(url));
    await this.secrets.delete(patKey(url));
    this.clients.delete(url);
  }

  async getToken(url: string): Promise<string | undefined> {
    const t = await this.secrets.get(tokenKey(url));
    this.log.addSecret(t);
    return t;
  }

  async setToken(url: string, token: string): Promise<void> {
    this.log.addSecret(token);
    this.clients.delete(url);
    await this.secrets.store(tokenKey(url), token);
  }

  async getAdoPat(url: string): Promise<string | undefined> {
    const p = await this.secrets.get(patKey(url));
    this.log.addSecret(p);
    return p;
  }

  async setAdoPat(url: string, pat: string): Promise<void> {
    this.log.addSecret(pat);
    await this.secrets.store(patKey(url), pat);
  }

  /** The client for a node, or undefined when no token is stored (the user must sign in). */
  async client(url: string): Promise<ExalateClient | undefined> {
    // Never send a token over plain http to another machine, whatever the settings say.
    const problem = this.problem(url);
    if (problem) throw new Error(problem);
    const token = await this.getToken(url);
    if (!token) return undefined;
    const cached = this.clients.get(url);
    if (cached && cached.token === token) return cached.client;
    const client = createExalateClient({
      nodeUrl: url,
      token,
      log: (e) =>
        this.log.trace(`${e.method} ${url}${e.path} → ${e.status ?? e.error ?? 'no answer'} in ${e.ms} ms${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}`),
    });
    this.clients.set(url, { token, client });
    return client;
  }

  /** A client built for a URL and token that are not saved yet (used to validate "Add Node…"). */
  probeClient(url: string, token: string): ExalateClient {
    this.log.addSecret(token);
    const problem = nodeUrlProblem(url);
    if (problem) throw new Error(problem);
    return createExalateClient({ nodeUrl: url, token, retries: 0 });
  }

  /** Writes the usable nodes; refused entries stay as the user wrote them unless `removing` names them. */
  private async writeNodes(nodes: NodeConfig[], removing?: string): Promise<void> {
    const keep = nodes.map((n) => Object.fromEntries(Object.entries(n).filter(([, v]) => v !== undefined)));
    const raw = NodesSettingSchema.parse(vscode.workspace.getConfiguration('exalate').get<unknown>(NODES_SETTING, []));
    const refused = new Set(this.rejected().map((r) => r.url).filter((u) => u !== removing && !nodes.some((n) => n.url === u)));
    const kept = raw.filter((e) => {
      const url = e && typeof e === 'object' ? (e as { url?: unknown }).url : undefined;
      if (typeof url !== 'string') return false;
      const parsed = nodeUrlSchema.safeParse(url.trim());
      return refused.has(parsed.success ? parsed.data : url.trim());
    });
    const clean = [...keep, ...kept];
    await vscode.workspace.getConfiguration('exalate').update(NODES_SETTING, clean, vscode.ConfigurationTarget.Global);
    this.fireChanged();
  }

  private fireChanged(): void {
    this.updateContext();
    this.changed.fire();
  }

  private updateContext(): void {
    const { nodes, rejected } = this.readSetting();
    setContextKey(ContextKeys.hasNodes, nodes.length + rejected.length > 0);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
