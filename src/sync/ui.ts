// Everything the sync commands ask the user, behind one interface. The default talks to the real VS Code UI; the
// integration tests (which cannot type into input boxes or click modal dialogs) replace it through the test API.
import * as vscode from 'vscode';
import { windowUserInput } from '../ui/userInput';

export interface QueryInputOptions {
  title: string;
  prompt: string;
  value: string;
  placeHolder?: string;
  /** Checked while typing (e.g. empty); a message blocks the confirm. */
  validate(value: string): string | undefined;
  /**
   * Runs when the user confirms: resolves with a message to show in the box (the node refused the value; the box
   * stays open with the text as typed) or undefined when the value was stored (the box closes).
   */
  submit(value: string): Promise<string | undefined>;
}

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

export const windowSyncUi: SyncUi = {
  quickPick: (items, options) => vscode.window.showQuickPick(items, { ignoreFocusOut: true, ...options }),
  queryInput: (options) =>
    new Promise<string | undefined>((resolve) => {
      const box = vscode.window.createInputBox();
      box.title = options.title;
      box.prompt = options.prompt;
      box.value = options.value;
      box.placeholder = options.placeHolder;
      box.ignoreFocusOut = true;
      let done = false;
      let subs: vscode.Disposable[] = [];
      const finish = (value: string | undefined) => {
        if (done) return;
        done = true;
        resolve(value);
        for (const s of subs) s.dispose();
        box.dispose();
      };
      subs = [
        box.onDidChangeValue((v) => {
          const problem = options.validate(v);
          box.validationMessage = problem ? { message: problem, severity: vscode.InputBoxValidationSeverity.Error } : undefined;
        }),
        box.onDidAccept(async () => {
          if (box.busy) return;
          const value = box.value;
          const local = options.validate(value);
          if (local) {
            box.validationMessage = { message: local, severity: vscode.InputBoxValidationSeverity.Error };
            return;
          }
          box.busy = true;
          box.enabled = false;
          try {
            const problem = await options.submit(value);
            if (problem === undefined) return finish(value);
            box.validationMessage = { message: problem, severity: vscode.InputBoxValidationSeverity.Error };
          } catch (e) {
            box.validationMessage = { message: e instanceof Error ? e.message : String(e), severity: vscode.InputBoxValidationSeverity.Error };
          } finally {
            if (!done) {
              box.busy = false;
              box.enabled = true;
            }
          }
        }),
        box.onDidHide(() => finish(undefined)),
      ];
      box.show();
    }),
  // Messages go through the extension's one user input (src/ui/userInput.ts), which ends them the same way.
  confirm: async (message, detail, action) => (await windowUserInput.showWarningMessage(message, { modal: true, detail }, action)) === action,
  error: (message, ...actions) => windowUserInput.showErrorMessage(message, ...actions),
  info: (message, ...actions) => windowUserInput.showInformationMessage(message, ...actions),
};
