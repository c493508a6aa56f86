// Azure DevOps Services REST emulator: answers the calls azure-devops-node-api 17 makes to list projects, read and
// write work items (JSON Patch), their comments, revisions and attachments, and run WIQL, with the service's ids,
// route templates, version negotiation and error bodies. The in-process API (AdoEmulator) runs the same code as
// REST (./workItems.ts). Pure Node (no `vscode`); the sandbox node mounts it under `/ado/`. See docs/ado-emulator.md.
import type * as http from 'node:http';
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { LOCATION_IDS, locationById, locationsOfArea, resourceAreas, type ApiResourceLocation } from './locations';
import { allFields, byName, fieldBody, fieldsBody, fieldsQuery, typeFieldBody, typeFieldsBody, typeFieldsQuery, workItemTypeBody, workItemTypesBody } from './fields';
import {
  attachmentGetQuery,
  attachmentUploadQuery,
  commentQuery,
  commentsQuery,
  parseQuery,
  positiveId,
  projectQuery,
  projectsQuery,
  revisionsQuery,
  wiqlQuery,
  workItemListQuery,
  workItemQuery,
  workItemWriteQuery,
  workItemsBatchBody,
} from './queries';
import { SEED_PROJECTS, patOwner, seedPeople, seedWorkItems, stableUuid, type AdoComment, type AdoFieldValue, type AdoIdentity, type AdoProject, type AdoRelation, type AdoWorkItem } from './seed';
import { parseWiql, runWiql, wiqlBody, type WiqlQuery } from './wiql';
import { AdoError as VssError, FRAMEWORK, VSS, WIT, badRequest, notFound, workItemNotFound } from './errors';
import type { JsonPatchOp } from './patch';
import { DEFAULT_MAX_ATTACHMENT_BYTES, WorkItemBook, storeFailure, type AdoAttachment, type AdoPersistence, type AdoRevision, type WorkItemChange, type WriteOptions } from './workItems';

export type { AdoComment, AdoFieldValue, AdoIdentity, AdoProject, AdoRelation, AdoWorkItem } from './seed';
export type { JsonPatchOp } from './patch';
export type { AdoAttachment, AdoPersistence, AdoRevision, WorkItemChange, WriteOptions } from './workItems';
export { AdoError } from './errors';

export interface AdoEmulatorOptions {
  org: string;
  pat: string;
  seed?: boolean;
  projects?: Array<{ name: string; description?: string }>;
  /**
   * Where work items, revisions, comments, attachments and origin tags are kept durably (the sandbox node's store).
   * Without it they live in memory only.
   */
  store?: AdoPersistence;
  /** Largest attachment upload in bytes; default 16 MiB. */
  maxAttachmentBytes?: number;
}

export interface AdoEmulator {
  readonly org: string;
  /** Serves a request whose URL path starts with `/ado/`. baseUrl is e.g. `http://127.0.0.1:PORT/ado`; the org URL is `${baseUrl}/${org}`. */
  handle(req: http.IncomingMessage, res: http.ServerResponse, baseUrl: string): Promise<void>;
  orgUrl(baseUrl: string): string;
  addProject(p: { name: string; description?: string }): AdoProject;
  listProjects(): AdoProject[];
  setPat(pat: string): void;

  // ---- in-process API (same code paths as REST; errors are the AdoError REST answers with) ----------------------
  /** A copy of the work item: fields (System.Tags holds the tags), comments (deleted ones flagged), relations. */
  getWorkItem(id: number): AdoWorkItem | undefined;
  /** Creates a work item of `type` in the project from a JSON Patch document; durable when the promise resolves. */
  createWorkItem(projectName: string, type: string, patch: JsonPatchOp[], opts?: WriteOptions): Promise<AdoWorkItem>;
  updateWorkItem(id: number, patch: JsonPatchOp[], opts?: WriteOptions): Promise<AdoWorkItem>;
  addComment(id: number, text: string, opts?: WriteOptions): Promise<AdoComment>;
  updateComment(id: number, commentId: number, text: string, opts?: WriteOptions): Promise<AdoComment>;
  deleteComment(id: number, commentId: number, opts?: WriteOptions): Promise<void>;
  /** Uploads an attachment; link it with `{op:'add', path:'/relations/-', value:{rel:'AttachedFile', url: attachmentUrl(id)}}`. */
  createAttachment(projectName: string, fileName: string, content: Uint8Array, opts?: WriteOptions): Promise<AdoAttachment>;
  getAttachment(id: string): (AdoAttachment & { content: Buffer }) | undefined;
  /** A URL naming the attachment that `/relations/-` accepts (host-independent: `emulator:/_apis/wit/attachments/{id}`). */
  attachmentUrl(id: string): string;
  /** A URL naming a work item that `/relations/-` accepts for work item links. */
  workItemUrl(id: number): string;
  /** Revisions recorded for the work item, oldest first. */
  getRevisions(id: number): AdoRevision[];
  /** A write that carried this origin tag (any revision), also after a restart. */
  findByOrigin(origin: string): { id: number; rev: number; commentId?: number } | undefined;
  /** Called after every durable write (REST or in-process), once per changed work item. Returns the unsubscribe. */
  onChange(listener: (c: WorkItemChange) => void): () => void;
  /** Ids matching the WIQL, same engine as `POST _apis/wit/wiql`; throws AdoError with ADO's message on bad WIQL. */
  queryWiql(projectName: string, wiql: string): number[];
}

/** Organization names: letters, digits and hyphens, starting and ending with a letter or digit (1–50 characters). */
const orgName = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,48}[A-Za-z0-9])?$/, 'an organization name is 1–50 letters, digits or hyphens');

const pat = z.string().min(1, 'the personal access token must not be empty');

/** Team project naming rules of Azure DevOps (length, reserved characters, no leading `_`/`.`, no trailing `.`). */
const projectInput = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'a project name is required')
    .max(64, 'a project name has at most 64 characters')
    .regex(/^[^\\/:*?"'<>|;#${},+=[\]%&]+$/, 'a project name must not contain \\ / : * ? " \' < > | ; # $ { } , + = [ ] % &')
    .refine((n) => !n.startsWith('_') && !n.startsWith('.') && !n.endsWith('.'), 'a project name must not start with _ or . nor end with .'),
  description: z.string().trim().max(15_000, 'a project description has at most 15000 characters').optional(),
});

/** Page size of `GET _apis/projects` when `$top` is absent, as on the service. */
const DEFAULT_PROJECT_PAGE = 100;
const DEFAULT_COMMENT_PAGE = 200;


function hashOf(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

interface Ctx {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  url: URL;
  orgUrl: string;
  /** Route value `{project}` (id or name) when the path has one. */
  project: string | undefined;
  params: string[];
  /** The request body (POST and PATCH), at most MAX_BODY bytes (attachments: the attachment cap). */
  body: string;
  raw: Buffer;
}

/** JSON request bodies (WIQL, patch documents, comments); a larger one is refused before it is read completely. */
const MAX_BODY = 4 * 1024 * 1024;

interface Route {
  method: 'GET' | 'OPTIONS' | 'POST' | 'PATCH' | 'DELETE';
  /** Lower-case literal segments after `_apis/`, or `*` for a value. */
  path: string[];
  /** Whether a `{project}` segment may precede `_apis`. */
  projectScoped: boolean;
  /** Location whose versions bound the `api-version` of the request. */
  location?: string;
  run(ctx: Ctx): void | Promise<void>;
}

class Emulator implements AdoEmulator {
  readonly org: string;
  private patHash: Buffer;
  private readonly projects: AdoProject[] = [];
  private readonly book: WorkItemBook;
  private nextRevision = 1;
  private readonly routes: Route[];

  constructor(options: AdoEmulatorOptions) {
    this.org = orgName.parse(options.org);
    this.patHash = hashOf(pat.parse(options.pat));
    if (options.seed) {
      for (const p of SEED_PROJECTS) {
        this.insertProject({ name: p.name, description: p.description }, p.revision, p.lastUpdateTime);
      }
    }
    for (const p of options.projects ?? []) this.addProject(p);
    const people = seedPeople(this.org);
    this.book = new WorkItemBook(
      this.org,
      options.store,
      { byId: (id) => this.projects.find((p) => p.id === id), find: (idOrName) => this.findProject(idOrName) },
      [people.ana, people.ben, people.chen],
      patOwner(this.org),
      options.maxAttachmentBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES,
      options.seed ? seedWorkItems(this.org, (name) => this.findProject(name)?.id) : [],
    );
    this.routes = [
      { method: 'GET', path: ['resourceareas'], projectScoped: false, location: LOCATION_IDS.resourceAreas, run: (c) => this.getResourceAreas(c) },
      { method: 'GET', path: ['resourceareas', '*'], projectScoped: false, location: LOCATION_IDS.resourceAreas, run: (c) => this.getResourceArea(c) },
      { method: 'GET', path: ['connectiondata'], projectScoped: false, run: (c) => this.getConnectionData(c) },
      { method: 'GET', path: ['projects'], projectScoped: false, location: LOCATION_IDS.projects, run: (c) => this.getProjects(c) },
      { method: 'GET', path: ['projects', '*'], projectScoped: false, location: LOCATION_IDS.projects, run: (c) => this.getProject(c) },
      { method: 'GET', path: ['wit', 'workitems'], projectScoped: true, location: LOCATION_IDS.workItems, run: (c) => this.getWorkItemList(c) },
      { method: 'POST', path: ['wit', 'wiql'], projectScoped: true, location: LOCATION_IDS.wiql, run: (c) => this.queryByWiql(c) },
      { method: 'GET', path: ['wit', 'workitems', '*'], projectScoped: true, location: LOCATION_IDS.workItems, run: (c) => this.restGetWorkItem(c) },
      { method: 'GET', path: ['wit', 'workitems', '*', 'comments'], projectScoped: true, location: LOCATION_IDS.comments, run: (c) => this.getComments(c) },
      { method: 'GET', path: ['wit', 'workitems', '*', 'comments', '*'], projectScoped: true, location: LOCATION_IDS.comments, run: (c) => this.getComment(c) },
      { method: 'POST', path: ['wit', 'workitems', '*'], projectScoped: true, location: LOCATION_IDS.workItemsCreate, run: (c) => this.restCreateWorkItem(c) },
      { method: 'PATCH', path: ['wit', 'workitems', '*'], projectScoped: true, location: LOCATION_IDS.workItems, run: (c) => this.restUpdateWorkItem(c) },
      { method: 'POST', path: ['wit', 'workitemsbatch'], projectScoped: true, location: LOCATION_IDS.workItemsBatch, run: (c) => this.getWorkItemsBatch(c) },
      { method: 'GET', path: ['wit', 'workitems', '*', 'updates'], projectScoped: true, location: LOCATION_IDS.updates, run: (c) => this.restGetUpdates(c) },
      { method: 'GET', path: ['wit', 'workitems', '*', 'updates', '*'], projectScoped: true, location: LOCATION_IDS.updates, run: (c) => this.restGetUpdates(c) },
      { method: 'GET', path: ['wit', 'workitems', '*', 'revisions'], projectScoped: true, location: LOCATION_IDS.revisions, run: (c) => this.restGetRevisions(c) },
      { method: 'GET', path: ['wit', 'workitems', '*', 'revisions', '*'], projectScoped: true, location: LOCATION_IDS.revisions, run: (c) => this.restGetRevision(c) },
      { method: 'POST', path: ['wit', 'workitems', '*', 'comments'], projectScoped: true, location: LOCATION_IDS.comments, run: (c) => this.restAddComment(c) },
      { method: 'PATCH', path: ['wit', 'workitems', '*', 'comments', '*'], projectScoped: true, location: LOCATION_IDS.comments, run: (c) => this.restUpdateComment(c) },
      { method: 'DELETE', path: ['wit', 'workitems', '*', 'comments', '*'], projectScoped: true, location: LOCATION_IDS.comments, run: (c) => this.restDeleteComment(c) },
      { method: 'GET', path: ['wit', 'workitems', '*', 'comments', '*', 'versions'], projectScoped: true, location: LOCATION_IDS.commentVersions, run: (c) => this.restCommentVersions(c) },
      { method: 'GET', path: ['wit', 'workitems', '*', 'comments', '*', 'versions', '*'], projectScoped: true, location: LOCATION_IDS.commentVersions, run: (c) => this.restCommentVersions(c) },
      { method: 'POST', path: ['wit', 'attachments'], projectScoped: true, location: LOCATION_IDS.attachments, run: (c) => this.restCreateAttachment(c) },
      { method: 'GET', path: ['wit', 'attachments', '*'], projectScoped: true, location: LOCATION_IDS.attachments, run: (c) => this.restGetAttachment(c) },
      ...this.fieldRoutes(),
      // `OPTIONS {org}/_apis/{area}`: the locations of an area (VsoClient.beginGetAreaLocations).
      { method: 'OPTIONS', path: ['*'], projectScoped: false, run: (c) => this.getAreaLocations(c) },
    ];
  }

  orgUrl(baseUrl: string): string {
    return `${baseUrl.replace(/\/+$/, '')}/${this.org}`;
  }

  addProject(p: { name: string; description?: string }): AdoProject {
    const parsed = projectInput.safeParse(p);
    if (!parsed.success) throw new Error(`Invalid project: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    if (this.findProject(parsed.data.name)) {
      throw new Error(`TF200019: The following project already exists on the Azure DevOps Server: ${parsed.data.name}.`);
    }
    return { ...this.insertProject(parsed.data, this.nextRevision, new Date().toISOString()) };
  }

  listProjects(): AdoProject[] {
    return this.projects.map((p) => ({ ...p }));
  }

  setPat(value: string): void {
    this.patHash = hashOf(pat.parse(value));
  }

  async handle(req: http.IncomingMessage, res: http.ServerResponse, baseUrl: string): Promise<void> {
    const orgUrl = this.orgUrl(baseUrl);
    try {
      // POST and PATCH carry a body; never leave one unread on a keep-alive socket. Attachment uploads may be larger.
      const method = (req.method ?? 'GET').toUpperCase();
      const upload = /\/_apis\/wit\/attachments\/?(?:\?|$)/i.test(req.url ?? '');
      const raw = method === 'POST' || method === 'PATCH' ? await readBody(req, upload ? this.book.maxAttachmentBytes : MAX_BODY) : (req.resume(), Buffer.alloc(0));
      await this.dispatch(req, res, baseUrl, orgUrl, raw);
    } catch (e) {
      sendError(res, storeFailure(e));
    }
  }

  // ---- routing -----------------------------------------------------------------------------------------------

  private async dispatch(req: http.IncomingMessage, res: http.ServerResponse, baseUrl: string, orgUrl: string, raw: Buffer): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const prefix = new URL(baseUrl).pathname.replace(/\/+$/, '');
    const where = `${method} ${url.pathname}`;
    if (url.pathname !== prefix && !url.pathname.startsWith(`${prefix}/`)) throw notFound(`No Azure DevOps resource at ${where}.`);
    let segments: string[];
    try {
      segments = url.pathname.slice(prefix.length).split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
    } catch {
      throw badRequest(`Malformed URL: ${url.pathname}`, 'InvalidPathException');
    }
    const [org, ...rest] = segments;
    if (org === undefined || org.toLowerCase() !== this.org.toLowerCase()) {
      throw notFound(`The organization '${org ?? ''}' does not exist on this Azure DevOps emulator (it serves '${this.org}').`, 'OrganizationNotFoundException');
    }
    this.authenticate(req, orgUrl);

    let project: string | undefined;
    if (rest.length > 0 && rest[0].toLowerCase() !== '_apis') project = rest.shift();
    if (rest.shift()?.toLowerCase() !== '_apis') throw notFound(`No Azure DevOps resource at ${where}.`);

    const candidates = this.routes.filter(
      (r) =>
        r.path.length === rest.length &&
        (project === undefined || r.projectScoped) &&
        r.path.every((p, i) => p === '*' || p === rest[i].toLowerCase()),
    );
    // `OPTIONS _apis/{area}` must not turn `GET _apis/unknown` into a 405.
    const relevant = candidates.filter((r) => !(r.method === 'OPTIONS' && r.path[0] === '*') || method === 'OPTIONS');
    if (relevant.length === 0) throw notFound(`No Azure DevOps resource at ${where}.`);
    const route = relevant.find((r) => r.method === method);
    if (!route) {
      throw new VssError(405, `The requested resource does not support http method '${method}'.`, 'HttpMethodNotAllowed', `${VSS}.HttpMethodNotAllowed, ${VSS}`, {
        Allow: [...new Set(relevant.map((r) => r.method))].join(', '),
      });
    }
    const params = route.path.flatMap((p, i) => (p === '*' ? [rest[i]] : []));
    const ctx: Ctx = { req, res, url, orgUrl, project, params, body: raw.toString('utf8'), raw };
    if (route.location) checkApiVersion(req, url, locationById(route.location));
    await route.run(ctx);
  }

  private authenticate(req: http.IncomingMessage, orgUrl: string): void {
    const header = req.headers.authorization ?? '';
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    let given: string | undefined;
    if (m) {
      const decoded = Buffer.from(m[1], 'base64').toString('utf8');
      // The user name is ignored (the library sends `PAT:<token>`, curl users often send `:<token>`).
      const colon = decoded.indexOf(':');
      given = colon >= 0 ? decoded.slice(colon + 1) : undefined;
    }
    if (given !== undefined && given.length > 0 && timingSafeEqual(hashOf(given), this.patHash)) return;
    // What the service answers to a missing, expired or wrong PAT when X-TFS-FedAuthRedirect: Suppress is sent.
    throw new VssError(
      401,
      'TF400813: Resource not available for anonymous access. Client authentication required.',
      'UnauthorizedRequestException',
      `${FRAMEWORK}.UnauthorizedRequestException, ${FRAMEWORK}`,
      {
        'WWW-Authenticate': ['Bearer authorization_uri=https://login.microsoftonline.com/common', `Basic realm="${orgUrl}"`, 'TFS-Federated'],
        'X-TFS-FedAuthRealm': orgUrl,
      },
    );
  }

  // ---- Location ----------------------------------------------------------------------------------------------

  private getAreaLocations(c: Ctx): void {
    const area = c.params[0];
    const locations = locationsOfArea(area);
    if (!locations) throw notFound(`No API resource locations are registered for area '${area}'.`, 'ApiResourceAreaNotFoundException');
    sendJson(c.res, 200, { count: locations.length, value: locations });
  }

  private getResourceAreas(c: Ctx): void {
    const areas = resourceAreas(c.orgUrl);
    sendJson(c.res, 200, { count: areas.length, value: areas }, locationById(LOCATION_IDS.resourceAreas), c);
  }

  private getResourceArea(c: Ctx): void {
    const area = resourceAreas(c.orgUrl).find((a) => a.id === c.params[0].toLowerCase() || a.name.toLowerCase() === c.params[0].toLowerCase());
    if (!area) throw notFound(`The resource area '${c.params[0]}' is not registered on this server.`, 'ResourceAreaNotFoundException');
    sendJson(c.res, 200, area, locationById(LOCATION_IDS.resourceAreas), c);
  }

  private getConnectionData(c: Ctx): void {
    const user = {
      id: stableUuid(this.org, 'identity', 'pat-owner'),
      descriptor: `Microsoft.IdentityModel.Claims.ClaimsIdentity;emulator\\${this.org}`,
      subjectDescriptor: `aad.${Buffer.from(stableUuid(this.org, 'identity', 'pat-owner')).toString('base64url')}`,
      providerDisplayName: 'Emulator User',
      isActive: true,
      properties: { Account: { $type: 'System.String', $value: `emulator@${this.org.toLowerCase()}.example` } },
      resourceVersion: 2,
      metaTypeId: 0,
    };
    sendJson(c.res, 200, {
      authenticatedUser: user,
      authorizedUser: user,
      instanceId: stableUuid(this.org, 'instance'),
      deploymentId: stableUuid(this.org, 'deployment'),
      deploymentType: 'hosted',
      locationServiceData: {
        serviceOwner: '00025394-6065-48ca-87d9-7f5672854ef7',
        defaultAccessMappingMoniker: 'PublicAccessMapping',
        lastChangeId: 1,
        lastChangeId64: 1,
      },
    });
  }

  // ---- core: projects -----------------------------------------------------------------------------------------

  private getProjects(c: Ctx): void {
    const q = parseQuery(projectsQuery, c.url);
    if (!q.ok) throw badRequest(q.message);
    const { $top, $skip, continuationToken, stateFilter } = q.value;
    // Every emulated project is wellFormed; the service's default filter is wellFormed too.
    const all = stateFilter === undefined || stateFilter === 'wellFormed' || stateFilter === 'all' ? this.projects : [];
    const start = continuationToken ?? $skip ?? 0;
    const size = $top ?? DEFAULT_PROJECT_PAGE;
    const page = all.slice(start, start + size);
    const headers: Record<string, string> = {};
    if (start + page.length < all.length) headers['x-ms-continuationtoken'] = String(start + page.length);
    sendJson(c.res, 200, { count: page.length, value: page.map((p) => this.projectJson(p, c.orgUrl)) }, locationById(LOCATION_IDS.projects), c, headers);
  }

  private getProject(c: Ctx): void {
    const q = parseQuery(projectQuery, c.url);
    if (!q.ok) throw badRequest(q.message);
    const p = this.requireProject(c.params[0]);
    const teamId = stableUuid(this.org, 'team', p.id);
    const body: Record<string, unknown> = {
      ...this.projectJson(p, c.orgUrl),
      _links: {
        self: { href: `${c.orgUrl}/_apis/projects/${p.id}` },
        collection: { href: `${c.orgUrl}/_apis/projectCollections/${stableUuid(this.org, 'collection')}` },
        web: { href: `${c.orgUrl}/${encodeURIComponent(p.name)}` },
      },
      defaultTeam: { id: teamId, name: `${p.name} Team`, url: `${c.orgUrl}/_apis/projects/${p.id}/teams/${teamId}` },
    };
    if (q.value.includeCapabilities) {
      body.capabilities = {
        versioncontrol: { sourceControlType: 'Git', gitEnabled: 'True', tfvcEnabled: 'False' },
        processTemplate: { templateName: 'Agile', templateTypeId: 'adcc42ab-9882-485e-a3ed-7678f01f66bc' },
      };
    }
    sendJson(c.res, 200, body, locationById(LOCATION_IDS.projects), c);
  }

  private projectJson(p: AdoProject, orgUrl: string): Record<string, unknown> {
    return {
      id: p.id,
      name: p.name,
      ...(p.description ? { description: p.description } : {}),
      url: `${orgUrl}/_apis/projects/${p.id}`,
      state: p.state,
      revision: p.revision,
      visibility: p.visibility,
      lastUpdateTime: p.lastUpdateTime,
    };
  }

  // ---- wit: work items and comments ---------------------------------------------------------------------------

  private restGetWorkItem(c: Ctx): void {
    const q = parseQuery(workItemQuery, c.url);
    if (!q.ok) throw badRequest(q.message);
    const { fields, $expand } = q.value;
    if (fields && $expand && $expand !== 'none') {
      throw badRequest(
        `The expand parameter can not be used with the fields parameter.`,
        'ConflictingParametersException',
      );
    }
    this.checkFields(fields);
    const w = this.asOf(this.requireWorkItem(c, c.params[0]), q.value.asOf);
    sendJson(c.res, 200, this.workItemJson(w, c, fields, $expand), locationById(LOCATION_IDS.workItems), c);
  }

  /**
   * The work item as it was at `asOf` (its last revision changed at or before then); a time before its first known
   * revision is a 404 like an unknown id.
   */
  private asOf(w: AdoWorkItem, asOf: string | undefined): Pick<AdoWorkItem, 'id' | 'rev' | 'projectId' | 'fields' | 'relations'> {
    if (asOf === undefined) return w;
    const t = Date.parse(asOf);
    const hit = this.revisionList(w).filter((r) => Date.parse(String(r.fields['System.ChangedDate'])) <= t).at(-1);
    if (!hit) throw workItemNotFound(w.id);
    return { ...hit, projectId: w.projectId };
  }

  /** `GET {project}/_apis/wit/workitems?ids=1,2` (getWorkItems): the items in the order asked, 200 at most. */
  private getWorkItemList(c: Ctx): void {
    const q = parseQuery(workItemListQuery, c.url);
    if (!q.ok) throw badRequest(q.message);
    sendJson(c.res, 200, this.workItemsAnswer(c, q.value), locationById(LOCATION_IDS.workItems), c);
  }

  /** `POST [{project}/]_apis/wit/workitemsbatch` (getWorkItemsBatch): the same answer, the request in the body. */
  private getWorkItemsBatch(c: Ctx): void {
    const body = workItemsBatchBody.safeParse(parseJson(c.body, '{ "ids": [1, 2], "fields"?: [...], "$expand"?: …, "errorPolicy"?: … }'));
    if (!body.success) {
      const i = body.error.issues[0];
      throw badRequest(`Invalid work items batch request: ${i?.path.join('.') || 'body'}: ${i?.message ?? 'invalid'}.`);
    }
    const b = body.data;
    if (b.fields !== undefined && b.fields.length === 0) throw badRequest('Invalid work items batch request: fields: at least one field is required when fields is given.');
    sendJson(c.res, 200, this.workItemsAnswer(c, b), locationById(LOCATION_IDS.workItemsBatch), c);
  }

  private workItemsAnswer(
    c: Ctx,
    { ids, fields, $expand, errorPolicy, asOf }: { ids: number[]; fields?: string[]; $expand?: string; errorPolicy?: string; asOf?: string },
  ): { count: number; value: unknown[] } {
    if (fields && $expand && $expand !== 'none') {
      throw badRequest(`The expand parameter can not be used with the fields parameter.`, 'ConflictingParametersException');
    }
    this.checkFields(fields);
    const items = ids.map((id) => {
      try {
        return this.workItemJson(this.asOf(this.requireWorkItem(c, String(id)), asOf), c, fields, $expand);
      } catch (e) {
        if (errorPolicy === 'omit' && e instanceof VssError && e.status === 404) return null;
        throw e;
      }
    });
    return { count: items.length, value: items };
  }

  /** Parses and runs a WIQL query (REST and in-process): the query and the matching ids, or an AdoError. */
  private runQuery(text: string, project: AdoProject | undefined): { query: WiqlQuery; ids: number[] } {
    const parsed = parseWiql(text);
    if (!parsed.ok) throw new VssError(400, parsed.message, 'WorkItemQueryInvalidException', `${WIT}.WorkItemQueryInvalidException, ${WIT}`);
    this.checkFields([...parsed.query.select, ...parsed.query.where.map((w) => w.field), ...parsed.query.orderBy.map((o) => o.field)], project);
    if (!project && parsed.query.where.some((w) => typeof w.value === 'object')) {
      throw new VssError(400, 'TF51011: The @project macro needs a project: use {project}/_apis/wit/wiql.', 'WorkItemQueryInvalidException', `${WIT}.WorkItemQueryInvalidException, ${WIT}`);
    }
    const read = (w: AdoWorkItem, name: string) => {
      if (name.toLowerCase() === 'system.id') return w.id;
      if (name.toLowerCase() === 'system.rev') return w.rev;
      const key = Object.keys(w.fields).find((k) => k.toLowerCase() === name.toLowerCase());
      return key === undefined ? undefined : w.fields[key];
    };
    return { query: parsed.query, ids: runWiql(parsed.query, this.book.all(), read, (w) => w.id, project?.name) };
  }

  /** `POST {project}/_apis/wit/wiql` (queryByWiql): the ids of the matching work items (./wiql.ts). */
  private queryByWiql(c: Ctx): void {
    const q = parseQuery(wiqlQuery, c.url);
    if (!q.ok) throw badRequest(q.message);
    const body = wiqlBody.safeParse(parseJson(c.body, '{ "query": "SELECT … FROM WorkItems …" }'));
    if (!body.success) throw badRequest(`Invalid WIQL request: ${body.error.issues[0]?.message ?? 'invalid'}.`);
    const project = c.project === undefined ? undefined : this.requireProject(c.project);
    const run = this.runQuery(body.data.query, project);
    let ids = run.ids;
    if (q.value.$top !== undefined) ids = ids.slice(0, q.value.$top);
    const fieldRef = (name: string) => {
      const ref = byName(allFields(project?.name), name)?.referenceName ?? name;
      return { referenceName: ref, name: ref.split('.').pop(), url: `${c.orgUrl}/_apis/wit/fields/${ref}` };
    };
    sendJson(
      c.res,
      200,
      {
        queryType: 'flat',
        queryResultType: 'workItem',
        asOf: new Date().toISOString(),
        columns: run.query.select.map(fieldRef),
        sortColumns: run.query.orderBy.map((o) => ({ field: fieldRef(o.field), descending: o.descending })),
        workItems: ids.map((id) => ({ id, url: `${c.orgUrl}/_apis/wit/workItems/${id}` })),
      },
      locationById(LOCATION_IDS.wiql),
      c,
    );
  }

  /** Fields of the project's process (or of the organization): an unknown one is a 400 TF51535. */
  private checkFields(fields: string[] | undefined, project?: AdoProject): void {
    const known = allFields(project?.name);
    for (const f of fields ?? []) {
      if (!byName(known, f)) {
        throw new VssError(400, `TF51535: Cannot find field ${f}.`, 'WorkItemFieldInvalidException', `${WIT}.WorkItemFieldInvalidException, ${WIT}`);
      }
    }
  }

  private relationJson(r: AdoRelation, orgUrl: string): Record<string, unknown> {
    const url =
      r.workItemId !== undefined ? `${orgUrl}/_apis/wit/workItems/${r.workItemId}` : r.attachmentId !== undefined ? `${orgUrl}/_apis/wit/attachments/${r.attachmentId}` : (r.url ?? '');
    return { rel: r.rel, url, attributes: r.workItemId !== undefined ? { isLocked: false, ...r.attributes } : { ...r.attributes } };
  }

  /**
   * The REST body of a work item (or of one revision when `revisionUrl`). Relations: with `$expand` relations/all,
   * and in write answers (`relationsWhenAny`) when it has any, like the service.
   */
  private workItemJson(
    w: Pick<AdoWorkItem, 'id' | 'rev' | 'projectId' | 'fields' | 'relations'>,
    c: Ctx,
    fields: string[] | undefined,
    $expand: string | undefined,
    relationsWhenAny = false,
    revisionUrl?: string,
  ): Record<string, unknown> {
    const base = `${c.orgUrl}/${w.projectId}/_apis/wit/workItems/${w.id}`;
    const all: Record<string, unknown> = { 'System.Id': w.id, 'System.Rev': w.rev };
    for (const [k, v] of Object.entries(w.fields)) all[k] = isIdentity(v) ? this.identityJson(v, c.orgUrl) : v;
    let out: Record<string, unknown>;
    if (fields) {
      out = {};
      for (const f of fields) {
        const key = Object.keys(all).find((k) => k.toLowerCase() === f.toLowerCase());
        if (key !== undefined) out[key] = all[key];
      }
    } else {
      out = { ...all };
      // The service lists System.Id / System.Rev only when asked for them.
      delete out['System.Id'];
      delete out['System.Rev'];
    }
    const body: Record<string, unknown> = { id: w.id, rev: w.rev, fields: out };
    if ($expand === 'relations' || $expand === 'all' || (relationsWhenAny && w.relations.length > 0)) body.relations = w.relations.map((r) => this.relationJson(r, c.orgUrl));
    if (revisionUrl) {
      body.url = revisionUrl;
      return body;
    }
    if (!fields || $expand === 'links' || $expand === 'all') {
      body._links = {
        self: { href: base },
        workItemUpdates: { href: `${base}/updates` },
        workItemRevisions: { href: `${base}/revisions` },
        workItemComments: { href: `${base}/comments` },
        html: { href: `${c.orgUrl}/${w.projectId}/_workitems/edit/${w.id}` },
        workItemType: { href: `${c.orgUrl}/${w.projectId}/_apis/wit/workItemTypes/${encodeURIComponent(String(w.fields['System.WorkItemType']))}` },
        fields: { href: `${c.orgUrl}/${w.projectId}/_apis/wit/fields` },
      };
    }
    body.url = base;
    return body;
  }

  private getComments(c: Ctx): void {
    const q = parseQuery(commentsQuery, c.url);
    if (!q.ok) throw badRequest(q.message);
    const w = this.requireWorkItem(c, c.params[0]);
    const { $top, continuationToken, $expand, order, includeDeleted } = q.value;
    const visible = includeDeleted ? w.comments : w.comments.filter((cm) => !cm.isDeleted);
    const sorted = order === 'desc' ? [...visible].reverse() : visible;
    const start = continuationToken ?? 0;
    const page = sorted.slice(start, start + ($top ?? DEFAULT_COMMENT_PAGE));
    const listUrl = `${c.orgUrl}/${w.projectId}/_apis/wit/workItems/${w.id}/comments`;
    const body: Record<string, unknown> = {
      totalCount: visible.length,
      count: page.length,
      comments: page.map((cm) => this.commentJson(w, cm, c.orgUrl, $expand)),
    };
    const next = start + page.length;
    if (next < sorted.length) {
      const nextUrl = new URL(listUrl);
      if ($top !== undefined) nextUrl.searchParams.set('$top', String($top));
      if (order) nextUrl.searchParams.set('order', order);
      nextUrl.searchParams.set('continuationToken', String(next));
      body.nextPage = nextUrl.toString();
      body.continuationToken = String(next);
    }
    body.url = listUrl;
    sendJson(c.res, 200, body, locationById(LOCATION_IDS.comments), c);
  }

  private getComment(c: Ctx): void {
    const q = parseQuery(commentQuery, c.url);
    if (!q.ok) throw badRequest(q.message);
    const w = this.requireWorkItem(c, c.params[0]);
    const id = positiveId.safeParse(c.params[1]);
    const cm = id.success ? w.comments.find((x) => x.id === id.data && (!x.isDeleted || q.value.includeDeleted)) : undefined;
    if (!cm) {
      throw new VssError(404, `Comment ${c.params[1]} of work item ${w.id} does not exist.`, 'CommentNotFoundException', `${WIT}.CommentNotFoundException, ${WIT}`);
    }
    sendJson(c.res, 200, this.commentJson(w, cm, c.orgUrl, q.value.$expand), locationById(LOCATION_IDS.comments), c);
  }

  private commentJson(w: AdoWorkItem, cm: AdoComment, orgUrl: string, expand: string | undefined): Record<string, unknown> {
    const rendered = expand === 'renderedText' || expand === 'renderedTextOnly' || expand === 'all';
    return {
      mentions: [],
      workItemId: w.id,
      id: cm.id,
      version: cm.version,
      ...(expand === 'renderedTextOnly' ? {} : { text: cm.text }),
      ...(rendered ? { renderedText: cm.text } : {}),
      createdBy: this.identityJson(cm.createdBy, orgUrl),
      createdDate: cm.createdDate,
      modifiedBy: this.identityJson(cm.modifiedBy, orgUrl),
      modifiedDate: cm.modifiedDate,
      ...(cm.isDeleted ? { isDeleted: true } : {}),
      url: `${orgUrl}/${w.projectId}/_apis/wit/workItems/${w.id}/comments/${cm.id}`,
    };
  }

  // ---- wit: writes (REST) -----------------------------------------------------------------------------------------

  private writeQuery(c: Ctx): { validateOnly?: boolean; $expand?: string } {
    const q = parseQuery(workItemWriteQuery, c.url);
    if (!q.ok) throw badRequest(q.message);
    if (q.value.bypassRules) {
      throw new VssError(403, 'TF237111: The emulator does not bypass work item rules: send the patch without bypassRules=true.', 'WorkItemBypassRulesDeniedException', `${WIT}.WorkItemBypassRulesDeniedException, ${WIT}`);
    }
    return q.value;
  }

  /** The patch document of a create/update, which the service only accepts as `application/json-patch+json`. */
  private patchBody(c: Ctx): unknown {
    const type = (c.req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json-patch+json') {
      throw new VssError(
        415,
        `The request indicated a Content-Type of "${type || 'none'}" for method type "${c.req.method ?? ''}" which is not supported. Valid content types for this method are: application/json-patch+json.`,
        'VssRequestContentTypeNotSupportedException',
        `${VSS}.VssRequestContentTypeNotSupportedException, ${VSS}`,
      );
    }
    return parseJson(c.body, 'a JSON Patch document [{ "op": "add", "path": "/fields/System.Title", "value": "…" }]');
  }

  /** `POST {project}/_apis/wit/workitems/${type}` (createWorkItem). */
  private async restCreateWorkItem(c: Ctx): Promise<void> {
    if (c.project === undefined) throw notFound(`Work items are created in a project: use {project}/_apis/wit/workitems/$${c.params[0].replace(/^\$/, '')}.`);
    const q = this.writeQuery(c);
    const project = this.requireProject(c.project);
    const w = await this.book.create(project.name, c.params[0], this.patchBody(c), { validateOnly: q.validateOnly });
    sendJson(c.res, 200, this.workItemJson(w, c, undefined, q.$expand, true), locationById(LOCATION_IDS.workItemsCreate), c);
  }

  /** `PATCH [{project}/]_apis/wit/workitems/{id}` (updateWorkItem). */
  private async restUpdateWorkItem(c: Ctx): Promise<void> {
    const q = this.writeQuery(c);
    const id = this.requireWorkItem(c, c.params[0]).id;
    const w = await this.book.update(id, this.patchBody(c), { validateOnly: q.validateOnly });
    sendJson(c.res, 200, this.workItemJson(w, c, undefined, q.$expand, true), locationById(LOCATION_IDS.workItems), c);
  }

  private revisionList(w: AdoWorkItem): AdoRevision[] {
    const list = this.book.revisionsOf(w.id);
    // A seeded work item nobody changed has no recorded revision yet: its current state is its only known one.
    return list.length > 0 ? list : [{ id: w.id, rev: w.rev, fields: w.fields, relations: w.relations, origin: null }];
  }

  /** `GET [{project}/]_apis/wit/workItems/{id}/revisions` (getRevisions). */
  private restGetRevisions(c: Ctx): void {
    const q = parseQuery(revisionsQuery, c.url);
    if (!q.ok) throw badRequest(q.message);
    const w = this.requireWorkItem(c, c.params[0]);
    const start = q.value.$skip ?? 0;
    const page = this.revisionList(w).slice(start, start + (q.value.$top ?? 200));
    const base = `${c.orgUrl}/${w.projectId}/_apis/wit/workItems/${w.id}/revisions`;
    const value = page.map((r) => this.workItemJson({ ...r, projectId: w.projectId }, c, undefined, q.value.$expand, false, `${base}/${r.rev}`));
    sendJson(c.res, 200, { count: value.length, value }, locationById(LOCATION_IDS.revisions), c);
  }

  /** `GET [{project}/]_apis/wit/workItems/{id}/revisions/{rev}` (getRevision). */
  private restGetRevision(c: Ctx): void {
    const q = parseQuery(revisionsQuery, c.url);
    if (!q.ok) throw badRequest(q.message);
    const w = this.requireWorkItem(c, c.params[0]);
    const n = positiveId.safeParse(c.params[1]);
    const r = n.success ? this.revisionList(w).find((x) => x.rev === n.data) : undefined;
    if (!r) throw new VssError(404, `TF401233: Revision ${c.params[1]} of work item ${w.id} does not exist.`, 'WorkItemRevisionNotFoundException', `${WIT}.WorkItemRevisionNotFoundException, ${WIT}`);
    const url = `${c.orgUrl}/${w.projectId}/_apis/wit/workItems/${w.id}/revisions/${r.rev}`;
    sendJson(c.res, 200, this.workItemJson({ ...r, projectId: w.projectId }, c, undefined, q.value.$expand, false, url), locationById(LOCATION_IDS.revisions), c);
  }

  /**
   * `GET [{project}/]_apis/wit/workItems/{id}/updates[/{n}]` (getUpdates, getUpdate): the difference each recorded
   * revision made to the one before (the first recorded revision: every field as new).
   */
  private restGetUpdates(c: Ctx): void {
    const q = parseQuery(revisionsQuery, c.url);
    if (!q.ok) throw badRequest(q.message);
    const w = this.requireWorkItem(c, c.params[0]);
    const revs = this.revisionList(w);
    const url = `${c.orgUrl}/${w.projectId}/_apis/wit/workItems/${w.id}/updates`;
    const value = (v: AdoFieldValue | undefined) => (v !== undefined && typeof v === 'object' ? this.identityJson(v, c.orgUrl) : v);
    const updates = revs.map((r, i) => {
      const prev = revs[i - 1];
      const fields: Record<string, { oldValue?: unknown; newValue?: unknown }> = {};
      for (const k of new Set([...Object.keys(prev?.fields ?? {}), ...Object.keys(r.fields)])) {
        const a = prev?.fields[k];
        const b = r.fields[k];
        if (JSON.stringify(a) === JSON.stringify(b)) continue;
        fields[k] = { ...(a !== undefined ? { oldValue: value(a) } : {}), ...(b !== undefined ? { newValue: value(b) } : {}) };
      }
      fields['System.Rev'] = { ...(prev ? { oldValue: prev.rev } : {}), newValue: r.rev };
      const key = (x: AdoRelation) => JSON.stringify([x.rel, x.workItemId, x.attachmentId, x.url]);
      const before = new Set((prev?.relations ?? []).map(key));
      const after = new Set(r.relations.map(key));
      const added = r.relations.filter((x) => !before.has(key(x))).map((x) => this.relationJson(x, c.orgUrl));
      const removed = (prev?.relations ?? []).filter((x) => !after.has(key(x))).map((x) => this.relationJson(x, c.orgUrl));
      return {
        id: i + 1,
        workItemId: w.id,
        rev: r.rev,
        revisedBy: value(r.fields['System.ChangedBy']),
        revisedDate: r.fields['System.ChangedDate'],
        fields,
        ...(added.length || removed.length ? { relations: { ...(added.length ? { added } : {}), ...(removed.length ? { removed } : {}) } } : {}),
        url: `${url}/${i + 1}`,
      };
    });
    if (c.params[1] !== undefined) {
      const n = positiveId.safeParse(c.params[1]);
      const one = n.success ? updates[n.data - 1] : undefined;
      if (!one) throw new VssError(404, `Update ${c.params[1]} of work item ${w.id} does not exist.`, 'WorkItemUpdateNotFoundException', `${WIT}.WorkItemUpdateNotFoundException, ${WIT}`);
      sendJson(c.res, 200, one, locationById(LOCATION_IDS.updates), c);
      return;
    }
    const start = q.value.$skip ?? 0;
    const page = updates.slice(start, start + (q.value.$top ?? 200));
    sendJson(c.res, 200, { count: page.length, value: page }, locationById(LOCATION_IDS.updates), c);
  }

  private commentBody(c: Ctx): unknown {
    const json = parseJson(c.body, '{ "text": "…" }');
    return typeof json === 'object' && json !== null ? (json as { text?: unknown }).text : undefined;
  }

  /** `POST {project}/_apis/wit/workItems/{id}/comments` (addComment). */
  private async restAddComment(c: Ctx): Promise<void> {
    const w = this.requireWorkItem(c, c.params[0]);
    const cm = await this.book.addComment(w.id, this.commentBody(c));
    sendJson(c.res, 200, this.commentJson(this.book.peek(w.id)!, cm, c.orgUrl, undefined), locationById(LOCATION_IDS.comments), c);
  }

  private commentId(c: Ctx): number {
    const id = positiveId.safeParse(c.params[1]);
    if (!id.success) throw badRequest(`Invalid comment id '${c.params[1]}': it must be a positive integer.`);
    return id.data;
  }

  /** `PATCH {project}/_apis/wit/workItems/{id}/comments/{commentId}` (updateComment). */
  private async restUpdateComment(c: Ctx): Promise<void> {
    const w = this.requireWorkItem(c, c.params[0]);
    const cm = await this.book.updateComment(w.id, this.commentId(c), this.commentBody(c));
    sendJson(c.res, 200, this.commentJson(this.book.peek(w.id)!, cm, c.orgUrl, undefined), locationById(LOCATION_IDS.comments), c);
  }

  /** `DELETE {project}/_apis/wit/workItems/{id}/comments/{commentId}` (deleteComment). */
  private async restDeleteComment(c: Ctx): Promise<void> {
    const w = this.requireWorkItem(c, c.params[0]);
    await this.book.deleteComment(w.id, this.commentId(c));
    c.res.writeHead(204, commonHeaders()).end();
  }

  /** `GET {project}/_apis/wit/workItems/{id}/comments/{commentId}/versions[/{version}]` (getCommentVersions, getCommentVersion). */
  private restCommentVersions(c: Ctx): void {
    const w = this.requireWorkItem(c, c.params[0]);
    const cid = this.commentId(c);
    const cm = w.comments.find((x) => x.id === cid);
    if (!cm) throw new VssError(404, `Comment ${cid} of work item ${w.id} does not exist.`, 'CommentNotFoundException', `${WIT}.CommentNotFoundException, ${WIT}`);
    const url = `${c.orgUrl}/${w.projectId}/_apis/wit/workItems/${w.id}/comments/${cm.id}/versions`;
    const versions = [
      ...(cm.previous ?? []).map((p) => ({ ...p, isDeleted: p.isDeleted ?? false })),
      { version: cm.version, text: cm.text, modifiedBy: cm.modifiedBy, modifiedDate: cm.modifiedDate, isDeleted: cm.isDeleted ?? false },
    ].map((v) => ({
      id: cm.id,
      version: v.version,
      text: v.text,
      renderedText: v.text,
      createdBy: this.identityJson(cm.createdBy, c.orgUrl),
      createdDate: cm.createdDate,
      modifiedBy: this.identityJson(v.modifiedBy, c.orgUrl),
      modifiedDate: v.modifiedDate,
      isDeleted: v.isDeleted,
      url: `${url}/${v.version}`,
    }));
    if (c.params[2] === undefined) {
      sendJson(c.res, 200, { count: versions.length, value: versions }, locationById(LOCATION_IDS.commentVersions), c);
      return;
    }
    const n = positiveId.safeParse(c.params[2]);
    const one = n.success ? versions.find((v) => v.version === n.data) : undefined;
    if (!one) throw new VssError(404, `Version ${c.params[2]} of comment ${cm.id} of work item ${w.id} does not exist.`, 'CommentVersionNotFoundException', `${WIT}.CommentVersionNotFoundException, ${WIT}`);
    sendJson(c.res, 200, one, locationById(LOCATION_IDS.commentVersions), c);
  }

  /** `POST [{project}/]_apis/wit/attachments?fileName=` with the bytes as the body (createAttachment). */
  private async restCreateAttachment(c: Ctx): Promise<void> {
    const q = parseQuery(attachmentUploadQuery, c.url);
    if (!q.ok) throw badRequest(q.message);
    if (q.value.uploadType === 'chunked') throw badRequest('The emulator takes attachments in one request: use uploadType=Simple.');
    const project = c.project === undefined ? undefined : this.requireProject(c.project);
    const a = await this.book.createAttachment(project?.name, q.value.fileName, c.raw);
    sendJson(c.res, 201, { id: a.id, url: `${c.orgUrl}/_apis/wit/attachments/${a.id}` }, locationById(LOCATION_IDS.attachments), c);
  }

  /** `GET [{project}/]_apis/wit/attachments/{id}` (getAttachmentContent): the bytes. */
  private restGetAttachment(c: Ctx): void {
    const q = parseQuery(attachmentGetQuery, c.url);
    if (!q.ok) throw badRequest(q.message);
    const a = this.book.attachment(c.params[0]);
    const content = a ? this.book.attachmentContent(a.id) : undefined;
    if (!a || !content) throw new VssError(404, `VS402492: The attachment ${c.params[0]} does not exist.`, 'AttachmentNotFoundException', `${WIT}.AttachmentNotFoundException, ${WIT}`);
    const name = q.value.fileName ?? a.fileName;
    c.res.writeHead(200, {
      ...commonHeaders(),
      'Content-Type': 'application/octet-stream',
      'Content-Length': content.length,
      'Content-Disposition': `${q.value.download ? 'attachment' : 'inline'}; filename*=UTF-8''${encodeURIComponent(name)}`,
    });
    c.res.end(content);
  }

  // ---- in-process API -------------------------------------------------------------------------------------------

  getWorkItem(id: number): AdoWorkItem | undefined {
    return this.book.get(id);
  }

  createWorkItem(projectName: string, type: string, patch: JsonPatchOp[], opts?: WriteOptions): Promise<AdoWorkItem> {
    return this.book.create(projectName, type, patch, { origin: opts?.origin, author: opts?.author });
  }

  updateWorkItem(id: number, patch: JsonPatchOp[], opts?: WriteOptions): Promise<AdoWorkItem> {
    return this.book.update(id, patch, { origin: opts?.origin, author: opts?.author });
  }

  addComment(id: number, text: string, opts?: WriteOptions): Promise<AdoComment> {
    return this.book.addComment(id, text, { origin: opts?.origin, author: opts?.author });
  }

  updateComment(id: number, commentId: number, text: string, opts?: WriteOptions): Promise<AdoComment> {
    return this.book.updateComment(id, commentId, text, { origin: opts?.origin, author: opts?.author });
  }

  deleteComment(id: number, commentId: number, opts?: WriteOptions): Promise<void> {
    return this.book.deleteComment(id, commentId, { origin: opts?.origin, author: opts?.author });
  }

  createAttachment(projectName: string, fileName: string, content: Uint8Array, opts?: WriteOptions): Promise<AdoAttachment> {
    return this.book.createAttachment(projectName, fileName, Buffer.from(content.buffer, content.byteOffset, content.byteLength), { origin: opts?.origin, author: opts?.author });
  }

  getAttachment(id: string): (AdoAttachment & { content: Buffer }) | undefined {
    const a = this.book.attachment(id);
    const content = a ? this.book.attachmentContent(a.id) : undefined;
    return a && content ? { ...a, content } : undefined;
  }

  attachmentUrl(id: string): string {
    return `emulator:/_apis/wit/attachments/${id}`;
  }

  workItemUrl(id: number): string {
    return `emulator:/_apis/wit/workItems/${id}`;
  }

  getRevisions(id: number): AdoRevision[] {
    const w = this.book.peek(id);
    return w ? structuredClone(this.revisionList(w)) : [];
  }

  findByOrigin(origin: string): { id: number; rev: number; commentId?: number } | undefined {
    return this.book.findByOrigin(origin);
  }

  onChange(listener: (c: WorkItemChange) => void): () => void {
    return this.book.onChange(listener);
  }

  queryWiql(projectName: string, wiql: string): number[] {
    const body = wiqlBody.safeParse({ query: wiql });
    if (!body.success) throw badRequest(`Invalid WIQL request: ${body.error.issues[0]?.message ?? 'invalid'}.`);
    return this.runQuery(body.data.query, this.requireProject(projectName)).ids;
  }

  private identityJson(i: AdoIdentity, orgUrl: string): Record<string, unknown> {
    const descriptor = `aad.${Buffer.from(i.id).toString('base64url')}`;
    const avatar = `${orgUrl}/_apis/GraphProfile/MemberAvatars/${descriptor}`;
    return {
      displayName: i.displayName,
      url: `${orgUrl}/_apis/Identities/${i.id}`,
      _links: { avatar: { href: avatar } },
      id: i.id,
      uniqueName: i.uniqueName,
      imageUrl: avatar,
      descriptor,
    };
  }

  // ---- wit: fields and work item types (./fields.ts) -----------------------------------------------------------

  private fieldRoutes(): Route[] {
    const get = (path: string[], location: string, run: (c: Ctx) => unknown): Route => ({
      method: 'GET',
      path,
      projectScoped: true,
      location,
      run: (c) => sendJson(c.res, 200, run(c), locationById(location), c),
    });
    const project = (c: Ctx) => (c.project === undefined ? undefined : this.requireProject(c.project));
    const scoped = (c: Ctx) => {
      const p = project(c);
      if (!p) throw notFound(`Work item types belong to a project: use {project}/_apis/wit/workItemTypes.`);
      return p;
    };
    const typeNotFound = (type: string, p: AdoProject) =>
      new VssError(404, `TF51535: Work item type ${type} does not exist in project ${p.name}.`, 'WorkItemTypeNotFoundException', `${WIT}.WorkItemTypeNotFoundException, ${WIT}`);
    const fieldNotFound = (field: string) => new VssError(404, `TF51535: Cannot find field ${field}.`, 'WorkItemFieldInvalidException', `${WIT}.WorkItemFieldInvalidException, ${WIT}`);
    const query = <S extends Parameters<typeof parseQuery>[0]>(schema: S, c: Ctx) => {
      const q = parseQuery(schema, c.url);
      if (!q.ok) throw badRequest(q.message);
      return q.value as { $expand?: string };
    };
    return [
      get(['wit', 'fields'], LOCATION_IDS.fields, (c) => (query(fieldsQuery, c), fieldsBody(c.orgUrl, project(c)))),
      get(['wit', 'fields', '*'], LOCATION_IDS.fields, (c) => orThrow(fieldBody(c.orgUrl, project(c), c.params[0]), () => fieldNotFound(c.params[0]))),
      get(['wit', 'workitemtypes'], LOCATION_IDS.workItemTypes, (c) => workItemTypesBody(c.orgUrl, scoped(c))),
      get(['wit', 'workitemtypes', '*'], LOCATION_IDS.workItemTypes, (c) => {
        const p = scoped(c);
        return orThrow(workItemTypeBody(c.orgUrl, p, c.params[0]), () => typeNotFound(c.params[0], p));
      }),
      get(['wit', 'workitemtypes', '*', 'fields'], LOCATION_IDS.workItemTypeFields, (c) => {
        const p = scoped(c);
        return orThrow(typeFieldsBody(c.orgUrl, p, c.params[0], query(typeFieldsQuery, c).$expand), () => typeNotFound(c.params[0], p));
      }),
      get(['wit', 'workitemtypes', '*', 'fields', '*'], LOCATION_IDS.workItemTypeFields, (c) => {
        const p = scoped(c);
        const r = typeFieldBody(c.orgUrl, p, c.params[0], c.params[1], query(typeFieldsQuery, c).$expand);
        if (r === 'type') throw typeNotFound(c.params[0], p);
        if (r === 'field') throw fieldNotFound(c.params[1]);
        return r;
      }),
    ];
  }

  // ---- store -------------------------------------------------------------------------------------------------

  private insertProject(p: { name: string; description?: string }, revision: number, lastUpdateTime: string): AdoProject {
    const project: AdoProject = {
      id: stableUuid(this.org.toLowerCase(), 'project', p.name.toLowerCase()),
      name: p.name,
      ...(p.description ? { description: p.description } : {}),
      state: 'wellFormed',
      revision,
      visibility: 'private',
      lastUpdateTime,
    };
    this.projects.push(project);
    // Stable order for paging: by name, like the web UI lists them.
    this.projects.sort((a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }));
    this.nextRevision = Math.max(this.nextRevision, revision + 1);
    return project;
  }

  /** By id or by name, both case-insensitive (the service accepts either in `{projectId}` / `{project}`). */
  private findProject(idOrName: string): AdoProject | undefined {
    const key = idOrName.toLowerCase();
    return this.projects.find((p) => p.id === key || p.name.toLowerCase() === key);
  }

  private requireProject(idOrName: string): AdoProject {
    const p = this.findProject(idOrName);
    if (!p) {
      throw new VssError(
        404,
        `TF200016: The following project does not exist: ${idOrName}. Verify that the name of the project is correct and that the project exists on the specified Azure DevOps Server.`,
        'ProjectDoesNotExistWithNameException',
        `${FRAMEWORK}.ProjectDoesNotExistWithNameException, ${FRAMEWORK}`,
      );
    }
    return p;
  }

  /** The work item `{id}`, which must belong to the `{project}` of the route when there is one. */
  private requireWorkItem(c: Ctx, rawId: string): AdoWorkItem {
    const project = c.project === undefined ? undefined : this.requireProject(c.project);
    const id = positiveId.safeParse(rawId);
    if (!id.success) throw badRequest(`Invalid work item id '${rawId}': it must be a positive integer.`);
    return this.book.requireItem(id.data, project?.id);
  }
}

/** Reads a request body of at most `limit` bytes; a larger one is a 413 (nothing applied) and the rest is discarded. */
async function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  const tooLarge = () => new VssError(413, `The request body is larger than ${limit} bytes.`, 'RequestContentTooLargeException', `${VSS}.RequestContentTooLargeException, ${VSS}`);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function parseJson(text: string, expected: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest(`The request body is not valid JSON: send ${expected}.`);
  }
}

function orThrow<T>(value: T | undefined, error: () => Error): T {
  if (value === undefined) throw error();
  return value;
}

function isIdentity(v: unknown): v is AdoIdentity {
  return typeof v === 'object' && v !== null && 'uniqueName' in v;
}

/** Rejects an `api-version` (Accept header or query) outside the location's range, like the service. */
function checkApiVersion(req: http.IncomingMessage, url: URL, loc: ApiResourceLocation): void {
  const requested = requestedApiVersion(req, url);
  if (requested === undefined) return;
  const m = /^(\d+\.\d+)(-preview(?:\.(\d+))?)?$/.exec(requested);
  const outOfRange = (why: string) =>
    new VssError(400, `The requested REST API version of ${requested} is out of range for this server. ${why}`, 'VssVersionOutOfRangeException', `${VSS}.VssVersionOutOfRangeException, ${VSS}`);
  if (!m) {
    throw new VssError(400, `The api-version '${requested}' is not valid: use major.minor with an optional -preview[.n] suffix.`, 'VssInvalidApiVersionException', `${VSS}.VssInvalidApiVersionException, ${VSS}`);
  }
  const version = Number(m[1]);
  const preview = m[2] !== undefined;
  const resourceVersion = m[3] === undefined ? undefined : Number(m[3]);
  if (version > Number(loc.maxVersion)) throw outOfRange(`The latest REST API version this server supports is ${loc.maxVersion}.`);
  if (version < Number(loc.minVersion)) throw outOfRange(`The earliest REST API version of ${loc.resourceName} is ${loc.minVersion}.`);
  if (resourceVersion !== undefined && resourceVersion > loc.resourceVersion) {
    throw outOfRange(`The latest resource version of ${loc.resourceName} is ${loc.resourceVersion}.`);
  }
  if (!preview && version > Number(loc.releasedVersion)) {
    throw new VssError(
      400,
      `The requested version "${requested}" of the resource is under preview. The -preview flag must be supplied in the api-version for such requests. For example: "${requested}-preview"`,
      'VssInvalidPreviewVersionException',
      `${VSS}.VssInvalidPreviewVersionException, ${VSS}`,
    );
  }
}

function requestedApiVersion(req: http.IncomingMessage, url: URL): string | undefined {
  for (const [k, v] of url.searchParams) if (k.toLowerCase() === 'api-version') return v.trim();
  const accept = req.headers.accept ?? '';
  const m = /api-version\s*=\s*([^;,\s]+)/i.exec(accept);
  return m?.[1];
}

function commonHeaders(): Record<string, string> {
  const activity = randomUUID();
  return { ActivityId: activity, 'X-VSS-E2EID': activity, 'X-TFS-Session': activity, 'Cache-Control': 'no-cache' };
}

function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  loc?: ApiResourceLocation,
  c?: Ctx,
  extra: Record<string, string> = {},
): void {
  const version = loc && c ? (requestedApiVersion(c.req, c.url) ?? loc.maxVersion) : undefined;
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    ...commonHeaders(),
    'Content-Type': `application/json; charset=utf-8${version ? `; api-version=${version}` : ''}`,
    'Content-Length': Buffer.byteLength(payload),
    ...extra,
  });
  res.end(payload);
}

function sendError(res: http.ServerResponse, err: VssError): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const payload = JSON.stringify({
    $id: '1',
    innerException: null,
    ...(err.customProperties ? { customProperties: err.customProperties } : {}),
    message: err.message,
    typeName: err.typeName,
    typeKey: err.typeKey,
    errorCode: 0,
    eventId: 3000,
  });
  res.writeHead(err.status, {
    ...commonHeaders(),
    ...err.headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
    'X-TFS-ServiceError': encodeURIComponent(err.message),
  });
  res.end(payload);
}

export function createAdoEmulator(options: AdoEmulatorOptions): AdoEmulator {
  return new Emulator(options);
}
