// The `exalate:` FileSystemProvider: one document per sync rule, read from and saved to the node.
//
// - readFile fetches the current script; stat() answers from what was last read, so `mtime` only moves when the
//   node's version changed (no false "file is newer" prompts) and a save goes out with the version the user edited.
// - The editable document is the NEWEST version of a rule (a draft or the active one); the connection runs the
//   ACTIVE version until a draft is published (`publishVersion`). `ruleStatus` / `onDidChangeStatus` say which.
// - writeFile saves a new DRAFT version with If-Match. On 412 the user picks Compare / Overwrite / Cancel; anything
//   but a landed save throws a FileSystemError, so VS Code keeps the editor dirty and never shows "saved".
// - Basic- and Visual-mode connections are read-only (stat permissions + a clear message); past versions
//   (`…/outgoing@v3.groovy`) are read-only too.
import * as vscode from 'vscode';
import { ContextKeys, setContextKey } from '../contextKeys';
import type { ExalateClient } from '../exalate/client';
import { ConflictError, isExalateError } from '../exalate/errors';
import type { Connection, Mode, RuleVersionState, SyncRule } from '../shared/api';
import type { Services } from '../services';
import { NotSavedError, NotSignedInError, ReadonlyRuleError, UnknownNodeError, toFileSystemError } from './errors';
import { describeRule, modalPrompter, type SyncRulesPrompter } from './ui';
import { SYNC_RULES_SCHEME, parseSyncRuleUri, ruleKey, syncRuleUriComponents, type SyncRuleRef } from './uri';

interface Entry {
  version: number;
  /** Whether `version` is a draft or published, and which version the connection runs. */
  state: RuleVersionState;
  activeVersion: number;
  bytes: Uint8Array;
  mtime: number;
  ctime: number;
  readonly: boolean;
  connectionName: string;
  /** Set by a fresh load that the next readFile may use instead of fetching again. */
  primed: boolean;
}

export type ConnectionInfo = Pick<Connection, 'name' | 'mode' | 'createdAt'>;

/** What the editor shows about the current document of a rule: its version, draft or not, the active version. */
export interface RuleStatus {
  version: number;
  state: RuleVersionState;
  activeVersion: number;
  /** `version` is the one the connection runs. */
  active: boolean;
}

/** A connection that the node no longer has (404). */
export interface ConnectionGone {
  nodeUrl: string;
  connectionId: string;
  connectionName?: string;
}

const encoder = new TextEncoder();
// fatal: a save of bytes that are not UTF-8 is refused instead of silently replaced; ignoreBOM keeps a BOM as text
// so that bytes round-trip exactly.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function syncRuleUri(ref: SyncRuleRef): vscode.Uri {
  return vscode.Uri.from(syncRuleUriComponents(ref));
}

/** Only Script-mode connections have sync rules a person edits: Basic and Visual rules are managed elsewhere. */
export function isReadonlyMode(mode: Mode): boolean {
  return mode !== 'script';
}

export function readonlyExplanation(name: string, mode: Mode): string {
  return mode === 'visual'
    ? vscode.l10n.t(
        '“{0}” uses Visual mode: its sync rules are generated from the rules set in the Visual editor on the node, so they open read-only here. Edit them in the Visual editor, or switch the connection to Script mode on the node to edit the Groovy scripts.',
        name,
      )
    : vscode.l10n.t('“{0}” uses Basic mode: Exalate manages its sync rules, so they open read-only. Switch the connection to Script mode on the node to edit them.', name);
}

export class SyncRulesFileSystem implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;
  private readonly gone = new vscode.EventEmitter<ConnectionGone>();
  /** Fires when a read or save finds that the connection was deleted. */
  readonly onConnectionGone = this.gone.event;
  private readonly statusChanged = new vscode.EventEmitter<void>();
  /** Fires when a rule's version, draft state or active version changed (the status bar follows). */
  readonly onDidChangeStatus = this.statusChanged.event;
  private readonly entries = new Map<string, Entry>();
  private readonly versions = new Map<string, SyncRule>();
  /** Published by `saveFromEditor`, waiting for VS Code's write of the same text (which then sends nothing). */
  private readonly published = new Map<string, { script: string; rule: SyncRule; connection: Connection }>();
  /** The conflict and confirmation dialogs, asked through the extension's one user input (`services.ui`). */
  readonly prompter: SyncRulesPrompter;

  constructor(
    private readonly services: Services,
    /** Sent as the author of every version this extension publishes. */
    readonly author: string,
  ) {
    this.prompter = modalPrompter(services.ui);
  }

  dispose(): void {
    this.changed.dispose();
    this.gone.dispose();
    this.statusChanged.dispose();
  }

  // ---- helpers used by the commands ------------------------------------------------------------------------

  async clientFor(nodeUrl: string): Promise<ExalateClient> {
    if (!this.services.nodes.get(nodeUrl)) throw new UnknownNodeError(nodeUrl);
    const client = await this.services.nodes.client(nodeUrl);
    if (!client) throw new NotSignedInError(nodeUrl);
    return client;
  }

  /** Fetches the connection and the newest version of the rule; the next readFile of this rule uses them. */
  async load(ref: SyncRuleRef): Promise<{ connection: Connection; rule: SyncRule }> {
    const client = await this.clientFor(ref.nodeUrl);
    try {
      const [connection, rule] = await Promise.all([
        client.getConnection(ref.connectionId),
        client.getLatestSyncRule(ref.connectionId, ref.direction),
      ]);
      // A newer version than an open document shows: a clean one reloads (a dirty one is protected on save).
      if (this.remember(ref, connection, rule, true)) this.fireChanged(ref);
      return { connection, rule };
    } catch (e) {
      this.reportGone(ref, e);
      throw e;
    }
  }

  /** Version, draft state and active version of the current document of a rule (known after a load or save). */
  ruleStatus(ref: SyncRuleRef): RuleStatus | undefined {
    const e = this.entries.get(ruleKey(ref));
    return e && { version: e.version, state: e.state, activeVersion: e.activeVersion, active: e.version === e.activeVersion };
  }

  /**
   * Makes `version` the rule the connection runs (`POST …/versions/{n}/publish`) and updates what open editors
   * show. Rejects with the node's error (e.g. a version older than the active one).
   */
  async publishVersion(ref: SyncRuleRef, version: number): Promise<SyncRule> {
    const client = await this.clientFor(ref.nodeUrl);
    let rule: SyncRule;
    try {
      rule = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('$(rocket) Publishing version {0} of {1}.groovy…', version, ref.direction) },
        () => client.publishVersion(ref.connectionId, ref.direction, version, { author: this.author }),
      );
    } catch (e) {
      this.reportGone(ref, e);
      throw e;
    }
    const e = this.entries.get(ruleKey(ref));
    if (e) {
      e.activeVersion = rule.activeVersion ?? rule.version;
      if (e.version === rule.version) e.state = rule.state;
    }
    this.versions.set(`${ruleKey(ref)}|${rule.version}`, rule);
    this.statusChanged.fire();
    return rule;
  }

  /** Whether the current script of a rule opens read-only (known after a load). */
  isReadonly(ref: SyncRuleRef): boolean | undefined {
    return this.entries.get(ruleKey(ref))?.readonly;
  }

  /**
   * Records a version that this extension saved or published (restore, publish from file) and tells open editors:
   * a clean one reloads, a dirty one gets VS Code's "file is newer" protection on its next save.
   */
  notePublished(ref: SyncRuleRef, connection: ConnectionInfo, rule: SyncRule): void {
    if (this.remember(ref, connection, rule, false)) this.fireChanged(ref);
  }

  /** The connection's mode may have changed (checked by the watcher): update read-only state of open documents. */
  noteConnection(nodeUrl: string, connectionId: string, connection: ConnectionInfo): void {
    for (const direction of ['outgoing', 'incoming'] as const) {
      const ref = { nodeUrl, connectionId, direction };
      const e = this.entries.get(ruleKey(ref));
      if (!e) continue;
      const readonly = isReadonlyMode(connection.mode);
      if (e.readonly !== readonly) {
        e.readonly = readonly;
        e.mtime += 1;
        this.fireChanged(ref);
      }
    }
  }

  forget(nodeUrl: string, connectionId?: string): void {
    for (const key of [...this.entries.keys(), ...this.versions.keys()]) {
      if (key.startsWith(`${nodeUrl}|${connectionId === undefined ? '' : `${connectionId}|`}`)) {
        this.entries.delete(key);
        this.versions.delete(key);
      }
    }
  }

  async getVersion(ref: SyncRuleRef, version: number): Promise<SyncRule> {
    const key = `${ruleKey(ref)}|${version}`;
    const cached = this.versions.get(key);
    if (cached) return cached;
    const client = await this.clientFor(ref.nodeUrl);
    const rule = await client.getRuleVersion(ref.connectionId, ref.direction, version);
    if (this.versions.size > 200) this.versions.clear();
    this.versions.set(key, rule);
    return rule;
  }

  /**
   * Saves `script` as a new DRAFT version based on `baseVersion` (the active version does not change). On 412 asks
   * the user; `yours` is what Compare shows on the right (the dirty document or the local file). Rejects with
   * NotSavedError when the user did not overwrite.
   */
  async saveDraft(
    ref: SyncRuleRef,
    script: string,
    baseVersion: number,
    yours: vscode.Uri,
    source: 'editor' | 'file',
  ): Promise<SyncRule> {
    const client = await this.clientFor(ref.nodeUrl);
    const what = describeRule(ref.direction, ref.connectionName);
    const put = (ifMatch: number) =>
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('$(cloud-upload) Saving a draft of {0}.groovy to {1}…', ref.direction, ref.connectionName ?? 'the node') },
        () => client.saveDraft(ref.connectionId, ref.direction, script, ifMatch, { author: this.author }),
      );
    let base = baseVersion;
    for (;;) {
      try {
        const rule = await put(base);
        if (source === 'editor') setContextKey(ContextKeys.syncRulesSaved, true);
        return rule;
      } catch (e) {
        this.reportGone(ref, e);
        if (!(e instanceof ConflictError && e.reason === 'precondition_failed' && e.current)) throw e;
        const current = e.current;
        const choice = await this.prompter.conflict({
          what,
          baseVersion,
          nodeVersion: current.version,
          nodeAuthor: current.author,
          source,
        });
        if (choice === 'overwrite') {
          base = current.version;
          continue; // a third change in between asks again
        }
        const keep = source === 'editor' ? vscode.l10n.t('Your edits are still in the editor (unsaved).') : vscode.l10n.t('Your file is unchanged.');
        if (choice === 'compare') {
          this.versions.set(`${ruleKey(ref)}|${current.version}`, current);
          const left = syncRuleUri({ ...ref, version: current.version });
          // Opened after this save has failed, so the diff does not wait on the save in progress.
          setImmediate(() => {
            void vscode.commands.executeCommand(
              'vscode.diff',
              left,
              yours,
              source === 'editor'
                ? vscode.l10n.t('{0}: node v{1} ↔ your edits', `${ref.direction}.groovy`, current.version)
                : vscode.l10n.t('{0}: node v{1} ↔ your file', `${ref.direction}.groovy`, current.version),
              { preview: false },
            );
          });
          throw new NotSavedError(
            `${vscode.l10n.t('Not saved: {0} changed on the node (now version {1} by {2}).', what, current.version, current.author)} ${keep} ${vscode.l10n.t("Compare the two, then save again and choose Overwrite to replace the node's version.")}`,
          );
        }
        throw new NotSavedError(`${vscode.l10n.t('Not saved: {0} changed on the node (now version {1} by {2}).', what, current.version, current.author)} ${keep}`);
      }
    }
  }

  /**
   * Ctrl+S in a sync-rule editor (the `exalate.saveSyncRules` keybinding): saves the document's text as a draft with the
   * conflict dialog first, and lets VS Code write the document only once the node has the version. So Cancel,
   * Compare and a node that is down keep the editor dirty without VS Code's "Failed to save … Revert"
   * notification; the caller shows what happened. Saves that do not come through here (File > Save, Save All,
   * auto save) still go through writeFile.
   * Resolves 'saved', or 'kept' when the user chose not to overwrite; rejects with the reason otherwise.
   */
  async saveFromEditor(doc: vscode.TextDocument): Promise<'saved' | 'kept'> {
    const ref = this.parse(doc.uri);
    const key = ruleKey(ref);
    const script = doc.getText();
    let published: { rule: SyncRule; connection: Connection };
    try {
      published = await this.publishChecked(ref, script, doc.uri);
    } catch (e) {
      if (e instanceof NotSavedError) return 'kept';
      throw e;
    }
    this.published.set(key, { script, ...published });
    try {
      if (await doc.save()) return 'saved';
    } finally {
      // VS Code did not write (the document changed meanwhile, or the write failed): the node has the version
      // anyway, so the next save is based on it. The document's mtime stays, so no "file is newer" prompt.
      if (this.published.delete(key)) {
        const e = this.entries.get(key);
        if (e) e.version = published.rule.version;
      }
    }
    return 'saved';
  }

  /** The checks and the request of a save: the connection exists and is not Basic, then a draft with If-Match. */
  private async publishChecked(ref: SyncRuleRef, script: string, uri: vscode.Uri): Promise<{ rule: SyncRule; connection: Connection }> {
    if (ref.version !== undefined) {
      throw new ReadonlyRuleError(
        vscode.l10n.t('Version {0} is a past version and cannot be changed. To make it current again, use “{1}” and Restore it.', ref.version, `Exalate: ${vscode.l10n.t('Show Sync Rules History')}`),
      );
    }
    const client = await this.clientFor(ref.nodeUrl);
    let connection: Connection;
    try {
      connection = await client.getConnection(ref.connectionId);
    } catch (e) {
      this.reportGone(ref, e);
      throw e;
    }
    if (isReadonlyMode(connection.mode)) {
      this.noteConnection(ref.nodeUrl, ref.connectionId, connection);
      throw new ReadonlyRuleError(readonlyExplanation(connection.name, connection.mode));
    }
    const named = { ...ref, connectionName: connection.name };
    const base = this.entries.get(ruleKey(ref))?.version ?? (await client.getLatestSyncRule(ref.connectionId, ref.direction)).version;
    const rule = await this.saveDraft(named, script, base, uri, 'editor');
    this.services.log.info(`Saved ${ref.direction} rule of "${connection.name}" as draft version ${rule.version} on ${ref.nodeUrl} (active: version ${rule.activeVersion ?? '?'})`);
    return { rule, connection };
  }

  // ---- FileSystemProvider ----------------------------------------------------------------------------------

  watch(): vscode.Disposable {
    // Changes made through this extension are reported by the provider itself; there is no push from the node.
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    // `exalate://host/` and `exalate://host/<connection>/` are folders (VS Code checks the parent before a write).
    if (uri.path.split('/').filter(Boolean).length < 2) return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0 };
    const ref = this.parse(uri);
    try {
      if (ref.version !== undefined) {
        const rule = await this.getVersion(ref, ref.version);
        const t = Date.parse(rule.updatedAt) || 0;
        return { type: vscode.FileType.File, ctime: t, mtime: t, size: encoder.encode(rule.script).byteLength, permissions: vscode.FilePermission.Readonly };
      }
      let entry = this.entries.get(ruleKey(ref));
      if (!entry) {
        await this.load(ref);
        entry = this.entries.get(ruleKey(ref))!;
      }
      return {
        type: vscode.FileType.File,
        ctime: entry.ctime,
        mtime: entry.mtime,
        size: entry.bytes.byteLength,
        permissions: entry.readonly ? vscode.FilePermission.Readonly : undefined,
      };
    } catch (e) {
      throw toFileSystemError(e);
    }
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const ref = this.parse(uri);
    try {
      if (ref.version !== undefined) return encoder.encode((await this.getVersion(ref, ref.version)).script);
      const cached = this.entries.get(ruleKey(ref));
      if (cached?.primed) {
        cached.primed = false;
        return cached.bytes;
      }
      await this.load(ref);
      const entry = this.entries.get(ruleKey(ref))!;
      entry.primed = false;
      return entry.bytes;
    } catch (e) {
      throw toFileSystemError(e);
    }
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    const ref = this.parse(uri);
    try {
      let script: string;
      try {
        script = decoder.decode(content);
      } catch {
        throw new vscode.FileSystemError(vscode.l10n.t('The script is not valid UTF-8 text. Reopen the file with the UTF-8 encoding, then save again.'));
      }
      const key = ruleKey(ref);
      const already = ref.version === undefined ? this.published.get(key) : undefined;
      if (already) this.published.delete(key);
      // saveFromEditor published exactly this text a moment ago: only record it.
      const { rule, connection } = already?.script === script ? already : await this.publishChecked(ref, script, uri);
      // Keep the exact bytes the editor wrote (they decode to `script`), so stat's size matches the document.
      this.remember(ref, connection, rule, false, content.slice());
    } catch (e) {
      if (!(e instanceof NotSavedError)) this.services.log.warn(`Save of ${uri.path} failed: ${e instanceof Error ? e.message : String(e)}`);
      throw toFileSystemError(e);
    }
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }
  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions(vscode.l10n.t('Sync rules cannot be created as files; create a connection instead.'));
  }
  delete(): void {
    throw vscode.FileSystemError.NoPermissions(vscode.l10n.t('Sync rules cannot be deleted; they exist as long as their connection.'));
  }
  rename(): void {
    throw vscode.FileSystemError.NoPermissions(vscode.l10n.t('Sync rules cannot be renamed; rename the connection instead.'));
  }

  // ---- internals ------------------------------------------------------------------------------------------

  private parse(uri: vscode.Uri): SyncRuleRef {
    const ref = parseSyncRuleUri(uri);
    if (!ref) throw vscode.FileSystemError.FileNotFound(vscode.l10n.t('{0} is not a sync rule. Open sync rules with “{1}”.', uri.toString(true), `Exalate: ${vscode.l10n.t('Open Sync Rules…')}`));
    return ref;
  }

  /** Updates the cache; returns true when the version or read-only state changed. */
  private remember(ref: SyncRuleRef, connection: ConnectionInfo, rule: SyncRule, primed: boolean, bytes?: Uint8Array): boolean {
    const key = ruleKey(ref);
    const prev = this.entries.get(key);
    const readonly = isReadonlyMode(connection.mode);
    const changed = !prev || prev.version !== rule.version || prev.readonly !== readonly;
    const updated = Date.parse(rule.updatedAt) || 0;
    const activeVersion = rule.activeVersion ?? (rule.active ? rule.version : (prev?.activeVersion ?? rule.version));
    if (!prev || changed || prev.state !== rule.state || prev.activeVersion !== activeVersion) setImmediate(() => this.statusChanged.fire());
    this.entries.set(key, {
      version: rule.version,
      state: rule.state,
      activeVersion,
      bytes: bytes ?? encoder.encode(rule.script),
      // mtime moves only when the node's copy changed, and always forwards.
      mtime: !prev ? updated : changed ? Math.max(updated, prev.mtime + 1) : prev.mtime,
      ctime: Date.parse(connection.createdAt) || 0,
      readonly,
      connectionName: connection.name,
      primed,
    });
    this.versions.set(`${key}|${rule.version}`, rule);
    return !!prev && changed;
  }

  /** Change events for every open document of this rule (its URI may carry an older connection name). */
  private fireChanged(ref: SyncRuleRef): void {
    const key = ruleKey(ref);
    const uris = vscode.workspace.textDocuments
      .map((d) => d.uri)
      .filter((u) => {
        const r = u.scheme === SYNC_RULES_SCHEME ? parseSyncRuleUri(u) : undefined;
        return r !== undefined && r.version === undefined && ruleKey(r) === key;
      });
    if (uris.length) this.changed.fire(uris.map((uri) => ({ type: vscode.FileChangeType.Changed, uri })));
  }

  private reportGone(ref: SyncRuleRef, e: unknown): void {
    if (isExalateError(e, 'notFound') && e.request && /\/connections\/[^/]+(\/rules\/[^/]+)?$/.test(e.request.path)) {
      this.gone.fire({ nodeUrl: ref.nodeUrl, connectionId: ref.connectionId, connectionName: ref.connectionName });
    }
  }
}

