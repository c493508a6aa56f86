// Work items for Test Run, read with azure-devops-node-api: a project's work items for a picker (WIQL + getWorkItems)
// and one work item with its comments in the script model's JSON shape (docs/test-run.md), which the Test Run
// runtime reads as `workItem`. No `vscode` here (part of dist/ado.js).
import type * as azdev from 'azure-devops-node-api';
import { WorkItemErrorPolicy, WorkItemExpand, type WorkItem } from 'azure-devops-node-api/interfaces/WorkItemTrackingInterfaces';

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

interface Identity {
  displayName?: string;
  uniqueName?: string;
}

function user(v: unknown): { displayName: string | null; email: string | null } | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') {
    // "Ana Ruiz <ana.ruiz@contoso.com>", as older APIs answer identity fields
    const m = /^(.*?)\s*<([^>]+)>$/.exec(v);
    return m ? { displayName: m[1], email: m[2] } : { displayName: v, email: null };
  }
  const i = v as Identity;
  return { displayName: i.displayName ?? null, email: i.uniqueName ?? null };
}

/** Fields with a name in the script model; every other field is kept under its reference name. */
const MAPPED = new Set(
  [
    'System.Id',
    'System.Rev',
    'System.Title',
    'System.Description',
    'System.State',
    'System.WorkItemType',
    'System.TeamProject',
    'System.Tags',
    'System.AreaPath',
    'System.IterationPath',
    'System.AssignedTo',
    'System.CreatedBy',
    'System.CreatedDate',
    'System.ChangedDate',
    'Microsoft.VSTS.Common.Priority',
  ].map((k) => k.toLowerCase()),
);

function plain(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (v && typeof v === 'object' && 'uniqueName' in v) return user(v);
  return v;
}

/** A REST work item and its comments → the script model's work item JSON (docs/test-run.md). Pure. */
export function toScriptWorkItem(
  w: WorkItem,
  comments: Array<{ id?: number; text?: string; createdBy?: Identity; createdDate?: Date | string }>,
): Record<string, unknown> {
  const f = (w.fields ?? {}) as Record<string, unknown>;
  const str = (k: string) => (f[k] === undefined || f[k] === null ? null : String(plain(f[k])));
  const named = (k: string) => (f[k] === undefined || f[k] === null ? null : { name: String(f[k]) });
  const project = str('System.TeamProject');
  const tags = str('System.Tags');
  const out: Record<string, unknown> = {
    id: w.id ?? null,
    key: w.id === undefined ? null : String(w.id),
    summary: str('System.Title'),
    description: str('System.Description'),
    status: named('System.State'),
    priority: named('Microsoft.VSTS.Common.Priority'),
    type: named('System.WorkItemType'),
    project: project === null ? null : { key: project, name: project },
    labels: tags ? tags.split(';').map((t) => t.trim()).filter((t) => t.length > 0).map((label) => ({ label })) : [],
    comments: comments.map((c) => ({
      id: c.id ?? null,
      body: c.text ?? null,
      author: user(c.createdBy),
      created: c.createdDate instanceof Date ? c.createdDate.toISOString() : (c.createdDate ?? null),
    })),
    attachments: (w.relations ?? [])
      .filter((r) => r.rel === 'AttachedFile')
      .map((r) => {
        const a = (r.attributes ?? {}) as Record<string, unknown>;
        return {
          id: r.url ? r.url.split('/').pop() ?? null : null,
          filename: typeof a.name === 'string' ? a.name : null,
          filesize: typeof a.resourceSize === 'number' ? a.resourceSize : null,
          created: a.resourceCreatedDate === undefined ? null : String(plain(a.resourceCreatedDate)),
        };
      }),
    areaPath: str('System.AreaPath'),
    iterationPath: str('System.IterationPath'),
    assignee: user(f['System.AssignedTo']),
    reporter: user(f['System.CreatedBy']),
    created: str('System.CreatedDate'),
    updated: str('System.ChangedDate'),
    customFields: {},
    customKeys: {},
  };
  for (const [k, v] of Object.entries(f)) if (!MAPPED.has(k.toLowerCase())) out[k] = plain(v);
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
