// Every command id in one place (the contribution check in test/unit/commands.test.ts reads this file).
// No `vscode` import: the webview protocol may name commands too.
export const Commands = {
  refresh: 'exalate.refresh',
  initiateConnection: 'exalate.initiateConnection',
  acceptInvitation: 'exalate.acceptInvitation',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];
