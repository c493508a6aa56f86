// What the composition root hands to each capability. Capabilities never construct these themselves.
import type * as vscode from 'vscode';
import type { RedactingLogger } from './log';
import type { NodeRegistry } from './nodes/registry';
import type { UserInput } from './ui/userInput';

export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly log: RedactingLogger;
  readonly nodes: NodeRegistry;
  /** Every question and message to the user (the one seam the integration tests script). */
  readonly ui: UserInput;
}
