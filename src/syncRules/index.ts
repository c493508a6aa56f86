// Sync rules as editable documents: the `exalate:` file system, and the commands Open Sync Rules, Show Sync Rules
// History, Restore (as a draft), Publish, Export Sync Rules to Workspace and Publish Sync Rules from File; the
// status bar item that says whether the open script is the active version or a draft.
import * as os from 'node:os';
import * as vscode from 'vscode';
import { Commands } from '../shared/commands';
import type { Services } from '../services';
import { SyncRulesFileSystem } from './fileSystem';
import { SyncRuleCommands, type ShownHistoryItem } from './commands';
import { RuleStatusBar } from './status';
import { Messages } from './ui';
import { SYNC_RULES_SCHEME } from './uri';
import { OpenRulesWatcher } from './watcher';

export { SYNC_RULES_SCHEME, parseSyncRuleUri, syncRuleUriComponents, type SyncRuleRef } from './uri';
export { syncRuleUri } from './fileSystem';

/** What the integration tests reach through the extension's test API. */
export interface SyncRulesTestApi {
  readonly fileSystem: SyncRulesFileSystem;
  /** Runs the "is the connection still there / still Basic?" check of open documents now. */
  checkOpenDocuments(): Promise<void>;
  /** What the sync-rule status bar item shows now (draft or active), undefined when hidden. */
  ruleStatusShown(): { text: string; tooltip: string } | undefined;
  /** The items of the last History quick pick (labels, descriptions, button tooltips). */
  lastHistoryItems(): ShownHistoryItem[];
}

/** The author recorded on every version this extension publishes: "VS Code (<OS user>)". */
export function versionAuthor(): string {
  let user = '';
  try {
    user = os.userInfo().username;
  } catch {
    // no user name (some containers): "VS Code" alone still says where the version came from
  }
  const clean = user.replace(/[^\x20-\x7e]/g, '').trim().slice(0, 60);
  return clean ? `VS Code (${clean})` : 'VS Code';
}

export function registerSyncRules(services: Services): SyncRulesTestApi {
  const messages = new Messages(services.log, services.ui);
  const fileSystem = new SyncRulesFileSystem(services, versionAuthor());
  const watcher = new OpenRulesWatcher(fileSystem, services, messages);
  const commands = new SyncRuleCommands(services, fileSystem, messages);
  const statusBar = new RuleStatusBar(fileSystem);
  services.context.subscriptions.push(
    fileSystem,
    statusBar,
    watcher,
    vscode.workspace.registerFileSystemProvider(SYNC_RULES_SCHEME, fileSystem, { isCaseSensitive: true }),
    vscode.commands.registerCommand(Commands.openSyncRules, (args?: unknown) => commands.open(args)),
    vscode.commands.registerCommand(Commands.showSyncRulesHistory, (args?: unknown) => commands.history(args)),
    vscode.commands.registerCommand(Commands.restoreSyncRules, (args?: unknown) => commands.restore(args)),
    vscode.commands.registerCommand(Commands.exportSyncRules, (args?: unknown) => commands.export(args)),
    vscode.commands.registerCommand(Commands.publishSyncRulesFromFile, (args?: unknown) => commands.publishFromFile(args)),
    vscode.commands.registerCommand(Commands.saveSyncRules, () => commands.save()),
    vscode.commands.registerCommand(Commands.publishSyncRules, (args?: unknown) => commands.publish(args)),
  );
  return {
    fileSystem,
    checkOpenDocuments: () => watcher.check(),
    ruleStatusShown: () => statusBar.shown(),
    lastHistoryItems: () => commands.lastHistoryItems,
  };
}
