// In-memory records of the emulator and the demo data `seed: true` loads.
import { createHash } from 'node:crypto';

/** A team project as the emulator stores it (URLs are added per request, since they depend on the host). */
export interface AdoProject {
  /** Stable UUID derived from the organization and the project name. */
  id: string;
  name: string;
  description?: string;
  state: 'wellFormed';
  revision: number;
  visibility: 'private';
  /** ISO 8601 timestamp. */
  lastUpdateTime: string;
}

export interface AdoIdentity {
  id: string;
  displayName: string;
  uniqueName: string;
}

export interface AdoComment {
  /** Per work item, from 1; never reused (deleted comments keep theirs). */
  id: number;
  version: number;
  /** HTML, like the service stores it. */
  text: string;
  createdBy: AdoIdentity;
  createdDate: string;
  modifiedBy: AdoIdentity;
  modifiedDate: string;
  /** Deleted comments stay (listed with `includeDeleted=true`), like on the service. */
  isDeleted?: boolean;
  /** Earlier versions, oldest first (`getCommentVersions`). */
  previous?: Array<{ version: number; text: string; modifiedBy: AdoIdentity; modifiedDate: string; isDeleted?: boolean }>;
}

/**
 * A link of a work item. Exactly one target: another work item (`System.LinkTypes.*`), an attachment of this
 * organization (`AttachedFile`) or an external URL (`Hyperlink`, `ArtifactLink`). REST renders the target as a URL
 * of the host the request came to.
 */
export interface AdoRelation {
  rel: string;
  workItemId?: number;
  attachmentId?: string;
  url?: string;
  /** `name` (the link type's name), `comment`, and for attachments `resourceSize`, `resourceCreatedDate`, `id`. */
  attributes: Record<string, unknown>;
}

export type AdoFieldValue = string | number | boolean | AdoIdentity;

export interface AdoWorkItem {
  id: number;
  rev: number;
  projectId: string;
  /** Field reference name → value; identity fields hold an {@link AdoIdentity}. */
  fields: Record<string, AdoFieldValue>;
  /** All comments, deleted ones included (`isDeleted`). */
  comments: AdoComment[];
  relations: AdoRelation[];
}

/**
 * Name-based UUID (RFC 4122 version 5 layout over SHA-1): the same organization and name always give the same id,
 * so ids survive restarts of an in-memory emulator.
 */
export function stableUuid(...parts: string[]): string {
  const hash = createHash('sha1').update(`exalate-ado-emulator\u0000${parts.join('\u0000')}`).digest();
  const b = Buffer.from(hash.subarray(0, 16));
  b[6] = (b[6] & 0x0f) | 0x50;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const SEED_PROJECTS: ReadonlyArray<{ name: string; description: string; revision: number; lastUpdateTime: string }> = [
  {
    name: 'Payments',
    description: 'Card processing, refunds and the payment gateway integrations.',
    revision: 412,
    lastUpdateTime: '2025-01-14T09:21:37.583Z',
  },
  {
    name: 'Mobile App',
    description: 'iOS and Android clients for customers, release trains every two weeks.',
    revision: 388,
    lastUpdateTime: '2025-02-03T16:02:11.107Z',
  },
  {
    name: 'Customer Portal',
    description: 'Self-service web portal: accounts, invoices and support tickets.',
    revision: 455,
    lastUpdateTime: '2025-02-20T11:45:02.940Z',
  },
  {
    name: 'Data Platform',
    description: 'Ingestion pipelines, the warehouse and reporting for finance and operations.',
    revision: 301,
    lastUpdateTime: '2024-11-28T13:10:54.217Z',
  },
  {
    name: 'Partner Integrations',
    description: 'Issues shared with suppliers and partners through Exalate.',
    revision: 497,
    lastUpdateTime: '2025-03-05T08:33:19.662Z',
  },
];

function person(org: string, displayName: string, alias: string): AdoIdentity {
  return { id: stableUuid(org, 'identity', alias), displayName, uniqueName: `${alias}@contoso.com` };
}

/** The people of the organization (assignees, authors); identity fields resolve them by mail or display name. */
export function seedPeople(org: string): { ana: AdoIdentity; ben: AdoIdentity; chen: AdoIdentity } {
  return { ana: person(org, 'Ana Ruiz', 'ana.ruiz'), ben: person(org, 'Ben Okafor', 'ben.okafor'), chen: person(org, 'Chen Li', 'chen.li') };
}

/** The owner of the emulator's PAT: the author of REST writes (and `connectionData`'s authenticated user). */
export function patOwner(org: string): AdoIdentity {
  return { id: stableUuid(org, 'identity', 'pat-owner'), displayName: 'Emulator User', uniqueName: `emulator@${org.toLowerCase()}.example` };
}

interface SeedItem {
  project: string;
  type: string;
  title: string;
  state: string;
  reason: string;
  area?: string;
  iteration: string;
  priority: number;
  tags: string;
  assignee?: 'ana' | 'ben' | 'chen';
  description: string;
  created: string;
  changed: string;
  comments: Array<{ by: 'ana' | 'ben' | 'chen'; at: string; text: string }>;
}

const SEED_ITEMS: SeedItem[] = [
  {
    project: 'Payments',
    type: 'Bug',
    title: 'Refund fails for partially captured card payments',
    state: 'Active',
    reason: 'Approved',
    area: 'Payments\\Gateway',
    iteration: 'Payments\\Sprint 14',
    priority: 1,
    tags: 'Customer Reported; Refunds',
    assignee: 'ana',
    description:
      '<div>When a payment was <b>partially captured</b>, a refund of the captured amount returns ' +
      '<code>422 amount_exceeds_capture</code>.</div><div><br></div><ol><li>Authorise &euro;120</li>' +
      '<li>Capture &euro;80</li><li>Refund &euro;80</li></ol><div>Expected: refund succeeds &amp; the order shows ' +
      '&quot;Refunded&quot;.</div>',
    created: '2025-01-08T10:12:44.310Z',
    changed: '2025-01-14T09:21:37.583Z',
    comments: [
      { by: 'ben', at: '2025-01-09T08:30:00.000Z', text: '<div>Reproduced in staging with a Visa test card.</div>' },
      {
        by: 'ana',
        at: '2025-01-10T14:05:12.000Z',
        text: '<div>Root cause: we compare against the <i>authorised</i> amount instead of the captured one. Fix in review.</div>',
      },
    ],
  },
  {
    project: 'Payments',
    type: 'User Story',
    title: 'Support Apple Pay in the hosted checkout',
    state: 'New',
    reason: 'New',
    iteration: 'Payments\\Sprint 15',
    priority: 2,
    tags: 'Checkout; Wallets',
    description:
      '<div>As a shopper on Safari I want to pay with <b>Apple Pay</b> so that I do not have to type my card number.</div>' +
      '<ul><li>Domain verification file served by the checkout</li><li>Merchant validation endpoint</li></ul>',
    created: '2025-01-12T15:40:00.000Z',
    changed: '2025-01-12T15:40:00.000Z',
    comments: [],
  },
  {
    project: 'Mobile App',
    type: 'Bug',
    title: 'Crash on Android 14 when opening push notification',
    state: 'Resolved',
    reason: 'Fixed',
    area: 'Mobile App\\Android',
    iteration: 'Mobile App\\Release 3.8',
    priority: 1,
    tags: 'Android; Crash; Notifications',
    assignee: 'chen',
    description:
      '<div>Tapping a notification while the app is in the background crashes with ' +
      '<code>IllegalStateException: Not allowed to start service</code>.</div><div>Seen on Pixel 7 &amp; Galaxy S23.</div>',
    created: '2025-01-27T07:55:21.000Z',
    changed: '2025-02-03T16:02:11.107Z',
    comments: [
      { by: 'chen', at: '2025-02-01T12:00:00.000Z', text: '<div>Moved the work to a foreground service; fixed in 3.8.1.</div>' },
      { by: 'ben', at: '2025-02-02T09:15:00.000Z', text: '<div>Verified on the Pixel 7 test device &#x2705;</div>' },
      { by: 'ana', at: '2025-02-03T16:02:11.000Z', text: '<div>Thanks! Closing after the release goes out.</div>' },
    ],
  },
  {
    project: 'Customer Portal',
    type: 'Feature',
    title: 'Download invoices as PDF',
    state: 'Active',
    reason: 'Implementation started',
    iteration: 'Customer Portal\\2025 Q1',
    priority: 2,
    tags: 'Invoices',
    assignee: 'ben',
    description:
      '<p>Customers ask support for PDF copies of invoices every week.</p><p>Add a <b>Download PDF</b> button to ' +
      'each invoice row and to the invoice detail page.</p>',
    created: '2025-02-11T10:00:00.000Z',
    changed: '2025-02-20T11:45:02.940Z',
    comments: [{ by: 'ana', at: '2025-02-12T10:30:00.000Z', text: '<div>Legal needs the VAT number on the PDF.</div>' }],
  },
  {
    project: 'Customer Portal',
    type: 'Task',
    title: 'Rotate the SMTP credentials used for password reset mails',
    state: 'Closed',
    reason: 'Completed',
    iteration: 'Customer Portal\\2025 Q1',
    priority: 3,
    tags: '',
    assignee: 'chen',
    description: '<div>Credentials expire on 1 March. Update the key vault secret and restart the mailer.</div>',
    created: '2025-02-14T09:00:00.000Z',
    changed: '2025-02-18T17:20:00.000Z',
    comments: [],
  },
];

/** Seeded work items for the seeded projects (ids start at 1, comment ids at 1 per work item). */
export function seedWorkItems(org: string, projectIdByName: (name: string) => string | undefined): AdoWorkItem[] {
  const people = seedPeople(org);
  const items: AdoWorkItem[] = [];
  for (const s of SEED_ITEMS) {
    const projectId = projectIdByName(s.project);
    if (!projectId) continue;
    const id = items.length + 1;
    const creator = people.ben;
    const fields: AdoWorkItem['fields'] = {
      'System.AreaPath': s.area ?? s.project,
      'System.TeamProject': s.project,
      'System.IterationPath': s.iteration,
      'System.WorkItemType': s.type,
      'System.State': s.state,
      'System.Reason': s.reason,
      'System.CreatedDate': s.created,
      'System.CreatedBy': creator,
      'System.ChangedDate': s.changed,
      'System.ChangedBy': s.assignee ? people[s.assignee] : creator,
      'System.CommentCount': s.comments.length,
      'System.Title': s.title,
      'Microsoft.VSTS.Common.Priority': s.priority,
      'System.Description': s.description,
    };
    if (s.assignee) fields['System.AssignedTo'] = people[s.assignee];
    if (s.tags) fields['System.Tags'] = s.tags;
    items.push({
      id,
      rev: 3 + s.comments.length,
      projectId,
      fields,
      comments: s.comments.map((c, i) => ({
        id: i + 1,
        version: 1,
        text: c.text,
        createdBy: people[c.by],
        createdDate: c.at,
        modifiedBy: people[c.by],
        modifiedDate: c.at,
      })),
      relations: [],
    });
  }
  return items;
}
