// Loads dist/ado.js (azure-devops-node-api and ./index.ts, bundled separately) on first use, so activating the
// extension never loads the library. Used by the language features (project fields); the module is cached by
// Node's require cache, so every capability that loads it shares one copy.
import * as path from 'node:path';
import type * as AdoModule from './index';

export type AdoApi = typeof AdoModule;

export function loadAdo(extensionPath: string): AdoApi {
  // A runtime path on purpose: esbuild must not pull the library into dist/extension.js.
  const file = path.join(extensionPath, 'dist', 'ado.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy runtime load is the point
  return require(file) as AdoApi;
}
