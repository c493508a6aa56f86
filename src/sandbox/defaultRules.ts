// Default sync rules (Groovy, Azure DevOps flavour) that every new connection starts with as version 1.
// They are generated from the connection (names, chosen project) when read, so a node with 10,000 connections
// does not store 20,000 copies of the same text.

export interface DefaultRuleContext {
  localShortName: string;
  remoteShortName: string;
  project: string;
}

const GROOVY_ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', "'": "\\'", $: '\\$', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

/**
 * A double-quoted Groovy string literal of `s`: backslash, quotes, `$` (GString interpolation) and every control
 * character are escaped, so no value can end the string, the line or the comment it is in.
 */
export function groovyString(s: string): string {
  return `"${s.replace(/[\\"'$\p{Cc}\u2028\u2029]/gu, (c) => GROOVY_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

/** Text for a `//` comment line: control characters (which would end the comment) become spaces. */
function comment(s: string): string {
  return s.replace(/[\p{Cc}\u2028\u2029]/gu, ' ');
}

export function defaultOutgoingScript(c: DefaultRuleContext): string {
  const local = comment(c.localShortName);
  const remote = comment(c.remoteShortName);
  return `// Outgoing sync: ${local} -> ${remote}
// Runs every time a work item under sync changes on this Azure DevOps side. Whatever is put on
// \`replica\` is sent to ${remote}; anything left out stays private to this side.

replica.key            = workItem.key
replica.summary        = workItem.summary
// Azure DevOps keeps descriptions as HTML; send plain text so the other side can render it its own way.
replica.description    = nodeHelper.stripHtml(workItem.description)
replica.type           = workItem.type
replica.status         = workItem.status
replica.labels         = workItem.labels
replica.priority       = workItem.priority
replica.assignee       = workItem.assignee

// Comments are HTML as well: strip the markup from every one of them.
replica.comments       = nodeHelper.stripHtmlFromComments(workItem.comments)
replica.attachments    = workItem.attachments

// Where the item lives on this side, for routing and reporting on the other side.
replica.project        = workItem.project
replica.areaPath       = workItem.areaPath
replica.iterationPath  = workItem.iterationPath
`;
}

export function defaultIncomingScript(c: DefaultRuleContext): string {
  const local = comment(c.localShortName);
  const remote = comment(c.remoteShortName);
  return `// Incoming sync: ${remote} -> ${local}
// Runs whenever ${remote} sends a change. \`replica\` is what arrived, \`workItem\` is the local item.

if (firstSync) {
  // A new item arrives: create it in the project chosen for this connection.
  workItem.projectKey = ${groovyString(c.project)}
  // Reuse the sender's type when this project knows it, otherwise fall back to a Task.
  workItem.typeName = nodeHelper.getIssueType(replica.type?.name) ? replica.type.name : "Task"
}

workItem.summary     = replica.summary
workItem.description = replica.description
workItem.labels      = replica.labels
workItem.priority    = replica.priority

// Keep comments and attachments from both sides: add what is new, never drop local ones.
workItem.comments    = commentHelper.mergeComments(workItem, replica)
workItem.attachments = attachmentHelper.mergeAttachments(workItem, replica)

// Status mapping (uncomment and adapt; left: remote status, right: Azure DevOps state):
// def statusMap = [
//   "Open"        : "New",
//   "In Progress" : "Active",
//   "Done"        : "Closed",
// ]
// workItem.setStatus(statusMap[replica.status?.name] ?: "New")

// Area and iteration paths (uncomment to file incoming items under fixed paths):
// workItem.areaPath      = ${groovyString(`${c.project}\\Team A`)}
// workItem.iterationPath = ${groovyString(`${c.project}\\Sprint 1`)}
`;
}
