// Everything the wizard and "Accept Invitation" ask the user outside the webview, behind one small interface.
// The default talks to the real VS Code UI; integration tests (which cannot click input boxes or modal dialogs)
// swap in a scripted one through the test API; the e2e tests click the real UI.
import * as vscode from 'vscode';

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

export const windowPrompter: WizardPrompter = {
  inputBox: (options) => vscode.window.showInputBox({ ignoreFocusOut: true, ...options }),
  quickPick: (items, options) => vscode.window.showQuickPick(items, { ignoreFocusOut: true, ...options }),
  confirm: async (message, detail, action) =>
    (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action,
  error: (message, ...actions) => vscode.window.showErrorMessage(message, ...actions),
  info: (message, ...actions) => vscode.window.showInformationMessage(message, ...actions),
  copy: (text) => vscode.env.clipboard.writeText(text),
};

/** Replaces some of the default prompter's methods (test API). */
export class SwappablePrompter implements WizardPrompter {
  private override: Partial<WizardPrompter> = {};
  set(p: Partial<WizardPrompter> | undefined): void {
    this.override = p ?? {};
  }
  inputBox(o: vscode.InputBoxOptions) {
    return (this.override.inputBox ?? windowPrompter.inputBox)(o);
  }
  quickPick<T extends vscode.QuickPickItem>(items: T[], o: vscode.QuickPickOptions): Thenable<T | undefined> {
    return this.override.quickPick ? this.override.quickPick(items, o) : windowPrompter.quickPick(items, o);
  }
  confirm(m: string, d: string, a: string) {
    return (this.override.confirm ?? windowPrompter.confirm)(m, d, a);
  }
  error(m: string, ...a: string[]) {
    return (this.override.error ?? windowPrompter.error)(m, ...a);
  }
  info(m: string, ...a: string[]) {
    return (this.override.info ?? windowPrompter.info)(m, ...a);
  }
  copy(t: string) {
    return (this.override.copy ?? windowPrompter.copy)(t);
  }
}
