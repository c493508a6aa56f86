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
function shown(fn: MessageFn): MessageFn {
  return (message, ...rest) => {
    const [first, ...items] = rest;
    if (first !== undefined && typeof first === 'object') {
      const opts: vscode.MessageOptions = { ...first, ...(first.detail ? { detail: sentence(first.detail) } : {}) };
      return fn(sentence(message), opts, ...items);
    }
    return fn(sentence(message), ...rest);
  };
}

export const windowUserInput: IUserInput = {
  showQuickPick: ((items: never, options?: vscode.QuickPickOptions) =>
    vscode.window.showQuickPick(items, { ignoreFocusOut: true, ...options })) as IUserInput['showQuickPick'],
  showInputBox: (options) => {
    const validate = options.validateInput;
    return vscode.window.showInputBox({
      ignoreFocusOut: true,
      ...options,
      // Validation messages end like every other message.
      ...(validate
        ? {
            validateInput: async (value: string) => {
              const r = await validate(value);
              return typeof r === 'string' ? sentence(r) : r;
            },
          }
        : {}),
    });
  },
  showWarningMessage: shown(vscode.window.showWarningMessage as MessageFn) as IUserInput['showWarningMessage'],
  showInformationMessage: shown(vscode.window.showInformationMessage as MessageFn) as IUserInput['showInformationMessage'],
  showErrorMessage: shown(vscode.window.showErrorMessage as MessageFn) as IUserInput['showErrorMessage'],
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
    return this.current.showInputBox(options);
  }
  showWarningMessage<T extends string>(message: string, ...rest: (vscode.MessageOptions | T)[]): Thenable<T | undefined> {
    return (this.current.showWarningMessage as MessageFn)(message, ...rest);
  }
  showInformationMessage<T extends string>(message: string, ...rest: (vscode.MessageOptions | T)[]): Thenable<T | undefined> {
    return (this.current.showInformationMessage as MessageFn)(message, ...rest);
  }
  showErrorMessage<T extends string>(message: string, ...rest: (vscode.MessageOptions | T)[]): Thenable<T | undefined> {
    return (this.current.showErrorMessage as MessageFn)(message, ...rest);
  }
  showOpenDialog(options: vscode.OpenDialogOptions): Thenable<vscode.Uri[] | undefined> {
    return this.current.showOpenDialog(options);
  }
}
