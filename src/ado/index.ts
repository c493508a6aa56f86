// Azure DevOps access through azure-devops-node-api. Built as its own bundle (dist/ado.js) and `require`d the
// first time a project list is needed (./load.ts), so activating the extension never loads the library.
// No `vscode` here: the unit tests use it directly against the emulator.
import * as azdev from 'azure-devops-node-api';
import { FieldType } from 'azure-devops-node-api/interfaces/WorkItemTrackingInterfaces';
import { getScriptWorkItem, listProjectWorkItems, WorkItemMissing, type WorkItemSummary } from './workItems';

export { toScriptWorkItem, type WorkItemSummary } from './workItems';

export type AdoProblemKind = 'unauthorized' | 'unreachable' | 'notFound' | 'other';

/** Why listing projects failed, in words a user can act on. Never contains the PAT. */
export class AdoError extends Error {
  constructor(
    readonly kind: AdoProblemKind,
    message: string,
  ) {
    super(message);
    this.name = 'AdoError';
  }
}

export interface ListProjectsOptions {
  /** Per-request timeout in ms (default 15 000). */
  timeoutMs?: number;
  /** Stop after this many projects (default 5 000). */
  max?: number;
}

const PAGE = 100;

function connect(orgUrl: string, pat: string, timeoutMs: number | undefined): azdev.WebApi {
  return new azdev.WebApi(orgUrl, azdev.getPersonalAccessTokenHandler(pat), {
    socketTimeout: timeoutMs ?? 15_000,
    allowRetries: true,
    maxRetries: 1,
  });
}

/** Names of the organization's projects (all pages), sorted. Rejects with AdoError. */
export async function listProjects(orgUrl: string, pat: string, opts: ListProjectsOptions = {}): Promise<string[]> {
  const max = opts.max ?? 5000;
  const api = connect(orgUrl, pat, opts.timeoutMs);
  const names: string[] = [];
  try {
    const core = await api.getCoreApi();
    for (let skip = 0; names.length < max; skip += PAGE) {
      const page = await core.getProjects(undefined, PAGE, skip);
      for (const p of page ?? []) if (p.name) names.push(p.name);
      if (!page || page.length < PAGE) break;
    }
  } catch (e) {
    throw toAdoError(e, orgUrl, pat, 'list projects');
  }
  return names.sort((a, b) => a.localeCompare(b));
}

/** One work item field of a project, for completion of `workItem."…"` in sync scripts. */
export interface AdoWorkItemField {
  referenceName: string;
  name: string;
  /** REST field type in camelCase (`string`, `html`, `identity`, `picklistString`, …). */
  type: string;
  readOnly: boolean;
  description?: string;
  /** The project's work item types that have this field, sorted. */
  workItemTypes: string[];
}

/**
 * The fields the work item types of `project` use (`getWorkItemTypes` + `getWorkItemTypeFieldsWithReferences`
 * per type), described by `getFields(project)`. Sorted by reference name. Rejects with AdoError.
 */
export async function listWorkItemFields(orgUrl: string, pat: string, project: string, opts: { timeoutMs?: number } = {}): Promise<AdoWorkItemField[]> {
  const api = connect(orgUrl, pat, opts.timeoutMs);
  try {
    const wit = await api.getWorkItemTrackingApi();
    const [all, types] = await Promise.all([wit.getFields(project), wit.getWorkItemTypes(project)]);
    // The library answers a 404 (unknown project) with null.
    if (!types) throw new AdoError('notFound', `There is no project "${project}" in the Azure DevOps organization ${orgUrl}.`);
    const perType = await Promise.all(
      (types ?? []).filter((t) => t.name && !t.isDisabled).map(async (t) => ({ type: t.name!, fields: (await wit.getWorkItemTypeFieldsWithReferences(project, t.name!)) ?? [] })),
    );
    const described = new Map((all ?? []).filter((f) => f.referenceName).map((f) => [f.referenceName!.toLowerCase(), f]));
    const out = new Map<string, AdoWorkItemField>();
    for (const { type, fields } of perType) {
      for (const f of fields) {
        if (!f.referenceName) continue;
        const key = f.referenceName.toLowerCase();
        let entry = out.get(key);
        if (!entry) {
          const d = described.get(key);
          entry = {
            referenceName: f.referenceName,
            name: f.name ?? d?.name ?? f.referenceName,
            type: fieldTypeName(d?.type),
            readOnly: d?.readOnly ?? false,
            ...(d?.description || f.helpText ? { description: d?.description ?? f.helpText } : {}),
            workItemTypes: [],
          };
          out.set(key, entry);
        }
        entry.workItemTypes.push(type);
      }
    }
    for (const e of out.values()) e.workItemTypes.sort((a, b) => a.localeCompare(b));
    return [...out.values()].sort((a, b) => a.referenceName.localeCompare(b.referenceName));
  } catch (e) {
    if (e instanceof AdoError) throw e;
    throw toAdoError(e, orgUrl, pat, `read the work item fields of project "${project}"`);
  }
}

/** The most recently changed work items of `project` (Test Run's picker), newest first. Rejects with AdoError. */
export async function listWorkItems(orgUrl: string, pat: string, project: string, opts: { timeoutMs?: number; max?: number } = {}): Promise<WorkItemSummary[]> {
  try {
    return await listProjectWorkItems(connect(orgUrl, pat, opts.timeoutMs), project, opts.max);
  } catch (e) {
    throw toAdoError(e, orgUrl, pat, `list the work items of project "${project}"`);
  }
}

/**
 * Work items of `project` with their comments, in the script model's JSON shape (Test Run's `workItem`), plus the
 * project's work item type names (for `nodeHelper.getIssueType`). Rejects with AdoError.
 */
export async function getWorkItemsForScript(
  orgUrl: string,
  pat: string,
  project: string,
  ids: number[],
  opts: { timeoutMs?: number } = {},
): Promise<{ workItems: Array<Record<string, unknown>>; issueTypes: string[] }> {
  const api = connect(orgUrl, pat, opts.timeoutMs);
  try {
    const wit = await api.getWorkItemTrackingApi();
    const [types, workItems] = await Promise.all([wit.getWorkItemTypes(project), Promise.all(ids.map((id) => getScriptWorkItem(api, project, id)))]);
    return { workItems, issueTypes: (types ?? []).filter((t) => t.name && !t.isDisabled).map((t) => t.name!) };
  } catch (e) {
    if (e instanceof WorkItemMissing) throw new AdoError('notFound', e.message);
    throw toAdoError(e, orgUrl, pat, `read work items of project "${project}"`);
  }
}

/** `FieldType.PicklistString` → `picklistString` (the library turns the REST names into numbers). */
function fieldTypeName(t: FieldType | undefined): string {
  const name = t === undefined ? undefined : FieldType[t];
  return name ? name[0].toLowerCase() + name.slice(1) : 'string';
}

function toAdoError(e: unknown, orgUrl: string, pat: string, action: string): AdoError {
  const err = e as { statusCode?: number; code?: string; message?: string };
  const raw = String(err?.message ?? e).split(pat).join('«redacted»');
  const status = err?.statusCode;
  if (status === 401 || status === 203 || /TF400813/.test(raw)) {
    return new AdoError(
      'unauthorized',
      `Azure DevOps at ${orgUrl} rejected the personal access token. Set a PAT with the "Project and Team (Read)" scope for this node.`,
    );
  }
  if (status === 404) {
    return new AdoError('notFound', `${orgUrl} is not an Azure DevOps organization (HTTP 404). Check the node's Azure DevOps organization URL.`);
  }
  const code = err?.code ?? /\b(ECONNREFUSED|ENOTFOUND|ECONNRESET|ETIMEDOUT|EAI_AGAIN|EHOSTUNREACH)\b/.exec(raw)?.[1];
  if (code || /timeout|socket hang up/i.test(raw)) {
    return new AdoError('unreachable', `Could not reach Azure DevOps at ${orgUrl} (${code ?? 'timeout'}). Check your network, then retry.`);
  }
  return new AdoError('other', `Azure DevOps at ${orgUrl} failed to ${action}${status ? ` (HTTP ${status})` : ''}: ${raw}`);
}
