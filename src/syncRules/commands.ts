// The sync-rules commands. Each takes an optional arguments object (validated with zod) so the tree, the wizard and
// tests can call it directly; without one it asks with quick picks (node → connection → direction) or uses the
// sync-rule document in the active editor.
import * as vscode from 'vscode';
import * as z from 'zod';
import { isExalateError } from '../exalate/errors';
import { RuleDirectionSchema, type Connection, type RuleDirection, type SyncRule } from '../shared/api';
import { Commands } from '../shared/commands';
import { formatDateTime } from '../shared/format';
import { nodeUrlSchema } from '../shared/validation';
import type { Services } from '../services';
import { NotSavedError, ReadonlyRuleError, errorMessage, needsSignIn } from './errors';
import { isReadonlyMode, readonlyExplanation, syncRuleUri, type SyncRulesFileSystem } from './fileSystem';
import {
  EXPORT_ROOT,
  METADATA_FILE,
  connectionFolderName,
  directionOfFile,
  isInsideFolder,
  formatExportMetadata,
  parseExportMetadata,
  ruleFileName,
  type ExportMetadata,
} from './layout';
import { pickConnection, pickDirection, pickNode } from './pickers';
import { describeRule, type MessageAction, type Messages } from './ui';
import { SYNC_RULES_SCHEME, connectionIdSchema, parseSyncRuleUri, ruleKey, type SyncRuleRef } from './uri';

export const OpenArgsSchema = z.object({
  nodeUrl: nodeUrlSchema,
  connectionId: connectionIdSchema,
  /** Omitted: both scripts open. */
  direction: RuleDirectionSchema.optional(),
});
export type OpenSyncRulesArgs = z.input<typeof OpenArgsSchema>;

export const RuleArgsSchema = z.object({
  nodeUrl: nodeUrlSchema,
  connectionId: connectionIdSchema,
  direction: RuleDirectionSchema,
  /** History: open the diff of this version against the current script instead of the version list. */
  version: z.number().int().positive().optional(),
});
export const RestoreArgsSchema = RuleArgsSchema.extend({ version: z.number({ error: 'version is required' }).int().positive() });
/** Publish: `version` omitted = the version the open editor holds (saved first when it has unsaved edits). */
export const PublishRuleArgsSchema = RuleArgsSchema;
export const ExportArgsSchema = z.object({
  nodeUrl: nodeUrlSchema,
  connectionId: connectionIdSchema,
  /** Folder to export into (absolute path or URI); default: the (first) workspace folder. */
  folder: z.string().min(1).optional(),
});
export const PublishArgsSchema = z.object({
  /** The local file (absolute path or URI). */
  file: z.string({ error: 'file is required' }).min(1, { error: 'file is required' }),
});

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function toUri(pathOrUri: string): vscode.Uri {
  return /^[a-z][a-z0-9+.-]+:\/\//i.test(pathOrUri) ? vscode.Uri.parse(pathOrUri, true) : vscode.Uri.file(pathOrUri);
}

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return decoder.decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

const progressTitle = (t: string) => ({ location: vscode.ProgressLocation.Notification, title: `Exalate: ${t}` });

/** A History quick pick item as the user sees it (for the integration tests). */
export interface ShownHistoryItem {
  label: string;
  description: string;
  /** Tooltips of the item's buttons. */
  buttons: string[];
}

export class SyncRuleCommands {
  /** The items of the last History quick pick shown. */
  lastHistoryItems: ShownHistoryItem[] = [];
  constructor(
    private readonly services: Services,
    private readonly fs: SyncRulesFileSystem,
    private readonly messages: Messages,
  ) {}

  // ---- Save (Ctrl+S in a sync-rule editor) -------------------------------------------------------------------

  /**
   * Publishes the sync-rule document in the active editor (or `uri`, for Retry) before VS Code writes it, so a
   * save that does not land keeps the edits without VS Code's "Failed to save … Revert" notification: Cancel and
   * Compare say nothing more (the dialog was the answer), any other failure is one short message with Retry.
   * Anything else (no sync-rule editor, a past version, a clean document) is VS Code's own Save.
   */
  async save(uri?: vscode.Uri): Promise<'saved' | 'kept' | 'failed' | 'default'> {
    const doc = uri ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) : vscode.window.activeTextEditor?.document;
    const ref = doc?.uri.scheme === SYNC_RULES_SCHEME ? parseSyncRuleUri(doc.uri) : undefined;
    if (!doc || !ref || ref.version !== undefined || !doc.isDirty) {
      if (!uri) await vscode.commands.executeCommand('workbench.action.files.save');
      return 'default';
    }
    try {
      return await this.fs.saveFromEditor(doc);
    } catch (e) {
      const node = this.services.nodes.get(ref.nodeUrl)?.label ?? ref.nodeUrl;
      const actions: MessageAction[] = [{ title: vscode.l10n.t('Retry'), run: () => this.save(doc.uri) }];
      if (needsSignIn(e)) actions.push({ title: vscode.l10n.t('Sign In Again'), run: () => vscode.commands.executeCommand(Commands.signIn, { nodeUrl: ref.nodeUrl }) });
      this.services.log.warn(`Save of ${ref.direction}.groovy of "${ref.connectionName ?? ref.connectionId}" on ${ref.nodeUrl} failed: ${errorMessage(e)}`);
      this.messages.error(
        vscode.l10n.t('Not saved to {0}: {1}. {2} Your edits are still in the editor.', node, describeRule(ref.direction, ref.connectionName), errorMessage(e)),
        ...actions,
      );
      return 'failed';
    }
  }

  // ---- Open Sync Rules… ------------------------------------------------------------------------------------

  async open(raw?: unknown): Promise<vscode.TextEditor[]> {
    const args = this.parseArgs(OpenArgsSchema, raw, vscode.l10n.t('Open Sync Rules'));
    if (args === null) return [];
    try {
      if (args) return await this.openRules(args.nodeUrl, args.connectionId, args.direction ? [args.direction] : ['outgoing', 'incoming']);
      const target = await this.pickTarget('Exalate: Open Sync Rules', true);
      if (!target) return [];
      return await this.openRules(target.nodeUrl, target.connection.id, target.direction === 'both' ? ['outgoing', 'incoming'] : [target.direction]);
    } catch (e) {
      this.report(vscode.l10n.t('Could not open the sync rules'), e);
      return [];
    }
  }

  private async openRules(nodeUrl: string, connectionId: string, directions: RuleDirection[]): Promise<vscode.TextEditor[]> {
    let connection: Connection | undefined;
    const docs = await vscode.window.withProgress(progressTitle(vscode.l10n.t('Opening sync rules…')), async (progress) => {
      const out: vscode.TextDocument[] = [];
      for (const direction of directions) {
        const ref: SyncRuleRef = { nodeUrl, connectionId, direction };
        const existing = this.openDocument(ref);
        if (existing?.isDirty) {
          // Unsaved edits: show them as they are; the save will meet any newer node version as a conflict.
          out.push(existing);
          continue;
        }
        const loaded = await this.fs.load(ref);
        connection = loaded.connection;
        progress.report({ message: `${connection.name} · ${direction}.groovy` });
        let doc = existing ?? (await vscode.workspace.openTextDocument(syncRuleUri({ ...ref, connectionName: connection.name })));
        if (doc.languageId !== 'groovy') doc = await vscode.languages.setTextDocumentLanguage(doc, 'groovy');
        out.push(doc);
      }
      return out;
    });
    const editors: vscode.TextEditor[] = [];
    for (const doc of docs) editors.push(await vscode.window.showTextDocument(doc, { preview: false }));
    if (connection && isReadonlyMode(connection.mode)) this.messages.info(readonlyExplanation(connection.name, connection.mode));
    return editors;
  }

  /** An open document of the current script of this rule (its URI may carry an older connection name). */
  private openDocument(ref: SyncRuleRef): vscode.TextDocument | undefined {
    return vscode.workspace.textDocuments.find((d) => {
      const r = d.uri.scheme === SYNC_RULES_SCHEME ? parseSyncRuleUri(d.uri) : undefined;
      return r !== undefined && r.version === undefined && ruleKey(r) === ruleKey(ref) && !d.isClosed;
    });
  }

  // ---- History, Compare, Restore --------------------------------------------------------------------------

  async history(raw?: unknown): Promise<void> {
    try {
      const ref = await this.ruleFromContext(raw, vscode.l10n.t('Show Sync Rules History'));
      if (!ref) return;
      if (ref.version !== undefined && !(raw instanceof vscode.Uri)) {
        await this.compare(ref, ref.version);
        return;
      }
      await this.pickVersion({ ...ref, version: undefined }, 'compare');
    } catch (e) {
      this.report(vscode.l10n.t('Could not show the sync rules history'), e);
    }
  }

  async restore(raw?: unknown): Promise<SyncRule | undefined> {
    try {
      if (raw === undefined || raw instanceof vscode.Uri) {
        const ref = await this.ruleFromContext(raw, vscode.l10n.t('Restore Sync Rules Version'));
        if (ref) await this.pickVersion({ ...ref, version: undefined }, 'restore');
        return undefined;
      }
      const args = this.parseArgs(RestoreArgsSchema, raw, vscode.l10n.t('Restore Sync Rules Version'));
      if (!args) return undefined;
      return await this.restoreVersion(args, args.version);
    } catch (e) {
      this.report(vscode.l10n.t('Could not restore the version'), e);
      return undefined;
    }
  }

  private async pickVersion(ref: SyncRuleRef, mode: 'compare' | 'restore'): Promise<void> {
    const client = await this.fs.clientFor(ref.nodeUrl);
    const [connection, versions] = await vscode.window.withProgress(progressTitle(vscode.l10n.t('Loading the sync rules history…')), () =>
      Promise.all([client.getConnection(ref.connectionId), client.listRuleVersions(ref.connectionId, ref.direction)]),
    );
    const named = { ...ref, connectionName: connection.name };
    const restoreButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('discard'), tooltip: vscode.l10n.t('Restore this version (as a new draft)') };
    const compareButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('diff'), tooltip: vscode.l10n.t('Compare with the current script') };
    const publishButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('rocket'), tooltip: vscode.l10n.t('Publish this draft (the connection runs it)') };
    // Nodes from before drafts send no `active`: their newest version is the live one.
    const activeVersion = versions.find((v) => v.active)?.version ?? versions[0]?.version;
    type Item = vscode.QuickPickItem & { version: number };
    const items: Item[] = versions.map((v, i) => {
      const isActive = v.version === activeVersion;
      const publishable = v.state === 'draft' && v.version > (activeVersion ?? 0) && !isReadonlyMode(connection.mode);
      const state = isActive
        ? vscode.l10n.t('active (the connection runs it)')
        : v.state === 'draft'
          ? vscode.l10n.t('draft')
          : vscode.l10n.t('published before');
      const buttons = [compareButton];
      if (publishable) buttons.push(publishButton);
      if (i !== 0 && !isReadonlyMode(connection.mode)) buttons.push(restoreButton);
      return {
        label: `${isActive ? '$(pass-filled)' : v.state === 'draft' ? '$(edit)' : '$(git-commit)'} ${vscode.l10n.t('Version {0}', v.version)}`,
        description: `${state} · ${v.author}${i === 0 ? ` · ${vscode.l10n.t('newest')}` : ''}`,
        detail: `${formatDateTime(v.updatedAt)} · ${vscode.l10n.t('{0} bytes', v.size.toLocaleString())}`,
        version: v.version,
        buttons,
      };
    });
    const qp = vscode.window.createQuickPick<Item>();
    qp.title = vscode.l10n.t('Exalate: History of {0} — {1}', `${ref.direction}.groovy`, connection.name);
    qp.placeholder = mode === 'compare' ? vscode.l10n.t('Pick a version to compare with the current script') : vscode.l10n.t('Pick a version to restore');
    qp.items = mode === 'restore' ? items.slice(1) : items;
    qp.matchOnDescription = true;
    qp.matchOnDetail = true;
    this.lastHistoryItems = items.map((i) => ({ label: i.label, description: i.description ?? '', buttons: (i.buttons ?? []).map((b) => b.tooltip ?? '') }));
    const chosen = await new Promise<{ version: number; action: 'compare' | 'restore' | 'publish' } | undefined>((resolve) => {
      qp.onDidAccept(() => {
        const sel = qp.selectedItems[0];
        if (sel) resolve({ version: sel.version, action: mode });
        qp.hide();
      });
      qp.onDidTriggerItemButton((e) => {
        resolve({ version: e.item.version, action: e.button === restoreButton ? 'restore' : e.button === publishButton ? 'publish' : 'compare' });
        qp.hide();
      });
      qp.onDidHide(() => resolve(undefined));
      qp.show();
    });
    qp.dispose();
    if (!chosen) return;
    if (chosen.action === 'compare') await this.compare(named, chosen.version);
    else if (chosen.action === 'publish') await this.publishRule(named, chosen.version);
    else await this.restoreVersion(named, chosen.version);
  }

  /** Diff of a past version (left, read-only) against the current script (right, the editable document). */
  private async compare(ref: SyncRuleRef, version: number): Promise<void> {
    const head = { ...ref, version: undefined };
    let name = ref.connectionName;
    const open = this.openDocument(head);
    if (!open || !name) name = (await this.fs.load(head)).connection.name;
    const right = open?.uri ?? syncRuleUri({ ...head, connectionName: name });
    const left = syncRuleUri({ ...head, connectionName: name, version });
    await vscode.commands.executeCommand('vscode.diff', left, right, `${name} · ${ref.direction}.groovy: v${version} ↔ current`, { preview: false });
  }

  /** Restore: a new DRAFT with the text of an old version; the connection keeps running its active version. */
  private async restoreVersion(ref: SyncRuleRef, version: number): Promise<SyncRule | undefined> {
    const client = await this.fs.clientFor(ref.nodeUrl);
    const connection = await client.getConnection(ref.connectionId);
    const named = { ...ref, connectionName: connection.name, version: undefined };
    const what = describeRule(ref.direction, connection.name);
    if (isReadonlyMode(connection.mode)) throw new ReadonlyRuleError(readonlyExplanation(connection.name, connection.mode));
    const ok = await this.fs.prompter.confirm(
      vscode.l10n.t('Restore version {0} of {1}?', version, what),
      vscode.l10n.t('Version {0} is saved as a new draft; the connection keeps running its active version until you publish the draft. Every version stays in the history.', version),
      vscode.l10n.t('Restore'),
    );
    if (!ok) return undefined;
    const rule = await vscode.window.withProgress(progressTitle(vscode.l10n.t('Restoring version {0}…', version)), async () => {
      const [old, head] = await Promise.all([this.fs.getVersion(named, version), client.getLatestSyncRule(ref.connectionId, ref.direction)]);
      if (old.script === head.script) return undefined;
      return client.saveDraft(ref.connectionId, ref.direction, old.script, head.version, { author: this.fs.author });
    });
    if (!rule) {
      this.messages.info(vscode.l10n.t('Version {0} of {1} is the same as the newest version; nothing to restore.', version, what));
      return undefined;
    }
    this.fs.notePublished(named, connection, rule);
    this.messages.info(
      vscode.l10n.t(
        'Restored version {0} of {1} as draft version {2}. The connection still runs version {3}; publish the draft to make it active.',
        version,
        what,
        rule.version,
        rule.activeVersion ?? '?',
      ),
      { title: vscode.l10n.t('Publish'), run: () => this.publishRule(named, rule.version) },
      { title: vscode.l10n.t('Open'), run: () => this.openRules(ref.nodeUrl, ref.connectionId, [ref.direction]) },
    );
    return rule;
  }

  // ---- Publish: a draft becomes the rule the connection runs ---------------------------------------------------

  /**
   * `exalate.publishSyncRules`: from the editor title (a URI), the command palette (the active sync-rule editor or
   * quick picks) or arguments `{ nodeUrl, connectionId, direction, version? }`. Publishes what is SAVED: an editor
   * with unsaved edits is saved as a draft first (with the conflict dialog), and nothing is published if that save
   * does not land.
   */
  async publish(raw?: unknown): Promise<SyncRule | undefined> {
    try {
      let ref: SyncRuleRef | undefined;
      if (raw !== undefined && raw !== null && !(raw instanceof vscode.Uri)) {
        const args = this.parseArgs(PublishRuleArgsSchema, raw, vscode.l10n.t('Publish Sync Rules'));
        if (!args) return undefined;
        ref = args;
      } else {
        ref = await this.ruleFromContext(raw, vscode.l10n.t('Publish Sync Rules'));
      }
      if (!ref) return undefined;
      return await this.publishRule(ref, ref.version);
    } catch (e) {
      this.report(vscode.l10n.t('Could not publish the sync rules'), e);
      return undefined;
    }
  }

  /** Publishes `version`, or (undefined) the version the open editor holds after saving its unsaved edits. */
  private async publishRule(ref: SyncRuleRef, version: number | undefined): Promise<SyncRule | undefined> {
    const head: SyncRuleRef = { ...ref, version: undefined };
    const doc = this.openDocument(head);
    if (version === undefined && doc?.isDirty) {
      const saved = await this.fs.saveFromEditor(doc);
      if (saved === 'kept') {
        this.messages.warn(vscode.l10n.t('Not published: your unsaved edits were not saved as a draft, so there is nothing new to publish. Your edits are still in the editor.'));
        return undefined;
      }
    }
    const client = await this.fs.clientFor(ref.nodeUrl);
    const connection = await client.getConnection(ref.connectionId);
    if (isReadonlyMode(connection.mode)) throw new ReadonlyRuleError(readonlyExplanation(connection.name, connection.mode));
    const named = { ...head, connectionName: connection.name };
    const what = describeRule(ref.direction, connection.name);
    const target = version ?? this.fs.ruleStatus(head)?.version ?? (await client.getLatestSyncRule(ref.connectionId, ref.direction)).version;
    const before = this.fs.ruleStatus(head)?.activeVersion ?? (await client.getSyncRule(ref.connectionId, ref.direction)).version;
    const rule = await this.fs.publishVersion(named, target);
    if (before === rule.version) {
      this.messages.info(vscode.l10n.t('Version {0} of {1} is already active; nothing to publish.', rule.version, what));
    } else {
      this.services.log.info(`Published ${ref.direction} rule v${rule.version} of "${connection.name}" on ${ref.nodeUrl}`);
      this.messages.info(vscode.l10n.t('Published version {0} of {1}: the connection now runs it.', rule.version, what));
    }
    return rule;
  }

  // ---- Export to workspace, publish from file -------------------------------------------------------------

  async export(raw?: unknown): Promise<vscode.Uri | undefined> {
    try {
      let target: { nodeUrl: string; connectionId: string; folder?: string } | undefined;
      if (raw !== undefined && !(raw instanceof vscode.Uri)) {
        const args = this.parseArgs(ExportArgsSchema, raw, vscode.l10n.t('Export Sync Rules to Workspace'));
        if (!args) return undefined;
        target = args;
      } else {
        const ref = await this.ruleFromContext(raw, vscode.l10n.t('Export Sync Rules to Workspace'), false);
        if (!ref) return undefined;
        target = ref;
      }
      const root = target.folder ? toUri(target.folder) : await this.workspaceRoot();
      if (!root) return undefined;
      return await this.exportTo(target.nodeUrl, target.connectionId, root);
    } catch (e) {
      this.report(vscode.l10n.t('Could not export the sync rules'), e);
      return undefined;
    }
  }

  private async workspaceRoot(): Promise<vscode.Uri | undefined> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length === 0) {
      this.messages.error(vscode.l10n.t('Export Sync Rules needs a workspace folder to write into. Open a folder (ideally a git repository), then export again.'), {
        title: vscode.l10n.t('Open Folder…'),
        run: () => vscode.commands.executeCommand('workbench.action.files.openFolder'),
      });
      return undefined;
    }
    if (folders.length === 1) return folders[0].uri;
    return (await vscode.window.showWorkspaceFolderPick({ placeHolder: vscode.l10n.t('Export the sync rules into which workspace folder?') }))?.uri;
  }

  private async exportTo(nodeUrl: string, connectionId: string, root: vscode.Uri): Promise<vscode.Uri | undefined> {
    const client = await this.fs.clientFor(nodeUrl);
    const [connection, outgoing, incoming] = await vscode.window.withProgress(progressTitle(vscode.l10n.t('Fetching sync rules…')), () =>
      Promise.all([
        client.getConnection(connectionId),
        client.getLatestSyncRule(connectionId, 'outgoing'),
        client.getLatestSyncRule(connectionId, 'incoming'),
      ]),
    );
    const exportRoot = vscode.Uri.joinPath(root, EXPORT_ROOT);
    let folder = vscode.Uri.joinPath(exportRoot, connectionFolderName(connection.name, connectionId));
    // Another connection (same name on another node, or a deleted namesake) already lives there: do not mix them.
    const previous = isInsideFolder(exportRoot.path, folder.path) ? await readText(vscode.Uri.joinPath(folder, METADATA_FILE)) : undefined;
    const prevMeta = previous === undefined ? undefined : parseExportMetadata(previous);
    if (prevMeta?.ok && (prevMeta.value.nodeUrl !== nodeUrl || prevMeta.value.connectionId !== connectionId)) {
      folder = vscode.Uri.joinPath(exportRoot, connectionFolderName(connection.name, connectionId, true));
    }
    // Belt and braces: whatever the node calls the connection, nothing is written outside <root>/exalate/.
    if (folder.scheme !== root.scheme || folder.authority !== root.authority || !isInsideFolder(exportRoot.path, folder.path)) {
      throw new Error(
        vscode.l10n.t('Refusing to export “{0}”: its folder would be {1}, outside {2}. Nothing was written.', connection.name, folder.path, exportRoot.path),
      );
    }
    const rules = { outgoing, incoming };
    const changedLocally: string[] = [];
    for (const dir of ['outgoing', 'incoming'] as const) {
      const local = await readText(vscode.Uri.joinPath(folder, ruleFileName(dir)));
      if (local !== undefined && local !== rules[dir].script) changedLocally.push(ruleFileName(dir));
    }
    const relative = vscode.workspace.asRelativePath(folder, false);
    if (changedLocally.length) {
      const ok = await this.fs.prompter.confirm(
        changedLocally.length > 1 ? vscode.l10n.t('Replace {0} and {1} in {2}?', changedLocally[0], changedLocally[1], relative) : vscode.l10n.t('Replace {0} in {1}?', changedLocally[0], relative),
        changedLocally.length > 1
          ? vscode.l10n.t("The local files differ from the node's current version. Exporting replaces them (git can show or restore the local text).")
          : vscode.l10n.t("The local file differs from the node's current version. Exporting replaces it (git can show or restore the local text)."),
        vscode.l10n.t('Replace'),
      );
      if (!ok) return undefined;
    }
    await vscode.workspace.fs.createDirectory(folder);
    for (const dir of ['outgoing', 'incoming'] as const) {
      await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, ruleFileName(dir)), encoder.encode(rules[dir].script));
    }
    const meta: ExportMetadata = {
      nodeUrl,
      connectionId,
      connectionName: connection.name,
      rules: { outgoing: { version: outgoing.version }, incoming: { version: incoming.version } },
      exportedAt: new Date().toISOString(),
    };
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, METADATA_FILE), encoder.encode(formatExportMetadata(meta)));
    this.messages.info(
      vscode.l10n.t('Exported the sync rules of “{0}” to {1} (outgoing v{2}, incoming v{3}).', connection.name, relative, outgoing.version, incoming.version),
      { title: vscode.l10n.t('Open outgoing.groovy'), run: () => vscode.window.showTextDocument(vscode.Uri.joinPath(folder, ruleFileName('outgoing')), { preview: false }) },
      { title: vscode.l10n.t('Reveal in Explorer'), run: () => vscode.commands.executeCommand('revealInExplorer', vscode.Uri.joinPath(folder, ruleFileName('outgoing'))) },
    );
    return folder;
  }

  async publishFromFile(raw?: unknown): Promise<SyncRule | undefined> {
    try {
      const file = await this.fileFromContext(raw);
      if (!file) return undefined;
      return await this.publishFile(file);
    } catch (e) {
      if (e instanceof NotSavedError) this.messages.warn(e.message);
      else this.report(vscode.l10n.t('Could not publish the file'), e);
      return undefined;
    }
  }

  private async fileFromContext(raw: unknown): Promise<vscode.Uri | undefined> {
    if (raw instanceof vscode.Uri) return raw;
    if (raw !== undefined) {
      const args = this.parseArgs(PublishArgsSchema, raw, vscode.l10n.t('Publish Sync Rules from File'));
      return args ? toUri(args.file) : undefined;
    }
    const active = vscode.window.activeTextEditor?.document.uri;
    if (active && active.scheme !== SYNC_RULES_SCHEME && active.path.endsWith('.groovy')) return active;
    const picked = await vscode.window.showOpenDialog({
      title: `Exalate: ${vscode.l10n.t('Publish Sync Rules from File')}`,
      openLabel: vscode.l10n.t('Publish'),
      canSelectMany: false,
      filters: { [vscode.l10n.t('Groovy sync scripts')]: ['groovy'] },
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    return picked?.[0];
  }

  private async publishFile(file: vscode.Uri): Promise<SyncRule | undefined> {
    const name = file.path.slice(file.path.lastIndexOf('/') + 1);
    const openDoc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === file.toString());
    if (openDoc?.isDirty && !(await openDoc.save())) throw new Error(vscode.l10n.t('{0} has unsaved changes that could not be saved; save it, then publish again.', name));
    let script: string;
    try {
      script = decoder.decode(await vscode.workspace.fs.readFile(file));
    } catch (e) {
      if (e instanceof TypeError) throw new Error(vscode.l10n.t('{0} is not UTF-8 text. Save it with the UTF-8 encoding, then publish again.', name));
      throw new Error(vscode.l10n.t('Could not read {0}: {1}', name, (e as Error).message));
    }
    const metaUri = vscode.Uri.joinPath(file, '..', METADATA_FILE);
    const metaText = await readText(metaUri);
    let meta: ExportMetadata | undefined;
    if (metaText !== undefined) {
      const parsed = parseExportMetadata(metaText);
      if (!parsed.ok) {
        this.messages.error(vscode.l10n.t('Could not publish {0}: {1} next to it is not valid ({2}). Fix it, or export the connection again to recreate it.', name, METADATA_FILE, parsed.error), {
          title: vscode.l10n.t('Open {0}', METADATA_FILE),
          run: () => vscode.window.showTextDocument(metaUri),
        });
        return undefined;
      }
      meta = parsed.value;
    }
    let direction = directionOfFile(name);
    let ref: SyncRuleRef;
    if (meta && direction) {
      ref = { nodeUrl: meta.nodeUrl, connectionId: meta.connectionId, direction, connectionName: meta.connectionName };
    } else {
      // Not an exported file: ask where it goes.
      const target = await this.pickTarget(`Exalate: Publish ${name} to…`, false, direction);
      if (!target || target.direction === 'both') return undefined;
      direction = target.direction;
      ref = { nodeUrl: target.nodeUrl, connectionId: target.connection.id, direction, connectionName: target.connection.name };
      meta = undefined;
    }
    const client = await this.fs.clientFor(ref.nodeUrl);
    const connection = await client.getConnection(ref.connectionId).catch((e) => {
      if (isExalateError(e, 'notFound')) {
        throw new Error(vscode.l10n.t('The connection “{0}” ({1}) named in {2} no longer exists on the node at {3}.', ref.connectionName ?? '', ref.connectionId, METADATA_FILE, ref.nodeUrl));
      }
      throw e;
    });
    ref.connectionName = connection.name;
    if (isReadonlyMode(connection.mode)) throw new ReadonlyRuleError(readonlyExplanation(connection.name, connection.mode));
    const what = describeRule(ref.direction, connection.name);
    let base = meta?.rules[ref.direction]?.version;
    if (base === undefined) {
      const head = await client.getLatestSyncRule(ref.connectionId, ref.direction);
      const ok = await this.fs.prompter.confirm(
        vscode.l10n.t('Publish {0} as {1}?', name, what),
        vscode.l10n.t('This publishes a new version on the node at {0}, replacing version {1}. Every version stays in the history.', ref.nodeUrl, head.version),
        vscode.l10n.t('Publish'),
      );
      if (!ok) return undefined;
      base = head.version;
    }
    // Publish from File keeps its meaning: the file's text becomes the rule the connection runs (a draft, then
    // published; a conflict on the draft stops before anything is published).
    const draft = await vscode.window.withProgress(progressTitle(vscode.l10n.t('Publishing {0}…', name)), () => this.fs.saveDraft(ref, script, base, file, 'file'));
    this.fs.notePublished(ref, connection, draft);
    const rule = await this.fs.publishVersion(ref, draft.version);
    // Remember the new base version next to the file (creating the metadata for a file that had none).
    const next: ExportMetadata = meta
      ? { ...meta, connectionName: connection.name, rules: { ...meta.rules, [ref.direction]: { version: rule.version } } }
      : { nodeUrl: ref.nodeUrl, connectionId: ref.connectionId, connectionName: connection.name, rules: { [ref.direction]: { version: rule.version } } };
    if (meta || directionOfFile(name)) await vscode.workspace.fs.writeFile(metaUri, encoder.encode(formatExportMetadata(next)));
    this.messages.info(vscode.l10n.t('Published {0} as version {1} of {2}.', name, rule.version, what), {
      title: vscode.l10n.t('Open on Node'),
      run: () => this.openRules(ref.nodeUrl, ref.connectionId, [ref.direction]),
    });
    return rule;
  }

  // ---- shared --------------------------------------------------------------------------------------------

  /** undefined: no arguments (ask the user); null: invalid arguments (already reported). */
  private parseArgs<S extends z.ZodType>(schema: S, raw: unknown, command: string): z.output<S> | undefined | null {
    if (raw === undefined || raw === null) return undefined;
    const r = schema.safeParse(raw);
    if (r.success) return r.data;
    const issues = r.error.issues
      .map((i) => `${i.path.join('.') || 'arguments'}: ${i.message.replace(/^Destination URL/, 'Node URL')}`)
      .join('; ');
    this.messages.error(vscode.l10n.t('Exalate: {0} was called with invalid arguments ({1}).', command, issues));
    this.services.log.warn(`${command}: invalid arguments: ${issues}`);
    return null;
  }

  /** A rule from: a sync-rule URI (editor title), an arguments object, the active editor, or quick picks. */
  private async ruleFromContext(raw: unknown, command: string, needDirection = true): Promise<SyncRuleRef | undefined> {
    if (raw instanceof vscode.Uri) {
      const ref = parseSyncRuleUri(raw);
      if (ref) return ref;
      this.messages.error(vscode.l10n.t('Exalate: {0} works on sync rules; {1} is not one.', command, raw.path.slice(raw.path.lastIndexOf('/') + 1)));
      return undefined;
    }
    if (raw !== undefined && raw !== null) {
      const args = this.parseArgs(needDirection ? RuleArgsSchema : ExportArgsSchema, raw, command);
      if (!args) return undefined;
      return { direction: 'outgoing', ...args } as SyncRuleRef;
    }
    const active = vscode.window.activeTextEditor?.document.uri;
    const fromEditor = active?.scheme === SYNC_RULES_SCHEME ? parseSyncRuleUri(active) : undefined;
    if (fromEditor) return fromEditor;
    const target = await this.pickTarget(`Exalate: ${command}`, false, needDirection ? undefined : 'outgoing');
    if (!target || target.direction === 'both') return undefined;
    return { nodeUrl: target.nodeUrl, connectionId: target.connection.id, direction: target.direction, connectionName: target.connection.name };
  }

  private async pickTarget(
    title: string,
    allowBoth: boolean,
    knownDirection?: RuleDirection,
  ): Promise<{ nodeUrl: string; connection: Connection; direction: RuleDirection | 'both' } | undefined> {
    const node = await pickNode(this.services, () =>
      this.messages.error(vscode.l10n.t('No Exalate node is configured yet. Add one to open its sync rules.'), {
        title: vscode.l10n.t('Add Node…'),
        run: () => vscode.commands.executeCommand(Commands.addNode),
      }),
    );
    if (!node) return undefined;
    const connection = await pickConnection(this.fs, node, title);
    if (!connection) return undefined;
    const direction = knownDirection ?? (await pickDirection(allowBoth, connection));
    return direction ? { nodeUrl: node.url, connection, direction } : undefined;
  }

  /** An error notification that says what failed and offers the next step. */
  private report(what: string, e: unknown): void {
    if (e instanceof NotSavedError) {
      this.messages.warn(e.message);
      return;
    }
    const actions: MessageAction[] = [];
    const nodeUrl = (e as { nodeUrl?: string }).nodeUrl;
    if (needsSignIn(e) && nodeUrl) {
      actions.push({ title: vscode.l10n.t('Sign In Again'), run: () => vscode.commands.executeCommand(Commands.signIn, { nodeUrl }) });
    }
    if (isExalateError(e, 'notFound')) actions.push({ title: vscode.l10n.t('Refresh Connections'), run: () => vscode.commands.executeCommand(Commands.refresh) });
    actions.push({ title: vscode.l10n.t('Show Log'), run: () => this.services.log.show() });
    this.services.log.warn(`${what}: ${errorMessage(e)}`);
    this.messages.error(`${what}: ${errorMessage(e)}`, ...actions);
  }
}
