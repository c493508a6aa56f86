// Two in-process sandbox nodes with an active private connection between them (A initiates, B accepts and polls),
// the Azure DevOps client of each emulator, and the rule helper the sync tests share.
import * as assert from 'node:assert/strict';
import * as azdev from 'azure-devops-node-api';
import type { IWorkItemTrackingApi } from 'azure-devops-node-api/WorkItemTrackingApi';
import type { AcceptInvitationResponse, Connection, InitiateResponse } from '../../../src/shared/api';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox/sandbox';
import { client, initiateBody, tempDir, waitFor } from './helpers';

export async function wit(s: RunningSandbox, token: string): Promise<IWorkItemTrackingApi> {
  return new azdev.WebApi(s.adoUrl, azdev.getPersonalAccessTokenHandler(token)).getWorkItemTrackingApi();
}

/**
 * Makes `script` the active rule of a direction: a draft published at once on a node with drafts
 * (`GET …/latest` exists), a PUT on a node from before drafts.
 */
export async function activate(api: ReturnType<typeof client>, id: string, dir: 'outgoing' | 'incoming', script: string): Promise<void> {
  const base = `/api/v1/connections/${id}/rules/${dir}`;
  const latest = await api<{ version: number }>('GET', `${base}/latest`);
  if (latest.status === 200) {
    const draft = await api<{ version: number }>('POST', `${base}/drafts`, { script }, { headers: { 'if-match': `"${latest.json.version}"` } });
    assert.equal(draft.status, 201, JSON.stringify(draft.json));
    assert.equal((await api('POST', `${base}/versions/${draft.json.version}/publish`, {})).status, 200);
    return;
  }
  const cur = await api<{ version: number }>('GET', base);
  const put = await api('PUT', base, { script }, { headers: { 'if-match': `"${cur.json.version}"` } });
  assert.equal(put.status, 200, JSON.stringify(put.json));
}

export interface SyncPair {
  a: RunningSandbox;
  b: RunningSandbox;
  apiA: ReturnType<typeof client>;
  apiB: ReturnType<typeof client>;
  witA: IWorkItemTrackingApi;
  witB: IWorkItemTrackingApi;
  /** The connection's id (the same on both nodes). */
  id: string;
}

/** Starts both nodes (seeded, polling every 100 ms, logging into `logs`) and waits until the connection is active. */
export async function startSyncPair(opts: { prefix: string; tokens: [string, string]; name: string; logs: string[] }): Promise<SyncPair> {
  const [tokenA, tokenB] = opts.tokens;
  const log = (who: string) => (line: string) => opts.logs.push(`[${who}] ${line}`);
  const a = await startSandbox({ dataDir: tempDir(`${opts.prefix}-a`), token: tokenA, name: 'alpha', seed: true, pollMs: 100, log: log('a') });
  const b = await startSandbox({ dataDir: tempDir(`${opts.prefix}-b`), token: tokenB, name: 'beta', seed: true, pollMs: 100, log: log('b') });
  const apiA = client(a.url, tokenA);
  const apiB = client(b.url, tokenB);
  const init = await apiA<InitiateResponse>('POST', '/api/v1/connections', initiateBody({ name: opts.name, project: 'Payments' }));
  assert.equal(init.status, 201);
  const id = init.json.connection.id;
  const acc = await apiB<AcceptInvitationResponse>('POST', '/api/v1/invitations/accept', { invitationCode: init.json.invitationCode, project: 'Mobile App' });
  assert.equal(acc.status, 201);
  await waitFor(async () => (await apiA<Connection>('GET', `/api/v1/connections/${id}`)).json.status === 'active', 10_000, 'A active');
  return { a, b, apiA, apiB, witA: await wit(a, tokenA), witB: await wit(b, tokenB), id };
}
