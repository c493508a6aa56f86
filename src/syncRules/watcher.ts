// Keeps open sync-rule documents honest about their connection: a connection deleted on the node (or a node removed
// from VS Code) closes its documents with a message; a mode change to/from Script updates read-only state.
// Checks run when a read or save meets a 404, when the VS Code window regains focus, when the node list changes,
// and every few minutes while such documents are open (one GET per open connection; nothing when none is open).
import * as vscode from 'vscode';
import { isExalateError } from '../exalate/errors';
import type { Services } from '../services';
import type { ConnectionGone, SyncRulesFileSystem } from './fileSystem';
import type { Messages } from './ui';
import { SYNC_RULES_SCHEME, parseSyncRuleUri, sameConnection, type SyncRuleRef } from './uri';

const CHECK_EVERY_MS = 3 * 60_000;

function tabUris(tab: vscode.Tab): vscode.Uri[] {
  const input = tab.input;
  if (input instanceof vscode.TabInputText) return [input.uri];
  if (input instanceof vscode.TabInputTextDiff) return [input.original, input.modified];
  return [];
}

function refOf(uri: vscode.Uri): SyncRuleRef | undefined {
  return uri.scheme === SYNC_RULES_SCHEME ? parseSyncRuleUri(uri) : undefined;
}

export class OpenRulesWatcher implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private checking: Promise<void> | undefined;
  /** Connections already reported as deleted (their dirty documents stay open; say it once). */
  private readonly reported = new Set<string>();

  constructor(
    private readonly fs: SyncRulesFileSystem,
    private readonly services: Services,
    private readonly messages: Messages,
  ) {
    this.disposables.push(
      fs.onConnectionGone((g) => void this.closeConnection(g, 'deleted')),
      vscode.window.onDidChangeWindowState((s) => {
        if (s.focused) void this.check();
      }),
      services.nodes.onDidChange(() => void this.closeRemovedNodes()),
      vscode.window.tabGroups.onDidChangeTabs(() => this.updateTimer()),
    );
    this.updateTimer();
  }

  /** Connections with an open tab (one entry per connection). */
  openConnections(): SyncRuleRef[] {
    const out: SyncRuleRef[] = [];
    for (const group of vscode.window.tabGroups.all) {
      for (const tab of group.tabs) {
        for (const uri of tabUris(tab)) {
          const ref = refOf(uri);
          if (ref && !out.some((o) => sameConnection(o, ref))) out.push(ref);
        }
      }
    }
    return out;
  }

  /** Asks the node about every connection with an open document (one check at a time). */
  check(): Promise<void> {
    this.checking ??= this.runCheck().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async runCheck(): Promise<void> {
    for (const ref of this.openConnections()) {
      if (!this.services.nodes.get(ref.nodeUrl)) continue; // handled by closeRemovedNodes
      if (this.reported.has(`${ref.nodeUrl}|${ref.connectionId}`)) continue;
      const client = await this.services.nodes.client(ref.nodeUrl);
      if (!client) continue;
      try {
        const connection = await client.getConnection(ref.connectionId);
        this.fs.noteConnection(ref.nodeUrl, ref.connectionId, connection);
      } catch (e) {
        if (isExalateError(e, 'notFound')) await this.closeConnection(ref, 'deleted');
        // Other failures (node down, token expired) are reported when the user reads or saves.
      }
    }
  }

  private async closeRemovedNodes(): Promise<void> {
    const gone = this.openConnections().filter((r) => !this.services.nodes.get(r.nodeUrl));
    const nodes = [...new Set(gone.map((g) => g.nodeUrl))];
    for (const nodeUrl of nodes) await this.closeConnection({ nodeUrl, connectionId: '' }, 'nodeRemoved');
  }

  /** Closes the clean tabs of a connection (or of a whole node); dirty ones stay open so nothing typed is lost. */
  async closeConnection(g: ConnectionGone, why: 'deleted' | 'nodeRemoved'): Promise<void> {
    const matches = (r: SyncRuleRef) => r.nodeUrl === g.nodeUrl && (why === 'nodeRemoved' || r.connectionId === g.connectionId);
    const clean: vscode.Tab[] = [];
    const dirty: vscode.Tab[] = [];
    let name = g.connectionName;
    for (const group of vscode.window.tabGroups.all) {
      for (const tab of group.tabs) {
        const refs = tabUris(tab).map(refOf).filter((r): r is SyncRuleRef => !!r && matches(r));
        if (!refs.length) continue;
        name ??= refs[0].connectionName;
        (tab.isDirty ? dirty : clean).push(tab);
      }
    }
    this.fs.forget(g.nodeUrl, why === 'nodeRemoved' ? undefined : g.connectionId);
    const key = `${g.nodeUrl}|${why === 'nodeRemoved' ? '*' : g.connectionId}`;
    if (!clean.length && (!dirty.length || this.reported.has(key))) return;
    this.reported.add(key);
    if (clean.length) await vscode.window.tabGroups.close(clean, true);
    const what = why === 'deleted' ? vscode.l10n.t('The connection “{0}” no longer exists on the node at {1}', name ?? g.connectionId, g.nodeUrl) : vscode.l10n.t('The node at {0} was removed from VS Code', g.nodeUrl);
    if (!dirty.length) {
      this.messages.info(vscode.l10n.t('{0}, so its sync rules were closed.', what));
      return;
    }
    const labels = dirty.map((t) => t.label).join(', ');
    this.messages.warn(
      `${what}. ${clean.length ? vscode.l10n.t('Its other sync rules were closed; ') : ''}${dirty.length > 1 ? vscode.l10n.t('{0} have unsaved edits and stay open: use Save As… to keep them in a local file.', labels) : vscode.l10n.t('{0} has unsaved edits and stays open: use Save As… to keep them in a local file.', labels)}`,
      {
        title: vscode.l10n.t('Save As…'),
        run: async () => {
          const uri = tabUris(dirty[0]).at(-1);
          if (uri) await vscode.window.showTextDocument(uri, { preview: false });
          await vscode.commands.executeCommand('workbench.action.files.saveAs');
        },
      },
    );
  }

  private updateTimer(): void {
    const open = this.openConnections().length > 0;
    if (open && !this.timer) this.timer = setInterval(() => void this.check(), CHECK_EVERY_MS);
    else if (!open && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
