// Node API v1: the contract between the extension (client), the local sandbox node (server) and the wizard.
// Schemas for request bodies are strict (unknown fields are rejected with "Unknown field"); schemas for responses
// are lenient (unknown fields are stripped) so a newer node can add fields without breaking an older client.
// See docs/node-api.md for the HTTP side (paths, status codes, headers).
// Only ES2022 + zod here (compiled for host and browser).
import * as z from 'zod';
import {
  connectionNameSchema,
  descriptionSchema,
  invitationCodeSchema,
  localShortNameSchema,
  nodeUrlSchema,
  projectSchema,
  remoteShortNameSchema,
  scriptSchema,
} from './validation';

export const API_PREFIX = '/api/v1';
export const NODE_PLATFORM = 'azure-devops';

/** Connection ids are UUIDs (the same on both nodes); anything else is refused wherever an id comes in. */
export const ConnectionIdSchema = z.uuid({ error: 'Connection id must be a UUID' });

export const ModeSchema = z.enum(['script', 'visual', 'basic'], { error: 'Mode must be "script", "visual" or "basic"' });
export type Mode = z.infer<typeof ModeSchema>;
export const ConnectionStatusSchema = z.enum(['pending', 'active', 'deactivated', 'error']);
export type ConnectionStatus = z.infer<typeof ConnectionStatusSchema>;
export const ConnectionTypeSchema = z.enum(['public', 'private']);
export type ConnectionType = z.infer<typeof ConnectionTypeSchema>;
export const ConnectionRoleSchema = z.enum(['initiator', 'acceptor']);
export type ConnectionRole = z.infer<typeof ConnectionRoleSchema>;
export const RuleDirectionSchema = z.enum(['outgoing', 'incoming']);
export type RuleDirection = z.infer<typeof RuleDirectionSchema>;

/** `GET /api/v1/node` (Bearer auth). */
export const NodeInfoSchema = z.object({
  shortName: z.string(),
  platform: z.string(),
  /** The URL other nodes and the extension use to reach this node. */
  publicUrl: z.string(),
  version: z.string(),
  apiVersion: z.literal('v1'),
  modes: z.array(ModeSchema),
  /** Org URL of the built-in Azure DevOps emulator, when the node runs one. */
  adoUrl: z.string().nullable().optional(),
});
export type NodeInfo = z.infer<typeof NodeInfoSchema>;

/** `GET /api/v1/public/info` (no auth): what another node checks before initiating a public connection. */
export const PublicNodeInfoSchema = z.object({
  /** Always `"exalate-node"`; anything else means the URL is not a node. */
  kind: z.literal('exalate-node'),
  apiVersion: z.literal('v1'),
  shortName: z.string(),
  platform: z.string(),
  publicUrl: z.string(),
  version: z.string(),
  modes: z.array(ModeSchema),
  /** Random id of this node instance (stable across restarts); used to detect "this is my own URL". */
  nodeId: z.string(),
});
export type PublicNodeInfo = z.infer<typeof PublicNodeInfoSchema>;

export const ConnectionSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  localShortName: z.string(),
  remoteShortName: z.string(),
  /** URL of the remote node; `null` when the remote is private/unknown (always null on a private initiator). */
  remoteUrl: z.string().nullable(),
  type: ConnectionTypeSchema,
  mode: ModeSchema,
  status: ConnectionStatusSchema,
  role: ConnectionRoleSchema,
  project: z.string(),
  createdAt: z.string(),
  /** Last successful node-to-node contact (ISO time), `null` before the first one. */
  lastContactAt: z.string().nullable(),
  /** Why the connection is deactivated or in error, in words a user can act on; `null` otherwise. */
  statusReason: z.string().nullable().optional(),
  /** Who deactivated it: this node (`local`) or the other side (`remote`); `null` unless deactivated. */
  deactivatedBy: z.enum(['local', 'remote']).nullable().optional(),
  updatedAt: z.string().optional(),
  /** Work item sync on this node: messages waiting (both directions), open sync errors, synced pairs (older nodes: absent). */
  sync: z.object({ queued: z.number().int().nonnegative(), errors: z.number().int().nonnegative(), synced: z.number().int().nonnegative() }).optional(),
});
export type Connection = z.infer<typeof ConnectionSchema>;

export const ConnectionPageSchema = z.object({
  items: z.array(ConnectionSchema),
  /** Pass as `cursor` to get the next page; `null` on the last page. */
  nextCursor: z.string().nullable(),
});
export type ConnectionPage = z.infer<typeof ConnectionPageSchema>;

/**
 * `POST /api/v1/destinations/check` body: asks this node to look at a public destination before initiating
 * (answers PublicNodeInfo with the modes it offers, or `destination_*` errors).
 */
export const DestinationCheckRequestSchema = z.strictObject({ destinationUrl: nodeUrlSchema });
export type DestinationCheckRequest = z.input<typeof DestinationCheckRequestSchema>;

/** `POST /api/v1/connections` body. Private (`destinationUrl: null`) connections support Script mode only. */
export const InitiateRequestSchema = z
  .strictObject({
    destinationUrl: nodeUrlSchema.nullable(),
    mode: ModeSchema,
    localShortName: localShortNameSchema,
    remoteShortName: remoteShortNameSchema,
    name: connectionNameSchema,
    description: descriptionSchema.optional().default(''),
    project: projectSchema,
  })
  .superRefine((v, ctx) => {
    if (v.destinationUrl === null && v.mode !== 'script') {
      ctx.addIssue({
        code: 'custom',
        path: ['mode'],
        message: 'A private connection (no destination URL) supports Script mode only',
      });
    }
    if (v.localShortName.toLowerCase() === v.remoteShortName.toLowerCase()) {
      ctx.addIssue({
        code: 'custom',
        path: ['remoteShortName'],
        message: 'Remote instance short name must differ from the local one',
      });
    }
  });
export type InitiateRequest = z.input<typeof InitiateRequestSchema>;
export type InitiateRequestParsed = z.output<typeof InitiateRequestSchema>;

export const InitiateResponseSchema = z.object({
  connection: ConnectionSchema,
  invitationCode: z.string(),
});
export type InitiateResponse = z.infer<typeof InitiateResponseSchema>;

/** `PATCH /api/v1/connections/{id}` body: at least one field. */
export const PatchConnectionRequestSchema = z
  .strictObject({
    name: connectionNameSchema.optional(),
    description: descriptionSchema.optional(),
    status: z.enum(['active', 'deactivated'], { error: 'Status must be "active" or "deactivated"' }).optional(),
  })
  .refine((v) => v.name !== undefined || v.description !== undefined || v.status !== undefined, {
    error: 'Nothing to change: give name, description or status',
    path: ['_'],
  });
export type PatchConnectionRequest = z.input<typeof PatchConnectionRequestSchema>;

/** `GET /api/v1/connections/{id}/invitation` (pending initiator connections only). */
export const InvitationCodeResponseSchema = z.object({
  invitationCode: z.string(),
  expiresAt: z.string(),
});
export type InvitationCodeResponse = z.infer<typeof InvitationCodeResponseSchema>;

/** `POST /api/v1/invitations/preview` body. */
export const InvitationPreviewRequestSchema = z.strictObject({ invitationCode: invitationCodeSchema });
export type InvitationPreviewRequest = z.input<typeof InvitationPreviewRequestSchema>;

/**
 * What an invitation code says, decoded locally by the accepting node without contacting the initiator
 * (so it cannot tell whether the code was already used). Malformed codes get 400 `invitation_malformed`.
 */
export const InvitationPreviewSchema = z.object({
  connectionId: z.string(),
  connectionName: z.string(),
  initiatorShortName: z.string(),
  /** The short name the initiator chose for this (accepting) side. */
  acceptorShortName: z.string(),
  initiatorUrl: z.string(),
  type: ConnectionTypeSchema,
  mode: ModeSchema,
  expiresAt: z.string(),
  expired: z.boolean(),
});
export type InvitationPreview = z.infer<typeof InvitationPreviewSchema>;

/** `POST /api/v1/invitations/check` answer (the code can be accepted now); failures are the errors of accept. */
export const InvitationCheckResponseSchema = z.object({ usable: z.literal(true) });

/** `POST /api/v1/invitations/accept` body. */
export const AcceptInvitationRequestSchema = z.strictObject({
  invitationCode: invitationCodeSchema,
  project: projectSchema,
});
export type AcceptInvitationRequest = z.input<typeof AcceptInvitationRequestSchema>;

export const AcceptInvitationResponseSchema = z.object({ connection: ConnectionSchema });
export type AcceptInvitationResponse = z.infer<typeof AcceptInvitationResponseSchema>;

/** A rule version is a `draft` (saved, not running) or `published` (it is or was the rule the connection runs). */
export const RuleVersionStateSchema = z.enum(['draft', 'published']);
export type RuleVersionState = z.infer<typeof RuleVersionStateSchema>;

/**
 * `GET /api/v1/connections/{id}/rules/{outgoing|incoming}` (the ACTIVE rule), `GET …/latest` (the newest version),
 * `POST …/drafts`, `GET …/versions/{n}`, `POST …/versions/{n}/publish`.
 */
export const SyncRuleSchema = z.object({
  script: z.string(),
  /** 1 for the default rule, +1 for every saved draft. Also sent as `ETag: "<version>"`. */
  version: z.number().int().positive(),
  updatedAt: z.string(),
  /** Who wrote this version: `system` for the defaults, otherwise the `X-Exalate-Author` header or `api`. */
  author: z.string(),
  /** Nodes from before drafts send neither field: every version they return is the live one. */
  state: RuleVersionStateSchema.default('published'),
  /** Whether this version is the one the connection runs. */
  active: z.boolean().default(true),
  /** The version the connection runs (absent from nodes before drafts). */
  activeVersion: z.number().int().positive().optional(),
});
export type SyncRule = z.infer<typeof SyncRuleSchema>;

/** `POST …/rules/{dir}/drafts` body; requires `If-Match: "<newest version>"`. */
export const PutSyncRuleRequestSchema = z.strictObject({ script: scriptSchema });
export type PutSyncRuleRequest = z.input<typeof PutSyncRuleRequestSchema>;
export const SaveDraftRequestSchema = PutSyncRuleRequestSchema;
export type SaveDraftRequest = PutSyncRuleRequest;

/** `POST …/rules/{dir}/versions/{n}/publish` body: none, or `{}`. */
export const PublishRuleRequestSchema = z.strictObject({}).optional();

export const RuleVersionSummarySchema = z.object({
  version: z.number().int().positive(),
  updatedAt: z.string(),
  author: z.string(),
  /** Script size in UTF-8 bytes. */
  size: z.number().int().nonnegative(),
  state: RuleVersionStateSchema.default('published'),
  /** Nodes before drafts send no `active`: their newest version (the first item) is the live one. */
  active: z.boolean().optional(),
});
export type RuleVersionSummary = z.infer<typeof RuleVersionSummarySchema>;

/** `GET …/rules/{dir}/versions`: newest first. */
export const RuleVersionListSchema = z.object({
  items: z.array(RuleVersionSummarySchema),
  activeVersion: z.number().int().positive().optional(),
});
export type RuleVersionList = z.infer<typeof RuleVersionListSchema>;

// ---- work item sync (docs/node-api.md "Work item sync") ---------------------------------------------------------

/** Which way a sync message travels, seen from this node: `outgoing` leaves it, `incoming` arrived from the partner. */
export const SyncDirectionSchema = z.enum(['outgoing', 'incoming']);
export type SyncDirection = z.infer<typeof SyncDirectionSchema>;

/** Azure DevOps work item ids: positive 32-bit integers. */
export const WorkItemIdSchema = z
  .number({ error: 'workItemId must be a number' })
  .int({ error: 'workItemId must be a whole number' })
  .min(1, { error: 'workItemId must be at least 1' })
  .max(2_147_483_647, { error: 'workItemId must be at most 2147483647' });

/** `POST /api/v1/connections/{id}/sync` body: exalate this work item of the connection's project now. */
export const SyncRequestSchema = z.strictObject({ workItemId: WorkItemIdSchema });
export type SyncRequest = z.input<typeof SyncRequestSchema>;
/** `202` answer of `POST …/sync`. */
export const SyncAcceptedSchema = z.object({ workItemId: z.number(), queued: z.literal(true) });
export type SyncAccepted = z.infer<typeof SyncAcceptedSchema>;

/** One synced pair: a local work item and its twin on the other side. */
export const SyncedItemSchema = z.object({
  localId: z.number(),
  /** The twin's id on the other node (its work item id, as text). */
  remoteId: z.string(),
  /** `urn:exalate:<remote short name>:<remote id>`: the twin as the other side names it. */
  urn: z.string(),
  localTitle: z.string().nullable(),
  remoteTitle: z.string().nullable(),
  /** When a message of this pair was last applied or acknowledged on this node. */
  lastSyncAt: z.string(),
  /**
   * When the last replica of the partner's work item arrived here (`GET …/synced/{remoteId}/replica` reads it);
   * null when none did (only this side sends). Absent on older nodes.
   */
  lastReplicaAt: z.string().nullable().optional(),
});
export type SyncedItem = z.infer<typeof SyncedItemSchema>;
/** `GET …/synced?limit=&cursor=`: pairs in the order they were first synced (stable cursor like the connection list). */
export const SyncedPageSchema = z.object({ items: z.array(SyncedItemSchema), nextCursor: z.string().nullable() });
export type SyncedPage = z.infer<typeof SyncedPageSchema>;

/** `GET …/synced/{remoteId}/replica`: the last replica received for the partner's work item `remoteId`. */
export const ReceivedReplicaSchema = z.object({
  remoteId: z.string(),
  /** Its twin on this node, or null when there is none (not applied yet, failed, or the twin was deleted). */
  localId: z.number().nullable(),
  receivedAt: z.string(),
  /** The replica as the partner's outgoing script built it (script model JSON). */
  replica: z.record(z.string(), z.unknown()),
});
export type ReceivedReplica = z.infer<typeof ReceivedReplicaSchema>;

/** A message waiting in this node's queue: `pending` (will be sent / applied) or `blocked` (behind a sync error). */
export const SyncQueueItemSchema = z.object({
  id: z.string(),
  /** The local work item (null for an incoming message whose twin does not exist yet). */
  workItemId: z.number().nullable(),
  /** The partner's work item id (null for an outgoing message of a work item not synced before). */
  remoteId: z.string().nullable(),
  direction: SyncDirectionSchema,
  state: z.enum(['pending', 'blocked']),
  /** Delivery or apply attempts so far. */
  attempts: z.number().int().nonnegative(),
  createdAt: z.string(),
});
export type SyncQueueItem = z.infer<typeof SyncQueueItemSchema>;
/** `GET …/queue`: oldest first. */
export const SyncQueueSchema = z.object({ items: z.array(SyncQueueItemSchema) });
export type SyncQueue = z.infer<typeof SyncQueueSchema>;

/** A sync error: the message it is about blocks its work item's queue until it is retried or resolved. */
export const SyncErrorSchema = z.object({
  id: z.string(),
  workItemId: z.number().nullable(),
  remoteId: z.string().nullable(),
  direction: SyncDirectionSchema,
  message: z.string(),
  /** 1-based script position when the error is in the script; null for an Azure DevOps rejection. */
  line: z.number().int().positive().nullable(),
  column: z.number().int().positive().nullable(),
  at: z.string(),
});
export type SyncError = z.infer<typeof SyncErrorSchema>;
/** `GET …/errors`: oldest first. */
export const SyncErrorListSchema = z.object({ items: z.array(SyncErrorSchema) });
export type SyncErrorList = z.infer<typeof SyncErrorListSchema>;
/** `202` answer of `POST …/errors/{errorId}/retry`. */
export const SyncRetryAcceptedSchema = z.object({});

/** WIQL of a trigger: trimmed, 1–32,000 characters (Azure DevOps refuses longer queries). */
export const WiqlSchema = z
  .string({ error: 'query must be a WIQL string' })
  .trim()
  .min(1, { error: 'A trigger needs a WIQL query' })
  .max(32_000, { error: 'A WIQL query has at most 32000 characters' });
/** Automatic sync: work items that match an active trigger's query are synced when they change. */
export const SyncTriggerSchema = z.object({ id: z.string(), query: z.string(), active: z.boolean() });
export type SyncTrigger = z.infer<typeof SyncTriggerSchema>;
export const SyncTriggerListSchema = z.object({ items: z.array(SyncTriggerSchema) });
export type SyncTriggerList = z.infer<typeof SyncTriggerListSchema>;
/** Most triggers per connection. */
export const MAX_TRIGGERS = 50;
/**
 * `PUT …/triggers` body: the whole list (replaces the stored one). An item without `id` is new (the node gives it
 * a UUID); ids must be unique. Each query is validated by Azure DevOps (the emulator) before anything is stored.
 */
export const PutTriggersRequestSchema = z.strictObject({
  items: z
    .array(z.strictObject({ id: z.uuid({ error: 'Trigger id must be a UUID' }).optional(), query: WiqlSchema, active: z.boolean({ error: 'active must be true or false' }) }))
    .max(MAX_TRIGGERS, { error: `At most ${MAX_TRIGGERS} triggers per connection` })
    .superRefine((items, ctx) => {
      const seen = new Set<string>();
      items.forEach((t, i) => {
        if (t.id === undefined) return;
        if (seen.has(t.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: 'Trigger ids must be unique' });
        seen.add(t.id);
      });
    }),
});
export type PutTriggersRequest = z.input<typeof PutTriggersRequestSchema>;
/** `202` answer of `POST …/triggers/{triggerId}/bulk`: how many work items were queued. */
export const BulkExalateResponseSchema = z.object({ queued: z.number().int().nonnegative() });
export type BulkExalateResponse = z.infer<typeof BulkExalateResponseSchema>;

export const ErrorCodeSchema = z.enum([
  'bad_request', // 400: body is not JSON, bad query parameter, bad header
  'validation_failed', // 400: body failed the schema; see `fields`
  'unauthorized', // 401: missing or wrong Bearer token (or node-to-node JWT)
  'not_found', // 404: unknown route or id
  'method_not_allowed', // 405
  'duplicate_name', // 409: a connection with this name already exists
  'conflict', // 409: the operation does not fit the current state (e.g. invitation of an active connection)
  'precondition_failed', // 412: If-Match does not match; `current` carries the current rule
  'precondition_required', // 428: saving a draft without If-Match
  'client_outdated', // 410: `PUT …/rules/{dir}` (save and publish at once) from a client that predates drafts
  'payload_too_large', // 413: raw body larger than the cap
  'unsupported_media_type', // 415: body is not application/json
  'invitation_malformed', // 400: not an invitation code at all (bad prefix, encoding, JSON)
  'invitation_tampered', // 400: well-formed but the integrity tag does not match
  'invitation_expired', // 410: past its expiry
  'invitation_used', // 409: already accepted (single use)
  'invitation_unknown', // 404: the initiator has no such connection any more (deleted)
  'initiator_unreachable', // 502: the initiator node did not answer
  'destination_unreachable', // 502: public destination did not answer
  'destination_not_a_node', // 422: destination answered but is not an Exalate node
  'destination_is_self', // 422: destination is this node
  'mode_not_supported', // 422: the destination does not offer the requested mode
  'own_invitation', // 422: accepting an invitation that this node issued
  'overloaded', // 503: too many requests pipelined on one connection unanswered (the connection is closed)
  'storage_quota_exceeded', // 507: the write would take the node's data over its storage quota; nothing was written
  'storage_failed', // 503: the write could not be made durable (disk error); nothing was applied
  'internal', // 500
]);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    /** Field path → message, for 400 `validation_failed`. */
    fields: z.record(z.string(), z.string()).optional(),
    /** For 412: the current rule. */
    current: SyncRuleSchema.optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** `POST /api/v1/dev/bulk` body (only when the node runs with `--dev`): creates many pending connections at once. */
export const DevBulkRequestSchema = z.strictObject({
  count: z.number({ error: 'count must be a number' }).int().min(1).max(20000, { error: 'count must be at most 20000' }),
  namePrefix: connectionNameSchema.optional(),
});
export type DevBulkRequest = z.input<typeof DevBulkRequestSchema>;
export const DevBulkResponseSchema = z.object({ created: z.number(), firstId: z.string(), lastId: z.string() });
export type DevBulkResponse = z.infer<typeof DevBulkResponseSchema>;

/** Header that makes `POST /api/v1/connections` safe to retry. */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** Optional header naming the author of a rule version. */
export const AUTHOR_HEADER = 'x-exalate-author';

/** Formats a rule version as an ETag / If-Match value. */
export function ruleEtag(version: number): string {
  return `"${version}"`;
}
/** Parses an ETag / If-Match value (`"3"`, `W/"3"` or `3`) into a version, or null. */
export function parseRuleEtag(value: string | undefined | null): number | null {
  if (!value) return null;
  const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(value.trim());
  return m ? Number(m[1]) : null;
}
