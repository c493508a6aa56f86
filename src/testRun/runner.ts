// Test Run (dist/testRun.js, required by ./index.ts on the first run): picks work items, runs the editor's current
// script with the Test Run runtime (src/groovy/runtime) and shows the result: outgoing → the replica of each work item
// as a read-only JSON document; incoming → a diff editor "work item now ↔ after the script". A script error becomes
// a diagnostic at its line and a message with "Open at line". Nothing is written anywhere.
import { Commands } from '../shared/commands';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { loadAdo } from '../ado/load';
import type { WorkItemSummary } from '../ado/workItems';
import { EntityJson } from '../cli/run';
import type { ExalateClient } from '../exalate/client';
import { prettyPrint } from '../groovy/interpreter/json';
import { entityData, normalizeEntity, runIncoming, runOutgoing, type LogEntry, type RuntimeContext, type UserInfo } from '../groovy/runtime';
import { toJson } from '../groovy/interpreter/json';
import type { ScriptErrorInfo } from '../groovy/interpreter/evaluator';
import { directionFromFileName } from '../groovy/services/direction';
import type { Connection, RuleDirection, SyncedItem } from '../shared/api';
import { METADATA_FILE, parseExportMetadata } from '../syncRules/layout';
import { displaySegment, parseSyncRuleUri, SYNC_RULES_SCHEME, syncRuleUriComponents } from '../syncRules/uri';
import { TEST_RUN_SCHEME, type TestRunHost } from './index';

type Json = Record<string, unknown>;

/** The script being run: where it is and which connection it belongs to. */
interface ScriptTarget {
  doc: vscode.TextDocument;
  nodeUrl: string;
  connectionId: string;
  direction: RuleDirection;
}

interface AdoAccess {
  orgUrl: string;
  pat: string;
  project: string;
}

/**
 * Where the replica comes from: a JSON file, the partner node's outgoing script on one of its work items, or the last
 * replica our node received for one of the partner's work items (`GET …/synced/{remoteId}/replica`).
 */
type ReplicaSource = { kind: 'file'; uri: string } | { kind: 'partner'; nodeUrl: string; workItemId: number } | { kind: 'received'; remoteId: string };

/** The partner's work item a replica stands for, and its twin here (null: none, so the run is a first sync). */
interface TwinTarget {
  remoteId: string;
  twinId: number | null;
}

/** What the last run of a script chose, so that Test Run Again (and the pickers) keep it. */
type LastChoice = { direction: 'outgoing'; ids: number[] } | { direction: 'incoming'; source: ReplicaSource; targetId: number | null };

/** What a run produced (returned by the command, for tests and other callers). */
export type TestRunResult =
  | { kind: 'outgoing'; replicas: Array<{ workItemId: number; uri: string }> }
  | { kind: 'incoming'; before: string; after: string; targetId: number | null; firstSync: boolean }
  | { kind: 'error'; message: string; line: number; column: number; uri: string }
  | { kind: 'cancelled' };

const OPEN_AT_LINE = 'Open at line';
const RUN_AGAIN = 'Run Again';

class Cancelled extends Error {}

/** A problem the user can act on (no node, no PAT, unreadable file): shown as an error message. */
class Problem extends Error {}

export class TestRunner implements vscode.Disposable {
  readonly outputLines: string[] = [];
  private readonly channel = vscode.window.createOutputChannel('Exalate Test Run');
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('exalate-testrun');
  private readonly last = new Map<string, LastChoice>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly host: TestRunHost) {
    this.subscriptions.push(
      this.channel,
      this.diagnostics,
      vscode.workspace.onDidCloseTextDocument((d) => this.diagnostics.delete(d.uri)),
    );
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }

  private out(line: string): void {
    this.channel.appendLine(line);
    this.outputLines.push(line);
    if (this.outputLines.length > 500) this.outputLines.shift();
  }

  private get ui() {
    return this.host.ui();
  }

  /** `exalate.testRun` (again = false) and `exalate.testRunAgain` (again = true, reuses the last choices). */
  async run(arg: unknown, again: boolean): Promise<TestRunResult> {
    try {
      const target = await this.scriptTarget(arg);
      this.diagnostics.delete(target.doc.uri);
      const client = await this.clientOf(target.nodeUrl);
      const connection = await client.getConnection(target.connectionId);
      const ado = await this.adoOf(target.nodeUrl, client, connection.project);
      const key = target.doc.uri.toString();
      const last = this.last.get(key);
      this.out(`── ${new Date().toISOString()} Test Run of the ${target.direction} script of “${connection.name}” (${target.doc.isDirty ? 'unsaved editor text' : 'editor text'})`);
      return target.direction === 'outgoing'
        ? await this.runOutgoingScript(target, connection, ado, again && last?.direction === 'outgoing' ? last : undefined, last)
        : await this.runIncomingScript(target, connection, ado, again && last?.direction === 'incoming' ? last : undefined, last, client);
    } catch (e) {
      if (e instanceof Cancelled) return { kind: 'cancelled' };
      const reason = e instanceof Error ? e.message : String(e);
      this.out(`Test Run stopped: ${reason}`);
      void this.ui.error(`Exalate Test Run: ${reason}`);
      return { kind: 'cancelled' };
    }
  }

  // ---- what is run, where ---------------------------------------------------------------------------------------

  private async scriptTarget(arg: unknown): Promise<ScriptTarget> {
    let doc: vscode.TextDocument | undefined;
    if (arg instanceof vscode.Uri) {
      doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === arg.toString()) ?? (await vscode.workspace.openTextDocument(arg));
    } else {
      doc = vscode.window.activeTextEditor?.document;
    }
    if (!doc) throw new Problem('open a sync script (outgoing or incoming rules) in the editor first.');
    if (doc.uri.scheme === SYNC_RULES_SCHEME) {
      const ref = parseSyncRuleUri(doc.uri);
      if (!ref) throw new Problem(`${doc.uri.toString(true)} is not a sync script of a connection.`);
      return { doc, nodeUrl: ref.nodeUrl, connectionId: ref.connectionId, direction: ref.direction };
    }
    if (doc.uri.scheme === 'file' && doc.uri.path.toLowerCase().endsWith('.groovy')) {
      const direction = directionFromFileName(path.posix.basename(doc.uri.path));
      if (!direction) throw new Problem(`cannot tell from the name ${path.posix.basename(doc.uri.path)} whether it is an outgoing or an incoming script.`);
      const meta = vscode.Uri.joinPath(doc.uri, '..', METADATA_FILE);
      let text: string;
      try {
        text = new TextDecoder().decode(await vscode.workspace.fs.readFile(meta));
      } catch {
        throw new Problem(`${path.posix.basename(doc.uri.path)} has no ${METADATA_FILE} next to it, so its connection is unknown (export the rules with Exalate: Export Sync Rules to Workspace).`);
      }
      const parsed = parseExportMetadata(text);
      if (!parsed.ok) throw new Problem(`${meta.fsPath}: ${parsed.error}`);
      return { doc, nodeUrl: parsed.value.nodeUrl, connectionId: parsed.value.connectionId, direction };
    }
    throw new Problem('the active editor is not a sync script (an Exalate outgoing or incoming rules document or an exported .groovy file).');
  }

  private async clientOf(nodeUrl: string): Promise<ExalateClient> {
    const client = await this.host.services.nodes.client(nodeUrl);
    if (!client) throw new Problem(`the node ${nodeUrl} is not configured or has no token: sign in to it in the Exalate view.`);
    return client;
  }

  private async adoOf(nodeUrl: string, client: ExalateClient, project: string): Promise<AdoAccess> {
    const nodes = this.host.services.nodes;
    const orgUrl = nodes.get(nodeUrl)?.adoOrgUrl ?? (await client.getNodeInfo()).adoUrl ?? undefined;
    const pat = await nodes.getAdoPat(nodeUrl);
    if (!orgUrl || !pat) {
      throw new Problem(`Test Run reads work items from Azure DevOps: set the organization and a PAT for ${nodes.get(nodeUrl)?.label ?? nodeUrl} (Exalate: Set Azure DevOps Organization…).`);
    }
    return { orgUrl, pat, project };
  }

  private ado() {
    return loadAdo(this.host.services.context.extensionPath);
  }

  // ---- pickers --------------------------------------------------------------------------------------------------

  private async workItemPicks(ado: AdoAccess): Promise<Array<vscode.QuickPickItem & { id: number }>> {
    const items: WorkItemSummary[] = await this.ado().listWorkItems(ado.orgUrl, ado.pat, ado.project);
    if (items.length === 0) throw new Problem(`the Azure DevOps project "${ado.project}" has no work items to run the script on.`);
    return items.map((w) => ({ id: w.id, label: `#${w.id} ${w.title}`, description: [w.type, w.state].filter(Boolean).join(' · ') }));
  }

  // ---- outgoing -------------------------------------------------------------------------------------------------

  private async runOutgoingScript(target: ScriptTarget, connection: Connection, ado: AdoAccess, again: LastChoice | undefined, last: LastChoice | undefined): Promise<TestRunResult> {
    let ids: number[];
    if (again?.direction === 'outgoing') ids = again.ids;
    else {
      const previous = new Set(last?.direction === 'outgoing' ? last.ids : []);
      const picks = (await this.workItemPicks(ado)).map((p) => ({ ...p, picked: previous.has(p.id) }));
      const chosen = await this.ui.pickMany(picks, {
        title: `Test Run: the outgoing script of “${connection.name}”`,
        placeHolder: `Work items of ${ado.project} to run the script on (type an id or words of the title)`,
        matchOnDescription: true,
      });
      if (!chosen || chosen.length === 0) throw new Cancelled();
      ids = chosen.map((c) => c.id);
    }
    this.last.set(target.doc.uri.toString(), { direction: 'outgoing', ids });
    const { workItems, issueTypes } = await this.ado().getWorkItemsForScript(ado.orgUrl, ado.pat, ado.project, ids);
    const context: RuntimeContext = { issueTypes, connectionName: connection.name, users: usersOf(workItems) };
    const text = target.doc.getText();
    const replicas: Array<{ workItemId: number; uri: string }> = [];
    for (const wi of workItems) {
      const id = Number(wi.id);
      const started = Date.now();
      const r = runOutgoing(text, JSON.stringify(wi), { context });
      this.logRun(`outgoing on #${id}`, r.output, r.logs, r.error, Date.now() - started);
      if (r.error) return this.scriptError(target, r.error, `the outgoing script failed on work item #${id}`);
      const uri = resultUri(connection, target.connectionId, `outgoing replica of #${id}.json`);
      this.host.documents.set(uri, prettyPrint(r.json!) + '\n');
      replicas.push({ workItemId: id, uri: uri.toString() });
    }
    for (const [i, r] of replicas.entries()) {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(r.uri));
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false, preserveFocus: i < replicas.length - 1 });
    }
    return { kind: 'outgoing', replicas };
  }

  // ---- incoming -------------------------------------------------------------------------------------------------

  private async runIncomingScript(target: ScriptTarget, connection: Connection, ado: AdoAccess, again: LastChoice | undefined, last: LastChoice | undefined, client: ExalateClient): Promise<TestRunResult> {
    const previous = last?.direction === 'incoming' ? last : undefined;
    const source = again?.direction === 'incoming' ? again.source : await this.pickReplicaSource(target, previous?.source, client);
    const replica = await this.replicaFrom(source, target, client);
    if (replica.error) return replica.error;

    let targetId: number | null;
    // A replica of the partner's work item X goes to X's twin here, or to a new work item when X has none.
    const twin = replica.twin;
    if (twin) {
      targetId = twin.twinId;
      this.out(
        twin.twinId === null
          ? vscode.l10n.t('target: a new work item (firstSync): the partner\'s #{0} has no twin here', twin.remoteId)
          : vscode.l10n.t('target: #{0}, the twin of the partner\'s #{1} (firstSync false)', twin.twinId, twin.remoteId),
      );
    } else if (again?.direction === 'incoming') targetId = again.targetId;
    else {
      const NEW = { id: 0, label: '$(add) A new work item', description: 'first sync: firstSync is true' };
      const picks = [NEW, ...(await this.workItemPicks(ado))].map((p) => ({ ...p, ...(previous && (previous.targetId ?? 0) === p.id ? { description: `${p.description ?? ''} (last used)`.trim() } : {}) }));
      const chosen = await this.ui.pickOne(picks, {
        title: `Test Run: the incoming script of “${connection.name}”`,
        placeHolder: `Apply the replica to a new work item or to one of ${ado.project} (nothing is written)`,
        matchOnDescription: true,
      });
      if (!chosen) throw new Cancelled();
      targetId = chosen.id === 0 ? null : chosen.id;
    }
    this.last.set(target.doc.uri.toString(), { direction: 'incoming', source, targetId });

    let current: Json | null = null;
    let issueTypes: string[] | undefined;
    if (targetId !== null) {
      const got = await this.ado().getWorkItemsForScript(ado.orgUrl, ado.pat, ado.project, [targetId]);
      current = got.workItems[0];
      issueTypes = got.issueTypes;
    }
    const context: RuntimeContext = { connectionName: connection.name, ...(issueTypes ? { issueTypes } : {}), users: usersOf(current ? [current] : []) };
    const what = targetId === null ? 'a new work item' : `#${targetId}`;
    const started = Date.now();
    const r = runIncoming(target.doc.getText(), replica.json, current === null ? null : JSON.stringify(current), targetId === null, { context });
    this.logRun(`incoming into ${what}`, r.output, r.logs, r.error, Date.now() - started);
    if (r.error) return this.scriptError(target, r.error, `the incoming script failed on ${what}`);
    for (const c of r.changes) this.out(`  ${c.field}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`);
    const name = twin
      ? twin.twinId === null
        ? vscode.l10n.t('new work item (firstSync, no twin of the partner\'s #{0})', twin.remoteId)
        : vscode.l10n.t('#{0} (twin of the partner\'s #{1})', twin.twinId, twin.remoteId)
      : targetId === null
        ? 'new work item'
        : `#${targetId}`;
    const before = resultUri(connection, target.connectionId, `${name} now.json`);
    const after = resultUri(connection, target.connectionId, `${name} after the incoming script.json`);
    this.host.documents.set(before, prettyPrint(toJson(normalizeEntity(entityData(current === null ? null : JSON.stringify(current))))) + '\n');
    this.host.documents.set(after, prettyPrint(toJson(r.workItem!)) + '\n');
    await vscode.commands.executeCommand('vscode.diff', before, after, `Test Run: ${name} now ↔ after the incoming script (${r.changes.length} change${r.changes.length === 1 ? '' : 's'})`, {
      preview: false,
    });
    return { kind: 'incoming', before: before.toString(), after: after.toString(), targetId, firstSync: targetId === null };
  }

  private async pickReplicaSource(target: ScriptTarget, previous: ReplicaSource | undefined, client: ExalateClient): Promise<ReplicaSource> {
    const [partner, received] = await Promise.all([this.findPartner(target), this.receivedPairs(client, target.connectionId)]);
    type Pick = vscode.QuickPickItem & { source?: ReplicaSource; file?: true };
    const picks: Pick[] = [];
    if (received.length) {
      const lastRemote = previous?.kind === 'received' ? previous.remoteId : undefined;
      picks.push({ label: vscode.l10n.t('Last replica received'), kind: vscode.QuickPickItemKind.Separator });
      for (const p of received) {
        picks.push({
          label: `$(history) #${p.remoteId}${p.remoteTitle ? ` ${p.remoteTitle}` : ''}`,
          description:
            vscode.l10n.t('the partner\'s work item, received {0}; its twin here: #{1}{2}', p.lastReplicaAt ?? '', p.localId, p.localTitle ? ` ${p.localTitle}` : '') +
            (p.remoteId === lastRemote ? ` ${vscode.l10n.t('(last used)')}` : ''),
          source: { kind: 'received', remoteId: p.remoteId },
        });
      }
    }
    if (partner) {
      const items = await this.workItemPicks(partner.ado);
      const lastId = previous?.kind === 'partner' ? previous.workItemId : undefined;
      picks.push({ label: `From ${partner.label}`, kind: vscode.QuickPickItemKind.Separator });
      for (const w of items) {
        picks.push({
          label: w.label,
          description: `${w.description ?? ''} — its outgoing script builds the replica${w.id === lastId ? ' (last used)' : ''}`,
          source: { kind: 'partner', nodeUrl: partner.nodeUrl, workItemId: w.id },
        });
      }
      picks.push({ label: 'Or', kind: vscode.QuickPickItemKind.Separator });
    } else if (received.length) picks.push({ label: vscode.l10n.t('Or'), kind: vscode.QuickPickItemKind.Separator });
    if (previous?.kind === 'file') picks.push({ label: `$(json) ${path.basename(vscode.Uri.parse(previous.uri).fsPath)}`, description: 'the replica file used last time', source: previous });
    picks.push({ label: '$(folder-opened) A replica JSON file…', description: 'in the script model\'s shape (docs/test-run.md)', file: true });
    const chosen = await this.ui.pickOne(picks, {
      title: 'Test Run: which replica arrives?',
      placeHolder: partner ? `A work item of the partner (${partner.label}) or a replica JSON file` : 'A replica JSON file (configure the partner node in VS Code to use its work items)',
      matchOnDescription: true,
      ...(received.length ? { placeHolder: vscode.l10n.t('A replica received before, a work item of the partner, or a replica JSON file (type an id or words of the title)') } : {}),
    });
    if (!chosen) throw new Cancelled();
    if (chosen.source) return chosen.source;
    const files = await this.ui.openFile({ canSelectMany: false, openLabel: 'Use as replica', filters: { 'Replica JSON': ['json'] }, title: 'Test Run: the replica that arrives' });
    if (!files || files.length === 0) throw new Cancelled();
    return { kind: 'file', uri: files[0].toString() };
  }

  /** A configured node (other than ours) that has the same connection (both ends share its id). */
  private async findPartner(target: ScriptTarget): Promise<{ nodeUrl: string; label: string; client: ExalateClient; connection: Connection; ado: AdoAccess } | undefined> {
    for (const node of this.host.services.nodes.list()) {
      if (node.url === target.nodeUrl) continue;
      try {
        const client = await this.host.services.nodes.client(node.url);
        if (!client) continue;
        const connection = await client.getConnection(target.connectionId, { timeoutMs: 5000 });
        const ado = await this.adoOf(node.url, client, connection.project);
        return { nodeUrl: node.url, label: node.label ?? node.url, client, connection, ado };
      } catch {
        // not this node's connection, or the node is down or has no Azure DevOps: not a usable partner
      }
    }
    return undefined;
  }

  /** The synced pairs of the connection whose partner work item has a replica received here (all pages). */
  private async receivedPairs(client: ExalateClient, connectionId: string): Promise<SyncedItem[]> {
    const out: SyncedItem[] = [];
    let cursor: string | undefined;
    try {
      for (let page = 0; page < 50; page++) {
        const res = await client.listSynced(connectionId, { limit: 200, ...(cursor ? { cursor } : {}) });
        out.push(...res.items.filter((p) => typeof p.lastReplicaAt === 'string'));
        if (!res.nextCursor) break;
        cursor = res.nextCursor;
      }
    } catch (e) {
      // A node without work item sync, or one that is down: no received replicas to offer (the other sources stay).
      this.out(vscode.l10n.t('no received replicas listed: {0}', e instanceof Error ? e.message : String(e)));
    }
    return out;
  }

  /** The twin here of the partner's work item `remoteId` (from the synced pairs), or null when it has none. */
  private async twinOf(client: ExalateClient, connectionId: string, remoteId: string): Promise<number | null> {
    let cursor: string | undefined;
    for (let page = 0; page < 50; page++) {
      const res = await client.listSynced(connectionId, { limit: 200, ...(cursor ? { cursor } : {}) });
      const pair = res.items.find((p) => p.remoteId === remoteId);
      if (pair) return pair.localId;
      if (!res.nextCursor) break;
      cursor = res.nextCursor;
    }
    return null;
  }

  private async replicaFrom(
    source: ReplicaSource,
    target: ScriptTarget,
    ourClient: ExalateClient,
  ): Promise<{ json: string; twin?: TwinTarget; error?: undefined } | { json?: undefined; error: TestRunResult }> {
    if (source.kind === 'received') {
      const got = await ourClient.getLastReplica(target.connectionId, source.remoteId);
      this.out(vscode.l10n.t('replica: the last one received for the partner\'s #{0} ({1})', got.remoteId, got.receivedAt));
      return { json: JSON.stringify(got.replica), twin: { remoteId: got.remoteId, twinId: got.localId } };
    }
    if (source.kind === 'file') {
      const uri = vscode.Uri.parse(source.uri);
      let text: string;
      try {
        text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      } catch (e) {
        throw new Problem(`cannot read the replica file ${uri.fsPath}: ${e instanceof Error ? e.message : String(e)}`);
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        throw new Problem(`the replica file ${uri.fsPath} is not valid JSON: ${(e as Error).message}`);
      }
      const ok = EntityJson.safeParse(json);
      if (!ok.success) {
        const issue = ok.error.issues[0];
        throw new Problem(`the replica file ${uri.fsPath} does not have the replica's shape: ${issue.path.length ? issue.path.join('.') + ': ' : ''}${issue.message} (see docs/test-run.md)`);
      }
      this.out(`replica from ${uri.fsPath}`);
      return { json: text };
    }
    const node = this.host.services.nodes.get(source.nodeUrl);
    const client = await this.clientOf(source.nodeUrl);
    const connection = await client.getConnection(target.connectionId);
    const ado = await this.adoOf(source.nodeUrl, client, connection.project);
    // The partner's outgoing script: its editor text when it is open here (saved or not), else the node's.
    const partnerUri = vscode.Uri.from(syncRuleUriComponents({ nodeUrl: source.nodeUrl, connectionId: target.connectionId, direction: 'outgoing', connectionName: connection.name }));
    const open = vscode.workspace.textDocuments.find((d) => {
      const ref = d.uri.scheme === SYNC_RULES_SCHEME ? parseSyncRuleUri(d.uri) : undefined;
      return ref && !ref.version && ref.nodeUrl === source.nodeUrl && ref.connectionId === target.connectionId && ref.direction === 'outgoing';
    });
    const script = open ? open.getText() : (await client.getSyncRule(target.connectionId, 'outgoing')).script;
    const { workItems, issueTypes } = await this.ado().getWorkItemsForScript(ado.orgUrl, ado.pat, ado.project, [source.workItemId]);
    const started = Date.now();
    const r = runOutgoing(script, JSON.stringify(workItems[0]), { context: { issueTypes, connectionName: connection.name, users: usersOf(workItems) } });
    this.logRun(`${node?.label ?? source.nodeUrl}'s outgoing script on its #${source.workItemId}`, r.output, r.logs, r.error, Date.now() - started);
    if (r.error) {
      const partnerTarget: ScriptTarget = { doc: open ?? (await vscode.workspace.openTextDocument(partnerUri)), nodeUrl: source.nodeUrl, connectionId: target.connectionId, direction: 'outgoing' };
      return { error: await this.scriptError(partnerTarget, r.error, `the partner's outgoing script failed on its work item #${source.workItemId}`) };
    }
    let twinId: number | null;
    try {
      twinId = await this.twinOf(ourClient, target.connectionId, String(source.workItemId));
    } catch (e) {
      throw new Problem(vscode.l10n.t('cannot tell whether the partner\'s #{0} has a twin here: {1}', source.workItemId, e instanceof Error ? e.message : String(e)));
    }
    return { json: r.json!, twin: { remoteId: String(source.workItemId), twinId } };
  }

  // ---- reporting ------------------------------------------------------------------------------------------------

  private logRun(what: string, output: string, logs: LogEntry[], error: ScriptErrorInfo | undefined, ms: number): void {
    for (const l of output.replace(/\n$/, '').split('\n')) if (l) this.out(`  ${l}`);
    for (const l of logs) this.out(`  [${l.level}] ${l.message}`);
    this.out(error ? `${what}: error at line ${error.line}: ${error.message}` : `${what}: ok (${ms} ms)`);
  }

  private scriptError(target: ScriptTarget, error: ScriptErrorInfo, what: string): TestRunResult {
    const doc = target.doc;
    const line = Math.min(Math.max(error.line - 1, 0), Math.max(doc.lineCount - 1, 0));
    const text = doc.lineAt(line).text;
    const start = Math.min(Math.max(error.column - 1, 0), text.length);
    const firstNonBlank = doc.lineAt(line).firstNonWhitespaceCharacterIndex;
    const range = new vscode.Range(line, start >= text.length ? firstNonBlank : start, line, text.length);
    const d = new vscode.Diagnostic(range, `Test Run: ${error.message}`, vscode.DiagnosticSeverity.Error);
    d.source = 'Exalate Test Run';
    if (error.exception) d.code = error.exception;
    this.diagnostics.set(doc.uri, [d]);
    const message = `Exalate Test Run: ${what} at line ${error.line}: ${error.message}`;
    void Promise.resolve(this.ui.error(message, OPEN_AT_LINE, RUN_AGAIN)).then(async (choice) => {
      if (choice === OPEN_AT_LINE) await vscode.window.showTextDocument(doc, { selection: range, preview: false });
      else if (choice === RUN_AGAIN) await vscode.commands.executeCommand(Commands.testRunAgain, doc.uri);
    });
    return { kind: 'error', message: error.message, line: error.line, column: error.column, uri: doc.uri.toString() };
  }
}

/** A result document's URI: one per connection and name, so running again updates the open tab. */
function resultUri(connection: Connection, connectionId: string, name: string): vscode.Uri {
  const folder = displaySegment(connection.name, connectionId);
  return vscode.Uri.from({ scheme: TEST_RUN_SCHEME, path: `/${folder}/${name}`, query: new URLSearchParams({ id: connectionId }).toString() });
}

/** The people on the work items of the run (assignee, reporter, comment authors), for nodeHelper.getUserByEmail. */
function usersOf(items: Json[]): UserInfo[] {
  const byEmail = new Map<string, UserInfo>();
  const add = (u: unknown) => {
    const user = u as { displayName?: string | null; email?: string | null } | null;
    if (!user?.email || byEmail.has(user.email.toLowerCase())) return;
    byEmail.set(user.email.toLowerCase(), { displayName: user.displayName ?? undefined, email: user.email, key: user.email, username: user.email, active: true });
  };
  for (const w of items) {
    add(w.assignee);
    add(w.reporter);
    for (const c of (w.comments as Array<{ author?: unknown }> | undefined) ?? []) add(c.author);
  }
  return [...byEmail.values()];
}
