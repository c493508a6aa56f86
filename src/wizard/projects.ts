// Lists a node's Azure DevOps projects for the wizard and "Accept Invitation": the organization URL of the node
// (its `adoOrgUrl`, else the emulator URL the node reports), the PAT from SecretStorage, and azure-devops-node-api
// loaded from its own bundle (dist/ado.js) on first use, so activation never loads it.
import { askAdoPat } from '../nodes/pat';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type * as AdoModule from '../ado';
import type { ExalateClient } from '../exalate/client';
import type { Services } from '../services';
import { nodeDisplayName } from '../nodes/registry';
import { adoOrgUrlProblem } from '../nodes/settings';
import { ProjectsProblem, errorText, type ProjectList } from './machine';

let ado: typeof AdoModule | undefined;

/** Requires dist/ado.js (a separate esbuild entry) the first time it is needed. */
export function loadAdo(context: vscode.ExtensionContext): typeof AdoModule {
  if (!ado) {
    // A runtime path on purpose: esbuild must not pull the library into dist/extension.js.
    const file = path.join(context.extensionPath, 'dist', 'ado.js');
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy runtime load is the point
    ado = require(file) as typeof AdoModule;
  }
  return ado;
}

/** A modal question with one action button (the wizard's and Accept Invitation's prompter). */
export type Confirm = (message: string, detail: string, action: string) => Thenable<boolean>;

/**
 * The organization comes from the node's `adoOrgUrl` setting, else from what the node reports. Either way the PAT
 * goes only to an https URL (plain http only on this machine), and an organization the node suggested is shown
 * to the user, who confirms it once before the PAT is sent there (then it is recorded as the node's `adoOrgUrl`).
 */
export async function listNodeProjects(services: Services, nodeUrl: string, client: ExalateClient, confirm: Confirm): Promise<ProjectList> {
  const node = services.nodes.get(nodeUrl);
  const label = node ? nodeDisplayName(node) : nodeUrl;
  let orgUrl = node?.adoOrgUrl;
  const suggested = !orgUrl;
  if (!orgUrl) {
    try {
      orgUrl = (await client.getNodeInfo()).adoUrl ?? undefined;
    } catch (e) {
      throw new ProjectsProblem(vscode.l10n.t('Could not ask {0} for its Azure DevOps organization: {1}', label, errorText(e)), ['retry']);
    }
  }
  if (!orgUrl) {
    throw new ProjectsProblem(
      vscode.l10n.t('No Azure DevOps organization URL is set for {0}. Add "adoOrgUrl" to this node in the exalate.nodes setting, then retry.', label),
      ['openSettings', 'retry'],
    );
  }
  const unsafe = adoOrgUrlProblem(orgUrl);
  if (unsafe) {
    throw new ProjectsProblem(
      suggested
        ? vscode.l10n.t('Your Azure DevOps PAT was not sent to {0} (reported by {1}): {2}', orgUrl, label, unsafe)
        : vscode.l10n.t('Your Azure DevOps PAT was not sent to {0} (the adoOrgUrl setting): {1}', orgUrl, unsafe),
      ['openSettings'],
    );
  }
  if (suggested && node) {
    const ok = await confirm(
      vscode.l10n.t('Send your Azure DevOps PAT to {0}?', orgUrl),
      vscode.l10n.t('{0} says its Azure DevOps organization is {1}. The projects are listed from there with the personal access token stored for {0}.', label, orgUrl) +
        '\n\n' +
        vscode.l10n.t('Use it only if you recognise this organization; it is then saved as the node\'s "adoOrgUrl" and not asked again.'),
      vscode.l10n.t('Use This Organization'),
    );
    if (!ok) {
      throw new ProjectsProblem(
        vscode.l10n.t('Your Azure DevOps PAT was not sent. Confirm {0} with Retry, or set the organization of {1} in the exalate.nodes setting.', orgUrl, label),
        ['retry', 'openSettings'],
      );
    }
    await services.nodes.upsert({ ...node, adoOrgUrl: orgUrl });
  }
  const pat = await services.nodes.getAdoPat(nodeUrl);
  if (!pat) {
    throw new ProjectsProblem(
      vscode.l10n.t('No Azure DevOps personal access token is stored for {0}. Set one to list the projects of {1}.', label, orgUrl),
      ['setPat'],
    );
  }
  const mod = loadAdo(services.context);
  try {
    return { orgUrl, items: await mod.listProjects(orgUrl, pat) };
  } catch (e) {
    if (e instanceof mod.AdoError) {
      throw new ProjectsProblem(e.message, e.kind === 'unauthorized' ? ['setPat', 'retry'] : ['retry']);
    }
    throw new ProjectsProblem(vscode.l10n.t('Could not list the projects of {0}: {1}', orgUrl, errorText(e)), ['retry']);
  }
}

/** Asks for a PAT (password box) and stores it in SecretStorage through the node registry. */
export async function promptAdoPat(
  services: Services,
  nodeUrl: string,
  inputBox: (o: vscode.InputBoxOptions) => Thenable<string | undefined>,
): Promise<boolean> {
  const node = services.nodes.get(nodeUrl);
  const label = node ? nodeDisplayName(node) : nodeUrl;
  const pat = await askAdoPat(services, nodeUrl, { inputBox });
  if (!pat) return false;
  await services.nodes.setAdoPat(nodeUrl, pat);
  services.log.info(`Stored a new Azure DevOps PAT for ${label}.`);
  return true;
}
