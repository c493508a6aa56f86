// The emulator's work items and their writes: create / update (JSON Patch, ./patch.ts), comments, attachments,
// revisions, origin tags and change listeners. REST (emulator.ts) and the in-process API both call these methods,
// so both take the same code path and throw the same AdoError.
//
// Persistence: with a store (the sandbox node's, src/sandbox/store.ts) every write is ONE store commit (journal line
// fdatasync'd) holding all it changes: the work item record(s), one revision record per changed item, the origin tag
// and the id counter. Memory is updated and listeners are called only after the commit returned, so a write that
// throws (quota, disk) changed nothing, and a write that returned survives kill -9. Attachment bytes are store blobs
// (base64 text, written and fsync'd before the commit that refers to them).
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { StoreError, blobHash, type Store, type StoreOp } from '../store';
import { AdoError, FRAMEWORK, badRequest, witError, workItemNotFound } from './errors';
import { findType } from './fields';
import { LINK_TYPES, applyPatch, parsePatch, relationName, type JsonPatchOp } from './patch';
import { stableUuid, type AdoComment, type AdoFieldValue, type AdoIdentity, type AdoProject, type AdoRelation, type AdoWorkItem } from './seed';

/** Who wrote: `origin` is an opaque tag (undefined = a user through REST; the sync engine passes `sync:<connectionId>:<messageId>`). */
export interface WriteOptions {
  origin?: string;
  author?: AdoIdentity;
}

/** One durable change of one work item (a new revision). */
export interface WorkItemChange {
  id: number;
  rev: number;
  projectName: string;
  origin: string | null;
  changedDate: string;
}

/** A revision as `getRevisions` answers it: the fields and relations after that write. */
export interface AdoRevision {
  id: number;
  rev: number;
  fields: Record<string, AdoFieldValue>;
  relations: AdoRelation[];
  origin: string | null;
}

export interface AdoAttachment {
  id: string;
  fileName: string;
  size: number;
  projectId: string;
  createdDate: string;
  createdBy: AdoIdentity;
}

/** What the emulator uses of the node's store (src/sandbox/store.ts). */
export type AdoPersistence = Pick<Store, 'get' | 'entries' | 'commit' | 'prepareBlob' | 'readBlob'>;

/** Default cap of one attachment upload (the service's simple upload allows 130 MB; the emulator keeps it smaller). */
export const DEFAULT_MAX_ATTACHMENT_BYTES = 16 * 1024 * 1024;
const MAX_COMMENT = 1024 * 1024;
const MAX_ORIGIN = 512;

interface StoredAttachment extends AdoAttachment {
  /** Store blob of the base64 content (with a store), or the bytes themselves (in memory). */
  blob?: string;
  content?: Buffer;
}

interface OriginHit {
  id: number;
  rev: number;
  commentId?: number;
}

/** A planned change of one work item (not yet applied). */
interface Planned {
  item: AdoWorkItem;
  commentId?: number;
}

// Schemas of the stored records: what the store hands back on start is checked like any other input.
const Identity = z.object({ id: z.string(), displayName: z.string(), uniqueName: z.string() });
const FieldValue = z.union([z.string(), z.number(), z.boolean(), Identity]);
const Relation = z.object({
  rel: z.string(),
  workItemId: z.number().int().optional(),
  attachmentId: z.string().optional(),
  url: z.string().optional(),
  attributes: z.record(z.string(), z.unknown()),
});
const Version = z.object({ version: z.number().int(), text: z.string(), modifiedBy: Identity, modifiedDate: z.string(), isDeleted: z.boolean().optional() });
const Comment = z.object({
  id: z.number().int().positive(),
  version: z.number().int().positive(),
  text: z.string(),
  createdBy: Identity,
  createdDate: z.string(),
  modifiedBy: Identity,
  modifiedDate: z.string(),
  isDeleted: z.boolean().optional(),
  previous: z.array(Version).optional(),
});
const ItemRecord = z.object({
  id: z.number().int().positive(),
  rev: z.number().int().positive(),
  projectId: z.string(),
  fields: z.record(z.string(), FieldValue),
  comments: z.array(Comment),
  relations: z.array(Relation),
});
const RevisionRecord = z.object({
  id: z.number().int().positive(),
  rev: z.number().int().positive(),
  fields: z.record(z.string(), FieldValue),
  relations: z.array(Relation),
  origin: z.string().nullable(),
});
const OriginRecord = z.object({ id: z.number().int().positive(), rev: z.number().int().positive(), commentId: z.number().int().positive().optional() });
const FileRecord = z.object({
  id: z.string(),
  fileName: z.string(),
  size: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  projectId: z.string(),
  createdDate: z.string(),
  createdBy: Identity,
  blob: z.string(),
});

/** A stored record checked against its schema; a mismatch stops the start with the collection and key named. */
function checked<S extends z.ZodType>(schema: S, collection: string, key: string, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(`The stored Azure DevOps emulator record ${collection}/${key} is not valid (${i?.path.join('.') || 'value'}: ${i?.message ?? 'invalid'}); the store cannot be loaded`);
  }
  return r.data;
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

export class WorkItemBook {
  private readonly items = new Map<number, AdoWorkItem>();
  private readonly revisions = new Map<number, AdoRevision[]>();
  private readonly origins = new Map<string, OriginHit>();
  private readonly attachments = new Map<string, StoredAttachment>();
  private readonly listeners = new Set<(c: WorkItemChange) => void>();
  /** Changes not yet told to the listeners (a listener that writes queues its change behind the current ones). */
  private readonly pending: WorkItemChange[] = [];
  private delivering = false;
  private nextId = 1;
  private lastChange = 0;
  private readonly key: string;

  constructor(
    org: string,
    private readonly store: AdoPersistence | undefined,
    private readonly projects: { byId(id: string): AdoProject | undefined; find(idOrName: string): AdoProject | undefined },
    private readonly people: AdoIdentity[],
    /** Author of writes without `author` (REST: the PAT owner). */
    private readonly defaultAuthor: AdoIdentity,
    readonly maxAttachmentBytes: number,
    seed: AdoWorkItem[],
  ) {
    this.key = org.toLowerCase();
    for (const w of seed) this.items.set(w.id, w);
    if (store) this.load(store);
    for (const w of this.items.values()) {
      this.nextId = Math.max(this.nextId, w.id + 1);
      // Changed dates keep increasing after a restart even if the clock went back.
      const changed = Date.parse(String(w.fields['System.ChangedDate']));
      if (Number.isFinite(changed)) this.lastChange = Math.max(this.lastChange, changed);
    }
  }

  // ---- persistence -------------------------------------------------------------------------------------------

  private k(...parts: Array<string | number>): string {
    return [this.key, ...parts].join(':');
  }

  private load(store: AdoPersistence): void {
    const prefix = `${this.key}:`;
    for (const [k, raw] of store.entries<unknown>('adoItems')) {
      if (!k.startsWith(prefix)) continue;
      const v = checked(ItemRecord, 'adoItems', k, raw);
      this.items.set(v.id, v);
    }
    for (const [k, raw] of store.entries<unknown>('adoRevs')) {
      if (!k.startsWith(prefix)) continue;
      const v = checked(RevisionRecord, 'adoRevs', k, raw);
      const list = this.revisions.get(v.id) ?? [];
      list.push(v);
      this.revisions.set(v.id, list);
    }
    for (const list of this.revisions.values()) list.sort((a, b) => a.rev - b.rev);
    for (const [k, raw] of store.entries<unknown>('adoOrigins')) {
      if (k.startsWith(prefix)) this.origins.set(k.slice(prefix.length), checked(OriginRecord, 'adoOrigins', k, raw));
    }
    // Stored with `size` = the blob's size (the store's quota accounting) and `bytes` = the attachment's.
    for (const [k, raw] of store.entries<unknown>('adoFiles')) {
      if (!k.startsWith(prefix)) continue;
      const { bytes, ...v } = checked(FileRecord, 'adoFiles', k, raw);
      this.attachments.set(v.id, { ...v, size: bytes });
    }
    const next = store.get<unknown>('meta', `ado:${this.key}:nextId`);
    if (next !== undefined) this.nextId = Math.max(this.nextId, checked(z.number().int().positive(), 'meta', `ado:${this.key}:nextId`, next));
  }

  /** Commits the planned changes durably (one store commit), then applies them in memory and tells the listeners. */
  private commit(planned: Planned[], origin: string | null, extra: { ops?: StoreOp[]; blobs?: string[]; nextId?: number } = {}): void {
    const ops: StoreOp[] = [...(extra.ops ?? [])];
    /** Seeded items written for the first time: their seeded state becomes their first recorded revision. */
    const firsts: AdoRevision[] = [];
    for (const p of planned) {
      const before = this.items.get(p.item.id);
      if (before && !this.revisions.has(p.item.id)) {
        const r: AdoRevision = { id: before.id, rev: before.rev, fields: before.fields, relations: before.relations, origin: null };
        firsts.push(r);
        ops.push({ c: 'adoRevs', k: this.k(r.id, r.rev), v: r });
      }
      ops.push({ c: 'adoItems', k: this.k(p.item.id), v: p.item });
      const rev: AdoRevision = { id: p.item.id, rev: p.item.rev, fields: p.item.fields, relations: p.item.relations, origin };
      ops.push({ c: 'adoRevs', k: this.k(p.item.id, p.item.rev), v: rev });
    }
    const first = planned[0];
    if (origin !== null && first) {
      ops.push({ c: 'adoOrigins', k: this.k(origin), v: { id: first.item.id, rev: first.item.rev, ...(first.commentId !== undefined ? { commentId: first.commentId } : {}) } });
    }
    if (extra.nextId !== undefined) ops.push({ c: 'meta', k: `ado:${this.key}:nextId`, v: extra.nextId });
    if (this.store) {
      try {
        this.store.commit(ops, extra.blobs);
      } catch (e) {
        throw storeFailure(e);
      }
    }
    // Durable: now memory, then listeners.
    if (extra.nextId !== undefined) this.nextId = extra.nextId;
    for (const r of firsts) this.revisions.set(r.id, [r]);
    for (const p of planned) {
      this.items.set(p.item.id, p.item);
      const list = this.revisions.get(p.item.id) ?? [];
      list.push({ id: p.item.id, rev: p.item.rev, fields: p.item.fields, relations: p.item.relations, origin });
      this.revisions.set(p.item.id, list);
    }
    if (origin !== null && first) this.origins.set(origin, { id: first.item.id, rev: first.item.rev, ...(first.commentId !== undefined ? { commentId: first.commentId } : {}) });
    for (const p of planned) {
      this.pending.push({
        id: p.item.id,
        rev: p.item.rev,
        projectName: this.projects.byId(p.item.projectId)?.name ?? String(p.item.fields['System.TeamProject'] ?? ''),
        origin,
        changedDate: String(p.item.fields['System.ChangedDate']),
      });
    }
    this.deliver();
  }

  /** Tells every listener every pending change, in commit order (also when a listener writes). */
  private deliver(): void {
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (let change = this.pending.shift(); change; change = this.pending.shift()) {
        for (const l of [...this.listeners]) {
          try {
            l(change);
          } catch {
            /* a listener's failure is its own; the write is done */
          }
        }
      }
    } finally {
      this.delivering = false;
    }
  }

  // ---- reads -------------------------------------------------------------------------------------------------

  /** The stored record (callers must not mutate it; the in-process API hands out copies). */
  peek(id: number): AdoWorkItem | undefined {
    return this.items.get(id);
  }

  get(id: number): AdoWorkItem | undefined {
    const w = this.items.get(id);
    return w ? clone(w) : undefined;
  }

  all(): AdoWorkItem[] {
    return [...this.items.values()];
  }

  revisionsOf(id: number): AdoRevision[] {
    return this.revisions.get(id) ?? [];
  }

  findByOrigin(origin: string): OriginHit | undefined {
    const hit = this.origins.get(origin);
    return hit ? { ...hit } : undefined;
  }

  onChange(listener: (c: WorkItemChange) => void): () => void {
    const l = (c: WorkItemChange) => listener(c);
    this.listeners.add(l);
    return () => void this.listeners.delete(l);
  }

  attachment(id: string): AdoAttachment | undefined {
    const a = this.attachments.get(id.toLowerCase());
    if (!a) return undefined;
    const { blob: _b, content: _c, ...meta } = a;
    return meta;
  }

  attachmentContent(id: string): Buffer | undefined {
    const a = this.attachments.get(id.toLowerCase());
    if (!a) return undefined;
    if (a.content) return a.content;
    if (a.blob && this.store) return Buffer.from(this.store.readBlob(a.blob), 'base64');
    return undefined;
  }

  // ---- writes ------------------------------------------------------------------------------------------------

  private author(opts: WriteOptions | undefined): AdoIdentity {
    return opts?.author ? { id: opts.author.id, displayName: opts.author.displayName, uniqueName: opts.author.uniqueName } : this.defaultAuthor;
  }

  private origin(opts: WriteOptions | undefined): string | null {
    const o = opts?.origin;
    if (o === undefined) return null;
    if (typeof o !== 'string' || o.length === 0 || o.length > MAX_ORIGIN) throw badRequest(`An origin tag is 1–${MAX_ORIGIN} characters.`);
    return o;
  }

  /** A changed date after every earlier one of this emulator (two writes in one millisecond still order). */
  private now(): string {
    this.lastChange = Math.max(Date.now(), this.lastChange + 1);
    return new Date(this.lastChange).toISOString();
  }

  /** Resolves `Name <mail>`, a mail address, a known display name or an identity object. */
  identity(value: unknown): AdoIdentity | undefined {
    if (typeof value === 'object' && value !== null) {
      const v = value as Partial<AdoIdentity>;
      if (typeof v.uniqueName === 'string') return this.identity(v.displayName ? `${v.displayName} <${v.uniqueName}>` : v.uniqueName);
      return undefined;
    }
    if (typeof value !== 'string') return undefined;
    const text = value.trim();
    const m = /^(.*?)\s*<([^<>\s]+@[^<>\s]+)>$/.exec(text) ?? (/^[^<>\s]+@[^<>\s]+$/.test(text) ? [text, '', text] : null);
    if (m) {
      const mail = m[2].toLowerCase();
      const known = [...this.people, this.defaultAuthor].find((p) => p.uniqueName.toLowerCase() === mail);
      if (known) return { ...known };
      const name = m[1] || mail.split('@')[0].replace(/[._-]+/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());
      return { id: identityId(mail), displayName: name, uniqueName: mail };
    }
    const byName = [...this.people, this.defaultAuthor].find((p) => p.displayName.toLowerCase() === text.toLowerCase());
    return byName ? { ...byName } : undefined;
  }

  private requireProject(name: string): AdoProject {
    const p = this.projects.find(name);
    if (!p) {
      throw new AdoError(
        404,
        `TF200016: The following project does not exist: ${name}. Verify that the name of the project is correct and that the project exists on the specified Azure DevOps Server.`,
        'ProjectDoesNotExistWithNameException',
        `${FRAMEWORK}.ProjectDoesNotExistWithNameException, ${FRAMEWORK}`,
      );
    }
    return p;
  }

  private env(project: AdoProject, type: string, creating: boolean) {
    return {
      project,
      type,
      creating,
      identity: (v: unknown) => this.identity(v),
      workItemExists: (id: number) => this.items.has(id),
      attachment: (url: string) => {
        const m = /\/_apis\/wit\/attachments\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:[/?#]|$)/i.exec(url);
        return m ? this.attachment(m[1]) : undefined;
      },
    };
  }

  /** Stamps a new revision on `item` (rev, changed date and author) and adds a history comment if any. */
  private stamp(item: AdoWorkItem, rev: number, when: string, who: AdoIdentity, history: string | undefined): number | undefined {
    item.rev = rev;
    item.fields['System.ChangedDate'] = when;
    item.fields['System.ChangedBy'] = who;
    let commentId: number | undefined;
    if (history !== undefined && history.trim() !== '') {
      commentId = nextCommentId(item);
      item.comments = [...item.comments, { id: commentId, version: 1, text: history, createdBy: who, createdDate: when, modifiedBy: who, modifiedDate: when }];
    }
    item.fields['System.CommentCount'] = item.comments.filter((c) => !c.isDeleted).length;
    return commentId;
  }

  /**
   * Reciprocal links: for each work item link `item` gained or lost, the target gains or loses the reverse link
   * (a new revision of the target), like the service keeps both ends.
   */
  private linkEnds(before: AdoRelation[], after: AdoRelation[], item: AdoWorkItem, when: string, who: AdoIdentity): Planned[] {
    const key = (r: AdoRelation) => `${r.rel}\u0000${r.workItemId}`;
    const links = (list: AdoRelation[]) => new Map(list.filter((r) => r.workItemId !== undefined && LINK_TYPES[r.rel]).map((r) => [key(r), r]));
    const was = links(before);
    const now = links(after);
    const touched = new Map<number, AdoWorkItem>();
    const target = (id: number) => {
      let t = touched.get(id);
      if (!t) {
        const cur = this.items.get(id);
        if (!cur) throw witError(400, `TF201063: The link target work item ${id} does not exist.`, 'WorkItemLinkInvalidException');
        t = { ...cur, fields: { ...cur.fields }, relations: [...cur.relations] };
        touched.set(id, t);
      }
      return t;
    };
    for (const [k, r] of was) {
      if (now.has(k)) continue;
      const t = target(r.workItemId!);
      const reverse = LINK_TYPES[r.rel][1];
      t.relations = t.relations.filter((x) => !(x.rel === reverse && x.workItemId === item.id));
    }
    for (const [k, r] of now) {
      if (was.has(k)) continue;
      const t = target(r.workItemId!);
      const reverse = LINK_TYPES[r.rel][1];
      if (t.relations.some((x) => x.rel === reverse && x.workItemId === item.id)) continue;
      if (reverse === 'System.LinkTypes.Hierarchy-Reverse' && t.relations.some((x) => x.rel === reverse)) {
        throw witError(400, `TF201036: You cannot add a Child link between work items ${item.id} and ${t.id} because a work item can have only one Parent link.`, 'WorkItemLinkInvalidException');
      }
      t.relations = [...t.relations, { rel: reverse, workItemId: item.id, attributes: { name: relationName(reverse), ...(r.attributes.comment ? { comment: r.attributes.comment } : {}) } }];
    }
    const out: Planned[] = [];
    for (const t of touched.values()) {
      const parent = t.relations.find((x) => x.rel === 'System.LinkTypes.Hierarchy-Reverse');
      if (parent) t.fields['System.Parent'] = parent.workItemId!;
      else delete t.fields['System.Parent'];
      this.stamp(t, t.rev + 1, when, who, undefined);
      out.push({ item: t });
    }
    return out;
  }

  async create(projectName: string, typeName: string, patch: JsonPatchOp[] | unknown, opts?: WriteOptions & { validateOnly?: boolean }): Promise<AdoWorkItem> {
    const ops = parsePatch(patch);
    const origin = this.origin(opts);
    const project = this.requireProject(projectName);
    const type = findType(typeName.replace(/^\$/, ''));
    if (!type) throw witError(404, `VS402323: Work item type ${typeName.replace(/^\$/, '')} does not exist in project ${project.name} or you do not have permission to access it.`, 'WorkItemTypeNotFoundException');
    const id = this.nextId;
    const who = this.author(opts);
    const blank: AdoWorkItem = { id, rev: 0, projectId: project.id, fields: {}, comments: [], relations: [] };
    const { item, history } = applyPatch(blank, ops, this.env(project, type.name, true));
    const when = this.now();
    item.fields['System.TeamProject'] = project.name;
    item.fields['System.WorkItemType'] = type.name;
    item.fields['System.CreatedDate'] = when;
    item.fields['System.CreatedBy'] = who;
    const commentId = this.stamp(item, 1, when, who, history);
    const ends = this.linkEnds([], item.relations, item, when, who);
    if (opts?.validateOnly) return clone(item);
    this.commit([{ item, commentId }, ...ends], origin, { nextId: id + 1 });
    return clone(item);
  }

  async update(id: number, patch: JsonPatchOp[] | unknown, opts?: WriteOptions & { validateOnly?: boolean; project?: string }): Promise<AdoWorkItem> {
    const ops = parsePatch(patch);
    const origin = this.origin(opts);
    const cur = this.requireItem(id, opts?.project);
    const project = this.projects.byId(cur.projectId) ?? this.requireProject(String(cur.fields['System.TeamProject']));
    const { item, history } = applyPatch(cur, ops, this.env(project, String(cur.fields['System.WorkItemType']), false));
    const when = this.now();
    const who = this.author(opts);
    const commentId = this.stamp(item, cur.rev + 1, when, who, history);
    const ends = this.linkEnds(cur.relations, item.relations, item, when, who);
    if (opts?.validateOnly) return clone(item);
    this.commit([{ item, commentId }, ...ends], origin);
    return clone(item);
  }

  requireItem(id: number, projectIdOrName?: string): AdoWorkItem {
    const w = Number.isSafeInteger(id) ? this.items.get(id) : undefined;
    if (!w) throw workItemNotFound(id);
    if (projectIdOrName !== undefined) {
      const p = this.requireProject(projectIdOrName);
      if (w.projectId !== p.id) throw workItemNotFound(id);
    }
    return w;
  }

  private commentText(text: unknown): string {
    if (typeof text !== 'string' || text.trim() === '') throw badRequest('The comment text must not be empty.', 'InvalidArgumentValueException');
    if (text.length > MAX_COMMENT) throw badRequest(`The comment text is ${text.length} characters long; at most ${MAX_COMMENT} are allowed.`);
    return text;
  }

  async addComment(id: number, text: unknown, opts?: WriteOptions & { project?: string }): Promise<AdoComment> {
    const body = this.commentText(text);
    const origin = this.origin(opts);
    const cur = this.requireItem(id, opts?.project);
    const item: AdoWorkItem = { ...cur, fields: { ...cur.fields } };
    const commentId = this.stamp(item, cur.rev + 1, this.now(), this.author(opts), body)!;
    this.commit([{ item, commentId }], origin);
    return clone(item.comments.find((c) => c.id === commentId)!);
  }

  private requireComment(w: AdoWorkItem, commentId: number): AdoComment {
    const c = w.comments.find((x) => x.id === commentId && !x.isDeleted);
    if (!c) throw witError(404, `Comment ${commentId} of work item ${w.id} does not exist.`, 'CommentNotFoundException');
    return c;
  }

  async updateComment(id: number, commentId: number, text: unknown, opts?: WriteOptions & { project?: string }): Promise<AdoComment> {
    const body = this.commentText(text);
    return this.reviseComment(id, commentId, { text: body }, opts);
  }

  async deleteComment(id: number, commentId: number, opts?: WriteOptions & { project?: string }): Promise<void> {
    await this.reviseComment(id, commentId, { isDeleted: true }, opts);
  }

  /** A new version of a comment (edited text, or deleted), keeping the old one in its history; one new revision. */
  private reviseComment(id: number, commentId: number, change: Pick<AdoComment, 'text'> | { isDeleted: true }, opts?: WriteOptions & { project?: string }): AdoComment {
    const origin = this.origin(opts);
    const cur = this.requireItem(id, opts?.project);
    const old = this.requireComment(cur, commentId);
    const when = this.now();
    const who = this.author(opts);
    const next: AdoComment = {
      ...old,
      ...change,
      version: old.version + 1,
      modifiedBy: who,
      modifiedDate: when,
      previous: [...(old.previous ?? []), { version: old.version, text: old.text, modifiedBy: old.modifiedBy, modifiedDate: old.modifiedDate }],
    };
    const item: AdoWorkItem = { ...cur, fields: { ...cur.fields }, comments: cur.comments.map((c) => (c.id === commentId ? next : c)) };
    this.stamp(item, cur.rev + 1, when, who, undefined);
    this.commit([{ item, commentId }], origin);
    return clone(next);
  }

  /** Stores an attachment (not yet linked to a work item: link it with an `AttachedFile` relation). */
  async createAttachment(projectName: string | undefined, fileName: unknown, content: Buffer, opts?: WriteOptions): Promise<AdoAttachment> {
    if (typeof fileName !== 'string' || fileName.trim() === '' || fileName.length > 255 || (/[\\/:*?"<>|]/.test(fileName) || [...fileName].some((ch) => ch.charCodeAt(0) < 0x20))) {
      throw badRequest(`Invalid value '${String(fileName ?? '')}' for query parameter 'fileName': a file name of 1–255 characters without \\ / : * ? " < > | is required.`);
    }
    if (content.length > this.maxAttachmentBytes) {
      throw new AdoError(413, `The attachment is ${content.length} bytes; this organization accepts at most ${this.maxAttachmentBytes} bytes per attachment.`, 'RequestContentTooLargeException', 'Microsoft.VisualStudio.Services.WebApi.RequestContentTooLargeException, Microsoft.VisualStudio.Services.WebApi');
    }
    this.origin(opts);
    const project = projectName === undefined ? undefined : this.requireProject(projectName);
    const id = randomUUID();
    const meta: AdoAttachment = { id, fileName, size: content.length, projectId: project?.id ?? '', createdDate: this.now(), createdBy: this.author(opts) };
    if (!this.store) {
      this.attachments.set(id, { ...meta, content: Buffer.from(content) });
      return { ...meta };
    }
    const text = content.toString('base64');
    try {
      await this.store.prepareBlob(text);
    } catch (e) {
      throw storeFailure(e);
    }
    const record: StoredAttachment = { ...meta, blob: blobHash(text) };
    const ops: StoreOp[] = [{ c: 'adoFiles', k: this.k(id), v: { ...record, size: Buffer.byteLength(text, 'utf8'), bytes: content.length } }];
    try {
      this.store.commit(ops, [text]);
    } catch (e) {
      throw storeFailure(e);
    }
    this.attachments.set(id, record);
    return { ...meta };
  }
}

function nextCommentId(w: AdoWorkItem): number {
  return w.comments.reduce((m, c) => Math.max(m, c.id), 0) + 1;
}

/** Stable per address, UUID-shaped (the service's identity ids are GUIDs). */
function identityId(mail: string): string {
  return stableUuid('identity', mail);
}

/** A store refusal as the error the REST layer answers: 507 for the quota, 503 for a disk problem. Nothing was applied. */
export function storeFailure(e: unknown): AdoError {
  if (e instanceof AdoError) return e;
  if (e instanceof StoreError) {
    return e.kind === 'quota'
      ? new AdoError(507, e.message, 'StorageQuotaExceededException', 'Microsoft.VisualStudio.Services.WebApi.StorageQuotaExceededException, Microsoft.VisualStudio.Services.WebApi')
      : new AdoError(503, e.message, 'StorageUnavailableException', 'Microsoft.VisualStudio.Services.WebApi.StorageUnavailableException, Microsoft.VisualStudio.Services.WebApi');
  }
  return new AdoError(500, `Azure DevOps emulator error: ${e instanceof Error ? e.message : String(e)}`, 'UnexpectedException', `${FRAMEWORK}.UnexpectedException, ${FRAMEWORK}`);
}
