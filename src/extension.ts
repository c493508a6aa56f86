// The composition root: the only module that wires capabilities together.
// activate() does no network I/O and loads nothing heavy (azure-devops-node-api, webview code): each
// capability imports what it needs when one of its commands first runs.
import * as vscode from 'vscode';
import { registerConnections, type ConnectionsTestApi } from './connections';
import { WALKTHROUGH_PROGRESS_KEYS, contextKeyValues, setContextKey, type ContextKey } from './contextKeys';
import { registerLanguage, type LanguageTestApi } from './language';
import { RedactingLogger } from './log';
import { importBootstrapFile } from './nodes/bootstrap';
import { NodeRegistry } from './nodes/registry';
import { setDisplayLocale } from './shared/format';
import type { Services } from './services';
import { registerSync, type SyncTestApi } from './sync';
import { UserInput } from './ui/userInput';
import { registerSyncRules, type SyncRulesTestApi } from './syncRules';
import { registerTestRun, type TestRunTestApi } from './testRun';
import { registerWizard, type WizardTestApi } from './wizard';

/** Returned from activate() only in ExtensionMode.Test, for the integration tests. */
export interface ExalateTestApi {
  readonly services: Services;
  readonly connections: ConnectionsTestApi;
  readonly wizard: WizardTestApi;
  readonly syncRules: SyncRulesTestApi;
  readonly language: LanguageTestApi;
  readonly testRun: TestRunTestApi;
  /** The last value this extension set for each of its context keys (menus and the walkthrough read them). */
  contextKeys(): ReadonlyMap<ContextKey, boolean>;
  /** Sets the walkthrough's progress keys back to false, so a test sees one of them become true. */
  forgetWalkthroughProgress(): void;
  readonly sync: SyncTestApi;
}

/** The local sandbox of this window, for deactivate() to wait on (set by activate(), the composition root). */
let localSandbox: { disposeAndWait(): Promise<void> } | undefined;

export function activate(context: vscode.ExtensionContext): ExalateTestApi | undefined {
  setDisplayLocale(vscode.env.language); // one date format everywhere (src/shared/format.ts)
  const log = RedactingLogger.create();
  const nodes = new NodeRegistry(context.secrets, log);
  context.subscriptions.push(log, nodes);
  const services: Services = { context, log, nodes, ui: new UserInput() };

  const connections = registerConnections(services);
  localSandbox = connections.sandbox;
  const wizard = registerWizard(services);
  const syncRules = registerSyncRules(services);
  const language = registerLanguage(services);
  const testRun = registerTestRun(services);
  // Work item sync shows its items under the connections of the Connections view.
  const sync = registerSync(services, {
    connections: async (nodeUrl) => {
      const m = connections.tree.model(nodeUrl);
      await m.ensureLoaded();
      if (m.state.kind === 'error') throw m.state.error;
      return m.connections;
    },
    refreshNode: (nodeUrl) => connections.tree.model(nodeUrl).refresh(),
    addConnectionChildren: (children) => connections.tree.addConnectionChildren(children),
  });
  const mode =
    context.extensionMode === vscode.ExtensionMode.Test ? 'test' : context.extensionMode === vscode.ExtensionMode.Development ? 'development' : 'production';
  void importBootstrapFile(nodes, log, { mode, extensionPath: context.extensionPath });

  if (context.extensionMode === vscode.ExtensionMode.Test) {
    const forgetWalkthroughProgress = () => {
      for (const key of WALKTHROUGH_PROGRESS_KEYS) setContextKey(key, false);
    };
    return { services, connections, wizard, syncRules, language, testRun, sync, contextKeys: contextKeyValues, forgetWalkthroughProgress };
  }
  return undefined;
}

/** VS Code awaits this before disposing context.subscriptions: the in-process sandbox closes its server and data. */
export function deactivate(): Promise<void> | undefined {
  const sandbox = localSandbox;
  localSandbox = undefined;
  return sandbox?.disposeAndWait();
}
