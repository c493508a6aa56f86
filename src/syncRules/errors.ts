// Maps failures of sync-rule operations to FileSystemErrors whose messages say what happened and what to do.
// A FileSystemError thrown from writeFile is what keeps the editor dirty and stops VS Code from showing "saved".
import * as vscode from 'vscode';
import { isExalateError } from '../exalate/errors';

/** The palette title of Sign In Again, as the user sees it. */
const signInAgainTitle = () => `Exalate: ${vscode.l10n.t('Sign In Again')}`;

/** No API token is stored for the node. */
export class NotSignedInError extends Error {
  constructor(readonly nodeUrl: string) {
    super(vscode.l10n.t('You are not signed in to the Exalate node at {0}. Run “{1}” and enter its API token.', nodeUrl, signInAgainTitle()));
    this.name = 'NotSignedInError';
  }
}

/** The node is not (any more) in the `exalate.nodes` setting. */
export class UnknownNodeError extends Error {
  constructor(readonly nodeUrl: string) {
    super(vscode.l10n.t('The Exalate node at {0} is not configured in VS Code. Add it with “{1}” to open its sync rules.', nodeUrl, `Exalate: ${vscode.l10n.t('Add Node…')}`));
    this.name = 'UnknownNodeError';
  }
}

/** The user chose not to save (Cancel or Compare in the conflict dialog): nothing was published. */
export class NotSavedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotSavedError';
  }
}

/** Basic- and Visual-mode connections: their scripts are managed by Exalate (or its Visual editor) and not edited here. */
export class ReadonlyRuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReadonlyRuleError';
  }
}

/** The user-facing message of any failure (never a stack, never a token: client errors are redacted). */
export function errorMessage(e: unknown): string {
  if (isExalateError(e, 'unauthorized')) return `${e.message} ${vscode.l10n.t('Run “{0}”.', signInAgainTitle())}`;
  if (e instanceof Error) return e.message;
  return String(e);
}

export function toFileSystemError(e: unknown): vscode.FileSystemError {
  if (e instanceof vscode.FileSystemError) return e;
  const message = errorMessage(e);
  if (e instanceof NotSignedInError || e instanceof ReadonlyRuleError || isExalateError(e, 'unauthorized')) {
    return vscode.FileSystemError.NoPermissions(message);
  }
  if (e instanceof UnknownNodeError || isExalateError(e, 'notFound')) return vscode.FileSystemError.FileNotFound(message);
  if (isExalateError(e, 'unreachable')) return vscode.FileSystemError.Unavailable(message);
  return new vscode.FileSystemError(message);
}

/** True when the error means the user should sign in again (offer the button). */
export function needsSignIn(e: unknown): boolean {
  return e instanceof NotSignedInError || isExalateError(e, 'unauthorized');
}
