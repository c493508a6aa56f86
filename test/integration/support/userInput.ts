// The scripted user of the integration tests (like vscode-azuretools' TestUserInput): installed in place of the
// window through `services.ui.use(…)`, it answers each prompt from a queue of expected answers, in order. A prompt
// nobody expected, or a prompt of another kind than the next answer, fails loudly (the prompt rejects and
// `assertDone()` throws, even when the code under test swallowed the rejection); answers left over fail too.
// Non-modal messages are not prompts: they are recorded (as the user reads them) and dismissed, unless a test said
// which of their buttons the user clicks (`clickOnMessage`); a click nobody got to make fails `assertDone()` too.
import * as vscode from 'vscode';
import type { IUserInput, SubmitInputBoxOptions } from '../../../src/ui/userInput';

export type Answer =
  /** Quick pick: the item whose label equals / matches (or that the function accepts); `undefined` = Escape. */
  | { pick: string | RegExp | ((item: vscode.QuickPickItem) => boolean) | undefined; expect?: RegExp }
  /**
   * Input box: the text typed (checked by the box's own validation first); `undefined` = Escape. In a box that
   * stays open until its value is accepted (`showSubmitInputBox`), each answer is one confirm: a value the box
   * refuses leaves it open with its message (recorded in `boxMessages`) for the next `input` answer.
   */
  | { input: string | undefined; expect?: RegExp }
  /** Modal dialog: the button clicked; `undefined` = Cancel. */
  | { button: string | undefined; expect?: RegExp }
  /** Open dialog: the files chosen; `undefined` = Cancel. */
  | { open: vscode.Uri[] | undefined; expect?: RegExp };

export interface ShownMessage {
  kind: 'info' | 'warning' | 'error';
  message: string;
  detail?: string;
  items: string[];
}

export class TestUserInput implements IUserInput {
  private readonly answers: Answer[] = [];
  /** Every prompt shown (kind and its text), in order. */
  readonly prompts: Array<{ kind: string; text: string; options?: unknown; items?: string[] }> = [];
  /** What boxes that stay open showed for a refused value (their validation or the submit's answer), in order. */
  readonly boxMessages: Array<{ value: string; message: string }> = [];
  /** Non-modal messages, in order. */
  readonly messages: ShownMessage[] = [];
  private readonly problems: string[] = [];
  /** Buttons the user will click on the next non-modal message that matches, in order. */
  private readonly clicks: Array<{ match: RegExp; button: string }> = [];

  /** Queues the answers to the next prompts. */
  answer(...answers: Answer[]): this {
    this.answers.push(...answers);
    return this;
  }

  /** The user clicks `button` on the next non-modal message matching `match` (which must offer that button). */
  clickOnMessage(match: RegExp, button: string): this {
    this.clicks.push({ match, button });
    return this;
  }

  errors(): string[] {
    return this.messages.filter((m) => m.kind === 'error').map((m) => m.message);
  }
  infos(): string[] {
    return this.messages.filter((m) => m.kind === 'info').map((m) => m.message);
  }

  /** Throws on an unexpected prompt seen so far, or on answers nobody asked for. */
  assertDone(): void {
    const problems = [...this.problems];
    if (this.answers.length > 0) problems.push(`${this.answers.length} answer(s) left over: ${JSON.stringify(this.answers.map(describe))}`);
    if (this.clicks.length > 0) problems.push(`no message to click on: ${this.clicks.map((c) => `"${c.button}" on ${c.match}`).join(', ')}`);
    this.problems.length = 0;
    this.answers.length = 0;
    this.clicks.length = 0;
    if (problems.length > 0) throw new Error(`TestUserInput: ${problems.join('; ')}`);
  }

  private next<K extends 'pick' | 'input' | 'button' | 'open'>(kind: K, text: string, options?: unknown, items?: string[]): Extract<Answer, Record<K, unknown>> {
    this.prompts.push({ kind, text, options, items });
    const a = this.answers[0];
    let problem: string | undefined;
    if (!a) problem = `unexpected ${kind} prompt "${text}" (no answer queued)`;
    else if (!(kind in a)) problem = `expected an answer of another kind (${describe(a)}), got a ${kind} prompt "${text}"`;
    else if (a.expect && !a.expect.test(text)) problem = `the ${kind} prompt "${text}" does not match ${a.expect}`;
    if (problem) {
      this.problems.push(problem);
      throw new Error(`TestUserInput: ${problem}`);
    }
    this.answers.shift();
    return a as Extract<Answer, Record<K, unknown>>;
  }

  showQuickPick<T extends vscode.QuickPickItem>(items: readonly T[] | Thenable<readonly T[]>, options: vscode.QuickPickOptions & { canPickMany: true }): Thenable<T[] | undefined>;
  showQuickPick<T extends vscode.QuickPickItem>(items: readonly T[] | Thenable<readonly T[]>, options?: vscode.QuickPickOptions): Thenable<T | undefined>;
  async showQuickPick<T extends vscode.QuickPickItem>(items: readonly T[] | Thenable<readonly T[]>, options?: vscode.QuickPickOptions): Promise<T | T[] | undefined> {
    const list = await items;
    const a = this.next('pick', `${options?.title ?? ''} ${options?.placeHolder ?? ''}`.trim(), options, list.map((i) => i.label));
    if (a.pick === undefined) return undefined;
    const want = a.pick;
    const found = list.find((i) => (typeof want === 'string' ? i.label === want : typeof want === 'function' ? want(i) : want.test(i.label)));
    if (!found) {
      const problem = `no item ${want} among ${JSON.stringify(list.map((i) => i.label))}`;
      this.problems.push(problem);
      throw new Error(`TestUserInput: ${problem}`);
    }
    return options?.canPickMany ? [found] : found;
  }

  async showInputBox(options: vscode.InputBoxOptions): Promise<string | undefined> {
    const a = this.next('input', `${options.title ?? ''} ${options.prompt ?? ''}`.trim(), options);
    if (a.input === undefined) return undefined;
    const problem = await options.validateInput?.(a.input);
    if (problem) {
      const text = typeof problem === 'string' ? problem : problem.message;
      this.problems.push(`the input box refused "${a.input}": ${text}`);
      throw new Error(`TestUserInput: the input box refused "${a.input}": ${text}`);
    }
    return a.input;
  }

  async showSubmitInputBox(options: SubmitInputBoxOptions): Promise<string | undefined> {
    for (;;) {
      const a = this.next('input', `${options.title} ${options.prompt}`.trim(), options);
      if (a.input === undefined) return undefined;
      // As the window's box: a failing submit shows its error in the box, which stays open.
      const message = options.validate(a.input) ?? (await options.submit(a.input).catch((e: unknown) => (e instanceof Error ? e.message : String(e))));
      if (message === undefined) return a.input;
      this.boxMessages.push({ value: a.input, message });
    }
  }

  private message<T extends string>(kind: ShownMessage['kind'], message: string, rest: (vscode.MessageOptions | T)[]): Promise<T | undefined> {
    const [first, ...others] = rest;
    const options = first !== undefined && typeof first === 'object' ? first : undefined;
    const items = (options ? others : rest) as T[];
    if (!options?.modal) {
      this.messages.push({ kind, message, items });
      const click = this.clicks.findIndex((c) => c.match.test(message));
      if (click < 0) return Promise.resolve(undefined);
      const [{ button }] = this.clicks.splice(click, 1);
      if (!items.includes(button as T)) {
        const problem = `the message "${message}" has no button "${button}" (it has ${JSON.stringify(items)})`;
        this.problems.push(problem);
        return Promise.reject(new Error(`TestUserInput: ${problem}`));
      }
      return Promise.resolve(button as T);
    }
    const text = options.detail ? `${message}\n${options.detail}` : message;
    try {
      const a = this.next('button', text, options, items);
      if (a.button !== undefined && !items.includes(a.button as T)) {
        const problem = `the dialog "${message}" has no button "${a.button}" (it has ${JSON.stringify(items)})`;
        this.problems.push(problem);
        return Promise.reject(new Error(`TestUserInput: ${problem}`));
      }
      return Promise.resolve(a.button as T | undefined);
    } catch (e) {
      return Promise.reject(e);
    }
  }
  showWarningMessage<T extends string>(message: string, ...rest: (vscode.MessageOptions | T)[]): Promise<T | undefined> {
    return this.message('warning', message, rest);
  }
  showInformationMessage<T extends string>(message: string, ...rest: (vscode.MessageOptions | T)[]): Promise<T | undefined> {
    return this.message('info', message, rest);
  }
  showErrorMessage<T extends string>(message: string, ...rest: (vscode.MessageOptions | T)[]): Promise<T | undefined> {
    return this.message('error', message, rest);
  }

  async showOpenDialog(options: vscode.OpenDialogOptions): Promise<vscode.Uri[] | undefined> {
    return this.next('open', options.title ?? options.openLabel ?? 'Open', options).open;
  }
}

function describe(a: Answer): string {
  if ('pick' in a) return `pick ${String(a.pick)}`;
  if ('input' in a) return `input ${a.input === undefined ? 'Escape' : JSON.stringify(a.input)}`;
  if ('button' in a) return `button ${a.button ?? 'Cancel'}`;
  return `open ${a.open?.map((u) => u.toString()).join(', ') ?? 'Cancel'}`;
}
