// Lists a node's Azure DevOps projects for the wizard and "Accept Invitation": the organization URL of the node
// (its `adoOrgUrl`, else the emulator URL the node reports), the PAT from SecretStorage, and azure-devops-node-api
// loaded from its own bundle (dist/ado.js) on first use, so activation never loads it.
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type * as AdoModule from '../ado';
import type { ExalateClient } from '../exalate/client';
import type { Services } from '../services';
import { nodeDisplayName } from '../nodes/registry';
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

export async function listNodeProjects(services: Services, nodeUrl: string, client: ExalateClient): Promise<ProjectList> {
  const node = services.nodes.get(nodeUrl);
  const label = node ? nodeDisplayName(node) : nodeUrl;
  let orgUrl = node?.adoOrgUrl;
  if (!orgUrl) {
    try {
      orgUrl = (await client.getNodeInfo()).adoUrl ?? undefined;
    } catch (e) {
      throw new ProjectsProblem(`Could not ask ${label} for its Azure DevOps organization: ${errorText(e)}`, ['retry']);
    }
  }
  if (!orgUrl) {
    throw new ProjectsProblem(
      `No Azure DevOps organization URL is set for ${label}. Add "adoOrgUrl" to this node in the exalate.nodes setting, then retry.`,
      ['openSettings', 'retry'],
    );
  }
  const pat = await services.nodes.getAdoPat(nodeUrl);
  if (!pat) {
    throw new ProjectsProblem(
      `No Azure DevOps personal access token is stored for ${label}. Set one to list the projects of ${orgUrl}.`,
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
    throw new ProjectsProblem(`Could not list the projects of ${orgUrl}: ${errorText(e)}`, ['retry']);
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
  const pat = await inputBox({
    title: `Azure DevOps PAT for ${label}`,
    prompt: `Personal access token for ${node?.adoOrgUrl ?? 'the Azure DevOps organization'} (scope: Project and Team, Read). Kept in VS Code's secret storage.`,
    password: true,
    validateInput: (v) => (v.trim().length < 6 ? 'Paste the whole token (at least 6 characters).' : undefined),
  });
  if (!pat?.trim()) return false;
  await services.nodes.setAdoPat(nodeUrl, pat.trim());
  services.log.info(`Stored a new Azure DevOps PAT for ${label}.`);
  return true;
}
