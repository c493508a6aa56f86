// What the sync-rules capability asks and tells the user, formatted here and asked through the extension's one
// user input (src/ui/userInput.ts): the modal questions (`modalPrompter`) and the non-modal messages whose buttons
// do something (`Messages`). The integration tests script that one user input (TestUserInput), not these.
import * as vscode from 'vscode';
import type { Logger } from '../log';
import { windowUserInput, type IUserInput } from '../ui/userInput';

export type ConflictChoice = 'compare' | 'overwrite' | 'cancel';

export interface ConflictInfo {
  /** e.g. `the outgoing script of “Orders”`. */
  what: string;
  /** The version the user's text is based on. */
  baseVersion: number;
  /** The node's current version and who wrote it. */
  nodeVersion: number;
  nodeAuthor: string;
  /** Where the user's text is: the editor or a workspace file. */
  source: 'editor' | 'file';
}

export interface SyncRulesPrompter {
  /** The node has a newer version than the one the user edited: compare, overwrite or cancel? */
  conflict(info: ConflictInfo): Promise<ConflictChoice>;
  /** A yes/no question before an action that replaces something (restore, publish, replacing local files). */
  confirm(message: string, detail: string, action: string): Promise<boolean>;
}

/** The modal questions over the extension's one user input (src/ui/userInput.ts). */
export function modalPrompter(ui: IUserInput): SyncRulesPrompter {
  return {
  async conflict(info) {
    const compare = vscode.l10n.t('Compare');
    const overwrite = vscode.l10n.t('Overwrite');
    const choice = await ui.showWarningMessage(
      vscode.l10n.t('{0} was changed on the node since you opened it.', capitalize(info.what)),
      {
        modal: true,
        detail:
          (info.source === 'editor'
            ? vscode.l10n.t('The node now has version {0} by {1}; your edits are based on version {2}.', info.nodeVersion, info.nodeAuthor, info.baseVersion)
            : vscode.l10n.t('The node now has version {0} by {1}; your file is based on version {2}.', info.nodeVersion, info.nodeAuthor, info.baseVersion)) +
          '\n\n' +
          vscode.l10n.t('Compare: see both texts side by side (nothing is saved).') +
          '\n' +
          vscode.l10n.t('Overwrite: publish your text as a new version, replacing version {0}.', info.nodeVersion) +
          '\n' +
          (info.source === 'editor' ? vscode.l10n.t('Cancel: keep your text unsaved in the editor.') : vscode.l10n.t('Cancel: keep your text in the file.')),
      },
      compare,
      overwrite,
    );
    return choice === compare ? 'compare' : choice === overwrite ? 'overwrite' : 'cancel';
  },
  async confirm(message, detail, action) {
    return (await ui.showWarningMessage(message, { modal: true, detail }, action)) === action;
  },
  };
}

export interface MessageAction {
  title: string;
  run(): unknown;
}

/** Non-modal notifications with buttons that do something. Never blocks the caller. */
export class Messages {
  constructor(
    private readonly log?: Logger,
    private readonly ui: IUserInput = windowUserInput,
  ) {}

  info(text: string, ...actions: MessageAction[]): void {
    this.show('info', text, actions);
  }
  warn(text: string, ...actions: MessageAction[]): void {
    this.show('warning', text, actions);
  }
  error(text: string, ...actions: MessageAction[]): void {
    this.show('error', text, actions);
  }

  private show(kind: 'info' | 'warning' | 'error', text: string, actions: MessageAction[]): void {
    const titles = actions.map((a) => a.title);
    const ui = this.ui;
    let chosen: string | undefined;
    void Promise.resolve(
      kind === 'info' ? ui.showInformationMessage(text, ...titles) : kind === 'warning' ? ui.showWarningMessage(text, ...titles) : ui.showErrorMessage(text, ...titles),
    )
      .then(async (picked) => {
        const action = actions.find((a) => a.title === picked);
        chosen = action?.title;
        if (action) await action.run();
      })
      .catch((e: unknown) => {
        // A button's action failed (file gone, command refused…): say so instead of an unhandled rejection.
        const reason = e instanceof Error ? e.message : String(e);
        this.log?.error(`"${chosen ?? 'message'}" failed: ${reason}`);
        const failed = chosen ? vscode.l10n.t('Exalate: {0} failed: {1}', chosen, reason) : vscode.l10n.t('Exalate: the action failed: {0}', reason);
        void Promise.resolve(ui.showErrorMessage(failed)).catch(() => undefined);
      });
  }
}

export function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** `the outgoing script of “Orders”`. */
export function describeRule(direction: string, connectionName: string | undefined): string {
  const name = connectionName ?? vscode.l10n.t('the connection');
  return direction === 'outgoing' ? vscode.l10n.t('the outgoing script of “{0}”', name) : direction === 'incoming' ? vscode.l10n.t('the incoming script of “{0}”', name) : vscode.l10n.t('the {0} script of “{1}”', direction, name);
}
