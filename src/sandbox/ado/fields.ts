// Work item fields and work item types of the emulated organization, answered the way Azure DevOps Services does:
// `GET [{project}/]_apis/wit/fields[/{field}]`, `GET {project}/_apis/wit/workItemTypes[/{type}]` and
// `GET {project}/_apis/wit/workItemTypes/{type}/fields[/{field}]` — what azure-devops-node-api's getFields,
// getField, getWorkItemTypes, getWorkItemType and getWorkItemTypeFieldsWithReferences request.
// Every project uses the Agile process; seeded projects add their own custom fields (`Custom.*`), so the fields of
// a project differ from the organization's. Pure Node (no `vscode`).
import * as z from 'zod';

/** REST `FieldType` names (serialised in camelCase like the service). */
export type AdoFieldType =
  | 'string'
  | 'integer'
  | 'dateTime'
  | 'plainText'
  | 'html'
  | 'treePath'
  | 'history'
  | 'double'
  | 'guid'
  | 'boolean'
  | 'identity'
  | 'picklistString'
  | 'picklistInteger'
  | 'picklistDouble';

export interface FieldDef {
  referenceName: string;
  name: string;
  type: AdoFieldType;
  description: string;
  readOnly?: boolean;
  allowedValues?: string[];
}

const F = (referenceName: string, name: string, type: AdoFieldType, description: string, extra: Partial<FieldDef> = {}): FieldDef => ({
  referenceName,
  name,
  type,
  description,
  ...extra,
});

/** Fields of the Agile process that every work item type has. */
const CORE: FieldDef[] = [
  F('System.Id', 'ID', 'integer', 'The unique identifier of the work item.', { readOnly: true }),
  F('System.Rev', 'Rev', 'integer', 'Revision number of the work item.', { readOnly: true }),
  F('System.Title', 'Title', 'string', 'Short description of the work item.'),
  F('System.Description', 'Description', 'html', 'Details of the work item.'),
  F('System.State', 'State', 'string', 'Workflow state of the work item.'),
  F('System.Reason', 'Reason', 'string', 'Why the work item is in its current state.'),
  F('System.WorkItemType', 'Work Item Type', 'string', 'Name of the work item type.'),
  F('System.AreaPath', 'Area Path', 'treePath', 'Product area the work item belongs to.'),
  F('System.IterationPath', 'Iteration Path', 'treePath', 'Sprint or iteration the work item is planned in.'),
  F('System.TeamProject', 'Team Project', 'string', 'Project the work item lives in.', { readOnly: true }),
  F('System.Tags', 'Tags', 'plainText', 'Semicolon-separated tags.'),
  F('System.AssignedTo', 'Assigned To', 'identity', 'Person currently working on the work item.'),
  F('System.CreatedBy', 'Created By', 'identity', 'Person who created the work item.', { readOnly: true }),
  F('System.CreatedDate', 'Created Date', 'dateTime', 'When the work item was created.', { readOnly: true }),
  F('System.ChangedBy', 'Changed By', 'identity', 'Person who last changed the work item.', { readOnly: true }),
  F('System.ChangedDate', 'Changed Date', 'dateTime', 'When the work item was last changed.', { readOnly: true }),
  F('System.CommentCount', 'Comment Count', 'integer', 'Number of discussion comments.', { readOnly: true }),
  F('System.History', 'History', 'history', 'Discussion thread and change notes.'),
  F('System.Parent', 'Parent', 'integer', 'Id of the parent work item.'),
  F('Microsoft.VSTS.Common.Priority', 'Priority', 'integer', 'Business importance; 1 is the highest.', { allowedValues: ['1', '2', '3', '4'] }),
  F('Microsoft.VSTS.Common.StackRank', 'Stack Rank', 'double', 'Backlog order.'),
];

const BY_TYPE: Record<string, FieldDef[]> = {
  Bug: [
    F('Microsoft.VSTS.TCM.ReproSteps', 'Repro Steps', 'html', 'How to reproduce the bug.'),
    F('Microsoft.VSTS.TCM.SystemInfo', 'System Info', 'html', 'Software and system configuration the bug was seen with.'),
    F('Microsoft.VSTS.Common.Severity', 'Severity', 'string', 'Impact of the bug.', { allowedValues: ['1 - Critical', '2 - High', '3 - Medium', '4 - Low'] }),
    F('Microsoft.VSTS.Build.FoundIn', 'Found In', 'string', 'Build the bug was found in.'),
    F('Microsoft.VSTS.Scheduling.StoryPoints', 'Story Points', 'double', 'Relative size of the work.'),
  ],
  'User Story': [
    F('Microsoft.VSTS.Common.AcceptanceCriteria', 'Acceptance Criteria', 'html', 'Criteria the story must meet to be done.'),
    F('Microsoft.VSTS.Scheduling.StoryPoints', 'Story Points', 'double', 'Relative size of the work.'),
    F('Microsoft.VSTS.Common.Risk', 'Risk', 'string', 'Uncertainty of the story.', { allowedValues: ['1 - High', '2 - Medium', '3 - Low'] }),
    F('Microsoft.VSTS.Common.ValueArea', 'Value Area', 'string', 'Business or architectural value.', { allowedValues: ['Architectural', 'Business'] }),
  ],
  Feature: [
    F('Microsoft.VSTS.Common.BusinessValue', 'Business Value', 'integer', 'Relative business value.'),
    F('Microsoft.VSTS.Common.TimeCriticality', 'Time Criticality', 'double', 'How value decreases over time.'),
    F('Microsoft.VSTS.Scheduling.TargetDate', 'Target Date', 'dateTime', 'When the feature should be done.'),
    F('Microsoft.VSTS.Common.ValueArea', 'Value Area', 'string', 'Business or architectural value.', { allowedValues: ['Architectural', 'Business'] }),
  ],
  Epic: [
    F('Microsoft.VSTS.Common.BusinessValue', 'Business Value', 'integer', 'Relative business value.'),
    F('Microsoft.VSTS.Scheduling.StartDate', 'Start Date', 'dateTime', 'When work on the epic starts.'),
    F('Microsoft.VSTS.Scheduling.TargetDate', 'Target Date', 'dateTime', 'When the epic should be done.'),
  ],
  Task: [
    F('Microsoft.VSTS.Common.Activity', 'Activity', 'string', 'Type of work.', { allowedValues: ['Deployment', 'Design', 'Development', 'Documentation', 'Requirements', 'Testing'] }),
    F('Microsoft.VSTS.Scheduling.OriginalEstimate', 'Original Estimate', 'double', 'Initial estimate in hours.'),
    F('Microsoft.VSTS.Scheduling.RemainingWork', 'Remaining Work', 'double', 'Hours of work left.'),
    F('Microsoft.VSTS.Scheduling.CompletedWork', 'Completed Work', 'double', 'Hours of work done.'),
  ],
  Issue: [F('Microsoft.VSTS.Scheduling.DueDate', 'Due Date', 'dateTime', 'When the issue must be resolved.')],
};

const TYPES: Array<{ name: string; referenceName: string; description: string; color: string; icon: string; states: Array<[string, string, string]> }> = [
  { name: 'Bug', referenceName: 'Microsoft.VSTS.WorkItemTypes.Bug', description: 'Describes a divergence between required and actual behavior.', color: 'CC293D', icon: 'icon_insect', states: [['New', 'b2b2b2', 'Proposed'], ['Active', '007acc', 'InProgress'], ['Resolved', 'ff9d00', 'Resolved'], ['Closed', '339933', 'Completed']] },
  { name: 'Epic', referenceName: 'Microsoft.VSTS.WorkItemTypes.Epic', description: 'Large initiative broken down into features.', color: 'FF7B00', icon: 'icon_crown', states: [['New', 'b2b2b2', 'Proposed'], ['Active', '007acc', 'InProgress'], ['Resolved', 'ff9d00', 'Resolved'], ['Closed', '339933', 'Completed']] },
  { name: 'Feature', referenceName: 'Microsoft.VSTS.WorkItemTypes.Feature', description: 'A service or capability delivered over several sprints.', color: '773B93', icon: 'icon_trophy', states: [['New', 'b2b2b2', 'Proposed'], ['Active', '007acc', 'InProgress'], ['Resolved', 'ff9d00', 'Resolved'], ['Closed', '339933', 'Completed']] },
  { name: 'Issue', referenceName: 'Microsoft.VSTS.WorkItemTypes.Issue', description: 'An impediment or risk to track.', color: 'B4009E', icon: 'icon_traffic_cone', states: [['Active', '007acc', 'InProgress'], ['Closed', '339933', 'Completed']] },
  { name: 'Task', referenceName: 'Microsoft.VSTS.WorkItemTypes.Task', description: 'A unit of work.', color: 'F2CB1D', icon: 'icon_clipboard', states: [['New', 'b2b2b2', 'Proposed'], ['Active', '007acc', 'InProgress'], ['Closed', '339933', 'Completed'], ['Removed', 'ffffff', 'Removed']] },
  { name: 'User Story', referenceName: 'Microsoft.VSTS.WorkItemTypes.UserStory', description: 'Functionality described from the user\'s point of view.', color: '009CCC', icon: 'icon_book', states: [['New', 'b2b2b2', 'Proposed'], ['Active', '007acc', 'InProgress'], ['Resolved', 'ff9d00', 'Resolved'], ['Closed', '339933', 'Completed'], ['Removed', 'ffffff', 'Removed']] },
];

/** Custom fields of the seeded projects (by project name, lower case), on every work item type of the project. */
const PROJECT_CUSTOM: Record<string, FieldDef[]> = {
  payments: [
    F('Custom.Customer', 'Customer', 'string', 'Customer who reported or needs the change.'),
    F('Custom.PaymentProvider', 'Payment Provider', 'picklistString', 'Gateway involved.', { allowedValues: ['Adyen', 'Stripe', 'Worldpay'] }),
    F('Custom.RegulatoryImpact', 'Regulatory Impact', 'boolean', 'Whether the change needs a compliance review.'),
  ],
  'mobile app': [
    F('Custom.Platform', 'Platform', 'picklistString', 'Affected client.', { allowedValues: ['Android', 'iOS', 'Both'] }),
    F('Custom.AppVersion', 'App Version', 'string', 'Version of the app the item concerns.'),
  ],
  'customer portal': [
    F('Custom.Customer', 'Customer', 'string', 'Customer who reported or needs the change.'),
    F('Custom.ReleaseTrain', 'Release Train', 'string', 'Planned release train.'),
  ],
  'data platform': [F('Custom.DataDomain', 'Data Domain', 'picklistString', 'Owning data domain.', { allowedValues: ['Finance', 'Operations', 'Sales'] })],
  'partner integrations': [
    F('Custom.PartnerName', 'Partner Name', 'string', 'Partner the item is shared with.'),
    F('Custom.PartnerTicket', 'Partner Ticket', 'string', 'Key of the item in the partner\'s tracker.'),
    F('Custom.Customer', 'Customer', 'string', 'Customer who reported or needs the change.'),
  ],
};

function uniqueByRef(fields: FieldDef[]): FieldDef[] {
  const seen = new Map<string, FieldDef>();
  for (const f of fields) if (!seen.has(f.referenceName.toLowerCase())) seen.set(f.referenceName.toLowerCase(), f);
  return [...seen.values()];
}

function customOf(projectName: string | undefined): FieldDef[] {
  if (projectName === undefined) return uniqueByRef(Object.values(PROJECT_CUSTOM).flat());
  return PROJECT_CUSTOM[projectName.toLowerCase()] ?? [];
}

export function typeFields(typeName: string, projectName: string): FieldDef[] {
  return uniqueByRef([...CORE, ...(BY_TYPE[typeName] ?? []), ...customOf(projectName)]);
}

/** Every field of a project (its process), or of the organization when `projectName` is undefined. */
export function allFields(projectName: string | undefined): FieldDef[] {
  return uniqueByRef([...CORE, ...Object.values(BY_TYPE).flat(), ...customOf(projectName)]);
}

export function findType(name: string): (typeof TYPES)[number] | undefined {
  return TYPES.find((t) => t.name.toLowerCase() === name.toLowerCase() || t.referenceName.toLowerCase() === name.toLowerCase());
}

export const byName = (list: FieldDef[], key: string): FieldDef | undefined => list.find((f) => f.referenceName.toLowerCase() === key.toLowerCase() || f.name.toLowerCase() === key.toLowerCase());

// ---- query strings -------------------------------------------------------------------------------------------------

function enumOf(values: Record<string, number>) {
  const names = Object.keys(values);
  return z
    .string()
    .trim()
    .transform((v, ctx) => {
      const hit = names.find((n) => n.toLowerCase() === v.toLowerCase() || (/^-?\d+$/.test(v) && values[n] === Number(v)));
      if (hit) return hit;
      ctx.addIssue({ code: 'custom', message: `must be one of ${names.join(', ')}` });
      return z.NEVER;
    });
}

/** WorkItemTrackingInterfaces.GetFieldsExpand. */
export const fieldsQuery = z.object({ $expand: enumOf({ none: 0, extensionFields: 1, includeDeleted: 2 }).optional() });
/** WorkItemTrackingInterfaces.WorkItemTypeFieldsExpandLevel. */
export const typeFieldsQuery = z.object({ $expand: enumOf({ none: 0, allowedValues: 1, dependentFields: 2, all: 3 }).optional() });

// ---- response bodies ------------------------------------------------------------------------------------------------

const OPERATIONS: Record<string, Array<[string, string]>> = {
  string: [['SupportedOperations.Equals', '='], ['SupportedOperations.NotEquals', '<>'], ['SupportedOperations.Contains', 'Contains']],
  default: [['SupportedOperations.Equals', '='], ['SupportedOperations.NotEquals', '<>']],
};

function fieldJson(f: FieldDef, fieldsUrl: string): Record<string, unknown> {
  const picklist = f.type.startsWith('picklist');
  return {
    name: f.name,
    referenceName: f.referenceName,
    description: f.description,
    type: f.type,
    usage: 'workItem',
    readOnly: f.readOnly ?? false,
    canSortBy: f.type !== 'html' && f.type !== 'history',
    isQueryable: true,
    supportedOperations: (OPERATIONS[f.type] ?? OPERATIONS.default).map(([referenceName, name]) => ({ referenceName, name })),
    isIdentity: f.type === 'identity',
    isPicklist: picklist,
    isPicklistSuggested: false,
    ...(picklist ? { picklistId: `picklist-${f.referenceName}` } : {}),
    url: `${fieldsUrl}/${f.referenceName}`,
  };
}

function typeFieldJson(f: FieldDef, typeUrl: string, expand: string | undefined): Record<string, unknown> {
  const withValues = expand === 'allowedValues' || expand === 'all';
  return {
    alwaysRequired: f.referenceName === 'System.Title' || f.referenceName === 'System.State',
    ...(withValues ? { allowedValues: f.allowedValues ?? [], defaultValue: f.referenceName === 'Microsoft.VSTS.Common.Priority' ? '2' : null } : {}),
    dependentFields: [],
    helpText: f.description,
    name: f.name,
    referenceName: f.referenceName,
    url: `${typeUrl}/fields/${f.referenceName}`,
  };
}

/** `GET [{project}/]_apis/wit/fields`: `{count, value}`. `project` is the project's name when the route has one. */
export function fieldsBody(orgUrl: string, project: { id: string; name: string } | undefined): { count: number; value: unknown[] } {
  const url = `${orgUrl}${project ? `/${project.id}` : ''}/_apis/wit/fields`;
  const value = allFields(project?.name).map((f) => fieldJson(f, url));
  return { count: value.length, value };
}

/** `GET [{project}/]_apis/wit/fields/{nameOrRef}`: one field, or undefined. */
export function fieldBody(orgUrl: string, project: { id: string; name: string } | undefined, key: string): Record<string, unknown> | undefined {
  const f = byName(allFields(project?.name), key);
  return f ? fieldJson(f, `${orgUrl}${project ? `/${project.id}` : ''}/_apis/wit/fields`) : undefined;
}

function typeJson(t: (typeof TYPES)[number], project: { id: string; name: string }, orgUrl: string): Record<string, unknown> {
  const url = `${orgUrl}/${project.id}/_apis/wit/workItemTypes/${encodeURIComponent(t.name)}`;
  const fields = typeFields(t.name, project.name);
  return {
    name: t.name,
    referenceName: t.referenceName,
    description: t.description,
    color: t.color,
    icon: { id: t.icon, url: `${orgUrl}/_apis/wit/workItemIcons/${t.icon}?color=${t.color}&v=2` },
    isDisabled: false,
    fields: fields.map((f) => typeFieldJson(f, url, undefined)),
    fieldInstances: fields.map((f) => typeFieldJson(f, url, undefined)),
    states: t.states.map(([name, color, category]) => ({ name, color, category })),
    transitions: {},
    url,
  };
}

/** `GET {project}/_apis/wit/workItemTypes`. */
export function workItemTypesBody(orgUrl: string, project: { id: string; name: string }): { count: number; value: unknown[] } {
  const value = TYPES.map((t) => typeJson(t, project, orgUrl));
  return { count: value.length, value };
}

/** `GET {project}/_apis/wit/workItemTypes/{type}`: undefined for an unknown type. */
export function workItemTypeBody(orgUrl: string, project: { id: string; name: string }, type: string): Record<string, unknown> | undefined {
  const t = findType(type);
  return t ? typeJson(t, project, orgUrl) : undefined;
}

/** `GET {project}/_apis/wit/workItemTypes/{type}/fields`: undefined for an unknown type. */
export function typeFieldsBody(orgUrl: string, project: { id: string; name: string }, type: string, expand: string | undefined): { count: number; value: unknown[] } | undefined {
  const t = findType(type);
  if (!t) return undefined;
  const url = `${orgUrl}/${project.id}/_apis/wit/workItemTypes/${encodeURIComponent(t.name)}`;
  const value = typeFields(t.name, project.name).map((f) => typeFieldJson(f, url, expand));
  return { count: value.length, value };
}

/** `GET {project}/_apis/wit/workItemTypes/{type}/fields/{field}`: 'type' or 'field' when that part is unknown. */
export function typeFieldBody(
  orgUrl: string,
  project: { id: string; name: string },
  type: string,
  field: string,
  expand: string | undefined,
): Record<string, unknown> | 'type' | 'field' {
  const t = findType(type);
  if (!t) return 'type';
  const f = byName(typeFields(t.name, project.name), field);
  if (!f) return 'field';
  return typeFieldJson(f, `${orgUrl}/${project.id}/_apis/wit/workItemTypes/${encodeURIComponent(t.name)}`, expand);
}
