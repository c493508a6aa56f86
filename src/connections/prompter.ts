// Everything the Connections commands ask the user, behind one small interface over the extension's one user
// input (src/ui/userInput.ts): integration tests script that seam (TestUserInput), the e2e tests click the real
// dialogs.
import * as vscode from 'vscode';
import { asker, type Asker, type IUserInput } from '../ui/userInput';

export interface Prompter extends Asker {
  /** Runs another capability's command (e.g. the sync-rules editor). */
  executeCommand(command: string, ...args: unknown[]): Thenable<unknown>;
}

/** The Connections questions over the extension's one user input (src/ui/userInput.ts). */
export function windowPrompter(ui: IUserInput): Prompter {
  return { ...asker(ui), executeCommand: (command, ...args) => vscode.commands.executeCommand(command, ...args) };
}
