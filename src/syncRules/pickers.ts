// Quick picks for the palette flows: node (when several) → connection → direction.
import * as vscode from 'vscode';
import type { Connection, RuleDirection } from '../shared/api';
import { pickNode as pickOneNode } from '../nodes/picker';
import { nodeDisplayName, type NodeConfig } from '../nodes/registry';
import type { Services } from '../services';
import type { SyncRulesFileSystem } from './fileSystem';

/** Most connections loaded into one pick; beyond this the user types to filter the first pages. */
const MAX_PICK_CONNECTIONS = 5000;

/** The extension's one node picker (src/nodes/picker.ts), with this capability's "no node" message. */
export function pickNode(services: Services, reportNoNodes: () => void): Promise<NodeConfig | undefined> {
  return pickOneNode(services, { title: 'Exalate: Choose a node', placeHolder: 'Which node holds the connection?', onNone: reportNoNodes });
}

/** Connections of a node, loaded page by page into a busy quick pick. Throws the client's error if listing fails. */
export async function pickConnection(fs: SyncRulesFileSystem, node: NodeConfig, title: string): Promise<Connection | undefined> {
  const client = await fs.clientFor(node.url);
  type Item = vscode.QuickPickItem & { connection: Connection };
  const qp = vscode.window.createQuickPick<Item>();
  qp.title = title;
  qp.placeholder = `Connections on ${nodeDisplayName(node)} — type to filter`;
  qp.matchOnDescription = true;
  qp.matchOnDetail = true;
  qp.ignoreFocusOut = true;
  qp.busy = true;
  const abort = new AbortController();
  const items: Item[] = [];
  let failure: unknown;
  const loading = (async () => {
    try {
      for await (const page of client.iterateConnectionPages({ limit: 500, signal: abort.signal })) {
        for (const c of page.items) {
          items.push({
            label: `$(plug) ${c.name}`,
            description: `${c.mode}${c.mode !== 'script' ? ' (read-only rules)' : ''} · ${c.status}`,
            detail: `${c.localShortName} ↔ ${c.remoteShortName} · project ${c.project}`,
            connection: c,
          });
        }
        qp.items = items;
        if (items.length >= MAX_PICK_CONNECTIONS) break;
      }
      if (items.length === 0) qp.placeholder = `${nodeDisplayName(node)} has no connections yet.`;
    } catch (e) {
      if (!abort.signal.aborted) {
        failure = e;
        qp.hide();
      }
    } finally {
      qp.busy = false;
    }
  })();
  const picked = await new Promise<Connection | undefined>((resolve) => {
    qp.onDidAccept(() => {
      const sel = qp.selectedItems[0];
      if (sel) {
        resolve(sel.connection);
        qp.hide();
      }
    });
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  abort.abort();
  await loading;
  qp.dispose();
  if (failure) throw failure;
  return picked;
}

export async function pickDirection(allowBoth: boolean, connection: Connection): Promise<RuleDirection | 'both' | undefined> {
  const items: Array<vscode.QuickPickItem & { value: RuleDirection | 'both' }> = [
    { label: '$(arrow-up) Outgoing', description: 'outgoing.groovy', detail: `What ${connection.localShortName} sends to ${connection.remoteShortName}`, value: 'outgoing' },
    { label: '$(arrow-down) Incoming', description: 'incoming.groovy', detail: `How ${connection.localShortName} applies what ${connection.remoteShortName} sends`, value: 'incoming' },
  ];
  if (allowBoth) items.push({ label: '$(split-horizontal) Both', description: 'outgoing.groovy and incoming.groovy', value: 'both' });
  const picked = await vscode.window.showQuickPick(items, {
    title: `Exalate: Sync rules of “${connection.name}”`,
    placeHolder: 'Which script?',
    ignoreFocusOut: true,
  });
  return picked?.value;
}

