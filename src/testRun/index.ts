// Test Run in VS Code: run the sync script of the current editor (its text as it is, saved or not) on real work items
// and show what it produces. This part is in the main bundle and stays tiny: the commands and the read-only result
// documents (`exalate-testrun:`); the first run `require`s dist/testRun.js (./runner.ts with the interpreter and
// runtime), and that loads dist/ado.js for the work items. Nothing is written anywhere. See docs/test-run.md.
import * as path from 'node:path';
import * as vscode from 'vscode';
import * as z from 'zod';
import { ContextKeys, setContextKey } from '../contextKeys';
import { RuleDirectionSchema, type RuleDirection } from '../shared/api';
import { Commands } from '../shared/commands';
import type { Services } from '../services';
import type * as RunnerModule from './runner';
import type { IUserInput } from '../ui/userInput';

/** The scheme of the read-only result documents (replicas, work item now / after). */
export const TEST_RUN_SCHEME = 'exalate-testrun';

/** Everything Test Run asks the user, over the extension's one user input (which the integration tests script). */
export interface TestRunUi {
  pickOne<T extends vscode.QuickPickItem>(items: T[], options: vscode.QuickPickOptions): Thenable<T | undefined>;
  pickMany<T extends vscode.QuickPickItem>(items: T[], options: vscode.QuickPickOptions): Thenable<T[] | undefined>;
  openFile(options: vscode.OpenDialogOptions): Thenable<vscode.Uri[] | undefined>;
  /** A non-modal error with buttons; resolves with the chosen one (callers do not wait for it). */
  error(message: string, ...actions: string[]): Thenable<string | undefined>;
  info(message: string, ...actions: string[]): Thenable<string | undefined>;
}

/** Test Run's questions over the extension's one user input (src/ui/userInput.ts). */
export function windowUi(ui: IUserInput): TestRunUi {
  return {
    pickOne: (items, options) => ui.showQuickPick(items, { ...options, canPickMany: false }),
    pickMany: (items, options) => ui.showQuickPick(items, { ...options, canPickMany: true }),
    openFile: (options) => ui.showOpenDialog(options),
    error: (message, ...actions) => ui.showErrorMessage(message, ...actions),
    info: (message, ...actions) => ui.showInformationMessage(message, ...actions),
  };
}

/** The text of the result documents, by URI; kept while the window lives. */
export class ResultDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
  }
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '// This Test Run result is gone (the window was reloaded). Run Exalate: Test Run again.\n';
  }
  dispose(): void {
    this.changed.dispose();
  }
}

/**
 * `exalate.testRunConnection` (the Connections view's context menu on a connection): the tree element carries
 * `nodeUrl` and `connectionId`; callers may also pass a `direction`.
 */
export const TestRunConnectionArgsSchema = z.object({
  nodeUrl: z.string({ error: 'nodeUrl is required' }).min(1, { error: 'nodeUrl is required' }),
  connectionId: z.uuid({ error: (iss) => (iss.input === undefined ? 'connectionId is required' : 'connectionId must be a connection id (a UUID)') }),
  direction: RuleDirectionSchema.optional(),
});

/** What the lazily loaded runner gets from the extension. */
export interface TestRunHost {
  readonly services: Services;
  readonly documents: ResultDocuments;
  ui(): TestRunUi;
}

export interface TestRunTestApi {
  /** Whether dist/testRun.js has been loaded. */
  loaded(): boolean;
  /** The lines written to the "Exalate Test Run" output channel (newest last, at most 500). */
  output(): readonly string[];
}

export function registerTestRun(services: Services): TestRunTestApi {
  const { context, log } = services;
  const documents = new ResultDocuments();
  const ui = windowUi(services.ui);
  let runner: RunnerModule.TestRunner | undefined;
  const host: TestRunHost = { services, documents, ui: () => ui };

  function load(): RunnerModule.TestRunner {
    if (runner) return runner;
    // A runtime path on purpose: esbuild must not inline the interpreter into dist/extension.js.
    const file = path.join(context.extensionPath, 'dist', 'testRun.js');
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy runtime load is the point
    const mod = require(file) as typeof RunnerModule;
    runner = new mod.TestRunner(host);
    context.subscriptions.push(runner);
    log.info('Loaded Test Run.');
    return runner;
  }

  const run = async (again: boolean, arg: unknown) => {
    try {
      const result = await load().run(arg, again);
      // A run that got as far as running the script (a script error counts) completes the walkthrough step.
      if (result.kind !== 'cancelled') setContextKey(ContextKeys.testRunFinished, true);
      return result;
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      log.error(`Test Run failed: ${reason}`);
      void ui.error(vscode.l10n.t('Exalate Test Run failed: {0}', reason));
      return undefined;
    }
  };
  /**
   * Test Run on a connection from the tree: asks the direction, opens that sync script (its saved text, or the open
   * editor's unsaved edits, as any Test Run) and runs it, so errors land on the lines of the script the user sees.
   */
  const runForConnection = async (arg: unknown) => {
    const parsed = TestRunConnectionArgsSchema.safeParse(arg);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; ');
      log.error(`Test Run Connection: invalid arguments: ${issues}`);
      void ui.error(vscode.l10n.t('Exalate: Test Run was called without a connection ({0}). Use it on a connection in the Exalate view.', issues));
      return undefined;
    }
    const { nodeUrl, connectionId } = parsed.data;
    let direction: RuleDirection | undefined = parsed.data.direction;
    if (!direction) {
      const picked = await ui.pickOne(
        [
          { label: vscode.l10n.t('$(arrow-up) Outgoing'), description: vscode.l10n.t('work items of this side → the replica sent'), direction: 'outgoing' as const },
          { label: vscode.l10n.t('$(arrow-down) Incoming'), description: vscode.l10n.t('a replica received → the changes to a work item'), direction: 'incoming' as const },
        ],
        { title: vscode.l10n.t('Exalate: Test Run'), placeHolder: vscode.l10n.t('Which sync script to run?') },
      );
      if (!picked) return undefined;
      direction = picked.direction;
    }
    const editors = (await vscode.commands.executeCommand(Commands.openSyncRules, { nodeUrl, connectionId, direction })) as vscode.TextEditor[] | undefined;
    const doc = editors?.[0]?.document;
    if (!doc) return undefined; // Open Sync Rules explained why
    return run(false, doc.uri);
  };
  context.subscriptions.push(
    documents,
    vscode.workspace.registerTextDocumentContentProvider(TEST_RUN_SCHEME, documents),
    vscode.commands.registerCommand(Commands.testRun, (arg?: unknown) => run(false, arg)),
    vscode.commands.registerCommand(Commands.testRunAgain, (arg?: unknown) => run(true, arg)),
    vscode.commands.registerCommand(Commands.testRunConnection, (arg?: unknown) => runForConnection(arg)),
  );
  return {
    loaded: () => runner !== undefined,
    output: () => runner?.outputLines ?? [],
  };
}
