// Azure DevOps Services REST emulator: answers the calls azure-devops-node-api 17 makes to list projects and read
// work items and their comments, with the service's ids, route templates, version negotiation and error bodies.
// Pure Node (no `vscode`); the sandbox node mounts it under `/ado/`. See docs/ado-emulator.md.
import type * as http from 'node:http';
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { LOCATION_IDS, locationById, locationsOfArea, resourceAreas, type ApiResourceLocation } from './locations';
import { fieldBody, fieldsBody, fieldsQuery, typeFieldBody, typeFieldsBody, typeFieldsQuery, workItemTypeBody, workItemTypesBody } from './fields';
import { commentQuery, commentsQuery, parseQuery, positiveId, projectQuery, projectsQuery, wiqlQuery, workItemListQuery, workItemQuery } from './queries';
import { SEED_PROJECTS, seedWorkItems, stableUuid, type AdoComment, type AdoIdentity, type AdoProject, type AdoWorkItem } from './seed';
import { parseWiql, runWiql, wiqlBody } from './wiql';

export type { AdoProject } from './seed';

export interface AdoEmulatorOptions {
  org: string;
  pat: string;
  seed?: boolean;
  projects?: Array<{ name: string; description?: string }>;
}

export interface AdoEmulator {
  readonly org: string;
  /** Serves a request whose URL path starts with `/ado/`. baseUrl is e.g. `http://127.0.0.1:PORT/ado`; the org URL is `${baseUrl}/${org}`. */
  handle(req: http.IncomingMessage, res: http.ServerResponse, baseUrl: string): Promise<void>;
  orgUrl(baseUrl: string): string;
  addProject(p: { name: string; description?: string }): AdoProject;
  listProjects(): AdoProject[];
  setPat(pat: string): void;
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

const FIELD_CATALOG = [
  'System.Id',
  'System.Rev',
  'System.AreaPath',
  'System.TeamProject',
  'System.IterationPath',
  'System.WorkItemType',
  'System.State',
  'System.Reason',
  'System.AssignedTo',
  'System.CreatedDate',
  'System.CreatedBy',
  'System.ChangedDate',
  'System.ChangedBy',
  'System.CommentCount',
  'System.Title',
  'System.Description',
  'System.Tags',
  'Microsoft.VSTS.Common.Priority',
];

/** An error the service would answer with; serialised like its `WrappedException` JSON. */
class VssError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly typeKey: string,
    readonly typeName: string,
    readonly headers: Record<string, string | string[]> = {},
  ) {
    super(message);
  }
}

const FRAMEWORK = 'Microsoft.TeamFoundation.Framework.Server';
const WIT = 'Microsoft.TeamFoundation.WorkItemTracking.Server';
const VSS = 'Microsoft.VisualStudio.Services.WebApi';

function notFound(message: string, typeKey = 'ResourceNotFoundException'): VssError {
  return new VssError(404, message, typeKey, `${VSS}.${typeKey}, ${VSS}`);
}

function badRequest(message: string, typeKey = 'InvalidArgumentValueException'): VssError {
  return new VssError(400, message, typeKey, `${VSS}.${typeKey}, ${VSS}`);
}

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
  /** The request body (POST only), at most MAX_BODY bytes. */
  body: string;
}

/** Request bodies (WIQL) are small; a larger one is refused before it is read completely. */
const MAX_BODY = 64 * 1024;

interface Route {
  method: 'GET' | 'OPTIONS' | 'POST';
  /** Lower-case literal segments after `_apis/`, or `*` for a value. */
  path: string[];
  /** Whether a `{project}` segment may precede `_apis`. */
  projectScoped: boolean;
  /** Location whose versions bound the `api-version` of the request. */
  location?: string;
  run(ctx: Ctx): void;
}

class Emulator implements AdoEmulator {
  readonly org: string;
  private patHash: Buffer;
  private readonly projects: AdoProject[] = [];
  private readonly workItems = new Map<number, AdoWorkItem>();
  private nextRevision = 1;
  private readonly routes: Route[];

  constructor(options: AdoEmulatorOptions) {
    this.org = orgName.parse(options.org);
    this.patHash = hashOf(pat.parse(options.pat));
    if (options.seed) {
      for (const p of SEED_PROJECTS) {
        this.insertProject({ name: p.name, description: p.description }, p.revision, p.lastUpdateTime);
      }
      for (const w of seedWorkItems(this.org, (name) => this.findProject(name)?.id)) this.workItems.set(w.id, w);
    }
    for (const p of options.projects ?? []) this.addProject(p);
    this.routes = [
      { method: 'GET', path: ['resourceareas'], projectScoped: false, location: LOCATION_IDS.resourceAreas, run: (c) => this.getResourceAreas(c) },
      { method: 'GET', path: ['resourceareas', '*'], projectScoped: false, location: LOCATION_IDS.resourceAreas, run: (c) => this.getResourceArea(c) },
      { method: 'GET', path: ['connectiondata'], projectScoped: false, run: (c) => this.getConnectionData(c) },
      { method: 'GET', path: ['projects'], projectScoped: false, location: LOCATION_IDS.projects, run: (c) => this.getProjects(c) },
      { method: 'GET', path: ['projects', '*'], projectScoped: false, location: LOCATION_IDS.projects, run: (c) => this.getProject(c) },
      { method: 'GET', path: ['wit', 'workitems'], projectScoped: true, location: LOCATION_IDS.workItems, run: (c) => this.getWorkItemList(c) },
      { method: 'POST', path: ['wit', 'wiql'], projectScoped: true, location: LOCATION_IDS.wiql, run: (c) => this.queryByWiql(c) },
      { method: 'GET', path: ['wit', 'workitems', '*'], projectScoped: true, location: LOCATION_IDS.workItems, run: (c) => this.getWorkItem(c) },
      { method: 'GET', path: ['wit', 'workitems', '*', 'comments'], projectScoped: true, location: LOCATION_IDS.comments, run: (c) => this.getComments(c) },
      { method: 'GET', path: ['wit', 'workitems', '*', 'comments', '*'], projectScoped: true, location: LOCATION_IDS.comments, run: (c) => this.getComment(c) },
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
      // Only POST has a body (WIQL); never leave one unread on a keep-alive socket.
      const body = (req.method ?? 'GET').toUpperCase() === 'POST' ? await readBody(req) : (req.resume(), '');
      this.dispatch(req, res, baseUrl, orgUrl, body);
    } catch (e) {
      const err =
        e instanceof VssError
          ? e
          : new VssError(500, `Azure DevOps emulator error: ${e instanceof Error ? e.message : String(e)}`, 'UnexpectedException', `${FRAMEWORK}.UnexpectedException, ${FRAMEWORK}`);
      sendError(res, err);
    }
  }

  // ---- routing -----------------------------------------------------------------------------------------------

  private dispatch(req: http.IncomingMessage, res: http.ServerResponse, baseUrl: string, orgUrl: string, body: string): void {
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
    const ctx: Ctx = { req, res, url, orgUrl, project, params, body };
    if (route.location) checkApiVersion(req, url, locationById(route.location));
    route.run(ctx);
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

  private getWorkItem(c: Ctx): void {
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
    sendJson(c.res, 200, this.workItemJson(this.requireWorkItem(c, c.params[0]), c, fields, $expand), locationById(LOCATION_IDS.workItems), c);
  }

  /** `GET {project}/_apis/wit/workitems?ids=1,2` (getWorkItems): the items in the order asked, 200 at most. */
  private getWorkItemList(c: Ctx): void {
    const q = parseQuery(workItemListQuery, c.url);
    if (!q.ok) throw badRequest(q.message);
    const { ids, fields, $expand, errorPolicy } = q.value;
    if (fields && $expand && $expand !== 'none') {
      throw badRequest(`The expand parameter can not be used with the fields parameter.`, 'ConflictingParametersException');
    }
    this.checkFields(fields);
    const items = ids.map((id) => {
      try {
        return this.workItemJson(this.requireWorkItem(c, String(id)), c, fields, $expand);
      } catch (e) {
        if (errorPolicy === 'omit' && e instanceof VssError && e.status === 404) return null;
        throw e;
      }
    });
    sendJson(c.res, 200, { count: items.length, value: items }, locationById(LOCATION_IDS.workItems), c);
  }

  /** `POST {project}/_apis/wit/wiql` (queryByWiql): the ids of the matching work items (./wiql.ts). */
  private queryByWiql(c: Ctx): void {
    const q = parseQuery(wiqlQuery, c.url);
    if (!q.ok) throw badRequest(q.message);
    let json: unknown;
    try {
      json = JSON.parse(c.body);
    } catch {
      throw badRequest('The request body is not valid JSON: send { "query": "SELECT … FROM WorkItems …" }.');
    }
    const body = wiqlBody.safeParse(json);
    if (!body.success) throw badRequest(`Invalid WIQL request: ${body.error.issues[0]?.message ?? 'invalid'}.`);
    const parsed = parseWiql(body.data.query);
    if (!parsed.ok) throw new VssError(400, parsed.message, 'WorkItemQueryInvalidException', `${WIT}.WorkItemQueryInvalidException, ${WIT}`);
    this.checkFields([...parsed.query.select, ...parsed.query.where.map((w) => w.field), ...parsed.query.orderBy.map((o) => o.field)]);
    const project = c.project === undefined ? undefined : this.requireProject(c.project);
    if (!project && parsed.query.where.some((w) => typeof w.value === 'object')) {
      throw new VssError(400, 'TF51011: The @project macro needs a project: use {project}/_apis/wit/wiql.', 'WorkItemQueryInvalidException', `${WIT}.WorkItemQueryInvalidException, ${WIT}`);
    }
    const read = (w: AdoWorkItem, name: string) => {
      if (name.toLowerCase() === 'system.id') return w.id;
      if (name.toLowerCase() === 'system.rev') return w.rev;
      const key = Object.keys(w.fields).find((k) => k.toLowerCase() === name.toLowerCase());
      return key === undefined ? undefined : w.fields[key];
    };
    let ids = runWiql(parsed.query, [...this.workItems.values()], read, (w) => w.id, project?.name);
    if (q.value.$top !== undefined) ids = ids.slice(0, q.value.$top);
    const fieldRef = (name: string) => {
      const ref = FIELD_CATALOG.find((k) => k.toLowerCase() === name.toLowerCase()) ?? name;
      return { referenceName: ref, name: ref.split('.').pop(), url: `${c.orgUrl}/_apis/wit/fields/${ref}` };
    };
    sendJson(
      c.res,
      200,
      {
        queryType: 'flat',
        queryResultType: 'workItem',
        asOf: new Date().toISOString(),
        columns: parsed.query.select.map(fieldRef),
        sortColumns: parsed.query.orderBy.map((o) => ({ field: fieldRef(o.field), descending: o.descending })),
        workItems: ids.map((id) => ({ id, url: `${c.orgUrl}/_apis/wit/workItems/${id}` })),
      },
      locationById(LOCATION_IDS.wiql),
      c,
    );
  }

  private checkFields(fields: string[] | undefined): void {
    for (const f of fields ?? []) {
      if (!FIELD_CATALOG.some((k) => k.toLowerCase() === f.toLowerCase())) {
        throw new VssError(400, `TF51535: Cannot find field ${f}.`, 'WorkItemFieldInvalidException', `${WIT}.WorkItemFieldInvalidException, ${WIT}`);
      }
    }
  }

  private workItemJson(w: AdoWorkItem, c: Ctx, fields: string[] | undefined, $expand: string | undefined): Record<string, unknown> {
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
    if ($expand === 'relations' || $expand === 'all') body.relations = [];
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
    const { $top, continuationToken, $expand, order } = q.value;
    const sorted = order === 'desc' ? [...w.comments].reverse() : w.comments;
    const start = continuationToken ?? 0;
    const page = sorted.slice(start, start + ($top ?? DEFAULT_COMMENT_PAGE));
    const listUrl = `${c.orgUrl}/${w.projectId}/_apis/wit/workItems/${w.id}/comments`;
    const body: Record<string, unknown> = {
      totalCount: w.comments.length,
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
    const cm = id.success ? w.comments.find((x) => x.id === id.data) : undefined;
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
      url: `${orgUrl}/${w.projectId}/_apis/wit/workItems/${w.id}/comments/${cm.id}`,
    };
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
    const w = this.workItems.get(id.data);
    if (!w || (project && w.projectId !== project.id)) {
      throw new VssError(
        404,
        `TF401232: Work item ${id.data} does not exist, or you do not have permissions to read it.`,
        'WorkItemUnauthorizedAccessException',
        `${WIT}.WorkItemUnauthorizedAccessException, ${WIT}`,
      );
    }
    return w;
  }
}

/** Reads a request body of at most MAX_BODY bytes as UTF-8; a larger one is a 413 and the rest is discarded. */
async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) {
      req.resume();
      throw new VssError(413, `The request body is larger than ${MAX_BODY} bytes.`, 'RequestContentTooLargeException', `${VSS}.RequestContentTooLargeException, ${VSS}`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
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
