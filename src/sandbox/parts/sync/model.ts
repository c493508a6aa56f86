// Between the emulator's work items and the script model: the `workItem` an outgoing or incoming script sees
// (src/ado/scriptModel.ts, with `remoteId` on comments that came from the partner), and what an incoming script
// changed, as Azure DevOps writes (a JSON Patch of fields plus new comments).
import type { WorkItem } from 'azure-devops-node-api/interfaces/WorkItemTrackingInterfaces';
import { toScriptWorkItem } from '../../../ado/scriptModel';
import type { Change } from '../../../groovy/runtime';
import type { AdoWorkItem } from '../../ado/seed';
import type { JsonPatchOp } from './emulator';

/**
 * The script model's JSON of an emulator work item; comments and attachments created from the partner's carry
 * `remoteId` (`imported`: local comment id → partner's; `files`: local attachment id → partner's).
 */
export function scriptWorkItem(w: AdoWorkItem, imported: Record<string, string>, files: Record<string, string> = {}): Record<string, unknown> {
  const live = w.comments.filter((c) => !(c as { isDeleted?: boolean }).isDeleted);
  // Attachment relations name their attachment by id; the script model reads it from the URL's last segment.
  const relations = (w.relations ?? []).map((r) => (r.attachmentId !== undefined ? { ...r, url: `emulator:/_apis/wit/attachments/${r.attachmentId}` } : r));
  const out = toScriptWorkItem({ id: w.id, rev: w.rev, fields: w.fields, relations } as WorkItem, live);
  const comments = out.comments as Array<Record<string, unknown>>;
  for (const c of comments) {
    const remote = c.id === null || c.id === undefined ? undefined : imported[String(c.id)];
    if (remote !== undefined) c.remoteId = remote;
  }
  for (const a of out.attachments as Array<Record<string, unknown>>) {
    const remote = typeof a.id === 'string' ? files[a.id] : undefined;
    if (remote !== undefined) a.remoteId = remote;
  }
  return out;
}

/** Script model property → Azure DevOps field, for the properties an incoming script may set. */
const FIELD_OF: Record<string, string> = {
  summary: 'System.Title',
  description: 'System.Description',
  status: 'System.State',
  priority: 'Microsoft.VSTS.Common.Priority',
  labels: 'System.Tags',
  areaPath: 'System.AreaPath',
  iterationPath: 'System.IterationPath',
  assignee: 'System.AssignedTo',
};

function named(v: unknown): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    return o.name ?? o.value ?? null;
  }
  return v;
}

/** The field value Azure DevOps takes for a script model value. */
function fieldValue(prop: string, v: unknown): unknown {
  switch (prop) {
    case 'status':
      return named(v);
    case 'priority': {
      const n = named(v);
      return typeof n === 'string' && /^\d+$/.test(n.trim()) ? Number(n) : n;
    }
    case 'labels':
      return Array.isArray(v)
        ? v
            .map((l) => (l && typeof l === 'object' ? (l as Record<string, unknown>).label : l))
            .filter((l): l is string | number => typeof l === 'string' || typeof l === 'number')
            .map(String)
            .join('; ')
        : v;
    case 'assignee': {
      if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        return o.email ?? o.displayName ?? null;
      }
      return v;
    }
    default:
      return v;
  }
}

/** A comment the incoming script added: its body (plain text) and the partner comment it copies, if any. */
export interface NewComment {
  body: string;
  remoteId: string | null;
}

/** An attachment the incoming script added: the partner's attachment it copies, under which name. */
export interface NewAttachment {
  remoteId: string;
  filename: string | null;
}

export interface IncomingWrites {
  patch: JsonPatchOp[];
  comments: NewComment[];
  /** Comments that exist here (with an `id`) and the text the script left them with. */
  commentTexts: Array<{ id: string; body: string }>;
  attachments: NewAttachment[];
  /** Create only: where and what (`workItem.projectKey`, `workItem.typeName`, else the replica's type). */
  project: string | null;
  type: string | null;
}

/**
 * What to write for an incoming script's result: every changed property with an Azure DevOps field (the table above,
 * and properties named like a field reference, `Custom.Team`) becomes a patch op; comments without an `id` are new.
 * Attachments without an `id` and with a `remoteId` are new (copies of the partner's). Custom field maps and read-only
 * properties (id, key, created, …) are not written.
 */
export function incomingWrites(changes: Change[], after: Record<string, unknown>): IncomingWrites {
  const patch: JsonPatchOp[] = [];
  for (const c of changes) {
    const field = FIELD_OF[c.field] ?? (/^[A-Za-z][\w]*(\.[A-Za-z_][\w]*)+$/.test(c.field) ? c.field : undefined);
    if (!field) continue;
    const value = fieldValue(c.field, c.after);
    if (value === null || value === undefined || value === '') {
      if (c.before !== null && c.before !== undefined) patch.push({ op: 'remove', path: `/fields/${field}` });
      continue;
    }
    patch.push({ op: 'add', path: `/fields/${field}`, value });
  }
  const comments: NewComment[] = [];
  const commentTexts: IncomingWrites['commentTexts'] = [];
  for (const c of Array.isArray(after.comments) ? (after.comments as unknown[]) : []) {
    if (!c || typeof c !== 'object') continue;
    const m = c as Record<string, unknown>;
    if (m.id !== null && m.id !== undefined) {
      commentTexts.push({ id: String(m.id), body: m.body === null || m.body === undefined ? '' : String(m.body) });
      continue;
    }
    const body = m.body === null || m.body === undefined ? '' : String(m.body);
    if (body === '') continue;
    comments.push({ body, remoteId: m.remoteId === null || m.remoteId === undefined ? null : String(m.remoteId) });
  }
  const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : null);
  const attachments: NewAttachment[] = [];
  for (const a of Array.isArray(after.attachments) ? (after.attachments as unknown[]) : []) {
    if (!a || typeof a !== 'object') continue;
    const m = a as Record<string, unknown>;
    if ((m.id !== null && m.id !== undefined) || m.remoteId === null || m.remoteId === undefined) continue;
    attachments.push({ remoteId: String(m.remoteId), filename: str(m.filename) });
  }
  return {
    patch,
    comments,
    commentTexts,
    attachments,
    project: str(after.projectKey),
    type: str(after.typeName) ?? str(named(after.type)),
  };
}

/** Plain comment text as the HTML Azure DevOps stores: `&`, `<`, `>`, `"` escaped, line breaks as `<br>`. */
export function commentHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\r?\n/g, '<br>');
}
