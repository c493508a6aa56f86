// Snippets for recipes sync scripts need again and again. Written for this project; placeholders use the
// `${1:name}` syntax of LSP snippets.
import type { ScriptDirection } from '../model';

export interface ScriptSnippet {
  /** What the user types to find it. */
  prefix: string;
  label: string;
  description: string;
  body: string;
  /** Only offered in scripts of these directions (absent: both and unknown). */
  directions?: ScriptDirection[];
}

export const SNIPPETS: ScriptSnippet[] = [
  {
    prefix: 'status-map',
    label: 'Status mapping',
    description: 'Map the other side\'s status names to Azure DevOps states, falling back to a default.',
    directions: ['incoming'],
    body: [
      'def statusMap = [',
      '  "${1:Open}"        : "${2:New}",',
      '  "${3:In Progress}" : "${4:Active}",',
      '  "${5:Done}"        : "${6:Closed}",',
      ']',
      'def remoteStatus = replica.status?.name',
      'workItem.setStatus(statusMap[remoteStatus] ?: "${7:New}")',
      '$0',
    ].join('\n'),
  },
  {
    prefix: 'custom-field-out',
    label: 'Custom field (send)',
    description: 'Send an Azure DevOps field to the other side as a custom key.',
    directions: ['outgoing'],
    body: 'replica.customKeys."${1:Customer}" = workItem."${2:Custom.Customer}"\n$0',
  },
  {
    prefix: 'custom-field-in',
    label: 'Custom field (receive)',
    description: 'Write a value that arrived into an Azure DevOps field.',
    directions: ['incoming'],
    body: 'workItem."${1:Custom.Customer}" = replica.customKeys."${2:Customer}" ?: replica.customFields."${2:Customer}"?.value\n$0',
  },
  {
    prefix: 'comments-formatted',
    label: 'Comments with custom formatting',
    description: 'Merge the other side\'s comments and format each one (author and date first).',
    directions: ['incoming'],
    body: [
      'workItem.comments = commentHelper.mergeComments(workItem, replica) { comment ->',
      '  def author = comment.author?.displayName ?: "${1:someone}"',
      '  comment.body = "<p><b>\\${author}</b> wrote on ${2:the partner side}:</p>" + comment.body',
      '  comment',
      '}',
      '$0',
    ].join('\n'),
  },
  {
    prefix: 'comments-out',
    label: 'Comments as plain text',
    description: 'Send comments with their HTML markup removed.',
    directions: ['outgoing'],
    body: 'replica.comments = nodeHelper.stripHtmlFromComments(workItem.comments)\n$0',
  },
  {
    prefix: 'area-iteration',
    label: 'Area and iteration path',
    description: 'File incoming items under fixed area and iteration paths, or keep the sender\'s when they exist here.',
    directions: ['incoming'],
    body: [
      'workItem.areaPath      = "${1:Project}\\\\\\\\${2:Team A}"',
      'workItem.iterationPath = "${1:Project}\\\\\\\\${3:Sprint 1}"',
      '$0',
    ].join('\n'),
  },
  {
    prefix: 'area-iteration-out',
    label: 'Area and iteration path (send)',
    description: 'Send where the work item lives, for routing on the other side.',
    directions: ['outgoing'],
    body: 'replica.areaPath      = workItem.areaPath\nreplica.iterationPath = workItem.iterationPath\n$0',
  },
  {
    prefix: 'first-sync',
    label: 'First-sync defaults',
    description: 'Choose project and type of a new work item, and report its id back to the other side.',
    directions: ['incoming'],
    body: [
      'if (firstSync) {',
      '  workItem.projectKey = "${1:Project}"',
      '  workItem.typeName   = nodeHelper.getIssueType(replica.type?.name) ? replica.type.name : "${2:Task}"',
      '  syncHelper.syncBackAfterProcessing()',
      '}',
      '$0',
    ].join('\n'),
  },
  {
    prefix: 'assignee-by-email',
    label: 'Assignee by email',
    description: 'Assign the local user with the same email, or leave the item unassigned.',
    directions: ['incoming'],
    body: 'workItem.assignee = nodeHelper.getUserByEmail(replica.assignee?.email)\n$0',
  },
];
