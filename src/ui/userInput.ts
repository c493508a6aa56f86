// The one seam for asking and telling the user (issue 13): quick picks, input boxes, messages (modal or not), open
// dialogs. Shaped like vscode-azuretools' IAzureUserInput: the same signatures as `vscode.window`, so call sites
// read as usual. `windowUserInput` talks to the real workbench; the integration tests install a scripted
// `TestUserInput` (test/integration/userInput.ts) through the extension's test API, which fails loudly on a prompt
// it did not expect and on answers left over.
import * as vscode from 'vscode';
import { sentence } from '../shared/messages';

export interface IUserInput {
  showQuickPick<T extends vscode.QuickPickItem>(items: readonly T[] | Thenable<readonly T[]>, options: vscode.QuickPickOptions & { canPickMany: true }): Thenable<T[] | undefined>;
  showQuickPick<T extends vscode.QuickPickItem>(items: readonly T[] | Thenable<readonly T[]>, options?: vscode.QuickPickOptions): Thenable<T | undefined>;
  showInputBox(options: vscode.InputBoxOptions): Thenable<string | undefined>;
  showWarningMessage<T extends string>(message: string, options: vscode.MessageOptions, ...items: T[]): Thenable<T | undefined>;
  showWarningMessage<T extends string>(message: string, ...items: T[]): Thenable<T | undefined>;
  showInformationMessage<T extends string>(message: string, options: vscode.MessageOptions, ...items: T[]): Thenable<T | undefined>;
  showInformationMessage<T extends string>(message: string, ...items: T[]): Thenable<T | undefined>;
  showErrorMessage<T extends string>(message: string, options: vscode.MessageOptions, ...items: T[]): Thenable<T | undefined>;
  showErrorMessage<T extends string>(message: string, ...items: T[]): Thenable<T | undefined>;
  showOpenDialog(options: vscode.OpenDialogOptions): Thenable<vscode.Uri[] | undefined>;
}

type MessageFn = <T extends string>(message: string, ...rest: (vscode.MessageOptions | T)[]) => Thenable<T | undefined>;

/** Every message ends the same way (src/shared/messages.ts); the modal detail too. */
function ended<T extends string>(message: string, rest: (vscode.MessageOptions | T)[]): [string, ...(vscode.MessageOptions | T)[]] {
  const [first, ...items] = rest;
  if (first !== undefined && typeof first === 'object') {
    return [sentence(message), { ...first, ...(first.detail ? { detail: sentence(first.detail) } : {}) }, ...items];
  }
  return [sentence(message), ...rest];
}

/** Input-box validation messages end like every other message (synchronous answers stay synchronous). */
function endedValidation(options: vscode.InputBoxOptions): vscode.InputBoxOptions {
  const validate = options.validateInput;
  if (!validate) return options;
  const end = (r: string | vscode.InputBoxValidationMessage | undefined | null) => (typeof r === 'string' ? sentence(r) : r);
  return {
    ...options,
    validateInput: (value) => {
      const r = validate(value);
      return r && typeof (r as Thenable<unknown>).then === 'function'
        ? Promise.resolve(r as Thenable<string | vscode.InputBoxValidationMessage | undefined | null>).then(end)
        : end(r as string | vscode.InputBoxValidationMessage | undefined | null);
    },
  };
}

/** The real workbench. */
export const windowUserInput: IUserInput = {
  showQuickPick: ((items: never, options?: vscode.QuickPickOptions) =>
    vscode.window.showQuickPick(items, { ignoreFocusOut: true, ...options })) as IUserInput['showQuickPick'],
  showInputBox: (options) => vscode.window.showInputBox({ ignoreFocusOut: true, ...options }),
  showWarningMessage: vscode.window.showWarningMessage,
  showInformationMessage: vscode.window.showInformationMessage,
  showErrorMessage: vscode.window.showErrorMessage,
  showOpenDialog: (options) => vscode.window.showOpenDialog(options),
};

/**
 * The user input every capability uses: the window's, or the one a test installed. One instance for the extension,
 * created by the composition root and handed to each capability through `Services`.
 */
export class UserInput implements IUserInput {
  private current: IUserInput = windowUserInput;

  /** Installs a replacement (tests); undefined restores the window's. */
  use(input: IUserInput | undefined): void {
    this.current = input ?? windowUserInput;
  }

  showQuickPick<T extends vscode.QuickPickItem>(items: readonly T[] | Thenable<readonly T[]>, options: vscode.QuickPickOptions & { canPickMany: true }): Thenable<T[] | undefined>;
  showQuickPick<T extends vscode.QuickPickItem>(items: readonly T[] | Thenable<readonly T[]>, options?: vscode.QuickPickOptions): Thenable<T | undefined>;
  showQuickPick<T extends vscode.QuickPickItem>(items: readonly T[] | Thenable<readonly T[]>, options?: vscode.QuickPickOptions): Thenable<T | T[] | undefined> {
    return this.current.showQuickPick(items, options);
  }
  showInputBox(options: vscode.InputBoxOptions): Thenable<string | undefined> {
    return this.current.showInputBox(endedValidation(options));
  }
  showWarningMessage<T extends string>(message: string, ...rest: (vscode.MessageOptions | T)[]): Thenable<T | undefined> {
    return (this.current.showWarningMessage as MessageFn)(...ended(message, rest));
  }
  showInformationMessage<T extends string>(message: string, ...rest: (vscode.MessageOptions | T)[]): Thenable<T | undefined> {
    return (this.current.showInformationMessage as MessageFn)(...ended(message, rest));
  }
  showErrorMessage<T extends string>(message: string, ...rest: (vscode.MessageOptions | T)[]): Thenable<T | undefined> {
    return (this.current.showErrorMessage as MessageFn)(...ended(message, rest));
  }
  showOpenDialog(options: vscode.OpenDialogOptions): Thenable<vscode.Uri[] | undefined> {
    return this.current.showOpenDialog(options);
  }
}
