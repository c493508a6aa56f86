// The one Azure DevOps PAT entry of the extension (issue 13): the same password box and validation for "Set Azure
// DevOps Organization…" and the wizard's "Enter PAT" (which asked with other rules before). The PAT goes only to
// SecretStorage (through the registry) and is redacted from the log from the moment it is typed.
import * as vscode from 'vscode';
import type { Services } from '../services';
import { nodeDisplayName } from './registry';

/** A PAT shorter than this is a partial paste. */
export const MIN_PAT_LENGTH = 6;

export function adoPatProblem(value: string, keepAllowed: boolean): string | undefined {
  const v = value.trim();
  if (v === '' && keepAllowed) return undefined;
  return v.length < MIN_PAT_LENGTH ? vscode.l10n.t('Paste the whole token (at least {0} characters).', MIN_PAT_LENGTH) : undefined;
}

export interface AskAdoPatOptions {
  /** The organization the PAT is for (shown in the prompt). */
  orgUrl?: string;
  title?: string;
  /** An empty answer keeps the stored PAT (answers ''), instead of being refused. */
  keepStored?: boolean;
  /** The input box to use (the wizard's prompter); the extension's user input by default. */
  inputBox?: (o: vscode.InputBoxOptions) => Thenable<string | undefined>;
}

/** Asks for a PAT: the trimmed token, '' to keep the stored one (with `keepStored`), undefined when cancelled. */
export async function askAdoPat(services: Services, nodeUrl: string, o: AskAdoPatOptions = {}): Promise<string | undefined> {
  const node = services.nodes.get(nodeUrl);
  const label = node ? nodeDisplayName(node) : nodeUrl;
  const org = o.orgUrl ?? node?.adoOrgUrl;
  const keep = o.keepStored === true;
  const ask = o.inputBox ?? ((opts: vscode.InputBoxOptions) => services.ui.showInputBox(opts));
  const pat = await ask({
    title: o.title ?? vscode.l10n.t('Azure DevOps PAT for {0}', label),
    prompt:
      vscode.l10n.t("Personal access token for {0} (scope: Project and Team, Read). Kept in VS Code's secret storage.", org ?? vscode.l10n.t('the Azure DevOps organization')) +
      (keep ? ` ${vscode.l10n.t('Leave empty to keep the stored one.')}` : ''),
    password: true,
    validateInput: (v) => adoPatProblem(v, keep),
  });
  if (pat === undefined) return undefined;
  const t = pat.trim();
  if (t === '' && !keep) return undefined;
  services.log.addSecret(t || undefined);
  return t;
}
