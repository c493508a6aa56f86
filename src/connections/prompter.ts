// Everything the Connections commands ask the user, behind one small interface over the extension's one user
// input (src/ui/userInput.ts): integration tests script that seam (TestUserInput), the e2e tests click the real
// dialogs.
import * as vscode from 'vscode';
import type { IUserInput } from '../ui/userInput';

export interface Prompter {
  inputBox(options: vscode.InputBoxOptions): Thenable<string | undefined>;
  quickPick<T extends vscode.QuickPickItem>(items: T[], options: vscode.QuickPickOptions): Thenable<T | undefined>;
  /** A modal warning with one action button (plus Cancel); true when the action was chosen. */
  confirm(message: string, detail: string, action: string): Thenable<boolean>;
  /** A non-modal error with optional buttons; resolves with the chosen one. Callers must not await it inline. */
  error(message: string, ...actions: string[]): Thenable<string | undefined>;
  info(message: string, ...actions: string[]): Thenable<string | undefined>;
  /** Runs another capability's command (e.g. the sync-rules editor). */
  executeCommand(command: string, ...args: unknown[]): Thenable<unknown>;
}

/** The Connections questions over the extension's one user input (src/ui/userInput.ts). */
export function windowPrompter(ui: IUserInput): Prompter {
  return {
    inputBox: (options) => ui.showInputBox(options),
    quickPick: (items, options) => ui.showQuickPick(items, options),
    confirm: async (message, detail, action) => (await ui.showWarningMessage(message, { modal: true, detail }, action)) === action,
    error: (message, ...actions) => ui.showErrorMessage(message, ...actions),
    info: (message, ...actions) => ui.showInformationMessage(message, ...actions),
    executeCommand: (command, ...args) => vscode.commands.executeCommand(command, ...args),
  };
}
