// The `exalate.*` context keys this extension sets, in one place: menus (`when`/`enablement` in package.json) and the
// walkthrough's `completionEvents` (`onContext:…`) read them. Each key is set only when the thing it names has really
// happened (a node is configured, a connection is listed, Initiate succeeded, …). The last value of every key is kept
// so the integration tests can check what the host told VS Code (VS Code has no API to read a context key back).
import * as vscode from 'vscode';

export const ContextKeys = {
  /** At least one entry in `exalate.nodes` (set by src/nodes/registry.ts). */
  hasNodes: 'exalate.hasNodes',
  /** At least one connection is listed in the Connections view. */
  hasConnections: 'exalate.hasConnections',
  /** At least one listed connection waits for the partner to accept an invitation this side created. */
  hasPendingInvitations: 'exalate.hasPendingInvitations',
  /** The sync-rule document in the active editor is a draft, not the active version (src/syncRules/status.ts). */
  ruleIsDraft: 'exalate.ruleIsDraft',
  /** Walkthrough: Initiate Connection created a connection in this window. */
  connectionInitiated: 'exalate.connectionInitiated',
  /** Walkthrough: Accept Invitation accepted an invitation in this window. */
  invitationAccepted: 'exalate.invitationAccepted',
  /** Walkthrough: a sync rule was saved to a node (as a draft) from an editor in this window. */
  syncRulesSaved: 'exalate.syncRulesSaved',
  /** Walkthrough: a Test Run finished (with or without script errors) in this window. */
  testRunFinished: 'exalate.testRunFinished',
} as const;

export type ContextKey = (typeof ContextKeys)[keyof typeof ContextKeys];

const values = new Map<ContextKey, boolean>();

/** Sets a context key (skipping the round trip when the value is unchanged). */
export function setContextKey(key: ContextKey, value: boolean): void {
  if (values.get(key) === value) return;
  values.set(key, value);
  void vscode.commands.executeCommand('setContext', key, value);
}

/** The last value this extension set for each key (for the integration tests). */
export function contextKeyValues(): ReadonlyMap<ContextKey, boolean> {
  return values;
}

/** The keys that mark walkthrough progress (set once something happened; never unset by the extension itself). */
export const WALKTHROUGH_PROGRESS_KEYS: readonly ContextKey[] = [
  ContextKeys.connectionInitiated,
  ContextKeys.invitationAccepted,
  ContextKeys.syncRulesSaved,
  ContextKeys.testRunFinished,
];
