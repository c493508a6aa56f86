// JSON Patch documents for work items (`createWorkItem` / `updateWorkItem`): parsing, applying the operations to a
// copy of a work item and checking the result against the field catalogue of the project's process (./fields.ts)
// with the service's rule errors. Pure: nothing here writes; workItems.ts commits what this returns.
import * as z from 'zod';
import { AdoError, badRequest, ruleError, unknownField, witError } from './errors';
import { byName, findType, typeFields, type FieldDef } from './fields';
import type { AdoFieldValue, AdoIdentity, AdoProject, AdoRelation, AdoWorkItem } from './seed';

/** One operation as the service accepts it (`op` by name; the .NET and node clients may also send the enum number). */
export type JsonPatchOp = { op: 'add' | 'replace' | 'remove' | 'test'; path: string; value?: unknown; from?: string };

const OP_NAMES = ['add', 'remove', 'replace', 'move', 'copy', 'test'] as const;

const RawOp = z.object({
  op: z.union([z.string(), z.number().int()]),
  path: z.string().max(1_000),
  value: z.unknown().optional(),
  from: z.string().nullish(),
});
const RawDoc = z.array(RawOp).max(1_000, 'a patch document has at most 1000 operations');

const INVALID_DOC = 'You must pass a valid patch document in the body of the request.';

/** Validates a patch document (REST body or in-process argument); the message is the service's. */
export function parsePatch(doc: unknown): JsonPatchOp[] {
  const parsed = RawDoc.safeParse(doc);
  if (!parsed.success || parsed.data.length === 0) {
    const why = parsed.success ? 'it has no operations' : parsed.error.issues[0]?.message;
    throw new AdoError(400, `${INVALID_DOC} (${why})`, 'VssPropertyValidationException', 'Microsoft.VisualStudio.Services.Common.VssPropertyValidationException, Microsoft.VisualStudio.Services.Common');
  }
  return parsed.data.map((o) => {
    const name = typeof o.op === 'number' ? OP_NAMES[o.op] : OP_NAMES.find((n) => n === String(o.op).toLowerCase());
    if (name === undefined) throw badRequest(`${INVALID_DOC} (unknown operation '${String(o.op)}')`, 'VssPropertyValidationException');
    if (name === 'move' || name === 'copy') throw badRequest(`The operation '${name}' is not supported for work items: use add, replace, remove or test.`, 'VssPropertyValidationException');
    if (name === 'remove' && o.value !== undefined && o.value !== null) throw badRequest('Remove requires Value to be null.', 'VssPropertyValidationException');
    return { op: name, path: o.path, ...(o.value !== undefined ? { value: o.value } : {}), ...(o.from ? { from: o.from } : {}) };
  });
}

/** Link types between work items: reference name → [name, reverse reference name]. */
export const LINK_TYPES: Record<string, [string, string]> = {
  'System.LinkTypes.Hierarchy-Forward': ['Child', 'System.LinkTypes.Hierarchy-Reverse'],
  'System.LinkTypes.Hierarchy-Reverse': ['Parent', 'System.LinkTypes.Hierarchy-Forward'],
  'System.LinkTypes.Related': ['Related', 'System.LinkTypes.Related'],
  'System.LinkTypes.Dependency-Forward': ['Successor', 'System.LinkTypes.Dependency-Reverse'],
  'System.LinkTypes.Dependency-Reverse': ['Predecessor', 'System.LinkTypes.Dependency-Forward'],
  'System.LinkTypes.Duplicate-Forward': ['Duplicate', 'System.LinkTypes.Duplicate-Reverse'],
  'System.LinkTypes.Duplicate-Reverse': ['Duplicate Of', 'System.LinkTypes.Duplicate-Forward'],
};
const OTHER_RELS: Record<string, string> = { AttachedFile: 'Attached File', Hyperlink: 'Hyperlink', ArtifactLink: 'Artifact Link' };

/** Canonical spelling of a relation type, or undefined. */
export function relationType(rel: string): string | undefined {
  const key = rel.toLowerCase();
  return [...Object.keys(LINK_TYPES), ...Object.keys(OTHER_RELS)].find((r) => r.toLowerCase() === key);
}

export function relationName(rel: string): string {
  return LINK_TYPES[rel]?.[0] ?? OTHER_RELS[rel] ?? rel;
}

/** Fields a patch may not set (the service computes them). */
const COMPUTED = new Set(
  ['System.Id', 'System.Rev', 'System.TeamProject', 'System.WorkItemType', 'System.CreatedBy', 'System.CreatedDate', 'System.ChangedBy', 'System.ChangedDate', 'System.CommentCount', 'System.Parent'].map((f) => f.toLowerCase()),
);

/** Default reason of a state (Agile process). */
export const STATE_REASON: Record<string, string> = {
  New: 'New',
  Active: 'Implementation started',
  Resolved: 'Code complete and unit tests pass',
  Closed: 'Acceptance tests pass',
  Removed: 'Removed from the backlog',
};

const MAX_STRING = 255;
const MAX_TEXT = 1024 * 1024;

export interface PatchEnv {
  project: AdoProject;
  /** Work item type name (canonical). */
  type: string;
  creating: boolean;
  /** Resolves an identity value (`Name <mail>`, a mail address, a display name or an identity object). */
  identity(value: unknown): AdoIdentity | undefined;
  /** Whether a work item exists (link targets). */
  workItemExists(id: number): boolean;
  /** The attachment of this organization a URL names, if any. */
  attachment(url: string): { id: string; fileName: string; size: number; createdDate: string } | undefined;
}

export interface PatchResult {
  /** The work item after the operations (rev, dates and authors not yet set). */
  item: AdoWorkItem;
  /** Text of a `System.History` operation: a comment added with the same revision. */
  history?: string;
}

function fieldValueText(v: AdoFieldValue | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'object') return `${v.displayName} <${v.uniqueName}>`;
  return String(v);
}

/** Normalises `System.Tags`: `;`- or `,`-separated, trimmed, de-duplicated (case-insensitively), sorted like the service shows them. */
export function normaliseTags(raw: string): string {
  const seen = new Map<string, string>();
  for (const t of raw.split(/[;,]/)) {
    const tag = t.trim();
    if (tag && !seen.has(tag.toLowerCase())) seen.set(tag.toLowerCase(), tag);
  }
  return [...seen.values()].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' })).join('; ');
}

function coerce(def: FieldDef, raw: unknown, env: PatchEnv): AdoFieldValue {
  const bad = (codes: string[], detail: string) => ruleError(def.referenceName, def.name, codes, detail);
  if (raw === null || raw === undefined) throw bad(['InvalidEmpty'], `The field '${def.name}' needs a value; use the remove operation to clear it.`);
  let value: AdoFieldValue;
  switch (def.type) {
    case 'integer':
    case 'picklistInteger': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(n)) throw bad(['InvalidType'], `The value '${String(raw)}' of field '${def.name}' is not an integer.`);
      value = n;
      break;
    }
    case 'double':
    case 'picklistDouble': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(n)) throw bad(['InvalidType'], `The value '${String(raw)}' of field '${def.name}' is not a number.`);
      value = n;
      break;
    }
    case 'boolean': {
      const b = typeof raw === 'boolean' ? raw : raw === 'true' || raw === 'True' ? true : raw === 'false' || raw === 'False' ? false : undefined;
      if (b === undefined) throw bad(['InvalidType'], `The value '${String(raw)}' of field '${def.name}' is not true or false.`);
      value = b;
      break;
    }
    case 'dateTime': {
      const t = typeof raw === 'string' ? Date.parse(raw) : NaN;
      if (Number.isNaN(t)) throw bad(['InvalidType'], `The value '${String(raw)}' of field '${def.name}' is not a date and time.`);
      value = new Date(t).toISOString();
      break;
    }
    case 'identity': {
      const who = env.identity(raw);
      if (!who) throw bad(['InvalidIdentityField'], `The identity value '${typeof raw === 'string' ? raw : JSON.stringify(raw)}' for field '${def.name}' is an unknown identity.`);
      value = who;
      break;
    }
    default: {
      if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') throw bad(['InvalidType'], `The field '${def.name}' holds text, not ${Array.isArray(raw) ? 'a list' : typeof raw}.`);
      let text = String(raw);
      const limit = def.type === 'string' || def.type === 'picklistString' || def.type === 'treePath' ? MAX_STRING : MAX_TEXT;
      if (text.length > limit) throw bad(['InvalidTooLong'], `The value of field '${def.name}' is ${text.length} characters long; at most ${limit} are allowed.`);
      if (def.referenceName === 'System.Tags') text = normaliseTags(text);
      value = text;
    }
  }
  if (def.allowedValues && !def.allowedValues.some((a) => a.toLowerCase() === String(value).toLowerCase())) {
    throw bad(['HasValues', 'LimitedToValues', 'InvalidListValue'], `The field '${def.name}' contains the value '${String(value)}' that is not in the list of supported values`);
  }
  if (def.allowedValues && typeof value === 'string') value = def.allowedValues.find((a) => a.toLowerCase() === String(value).toLowerCase()) ?? value;
  return value;
}

function sameValue(a: AdoFieldValue | undefined, b: unknown): boolean {
  if (a === undefined) return b === undefined || b === null || b === '';
  if (typeof a === 'object') {
    if (typeof b === 'object' && b !== null) return (b as { uniqueName?: unknown }).uniqueName === a.uniqueName;
    return b === a.uniqueName || b === a.displayName || b === fieldValueText(a);
  }
  return String(a) === String(b);
}

const RelationValue = z.object({
  rel: z.string().min(1),
  url: z.string().min(1).max(2_048),
  attributes: z.record(z.string(), z.unknown()).nullish(),
});

function relationIndex(raw: string, item: AdoWorkItem, path: string): number {
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 0 && n < item.relations.length)) {
    throw badRequest(`The relation index in path '${path}' is out of range: the work item has ${item.relations.length} relations.`, 'VssPropertyValidationException');
  }
  return n;
}

function parseRelation(value: unknown, item: AdoWorkItem, env: PatchEnv): AdoRelation {
  const v = RelationValue.safeParse(value);
  if (!v.success) throw badRequest(`A relation needs { rel, url, attributes? }: ${v.error.issues[0]?.message ?? 'invalid'} at ${v.error.issues[0]?.path.join('.') || 'value'}.`, 'VssPropertyValidationException');
  const rel = relationType(v.data.rel);
  if (!rel) throw witError(400, `The link type '${v.data.rel}' does not exist: use ${[...Object.keys(LINK_TYPES), ...Object.keys(OTHER_RELS)].join(', ')}.`, 'WorkItemLinkTypeNotFoundException');
  const comment = v.data.attributes?.comment;
  const attributes: Record<string, unknown> = { name: relationName(rel) };
  if (typeof comment === 'string' && comment !== '') attributes.comment = comment;
  if (LINK_TYPES[rel]) {
    const m = /\/_apis\/wit\/workitems\/(\d+)\/?$/i.exec(v.data.url);
    const target = m ? Number(m[1]) : NaN;
    if (!Number.isSafeInteger(target)) throw badRequest(`The url of a ${relationName(rel)} link must name a work item (…/_apis/wit/workItems/{id}), not '${v.data.url}'.`, 'VssPropertyValidationException');
    if (target === item.id) throw witError(400, `TF201036: Work item ${item.id} cannot be linked to itself.`, 'WorkItemLinkInvalidException');
    if (!env.workItemExists(target)) throw witError(400, `TF201063: The link target work item ${target} does not exist, or you do not have permissions to read it.`, 'WorkItemLinkInvalidException');
    return { rel, workItemId: target, attributes };
  }
  if (rel === 'AttachedFile') {
    const a = env.attachment(v.data.url);
    if (!a) throw witError(400, `The attachment '${v.data.url}' does not exist: upload it first (createAttachment) and link the url it answers.`, 'AttachmentNotFoundException');
    return { rel, attachmentId: a.id, attributes: { ...attributes, name: a.fileName, resourceSize: a.size, resourceCreatedDate: a.createdDate, id: a.id } };
  }
  const ok = rel === 'Hyperlink' ? /^https?:\/\/\S+$/i.test(v.data.url) : /^vstfs:\/\/\/\S+$/i.test(v.data.url);
  if (!ok) throw badRequest(`The url of a ${relationName(rel)} must be ${rel === 'Hyperlink' ? 'an http(s) URL' : 'a vstfs:/// artifact URI'}, not '${v.data.url}'.`, 'VssPropertyValidationException');
  return { rel, url: v.data.url, attributes };
}

function sameTarget(a: AdoRelation, b: AdoRelation): boolean {
  return a.rel === b.rel && a.workItemId === b.workItemId && a.attachmentId === b.attachmentId && a.url === b.url;
}

/**
 * Applies `ops` in order to a copy of `base` and checks the result. Throws {@link AdoError} (and changes nothing) on
 * the first problem: an unknown field (TF51535), a refused value (TF401320), a bad tree path (TF401347), a failed
 * `test` (412) or a bad relation.
 */
export function applyPatch(base: AdoWorkItem, ops: JsonPatchOp[], env: PatchEnv): PatchResult {
  const item: AdoWorkItem = { ...base, fields: { ...base.fields }, relations: base.relations.map((r) => ({ ...r, attributes: { ...r.attributes } })), comments: base.comments };
  const defs = typeFields(env.type, env.project.name);
  const type = findType(env.type);
  let history: string | undefined;
  let reasonSet = false;
  for (const op of ops) {
    const path = op.path;
    const seg = path.split('/');
    if (seg[0] !== '' || seg.length < 2) throw badRequest(`The path '${path}' must start with '/'.`, 'VssPropertyValidationException');
    const head = seg[1].toLowerCase();
    if (head === 'fields' && seg.length === 3 && seg[2] !== '') {
      const def = byName(defs, seg[2]);
      if (!def) throw unknownField(seg[2]);
      const ref = def.referenceName;
      if (op.op === 'test') {
        if (!sameValue(item.fields[ref], op.value)) {
          throw witError(412, `Test operation failed for path ${path}: expected ${JSON.stringify(op.value)}, the work item has ${JSON.stringify(fieldValueText(item.fields[ref]))}.`, 'WorkItemPatchTestFailedException');
        }
        continue;
      }
      if (COMPUTED.has(ref.toLowerCase()) || def.readOnly) {
        throw ruleError(ref, def.name, ['ReadOnly', 'InvalidNotOldValue'], `The field '${def.name}' is read-only: the service sets it.`);
      }
      if (ref === 'System.History') {
        if (op.op === 'remove') throw ruleError(ref, def.name, ['InvalidEmpty'], 'History cannot be removed.');
        const text = coerce(def, op.value, env);
        history = String(text);
        continue;
      }
      if (ref === 'System.Reason') reasonSet = op.op !== 'remove';
      if (op.op === 'remove') delete item.fields[ref];
      else item.fields[ref] = coerce(def, op.value, env);
      continue;
    }
    if (head === 'relations' && seg.length >= 3) {
      if (seg.length === 3 && seg[2] === '-') {
        if (op.op !== 'add') throw badRequest(`The path '${path}' only takes the add operation.`, 'VssPropertyValidationException');
        const r = parseRelation(op.value, item, env);
        if (item.relations.some((x) => sameTarget(x, r))) throw witError(400, `TF201035: The ${relationName(r.rel)} link already exists on work item ${item.id}.`, 'WorkItemLinkAlreadyExistsException');
        item.relations.push(r);
        continue;
      }
      const i = relationIndex(seg[2], item, path);
      if (seg.length === 3) {
        if (op.op === 'remove') item.relations.splice(i, 1);
        else if (op.op === 'test') {
          const v = RelationValue.safeParse(op.value);
          if (!v.success || relationType(v.data.rel) !== item.relations[i].rel) {
            throw witError(412, `Test operation failed for path ${path}: the relation there is a ${item.relations[i].rel} link.`, 'WorkItemPatchTestFailedException');
          }
        } else {
          const r = parseRelation(op.value, item, env);
          item.relations.splice(i, 1, r);
        }
        continue;
      }
      if (seg.length === 5 && seg[3] === 'attributes' && seg[4] === 'comment' && (op.op === 'add' || op.op === 'replace' || op.op === 'remove')) {
        const r = item.relations[i];
        if (op.op === 'remove') delete r.attributes.comment;
        else r.attributes.comment = typeof op.value === 'string' ? op.value : String(op.value ?? '');
        continue;
      }
      throw badRequest(`The path '${path}' is not supported: use /relations/-, /relations/{index} or /relations/{index}/attributes/comment.`, 'VssPropertyValidationException');
    }
    if ((head === 'rev' || head === 'id') && seg.length === 2) {
      if (op.op !== 'test') throw badRequest(`The path '${path}' only takes the test operation.`, 'VssPropertyValidationException');
      const actual = head === 'rev' ? base.rev : base.id;
      if (String(actual) !== String(op.value)) {
        throw witError(
          412,
          head === 'rev'
            ? `TF26071: This work item has been changed by someone else since you opened it (revision ${actual}, the patch tests for ${String(op.value)}). Refresh it and apply your changes again.`
            : `Test operation failed for path /id: the work item is ${actual}.`,
          'WorkItemPatchTestFailedException',
        );
      }
      continue;
    }
    throw badRequest(`The path '${path}' is not a work item field or relation: use /fields/{referenceName}, /relations/- or /relations/{index}.`, 'VssPropertyValidationException');
  }

  // Rules over the result.
  const def = (ref: string) => byName(defs, ref)!;
  const title = item.fields['System.Title'];
  if (typeof title !== 'string' || title.trim() === '') throw ruleError('System.Title', 'Title', ['Required', 'InvalidEmpty'], "The field 'Title' cannot be empty.");
  if (env.creating && item.fields['System.State'] === undefined) item.fields['System.State'] = type?.states[0][0] ?? 'New';
  const state = item.fields['System.State'];
  const states = type?.states.map((s) => s[0]) ?? [];
  const canonicalState = states.find((s) => s.toLowerCase() === String(state).toLowerCase());
  if (state === undefined) throw ruleError('System.State', 'State', ['Required', 'InvalidEmpty'], "The field 'State' cannot be empty.");
  if (!canonicalState) {
    throw ruleError('System.State', 'State', ['Required', 'HasValues', 'LimitedToValues', 'AllowsOldValue', 'InvalidListValue'], `The field 'State' contains the value '${String(state)}' that is not in the list of supported values`);
  }
  item.fields['System.State'] = canonicalState;
  if (!reasonSet && (env.creating || base.fields['System.State'] !== canonicalState)) item.fields['System.Reason'] = STATE_REASON[canonicalState] ?? `Moved to state ${canonicalState}`;
  for (const ref of ['System.AreaPath', 'System.IterationPath']) {
    const v = item.fields[ref];
    if (v === undefined) {
      item.fields[ref] = env.project.name;
      continue;
    }
    const p = String(v);
    const root = env.project.name.toLowerCase();
    if (p.toLowerCase() !== root && !p.toLowerCase().startsWith(`${root}\\`)) {
      throw witError(400, `TF401347: Invalid tree name given for work item ${env.creating ? -1 : item.id}, field '${ref}'.`, 'WorkItemTreePathInvalidException');
    }
    item.fields[ref] = env.project.name + p.slice(env.project.name.length);
  }
  if (env.creating && item.fields['Microsoft.VSTS.Common.Priority'] === undefined && def('Microsoft.VSTS.Common.Priority')) item.fields['Microsoft.VSTS.Common.Priority'] = 2;
  if (item.fields['System.Tags'] === '') delete item.fields['System.Tags'];
  const parents = item.relations.filter((r) => r.rel === 'System.LinkTypes.Hierarchy-Reverse');
  if (parents.length > 1) {
    throw witError(400, `TF201036: You cannot add a Child link between work items ${parents[1].workItemId} and ${item.id} because a work item can have only one Parent link.`, 'WorkItemLinkInvalidException');
  }
  if (parents.length === 1) item.fields['System.Parent'] = parents[0].workItemId!;
  else delete item.fields['System.Parent'];
  return { item, ...(history !== undefined ? { history } : {}) };
}
