// The "Initiate Connection" wizard as a state machine over a WizardState. Pure TypeScript (no `vscode`): the panel
// (./panel.ts) feeds it the webview's intents and renders `state`; the unit tests drive it step by step.
//
// Steps: destination → mode → info → project → invitation. Every step has Back (except the invitation, which
// exists only once the connection exists) and Next, which is enabled only when the step is valid. Network work
// (destination check, name check, project list, initiate) goes through `WizardDeps`, so tests can script answers.
import type { InitiateRequest, InitiateResponse, InvitationCodeResponse, Mode, PublicNodeInfo } from '../shared/api';
import { ExalateError, isExalateError, ConflictError, InvalidError, UnreachableError } from '../exalate/errors';
import { plainTranslate, type Translate } from '../shared/l10n';
import { nodeUrlSchema, validateConnectionInfo, type FieldErrors } from '../shared/validation';
import {
  WIZARD_STEPS,
  type ModeOption,
  type PersistedWizard,
  type ProblemAction,
  type WizardField,
  type WizardState,
  type WizardStep,
} from '../shared/wizardProtocol';

/** The project list failed in a way the user can act on. */
export class ProjectsProblem extends Error {
  constructor(
    message: string,
    readonly actions: ProblemAction[],
  ) {
    super(message);
    this.name = 'ProjectsProblem';
  }
}

export interface ProjectList {
  orgUrl: string;
  items: string[];
}

/** Everything the wizard needs from the outside world. Each call may reject with an ExalateError. */
export interface WizardDeps {
  /** Asks our node to look at a public destination. */
  checkDestination(url: string): Promise<PublicNodeInfo>;
  /**
   * Names of the connections that exist on our node (for the "name already exists" check). `quiet`: the check
   * while the user types (no progress notification).
   */
  connectionNames(opts?: { quiet?: boolean }): Promise<string[]>;
  /** The Azure DevOps projects of our node's organization. Rejects with ProjectsProblem. */
  listProjects(): Promise<ProjectList>;
  initiate(req: InitiateRequest, idempotencyKey: string): Promise<InitiateResponse>;
  getInvitationCode(connectionId: string): Promise<InvitationCodeResponse>;
  /** Translates the wizard's texts (the panel passes `vscode.l10n.t`; default: English). */
  t?: Translate;
}

export interface WizardInit {
  node: { url: string; label: string };
  /** Modes our own node offers (from its node info). */
  localModes: Mode[];
  /** Suggested local instance short name (our node's short name). */
  localShortName: string;
  idempotencyKey: string;
  /** How long typing must pause before the name is checked against the node's connections (default 400 ms). */
  nameCheckDelayMs?: number;
}

function modeText(mode: 'visual' | 'script', t: Translate): { label: string; detail: string } {
  return mode === 'visual'
    ? { label: t('Visual'), detail: t('Low-code, visual interface') }
    : { label: t('Script'), detail: t('Groovy sync scripts for full control over what is synced and how') };
}


export class WizardMachine {
  state: WizardState;
  private readonly touched = new Set<WizardField>();
  private readonly listeners = new Set<(s: WizardState, stepChanged: boolean) => void>();
  /** Bumped on every change of the destination, so a slow check that finished late is ignored. */
  private generation = 0;
  /** The debounced "name already exists" check while typing, and the number of the newest one started. */
  private nameTimer: ReturnType<typeof setTimeout> | undefined;
  private nameCheck = 0;

  /** The translate function of the texts the machine writes into the state. */
  private get t(): Translate {
    return this.deps.t ?? plainTranslate;
  }

  constructor(
    private readonly deps: WizardDeps,
    private readonly init: WizardInit,
    restored?: PersistedWizard,
  ) {
    this.state = {
      step: 'destination',
      node: init.node,
      privateDestination: false,
      destinationUrl: '',
      destination: null,
      mode: null,
      modeOptions: [],
      localShortName: init.localShortName,
      remoteShortName: '',
      name: '',
      nameEdited: false,
      description: '',
      project: '',
      projectFilter: '',
      projects: { status: 'idle', items: [] },
      errors: {},
      busy: null,
      canNext: false,
      idempotencyKey: init.idempotencyKey,
      result: null,
      notice: null,
    };
    if (restored) this.restore(restored);
    this.update(false);
  }

  /** Called after every change; `stepChanged` when the webview should move focus to the new step's first field. */
  onChange(listener: (s: WizardState, stepChanged: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Typed inputs worth restoring after a reload (no secrets, no invitation code). */
  persist(): PersistedWizard {
    const s = this.state;
    return {
      v: 1,
      nodeUrl: s.node.url,
      step: s.step,
      privateDestination: s.privateDestination,
      destinationUrl: s.destinationUrl,
      mode: s.mode,
      localShortName: s.localShortName,
      remoteShortName: s.remoteShortName,
      name: s.name,
      nameEdited: s.nameEdited,
      description: s.description,
      project: s.project,
      projectFilter: s.projectFilter,
      idempotencyKey: s.idempotencyKey,
      result: s.result ? { connectionId: s.result.connectionId, connectionName: s.result.connectionName, type: s.result.type } : null,
    };
  }

  /** True when the user typed something that Cancel would throw away. */
  get dirty(): boolean {
    const s = this.state;
    if (s.result) return false;
    return (
      s.destinationUrl.trim() !== '' ||
      s.privateDestination ||
      s.remoteShortName.trim() !== '' ||
      (s.nameEdited && s.name.trim() !== '') ||
      s.description.trim() !== '' ||
      s.project !== ''
    );
  }

  // ---- intents ---------------------------------------------------------------------------------------------

  input(field: WizardField, value: string): void {
    if (this.state.result || this.state.busy === 'initiating') return;
    const s = this.state;
    this.touched.add(field);
    s.notice = null;
    switch (field) {
      case 'destinationUrl':
        if (s.destinationUrl !== value) this.destinationChanged();
        s.destinationUrl = value;
        break;
      case 'localShortName':
        s.localShortName = value;
        this.suggestName();
        break;
      case 'remoteShortName':
        s.remoteShortName = value;
        this.suggestName();
        break;
      case 'name':
        s.name = value;
        // Clearing the name hands it back to the suggestion.
        s.nameEdited = value.trim() !== '';
        if (!s.nameEdited) this.suggestName();
        break;
      case 'description':
        s.description = value;
        break;
      case 'projectFilter':
        s.projectFilter = value;
        break;
    }
    delete s.errors._;
    this.validateTyped();
    this.update(false);
    if (s.step === 'info' && (field === 'name' || field === 'localShortName' || field === 'remoteShortName')) this.scheduleNameCheck();
  }

  /** Stops the pending name check (the panel closed). */
  dispose(): void {
    clearTimeout(this.nameTimer);
    this.nameTimer = undefined;
    this.nameCheck++;
  }

  /** Checks the (typed or suggested) name against the node's connections once typing pauses. */
  private scheduleNameCheck(): void {
    clearTimeout(this.nameTimer);
    this.nameCheck++;
    if (!this.state.name.trim()) return;
    this.nameTimer = setTimeout(() => void this.checkNameNow(), this.init.nameCheckDelayMs ?? 400);
  }

  private async checkNameNow(): Promise<void> {
    const s = this.state;
    const check = ++this.nameCheck;
    const wanted = s.name.trim();
    let names: string[];
    try {
      names = await this.deps.connectionNames({ quiet: true });
    } catch {
      return; // the check on Next reports a node that cannot answer
    }
    if (check !== this.nameCheck || s.step !== 'info' || s.busy || s.name.trim() !== wanted) return;
    const taken = names.some((n) => n.trim().toLowerCase() === wanted.toLowerCase());
    if (taken) s.errors.name = duplicateName(wanted, s.node.label, this.t);
    else if (s.errors.name === duplicateName(wanted, s.node.label, this.t)) delete s.errors.name;
    else return;
    this.update(false);
  }

  setPrivate(value: boolean): void {
    const s = this.state;
    if (s.step !== 'destination' || s.busy || s.privateDestination === value) return;
    s.privateDestination = value;
    this.destinationChanged();
    delete s.errors.destinationUrl;
    delete s.errors._;
    this.validateTyped();
    this.update(false);
  }

  setMode(mode: Mode): void {
    const s = this.state;
    if (s.step !== 'mode' || s.busy) return;
    const option = s.modeOptions.find((o) => o.mode === mode);
    if (!option || !option.enabled) {
      s.errors.mode = option?.reason ?? this.t('{0} mode is not available for this destination.', mode);
    } else {
      s.mode = mode;
      delete s.errors.mode;
    }
    this.update(false);
  }

  setProject(project: string): void {
    const s = this.state;
    if (s.step !== 'project' || s.busy) return;
    if (!s.projects.items.includes(project)) {
      s.errors.project = `"${project}" is not a project of ${s.projects.orgUrl ?? 'the organization'}.`;
    } else {
      s.project = project;
      delete s.errors.project;
    }
    this.update(false);
  }

  back(): void {
    const s = this.state;
    if (s.busy || s.step === 'invitation' || s.step === 'destination') return;
    const i = WIZARD_STEPS.indexOf(s.step);
    let prev = WIZARD_STEPS[i - 1];
    if (prev === 'mode' && s.modeOptions.length === 0) prev = 'destination';
    s.step = prev;
    delete s.errors._;
    this.update(true);
  }

  async next(): Promise<void> {
    const s = this.state;
    if (s.busy) return; // a double click while working is ignored
    this.update(false);
    if (!s.canNext) {
      this.showRequired();
      return;
    }
    delete s.errors._;
    switch (s.step) {
      case 'destination':
        return this.leaveDestination();
      case 'mode':
        return this.go('info');
      case 'info':
        return this.leaveInfo();
      case 'project':
        return this.initiate();
      case 'invitation':
        return;
    }
  }

  /** (Re)loads the project list (on entering the project step, and for Retry / after Set PAT). */
  async loadProjects(): Promise<void> {
    const s = this.state;
    if (s.projects.status === 'loading') return;
    s.projects = { status: 'loading', items: s.projects.items, orgUrl: s.projects.orgUrl };
    delete s.errors.project;
    this.update(false);
    try {
      const list = await this.deps.listProjects();
      const items = [...new Set(list.items)].sort((a, b) => a.localeCompare(b));
      if (items.length === 0) {
        s.projects = {
          status: 'error',
          items: [],
          orgUrl: list.orgUrl,
          error: this.t('The Azure DevOps organization {0} has no projects yet. Create a project there, then retry.', list.orgUrl),
          actions: ['retry'],
        };
      } else {
        s.projects = { status: 'ready', items, orgUrl: list.orgUrl };
      }
    } catch (e) {
      const problem =
        e instanceof ProjectsProblem ? e : new ProjectsProblem(this.t('Could not list the Azure DevOps projects: {0}', errorText(e)), ['retry']);
      s.projects = { status: 'error', items: [], orgUrl: s.projects.orgUrl, error: problem.message, actions: problem.actions };
    }
    if (s.project && !s.projects.items.includes(s.project)) s.project = '';
    this.update(false);
  }

  /** After a reload on the invitation step: fetches the code again from the node. */
  async loadInvitation(): Promise<void> {
    const s = this.state;
    if (!s.result || s.result.invitationCode || s.busy) return;
    s.busy = 'loadingInvitation';
    this.update(false);
    try {
      const inv = await this.deps.getInvitationCode(s.result.connectionId);
      s.result = { ...s.result, invitationCode: inv.invitationCode, expiresAt: inv.expiresAt };
    } catch (e) {
      s.errors._ =
        e instanceof ConflictError
          ? this.t('The invitation of "{0}" was already accepted; the connection no longer needs a code.', s.result.connectionName)
          : errorText(e);
    } finally {
      s.busy = null;
      this.update(false);
    }
  }

  setNotice(text: string | null): void {
    this.state.notice = text;
    this.update(false);
  }

  // ---- steps -----------------------------------------------------------------------------------------------

  private async leaveDestination(): Promise<void> {
    const s = this.state;
    if (s.privateDestination) {
      s.destination = null;
      s.modeOptions = this.modeOptions(null);
      if (!s.mode || !this.modeEnabled(s.mode)) s.mode = 'script';
      return this.go('mode');
    }
    const url = nodeUrlSchema.parse(s.destinationUrl);
    const generation = this.generation;
    s.busy = 'checkingDestination';
    this.update(false);
    try {
      const info = await this.deps.checkDestination(url);
      if (generation !== this.generation) return;
      s.destination = { shortName: info.shortName, publicUrl: info.publicUrl, modes: info.modes };
      s.modeOptions = this.modeOptions(info.modes);
      if (s.mode && !this.modeEnabled(s.mode)) s.mode = null;
      if (!s.mode) {
        const enabled = s.modeOptions.filter((o) => o.enabled);
        if (enabled.length === 1) s.mode = enabled[0].mode;
      }
      if (!s.remoteShortName.trim() && info.shortName.toLowerCase() !== s.localShortName.trim().toLowerCase()) {
        s.remoteShortName = info.shortName;
        this.suggestName();
      }
      s.busy = null;
      if (s.modeOptions.every((o) => !o.enabled)) {
        s.errors.destinationUrl = info.modes.length
          ? this.t('{0} offers {1}, none of which your node supports.', info.shortName, info.modes.join(', '))
          : this.t('{0} offers no modes, none of which your node supports.', info.shortName);
        this.update(false);
        return;
      }
      this.go('mode');
    } catch (e) {
      if (generation !== this.generation) return;
      s.busy = null;
      s.errors.destinationUrl = destinationProblem(e, url, this.t);
      this.update(false);
    }
  }

  private async leaveInfo(): Promise<void> {
    const s = this.state;
    s.busy = 'checkingName';
    this.update(false);
    try {
      const names = await this.deps.connectionNames();
      const wanted = s.name.trim().toLowerCase();
      s.busy = null;
      if (names.some((n) => n.trim().toLowerCase() === wanted)) {
        s.errors.name = duplicateName(s.name.trim(), s.node.label, this.t);
        this.update(false);
        return;
      }
    } catch (e) {
      s.busy = null;
      s.errors._ = this.t('Could not check whether the name is free: {0}', errorText(e));
      this.update(false);
      return;
    }
    this.go('project');
    if (s.projects.status !== 'ready') void this.loadProjects();
  }

  private async initiate(): Promise<void> {
    const s = this.state;
    const req: InitiateRequest = {
      destinationUrl: s.privateDestination ? null : nodeUrlSchema.parse(s.destinationUrl),
      mode: s.mode ?? 'script',
      localShortName: s.localShortName.trim(),
      remoteShortName: s.remoteShortName.trim(),
      name: s.name.trim(),
      description: s.description.trim(),
      project: s.project,
    };
    s.busy = 'initiating';
    this.update(false);
    try {
      const res = await this.deps.initiate(req, s.idempotencyKey);
      s.busy = null;
      s.result = {
        connectionId: res.connection.id,
        connectionName: res.connection.name,
        type: res.connection.type,
        invitationCode: res.invitationCode,
      };
      this.go('invitation');
    } catch (e) {
      s.busy = null;
      this.initiateFailed(e);
    }
  }

  /** Puts each problem of a failed Initiate on the field (and step) it belongs to. */
  private initiateFailed(e: unknown): void {
    const s = this.state;
    const stepOf: Partial<Record<string, WizardStep>> = {
      destinationUrl: 'destination',
      mode: 'mode',
      localShortName: 'info',
      remoteShortName: 'info',
      name: 'info',
      description: 'info',
      project: 'project',
    };
    let fields: FieldErrors = {};
    if (e instanceof ConflictError && e.reason === 'duplicate_name') {
      fields = { name: duplicateName(s.name.trim(), s.node.label, this.t) };
    } else if (e instanceof InvalidError) {
      fields = { ...e.fields };
    } else if (e instanceof UnreachableError && e.remote) {
      fields = { destinationUrl: e.message };
    }
    const known = Object.keys(fields).filter((f) => stepOf[f]);
    if (known.length === 0) {
      s.errors._ = this.t('The connection was not created: {0}', errorText(e));
      this.update(false);
      return;
    }
    for (const f of known) s.errors[f] = fields[f];
    const target = WIZARD_STEPS.find((st) => known.some((f) => stepOf[f] === st)) ?? s.step;
    const changed = target !== s.step;
    s.step = target;
    this.update(changed);
  }

  private go(step: WizardStep): void {
    this.state.step = step;
    this.update(true);
  }

  // ---- derived state -------------------------------------------------------------------------------------

  private destinationChanged(): void {
    this.generation++;
    const s = this.state;
    s.destination = null;
    s.modeOptions = [];
    delete s.errors.destinationUrl;
  }

  private suggestName(): void {
    const s = this.state;
    if (s.nameEdited) return;
    const local = s.localShortName.trim();
    const remote = s.remoteShortName.trim();
    s.name = local && remote ? `${local}_to_${remote}` : '';
  }

  private modeOptions(destinationModes: Mode[] | null): ModeOption[] {
    return (['visual', 'script'] as const).map((mode) => {
      const text = modeText(mode, this.t);
      let reason: string | undefined;
      if (destinationModes === null && mode !== 'script') reason = this.t('A destination in a private network (no URL) supports Script mode only.');
      else if (!this.init.localModes.includes(mode)) reason = this.t('Your node {0} does not offer {1} mode.', this.init.node.label, text.label);
      else if (destinationModes !== null && !destinationModes.includes(mode)) {
        const shortName = this.state.destination?.shortName;
        reason = shortName ? this.t('The destination {0} does not offer {1} mode.', shortName, text.label) : this.t('The destination does not offer {0} mode.', text.label);
      }
      return { mode, label: text.label, detail: text.detail, enabled: reason === undefined, ...(reason ? { reason } : {}) };
    });
  }

  private modeEnabled(mode: Mode): boolean {
    return this.state.modeOptions.some((o) => o.mode === mode && o.enabled);
  }

  /** Inline validation of what the user typed (untouched empty fields are not reported until Next). */
  private validateTyped(): void {
    const s = this.state;
    const info = validateConnectionInfo({
      localShortName: s.localShortName,
      remoteShortName: s.remoteShortName,
      name: s.name,
      description: s.description,
    });
    for (const f of ['localShortName', 'remoteShortName', 'name', 'description'] as const) {
      const shown = this.touched.has(f) || s[f].trim() !== '';
      if (info[f] && shown) s.errors[f] = info[f];
      else if (!(f === 'name' && s.errors.name?.includes('already exists') && !this.touched.has('name'))) delete s.errors[f];
    }
    if (!s.privateDestination && s.destinationUrl.trim() !== '') {
      const r = nodeUrlSchema.safeParse(s.destinationUrl);
      if (!r.success) s.errors.destinationUrl = r.error.issues[0].message;
      else if (!s.errors.destinationUrl || this.touched.has('destinationUrl')) delete s.errors.destinationUrl;
    } else if (s.privateDestination) delete s.errors.destinationUrl;
  }

  /** Next was pressed on an invalid step: show every problem, including untouched required fields. */
  private showRequired(): void {
    const s = this.state;
    if (s.step === 'destination' && !s.privateDestination) {
      const r = nodeUrlSchema.safeParse(s.destinationUrl);
      if (!r.success) s.errors.destinationUrl = this.t('{0}, or choose "I don\'t have a URL".', r.error.issues[0].message);
    } else if (s.step === 'mode') {
      s.errors.mode = this.t('Choose a configuration type.');
    } else if (s.step === 'info') {
      for (const f of ['localShortName', 'remoteShortName', 'name', 'description'] as const) this.touched.add(f);
      Object.assign(s.errors, this.infoErrors());
    } else if (s.step === 'project' && s.projects.status === 'ready') {
      s.errors.project = this.t('Choose the project for the incoming sync.');
    }
    this.update(false);
  }

  private infoErrors(): FieldErrors {
    const s = this.state;
    const all = validateConnectionInfo(
      { localShortName: s.localShortName, remoteShortName: s.remoteShortName, name: s.name, description: s.description },
      true,
    );
    // `complete` also reports the project, which belongs to a later step.
    const out: FieldErrors = {};
    for (const f of ['localShortName', 'remoteShortName', 'name', 'description'] as const) if (all[f]) out[f] = all[f];
    return out;
  }

  private computeCanNext(): boolean {
    const s = this.state;
    if (s.busy) return false;
    switch (s.step) {
      case 'destination':
        return s.privateDestination || nodeUrlSchema.safeParse(s.destinationUrl).success;
      case 'mode':
        return s.mode !== null && this.modeEnabled(s.mode);
      case 'info':
        return Object.keys(this.infoErrors()).length === 0 && !s.errors.name;
      case 'project':
        return s.projects.status === 'ready' && s.projects.items.includes(s.project);
      case 'invitation':
        return true;
    }
  }

  private update(stepChanged: boolean): void {
    this.state.canNext = this.computeCanNext();
    for (const l of this.listeners) l(this.state, stepChanged);
  }

  private restore(p: PersistedWizard): void {
    const s = this.state;
    Object.assign(s, {
      privateDestination: p.privateDestination,
      destinationUrl: p.destinationUrl,
      mode: p.mode,
      localShortName: p.localShortName,
      remoteShortName: p.remoteShortName,
      name: p.name,
      nameEdited: p.nameEdited,
      description: p.description,
      project: p.project,
      projectFilter: p.projectFilter,
      idempotencyKey: p.idempotencyKey,
      result: p.result ? { ...p.result } : null,
    });
    if (s.result) {
      s.step = 'invitation';
      return;
    }
    // Later steps need what the earlier ones found out (destination modes, project list): start on the
    // destination step with the typed inputs, and let resume() re-derive the rest and return to the saved step.
    s.step = 'destination';
    this.resumeTo = p.step;
  }

  private resumeTo: WizardStep | undefined;

  /** After a restore: fetches what the saved step needs (invitation code, destination check, projects) and returns to it. */
  async resume(): Promise<void> {
    const s = this.state;
    if (s.result) return this.loadInvitation();
    const target = this.resumeTo;
    this.resumeTo = undefined;
    if (!target || target === 'destination' || target === 'invitation') return;
    if (!this.computeCanNext()) return;
    await this.leaveDestination();
    if (s.step !== 'mode') return; // the destination check failed: its problem is shown on the destination step
    if (target === 'mode') return;
    s.step = Object.keys(this.infoErrors()).length === 0 && target === 'project' ? 'project' : 'info';
    this.update(true);
    if (s.step === 'project') await this.loadProjects();
  }
}

/** The node already has a connection with this name (names are unique per node, ignoring case). */
export function duplicateName(name: string, nodeLabel: string, t: Translate = plainTranslate): string {
  return t('A connection named "{0}" already exists on {1}. Choose another name.', name, nodeLabel);
}

/** The user-facing text of an error. */
export function errorText(e: unknown): string {
  if (e instanceof ExalateError || e instanceof ProjectsProblem) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

function destinationProblem(e: unknown, url: string, t: Translate): string {
  if (e instanceof InvalidError && e.code === 'destination_is_self') {
    return t('{0} is your own node. Enter the URL of the other node, or choose "I don\'t have a URL".', url);
  }
  if (e instanceof InvalidError && e.code === 'destination_not_a_node') {
    return t('{0} answered, but it is not an Exalate node ({1}). Check the URL.', url, e.fields.destinationUrl ?? e.message);
  }
  if (e instanceof InvalidError) return e.fields.destinationUrl ?? e.message;
  if (e instanceof UnreachableError && e.remote) {
    return t('Your node could not reach {0}. Check the URL and that the destination node is running, or choose "I don\'t have a URL" for a destination in a private network.', url);
  }
  if (isExalateError(e)) return e.message;
  return errorText(e);
}
