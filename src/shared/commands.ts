// Every command id in one place (the contribution check in test/unit/commands.test.ts reads this file).
// No `vscode` import: the webview protocol may name commands too.
export const Commands = {
  refresh: 'exalate.refresh',
  // Connections view (src/connections)
  addNode: 'exalate.addNode',
  removeNode: 'exalate.removeNode',
  signIn: 'exalate.signIn',
  startSandbox: 'exalate.startSandbox',
  setAzureDevOps: 'exalate.setAzureDevOps',
  retryNode: 'exalate.retryNode',
  loadMoreConnections: 'exalate.loadMoreConnections',
  copyInvitationCode: 'exalate.copyInvitationCode',
  activateConnection: 'exalate.activateConnection',
  deactivateConnection: 'exalate.deactivateConnection',
  deleteConnection: 'exalate.deleteConnection',
  renameConnection: 'exalate.renameConnection',
  editConnectionDescription: 'exalate.editConnectionDescription',
  openOutgoingSyncRules: 'exalate.openOutgoingSyncRules',
  openIncomingSyncRules: 'exalate.openIncomingSyncRules',
  revealConnection: 'exalate.revealConnection',
  initiateConnection: 'exalate.initiateConnection',
  acceptInvitation: 'exalate.acceptInvitation',
  /** Registered by src/syncRules. */
  openSyncRules: 'exalate.openSyncRules',
  showSyncRulesHistory: 'exalate.showSyncRulesHistory',
  restoreSyncRules: 'exalate.restoreSyncRules',
  exportSyncRules: 'exalate.exportSyncRules',
  publishSyncRulesFromFile: 'exalate.publishSyncRulesFromFile',
  /** A saved draft becomes the rule the connection runs. */
  publishSyncRules: 'exalate.publishSyncRules',
  /** Ctrl+S / Cmd+S in a sync-rule editor (keybinding). */
  saveSyncRules: 'exalate.saveSyncRules',
  /** Registered by src/testRun. */
  testRun: 'exalate.testRun',
  testRunAgain: 'exalate.testRunAgain',
  /** Test Run on a connection of the Connections view (asks the direction). */
  testRunConnection: 'exalate.testRunConnection',
  /** Registered by src/sync. */
  syncWorkItem: 'exalate.syncWorkItem',
  editSyncTriggers: 'exalate.editSyncTriggers',
  retrySyncError: 'exalate.retrySyncError',
  resolveSyncError: 'exalate.resolveSyncError',
  openSyncErrorScript: 'exalate.openSyncErrorScript',
  loadMoreSyncedItems: 'exalate.loadMoreSyncedItems',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];
