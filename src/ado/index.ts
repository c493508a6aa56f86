// Azure DevOps access through azure-devops-node-api. Built as its own bundle (dist/ado.js) and `require`d the
// first time a project list is needed (./load.ts), so activating the extension never loads the library.
// No `vscode` here: the unit tests use it directly against the emulator.
import * as azdev from 'azure-devops-node-api';

export type AdoProblemKind = 'unauthorized' | 'unreachable' | 'notFound' | 'other';

/** Why listing projects failed, in words a user can act on. Never contains the PAT. */
export class AdoError extends Error {
  constructor(
    readonly kind: AdoProblemKind,
    message: string,
  ) {
    super(message);
    this.name = 'AdoError';
  }
}

export interface ListProjectsOptions {
  /** Per-request timeout in ms (default 15 000). */
  timeoutMs?: number;
  /** Stop after this many projects (default 5 000). */
  max?: number;
}

const PAGE = 100;

/** Names of the organization's projects (all pages), sorted. Rejects with AdoError. */
export async function listProjects(orgUrl: string, pat: string, opts: ListProjectsOptions = {}): Promise<string[]> {
  const max = opts.max ?? 5000;
  const api = new azdev.WebApi(orgUrl, azdev.getPersonalAccessTokenHandler(pat), {
    socketTimeout: opts.timeoutMs ?? 15_000,
    allowRetries: true,
    maxRetries: 1,
  });
  const names: string[] = [];
  try {
    const core = await api.getCoreApi();
    for (let skip = 0; names.length < max; skip += PAGE) {
      const page = await core.getProjects(undefined, PAGE, skip);
      for (const p of page ?? []) if (p.name) names.push(p.name);
      if (!page || page.length < PAGE) break;
    }
  } catch (e) {
    throw toAdoError(e, orgUrl, pat);
  }
  return names.sort((a, b) => a.localeCompare(b));
}

function toAdoError(e: unknown, orgUrl: string, pat: string): AdoError {
  const err = e as { statusCode?: number; code?: string; message?: string };
  const raw = String(err?.message ?? e).split(pat).join('«redacted»');
  const status = err?.statusCode;
  if (status === 401 || status === 203 || /TF400813/.test(raw)) {
    return new AdoError(
      'unauthorized',
      `Azure DevOps at ${orgUrl} rejected the personal access token. Set a PAT with the "Project and Team (Read)" scope for this node.`,
    );
  }
  if (status === 404) {
    return new AdoError('notFound', `${orgUrl} is not an Azure DevOps organization (HTTP 404). Check the node's Azure DevOps organization URL.`);
  }
  const code = err?.code ?? /\b(ECONNREFUSED|ENOTFOUND|ECONNRESET|ETIMEDOUT|EAI_AGAIN|EHOSTUNREACH)\b/.exec(raw)?.[1];
  if (code || /timeout|socket hang up/i.test(raw)) {
    return new AdoError('unreachable', `Could not reach Azure DevOps at ${orgUrl} (${code ?? 'timeout'}). Check your network, then retry.`);
  }
  return new AdoError('other', `Azure DevOps at ${orgUrl} failed to list projects${status ? ` (HTTP ${status})` : ''}: ${raw}`);
}
