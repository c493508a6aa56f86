// The composition root: the only module that wires capabilities together.
// activate() does no network I/O and loads nothing heavy (azure-devops-node-api, webview code): each
// capability imports what it needs when one of its commands first runs.
import * as vscode from 'vscode';

export interface ExalateTestApi {
  readonly extensionMode: vscode.ExtensionMode;
}

export function activate(context: vscode.ExtensionContext): ExalateTestApi | undefined {
  const connections = new ConnectionsTreeProvider();
  context.subscriptions.push(
    vscode.window.createTreeView('exalate.connections', { treeDataProvider: connections, showCollapseAll: true }),
    vscode.commands.registerCommand('exalate.refresh', () => connections.refresh()),
  );
  void vscode.commands.executeCommand('setContext', 'exalate.hasNodes', false);

  if (context.extensionMode === vscode.ExtensionMode.Test) {
    return { extensionMode: context.extensionMode };
  }
  return undefined;
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

class ConnectionsTreeProvider implements vscode.TreeDataProvider<vscode.TreeItem> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  refresh(): void {
    this.changed.fire();
  }
  getTreeItem(element: vscode.TreeItem): vscode.TreeItem {
    return element;
  }
  getChildren(): vscode.TreeItem[] {
    return [];
  }
}
