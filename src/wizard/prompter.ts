// Everything the wizard and "Accept Invitation" ask the user outside the webview, behind one small interface over
// the extension's one user input (src/ui/userInput.ts): integration tests script that seam (TestUserInput), the e2e
// tests click the real UI.
import * as vscode from 'vscode';
import type { IUserInput } from '../ui/userInput';

export interface WizardPrompter {
  inputBox(options: vscode.InputBoxOptions): Thenable<string | undefined>;
  quickPick<T extends vscode.QuickPickItem>(items: T[], options: vscode.QuickPickOptions): Thenable<T | undefined>;
  /** A modal question with one action button (plus Cancel); true when the action was chosen. */
  confirm(message: string, detail: string, action: string): Thenable<boolean>;
  /** A non-modal error with optional buttons; resolves with the chosen one. */
  error(message: string, ...actions: string[]): Thenable<string | undefined>;
  info(message: string, ...actions: string[]): Thenable<string | undefined>;
  /** Writes the clipboard (the webview cannot). */
  copy(text: string): Thenable<void>;
}

/** The wizard's questions over the extension's one user input (src/ui/userInput.ts). */
export function windowPrompter(ui: IUserInput): WizardPrompter {
  return {
    inputBox: (options) => ui.showInputBox(options),
    quickPick: (items, options) => ui.showQuickPick(items, options),
    confirm: async (message, detail, action) => (await ui.showWarningMessage(message, { modal: true, detail }, action)) === action,
    error: (message, ...actions) => ui.showErrorMessage(message, ...actions),
    info: (message, ...actions) => ui.showInformationMessage(message, ...actions),
    copy: (text) => vscode.env.clipboard.writeText(text),
  };
}
