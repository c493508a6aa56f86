// The one seam for asking and telling the user (issue 13): quick picks, input boxes (also one that stays open until
// its value is accepted), messages (modal or not), open dialogs. Shaped like vscode-azuretools' IAzureUserInput: the same signatures as `vscode.window`, so call sites
// read as usual. `windowUserInput` talks to the real workbench; the integration tests install a scripted
// `TestUserInput` (test/integration/userInput.ts) through the extension's test API, which fails loudly on a prompt
// it did not expect and on answers left over.
import * as vscode from 'vscode';
import { sentence } from '../shared/messages';

/** An input box that stays open until the value is accepted (`IUserInput.showSubmitInputBox`). */
export interface SubmitInputBoxOptions {
  title: string;
  prompt: string;
  value: string;
  placeHolder?: string;
  /** Checked while typing (e.g. empty); a message blocks the confirm. */
  validate(value: string): string | undefined;
  /**
   * Runs when the user confirms: resolves with a message to show in the box (e.g. the node refused the value; the
   * box stays open with the text as typed) or undefined when the value was stored (the box closes).
   */
  submit(value: string): Promise<string | undefined>;
}

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
  /** An input box whose confirm runs `submit` and stays open with its message; undefined when the user cancelled. */
  showSubmitInputBox(options: SubmitInputBoxOptions): Thenable<string | undefined>;
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

/** The window's `createInputBox`, kept open (busy while `submit` runs) until `submit` accepts the value. */
function windowSubmitInputBox(options: SubmitInputBoxOptions): Promise<string | undefined> {
  return new Promise<string | undefined>((resolve) => {
    const box = vscode.window.createInputBox();
    box.title = options.title;
    box.prompt = options.prompt;
    box.value = options.value;
    box.placeholder = options.placeHolder;
    box.ignoreFocusOut = true;
    let done = false;
    let subs: vscode.Disposable[] = [];
    const error = (message: string) => ({ message, severity: vscode.InputBoxValidationSeverity.Error });
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
        box.validationMessage = problem ? error(problem) : undefined;
      }),
      box.onDidAccept(async () => {
        if (box.busy) return;
        const value = box.value;
        const local = options.validate(value);
        if (local) {
          box.validationMessage = error(local);
          return;
        }
        box.busy = true;
        box.enabled = false;
        try {
          const problem = await options.submit(value);
          if (problem === undefined) return finish(value);
          box.validationMessage = error(problem);
        } catch (e) {
          box.validationMessage = error(e instanceof Error ? e.message : String(e));
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
  });
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
  showSubmitInputBox: windowSubmitInputBox,
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
  showSubmitInputBox(options: SubmitInputBoxOptions): Thenable<string | undefined> {
    const end = (m: string | undefined) => (m === undefined ? m : sentence(m));
    return this.current.showSubmitInputBox({
      ...options,
      validate: (value) => end(options.validate(value)),
      submit: async (value) => end(await options.submit(value)),
    });
  }
}

/** The questions most capabilities ask, in their short form, over the one user input. */
export interface Asker {
  inputBox(options: vscode.InputBoxOptions): Thenable<string | undefined>;
  quickPick<T extends vscode.QuickPickItem>(items: T[], options: vscode.QuickPickOptions): Thenable<T | undefined>;
  /** A modal question with one action button (plus Cancel); true when the action was chosen. */
  confirm(message: string, detail: string, action: string): Thenable<boolean>;
  /** A non-modal error with optional buttons; resolves with the chosen one. Callers must not await it inline. */
  error(message: string, ...actions: string[]): Thenable<string | undefined>;
  info(message: string, ...actions: string[]): Thenable<string | undefined>;
}

export function asker(ui: IUserInput): Asker {
  return {
    inputBox: (options) => ui.showInputBox(options),
    quickPick: (items, options) => ui.showQuickPick(items, options),
    confirm: async (message, detail, action) => (await ui.showWarningMessage(message, { modal: true, detail }, action)) === action,
    error: (message, ...actions) => ui.showErrorMessage(message, ...actions),
    info: (message, ...actions) => ui.showInformationMessage(message, ...actions),
  };
}
