// Query-string schemas (zod) for the REST calls the emulator serves. Parameter names are matched case-insensitively,
// unknown parameters are ignored (both like the real service); a bad value is a 400 naming the parameter.
import * as z from 'zod';

/** The service parses these as Int32. */
const INT32_MAX = 2_147_483_647;

function intParam(min: number, max: number) {
  return z
    .string()
    .trim()
    .regex(/^[+-]?\d{1,10}$/, 'must be an integer')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}

const boolParam = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['true', 'false'], 'must be true or false'))
  .transform((v) => v === 'true');

/** An enum parameter given by name (any case) or by the numeric value the library sends. */
function enumParam<const T extends string>(byName: Record<T, number>) {
  const names = Object.keys(byName) as T[];
  const hint = names.join(', ');
  return z
    .string()
    .trim()
    .transform((v, ctx): T => {
      const named = names.find((n) => n.toLowerCase() === v.toLowerCase());
      if (named) return named;
      const numeric = names.find((n) => /^-?\d+$/.test(v) && byName[n] === Number(v));
      if (numeric) return numeric;
      ctx.addIssue({ code: 'custom', message: `must be one of ${hint}` });
      return z.NEVER;
    });
}

/** CoreInterfaces.ProjectState. */
export const projectStateFilter = enumParam({
  new: 0,
  wellFormed: 1,
  deleting: 2,
  createPending: 3,
  deleted: 4,
  all: -1,
  unchanged: -2,
});

export const projectsQuery = z.object({
  $top: intParam(0, INT32_MAX).optional(),
  $skip: intParam(0, INT32_MAX).optional(),
  /** Opaque to clients; the emulator's tokens are the offset of the next page. */
  continuationToken: intParam(0, INT32_MAX).optional(),
  stateFilter: projectStateFilter.optional(),
  getDefaultTeamImageUrl: boolParam.optional(),
});

export const projectQuery = z.object({
  includeCapabilities: boolParam.optional(),
  includeHistory: boolParam.optional(),
});

/** WorkItemTrackingInterfaces.WorkItemExpand. */
export const workItemQuery = z.object({
  fields: z
    .string()
    .transform((v) => v.split(',').map((f) => f.trim()).filter((f) => f.length > 0))
    .optional(),
  asOf: z
    .string()
    .refine((v) => !Number.isNaN(Date.parse(v)), 'must be a date and time')
    .optional(),
  $expand: enumParam({ none: 0, relations: 1, fields: 2, links: 3, all: 4 }).optional(),
});

/** `GET …/wit/workitems?ids=…` (getWorkItems): up to 200 ids, WorkItemErrorPolicy by name or number. */
export const workItemListQuery = workItemQuery.extend({
  ids: z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()).filter((s) => s.length > 0))
    .pipe(
      z
        .array(z.string().regex(/^\d{1,10}$/, 'must be work item ids').transform(Number))
        .min(1, 'at least one id is required')
        .max(200, 'at most 200 ids are allowed'),
    ),
  errorPolicy: enumParam({ fail: 1, omit: 2 }).optional(),
});

/** `POST …/wit/wiql` query string. */
export const wiqlQuery = z.object({
  $top: intParam(1, 20_000).optional(),
  timePrecision: boolParam.optional(),
});

/** WorkItemTrackingInterfaces.CommentExpandOptions and CommentSortOrder. */
export const commentsQuery = z.object({
  $top: intParam(1, 200).optional(),
  continuationToken: intParam(0, INT32_MAX).optional(),
  includeDeleted: boolParam.optional(),
  $expand: enumParam({ none: 0, reactions: 1, renderedText: 8, renderedTextOnly: 16, all: -17 }).optional(),
  order: enumParam({ asc: 1, desc: 2 }).optional(),
});

export const commentQuery = z.object({
  includeDeleted: boolParam.optional(),
  $expand: enumParam({ none: 0, reactions: 1, renderedText: 8, renderedTextOnly: 16, all: -17 }).optional(),
});

export const positiveId = intParam(1, INT32_MAX);

const expandParam = enumParam({ none: 0, relations: 1, fields: 2, links: 3, all: 4 });

/** `POST …/workitems/${type}` and `PATCH …/workitems/{id}` (createWorkItem, updateWorkItem). */
export const workItemWriteQuery = z.object({
  validateOnly: boolParam.optional(),
  bypassRules: boolParam.optional(),
  suppressNotifications: boolParam.optional(),
  $expand: expandParam.optional(),
});

/** `GET …/workItems/{id}/revisions[/{rev}]` (getRevisions, getRevision). */
export const revisionsQuery = z.object({
  $top: intParam(1, 200).optional(),
  $skip: intParam(0, INT32_MAX).optional(),
  $expand: expandParam.optional(),
});

/** An enum value in a JSON body: its name (any case) or its number. */
function enumValue<const T extends string>(byName: Record<T, number>) {
  return z.union([z.string(), z.number().int()]).transform(String).pipe(enumParam(byName));
}

/** Body of `POST …/wit/workitemsbatch` (getWorkItemsBatch, WorkItemBatchGetRequest). */
export const workItemsBatchBody = z.object({
  ids: z.array(z.number().int().min(1).max(INT32_MAX)).min(1, 'at least one id is required').max(200, 'at most 200 ids are allowed'),
  fields: z.array(z.string().min(1)).max(1000).nullish().transform((v) => v ?? undefined),
  $expand: enumValue({ none: 0, relations: 1, fields: 2, links: 3, all: 4 }).nullish().transform((v) => v ?? undefined),
  errorPolicy: enumValue({ fail: 1, omit: 2 }).nullish().transform((v) => v ?? undefined),
  asOf: z
    .string()
    .refine((v) => !Number.isNaN(Date.parse(v)), 'must be a date and time')
    .nullish()
    .transform((v) => v ?? undefined),
});

/** `POST …/wit/attachments` (createAttachment). */
export const attachmentUploadQuery = z.object({
  fileName: z.string().optional(),
  uploadType: enumParam({ simple: 0, chunked: 1 }).optional(),
  areaPath: z.string().optional(),
});

/** `GET …/wit/attachments/{id}` (getAttachmentContent). */
export const attachmentGetQuery = z.object({
  fileName: z.string().optional(),
  download: boolParam.optional(),
});

export type QueryResult<T> = { ok: true; value: T } | { ok: false; message: string };

/** Validates the query string of `url` against `schema`; the message names the first bad parameter and its value. */
export function parseQuery<S extends z.ZodRawShape>(schema: z.ZodObject<S>, url: URL): QueryResult<z.output<z.ZodObject<S>>> {
  const names = Object.keys(schema.shape);
  const raw: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    const name = names.find((n) => n.toLowerCase() === key.toLowerCase());
    if (name) raw[name] = value;
  }
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  const name = String(issue?.path[0] ?? 'query');
  return {
    ok: false,
    message: `Invalid value '${raw[name] ?? ''}' for query parameter '${name}': ${issue?.message ?? 'invalid'}.`,
  };
}
