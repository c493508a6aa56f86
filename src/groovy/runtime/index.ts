// The Azure DevOps script runtime for Test Run: `workItem`/`issue` and `replica` built from plain JSON in the
// script model's shape, the helpers (`nodeHelper`, `commentHelper`, `attachmentHelper`, `syncHelper`, `debug`,
// `log`) with real behaviour, and `firstSync`. Lookups that need Azure DevOps (users, work item types, the twin
// of a remote item) come from a RuntimeContext the caller fills in beforehand, so a run is synchronous and pure.
// The JSON shapes are documented in docs/test-run.md; test/fixtures/groovy/runtime.groovy implements the same
// behaviour for real Groovy (differential tests).
// Pure module: no `vscode`, no Node built-ins.
import type { Script } from '../ast';
import { parse } from '../index';
import { Budget, type BudgetOptions } from '../interpreter/budget';
import { Interpreter, type ScriptErrorInfo } from '../interpreter/evaluator';
import { groovyError, unsupported } from '../interpreter/errors';
import { parseJson, toJson } from '../interpreter/json';
import { toGroovyString, truthy } from '../interpreter/ops';
import { GMap, HostObject, NO_METHOD, Value, isCallable } from '../interpreter/values';
import { stripHtml } from './html';

export { stripHtml } from './html';

export const ISSUE_TRACKER_EXCEPTION = 'com.exalate.api.exception.IssueTrackerException';

export interface UserInfo {
  displayName?: string;
  email?: string;
  key?: string;
  username?: string;
  active?: boolean;
}

/** What a run may look up (prefetched by the caller). Everything is optional. */
export interface RuntimeContext {
  /** Local users for nodeHelper.getUserByEmail/getUser/getUserByUsername/getUserByFullName. */
  users?: UserInfo[];
  /** Work item type names of the project (nodeHelper.getIssueType); default: Bug, Task, User Story, Feature, Epic, Issue. */
  issueTypes?: string[];
  /** Local twins of remote items: remote id (as text) → { id, key } (syncHelper/nodeHelper.getLocalIssueKeyFromRemoteId). */
  links?: Record<string, { id: number | string; key: string }>;
  /** Connection name (`connection.name`). */
  connectionName?: string;
  /**
   * What `syncHelper.syncBackAfterProcessing()` / `unExalateAfterProcessing()` do when a node runs the script (the
   * sync engine records the request); absent in Test Run, where the call is only logged.
   */
  actions?: { syncBack?: () => void; unExalate?: () => void };
}

export const DEFAULT_ISSUE_TYPES = ['Bug', 'Task', 'User Story', 'Feature', 'Epic', 'Issue'];

export interface LogEntry {
  level: 'info' | 'debug' | 'warn' | 'error' | 'trace';
  message: string;
}

const ALIASES: Record<string, string> = { creator: 'reporter' };

/** `workItem` / `replica`: an open bag of properties over an ordered map; unknown names read as null. */
export class Entity implements HostObject {
  constructor(
    readonly hostKind: 'WorkItem' | 'Replica',
    readonly data: GMap,
  ) {}
  getProperty(name: string): Value {
    return this.data.get(ALIASES[name] ?? name);
  }
  setProperty(name: string, value: Value): void {
    this.data.set(ALIASES[name] ?? name, value);
  }
  invokeMethod(name: string, args: Value[]): Value | typeof NO_METHOD {
    if (name === 'setStatus' && args.length === 1) {
      this.data.set('status', args[0] === null ? null : GMap.from([['name', toGroovyString(args[0])]]));
      return null;
    }
    if (name === 'getProperty' && args.length === 1) return this.getProperty(toGroovyString(args[0]));
    if (name === 'setProperty' && args.length === 2) {
      this.setProperty(toGroovyString(args[0]), args[1]);
      return null;
    }
    return NO_METHOD;
  }
  toJSONValue(): Value {
    return this.data;
  }
}

function asMap(v: Value): GMap | null {
  return v instanceof GMap ? v : v instanceof Entity ? v.data : null;
}

function listOf(v: Value): Value[] {
  return Array.isArray(v) ? v : [];
}

function str(v: Value): string | null {
  return v === null || v === undefined ? null : toGroovyString(v);
}

/** Missing list/map fields of an entity become empty, as they are on a real Exalate node. */
export function normalizeEntity(data: GMap, lists = ['comments', 'attachments', 'labels'], maps = ['customFields', 'customKeys']): GMap {
  for (const k of lists) if (data.get(k) === null) data.set(k, []);
  for (const k of maps) if (data.get(k) === null) data.set(k, new GMap());
  return data;
}

function defaultCommentBody(c: GMap): string {
  const author = asMap(c.get('author'));
  const who = author ? (str(author.get('displayName')) ?? 'Unknown') : 'Unknown';
  return `${who} commented:\n${str(c.get('body')) ?? ''}`;
}

class Helper implements HostObject {
  constructor(
    readonly hostKind: string,
    private readonly methods: Record<string, (args: Value[]) => Value>,
  ) {}
  getProperty(name: string): Value {
    throw groovyError('groovy.lang.MissingPropertyException', `No such property: ${name} for class: ${this.hostKind}`);
  }
  setProperty(name: string): void {
    throw groovyError('groovy.lang.MissingPropertyException', `No such property: ${name} for class: ${this.hostKind}`);
  }
  invokeMethod(name: string, args: Value[]): Value | typeof NO_METHOD {
    const m = this.methods[name];
    return m ? m(args) : NO_METHOD;
  }
}

export interface Runtime {
  bindings: Record<string, Value>;
  logs: LogEntry[];
}

/** The helpers and their lookups; `call` invokes closures (commentHelper.mergeComments formatter). */
export function createHelpers(ctx: RuntimeContext, call: (c: Value, args: Value[]) => Value, logs: LogEntry[]): Record<string, Value> {
  const users = ctx.users ?? [];
  const userMap = (u: UserInfo | undefined): Value => {
    if (!u) return null;
    const m = new GMap();
    for (const k of ['key', 'username', 'displayName', 'email', 'active'] as const) if (u[k] !== undefined) m.set(k, u[k] as Value);
    return m;
  };
  const byField = (field: keyof UserInfo, ci: boolean) => (args: Value[]): Value => {
    const want = str(args[0]);
    if (want === null) return null;
    return userMap(users.find((u) => {
      const have = u[field];
      return typeof have === 'string' && (ci ? have.toLowerCase() === want.toLowerCase() : have === want);
    }));
  };
  const types = ctx.issueTypes ?? DEFAULT_ISSUE_TYPES;
  const links = ctx.links ?? {};
  const localKey = (args: Value[]): Value => {
    const id = str(args[0]);
    const l = id === null ? undefined : links[id];
    if (!l) return null;
    return GMap.from([
      ['id', typeof l.id === 'number' ? l.id : l.id],
      ['key', l.key],
    ]);
  };
  const named = (key: string) => (args: Value[]): Value => (args[0] === null || args[0] === undefined ? null : GMap.from([[key, str(args[0])]]));

  const nodeHelper = new Helper('NodeHelper', {
    stripHtml: (a) => stripHtml(str(a[0])),
    stripHtmlFromComments: (a) =>
      listOf(a[0]).map((c) => {
        const m = asMap(c as Value);
        if (!m) return c as Value;
        const copy = m.copy();
        copy.set('body', stripHtml(str(m.get('body'))));
        return copy;
      }),
    getIssueType: (a) => {
      const n = str(a[0]);
      const t = n === null ? undefined : types.find((x) => x.toLowerCase() === n.toLowerCase());
      return t === undefined ? null : GMap.from([['name', t]]);
    },
    getUserByEmail: byField('email', true),
    getUser: byField('key', false),
    getUserByUsername: byField('username', true),
    getUserByFullName: byField('displayName', false),
    getPriority: named('name'),
    getStatus: named('name'),
    getLabel: named('label'),
    getProject: (a) => (a[0] === null ? null : GMap.from([['key', str(a[0])], ['name', str(a[0])]])),
    getLocalIssueKeyFromRemoteId: localKey,
    toMarkDownFromHtml: () => {
      throw unsupported('nodeHelper.toMarkDownFromHtml');
    },
    getLocalIssueFromRemoteUrn: () => {
      throw unsupported('nodeHelper.getLocalIssueFromRemoteUrn');
    },
  });

  const commentHelper = new Helper('CommentHelper', {
    mergeComments: (a) => {
      const local = listOf(asMap(a[0])?.get('comments') ?? null);
      const remote = listOf(asMap(a[1])?.get('comments') ?? null);
      const formatter = a[2];
      if (formatter !== undefined && formatter !== null && !isCallable(formatter)) throw groovyError('groovy.lang.MissingMethodException', 'mergeComments: the third argument must be a closure');
      const remoteIds = remote.map((r) => str(asMap(r as Value)?.get('id') ?? null));
      const result: Value[] = [];
      for (const l of local) {
        const m = asMap(l as Value);
        const rid = m ? str(m.get('remoteId')) : null;
        if (rid === null || remoteIds.includes(rid)) result.push(m ? m.copy() : (l as Value));
      }
      for (const r of remote) {
        const rm = asMap(r as Value);
        if (!rm) continue;
        const rid = str(rm.get('id'));
        let body: string | null;
        if (formatter) {
          const copy = rm.copy();
          const out = call(formatter, [copy]);
          const fm = asMap(out) ?? copy;
          body = str(fm.get('body'));
        } else body = defaultCommentBody(rm);
        const existing = result.find((x) => rid !== null && str(asMap(x)?.get('remoteId') ?? null) === rid) as GMap | undefined;
        if (existing) {
          existing.set('body', body);
          continue;
        }
        result.push(
          GMap.from([
            ['id', null],
            ['body', body],
            ['author', null],
            ['created', rm.get('created')],
            ['remoteId', rid],
          ]),
        );
      }
      return result;
    },
    addComment: (a) => {
      const body = str(a[0]);
      const list = listOf(a[1] ?? null).map((c) => (asMap(c as Value)?.copy() ?? c) as Value);
      if (body === null || body === '') return list;
      list.push(GMap.from([
        ['id', null],
        ['body', body],
        ['author', null],
        ['created', null],
      ]));
      return list;
    },
    filterLocal: (a) => [...listOf(a[0])],
  });

  const attachmentHelper = new Helper('AttachmentHelper', {
    mergeAttachments: (a) => {
      const local = listOf(asMap(a[0])?.get('attachments') ?? null);
      const remote = listOf(asMap(a[1])?.get('attachments') ?? null);
      const remoteIds = remote.map((r) => str(asMap(r as Value)?.get('id') ?? null));
      const result: Value[] = [];
      for (const l of local) {
        const m = asMap(l as Value);
        const rid = m ? str(m.get('remoteId')) : null;
        if (rid === null || remoteIds.includes(rid)) result.push(m ? m.copy() : (l as Value));
      }
      for (const r of remote) {
        const rm = asMap(r as Value);
        if (!rm) continue;
        const rid = str(rm.get('id'));
        if (result.some((x) => rid !== null && str(asMap(x)?.get('remoteId') ?? null) === rid)) continue;
        result.push(
          GMap.from([
            ['id', null],
            ['filename', rm.get('filename')],
            ['mimetype', rm.get('mimetype')],
            ['filesize', rm.get('filesize')],
            ['created', rm.get('created')],
            ['remoteId', rid],
          ]),
        );
      }
      return result;
    },
  });

  const action = (what: string, run: (() => void) | undefined) => (): Value => {
    if (run) run();
    else logs.push({ level: 'info', message: `${what} requested (Test Run does not sync)` });
    return null;
  };
  const syncHelper = new Helper('SyncHelper', {
    getLocalIssueKeyFromRemoteId: localKey,
    syncBackAfterProcessing: action('syncHelper.syncBackAfterProcessing()', ctx.actions?.syncBack),
    unExalateAfterProcessing: action('syncHelper.unExalateAfterProcessing()', ctx.actions?.unExalate),
  });

  const logAt = (level: LogEntry['level']) => (a: Value[]): Value => {
    logs.push({ level, message: a.length ? toGroovyString(a[0]) : '' });
    return null;
  };
  const debug = new Helper('Debug', {
    error: (a) => {
      throw groovyError(ISSUE_TRACKER_EXCEPTION, a.length ? toGroovyString(a[0]) : '');
    },
    info: logAt('info'),
    warn: logAt('warn'),
    debug: logAt('debug'),
  });
  const log = new Helper('Logger', {
    info: logAt('info'),
    debug: logAt('debug'),
    warn: logAt('warn'),
    error: logAt('error'),
    trace: logAt('trace'),
  });
  const refuseNetwork = () => {
    throw unsupported('httpClient (network access)');
  };
  const httpClient = new Helper('HttpClient', { get: refuseNetwork, post: refuseNetwork, put: refuseNetwork, patch: refuseNetwork, delete: refuseNetwork, http: refuseNetwork });
  return {
    nodeHelper,
    commentHelper,
    attachmentHelper,
    syncHelper,
    debug,
    log,
    httpClient,
    connection: GMap.from([['name', ctx.connectionName ?? 'Test Run']]),
  };
}

export interface RunOptions {
  context?: RuntimeContext;
  budget?: BudgetOptions;
  /** A parsed script (warm runs); otherwise `source` is parsed. */
  ast?: Script;
}

export interface OutgoingResult {
  /** The replica as Groovy values (null when the script failed). */
  replica: GMap | null;
  /** JsonOutput.toJson of the replica. */
  json: string | null;
  logs: LogEntry[];
  output: string;
  error?: ScriptErrorInfo;
}

export interface Change {
  field: string;
  before: unknown;
  after: unknown;
}

export interface IncomingResult {
  workItem: GMap | null;
  /** JsonOutput.toJson of `{ workItem, changes }`. */
  json: string | null;
  changes: Change[];
  logs: LogEntry[];
  output: string;
  error?: ScriptErrorInfo;
}

function parseOrError(source: string, ast: Script | undefined): { ast: Script } | { error: ScriptErrorInfo } {
  if (ast) return { ast };
  const parsed = parse(source);
  if (parsed.diagnostics.length) {
    const d = parsed.diagnostics[0];
    const p = new Interpreter(parsed.ast, source).position(d.range.start);
    return { error: { message: `syntax error: ${d.message}`, line: p.line, column: p.column } };
  }
  return { ast: parsed.ast };
}

/** Entity data from JSON text or an already-parsed map. */
export function entityData(json: string | GMap | null): GMap {
  if (json === null) return new GMap();
  if (json instanceof GMap) return json.copy();
  const v = parseJson(json);
  if (!(v instanceof GMap)) throw new Error('expected a JSON object');
  return v;
}

/** An interpreter with the entity bindings plus the helpers. */
function interpreterFor(source: string, ast: Script, entities: Record<string, Value>, opts: RunOptions, logs: LogEntry[]) {
  let output = '';
  const interp = new Interpreter(ast, source, { bindings: entities, budget: new Budget(opts.budget), print: (t) => (output += t) });
  const helpers = createHelpers(opts.context ?? {}, (c, a) => interp.invokeCallable(c as never, a), logs);
  for (const [k, v] of Object.entries(helpers)) interp.binding.set(k, v);
  return { interp, output: () => output };
}

/** Runs an outgoing script on a work item: returns the replica. */
export function runOutgoing(source: string, workItemJson: string | GMap, opts: RunOptions = {}): OutgoingResult {
  const logs: LogEntry[] = [];
  const p = parseOrError(source, opts.ast);
  if ('error' in p) return { replica: null, json: null, logs, output: '', error: p.error };
  const workItem = new Entity('WorkItem', normalizeEntity(entityData(workItemJson)));
  const replica = new Entity('Replica', GMap.from([
    ['customFields', new GMap()],
    ['customKeys', new GMap()],
  ]));
  const { interp, output } = interpreterFor(source, p.ast, { workItem, issue: workItem, replica }, opts, logs);
  const r = interp.run();
  if (r.error) return { replica: null, json: null, logs, output: output(), error: r.error };
  try {
    return { replica: replica.data, json: toJson(replica.data), logs, output: output() };
  } catch (e) {
    return { replica: null, json: null, logs, output: output(), error: interp.errorInfo(e) };
  }
}

/** Runs an incoming script: applies `replica` to the work item (a new one on first sync) and lists the changes. */
export function runIncoming(
  source: string,
  replicaJson: string | GMap,
  workItemJson: string | GMap | null,
  firstSync: boolean,
  opts: RunOptions = {},
): IncomingResult {
  const logs: LogEntry[] = [];
  const p = parseOrError(source, opts.ast);
  if ('error' in p) return { workItem: null, json: null, changes: [], logs, output: '', error: p.error };
  const replica = new Entity('Replica', normalizeEntity(entityData(replicaJson)));
  const data = normalizeEntity(entityData(workItemJson));
  const before = new Map<string, string>();
  for (const [k, v] of data.entries()) before.set(toGroovyString(k), toJson(v));
  const workItem = new Entity('WorkItem', data);
  const { interp, output } = interpreterFor(source, p.ast, { workItem, issue: workItem, replica, firstSync, previous: null }, opts, logs);
  const r = interp.run();
  if (r.error) return { workItem: null, json: null, changes: [], logs, output: output(), error: r.error };
  try {
    const changes: Change[] = [];
    const changeMaps: Value[] = [];
    const keys = [...before.keys()];
    for (const k of data.keys()) if (!before.has(toGroovyString(k))) keys.push(toGroovyString(k));
    for (const k of keys) {
      const after = data.has(k) ? toJson(data.get(k)) : 'null';
      const was = before.get(k) ?? 'null';
      if (after === was) continue;
      changes.push({ field: k, before: JSON.parse(was), after: JSON.parse(after) });
      changeMaps.push(GMap.from([
        ['field', k],
        ['before', parseJson(was)],
        ['after', data.has(k) ? data.get(k) : null],
      ]));
    }
    const json = toJson(GMap.from([
      ['workItem', data],
      ['changes', changeMaps],
    ]));
    return { workItem: data, json, changes, logs, output: output() };
  } catch (e) {
    return { workItem: null, json: null, changes: [], logs, output: output(), error: interp.errorInfo(e) };
  }
}

export { truthy };
