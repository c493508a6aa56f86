// Language features for sync scripts (Groovy): `exalate:` documents and exported `exalate/**/*.groovy` files.
// This part is in the main bundle and stays tiny: it waits for the first sync script to be opened, then requires
// dist/language.js (./features.ts with the Groovy parser and language service) and hands it a LanguageHost —
// which direction a document is, and the Azure DevOps fields of its connection's project.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { loadAdo } from '../ado/load';
import type { ProjectField } from '../groovy/services/protocol';
import type { Services } from '../services';
import { directionFromFileName } from '../groovy/services/direction';
import { METADATA_FILE, parseExportMetadata } from '../syncRules/layout';
import { parseSyncRuleUri, SYNC_RULES_SCHEME } from '../syncRules/uri';
import type * as FeaturesModule from './features';

export type ScriptDirection = 'outgoing' | 'incoming';

/** What the lazily loaded features ask the extension. */
export interface LanguageHost {
  readonly log: Services['log'];
  isSyncScript(doc: vscode.TextDocument): boolean;
  directionOf(uri: vscode.Uri): Promise<ScriptDirection | undefined>;
  /** The fields of the connection's Azure DevOps project; undefined when they cannot be known (logged). */
  projectFieldsOf(uri: vscode.Uri): Promise<{ projectName: string; fields: ProjectField[] } | undefined>;
}

export interface LanguageTestApi {
  /** Whether dist/language.js has been loaded. */
  loaded(): boolean;
  /** Forgets cached project fields (tests change the emulator's data). */
  clearCaches(): void;
}

/** Groovy documents that are sync scripts: `exalate:` rules and files under an `exalate` folder. */
export function isSyncScript(doc: Pick<vscode.TextDocument, 'languageId' | 'uri'>): boolean {
  if (doc.languageId !== 'groovy') return false;
  if (doc.uri.scheme === SYNC_RULES_SCHEME) return true;
  return doc.uri.scheme === 'file' && /(^|\/)exalate\/(.+\/)?[^/]+\.groovy$/i.test(doc.uri.path);
}

const FIELDS_TTL_MS = 5 * 60_000;

export function registerLanguage(services: Services): LanguageTestApi {
  const { context, log } = services;
  let features: typeof FeaturesModule | undefined;
  const fieldCache = new Map<string, { at: number; value: Promise<{ projectName: string; fields: ProjectField[] } | undefined> }>();

  /** Node URL and connection id of a script: from its `exalate:` URI or the `.exalate.json` next to the file. */
  async function connectionOf(uri: vscode.Uri): Promise<{ nodeUrl: string; connectionId: string } | undefined> {
    if (uri.scheme === SYNC_RULES_SCHEME) {
      const ref = parseSyncRuleUri(uri);
      return ref && { nodeUrl: ref.nodeUrl, connectionId: ref.connectionId };
    }
    const meta = vscode.Uri.joinPath(uri, '..', METADATA_FILE);
    try {
      const parsed = parseExportMetadata(new TextDecoder().decode(await vscode.workspace.fs.readFile(meta)));
      if (!parsed.ok) {
        log.warn(`${meta.fsPath}: ${parsed.error}`);
        return undefined;
      }
      return { nodeUrl: parsed.value.nodeUrl, connectionId: parsed.value.connectionId };
    } catch {
      return undefined; // no .exalate.json: a script kept elsewhere
    }
  }

  async function fetchFields(nodeUrl: string, connectionId: string): Promise<{ projectName: string; fields: ProjectField[] } | undefined> {
    const client = await services.nodes.client(nodeUrl);
    if (!client) return undefined;
    const connection = await client.getConnection(connectionId);
    const orgUrl = services.nodes.get(nodeUrl)?.adoOrgUrl ?? (await client.getNodeInfo()).adoUrl ?? undefined;
    const pat = await services.nodes.getAdoPat(nodeUrl);
    if (!orgUrl || !pat) {
      log.info(`Sync script completion: no Azure DevOps organization or PAT for ${nodeUrl}; offering the standard fields only.`);
      return undefined;
    }
    const fields = await loadAdo(context.extensionPath).listWorkItemFields(orgUrl, pat, connection.project);
    log.info(`Sync script completion: ${fields.length} fields of Azure DevOps project ${connection.project}.`);
    return { projectName: connection.project, fields };
  }

  const host: LanguageHost = {
    log,
    isSyncScript,
    async directionOf(uri) {
      if (uri.scheme === SYNC_RULES_SCHEME) return parseSyncRuleUri(uri)?.direction;
      return directionFromFileName(path.posix.basename(uri.path));
    },
    projectFieldsOf(uri) {
      const value = (async () => {
        const conn = await connectionOf(uri);
        if (!conn) return undefined;
        const key = `${conn.nodeUrl}|${conn.connectionId}`;
        const cached = fieldCache.get(key);
        if (cached && Date.now() - cached.at < FIELDS_TTL_MS) return cached.value;
        const fresh = fetchFields(conn.nodeUrl, conn.connectionId).catch((e: unknown) => {
          log.warn(`Sync script completion: could not read the Azure DevOps fields (${e instanceof Error ? e.message : String(e)}).`);
          fieldCache.delete(key); // try again next time
          return undefined;
        });
        fieldCache.set(key, { at: Date.now(), value: fresh });
        return fresh;
      })();
      return value;
    },
  };

  function load(): void {
    if (features) return;
    // A runtime path on purpose: esbuild must not inline the language service into dist/extension.js.
    const file = path.join(context.extensionPath, 'dist', 'language.js');
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy runtime load is the point
    features = require(file) as typeof FeaturesModule;
    context.subscriptions.push(features.activateLanguageFeatures(host));
    log.info('Loaded the sync script language features.');
  }

  const maybeLoad = (doc: vscode.TextDocument) => {
    if (!features && isSyncScript(doc)) {
      try {
        load();
      } catch (e) {
        log.error(`Could not load the sync script language features: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  };
  context.subscriptions.push(vscode.workspace.onDidOpenTextDocument(maybeLoad));
  for (const doc of vscode.workspace.textDocuments) maybeLoad(doc);

  return { loaded: () => features !== undefined, clearCaches: () => fieldCache.clear() };
}
