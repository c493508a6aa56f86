// `vscode.l10n.t` as the `Translate` function the pure modules take (src/shared/l10n.ts).
import * as vscode from 'vscode';
import type { Translate } from '../shared/l10n';

export const l10nT: Translate = (message, ...args) => vscode.l10n.t(message, ...args);
