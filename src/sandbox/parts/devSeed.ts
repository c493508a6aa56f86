// Demo and test support: example connections in every status (--seed) and bulk creation (--dev).
import { DevBulkRequestSchema, type DevBulkResponse } from '../../shared/api';
import { ApiError } from '../errors';
import type { ConnectionIndex } from './connections';
import { nameKey, parse, type ConnRecord, type NodeContext, type NodeMeta } from './context';
import type { Invitations } from './invitations';

export class DevSeed {
  constructor(
    private readonly ctx: NodeContext,
    private readonly index: ConnectionIndex,
    private readonly invitations: Invitations,
  ) {}

  bulkCreate(body: unknown): DevBulkResponse {
    const req = parse(DevBulkRequestSchema, body);
    const prefix = req.namePrefix ?? 'Bulk connection';
    const width = String(req.count).length;
    const recs: ConnRecord[] = [];
    const seen = new Set<string>();
    for (let i = 1; i <= req.count; i++) {
      const name = `${prefix} ${String(i).padStart(width, '0')}`;
      if (this.index.names.has(nameKey(name)) || seen.has(nameKey(name))) {
        this.index.nextSeq -= recs.length;
        throw new ApiError(409, 'duplicate_name', `A connection named "${name}" already exists`, { namePrefix: 'Names with this prefix already exist' });
      }
      seen.add(nameKey(name));
      recs.push(
        this.invitations.newInitiatorRecord({
          name,
          description: `Generated connection ${i} of ${req.count}`,
          localShortName: this.ctx.opts.shortName,
          remoteShortName: 'partner',
          remoteUrl: null,
          mode: 'script',
          project: 'Sandbox',
        }),
      );
    }
    this.index.insert(recs);
    this.ctx.opts.log(`dev: created ${recs.length} connections`);
    return { created: recs.length, firstId: recs[0].id, lastId: recs[recs.length - 1].id };
  }

  /** Adds example connections in every status, once per data directory. */
  seed(): void {
    const meta = this.ctx.store.get<NodeMeta>('meta', 'node')!;
    if (meta.seeded) return;
    const me = this.ctx.opts.shortName;
    const make = (f: Parameters<Invitations['newInitiatorRecord']>[0], over: Partial<ConnRecord>): ConnRecord => ({
      ...this.invitations.newInitiatorRecord(f),
      ...over,
    });
    const hourAgo = new Date(this.ctx.now() - 3600_000).toISOString();
    const recs: ConnRecord[] = [];
    const add = (f: Parameters<Invitations['newInitiatorRecord']>[0], over: Partial<ConnRecord>) => {
      if (!this.index.names.has(nameKey(f.name))) recs.push(make(f, over));
    };
    for (const [f, over] of exampleSet(me)) add({ ...f, localShortName: me }, over(hourAgo));
    this.index.insert(recs, [{ c: 'meta', k: 'node', v: { ...meta, seeded: true } }]);
    this.ctx.opts.log(`seeded ${recs.length} example connections`);
  }
}

type SeedFields = Omit<Parameters<Invitations['newInitiatorRecord']>[0], 'localShortName'>;
type SeedExample = [SeedFields, (hourAgo: string) => Partial<ConnRecord>];

const pending = (): Partial<ConnRecord> => ({});
const active = (hourAgo: string): Partial<ConnRecord> => ({ demo: true, accepted: true, lastContactAt: hourAgo, invitation: undefined });
const deactivatedHere = (hourAgo: string): Partial<ConnRecord> => ({ ...active(hourAgo), localActive: false });
const partnerOffline = (partner: string, url: string) => (hourAgo: string): Partial<ConnRecord> => ({
  ...active(hourAgo),
  role: 'acceptor',
  type: 'private',
  errorReason: `Cannot reach ${partner} at ${url} (ECONNREFUSED)`,
});
const deactivatedThere = (hourAgo: string): Partial<ConnRecord> => ({ ...active(hourAgo), remoteActive: false });

/**
 * Two sets of example connections in the same five states, with different partners. A node gets the first set
 * whose partners are not itself, so `npm start`'s two nodes (contoso and fabrikam) never list the same names.
 */
const EXAMPLE_SETS: SeedExample[][] = [
  [
    [{ name: 'Support escalations (waiting for partner)', description: 'Private connection; send the invitation code to the partner.', remoteShortName: 'acme-support', remoteUrl: null, mode: 'script', project: 'Contoso Web' }, pending],
    [{ name: 'Fabrikam Jira bugs', description: 'Bugs mirrored from the Fabrikam Jira project.', remoteShortName: 'fabrikam-jira', remoteUrl: 'https://fabrikam-jira.example.com', mode: 'script', project: 'Contoso Web' }, active],
    [{ name: 'Northwind ServiceNow incidents', description: 'Incidents raised by Northwind operations.', remoteShortName: 'northwind-snow', remoteUrl: 'https://northwind-snow.example.com', mode: 'basic', project: 'Operations' }, deactivatedHere],
    [{ name: 'Tailspin GitHub issues', description: 'We accepted Tailspin\'s invitation; their node is offline.', remoteShortName: 'tailspin-gh', remoteUrl: 'https://tailspin-gh.example.com', mode: 'script', project: 'Contoso Mobile' }, partnerOffline('tailspin-gh', 'https://tailspin-gh.example.com')],
    [{ name: 'Litware Zendesk tickets', description: 'Deactivated by Litware while they migrate.', remoteShortName: 'litware-zd', remoteUrl: null, mode: 'script', project: 'Operations' }, deactivatedThere],
  ],
  [
    [{ name: 'Partner onboarding (waiting for partner)', description: 'Private connection; send the invitation code to the partner.', remoteShortName: 'wingtip-ops', remoteUrl: null, mode: 'script', project: 'Customer Portal' }, pending],
    [{ name: 'Adventure Works Jira stories', description: 'Stories shared with the Adventure Works Jira project.', remoteShortName: 'adventure-jira', remoteUrl: 'https://adventure-jira.example.com', mode: 'script', project: 'Customer Portal' }, active],
    [{ name: 'Woodgrove ServiceNow changes', description: 'Change requests from Woodgrove operations.', remoteShortName: 'woodgrove-snow', remoteUrl: 'https://woodgrove-snow.example.com', mode: 'basic', project: 'Data Platform' }, deactivatedHere],
    [{ name: 'Proseware GitHub issues', description: 'We accepted Proseware\'s invitation; their node is offline.', remoteShortName: 'proseware-gh', remoteUrl: 'https://proseware-gh.example.com', mode: 'script', project: 'Mobile App' }, partnerOffline('proseware-gh', 'https://proseware-gh.example.com')],
    [{ name: 'Lamna Zendesk tickets', description: 'Deactivated by Lamna while they migrate.', remoteShortName: 'lamna-zd', remoteUrl: null, mode: 'script', project: 'Data Platform' }, deactivatedThere],
  ],
];

/** The example set for a node: the first one that does not name the node itself as a partner. */
export function exampleSet(shortName: string): SeedExample[] {
  const me = shortName.toLowerCase();
  const namesMe = (set: SeedExample[]) => set.some(([f]) => f.remoteShortName.split('-')[0] === me || f.name.toLowerCase().startsWith(`${me} `));
  return EXAMPLE_SETS.find((set) => !namesMe(set)) ?? EXAMPLE_SETS[0];
}

/** The names of the example connections a node with this short name is seeded with. */
export function exampleNames(shortName: string): string[] {
  return exampleSet(shortName).map(([f]) => f.name);
}
