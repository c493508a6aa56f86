// What every command of the Connections view and the node commands share: argument validation (zod) with a clear
// message, a cancellable progress notification, and failures shown with the next step as buttons — all through the
// extension's one user input (src/ui/userInput.ts).
import * as vscode from 'vscode';
import type * as z from 'zod';
import { ExalateError } from '../exalate/errors';
import { Commands } from '../shared/commands';
import type { Services } from '../services';

/** A command was called with an argument it cannot use: shown as it is, never as "Could not …". */
export class BadArgument extends Error {}

export function parseArg<T>(schema: z.ZodType<T>, arg: unknown, command: string): T {
  const r = schema.safeParse(arg);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new BadArgument(vscode.l10n.t('{0} was called with an invalid argument: {1}: {2}', command, issue.path.join('.') || 'argument', issue.message));
  }
  return r.data;
}

/** A network operation with a cancellable progress notification. */
export function withProgress<T>(title: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_p, token) => {
      const ac = new AbortController();
      const sub = token.onCancellationRequested(() => ac.abort());
      return fn(ac.signal).finally(() => sub.dispose());
    }),
  );
}

export interface CommandKit {
  /** Shows a failure with the next step as buttons; never awaited inline (the command finishes first). */
  fail(what: string, e: unknown, retry?: () => unknown, nodeUrl?: string): void;
  /** Wraps a command: argument errors and unexpected failures become messages, never unhandled rejections. */
  command(title: string, fn: (...args: unknown[]) => Promise<unknown>): (...args: unknown[]) => Promise<unknown>;
}

/** `refresh` reloads a node's connections (the "Refresh" button after a not-found or conflict answer). */
export function commandKit(services: Services, refresh: (nodeUrl?: string) => unknown): CommandKit {
  const { log, ui } = services;
  const fail: CommandKit['fail'] = (what, e, retry, nodeUrl) => {
    const signIn = vscode.l10n.t('Sign In Again');
    const refreshAction = vscode.l10n.t('Refresh');
    const retryAction = vscode.l10n.t('Retry');
    const showLog = vscode.l10n.t('Show Log');
    const err = e instanceof Error ? e : new Error(String(e));
    log.error(`${what}: ${err instanceof ExalateError ? err.toLogString() : err.message}`);
    if (err instanceof ExalateError && err.kind === 'cancelled') return;
    const actions: string[] = [];
    if (err instanceof ExalateError && err.kind === 'unauthorized' && nodeUrl) actions.push(signIn);
    if (err instanceof ExalateError && (err.kind === 'notFound' || err.kind === 'conflict')) actions.push(refreshAction);
    else if (retry) actions.push(retryAction);
    actions.push(showLog);
    void Promise.resolve(ui.showErrorMessage(`${what}: ${err.message}`, ...actions)).then((choice) => {
      if (choice === signIn) void vscode.commands.executeCommand(Commands.signIn, { nodeUrl });
      else if (choice === refreshAction) void refresh(nodeUrl);
      else if (choice === retryAction) void retry?.();
      else if (choice === showLog) log.show();
    });
  };
  const command: CommandKit['command'] =
    (title, fn) =>
    async (...args) => {
      try {
        return await fn(...args);
      } catch (e) {
        if (e instanceof BadArgument) {
          log.error(e.message);
          void ui.showErrorMessage(e.message);
        } else fail(title, e);
        return undefined;
      }
    };
  return { fail, command };
}
