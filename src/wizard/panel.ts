// The "Initiate Connection" webview panel: renders the WizardMachine's state in the webview and feeds it the
// webview's intents. Every message from the webview is parsed with the protocol's zod schema; anything else is
// logged and ignored. Side effects that need VS Code (clipboard, PAT input, other commands) happen here.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { l10nT } from '../ui/l10n';
import { wizardText } from './text';
import { ContextKeys, setContextKey } from '../contextKeys';
import type { ExalateClient } from '../exalate/client';
import type { Services } from '../services';
import { Commands } from '../shared/commands';
import {
  WIZARD_VIEW_TYPE,
  WebviewToHostSchema,
  type HostToWebview,
  type PersistedWizard,
  type WebviewToHost,
  type WizardState,
} from '../shared/wizardProtocol';
import { WizardMachine, errorText, type WizardDeps, type WizardInit } from './machine';
import { listNodeProjects, promptAdoPat } from './projects';
import type { WizardPrompter } from './prompter';

/** Commands of other capabilities the wizard hands over to (run only when registered). */

export class WizardPanel implements vscode.Disposable {
  readonly machine: WizardMachine;
  private readonly changed = new vscode.EventEmitter<WizardState>();
  /** Fires after every state change (tests wait on it). */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private ready = false;
  /** The highest `input.seq` of the current webview that the machine has processed (reset when a webview says `ready`). */
  private ack = 0;
  /** The webview's texts in the display language (translated once per panel). */
  private readonly text = wizardText();
  disposed = false;
  /** Messages from the webview that failed the protocol schema (tests assert that they were ignored). */
  rejectedMessages = 0;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly services: Services,
    private readonly client: ExalateClient,
    private readonly prompter: WizardPrompter,
    init: WizardInit,
    restored?: PersistedWizard,
  ) {
    const ext = services.context.extensionUri;
    panel.webview.options = wizardWebviewOptions(ext);
    panel.iconPath = vscode.Uri.joinPath(ext, 'media', 'exalate.svg');
    panel.title = vscode.l10n.t('Initiate Connection ({0})', init.node.label);
    this.machine = new WizardMachine(this.deps(init.node.label), init, restored);
    this.disposables.push(
      { dispose: this.machine.onChange((s, stepChanged) => this.push(s, stepChanged)) },
      panel.webview.onDidReceiveMessage((m) => void this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
    );
    panel.webview.html = this.html();
    if (restored) void this.machine.resume();
  }

  get state(): WizardState {
    return this.machine.state;
  }

  /** Handles one message from the webview (also called by the integration tests with raw objects). */
  async receive(raw: unknown): Promise<void> {
    const parsed = WebviewToHostSchema.safeParse(raw);
    if (!parsed.success) {
      this.rejectedMessages++;
      const kind = raw && typeof raw === 'object' && 'type' in raw ? JSON.stringify((raw as { type: unknown }).type).slice(0, 60) : typeof raw;
      this.services.log.warn(`Initiate Connection: ignored a malformed message from the webview (type ${kind}): ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      return;
    }
    try {
      await this.handle(parsed.data);
    } catch (e) {
      this.services.log.error(`Initiate Connection: ${errorText(e)}`);
      void this.prompter.error(vscode.l10n.t('Initiate Connection: {0}', errorText(e)));
    }
  }

  private async handle(msg: WebviewToHost): Promise<void> {
    const m = this.machine;
    switch (msg.type) {
      case 'ready':
        this.ready = true;
        this.ack = 0;
        this.push(m.state, true);
        return;
      case 'input':
        this.ack = Math.max(this.ack, msg.seq);
        return m.input(msg.field, msg.value);
      case 'setPrivate':
        return m.setPrivate(msg.value);
      case 'setMode':
        return m.setMode(msg.mode);
      case 'setProject':
        return m.setProject(msg.project);
      case 'next': {
        const before = m.state.result;
        await m.next();
        // Initiate succeeded: the connection shows in the Connections view now, not only after Done.
        if (!before && m.state.result) await vscode.commands.executeCommand(Commands.refresh);
        return;
      }
      case 'back':
        return m.back();
      case 'cancel':
        if (m.dirty && !(await this.prompter.confirm(vscode.l10n.t('Discard the new connection?'), vscode.l10n.t('What you entered in the Initiate Connection wizard will be lost.'), vscode.l10n.t('Discard')))) {
          // The dialog took the focus: give it back to the panel and to the field the user was in.
          if (!this.disposed) {
            this.panel.reveal(this.panel.viewColumn, false);
            void this.panel.webview.postMessage({ type: 'focus', restore: true } satisfies HostToWebview);
          }
          return;
        }
        await forgetRun(this.services.context.workspaceState, m.state.idempotencyKey);
        this.panel.dispose();
        return;
      case 'action':
        if (msg.action === 'setPat') {
          if (await promptAdoPat(this.services, m.state.node.url, (o) => this.prompter.inputBox(o))) await m.loadProjects();
        } else if (msg.action === 'openSettings') {
          await vscode.commands.executeCommand('workbench.action.openSettings', 'exalate.nodes');
        } else {
          await m.loadProjects();
        }
        return;
      case 'copyInvitation': {
        const code = m.state.result?.invitationCode;
        if (!code) return;
        await this.prompter.copy(code);
        m.setNotice(vscode.l10n.t('Invitation code copied to the clipboard.'));
        return;
      }
      case 'openSyncRules': {
        const r = m.state.result;
        if (!r) return;
        await vscode.commands.executeCommand(Commands.openSyncRules, { nodeUrl: m.state.node.url, connectionId: r.connectionId, direction: 'outgoing' });
        return;
      }
      case 'done': {
        const r = m.state.result;
        if (!r) return;
        await forgetRun(this.services.context.workspaceState, m.state.idempotencyKey);
        this.panel.dispose();
        await vscode.commands.executeCommand(Commands.refresh);
        await vscode.commands.executeCommand(Commands.revealConnection, { nodeUrl: m.state.node.url, connectionId: r.connectionId });
        return;
      }
    }
  }

  private push(state: WizardState, stepChanged: boolean): void {
    this.changed.fire(state);
    if (!this.disposed) void saveRun(this.services.context.workspaceState, this.machine.persist());
    if (!this.ready || this.disposed) return;
    const post = (msg: HostToWebview) => void this.panel.webview.postMessage(msg);
    post({ type: 'state', state, persist: this.machine.persist(), ack: this.ack, text: this.text });
    if (stepChanged) post({ type: 'focus' });
  }

  /** Network calls of the wizard, each with a progress notification. */
  private deps(label: string): WizardDeps {
    const c = this.client;
    const progress = <T>(title: string, work: () => Promise<T>): Promise<T> =>
      Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, work));
    return {
      checkDestination: (url) => progress(vscode.l10n.t('Exalate: {0} is checking {1}…', label, url), () => c.checkDestination(url)),
      connectionNames: (opts) => {
        const all = async () => {
          const names: string[] = [];
          for await (const page of c.iterateConnectionPages({ limit: 500 })) names.push(...page.items.map((i) => i.name));
          return names;
        };
        return opts?.quiet ? all() : progress(vscode.l10n.t('Exalate: checking the connection names on {0}…', label), all);
      },
      listProjects: () => progress(vscode.l10n.t('Exalate: listing the Azure DevOps projects of {0}…', label), () => listNodeProjects(this.services, c.nodeUrl, c, (m, d, a) => this.prompter.confirm(m, d, a))),
      initiate: (req, key) =>
        progress(vscode.l10n.t('Exalate: creating connection "{0}" on {1}…', req.name, label), async () => {
          const created = await c.initiateConnection(req, key);
          setContextKey(ContextKeys.connectionInitiated, true);
          return created;
        }),
      t: l10nT,
      getInvitationCode: (id) => progress(vscode.l10n.t('Exalate: fetching the invitation code from {0}…', label), () => c.getInvitationCode(id)),
    };
  }

  private html(): string {
    const webview = this.panel.webview;
    const ext = this.services.context.extensionUri;
    const nonce = randomBytes(18).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(ext, 'dist', 'webview', 'wizard.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(ext, 'media', 'wizard.css'));
    const csp = [
      "default-src 'none'",
      `img-src ${webview.cspSource} data:`,
      `style-src ${webview.cspSource} 'nonce-${nonce}'`,
      `font-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}" nonce="${nonce}">
<title>Initiate Connection</title>
</head>
<body>
<main id="app" aria-live="polite"><p class="loading">Loading…</p></main>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.machine.dispose();
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
  }
}

/** Options shared by a new panel and one restored by the serializer. */
export function wizardWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export function createWizardWebviewPanel(extensionUri: vscode.Uri, nodeLabel: string): vscode.WebviewPanel {
  return vscode.window.createWebviewPanel(
    WIZARD_VIEW_TYPE,
    vscode.l10n.t('Initiate Connection ({0})', nodeLabel),
    vscode.ViewColumn.Active,
    wizardWebviewOptions(extensionUri),
  );
}

/**
 * The host's own copy of each open wizard run, keyed by its idempotency key. The webview's `setState` may be
 * written late (a window closing abruptly); the serializer prefers this copy, so a reload right after Initiate
 * still shows the invitation step and never initiates again. Dropped on Done/Cancel; at most 10 are kept.
 */
const RUNS_KEY = 'exalate.wizard.runs';

async function saveRun(memento: vscode.Memento, run: PersistedWizard): Promise<void> {
  const runs = { ...memento.get<Record<string, PersistedWizard>>(RUNS_KEY, {}) };
  delete runs[run.idempotencyKey];
  runs[run.idempotencyKey] = run;
  const keys = Object.keys(runs);
  for (const k of keys.slice(0, Math.max(0, keys.length - 10))) delete runs[k];
  await memento.update(RUNS_KEY, runs);
}

async function forgetRun(memento: vscode.Memento, key: string): Promise<void> {
  const runs = { ...memento.get<Record<string, PersistedWizard>>(RUNS_KEY, {}) };
  delete runs[key];
  await memento.update(RUNS_KEY, runs);
}

/** The host's copy of a run, if it has one. */
export function savedRun(memento: vscode.Memento, key: string): unknown {
  return memento.get<Record<string, unknown>>(RUNS_KEY, {})[key];
}
