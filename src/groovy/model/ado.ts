// The Exalate script model for Azure DevOps: what outgoing and incoming sync scripts can use. The descriptions
// are ours (see docs/script-model.md for how they were researched); they explain behaviour, not Exalate's wording.
// Pure data: no `vscode`, no Node built-ins.
import type { AdoFieldModel, FieldModel, MethodModel, ScriptModel, TypeModel, VariableModel } from './types';

const BOTH = ['outgoing', 'incoming'] as const;

// ---- the work item / replica fields ---------------------------------------------------------------------------

/**
 * Fields shared by the local work item (`workItem`, `issue`) and the replica. Exalate carries every tracker's item
 * as one "hub issue", so a replica received from Jira can hold components or fix versions even though Azure
 * DevOps has none; they are listed so that such scripts are understood.
 */
function issueFields(kind: 'workItem' | 'replica'): FieldModel[] {
  const local = kind === 'workItem';
  const f = (field: FieldModel): FieldModel => field;
  return [
    f({ name: 'id', type: 'Long', readOnly: true, adoReference: 'System.Id', doc: local ? 'Numeric id of the work item in Azure DevOps. Assigned by Azure DevOps when the item is created; cannot be changed.' : 'Numeric id of the item on the side that sent it.' }),
    f({ name: 'key', type: 'String', readOnly: local, doc: local ? 'The work item id as text. Set by Azure DevOps.' : 'Key of the item on the sending side (for Azure DevOps the id as text, for Jira e.g. `ABC-12`).' }),
    f({ name: 'summary', type: 'String', adoReference: 'System.Title', doc: 'The title of the work item.' }),
    f({ name: 'description', type: 'String', adoReference: 'System.Description', doc: 'The description. Azure DevOps stores it as HTML; use `nodeHelper.stripHtml` to send plain text.' }),
    f({ name: 'comments', type: 'List<Comment>', doc: 'The discussion comments, oldest first.' }),
    f({ name: 'attachments', type: 'List<Attachment>', doc: 'The files attached to the item.' }),
    f({ name: 'labels', type: 'List<Label>', adoReference: 'System.Tags', doc: 'The tags of the work item, one label per tag.' }),
    f({ name: 'priority', type: 'Priority', adoReference: 'Microsoft.VSTS.Common.Priority', doc: 'The priority (1 is highest in the default processes).' }),
    f({ name: 'areaPath', type: 'String', adoReference: 'System.AreaPath', doc: 'Area path, e.g. `Payments\\Team A`. It must exist in the project when you set it.' }),
    f({ name: 'iterationPath', type: 'String', adoReference: 'System.IterationPath', doc: 'Iteration path, e.g. `Payments\\Sprint 4`. It must exist in the project when you set it.' }),
    f({ name: 'project', type: 'Project', readOnly: local, adoReference: 'System.TeamProject', doc: local ? 'The project the work item lives in. To choose the project of a new item, set `projectKey` instead.' : 'The project (or equivalent container) of the item on the sending side.' }),
    f({ name: 'projectKey', type: 'String', doc: 'Name of the Azure DevOps project a new work item is created in. Set it in an incoming script when `firstSync` is true.' }),
    f({ name: 'type', type: 'WorkItemType', adoReference: 'System.WorkItemType', doc: 'The work item type (Bug, Task, User Story, …). To choose the type of a new item, set `typeName`.' }),
    f({ name: 'typeName', type: 'String', doc: 'Name of the work item type a new item is created as (e.g. `"Bug"`). Set it in an incoming script when `firstSync` is true.' }),
    f({ name: 'status', type: 'Status', adoReference: 'System.State', doc: 'The state of the work item (New, Active, Closed, …). Use `setStatus("Active")` to move it.' }),
    f({ name: 'reporter', type: 'User', readOnly: local, adoReference: 'System.CreatedBy', aliases: ['creator'], doc: 'Who created the item. Azure DevOps sets it; it cannot be changed there.' }),
    f({ name: 'assignee', type: 'User', adoReference: 'System.AssignedTo', doc: 'The person the item is assigned to, or null. Look local users up with `nodeHelper.getUserByEmail`.' }),
    f({ name: 'created', type: 'Date', readOnly: local, adoReference: 'System.CreatedDate', doc: 'When the item was created.' }),
    f({ name: 'updated', type: 'Date', readOnly: local, adoReference: 'System.ChangedDate', doc: 'When the item was last changed.' }),
    f({ name: 'parentId', type: 'String', adoReference: 'System.Parent', doc: 'Id of the parent item, or null. In an incoming script, translate a remote parent id with `syncHelper.getLocalIssueKeyFromRemoteId`.' }),
    f({ name: 'customFields', type: 'CustomFields', doc: 'Custom fields by name: `customFields."Customer".value`.' }),
    f({ name: 'customKeys', type: 'CustomKeys', doc: 'Free-form values by name. Anything may be stored here, e.g. `replica.customKeys."Changed Date"`; the other side reads it back by the same name.' }),
    f({ name: 'resolution', type: 'Resolution', doc: 'Resolution of the item (Jira sides; Azure DevOps uses the Reason field instead).' }),
    f({ name: 'resolutionDate', type: 'Date', doc: 'When the item was resolved (Jira sides).' }),
    f({ name: 'due', type: 'Date', doc: 'Due date (Jira sides; on Azure DevOps use the `Microsoft.VSTS.Scheduling.DueDate` field where the process has it).' }),
    f({ name: 'environment', type: 'String', doc: 'Environment text (Jira sides).' }),
    f({ name: 'components', type: 'List<Object>', doc: 'Components (Jira sides).' }),
    f({ name: 'fixVersions', type: 'List<Object>', doc: 'Fix versions (Jira sides).' }),
    f({ name: 'affectedVersions', type: 'List<Object>', doc: 'Affected versions (Jira sides).' }),
    f({ name: 'workLogs', type: 'List<Object>', doc: 'Logged work (Jira sides).' }),
    f({ name: 'originalEstimate', type: 'Long', doc: 'Original estimate in seconds (Jira sides).' }),
    f({ name: 'remainingEstimate', type: 'Long', doc: 'Remaining estimate in seconds (Jira sides).' }),
    f({ name: 'timeSpent', type: 'Long', doc: 'Time spent in seconds (Jira sides).' }),
    f({ name: 'watchers', type: 'List<User>', doc: 'Watchers of the item (Jira sides).' }),
    f({ name: 'votes', type: 'Object', doc: 'Votes on the item (Jira sides).' }),
    f({ name: 'issueLinks', type: 'List<Object>', doc: 'Links to other items under sync.' }),
    f({ name: 'securityLevel', type: 'Object', doc: 'Security level (Jira sides).' }),
    f({ name: 'assignees', type: 'List<User>', doc: 'Everyone assigned to the item (GitHub and other trackers with several assignees).' }),
    f({ name: 'repository', type: 'Object', doc: 'Repository the issue belongs to (GitHub sides).' }),
    f({ name: 'storyPoints', type: 'Double', doc: 'Story points, where the sending tracker exposes them as an issue field.' }),
    f({ name: 'sprint', type: 'Object', doc: 'Sprint of the item, where the sending tracker exposes it as an issue field.' }),
  ];
}

const setStatus: MethodModel = {
  name: 'setStatus',
  params: [{ name: 'statusName', type: 'String', doc: 'Name of the target state, exactly as the work item type defines it (e.g. `"Active"`).' }],
  returns: 'void',
  doc: 'Moves the work item to the named state. Azure DevOps checks the transition against the work item type; an unknown state makes the sync fail with an error on the item.',
  example: 'workItem.setStatus(statusMap[replica.status?.name] ?: "New")',
  directions: ['incoming'],
};

const WORK_ITEM: TypeModel = {
  name: 'WorkItem',
  doc: 'The Azure DevOps work item under sync. In an outgoing script it is read to fill `replica`; in an incoming script it is changed, and the changes are saved after the script ends. Any Azure DevOps field is reachable by its reference name: `workItem."Microsoft.VSTS.Common.AcceptanceCriteria"`.',
  fields: issueFields('workItem'),
  methods: [setStatus],
  members: 'closed',
  quotedAdoFields: true,
  readOnlyIn: ['outgoing'],
};

const REPLICA: TypeModel = {
  name: 'Replica',
  doc: 'The message exchanged between the two sides. The outgoing script fills it from the local work item — only what is put here leaves this side. The incoming script reads the replica the other side sent.',
  fields: issueFields('replica'),
  methods: [],
  members: 'closed',
  quotedAdoFields: true,
  readOnlyIn: ['incoming'],
};

// ---- small entity types ------------------------------------------------------------------------------------------

const COMMENT: TypeModel = {
  name: 'Comment',
  doc: 'One comment of a work item.',
  members: 'closed',
  fields: [
    { name: 'id', type: 'Long', readOnly: true, doc: 'Id of the comment on its own side.' },
    { name: 'body', type: 'String', doc: 'The text. Azure DevOps comments are HTML.' },
    { name: 'author', type: 'User', doc: 'Who wrote the comment.' },
    { name: 'updateAuthor', type: 'User', doc: 'Who last edited the comment.' },
    { name: 'created', type: 'Date', doc: 'When the comment was written.' },
    { name: 'updated', type: 'Date', doc: 'When the comment was last edited.' },
    { name: 'internal', type: 'Boolean', doc: 'True for comments that should stay private to the team (service desks); false otherwise.' },
    { name: 'remoteId', type: 'Long', doc: 'Id of the comment on the other side this one was synced from, if any.' },
    { name: 'remoteIdStr', type: 'String', doc: 'Same as `remoteId`, as text.' },
    { name: 'executor', type: 'User', doc: 'The user the comment is created as, when impersonation is possible (Jira sides).' },
    { name: 'roleLevel', type: 'String', doc: 'Role a reader must have (Jira sides).' },
    { name: 'groupLevel', type: 'String', doc: 'Group a reader must be in (Jira sides).' },
  ],
  methods: [],
};

const ATTACHMENT: TypeModel = {
  name: 'Attachment',
  doc: 'One file attached to a work item.',
  members: 'closed',
  fields: [
    { name: 'id', type: 'Long', readOnly: true, doc: 'Id of the attachment on its own side.' },
    { name: 'filename', type: 'String', doc: 'File name, e.g. `screenshot.png`.' },
    { name: 'mimetype', type: 'String', doc: 'Media type, e.g. `image/png`.' },
    { name: 'filesize', type: 'Long', doc: 'Size in bytes.' },
    { name: 'created', type: 'Date', doc: 'When it was attached.' },
    { name: 'author', type: 'User', doc: 'Who attached it.' },
    { name: 'remoteId', type: 'Long', doc: 'Id of the attachment on the other side this one was synced from, if any.' },
    { name: 'remoteIdStr', type: 'String', doc: 'Same as `remoteId`, as text.' },
    { name: 'thumbnailable', type: 'Boolean', doc: 'Whether a preview image can be made from it.' },
    { name: 'zip', type: 'Boolean', doc: 'Whether the file is a zip archive.' },
  ],
  methods: [],
};

const USER: TypeModel = {
  name: 'User',
  doc: 'A person. On Azure DevOps the email is the reliable way to find the same person on both sides.',
  members: 'closed',
  fields: [
    { name: 'key', type: 'String', doc: 'Tracker-specific id of the user (a GUID on Azure DevOps).' },
    { name: 'username', type: 'String', doc: 'Login name (the unique name on Azure DevOps, usually the email).' },
    { name: 'displayName', type: 'String', doc: 'Name shown in the tracker.' },
    { name: 'email', type: 'String', doc: 'Email address; can be null when the tracker hides it.' },
    { name: 'active', type: 'Boolean', doc: 'Whether the account is active.' },
  ],
  methods: [],
};

function named(name: string, doc: string, extra: FieldModel[] = []): TypeModel {
  return {
    name,
    doc,
    members: 'closed',
    fields: [
      { name: 'id', type: 'String', doc: `Id of the ${name.toLowerCase()} in its tracker.` },
      { name: 'name', type: 'String', doc: `Name of the ${name.toLowerCase()}.` },
      ...extra,
    ],
    methods: [],
  };
}

const STATUS = named('Status', 'A workflow state (Azure DevOps: `System.State`).');
const PRIORITY = named('Priority', 'A priority value (Azure DevOps: `Microsoft.VSTS.Common.Priority`, 1–4 in the default processes).');
const WORK_ITEM_TYPE = named('WorkItemType', 'A work item type such as Bug, Task or User Story (Jira sides: the issue type).', [
  { name: 'description', type: 'String', doc: 'Description of the type.' },
]);
const RESOLUTION = named('Resolution', 'How an item was resolved (Jira sides).');
const PROJECT: TypeModel = {
  ...named('Project', 'An Azure DevOps project (or the container an item lives in on the other side).', [
    { name: 'key', type: 'String', doc: 'Key of the project; on Azure DevOps the project name.' },
    { name: 'description', type: 'String', doc: 'Description of the project.' },
    { name: 'lead', type: 'User', doc: 'Project lead (Jira sides).' },
    { name: 'components', type: 'List<Object>', doc: 'Components of the project (Jira sides).' },
    { name: 'versions', type: 'List<Object>', doc: 'Versions of the project (Jira sides).' },
  ]),
};
const LABEL: TypeModel = {
  name: 'Label',
  doc: 'One tag of a work item.',
  members: 'closed',
  fields: [{ name: 'label', type: 'String', doc: 'The tag text.' }],
  methods: [],
};

const CUSTOM_FIELDS: TypeModel = {
  name: 'CustomFields',
  doc: 'Custom fields by display name or reference name: `workItem.customFields."Customer".value`. Which names exist depends on the project and process.',
  members: 'open',
  valueType: 'CustomField',
  fields: [],
  methods: [],
};

const CUSTOM_FIELD: TypeModel = {
  name: 'CustomField',
  doc: 'One custom field. Read and write its content through `value`.',
  members: 'closed',
  fields: [
    { name: 'value', type: 'Object', doc: 'The content of the field; its Java type follows the field type (String, Double, Date, a User, …).' },
    { name: 'id', type: 'String', readOnly: true, doc: 'Id of the field.' },
    { name: 'name', type: 'String', readOnly: true, doc: 'Display name of the field.' },
    { name: 'type', type: 'String', readOnly: true, doc: 'Kind of field (text, number, option, …).' },
    { name: 'description', type: 'String', readOnly: true, doc: 'Description of the field.' },
  ],
  methods: [],
};

const CUSTOM_KEYS: TypeModel = {
  name: 'CustomKeys',
  doc: 'A map of free-form values carried by the replica. Keys are any text, values any Groovy value.',
  members: 'open',
  valueType: 'Object',
  fields: [],
  methods: [],
};

// ---- helpers -----------------------------------------------------------------------------------------------------

const NODE_HELPER: TypeModel = {
  name: 'NodeHelper',
  doc: 'Looks things up in this Azure DevOps organization (users, types, priorities, linked items) and converts text.',
  members: 'closed',
  fields: [],
  methods: [
    { name: 'getUserByEmail', params: [{ name: 'email', type: 'String', doc: 'Email address to look for.' }, { name: 'projectKey', type: 'String', doc: 'Only users who can work in this project.', optional: true }], returns: 'User', doc: 'The local user with this email address, or null when there is none. The usual way to map assignees between sides.', example: 'workItem.assignee = nodeHelper.getUserByEmail(replica.assignee?.email)' },
    { name: 'getUser', params: [{ name: 'key', type: 'String', doc: 'Tracker id of the user.' }], returns: 'User', doc: 'The local user with this id, or null.' },
    { name: 'getUserByUsername', params: [{ name: 'username', type: 'String', doc: 'Login (unique) name.' }], returns: 'User', doc: 'The local user with this login name, or null.' },
    { name: 'getUserByFullName', params: [{ name: 'displayName', type: 'String', doc: 'Display name.' }], returns: 'User', doc: 'The local user with this display name, or null. Names are not unique; prefer email.' },
    { name: 'getIssueType', params: [{ name: 'typeName', type: 'String', doc: 'Name of the work item type.' }, { name: 'projectKey', type: 'String', doc: 'Project to look in (default: the project of the item being synced).', optional: true }], returns: 'WorkItemType', doc: 'The work item type of this name in the project, or null when the project has none — handy to fall back to a default type.', example: 'workItem.typeName = nodeHelper.getIssueType(replica.type?.name) ? replica.type.name : "Task"' },
    { name: 'getPriority', params: [{ name: 'priorityName', type: 'String', doc: 'Name of the priority.' }], returns: 'Priority', doc: 'The priority of this name, or null.' },
    { name: 'getStatus', params: [{ name: 'statusName', type: 'String', doc: 'Name of the state.' }], returns: 'Status', doc: 'The state of this name, or null.' },
    { name: 'getLabel', params: [{ name: 'label', type: 'String', doc: 'Tag text.' }], returns: 'Label', doc: 'A label object for this tag text, to add to `labels`.' },
    { name: 'getProject', params: [{ name: 'projectKey', type: 'String', doc: 'Project name.' }], returns: 'Project', doc: 'The project of this name, or null.' },
    { name: 'stripHtml', params: [{ name: 'html', type: 'String', doc: 'HTML text (may be null).' }], returns: 'String', doc: 'The text without HTML markup: tags removed, entities decoded, block elements turned into line breaks. Null stays null.', example: 'replica.description = nodeHelper.stripHtml(workItem.description)' },
    { name: 'stripHtmlFromComments', params: [{ name: 'comments', type: 'List<Comment>', doc: 'Comments whose bodies are HTML.' }], returns: 'List<Comment>', doc: 'Copies of the comments with `stripHtml` applied to every body.', example: 'replica.comments = nodeHelper.stripHtmlFromComments(workItem.comments)' },
    { name: 'toMarkDownFromHtml', params: [{ name: 'html', type: 'String', doc: 'HTML text.' }], returns: 'String', doc: 'Converts HTML to Markdown, keeping emphasis, lists and links — useful when the other side renders Markdown.' },
    { name: 'getLocalIssueKeyFromRemoteId', params: [{ name: 'remoteId', type: 'Long', doc: 'Id of the item on the other side.' }, { name: 'entityType', type: 'String', doc: 'Kind of entity (`"issue"`), for trackers that sync several kinds.', optional: true }], returns: 'Object', doc: 'The local item linked to the remote item with this id (an object with `id` and `key`), or null when it is not under sync.' },
    { name: 'getLocalIssueFromRemoteUrn', params: [{ name: 'remoteUrn', type: 'String', doc: 'Key of the item on the other side.' }, { name: 'entityType', type: 'String', doc: 'Kind of entity.', optional: true }], returns: 'Object', doc: 'The local item linked to the remote item with this key (an object with `id` and `key`), or null.' },
  ],
};

const COMMENT_HELPER: TypeModel = {
  name: 'CommentHelper',
  doc: 'Builds the comment list of the local work item from what arrived.',
  members: 'closed',
  fields: [],
  methods: [
    {
      name: 'mergeComments',
      params: [
        { name: 'workItem', type: 'WorkItem', doc: 'The local work item (`workItem` or `issue`).' },
        { name: 'replica', type: 'Replica', doc: 'The replica that arrived.' },
        { name: 'formatter', type: 'Closure', doc: 'Optional: called with each remote comment before it is added; change `it.body` (or other fields) there, or return the comment unchanged with `{ it }` to skip the default author line.', optional: true },
      ],
      returns: 'List<Comment>',
      trailingClosure: true,
      directions: ['incoming'],
      doc: 'The local comments combined with the replica\'s: comments new on the other side are added (by default with a line naming their author), comments edited there are updated, and comments deleted there are removed. Local comments that never came from the other side are kept. Assign the result to `workItem.comments`.',
      example: 'workItem.comments = commentHelper.mergeComments(workItem, replica)',
    },
    {
      name: 'addComment',
      params: [
        { name: 'body', type: 'String', doc: 'Text of the new comment.' },
        { name: 'comments', type: 'List<Comment>', doc: 'The comment list to add to (usually `workItem.comments`).' },
      ],
      returns: 'List<Comment>',
      doc: 'A copy of `comments` with one more comment holding `body`, written as the Exalate user. An empty body adds nothing.',
      example: 'workItem.comments = commentHelper.addComment("Closed on the partner side", workItem.comments)',
    },
    {
      name: 'filterLocal',
      params: [{ name: 'comments', type: 'List<Comment>', doc: 'Comments to filter.' }],
      returns: 'List<Comment>',
      doc: 'Only the comments that are not restricted to a group or role (Jira sides; on Azure DevOps every comment passes).',
    },
  ],
};

const ATTACHMENT_HELPER: TypeModel = {
  name: 'AttachmentHelper',
  doc: 'Builds the attachment list of the local work item from what arrived.',
  members: 'closed',
  fields: [],
  methods: [
    {
      name: 'mergeAttachments',
      params: [
        { name: 'workItem', type: 'WorkItem', doc: 'The local work item (`workItem` or `issue`).' },
        { name: 'replica', type: 'Replica', doc: 'The replica that arrived.' },
      ],
      returns: 'List<Attachment>',
      directions: ['incoming'],
      doc: 'The local attachments combined with the replica\'s: files new on the other side are downloaded and added, files deleted there are removed here. Assign the result to `workItem.attachments`.',
      example: 'workItem.attachments = attachmentHelper.mergeAttachments(workItem, replica)',
    },
  ],
};

const SYNC_HELPER: TypeModel = {
  name: 'SyncHelper',
  doc: 'Controls the sync itself and maps items between the two sides.',
  members: 'closed',
  fields: [],
  methods: [
    { name: 'syncBackAfterProcessing', params: [], returns: 'void', directions: ['incoming'], doc: 'After this incoming sync is applied, send the local item back to the other side once (e.g. so that it learns the id of the item just created here). Both directions of the connection must be in use.', example: 'if (firstSync) syncHelper.syncBackAfterProcessing()' },
    { name: 'unExalateAfterProcessing', params: [], returns: 'void', doc: 'After this sync is applied, stop syncing the item: the link between the two items is removed.' },
    { name: 'getLocalIssueKeyFromRemoteId', params: [{ name: 'remoteId', type: 'Long', doc: 'Id of the item on the other side.' }, { name: 'entityType', type: 'String', doc: 'Kind of entity (`"issue"`), for trackers that sync several kinds.', optional: true }], returns: 'Object', doc: 'The local item linked to the remote item with this id (an object with `id` and `key`), or null when that item is not under sync. Used to rebuild parent links.', example: 'def parent = syncHelper.getLocalIssueKeyFromRemoteId(replica.parentId.toLong())' },
    { name: 'getLocalIssueFromRemoteUrn', params: [{ name: 'remoteUrn', type: 'String', doc: 'Key of the item on the other side.' }, { name: 'entityType', type: 'String', doc: 'Kind of entity.', optional: true }], returns: 'Object', doc: 'The local item linked to the remote item with this key, or null.' },
  ],
};

const HTTP_CLIENT: TypeModel = {
  name: 'HttpClient',
  doc: 'Calls the REST API of this Azure DevOps organization as the Exalate user. Paths are relative to the organization URL (`/<project>/_apis/wit/workitems/42?api-version=7.1`). Responses come back parsed from JSON.',
  members: 'closed',
  fields: [],
  methods: [
    { name: 'get', params: [{ name: 'path', type: 'String', doc: 'Path relative to the organization URL, with query.' }, { name: 'ignoreErrors', type: 'Boolean', doc: 'Return null instead of failing the sync when the call fails.', optional: true }], returns: 'Object', doc: 'Sends a GET request and returns the parsed JSON response.', example: 'def wi = httpClient.get("/${workItem.project.key}/_apis/wit/workitems/${workItem.id}?api-version=7.1")' },
    { name: 'post', params: [{ name: 'path', type: 'String', doc: 'Path relative to the organization URL.' }, { name: 'body', type: 'String', doc: 'Request body (JSON text).' }], returns: 'Object', doc: 'Sends a POST request with a JSON body and returns the parsed response.' },
    { name: 'put', params: [{ name: 'path', type: 'String', doc: 'Path relative to the organization URL.' }, { name: 'body', type: 'String', doc: 'Request body (JSON text).' }], returns: 'Object', doc: 'Sends a PUT request with a JSON body and returns the parsed response.' },
    { name: 'patch', params: [{ name: 'path', type: 'String', doc: 'Path relative to the organization URL.' }, { name: 'body', type: 'String', doc: 'Request body (JSON Patch text for work items).' }], returns: 'Object', doc: 'Sends a PATCH request and returns the parsed response.' },
    { name: 'delete', params: [{ name: 'path', type: 'String', doc: 'Path relative to the organization URL.' }], returns: 'Object', doc: 'Sends a DELETE request.' },
    {
      name: 'http',
      params: [
        { name: 'method', type: 'String', doc: 'HTTP method, e.g. `"POST"`.' },
        { name: 'path', type: 'String', doc: 'Path relative to the organization URL.' },
        { name: 'queryParams', type: 'Map', doc: 'Query parameters (name → list of values), or null.' },
        { name: 'body', type: 'String', doc: 'Request body, or null.' },
        { name: 'headers', type: 'Map', doc: 'Headers (name → list of values), or null.' },
        { name: 'handler', type: 'Closure', doc: 'Optional `{ request, response -> … }` that receives the raw response; its result is returned.', optional: true },
      ],
      returns: 'Object',
      trailingClosure: true,
      doc: 'Sends any request with full control over query, headers and body. With a handler closure you read status and body yourself; without one a failure fails the sync.',
      example: 'httpClient.http("PATCH", path, null, body, ["Content-Type": ["application/json-patch+json"]]) { req, res -> res.code }',
    },
  ],
};

const DEBUG: TypeModel = {
  name: 'Debug',
  doc: 'Reports values while you develop a script.',
  members: 'closed',
  fields: [],
  methods: [
    { name: 'error', params: [{ name: 'message', type: 'String', doc: 'What to show.' }], returns: 'void', doc: 'Stops the script and fails this sync with `message` as the error, so you can read a value in the sync error. The item is retried once you resolve the error.', example: 'debug.error("priority from the other side: ${replica.priority?.name}")' },
  ],
};

const LOGGER: TypeModel = {
  name: 'Logger',
  doc: 'Writes to the node\'s log without stopping the sync.',
  members: 'closed',
  fields: [],
  methods: ['info', 'debug', 'warn', 'error', 'trace'].map((level) => ({
    name: level,
    params: [{ name: 'message', type: 'String', doc: 'Line to log.' }],
    returns: 'void',
    doc: `Writes \`message\` to the node log at ${level} level.`,
  })),
};

const CONNECTION: TypeModel = {
  name: 'Connection',
  doc: 'The connection this script belongs to.',
  members: 'open',
  fields: [{ name: 'name', type: 'String', readOnly: true, doc: 'Name of the connection.' }],
  methods: [],
};

// ---- variables ---------------------------------------------------------------------------------------------------

const VARIABLES: VariableModel[] = [
  { name: 'workItem', type: 'WorkItem', kind: 'entity', directions: [...BOTH], doc: 'The local Azure DevOps work item. Outgoing: read it to fill `replica`. Incoming: change it; a new item is created on the first sync.' },
  { name: 'issue', type: 'WorkItem', kind: 'entity', directions: [...BOTH], aliasOf: 'workItem', doc: 'Another name for `workItem` (the name every Exalate tracker understands).' },
  { name: 'replica', type: 'Replica', kind: 'entity', directions: [...BOTH], doc: 'Outgoing: the message you fill; only what you put on it is sent. Incoming: the message the other side sent.' },
  { name: 'previous', type: 'Replica', kind: 'entity', directions: ['incoming'], doc: 'The replica received the time before, to see what changed on the other side (null on the first sync).' },
  { name: 'firstSync', type: 'Boolean', kind: 'value', directions: ['incoming'], doc: 'True while the item is being created on this side (the first replica for it arrives); false on every later update.' },
  { name: 'connection', type: 'Connection', kind: 'value', directions: [...BOTH], doc: 'The connection this script belongs to.' },
  { name: 'nodeHelper', type: 'NodeHelper', kind: 'helper', directions: [...BOTH], doc: NODE_HELPER.doc },
  { name: 'commentHelper', type: 'CommentHelper', kind: 'helper', directions: [...BOTH], doc: COMMENT_HELPER.doc },
  { name: 'attachmentHelper', type: 'AttachmentHelper', kind: 'helper', directions: [...BOTH], doc: ATTACHMENT_HELPER.doc },
  { name: 'syncHelper', type: 'SyncHelper', kind: 'helper', directions: [...BOTH], doc: SYNC_HELPER.doc },
  { name: 'httpClient', type: 'HttpClient', kind: 'helper', directions: [...BOTH], doc: HTTP_CLIENT.doc },
  { name: 'debug', type: 'Debug', kind: 'helper', directions: [...BOTH], doc: DEBUG.doc },
  { name: 'log', type: 'Logger', kind: 'helper', directions: [...BOTH], doc: LOGGER.doc },
];

// ---- Azure DevOps fields every project has -------------------------------------------------------------------------

const ADO_FIELDS: AdoFieldModel[] = [
  { referenceName: 'System.Id', name: 'ID', type: 'integer', readOnly: true, scriptProperty: 'id' },
  { referenceName: 'System.Title', name: 'Title', type: 'string', readOnly: false, scriptProperty: 'summary' },
  { referenceName: 'System.Description', name: 'Description', type: 'html', readOnly: false, scriptProperty: 'description' },
  { referenceName: 'System.State', name: 'State', type: 'string', readOnly: false, scriptProperty: 'status' },
  { referenceName: 'System.Reason', name: 'Reason', type: 'string', readOnly: false, doc: 'Why the item is in its state; each state has its own list of reasons.' },
  { referenceName: 'System.WorkItemType', name: 'Work Item Type', type: 'string', readOnly: false, scriptProperty: 'type' },
  { referenceName: 'System.AreaPath', name: 'Area Path', type: 'treePath', readOnly: false, scriptProperty: 'areaPath' },
  { referenceName: 'System.IterationPath', name: 'Iteration Path', type: 'treePath', readOnly: false, scriptProperty: 'iterationPath' },
  { referenceName: 'System.TeamProject', name: 'Team Project', type: 'string', readOnly: true, scriptProperty: 'project' },
  { referenceName: 'System.Tags', name: 'Tags', type: 'plainText', readOnly: false, scriptProperty: 'labels' },
  { referenceName: 'System.AssignedTo', name: 'Assigned To', type: 'identity', readOnly: false, scriptProperty: 'assignee' },
  { referenceName: 'System.CreatedBy', name: 'Created By', type: 'identity', readOnly: true, scriptProperty: 'reporter' },
  { referenceName: 'System.CreatedDate', name: 'Created Date', type: 'dateTime', readOnly: true, scriptProperty: 'created' },
  { referenceName: 'System.ChangedBy', name: 'Changed By', type: 'identity', readOnly: true },
  { referenceName: 'System.ChangedDate', name: 'Changed Date', type: 'dateTime', readOnly: true, scriptProperty: 'updated' },
  { referenceName: 'System.History', name: 'History', type: 'history', readOnly: false, doc: 'Writing it adds a discussion entry; reading gives the latest one.' },
  { referenceName: 'System.Rev', name: 'Rev', type: 'integer', readOnly: true },
  { referenceName: 'System.CommentCount', name: 'Comment Count', type: 'integer', readOnly: true },
  { referenceName: 'System.Parent', name: 'Parent', type: 'integer', readOnly: false, scriptProperty: 'parentId' },
  { referenceName: 'Microsoft.VSTS.Common.Priority', name: 'Priority', type: 'integer', readOnly: false, scriptProperty: 'priority' },
  { referenceName: 'Microsoft.VSTS.Common.Severity', name: 'Severity', type: 'string', readOnly: false, doc: 'Bug severity, e.g. `2 - High`.' },
  { referenceName: 'Microsoft.VSTS.Common.AcceptanceCriteria', name: 'Acceptance Criteria', type: 'html', readOnly: false, doc: 'When the story counts as done (HTML).' },
  { referenceName: 'Microsoft.VSTS.TCM.ReproSteps', name: 'Repro Steps', type: 'html', readOnly: false, doc: 'How to reproduce a bug (HTML).' },
  { referenceName: 'Microsoft.VSTS.TCM.SystemInfo', name: 'System Info', type: 'html', readOnly: false, doc: 'Environment a bug was seen in (HTML).' },
  { referenceName: 'Microsoft.VSTS.Common.StackRank', name: 'Stack Rank', type: 'double', readOnly: false },
  { referenceName: 'Microsoft.VSTS.Common.ValueArea', name: 'Value Area', type: 'string', readOnly: false, doc: '`Business` or `Architectural`.' },
  { referenceName: 'Microsoft.VSTS.Common.Risk', name: 'Risk', type: 'string', readOnly: false },
  { referenceName: 'Microsoft.VSTS.Common.BusinessValue', name: 'Business Value', type: 'integer', readOnly: false },
  { referenceName: 'Microsoft.VSTS.Common.TimeCriticality', name: 'Time Criticality', type: 'double', readOnly: false },
  { referenceName: 'Microsoft.VSTS.Common.Activity', name: 'Activity', type: 'string', readOnly: false },
  { referenceName: 'Microsoft.VSTS.Common.ActivatedDate', name: 'Activated Date', type: 'dateTime', readOnly: true },
  { referenceName: 'Microsoft.VSTS.Common.ResolvedDate', name: 'Resolved Date', type: 'dateTime', readOnly: true },
  { referenceName: 'Microsoft.VSTS.Common.ResolvedReason', name: 'Resolved Reason', type: 'string', readOnly: false },
  { referenceName: 'Microsoft.VSTS.Common.ClosedDate', name: 'Closed Date', type: 'dateTime', readOnly: true },
  { referenceName: 'Microsoft.VSTS.Scheduling.StoryPoints', name: 'Story Points', type: 'double', readOnly: false },
  { referenceName: 'Microsoft.VSTS.Scheduling.Effort', name: 'Effort', type: 'double', readOnly: false },
  { referenceName: 'Microsoft.VSTS.Scheduling.OriginalEstimate', name: 'Original Estimate', type: 'double', readOnly: false },
  { referenceName: 'Microsoft.VSTS.Scheduling.RemainingWork', name: 'Remaining Work', type: 'double', readOnly: false },
  { referenceName: 'Microsoft.VSTS.Scheduling.CompletedWork', name: 'Completed Work', type: 'double', readOnly: false },
  { referenceName: 'Microsoft.VSTS.Scheduling.StartDate', name: 'Start Date', type: 'dateTime', readOnly: false },
  { referenceName: 'Microsoft.VSTS.Scheduling.TargetDate', name: 'Target Date', type: 'dateTime', readOnly: false },
  { referenceName: 'Microsoft.VSTS.Scheduling.DueDate', name: 'Due Date', type: 'dateTime', readOnly: false },
  { referenceName: 'Microsoft.VSTS.Build.FoundIn', name: 'Found In', type: 'string', readOnly: false },
  { referenceName: 'Microsoft.VSTS.Build.IntegrationBuild', name: 'Integration Build', type: 'string', readOnly: false },
];

/** The Exalate script model for Azure DevOps. */
export const ADO_SCRIPT_MODEL: ScriptModel = {
  platform: 'azureDevOps',
  variables: VARIABLES,
  types: [
    WORK_ITEM,
    REPLICA,
    COMMENT,
    ATTACHMENT,
    USER,
    STATUS,
    PRIORITY,
    LABEL,
    PROJECT,
    WORK_ITEM_TYPE,
    RESOLUTION,
    CUSTOM_FIELDS,
    CUSTOM_FIELD,
    CUSTOM_KEYS,
    NODE_HELPER,
    COMMENT_HELPER,
    ATTACHMENT_HELPER,
    SYNC_HELPER,
    HTTP_CLIENT,
    DEBUG,
    LOGGER,
    CONNECTION,
  ],
  adoFields: ADO_FIELDS,
};
