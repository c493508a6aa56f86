// A REST work item with its comments → the script model's work item JSON (docs/test-run.md), which the runtime
// (src/groovy/runtime) reads as `workItem`. Pure: type-only imports, so the sandbox node's sync engine
// (src/sandbox/parts/sync) can use it without bundling azure-devops-node-api. No `vscode`, no Node built-ins.
import type { WorkItem } from 'azure-devops-node-api/interfaces/WorkItemTrackingInterfaces';

export interface Identity {
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

