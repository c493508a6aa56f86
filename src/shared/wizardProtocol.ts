// The one protocol between the "Initiate Connection" wizard host (src/wizard/) and its webview (webview/wizard/).
// The host owns the wizard: it keeps a `WizardState`, validates, talks to the node and pushes the whole state to
// the webview after every change. The webview renders the state and sends intents; it never decides anything.
// Every message from the webview is parsed with `WebviewToHostSchema`; anything else is ignored and logged.
// Only ES2022 + zod here (compiled for the host and the browser).
import * as z from 'zod';
import { ModeSchema, type Mode } from './api';
import type { FieldErrors } from './validation';

export const WIZARD_VIEW_TYPE = 'exalate.initiateConnection';

export const WIZARD_STEPS = ['destination', 'mode', 'info', 'project', 'invitation'] as const;
export const WizardStepSchema = z.enum(WIZARD_STEPS);
export type WizardStep = z.infer<typeof WizardStepSchema>;

/** What the wizard is waiting for, shown as progress; `null` when idle. */
export type WizardBusy = 'checkingDestination' | 'checkingName' | 'loadingProjects' | 'initiating' | 'loadingInvitation' | null;

/** The text fields the user types into (restored after a reload). */
export const WizardFieldSchema = z.enum([
  'destinationUrl',
  'localShortName',
  'remoteShortName',
  'name',
  'description',
  'projectFilter',
]);
export type WizardField = z.infer<typeof WizardFieldSchema>;

/** One choice of the "Configuration type" step. */
export interface ModeOption {
  mode: Mode;
  label: string;
  detail: string;
  enabled: boolean;
  /** Why the option is disabled, shown next to it. */
  reason?: string;
}

/** An action offered next to a problem (e.g. the project list failing). */
export type ProblemAction = 'setPat' | 'retry' | 'openSettings';

export interface ProjectsState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** Project names, sorted. */
  items: string[];
  /** Whole-list problem (missing PAT, empty organization, network failure). */
  error?: string;
  actions?: ProblemAction[];
  /** The organization URL the list came from, shown to the user. */
  orgUrl?: string;
}

/** What the wizard created (present from the invitation step on). */
export interface WizardResult {
  connectionId: string;
  connectionName: string;
  type: 'public' | 'private';
  /** Absent until loaded (it is not persisted: after a reload the host fetches it again from the node). */
  invitationCode?: string;
  expiresAt?: string;
}

export interface WizardState {
  step: WizardStep;
  /** The node the connection is created on. */
  node: { url: string; label: string };
  /** `true` = "I don't have a URL": the destination is in a private network (private connection, Script only). */
  privateDestination: boolean;
  destinationUrl: string;
  /** The destination as our node saw it (public flow, after the check). */
  destination: { shortName: string; publicUrl: string; modes: Mode[] } | null;
  mode: Mode | null;
  modeOptions: ModeOption[];
  localShortName: string;
  remoteShortName: string;
  name: string;
  /** The user typed the connection name (it is no longer suggested from the short names). */
  nameEdited: boolean;
  description: string;
  project: string;
  projectFilter: string;
  projects: ProjectsState;
  /** Inline problems per field (field → message). `_` is a problem of the step as a whole. */
  errors: FieldErrors;
  busy: WizardBusy;
  /** Next (or Initiate) is allowed on this step. */
  canNext: boolean;
  /** One key per wizard run: a double click, a retry or a reload never creates two connections. */
  idempotencyKey: string;
  result: WizardResult | null;
  /** A transient confirmation (e.g. "Invitation code copied"). */
  notice: string | null;
}

// ---- the webview's texts ------------------------------------------------------------------------------------

/**
 * Every text the webview shows that is not in the state: the host translates them (src/wizard/text.ts, through
 * `vscode.l10n.t`) and sends them with each state, so the webview has no English of its own. `{0}`, `{1}` are
 * filled in by the webview (`formatText`).
 */
export interface WizardText {
  title: string;
  stepsLabel: string;
  onNode: string;
  stepDestination: string;
  stepMode: string;
  stepInfo: string;
  stepProject: string;
  stepInvitation: string;
  busyCheckingDestination: string;
  busyCheckingName: string;
  busyLoadingProjects: string;
  busyInitiating: string;
  busyLoadingInvitation: string;
  actionSetPat: string;
  actionRetry: string;
  actionOpenSettings: string;
  cancel: string;
  close: string;
  previous: string;
  next: string;
  initiate: string;
  done: string;
  destinationUrl: string;
  destinationUrlHint: string;
  privateDestination: string;
  privateNote: string;
  destinationIntro: string;
  modeIntro: string;
  modeNotAvailable: string;
  localShortName: string;
  localShortNameHint: string;
  remoteShortName: string;
  remoteShortNameHint: string;
  connectionName: string;
  connectionNameHint: string;
  description: string;
  infoIntro: string;
  filterProjects: string;
  filterProjectsPlaceholder: string;
  projectLabel: string;
  noProjectMatches: string;
  projectIntro: string;
  organization: string;
  copyInvitation: string;
  openRules: string;
  createdPending: string;
  codeExpires: string;
  notePrivate: string;
  notePublic: string;
}

/** `{n}` substitution, as `vscode.l10n.t` does it. */
export function formatText(text: string, ...args: Array<string | number>): string {
  return text.replace(/\{(\d+)\}/g, (m, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : m));
}

// ---- host → webview ----------------------------------------------------------------------------------------

export type HostToWebview =
  /**
   * The complete state to render; `persist` is what the webview stores with `setState` for a reload. `ack` is the
   * highest `input.seq` the host had processed when it sent this state: a field whose last edit is newer keeps
   * what the user typed (src/shared/typedFields.ts).
   */
  | { type: 'state'; state: WizardState; persist: PersistedWizard; ack: number; text: WizardText }
  /**
   * Moves focus to the first field of the step (sent when the step changes), or with `restore` back to the field
   * the user was in (after a question such as "Discard the new connection?" was answered with Cancel).
   */
  | { type: 'focus'; restore?: boolean };

// ---- webview → host ----------------------------------------------------------------------------------------

export const WebviewToHostSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready') }),
  /** `seq` numbers the webview's edits (from 1 after each `ready`), so the host can say which ones a state answers. */
  z.strictObject({ type: z.literal('input'), field: WizardFieldSchema, value: z.string().max(10_000), seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER) }),
  z.strictObject({ type: z.literal('setPrivate'), value: z.boolean() }),
  z.strictObject({ type: z.literal('setMode'), mode: ModeSchema }),
  z.strictObject({ type: z.literal('setProject'), project: z.string().max(300) }),
  z.strictObject({ type: z.literal('next') }),
  z.strictObject({ type: z.literal('back') }),
  z.strictObject({ type: z.literal('cancel') }),
  z.strictObject({ type: z.literal('action'), action: z.enum(['setPat', 'retry', 'openSettings']) }),
  z.strictObject({ type: z.literal('copyInvitation') }),
  z.strictObject({ type: z.literal('openSyncRules') }),
  z.strictObject({ type: z.literal('done') }),
]);
export type WebviewToHost = z.infer<typeof WebviewToHostSchema>;

// ---- persisted state (webview setState → WebviewPanelSerializer) -------------------------------------------------

/** What survives a reload: the step and typed inputs, the run's idempotency key, the created connection's id. No secrets, no invitation code. */
export const PersistedWizardSchema = z.strictObject({
  v: z.literal(1),
  nodeUrl: z.string().max(2048),
  step: WizardStepSchema,
  privateDestination: z.boolean(),
  destinationUrl: z.string().max(10_000),
  mode: ModeSchema.nullable(),
  localShortName: z.string().max(10_000),
  remoteShortName: z.string().max(10_000),
  name: z.string().max(10_000),
  nameEdited: z.boolean(),
  description: z.string().max(10_000),
  project: z.string().max(10_000),
  projectFilter: z.string().max(10_000),
  idempotencyKey: z.string().min(8).max(200),
  result: z
    .strictObject({
      connectionId: z.string().max(200),
      connectionName: z.string().max(10_000),
      type: z.enum(['public', 'private']),
    })
    .nullable(),
});
export type PersistedWizard = z.infer<typeof PersistedWizardSchema>;
