// The nodes the user has configured: URLs and display data in the `exalate.nodes` setting, API tokens and Azure
// DevOps PATs in SecretStorage only. Hands out one ExalateClient per node (cached until its token changes).
// Every capability gets nodes and clients from here; nothing else reads the setting or the secrets.
import * as vscode from 'vscode';
import type { ExalateClient } from '../exalate/client';
import { createExalateClient } from '../exalate/httpClient';
import { nodeUrlSchema } from '../shared/validation';
import type { Logger } from '../log';

export const NODES_SETTING = 'nodes';

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

export function normalizeNodeUrl(raw: string): string {
  return nodeUrlSchema.parse(raw);
}

function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

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

  /** Configured nodes, valid entries only, de-duplicated by URL (first wins). */
  list(): NodeConfig[] {
    const raw = vscode.workspace.getConfiguration('exalate').get<unknown[]>(NODES_SETTING, []);
    const seen = new Set<string>();
    const out: NodeConfig[] = [];
    for (const entry of Array.isArray(raw) ? raw : []) {
      if (!entry || typeof entry !== 'object' || typeof (entry as NodeConfig).url !== 'string') continue;
      const e = entry as NodeConfig;
      const parsed = nodeUrlSchema.safeParse(e.url);
      if (!parsed.success || seen.has(parsed.data)) continue;
      seen.add(parsed.data);
      out.push({
        url: parsed.data,
        label: typeof e.label === 'string' && e.label.trim() ? e.label.trim() : undefined,
        adoOrgUrl: typeof e.adoOrgUrl === 'string' && e.adoOrgUrl.trim() ? e.adoOrgUrl.trim() : undefined,
        sandbox: e.sandbox === true ? true : undefined,
      });
    }
    return out;
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
    await this.writeNodes(this.list().filter((n) => n.url !== url));
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
    return createExalateClient({ nodeUrl: url, token, retries: 0 });
  }

  private async writeNodes(nodes: NodeConfig[]): Promise<void> {
    const clean = nodes.map((n) => Object.fromEntries(Object.entries(n).filter(([, v]) => v !== undefined)));
    await vscode.workspace.getConfiguration('exalate').update(NODES_SETTING, clean, vscode.ConfigurationTarget.Global);
    this.fireChanged();
  }

  private fireChanged(): void {
    this.updateContext();
    this.changed.fire();
  }

  private updateContext(): void {
    void vscode.commands.executeCommand('setContext', 'exalate.hasNodes', this.list().length > 0);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
