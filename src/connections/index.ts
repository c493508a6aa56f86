// The Connections view: nodes, connections and their operations.
import * as vscode from 'vscode';
import { Commands } from '../shared/commands';
import type { Services } from '../services';

export function registerConnections(services: Services): void {
  const tree = new ConnectionsTreeProvider();
  services.context.subscriptions.push(
    vscode.window.createTreeView('exalate.connections', { treeDataProvider: tree, showCollapseAll: true }),
    vscode.commands.registerCommand(Commands.refresh, () => tree.refresh()),
    services.nodes.onDidChange(() => tree.refresh()),
  );
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
