// What the composition root hands to each capability. Capabilities never construct these themselves.
import type * as vscode from 'vscode';
import type { RedactingLogger } from './log';
import type { NodeRegistry } from './nodes/registry';

export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly log: RedactingLogger;
  readonly nodes: NodeRegistry;
}
