// Everything the wizard and "Accept Invitation" ask the user outside the webview, behind one small interface over
// the extension's one user input (src/ui/userInput.ts): integration tests script that seam (TestUserInput), the e2e
// tests click the real UI.
import * as vscode from 'vscode';
import { asker, type Asker, type IUserInput } from '../ui/userInput';

export interface WizardPrompter extends Asker {
  /** Writes the clipboard (the webview cannot). */
  copy(text: string): Thenable<void>;
}

/** The wizard's questions over the extension's one user input (src/ui/userInput.ts). */
export function windowPrompter(ui: IUserInput): WizardPrompter {
  return { ...asker(ui), copy: (text) => vscode.env.clipboard.writeText(text) };
}
