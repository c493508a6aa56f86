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
    add(
      { name: 'Support escalations (waiting for partner)', description: 'Private connection; send the invitation code to the partner.', localShortName: me, remoteShortName: 'acme-support', remoteUrl: null, mode: 'script', project: 'Contoso Web' },
      {},
    );
    add(
      { name: 'Fabrikam Jira bugs', description: 'Bugs mirrored from the Fabrikam Jira project.', localShortName: me, remoteShortName: 'fabrikam-jira', remoteUrl: 'https://fabrikam-jira.example.com', mode: 'script', project: 'Contoso Web' },
      { demo: true, accepted: true, lastContactAt: hourAgo, invitation: undefined },
    );
    add(
      { name: 'Northwind ServiceNow incidents', description: 'Incidents raised by Northwind operations.', localShortName: me, remoteShortName: 'northwind-snow', remoteUrl: 'https://northwind-snow.example.com', mode: 'basic', project: 'Operations' },
      { demo: true, accepted: true, lastContactAt: hourAgo, localActive: false, invitation: undefined },
    );
    add(
      { name: 'Tailspin GitHub issues', description: 'We accepted Tailspin\'s invitation; their node is offline.', localShortName: me, remoteShortName: 'tailspin-gh', remoteUrl: 'https://tailspin-gh.example.com', mode: 'script', project: 'Contoso Mobile' },
      { demo: true, accepted: true, role: 'acceptor', type: 'private', lastContactAt: hourAgo, invitation: undefined, errorReason: 'Cannot reach tailspin-gh at https://tailspin-gh.example.com (ECONNREFUSED)' },
    );
    add(
      { name: 'Litware Zendesk tickets', description: 'Deactivated by Litware while they migrate.', localShortName: me, remoteShortName: 'litware-zd', remoteUrl: null, mode: 'script', project: 'Operations' },
      { demo: true, accepted: true, lastContactAt: hourAgo, remoteActive: false, invitation: undefined },
    );
    this.index.insert(recs, [{ c: 'meta', k: 'node', v: { ...meta, seeded: true } }]);
    this.ctx.opts.log(`seeded ${recs.length} example connections`);
  }
}
