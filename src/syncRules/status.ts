// Makes obvious whether the sync-rule document in the active editor is the version the connection runs or a draft:
// a status bar item ("Draft v5 · v3 is active", click to publish) and the `exalate.ruleIsDraft` context key that
// shows the Publish button in the editor title (also shown while the editor has unsaved edits).
import * as vscode from 'vscode';
import { ContextKeys, setContextKey } from '../contextKeys';
import { Commands } from '../shared/commands';
import type { SyncRulesFileSystem } from './fileSystem';
import { SYNC_RULES_SCHEME, parseSyncRuleUri } from './uri';

export const RULE_IS_DRAFT_CONTEXT = ContextKeys.ruleIsDraft;

export class RuleStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('exalate.ruleStatus', vscode.StatusBarAlignment.Left, 50);
  private readonly subscriptions: vscode.Disposable[] = [];
  private isDraft: boolean | undefined;

  constructor(private readonly fs: SyncRulesFileSystem) {
    this.item.name = vscode.l10n.t('Exalate Sync Rule Version');
    this.subscriptions.push(
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      fs.onDidChangeStatus(() => this.update()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === vscode.window.activeTextEditor?.document) this.update();
      }),
      vscode.workspace.onDidSaveTextDocument(() => this.update()),
    );
    this.update();
  }

  /** What the status bar item shows now (text and tooltip), or undefined when hidden. For the tests. */
  shown(): { text: string; tooltip: string } | undefined {
    return this.visible ? { text: this.item.text, tooltip: String(this.item.tooltip ?? '') } : undefined;
  }

  private visible = false;

  update(): void {
    const doc = vscode.window.activeTextEditor?.document;
    const ref = doc?.uri.scheme === SYNC_RULES_SCHEME ? parseSyncRuleUri(doc.uri) : undefined;
    const status = ref && ref.version === undefined ? this.fs.ruleStatus(ref) : undefined;
    if (!doc || !ref || !status) {
      this.hide();
      return;
    }
    const dirty = doc.isDirty ? ` ${vscode.l10n.t('(unsaved edits)')}` : '';
    if (status.active) {
      this.item.text = `$(pass-filled) ${vscode.l10n.t('Active v{0}', status.version)}${dirty}`;
      this.item.tooltip = vscode.l10n.t(
        'Version {0} of {1}.groovy is the rule the connection runs. Saving makes a draft; Publish makes a draft active.',
        status.version,
        ref.direction,
      );
      this.item.command = { title: vscode.l10n.t('Show Sync Rules History'), command: Commands.showSyncRulesHistory, arguments: [doc.uri] };
      this.item.backgroundColor = undefined;
    } else {
      this.item.text = `$(edit) ${vscode.l10n.t('Draft v{0} · v{1} is active', status.version, status.activeVersion)}${dirty}`;
      this.item.tooltip = vscode.l10n.t(
        'Version {0} of {1}.groovy is a draft: the connection still runs version {2}. Click to publish this draft.',
        status.version,
        ref.direction,
        status.activeVersion,
      );
      this.item.command = { title: vscode.l10n.t('Publish Sync Rules'), command: Commands.publishSyncRules, arguments: [doc.uri] };
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    }
    this.item.show();
    this.visible = true;
    this.setDraft(!status.active);
  }

  private hide(): void {
    this.item.hide();
    this.visible = false;
    this.setDraft(false);
  }

  private setDraft(draft: boolean): void {
    if (this.isDraft === draft) return;
    this.isDraft = draft;
    setContextKey(RULE_IS_DRAFT_CONTEXT, draft);
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }
}
