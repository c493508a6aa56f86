// HTTP implementation of ExalateClient over the global `fetch` (Node 20+, Electron extension host).
//
// - Every answer is parsed with the contract's zod schema (src/shared/api.ts); anything else is a BadResponseError.
// - Every attempt has its own timeout (AbortSignal.timeout), combined with the caller's signal.
// - Retries, only where repeating the request cannot do harm, and only after a transient failure (the connection
//   failed or was reset before an answer arrived, or 503 / a proxy's 502/504 without a Node API error body).
//   Timeouts are not retried: the caller already waited the whole budget and decides whether to try again.
//     GET, preview (read-only POST) ........ retried.
//     DELETE ............................... retried; a 404 on a retry means the first attempt deleted it → success.
//     PUT rule with If-Match ............... retried; a 412 on a retry whose `current` is exactly our script means
//                                            the first attempt landed → success with that version. Any other 412 is
//                                            a real conflict.
//     POST initiate ........................ retried with the same Idempotency-Key (the node returns the same
//                                            connection for a repeated key).
//     PATCH, accept ........................ never retried (accept is single use).
// - The token goes only into the Authorization header of requests to the node URL. It never appears in an error,
//   a log entry or a request to another host (checkDestination sends no token). As a second line of defence every
//   text that came from outside is passed through `redact()` before it is put into an error.
import * as z from 'zod';
import {
  API_PREFIX,
  AcceptInvitationResponseSchema,
  ConnectionPageSchema,
  ConnectionSchema,
  ErrorBodySchema,
  IDEMPOTENCY_KEY_HEADER,
  AUTHOR_HEADER,
  InitiateResponseSchema,
  InvitationCodeResponseSchema,
  InvitationCheckResponseSchema,
  InvitationPreviewSchema,
  NodeInfoSchema,
  PublicNodeInfoSchema,
  RuleVersionListSchema,
  SyncRuleSchema,
  BulkExalateResponseSchema,
  SyncAcceptedSchema,
  SyncErrorListSchema,
  SyncQueueSchema,
  SyncRetryAcceptedSchema,
  SyncTriggerListSchema,
  SyncedPageSchema,
  ReceivedReplicaSchema,
  type ReceivedReplica,
  ruleEtag,
  type PutTriggersRequest,
  type SyncAccepted,
  type SyncedPage,
  type SyncError,
  type SyncQueueItem,
  type SyncTrigger,
  type AcceptInvitationRequest,
  type Connection,
  type ConnectionPage,
  type DestinationCheckRequest,
  type ErrorBody,
  type InitiateRequest,
  type InitiateResponse,
  type InvitationCodeResponse,
  type InvitationPreview,
  type NodeInfo,
  type PatchConnectionRequest,
  type PublicNodeInfo,
  type RuleDirection,
  type RuleVersionSummary,
  type SyncRule,
} from '../shared/api';
import { AUTHOR_MAX_LENGTH, IDEMPOTENCY_KEY_MAX_LENGTH, idempotencyKeySchema, type FieldErrors } from '../shared/validation';
import type {
  CallOptions,
  ClientLog,
  ExalateClient,
  ExalateClientOptions,
  ListConnectionsOptions,
  ListSyncedOptions,
  PutSyncRuleOptions,
  TriggerInput,
} from './client';
import {
  BadResponseError,
  CancelledError,
  ConflictError,
  type ConflictReason,
  ExalateError,
  type ExalateErrorInit,
  InvalidError,
  NotFoundError,
  ServerError,
  UnauthorizedError,
  UnreachableError,
  displayUrl,
} from './errors';

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_RETRIES = 2;
export const DEFAULT_RETRY_DELAY_MS = 150;

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** How a call may be repeated after a transient failure. */
type RetryPolicy = 'never' | 'safe';

interface CallSpec<T> {
  method: Method;
  /** Path + query relative to the node URL, already encoded. */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Schema of a 2xx body; undefined = no body expected (204). */
  schema?: z.ZodType<T>;
  retry: RetryPolicy;
  /** For NotFoundError, e.g. `Connection "abc"`. */
  resource: string;
  /** Lets a call turn an error answer on a *retried* attempt into success (see DELETE and PUT above). */
  recoverAfterRetry?: (status: number, body: ErrorBody | undefined) => T | undefined;
  /** URL of the other node involved, for 502 messages. */
  remoteUrl?: string | null;
  /** Extra context for 412 messages. */
  ifMatch?: number;
  /** A route nodes from before drafts do not have: their "No such endpoint" 404 says to update the node. */
  needsDrafts?: boolean;
}

interface Answer {
  status: number;
  text: string;
  attempt: number;
}

/** Thrown inside the attempt loop for failures without an answer. */
class NoAnswer {
  constructor(
    readonly reason: 'timeout' | 'cancelled' | 'network',
    readonly code: string,
  ) {}
}

const HEADER_SAFE_TOKEN = /^[\x21-\x7e]+$/;

export class HttpExalateClient implements ExalateClient {
  readonly nodeUrl: string;
  readonly #token: string;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #retryDelayMs: number;
  readonly #log?: ClientLog;
  readonly #fetch: typeof fetch;

  constructor(options: ExalateClientOptions) {
    this.nodeUrl = displayUrl(options.nodeUrl);
    this.#token = options.token;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#retries = Math.max(0, options.retries ?? DEFAULT_RETRIES);
    this.#retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
    this.#log = options.log;
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /** Keeps the token out of `console.log(client)` / JSON dumps. */
  toJSON(): { nodeUrl: string } {
    return { nodeUrl: this.nodeUrl };
  }

  // ---- ExalateClient ------------------------------------------------------------------------------------------

  getNodeInfo(opts?: CallOptions): Promise<NodeInfo> {
    return this.#call({ method: 'GET', path: `${API_PREFIX}/node`, schema: NodeInfoSchema, retry: 'safe', resource: 'The Node API' }, opts);
  }

  checkDestination(url: string, opts?: CallOptions): Promise<PublicNodeInfo> {
    return this.#call(
      {
        method: 'POST',
        path: `${API_PREFIX}/destinations/check`,
        body: { destinationUrl: url } satisfies DestinationCheckRequest,
        schema: PublicNodeInfoSchema,
        retry: 'safe', // read-only: our node only looks at the destination
        resource: 'The destination check',
        remoteUrl: url,
      },
      opts,
    );
  }

  listConnections(opts: ListConnectionsOptions = {}): Promise<ConnectionPage> {
    const q = new URLSearchParams();
    if (opts.limit !== undefined) q.set('limit', String(opts.limit));
    if (opts.cursor) q.set('cursor', opts.cursor);
    const qs = q.toString();
    return this.#call(
      {
        method: 'GET',
        path: `${API_PREFIX}/connections${qs ? `?${qs}` : ''}`,
        schema: ConnectionPageSchema,
        retry: 'safe',
        resource: 'The connection list',
      },
      opts,
    );
  }

  async *iterateConnectionPages(opts: ListConnectionsOptions = {}): AsyncGenerator<ConnectionPage> {
    let cursor = opts.cursor ?? null;
    const seen = new Set<string>();
    for (;;) {
      const page = await this.listConnections({ ...opts, cursor });
      yield page;
      if (!page.nextCursor) return;
      if (seen.has(page.nextCursor)) {
        throw new BadResponseError('the connection list repeats a page cursor', {
          nodeUrl: this.nodeUrl,
          request: { method: 'GET', path: `${API_PREFIX}/connections` },
        });
      }
      seen.add(page.nextCursor);
      cursor = page.nextCursor;
    }
  }

  getConnection(id: string, opts?: CallOptions): Promise<Connection> {
    return this.#call(
      { method: 'GET', path: connPath(id), schema: ConnectionSchema, retry: 'safe', resource: connResource(id) },
      opts,
    );
  }

  initiateConnection(req: InitiateRequest, idempotencyKey: string, opts?: CallOptions): Promise<InitiateResponse> {
    const parsed = idempotencyKeySchema.safeParse(idempotencyKey);
    if (!parsed.success) {
      return Promise.reject(
        new InvalidError(
          { idempotencyKey: `Idempotency key must be 1–${IDEMPOTENCY_KEY_MAX_LENGTH} printable ASCII characters` },
          'The connection could not be created because the request had no valid idempotency key (extension bug).',
          { nodeUrl: this.nodeUrl, request: { method: 'POST', path: `${API_PREFIX}/connections` } },
        ),
      );
    }
    return this.#call(
      {
        method: 'POST',
        path: `${API_PREFIX}/connections`,
        body: req,
        headers: { [IDEMPOTENCY_KEY_HEADER]: parsed.data },
        schema: InitiateResponseSchema,
        // Safe only because of the Idempotency-Key: a repeated key returns the first result.
        retry: 'safe',
        resource: 'The connection list',
        remoteUrl: req.destinationUrl ?? null,
      },
      opts,
    );
  }

  patchConnection(id: string, patch: PatchConnectionRequest, opts?: CallOptions): Promise<Connection> {
    return this.#call(
      { method: 'PATCH', path: connPath(id), body: patch, schema: ConnectionSchema, retry: 'never', resource: connResource(id) },
      opts,
    );
  }

  async deleteConnection(id: string, opts?: CallOptions): Promise<void> {
    await this.#call<null>(
      {
        method: 'DELETE',
        path: connPath(id),
        retry: 'safe',
        resource: connResource(id),
        // The first attempt deleted it but its answer was lost.
        recoverAfterRetry: (status) => (status === 404 ? null : undefined),
      },
      opts,
    );
  }

  getInvitationCode(id: string, opts?: CallOptions): Promise<InvitationCodeResponse> {
    return this.#call(
      {
        method: 'GET',
        path: `${connPath(id)}/invitation`,
        schema: InvitationCodeResponseSchema,
        retry: 'safe',
        resource: connResource(id),
      },
      opts,
    );
  }

  previewInvitation(invitationCode: string, opts?: CallOptions): Promise<InvitationPreview> {
    return this.#call(
      {
        method: 'POST',
        path: `${API_PREFIX}/invitations/preview`,
        body: { invitationCode },
        schema: InvitationPreviewSchema,
        retry: 'safe', // read-only: the node decodes the code locally
        resource: 'The invitation',
      },
      opts,
    );
  }

  async checkInvitation(invitationCode: string, opts?: CallOptions): Promise<void> {
    await this.#call(
      {
        method: 'POST',
        path: `${API_PREFIX}/invitations/check`,
        body: { invitationCode },
        schema: InvitationCheckResponseSchema,
        retry: 'safe', // read-only on both nodes
        resource: 'The invitation',
      },
      opts,
    );
  }

  async acceptInvitation(req: AcceptInvitationRequest, opts?: CallOptions): Promise<Connection> {
    const res = await this.#call(
      {
        method: 'POST',
        path: `${API_PREFIX}/invitations/accept`,
        body: req,
        schema: AcceptInvitationResponseSchema,
        retry: 'never', // single use: a repeat would fail with "already used" even when the first one worked
        resource: 'The connection of this invitation',
      },
      opts,
    );
    return res.connection;
  }

  getSyncRule(id: string, dir: RuleDirection, opts?: CallOptions): Promise<SyncRule> {
    return this.#call(
      { method: 'GET', path: rulePath(id, dir), schema: SyncRuleSchema, retry: 'safe', resource: ruleResource(id, dir) },
      opts,
    );
  }

  getLatestSyncRule(id: string, dir: RuleDirection, opts?: CallOptions): Promise<SyncRule> {
    return this.#call(
      { method: 'GET', path: `${rulePath(id, dir)}/latest`, schema: SyncRuleSchema, retry: 'safe', resource: ruleResource(id, dir), needsDrafts: true },
      opts,
    );
  }

  saveDraft(
    id: string,
    dir: RuleDirection,
    script: string,
    ifMatchVersion: number,
    opts: PutSyncRuleOptions = {},
  ): Promise<SyncRule> {
    const headers: Record<string, string> = { 'if-match': ruleEtag(ifMatchVersion) };
    const author = opts.author ? authorHeader(opts.author) : '';
    if (author) headers[AUTHOR_HEADER] = author;
    return this.#call(
      {
        method: 'POST',
        path: `${rulePath(id, dir)}/drafts`,
        body: { script },
        headers,
        schema: SyncRuleSchema,
        retry: 'safe', // If-Match makes a repeat harmless: it can only land once
        resource: ruleResource(id, dir),
        ifMatch: ifMatchVersion,
        needsDrafts: true,
        // A 412 after a retry whose newest version is our script at the next version: our first attempt landed.
        recoverAfterRetry: (status, body) => {
          const cur = body?.error.current;
          return status === 412 && cur && cur.version === ifMatchVersion + 1 && cur.script === script ? cur : undefined;
        },
      },
      opts,
    );
  }

  publishVersion(id: string, dir: RuleDirection, version: number, opts: PutSyncRuleOptions = {}): Promise<SyncRule> {
    const headers: Record<string, string> = {};
    const author = opts.author ? authorHeader(opts.author) : '';
    if (author) headers[AUTHOR_HEADER] = author;
    return this.#call(
      {
        method: 'POST',
        path: `${rulePath(id, dir)}/versions/${encodeURIComponent(String(version))}/publish`,
        body: {},
        headers,
        schema: SyncRuleSchema,
        retry: 'safe', // publishing the active version again changes nothing
        resource: `Version ${version} of the ${dir} sync rule of connection "${id}"`,
        needsDrafts: true,
      },
      opts,
    );
  }

  async listRuleVersions(id: string, dir: RuleDirection, opts?: CallOptions): Promise<RuleVersionSummary[]> {
    const res = await this.#call(
      {
        method: 'GET',
        path: `${rulePath(id, dir)}/versions`,
        schema: RuleVersionListSchema,
        retry: 'safe',
        resource: ruleResource(id, dir),
      },
      opts,
    );
    return res.items;
  }

  getRuleVersion(id: string, dir: RuleDirection, version: number, opts?: CallOptions): Promise<SyncRule> {
    return this.#call(
      {
        method: 'GET',
        path: `${rulePath(id, dir)}/versions/${encodeURIComponent(String(version))}`,
        schema: SyncRuleSchema,
        retry: 'safe',
        resource: `Version ${version} of the ${dir} sync rule of connection "${id}"`,
      },
      opts,
    );
  }

  // ---- work item sync -------------------------------------------------------------------------------------------

  syncWorkItem(id: string, workItemId: number, opts?: CallOptions): Promise<SyncAccepted> {
    return this.#call(
      {
        method: 'POST',
        path: `${connPath(id)}/sync`,
        body: { workItemId },
        schema: SyncAcceptedSchema,
        retry: 'safe', // queuing the same work item twice sends its current state twice: harmless
        resource: `Work item ${workItemId} of connection "${id}" (or the connection)`,
      },
      opts,
    );
  }

  listSynced(id: string, opts: ListSyncedOptions = {}): Promise<SyncedPage> {
    const q = new URLSearchParams();
    if (opts.limit !== undefined) q.set('limit', String(opts.limit));
    if (opts.cursor) q.set('cursor', opts.cursor);
    const qs = q.toString();
    return this.#call(
      { method: 'GET', path: `${connPath(id)}/synced${qs ? `?${qs}` : ''}`, schema: SyncedPageSchema, retry: 'safe', resource: connResource(id) },
      opts,
    );
  }

  getLastReplica(id: string, remoteId: string, opts?: CallOptions): Promise<ReceivedReplica> {
    return this.#call(
      {
        method: 'GET',
        path: `${connPath(id)}/synced/${encodeURIComponent(remoteId)}/replica`,
        schema: ReceivedReplicaSchema,
        retry: 'safe',
        resource: `A replica received for the partner's work item ${remoteId} on connection "${id}"`,
      },
      opts,
    );
  }

  async getSyncQueue(id: string, opts?: CallOptions): Promise<SyncQueueItem[]> {
    const res = await this.#call({ method: 'GET', path: `${connPath(id)}/queue`, schema: SyncQueueSchema, retry: 'safe', resource: connResource(id) }, opts);
    return res.items;
  }

  async listSyncErrors(id: string, opts?: CallOptions): Promise<SyncError[]> {
    const res = await this.#call({ method: 'GET', path: `${connPath(id)}/errors`, schema: SyncErrorListSchema, retry: 'safe', resource: connResource(id) }, opts);
    return res.items;
  }

  async retrySyncError(id: string, errorId: string, opts?: CallOptions): Promise<void> {
    await this.#call(
      {
        method: 'POST',
        path: `${connPath(id)}/errors/${encodeURIComponent(errorId)}/retry`,
        schema: SyncRetryAcceptedSchema,
        retry: 'safe',
        resource: syncErrorResource(id, errorId),
        // The first attempt took the error off the list but its answer was lost.
        recoverAfterRetry: (status) => (status === 404 ? {} : undefined),
      },
      opts,
    );
  }

  async resolveSyncError(id: string, errorId: string, opts?: CallOptions): Promise<void> {
    await this.#call<null>(
      {
        method: 'POST',
        path: `${connPath(id)}/errors/${encodeURIComponent(errorId)}/resolve`,
        retry: 'safe',
        resource: syncErrorResource(id, errorId),
        recoverAfterRetry: (status) => (status === 404 ? null : undefined),
      },
      opts,
    );
  }

  async getTriggers(id: string, opts?: CallOptions): Promise<SyncTrigger[]> {
    const res = await this.#call({ method: 'GET', path: `${connPath(id)}/triggers`, schema: SyncTriggerListSchema, retry: 'safe', resource: connResource(id) }, opts);
    return res.items;
  }

  async putTriggers(id: string, items: TriggerInput[], opts?: CallOptions): Promise<SyncTrigger[]> {
    const res = await this.#call(
      {
        method: 'PUT',
        path: `${connPath(id)}/triggers`,
        body: { items } satisfies PutTriggersRequest,
        schema: SyncTriggerListSchema,
        retry: 'safe', // replaces the whole list: repeating it gives the same list (new items get new ids, see docs)
        resource: connResource(id),
      },
      opts,
    );
    return res.items;
  }

  async bulkExalate(id: string, triggerId: string, opts?: CallOptions): Promise<number> {
    const res = await this.#call(
      {
        method: 'POST',
        path: `${connPath(id)}/triggers/${encodeURIComponent(triggerId)}/bulk`,
        schema: BulkExalateResponseSchema,
        retry: 'safe', // queues the current state of the matching work items; repeating it sends the same states
        resource: `Trigger "${triggerId}" of connection "${id}"`,
      },
      opts,
    );
    return res.queued;
  }

  // ---- machinery ----------------------------------------------------------------------------------------------

  async #call<T>(spec: CallSpec<T>, opts: CallOptions = {}): Promise<T> {
    const request = { method: spec.method, path: spec.path };
    if (!HEADER_SAFE_TOKEN.test(this.#token)) {
      // fetch would throw a TypeError that quotes the header value, i.e. the token.
      throw new UnauthorizedError({ nodeUrl: this.nodeUrl, request, detail: 'The API token contains spaces or non-ASCII characters' });
    }
    const headers: Record<string, string> = { ...spec.headers, authorization: `Bearer ${this.#token}` };
    let answer: Answer;
    try {
      answer = await this.#send(spec.method, spec.path, spec.body, headers, spec.retry, opts);
    } catch (e) {
      if (e instanceof NoAnswer) throw this.#noAnswerError(e, request, opts);
      throw e;
    }
    const init: ExalateErrorInit = { nodeUrl: this.nodeUrl, request, status: answer.status };

    if (answer.status >= 200 && answer.status <= 299) {
      if (!spec.schema) return null as T;
      let json: unknown;
      try {
        json = JSON.parse(answer.text);
      } catch {
        throw new BadResponseError(`HTTP ${answer.status} with a body that is not JSON`, init);
      }
      const parsed = spec.schema.safeParse(json);
      if (!parsed.success) throw new BadResponseError(this.redact(describeIssues(parsed.error)), init);
      return parsed.data;
    }

    let body: ErrorBody | undefined;
    try {
      const r = ErrorBodySchema.safeParse(JSON.parse(answer.text));
      if (r.success) body = r.data;
    } catch {
      /* not JSON: the status alone decides */
    }
    if (answer.attempt > 1 && spec.recoverAfterRetry) {
      const recovered = spec.recoverAfterRetry(answer.status, body);
      if (recovered !== undefined) return recovered;
    }
    throw this.#errorFor(spec, answer.status, body, init);
  }

  /**
   * Sends one request, repeating it after transient failures when the policy allows. Resolves with the final
   * answer (any status); rejects with NoAnswer when no answer arrived.
   */
  async #send(
    method: Method,
    path: string,
    body: unknown,
    headers: Record<string, string>,
    retry: RetryPolicy,
    opts: CallOptions,
  ): Promise<Answer> {
    const url = this.nodeUrl + path;
    const logPath = path;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const allHeaders: Record<string, string> = { accept: 'application/json', ...headers };
    if (payload !== undefined) allHeaders['content-type'] = 'application/json';
    const attempts = retry === 'safe' ? this.#retries + 1 : 1;
    const timeoutMs = opts.timeoutMs ?? this.#timeoutMs;

    for (let attempt = 1; ; attempt++) {
      if (opts.signal?.aborted) throw new NoAnswer('cancelled', 'aborted');
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
      const started = performance.now();
      let status: number | undefined;
      try {
        const res = await this.#fetch(url, { method, headers: allHeaders, body: payload, signal, redirect: 'manual' });
        status = res.status;
        const text = await res.text();
        this.#log?.({ method, path: logPath, status, ms: elapsed(started), attempt });
        const transient =
          status === 503 || ((status === 502 || status === 504) && !looksLikeApiError(text));
        if (transient && attempt < attempts) {
          await sleep(this.#retryDelayMs * 2 ** (attempt - 1), opts.signal);
          continue;
        }
        return { status, text, attempt };
      } catch (e) {
        if (e instanceof NoAnswer) throw e;
        const failure = opts.signal?.aborted
          ? new NoAnswer('cancelled', 'aborted')
          : timeout.aborted
            ? new NoAnswer('timeout', 'timeout')
            : new NoAnswer('network', this.redact(networkCode(e)));
        this.#log?.({ method, path: logPath, status, ms: elapsed(started), attempt, error: failure.code });
        if (failure.reason === 'network' && attempt < attempts) {
          try {
            await sleep(this.#retryDelayMs * 2 ** (attempt - 1), opts.signal);
          } catch {
            throw new NoAnswer('cancelled', 'aborted');
          }
          continue;
        }
        throw failure;
      }
    }
  }

  #noAnswerError(e: NoAnswer, request: { method: string; path: string }, opts: CallOptions): ExalateError {
    const init: ExalateErrorInit = { nodeUrl: this.nodeUrl, request, detail: e.code };
    if (e.reason === 'cancelled') return new CancelledError(init);
    const url = this.nodeUrl;
    const check = `Check that the node at ${url} is running and that the URL is correct, then try again.`;
    if (e.reason === 'timeout') {
      const secs = ((opts.timeoutMs ?? this.#timeoutMs) / 1000).toLocaleString('en-US', { maximumFractionDigits: 1 });
      return new UnreachableError(url, true, false, `The Exalate node at ${url} did not answer within ${secs} s. ${check}`, init);
    }
    return new UnreachableError(url, false, false, `Could not connect to the Exalate node at ${url} (${e.code}). ${check}`, init);
  }

  #errorFor<T>(spec: CallSpec<T>, status: number, body: ErrorBody | undefined, base: ExalateErrorInit): ExalateError {
    const code = body?.error.code;
    const detail = body ? this.redact(body.error.message) : undefined;
    const init: ExalateErrorInit = { ...base, code, detail };
    const said = detail ? ensureStop(detail) : '';

    if (status === 401) return new UnauthorizedError(init);
    if (status === 404) {
      if (spec.needsDrafts && /^No such endpoint/.test(detail ?? '')) {
        return new NotFoundError(
          spec.resource,
          init,
          `The node at ${this.nodeUrl} does not know sync rule drafts (it is older than this extension). Update the node, then try again.`,
        );
      }
      if (code === 'invitation_unknown') {
        return new NotFoundError(
          'The connection of this invitation',
          init,
          `${said || 'The initiating node no longer has the connection this invitation was issued for.'} Ask the initiator for a new invitation code.`,
        );
      }
      return new NotFoundError(spec.resource, init);
    }
    if (status === 412) {
      const cur = body?.error.current;
      const mine = spec.ifMatch !== undefined ? ` (you edited version ${spec.ifMatch})` : '';
      const theirs = cur ? `it now has version ${cur.version}` : 'it has a newer version';
      return new ConflictError(
        'precondition_failed',
        `${spec.resource} was changed on the node at ${this.nodeUrl} since you opened it: ${theirs}${mine}. Compare your script with the node's version, then save again to overwrite it or merge the changes.`,
        init,
        cur,
      );
    }
    if (status === 409) {
      const reason: ConflictReason =
        code === 'duplicate_name' || code === 'invitation_used' ? code : 'conflict';
      const hint =
        reason === 'duplicate_name'
          ? 'A connection with this name already exists on the node. Choose a different name.'
          : reason === 'invitation_used'
            ? 'This invitation code was already used. Ask the initiator for a new invitation code.'
            : 'Refresh and try again.';
      const msg = reason === 'conflict' ? `${said || 'The operation does not fit the current state.'} ${hint}` : `${hint}`;
      return new ConflictError(reason, msg, init, undefined, this.#fields(body));
    }
    if (status === 502 && (code === 'initiator_unreachable' || code === 'destination_unreachable')) {
      const remote = code === 'destination_unreachable' ? spec.remoteUrl ?? undefined : undefined;
      const who = remote ? `the node at ${displayUrl(remote)}` : code === 'initiator_unreachable' ? 'the initiating node' : 'the destination node';
      const hint = `Check that ${who} is running and reachable from your node at ${this.nodeUrl}, then try again.`;
      // The node's own message already names the URL and usually says what to check.
      const msg = said ? (/\bcheck\b/i.test(said) ? said : `${said} ${hint}`) : `Your node could not reach ${who}. ${hint}`;
      return new UnreachableError(remote ?? this.nodeUrl, false, true, msg, init);
    }
    if ([400, 410, 413, 415, 422, 428].includes(status)) {
      const fields = this.#fields(body);
      const field = fieldOf(code);
      if (field && !(field in fields) && detail) fields[field] = detail;
      let msg: string;
      if (code === 'validation_failed' || (!said && Object.keys(fields).length > 0)) {
        const list = Object.entries(fields)
          .map(([k, v]) => (k === '_' ? v : `${k}: ${v}`))
          .join('; ');
        msg = `The node rejected the request: ${list}. Correct ${Object.keys(fields).length > 1 ? 'these fields' : 'this field'} and try again.`;
      } else if (code === 'invitation_expired') {
        msg = `${said || 'This invitation code has expired.'} Ask the initiator for a new invitation code.`;
      } else if (code === 'payload_too_large') {
        msg = `${said || 'The request is too large.'} Make the script smaller (at most 512 KiB) and try again.`;
      } else {
        msg = said || `The node rejected the request (HTTP ${status}).`;
      }
      return new InvalidError(fields, msg, init);
    }
    if (status === 503) {
      return new UnreachableError(
        this.nodeUrl,
        false,
        false,
        `The Exalate node at ${this.nodeUrl} is temporarily unavailable (HTTP 503). Wait a moment and try again.`,
        init,
      );
    }
    return new ServerError(init);
  }

  #fields(body: ErrorBody | undefined): FieldErrors {
    const fields: FieldErrors = {};
    for (const [k, v] of Object.entries(body?.error.fields ?? {})) fields[k] = this.redact(v);
    return fields;
  }

  /** Removes the token from text that came from outside (server messages, exception texts). */
  redact(text: string): string {
    return this.#token.length >= 4 ? text.split(this.#token).join('***') : text;
  }
}

/** Shorthand for `new HttpExalateClient(options)`. */
export function createExalateClient(options: ExalateClientOptions): ExalateClient {
  return new HttpExalateClient(options);
}

// ---- helpers ----------------------------------------------------------------------------------------------------

function connPath(id: string): string {
  return `${API_PREFIX}/connections/${encodeURIComponent(id)}`;
}
function rulePath(id: string, dir: RuleDirection): string {
  return `${connPath(id)}/rules/${encodeURIComponent(dir)}`;
}
function syncErrorResource(id: string, errorId: string): string {
  return `Sync error "${errorId}" of connection "${id}"`;
}
function connResource(id: string): string {
  return `Connection "${id}"`;
}
function ruleResource(id: string, dir: RuleDirection): string {
  return `The ${dir} sync rule of connection "${id}"`;
}

/** The form field an error code is about, so wizards can show it in place. */
function fieldOf(code: string | undefined): string | undefined {
  switch (code) {
    case 'invitation_malformed':
    case 'invitation_tampered':
    case 'invitation_expired':
    case 'own_invitation':
      return 'invitationCode';
    case 'destination_not_a_node':
    case 'destination_is_self':
      return 'destinationUrl';
    case 'mode_not_supported':
      return 'mode';
    default:
      return undefined;
  }
}

function describeIssues(error: z.ZodError): string {
  const parts = error.issues.slice(0, 3).map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
  if (error.issues.length > 3) parts.push(`${error.issues.length - 3} more`);
  return parts.join('; ');
}

function looksLikeApiError(text: string): boolean {
  try {
    return ErrorBodySchema.safeParse(JSON.parse(text)).success;
  } catch {
    return false;
  }
}

/**
 * A short reason for a failed fetch: the system error code (ECONNREFUSED, UND_ERR_SOCKET, …) or the innermost
 * cause's message (e.g. `bad port`). The caller redacts it; request headers never appear in these texts.
 */
function networkCode(e: unknown): string {
  let cur: unknown = e;
  let innermost = '';
  for (let depth = 0; depth < 4 && cur && typeof cur === 'object'; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code)) return code;
    const msg = (cur as { message?: unknown }).message;
    if (typeof msg === 'string' && depth > 0) innermost = msg;
    cur = (cur as { cause?: unknown }).cause;
  }
  return innermost.replace(/[^\x20-\x7e]/g, ' ').slice(0, 100) || 'network error';
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('aborted'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function ensureStop(s: string): string {
  const t = s.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/**
 * The `X-Exalate-Author` value for a name: printable ASCII (header values; the rest becomes `?`), cut to what the
 * node accepts (`authorHeaderSchema`, {@link AUTHOR_MAX_LENGTH} characters), trimmed; empty means "send none".
 */
export function authorHeader(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?').trim().slice(0, AUTHOR_MAX_LENGTH).trim();
}
