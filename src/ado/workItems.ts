// Work items for Test Run, read with azure-devops-node-api: a project's work items for a picker (WIQL + getWorkItems)
// and one work item with its comments in the script model's JSON shape (docs/test-run.md), which the Test Run
// runtime reads as `workItem`. No `vscode` here (part of dist/ado.js).
import type * as azdev from 'azure-devops-node-api';
import { WorkItemErrorPolicy, WorkItemExpand } from 'azure-devops-node-api/interfaces/WorkItemTrackingInterfaces';
import { toScriptWorkItem, type Identity } from './scriptModel';

export { toScriptWorkItem } from './scriptModel';

/** A work item that is not there (the library answers its 404 with null). */
export class WorkItemMissing extends Error {}

/** One row of the work item picker. */
export interface WorkItemSummary {
  id: number;
  title: string;
  type: string;
  state: string;
}

const LIST_FIELDS = ['System.Id', 'System.Title', 'System.WorkItemType', 'System.State'];

/** WIQL string literal: quotes doubled. */
function wiqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** The most recently changed work items of `project` (at most `max`, default 200), newest first. */
export async function listProjectWorkItems(api: azdev.WebApi, project: string, max = 200): Promise<WorkItemSummary[]> {
  const wit = await api.getWorkItemTrackingApi();
  const result = await wit.queryByWiql(
    { query: `SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = ${wiqlString(project)} ORDER BY [System.ChangedDate] DESC` },
    { project },
    undefined,
    max,
  );
  const ids = (result?.workItems ?? []).map((w) => w.id).filter((id): id is number => typeof id === 'number').slice(0, max);
  const out: WorkItemSummary[] = [];
  for (let i = 0; i < ids.length; i += 200) {
    const batch = await wit.getWorkItems(ids.slice(i, i + 200), LIST_FIELDS, undefined, undefined, WorkItemErrorPolicy.Omit, project);
    for (const w of batch ?? []) {
      if (!w || typeof w.id !== 'number') continue;
      const f = w.fields ?? {};
      out.push({ id: w.id, title: String(f['System.Title'] ?? ''), type: String(f['System.WorkItemType'] ?? ''), state: String(f['System.State'] ?? '') });
    }
  }
  return out;
}

/** One work item of `project` with all its comments, in the script model's JSON shape. */
export async function getScriptWorkItem(api: azdev.WebApi, project: string, id: number): Promise<Record<string, unknown>> {
  const wit = await api.getWorkItemTrackingApi();
  const w = await wit.getWorkItem(id, undefined, undefined, WorkItemExpand.All, project);
  // The library answers a 404 with null.
  if (!w) throw new WorkItemMissing(`Work item ${id} does not exist in project "${project}" (or you may not read it).`);
  const comments: Array<{ id?: number; text?: string; createdBy?: Identity; createdDate?: Date }> = [];
  let token: string | undefined;
  do {
    const page = await wit.getComments(project, id, 200, token);
    comments.push(...(page?.comments ?? []));
    token = page?.continuationToken ?? undefined;
  } while (token);
  return toScriptWorkItem(w, comments);
}
