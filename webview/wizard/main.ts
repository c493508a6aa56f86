// The "Initiate Connection" wizard in the browser: renders the host's WizardState and sends intents.
// It decides nothing: validation, steps and network calls belong to the host (src/wizard/). Text is rendered with
// textContent only. Components: @vscode/webview-ui-toolkit; colours: the --vscode-* theme variables (media/wizard.css).
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDivider,
  vsCodeProgressRing,
  vsCodeRadio,
  vsCodeRadioGroup,
  vsCodeTextArea,
  vsCodeTextField,
} from '@vscode/webview-ui-toolkit';
import { formatDateTime } from '../../src/shared/format';
import { sentence } from '../../src/shared/messages';
import { TypedFields } from '../../src/shared/typedFields';
import { formatText, type HostToWebview, type ProblemAction, type WebviewToHost, type WizardField, type WizardState, type WizardStep, type WizardText } from '../../src/shared/wizardProtocol';

provideVSCodeDesignSystem().register(
  vsCodeButton(),
  vsCodeCheckbox(),
  vsCodeDivider(),
  vsCodeProgressRing(),
  vsCodeRadio(),
  vsCodeRadioGroup(),
  vsCodeTextArea(),
  vsCodeTextField(),
);

interface VsCodeApi {
  postMessage(msg: WebviewToHost): void;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
const vscode = acquireVsCodeApi();
const send = (msg: WebviewToHost) => vscode.postMessage(msg);

type ValueElement = HTMLElement & { value: string; disabled: boolean; checked?: boolean; readOnly?: boolean };

/** The texts, translated by the host and sent with every state (src/wizard/text.ts); nothing renders before. */
let T: WizardText;
const STEP_TITLES = (): Record<WizardStep, string> => ({
  destination: T.stepDestination,
  mode: T.stepMode,
  info: T.stepInfo,
  project: T.stepProject,
  invitation: T.stepInvitation,
});
const BUSY_TEXT = (): Record<NonNullable<WizardState['busy']>, string> => ({
  checkingDestination: T.busyCheckingDestination,
  checkingName: T.busyCheckingName,
  loadingProjects: T.busyLoadingProjects,
  initiating: T.busyInitiating,
  loadingInvitation: T.busyLoadingInvitation,
});
const ACTION_TEXT = (): Record<ProblemAction, string> => ({ setPat: T.actionSetPat, retry: T.actionRetry, openSettings: T.actionOpenSettings });

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Record<string, string>, text?: string): HTMLElementTagNameMap[K];
function el(tag: string, attrs?: Record<string, string>, text?: string): HTMLElement;
function el(tag: string, attrs: Record<string, string> = {}, text?: string): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A step's DOM plus how to bring it up to date with a new state without losing focus or typed text. */
interface StepView {
  root: HTMLElement;
  sync(s: WizardState): void;
}

let state: WizardState | undefined;
let view: StepView | undefined;
let viewStep: WizardStep | undefined;
/** What the user typed wins over the host's echo of it (sequence numbers, see src/shared/typedFields.ts). */
const typed = new TypedFields<WizardField>();
/** The `ack` of the state being rendered. */
let ack = 0;

const app = document.getElementById('app')!;
app.textContent = '';
const header = el('header');
const title = el('h1');
const subtitle = el('p', { class: 'subtitle' });
const steps = el('ol', { class: 'steps' });
header.append(title, subtitle, steps);
const banner = el('div', { class: 'banner error', role: 'alert', hidden: '' });
const body = el('section', { class: 'step', 'aria-labelledby': 'step-title' });
const busy = el('div', { class: 'busy', role: 'status', hidden: '' });
const busyRing = el('vscode-progress-ring');
const busyText = el('span');
busy.append(busyRing, busyText);
const footer = el('footer');
const cancelBtn = el('vscode-button', { appearance: 'secondary', id: 'cancel' }) as ValueElement;
const backBtn = el('vscode-button', { appearance: 'secondary', id: 'back' }) as ValueElement;
const nextBtn = el('vscode-button', { id: 'next' }) as ValueElement;
footer.append(cancelBtn, el('span', { class: 'spacer' }), backBtn, nextBtn);
app.append(header, banner, body, busy, footer);

cancelBtn.addEventListener('click', () => send({ type: 'cancel' }));
backBtn.addEventListener('click', () => send({ type: 'back' }));
nextBtn.addEventListener('click', () => {
  if (state?.step === 'invitation') send({ type: 'done' });
  else send({ type: 'next' });
});

/** Is the event's target (inside shadow roots) an editable text control? */
function inTextControl(e: Event): boolean {
  const inner = e.composedPath()[0];
  return inner instanceof HTMLInputElement || inner instanceof HTMLTextAreaElement;
}

document.addEventListener('keydown', (e) => {
  // Select all / undo / redo inside a text field: the field does it at once. Without stopPropagation the webview
  // frame also forwards the key to the workbench, which sends `execCommand('selectAll'|'undo'|…)` back a moment
  // later: by then a fast typist has typed on, and the late "select all" makes the next key replace what was just
  // typed ("CONTOSO_TO_PARTNER" became "TNER").
  const mod = e.ctrlKey || e.metaKey;
  if (mod && !e.altKey && ['a', 'z', 'y'].includes(e.key.toLowerCase()) && inTextControl(e)) {
    e.stopPropagation();
    return;
  }
  if (e.key === 'Escape') {
    e.preventDefault();
    send({ type: 'cancel' });
    return;
  }
  if (e.key !== 'Enter' || e.shiftKey || e.altKey || e.ctrlKey || e.metaKey || !state) return;
  const target = e.target as HTMLElement;
  const tag = target.tagName.toLowerCase();
  // Buttons handle Enter themselves; a multi-line field keeps Enter for new lines.
  if (tag === 'vscode-button' || tag === 'button' || tag === 'vscode-text-area' || tag === 'textarea') return;
  e.preventDefault();
  if (state.step === 'invitation') return;
  if (state.canNext) send({ type: 'next' });
});

// ---- field helpers -----------------------------------------------------------------------------------------

function errorLine(id: string): HTMLElement {
  return el('div', { class: 'field-error', id, role: 'alert' });
}

function setError(node: HTMLElement, message: string | undefined): void {
  // Every message ends the same way (src/shared/messages.ts).
  node.textContent = message ? sentence(message) : '';
  node.hidden = !message;
}

function textField(field: WizardField, label: string, opts: { placeholder?: string; hint?: string; area?: boolean } = {}) {
  const wrap = el('div', { class: 'field' });
  const input = el(opts.area ? 'vscode-text-area' : 'vscode-text-field', {
    id: `f-${field}`,
    'data-field': field,
    ...(opts.placeholder ? { placeholder: opts.placeholder } : {}),
    ...(opts.area ? { rows: '3', resize: 'vertical' } : {}),
  }) as ValueElement;
  input.textContent = label; // the toolkit renders its default slot as the field's <label>
  input.setAttribute('aria-label', label.replace(/\s*\*$/, ''));
  input.addEventListener('input', () => send({ type: 'input', field, value: input.value ?? '', seq: typed.edited(field) }));
  const hint = opts.hint ? el('div', { class: 'hint' }, opts.hint) : undefined;
  const error = errorLine(`e-${field}`);
  wrap.append(input, ...(hint ? [hint] : []), error);
  return {
    wrap,
    input,
    sync(value: string, message: string | undefined, disabled = false) {
      // Only a state that has seen the field's last edit may write it, and never while the user is in it.
      if (typed.mayWrite(field, ack, document.activeElement === input) && input.value !== value) input.value = value;
      input.disabled = disabled;
      input.classList.toggle('invalid', !!message);
      setError(error, message);
    },
  };
}

function stepTitle(text: string, intro?: string): HTMLElement[] {
  const out: HTMLElement[] = [el('h2', { id: 'step-title' }, text)];
  if (intro) out.push(el('p', { class: 'intro' }, intro));
  return out;
}

// ---- steps -------------------------------------------------------------------------------------------------

function destinationStep(): StepView {
  const root = el('div');
  const url = textField('destinationUrl', T.destinationUrl, {
    placeholder: 'https://partner-node.example.com',
    hint: T.destinationUrlHint,
  });
  url.input.setAttribute('data-first', '');
  const privateBox = el('vscode-checkbox', { id: 'f-private' }) as ValueElement;
  privateBox.textContent = T.privateDestination;
  privateBox.addEventListener('change', () => send({ type: 'setPrivate', value: !!privateBox.checked }));
  const privateNote = el('p', { class: 'hint' }, T.privateNote);
  root.append(...stepTitle(T.stepDestination, T.destinationIntro), url.wrap, privateBox, privateNote);
  return {
    root,
    sync(s) {
      url.sync(s.destinationUrl, s.errors.destinationUrl, s.privateDestination || s.busy !== null);
      if (!!privateBox.checked !== s.privateDestination) privateBox.checked = s.privateDestination;
      privateBox.disabled = s.busy !== null;
    },
  };
}

function modeStep(): StepView {
  const root = el('div');
  const group = el('vscode-radio-group', { orientation: 'vertical', id: 'f-mode' }) as ValueElement;
  const groupLabel = el('label', { slot: 'label' }, T.stepMode);
  group.append(groupLabel);
  const reasons = el('div', { class: 'reasons' });
  const error = errorLine('e-mode');
  group.addEventListener('change', () => {
    if (state && group.value && group.value !== state.mode) send({ type: 'setMode', mode: group.value as 'script' | 'visual' });
  });
  root.append(...stepTitle(T.stepMode, T.modeIntro), group, reasons, error);
  let built = '';
  return {
    root,
    sync(s) {
      const key = JSON.stringify(s.modeOptions);
      if (key !== built) {
        built = key;
        for (const r of [...group.querySelectorAll('vscode-radio')]) r.remove();
        reasons.textContent = '';
        for (const o of s.modeOptions) {
          const radio = el('vscode-radio', { value: o.mode, id: `mode-${o.mode}` }) as ValueElement;
          radio.textContent = `${o.label} — ${o.detail}`;
          if (!o.enabled) radio.setAttribute('disabled', '');
          group.append(radio);
          if (o.reason) reasons.append(el('p', { class: 'reason', id: `reason-${o.mode}` }, formatText(T.modeNotAvailable, o.label, o.reason)));
        }
        const first = group.querySelector('vscode-radio:not([disabled])');
        first?.setAttribute('data-first', '');
      }
      // The group owns the checked state of its radios: set its value (and the radios, for before it upgrades).
      if (s.mode && group.value !== s.mode) group.value = s.mode;
      for (const r of group.querySelectorAll<ValueElement>('vscode-radio')) {
        const want = r.getAttribute('value') === s.mode;
        if (!!r.checked !== want) r.checked = want;
      }
      setError(error, s.errors.mode);
    },
  };
}

function infoStep(): StepView {
  const root = el('div');
  const local = textField('localShortName', T.localShortName, { hint: T.localShortNameHint });
  local.input.setAttribute('data-first', '');
  const remote = textField('remoteShortName', T.remoteShortName, { hint: T.remoteShortNameHint });
  const name = textField('name', T.connectionName, { hint: T.connectionNameHint });
  const description = textField('description', T.description, { area: true });
  const grid = el('div', { class: 'grid' });
  grid.append(local.wrap, remote.wrap);
  root.append(...stepTitle(T.stepInfo, T.infoIntro), grid, name.wrap, description.wrap);
  return {
    root,
    sync(s) {
      const off = s.busy !== null;
      local.sync(s.localShortName, s.errors.localShortName, off);
      remote.sync(s.remoteShortName, s.errors.remoteShortName, off);
      name.sync(s.name, s.errors.name, off);
      description.sync(s.description, s.errors.description, off);
    },
  };
}

function projectStep(): StepView {
  const root = el('div');
  const org = el('p', { class: 'hint org', id: 'project-org' });
  const filter = textField('projectFilter', T.filterProjects, { placeholder: T.filterProjectsPlaceholder });
  filter.input.setAttribute('data-first', '');
  const problem = el('div', { class: 'problem', role: 'alert', hidden: '' });
  const problemText = el('p');
  const problemActions = el('div', { class: 'actions' });
  problem.append(problemText, problemActions);
  const group = el('vscode-radio-group', { orientation: 'vertical', id: 'f-project' }) as ValueElement;
  group.append(el('label', { slot: 'label' }, T.projectLabel));
  const empty = el('p', { class: 'hint', hidden: '' }, T.noProjectMatches);
  const error = errorLine('e-project');
  group.addEventListener('change', () => {
    if (state && group.value && group.value !== state.project) send({ type: 'setProject', project: group.value });
  });
  root.append(
    ...stepTitle(T.projectLabel, T.projectIntro),
    org,
    filter.wrap,
    problem,
    group,
    empty,
    error,
  );
  let built = '';
  let builtActions = '';
  return {
    root,
    sync(s) {
      org.textContent = s.projects.orgUrl ? formatText(T.organization, s.projects.orgUrl) : '';
      filter.sync(s.projectFilter, undefined, s.busy !== null);
      const p = s.projects;
      problem.hidden = p.status !== 'error';
      problemText.textContent = p.error ?? '';
      const actionsKey = (p.actions ?? []).join(',');
      if (actionsKey !== builtActions) {
        builtActions = actionsKey;
        problemActions.textContent = '';
        for (const a of p.actions ?? []) {
          const b = el('vscode-button', { appearance: 'secondary', 'data-action': a }, ACTION_TEXT()[a]);
          b.addEventListener('click', () => send({ type: 'action', action: a }));
          problemActions.append(b);
        }
      }
      const needle = s.projectFilter.trim().toLowerCase();
      const shown = p.items.filter((n) => n.toLowerCase().includes(needle));
      const key = JSON.stringify(shown);
      if (key !== built) {
        built = key;
        for (const r of [...group.querySelectorAll('vscode-radio')]) r.remove();
        for (const n of shown) {
          const radio = el('vscode-radio', { value: n }) as ValueElement;
          radio.textContent = n;
          group.append(radio);
        }
      }
      if (s.project && group.value !== s.project) group.value = s.project;
      for (const r of group.querySelectorAll<ValueElement>('vscode-radio')) {
        const want = r.getAttribute('value') === s.project;
        if (!!r.checked !== want) r.checked = want;
        r.disabled = s.busy !== null;
      }
      group.hidden = p.status !== 'ready';
      empty.hidden = !(p.status === 'ready' && shown.length === 0);
      setError(error, s.errors.project);
    },
  };
}

function invitationStep(): StepView {
  const root = el('div');
  const heading = stepTitle(T.stepInvitation);
  const created = el('p', { class: 'intro' });
  const code = el('vscode-text-area', { id: 'f-invitation', readonly: '', rows: '6', resize: 'none' }) as ValueElement;
  code.textContent = T.stepInvitation;
  const copy = el('vscode-button', { id: 'copy', 'data-first': '' }, T.copyInvitation);
  copy.addEventListener('click', () => send({ type: 'copyInvitation' }));
  const notice = el('p', { class: 'notice', role: 'status', id: 'notice' });
  const note = el('p', { class: 'note' });
  const expires = el('p', { class: 'hint' });
  const rules = el('vscode-button', { appearance: 'secondary', id: 'open-rules' }, T.openRules);
  rules.addEventListener('click', () => send({ type: 'openSyncRules' }));
  const row = el('div', { class: 'actions' });
  row.append(copy, rules);
  root.append(...heading, created, code, row, notice, expires, note);
  return {
    root,
    sync(s) {
      const r = s.result;
      created.textContent = r ? formatText(T.createdPending, r.connectionName, s.node.label) : '';
      if (code.value !== (r?.invitationCode ?? '')) code.value = r?.invitationCode ?? '';
      (copy as ValueElement).disabled = !r?.invitationCode;
      notice.textContent = s.notice ?? '';
      expires.textContent = r?.expiresAt ? formatText(T.codeExpires, formatDateTime(r.expiresAt)) : '';
      note.textContent = r?.type === 'private' ? T.notePrivate : T.notePublic;
    },
  };
}

const BUILDERS: Record<WizardStep, () => StepView> = {
  destination: destinationStep,
  mode: modeStep,
  info: infoStep,
  project: projectStep,
  invitation: invitationStep,
};

// ---- render ------------------------------------------------------------------------------------------------

function render(s: WizardState): void {
  state = s;
  title.textContent = T.title;
  steps.setAttribute('aria-label', T.stepsLabel);
  subtitle.textContent = formatText(T.onNode, s.node.label, s.node.url);
  steps.textContent = '';
  const order: WizardStep[] = ['destination', 'mode', 'info', 'project', 'invitation'];
  const current = order.indexOf(s.step);
  order.forEach((st, i) => {
    const li = el('li', { class: i < current ? 'done' : i === current ? 'current' : '' }, STEP_TITLES()[st]);
    if (i === current) li.setAttribute('aria-current', 'step');
    steps.append(li);
  });
  if (viewStep !== s.step || !view) {
    view = BUILDERS[s.step]();
    viewStep = s.step;
    body.textContent = '';
    body.append(view.root);
  }
  view.sync(s);
  setError(banner, s.errors._);
  busy.hidden = s.busy === null;
  busyText.textContent = s.busy ? BUSY_TEXT()[s.busy] : '';
  document.body.classList.toggle('is-busy', s.busy !== null);

  backBtn.disabled = s.step === 'destination' || s.step === 'invitation' || s.busy !== null;
  backBtn.textContent = T.previous;
  nextBtn.textContent = s.step === 'project' ? T.initiate : s.step === 'invitation' ? T.done : T.next;
  nextBtn.disabled = s.step === 'invitation' ? false : !s.canNext;
  cancelBtn.textContent = s.step === 'invitation' ? T.close : T.cancel;
  cancelBtn.hidden = s.step === 'invitation';
}

/** The id of the last control that had the focus in the step (restored after a dialog of the host). */
let lastFocused: string | undefined;
document.addEventListener('focusin', (e) => {
  const id = (e.target as HTMLElement | null)?.id;
  if (id && body.contains(e.target as Node)) lastFocused = id;
});

function focusFirst(restore = false): void {
  // Custom elements upgrade asynchronously; wait a frame so the inner control exists.
  requestAnimationFrame(() => {
    const previous = restore && lastFocused ? document.getElementById(lastFocused) : null;
    const target =
      previous && body.contains(previous) && !(previous as ValueElement).disabled
        ? previous
        : (body.querySelector<HTMLElement>('[data-first]:not([disabled])') ?? nextBtn);
    target.focus();
  });
}

window.addEventListener('message', (e: MessageEvent<HostToWebview>) => {
  const msg = e.data;
  if (!msg || typeof msg !== 'object') return;
  if (msg.type === 'state') {
    ack = msg.ack;
    T = msg.text;
    render(msg.state);
    vscode.setState(msg.persist);
  } else if (msg.type === 'focus') {
    focusFirst(msg.restore === true);
  }
});

send({ type: 'ready' });
