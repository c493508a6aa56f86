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
  return pickOneNode(services, { title: vscode.l10n.t('Exalate: Choose a node'), placeHolder: vscode.l10n.t('Which node holds the connection?'), onNone: reportNoNodes });
}

/** Connections of a node, loaded page by page into a busy quick pick. Throws the client's error if listing fails. */
export async function pickConnection(fs: SyncRulesFileSystem, node: NodeConfig, title: string): Promise<Connection | undefined> {
  const client = await fs.clientFor(node.url);
  type Item = vscode.QuickPickItem & { connection: Connection };
  const qp = vscode.window.createQuickPick<Item>();
  qp.title = title;
  qp.placeholder = vscode.l10n.t('Connections on {0} — type to filter', nodeDisplayName(node));
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
            description: `${c.mode !== 'script' ? vscode.l10n.t('{0} (read-only rules)', c.mode) : c.mode} · ${c.status}`,
            detail: `${c.localShortName} ↔ ${c.remoteShortName} · ${vscode.l10n.t('project {0}', c.project)}`,
            connection: c,
          });
        }
        qp.items = items;
        if (items.length >= MAX_PICK_CONNECTIONS) break;
      }
      if (items.length === 0) qp.placeholder = vscode.l10n.t('{0} has no connections yet.', nodeDisplayName(node));
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
    { label: vscode.l10n.t('$(arrow-up) Outgoing'), description: 'outgoing.groovy', detail: vscode.l10n.t('What {0} sends to {1}', connection.localShortName, connection.remoteShortName), value: 'outgoing' },
    { label: vscode.l10n.t('$(arrow-down) Incoming'), description: 'incoming.groovy', detail: vscode.l10n.t('How {0} applies what {1} sends', connection.localShortName, connection.remoteShortName), value: 'incoming' },
  ];
  if (allowBoth) items.push({ label: vscode.l10n.t('$(split-horizontal) Both'), description: vscode.l10n.t('{0} and {1}', 'outgoing.groovy', 'incoming.groovy'), value: 'both' });
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Exalate: Sync rules of “{0}”', connection.name),
    placeHolder: vscode.l10n.t('Which script?'),
    ignoreFocusOut: true,
  });
  return picked?.value;
}

