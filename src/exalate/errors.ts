// Typed errors of the Node API client. Every failure of an ExalateClient call is one of these, so callers can
// `switch (e.kind)` (or use `instanceof`) and show `e.message`, which tells the user what to do next.
//
// Pure TypeScript: no `vscode`, no Node-only APIs (the sandbox tests and the benchmark use the client too).
// Secrets: no error ever carries the API token or request headers. Messages name the node URL (without any user
// info) so the user knows which node to fix.
import type { ErrorCode, SyncRule } from '../shared/api';
import type { FieldErrors } from '../shared/validation';

export type ExalateErrorKind =
  | 'unauthorized' // 401: wrong or missing API token
  | 'notFound' // 404: unknown connection, rule version or route
  | 'conflict' // 409 (duplicate name, wrong state, invitation already used) and 412 (sync rule changed)
  | 'invalid' // 400/410/413/415/422/428: the request (or invitation code, or destination) is not acceptable
  | 'unreachable' // our node (or, via our node, the other node) did not answer
  | 'badResponse' // the node answered something that is not Node API v1 (failed its schema, not JSON)
  | 'server' // 5xx or an unexpected status: the node failed
  | 'cancelled'; // the caller aborted the call

/** Which request failed: method and path (with query), never headers or bodies. */
export interface RequestInfo {
  method: string;
  path: string;
}

export interface ExalateErrorInit {
  /** The node URL the client talks to (shown to the user). */
  nodeUrl: string;
  request?: RequestInfo;
  /** HTTP status, when the node answered. */
  status?: number;
  /** The node's error code (`error.code` of the body), when it sent one. */
  code?: ErrorCode | string;
  /** The node's own message, for logs and "details"; `message` is the user-facing text. */
  detail?: string;
}

/** Base class of every client error. `message` is written for the user and says what to do. */
export class ExalateError extends Error {
  readonly nodeUrl: string;
  readonly request?: RequestInfo;
  readonly status?: number;
  readonly code?: ErrorCode | string;
  readonly detail?: string;

  constructor(
    readonly kind: ExalateErrorKind,
    message: string,
    init: ExalateErrorInit,
  ) {
    super(message);
    this.name = new.target.name;
    this.nodeUrl = displayUrl(init.nodeUrl);
    this.request = init.request;
    this.status = init.status;
    this.code = init.code;
    this.detail = init.detail;
  }

  /** A one-line, secret-free description for a log channel. */
  toLogString(): string {
    const req = this.request ? ` ${this.request.method} ${this.request.path}` : '';
    const st = this.status !== undefined ? ` ${this.status}` : '';
    const code = this.code ? ` ${this.code}` : '';
    return `${this.name}${req}${st}${code}: ${this.message}`;
  }
}

/** 401: the node rejected the API token. The fix is always to sign in again for this node. */
export class UnauthorizedError extends ExalateError {
  constructor(init: ExalateErrorInit) {
    const url = displayUrl(init.nodeUrl);
    super(
      'unauthorized',
      `The Exalate node at ${url} rejected the API token. Sign in again with a valid API token for ${url}.`,
      init,
    );
  }
}

/** 404: the connection (or rule version, or invitation's connection) does not exist (any more). */
export class NotFoundError extends ExalateError {
  constructor(
    /** What was looked for, e.g. `Connection "3f2…"`. */
    readonly resource: string,
    init: ExalateErrorInit,
    message?: string,
  ) {
    super(
      'notFound',
      message ??
        `${resource} was not found on the node at ${displayUrl(init.nodeUrl)}. It may have been deleted; refresh the connection list.`,
      init,
    );
  }
}

export type ConflictReason =
  | 'duplicate_name' // 409: another connection has this name
  | 'invitation_used' // 409: the invitation code was already accepted
  | 'conflict' // 409: the operation does not fit the current state
  | 'precondition_failed'; // 412: the sync rule changed since it was read (see `current`)

/**
 * 409 or 412. For 412 (`reason === 'precondition_failed'`) `current` is the node's current rule (script and
 * version), so the caller can show a diff and offer "overwrite" (PUT again with `current.version`).
 */
export class ConflictError extends ExalateError {
  constructor(
    readonly reason: ConflictReason,
    message: string,
    init: ExalateErrorInit,
    /** 412: the node's current sync rule. */
    readonly current?: SyncRule,
    /** Field path → message when the conflict is about a form field (e.g. `name` for a duplicate name). */
    readonly fields: FieldErrors = {},
  ) {
    super('conflict', message, init);
  }

  /** 412: the node's current version, if known. */
  get currentVersion(): number | undefined {
    return this.current?.version;
  }
}

/**
 * The node refused the request as invalid: a body field (see `fields`, field path → message, ready to show next
 * to a form field), a bad/expired invitation code (`fields.invitationCode`), an unacceptable destination
 * (`fields.destinationUrl`) or an unsupported mode (`fields.mode`).
 */
export class InvalidError extends ExalateError {
  constructor(
    readonly fields: FieldErrors,
    message: string,
    init: ExalateErrorInit,
  ) {
    super('invalid', message, init);
  }
}

/**
 * A node did not answer. `remote === false`: the client could not reach our node (`url` = our node; `timedOut`
 * tells a timeout from a refused/reset connection). `remote === true`: our node answered 502 because *it* could
 * not reach the other node (destination or initiator); `url` is then that node's URL when known.
 */
export class UnreachableError extends ExalateError {
  readonly url: string;
  constructor(
    url: string,
    readonly timedOut: boolean,
    readonly remote: boolean,
    message: string,
    init: ExalateErrorInit,
  ) {
    super('unreachable', message, init);
    this.url = displayUrl(url);
  }
}

/** The node answered, but not with Node API v1 (the body failed its schema, or is not JSON). */
export class BadResponseError extends ExalateError {
  constructor(
    /** What was wrong, e.g. `items.0.status: Invalid option` (never the body itself). */
    readonly problem: string,
    init: ExalateErrorInit,
  ) {
    const url = displayUrl(init.nodeUrl);
    super(
      'badResponse',
      `The node at ${url} sent an answer this extension does not understand (${problem}). Check that ${url} is an Exalate node serving Node API v1 and that the extension is up to date.`,
      init,
    );
  }
}

/** 5xx (other than 502/503 handled elsewhere) or an unexpected status. */
export class ServerError extends ExalateError {
  constructor(init: ExalateErrorInit) {
    const url = displayUrl(init.nodeUrl);
    super(
      'server',
      `The node at ${url} failed to handle the request (HTTP ${init.status ?? '?'}${init.detail ? `: ${init.detail}` : ''}). Check the node's log, then try again.`,
      init,
    );
  }
}

/** The caller aborted the call (its AbortSignal fired). */
export class CancelledError extends ExalateError {
  constructor(init: ExalateErrorInit) {
    super('cancelled', 'The request was cancelled.', init);
  }
}

export function isExalateError(e: unknown, kind?: ExalateErrorKind): e is ExalateError {
  return e instanceof ExalateError && (kind === undefined || e.kind === kind);
}

/** A URL as shown to users and logs: user info, query and fragment removed, no trailing slash. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString().replace(/\/+$/, '');
  } catch {
    return url;
  }
}
