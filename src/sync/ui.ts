// Everything the sync commands ask the user, formatted for them and asked through the extension's one user input
// (src/ui/userInput.ts), which the integration tests script (TestUserInput).
import type * as vscode from 'vscode';
import type { IUserInput, SubmitInputBoxOptions } from '../ui/userInput';

export type QueryInputOptions = SubmitInputBoxOptions;

export interface SyncUi {
  quickPick<T extends vscode.QuickPickItem>(items: T[], options: vscode.QuickPickOptions): Thenable<T | undefined>;
  /** An input box that stays open until `submit` accepts the value; undefined when the user cancelled. */
  queryInput(options: QueryInputOptions): Thenable<string | undefined>;
  /** A modal warning with one action button (plus Cancel); true when the action was chosen. */
  confirm(message: string, detail: string, action: string): Thenable<boolean>;
  /** Non-modal messages with optional buttons; callers must not await them inline. */
  error(message: string, ...actions: string[]): Thenable<string | undefined>;
  info(message: string, ...actions: string[]): Thenable<string | undefined>;
}

/** The sync commands' questions over the extension's one user input. */
export function syncUi(ui: IUserInput): SyncUi {
  return {
    quickPick: (items, options) => ui.showQuickPick(items, { ...options, canPickMany: false }),
    queryInput: (options) => ui.showSubmitInputBox(options),
    confirm: async (message, detail, action) => (await ui.showWarningMessage(message, { modal: true, detail }, action)) === action,
    error: (message, ...actions) => ui.showErrorMessage(message, ...actions),
    info: (message, ...actions) => ui.showInformationMessage(message, ...actions),
  };
}
