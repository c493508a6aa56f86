// "Exalate: Accept Invitation": paste a code, see what it says (connection name, initiator, expiry), choose the
// project for the incoming sync, Accept. Every failure (malformed, tampered, expired, used code, unreachable
// initiator, own code) gets its own message and creates nothing.
import { Commands } from '../shared/commands';
import * as vscode from 'vscode';
import { ContextKeys, setContextKey } from '../contextKeys';
import * as z from 'zod';
import type { Connection, ExalateClient, InvitationPreview } from '../exalate/client';
import { ExalateError } from '../exalate/errors';
import { nodeDisplayName, type NodeConfig } from '../nodes/registry';
import type { Services } from '../services';
import { formatDateTime } from '../shared/format';
import { invitationCodeSchema, projectSchema } from '../shared/validation';
import { ProjectsProblem, errorText } from './machine';
import { listNodeProjects, promptAdoPat } from './projects';
import type { WizardPrompter } from './prompter';

/** Optional arguments (tests, other commands): skip the input box and/or the project pick. */
export const AcceptArgsSchema = z.strictObject({
  nodeUrl: z.string().min(1).max(2048).optional(),
  invitationCode: invitationCodeSchema.optional(),
  project: projectSchema.optional(),
});
export type AcceptArgs = z.infer<typeof AcceptArgsSchema>;

export type AcceptOutcome =
  | { ok: true; connection: Connection }
  | { ok: false; code: string; message: string };

/** The message for a failed preview or accept, keyed by the node's error code. */
export function acceptProblem(e: unknown, preview?: InvitationPreview): { code: string; message: string } {
  const code = e instanceof ExalateError ? String(e.code ?? e.kind) : 'error';
  const who = preview ? `${preview.initiatorShortName} (${preview.initiatorUrl})` : vscode.l10n.t('the initiator');
  const messages: Record<string, string> = {
    invitation_malformed: vscode.l10n.t('This is not an Exalate invitation code. Paste the complete code the initiator sent you (it starts with "EXA1.").'),
    invitation_tampered: vscode.l10n.t('This invitation code was altered: its integrity check failed. Ask {0} to send the code again, and paste it unchanged.', who),
    invitation_expired: preview
      ? vscode.l10n.t('This invitation has expired ({0}). Ask {1} for a new invitation code.', formatDateTime(preview.expiresAt), who)
      : vscode.l10n.t('This invitation has expired. Ask {0} for a new invitation code.', who),
    invitation_used: vscode.l10n.t('This invitation was already accepted. Each code works once; ask {0} for a new one if you need another connection.', who),
    invitation_unknown: vscode.l10n.t('{0} no longer has the connection this code was issued for (it was deleted). Ask for a new invitation code.', preview?.initiatorShortName ?? vscode.l10n.t('The initiating node')),
    initiator_unreachable: preview
      ? vscode.l10n.t('Your node could not reach the initiating node at {0}. Check that it is running and reachable from your node, then try again.', preview.initiatorUrl)
      : vscode.l10n.t('Your node could not reach the initiating node. Check that it is running and reachable from your node, then try again.'),
    own_invitation: vscode.l10n.t("This invitation was issued by this same node. Accept it on the partner's node, or choose your other node."),
  };
  return { code, message: messages[code] ?? errorText(e) };
}

export async function acceptInvitation(
  services: Services,
  prompter: WizardPrompter,
  node: NodeConfig,
  client: ExalateClient,
  args: AcceptArgs,
): Promise<AcceptOutcome | undefined> {
  const label = nodeDisplayName(node);
  const progress = <T>(title: string, work: () => Promise<T>): Promise<T> =>
    Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, work));
  const fail = (p: { code: string; message: string }, ...actions: string[]) => {
    services.log.warn(`Accept Invitation on ${label}: ${p.code}: ${p.message}`);
    return prompter.error(p.message, ...actions);
  };

  // 1. The code, what it says, and whether the initiator still takes it (asked through our node), before any
  // other question: an expired, used or deleted code is reported right after pasting.
  let code = args.invitationCode;
  let preview: InvitationPreview | undefined;
  while (!preview) {
    code ??= await prompter.inputBox({
      title: vscode.l10n.t('Accept Invitation on {0}', label),
      prompt: vscode.l10n.t('Paste the invitation code the initiator sent you.'),
      placeHolder: 'EXA1.…', // the code's format, not text
      validateInput: (v) => {
        const r = invitationCodeSchema.safeParse(v);
        return r.success ? undefined : r.error.issues[0].message;
      },
    });
    if (code === undefined) return undefined;
    let read: InvitationPreview | undefined;
    try {
      const pasted = code;
      read = await progress(vscode.l10n.t('Exalate: reading the invitation code on {0}…', label), () => client.previewInvitation(pasted));
      const seen = read;
      if (seen.expired) throw new ExalateError('invalid', 'expired', { nodeUrl: node.url, code: 'invitation_expired' });
      await progress(vscode.l10n.t('Exalate: asking {0} whether the invitation can still be accepted…', seen.initiatorShortName), () => client.checkInvitation(pasted));
      preview = seen;
    } catch (e) {
      const p = acceptProblem(e, read);
      if (args.invitationCode) {
        void fail(p);
        return { ok: false, ...p };
      }
      const ANOTHER = vscode.l10n.t('Enter Another Code');
      if ((await fail(p, ANOTHER)) !== ANOTHER) return { ok: false, ...p };
      code = undefined;
    }
  }

  // 2. What the code says, for the user to confirm before anything else is asked.
  const detail = [
    vscode.l10n.t('Connection: {0}', preview.connectionName),
    vscode.l10n.t('Initiator: {0} ({1})', preview.initiatorShortName, preview.initiatorUrl),
    vscode.l10n.t("Your side's short name: {0}", preview.acceptorShortName),
    vscode.l10n.t('Type: {0}, {1} mode', preview.type, preview.mode),
    vscode.l10n.t('Expires: {0}', formatDateTime(preview.expiresAt)),
    ...(args.project ? [vscode.l10n.t('Project for incoming sync: {0}', args.project)] : [vscode.l10n.t('Next: the project for the incoming sync.')]),
  ].join('\n');
  if (!(await prompter.confirm(vscode.l10n.t('Accept the invitation "{0}" from {1}?', preview.connectionName, preview.initiatorShortName), detail, args.project ? vscode.l10n.t('Accept') : vscode.l10n.t('Continue')))) {
    return undefined;
  }

  // 3. The project for the incoming sync.
  let project = args.project;
  while (!project) {
    let items: string[];
    try {
      const list = await progress(vscode.l10n.t('Exalate: listing the Azure DevOps projects of {0}…', label), () => listNodeProjects(services, node.url, client, (m, d, a) => prompter.confirm(m, d, a)));
      items = list.items;
      if (items.length === 0) throw new ProjectsProblem(vscode.l10n.t('The Azure DevOps organization {0} has no projects yet. Create a project there, then retry.', list.orgUrl), ['retry']);
    } catch (e) {
      const problem = e instanceof ProjectsProblem ? e : new ProjectsProblem(errorText(e), ['retry']);
      const setPat = vscode.l10n.t('Set PAT…');
      const retry = vscode.l10n.t('Retry');
      const openSettings = vscode.l10n.t('Open Settings');
      const buttons = problem.actions.map((a) => (a === 'setPat' ? setPat : a === 'retry' ? retry : openSettings));
      const choice = await prompter.error(problem.message, ...buttons);
      if (choice === setPat) {
        if (!(await promptAdoPat(services, node.url, (o) => prompter.inputBox(o)))) return undefined;
      } else if (choice === openSettings) {
        await vscode.commands.executeCommand('workbench.action.openSettings', 'exalate.nodes');
        return undefined;
      } else if (choice !== retry) return undefined;
      continue;
    }
    const pick = await prompter.quickPick(
      items.map((name) => ({ label: name })),
      {
        title: vscode.l10n.t('Project for the incoming sync of "{0}" from {1}', preview.connectionName, preview.initiatorShortName),
        placeHolder: vscode.l10n.t('Type to filter the projects of {0}; Enter accepts the invitation. Default sync rules will be generated; adapt them later.', label),
        matchOnDescription: true,
      },
    );
    if (!pick) return undefined;
    project = pick.label;
  }

  // 4. Accept (the node checks everything again: the code may have been used in the meantime).
  const acceptedCode = code!;
  const accepted = project;
  let connection: Connection;
  try {
    connection = await progress(`Exalate: accepting "${preview.connectionName}" on ${label}…`, () =>
      client.acceptInvitation({ invitationCode: acceptedCode, project: accepted }),
    );
  } catch (e) {
    const p = acceptProblem(e, preview);
    void fail(p);
    return { ok: false, ...p };
  }
  setContextKey(ContextKeys.invitationAccepted, true);
  services.log.info(`Accepted invitation "${connection.name}" from ${preview.initiatorUrl} on ${label} (${connection.id}).`);
  await vscode.commands.executeCommand(Commands.refresh);
  await vscode.commands.executeCommand(Commands.revealConnection, { nodeUrl: node.url, connectionId: connection.id });
  void prompter.info(vscode.l10n.t('Connection "{0}" with {1} is {2}.', connection.name, preview.initiatorShortName, connection.status));
  return { ok: true, connection };
}

