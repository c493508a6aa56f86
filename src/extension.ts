// The composition root: the only module that wires capabilities together.
// activate() does no network I/O and loads nothing heavy (azure-devops-node-api, webview code): each
// capability imports what it needs when one of its commands first runs.
import * as vscode from 'vscode';
import { registerConnections, type ConnectionsTestApi } from './connections';
import { RedactingLogger } from './log';
import { importBootstrapFile } from './nodes/bootstrap';
import { NodeRegistry } from './nodes/registry';
import type { Services } from './services';
import { registerSyncRules, type SyncRulesTestApi } from './syncRules';
import { registerWizard, type WizardTestApi } from './wizard';

/** Returned from activate() only in ExtensionMode.Test, for the integration tests. */
export interface ExalateTestApi {
  readonly services: Services;
  readonly connections: ConnectionsTestApi;
  readonly wizard: WizardTestApi;
  readonly syncRules: SyncRulesTestApi;
}

export function activate(context: vscode.ExtensionContext): ExalateTestApi | undefined {
  const log = RedactingLogger.create();
  const nodes = new NodeRegistry(context.secrets, log);
  context.subscriptions.push(log, nodes);
  const services: Services = { context, log, nodes };

  const connections = registerConnections(services);
  const wizard = registerWizard(services);
  const syncRules = registerSyncRules(services);
  void importBootstrapFile(nodes, log);

  if (context.extensionMode === vscode.ExtensionMode.Test) return { services, connections, wizard, syncRules };
  return undefined;
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
