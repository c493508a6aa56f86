// Helpers for the emulator's write tests: an emulator behind a bare node:http server, the real client library.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as azdev from 'azure-devops-node-api';
import type { IWorkItemTrackingApi } from 'azure-devops-node-api/WorkItemTrackingApi';
import { createAdoEmulator, type AdoEmulator, type AdoEmulatorOptions } from '../../../src/sandbox/ado';

export const PAT = 'writes-pat-0123456789abcdefghijklmnopqrstuvwxyz';

export interface Served {
  emulator: AdoEmulator;
  orgUrl: string;
  close(): Promise<void>;
}

export async function serveEmulator(options: Partial<AdoEmulatorOptions> = {}): Promise<Served> {
  const emulator = createAdoEmulator({ org: 'contoso', pat: PAT, seed: true, ...options });
  let base = '';
  const server = http.createServer((req, res) => void emulator.handle(req, res, base));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ado`;
  return {
    emulator,
    orgUrl: emulator.orgUrl(base),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export async function witApi(orgUrl: string, pat = PAT): Promise<IWorkItemTrackingApi> {
  return new azdev.WebApi(orgUrl, azdev.getPersonalAccessTokenHandler(pat)).getWorkItemTrackingApi();
}

type Failure = Error & { statusCode?: number; result?: { message?: string; typeKey?: string; customProperties?: Record<string, unknown> } };

export async function failure(p: Promise<unknown>): Promise<Failure> {
  try {
    await p;
  } catch (e) {
    return e as Failure;
  }
  assert.fail('expected the call to fail');
}

