// Sync rule versions: version 1 is the computed default script, later versions are stored records whose script is a
// store blob. Retention (retention.ts) decides which stored versions stay.
import { PutSyncRuleRequestSchema, type RuleDirection, type RuleVersionList, type SyncRule } from '../../shared/api';
import { utf8ByteLength } from '../../shared/validation';
import { defaultIncomingScript, defaultOutgoingScript } from '../defaultRules';
import { ApiError, notFound } from '../errors';
import { DEFAULT_KEEP_DRAFTS, versionsToPrune, type RuleVersionState } from '../retention';
import { blobHash, type StoreOp } from '../store';
import type { ConnectionIndex } from './connections';
import { parse, type ConnRecord, type NodeContext } from './context';

/** A stored rule version (v2 and later; version 1 is the computed default). The script is in the blob `blob`. */
interface RuleVersionRecord {
  version: number;
  updatedAt: string;
  author: string;
  /** Content address of the script (store blob). */
  blob: string;
  /** Script size in UTF-8 bytes. */
  size: number;
  state: RuleVersionState;
}

export class RuleVersions {
  /** `<id>|<direction>` → newest version number (absent: 1, the default). */
  private readonly ruleHeads = new Map<string, number>();

  constructor(
    private readonly ctx: NodeContext,
    private readonly index: ConnectionIndex,
  ) {
    for (const [key] of ctx.store.entries<RuleVersionRecord>('rules')) {
      const i = key.lastIndexOf('|');
      const head = key.slice(0, i);
      const n = Number(key.slice(i + 1));
      if (n > (this.ruleHeads.get(head) ?? 1)) this.ruleHeads.set(head, n);
    }
  }

  private defaultRule(rec: ConnRecord, dir: RuleDirection): SyncRule {
    const ctx = { localShortName: rec.localShortName, remoteShortName: rec.remoteShortName, project: rec.project };
    return {
      script: dir === 'outgoing' ? defaultOutgoingScript(ctx) : defaultIncomingScript(ctx),
      version: 1,
      updatedAt: rec.createdAt,
      author: 'system',
    };
  }

  private ruleVersion(rec: ConnRecord, dir: RuleDirection, n: number): SyncRule | undefined {
    if (n === 1) return this.defaultRule(rec, dir);
    const v = this.ctx.store.get<RuleVersionRecord>('rules', `${rec.id}|${dir}|${n}`);
    return v ? { script: this.ctx.store.readBlob(v.blob), version: v.version, updatedAt: v.updatedAt, author: v.author } : undefined;
  }

  getRule(id: string, dir: RuleDirection): SyncRule {
    const rec = this.index.record(id);
    return this.ruleVersion(rec, dir, this.ruleHeads.get(`${id}|${dir}`) ?? 1)!;
  }

  /** Checks `If-Match` against the current version (reading the current script only for the error). */
  private checkPrecondition(id: string, dir: RuleDirection, ifMatch: number | null): number {
    this.index.record(id);
    const head = this.ruleHeads.get(`${id}|${dir}`) ?? 1;
    if (ifMatch === null) {
      throw new ApiError(428, 'precondition_required', 'PUT needs an If-Match header with the version you edited (from the ETag)', undefined, this.getRule(id, dir));
    }
    if (ifMatch !== head) {
      throw new ApiError(412, 'precondition_failed', `The ${dir} rule changed since version ${ifMatch}; the current version is ${head}`, undefined, this.getRule(id, dir), { etag: `"${head}"` });
    }
    return head;
  }

  async putRule(id: string, dir: RuleDirection, body: unknown, ifMatch: number | null, author: string): Promise<SyncRule> {
    const req = parse(PutSyncRuleRequestSchema, body);
    this.checkPrecondition(id, dir, ifMatch);
    // The script's blob is written first, off the event loop (quota checked before). Then, with no await until the
    // commit, everything is checked again: the connection may be gone or the rule changed meanwhile.
    await this.ctx.store.prepareBlob(req.script);
    // In the store's write queue everything is checked again: the connection may be gone or the rule changed
    // meanwhile. The journal's fsync runs off the event loop; the head moves when the version is durable.
    return this.ctx.store.transact(() => {
      const rec = this.index.record(id);
      const head = this.checkPrecondition(id, dir, ifMatch);
      const next: RuleVersionRecord = {
        version: head + 1,
        updatedAt: this.ctx.nowIso(),
        author,
        blob: blobHash(req.script),
        size: utf8ByteLength(req.script),
        state: 'published', // saving makes it the current rule (drafts come with a later API)
      };
      const ops: StoreOp[] = [{ c: 'rules', k: `${id}|${dir}|${next.version}`, v: next }];
      for (const n of this.prunable(id, dir, next)) ops.push({ c: 'rules', k: `${id}|${dir}|${n}` });
      return {
        ops,
        blobs: [req.script],
        result: { script: req.script, version: next.version, updatedAt: next.updatedAt, author: next.author },
        applied: () => {
          try {
            this.index.record(id);
          } catch (gone) {
            // Deleted while this version was being synced: the deletion did not know it, so it goes now.
            this.ctx.store.commit([{ c: 'rules', k: `${id}|${dir}|${next.version}` }]);
            throw gone;
          }
          this.ruleHeads.set(`${id}|${dir}`, next.version);
          this.ctx.opts.log(`"${rec.name}": ${dir} rule v${next.version} by ${author}`);
        },
      };
    });
  }

  /** Stored versions of one direction that the retention policy drops once `added` is saved. */
  private prunable(id: string, dir: RuleDirection, added: RuleVersionRecord): number[] {
    const versions = [{ version: added.version, state: added.state }];
    for (let n = 2; n < added.version; n++) {
      const v = this.ctx.store.get<RuleVersionRecord>('rules', `${id}|${dir}|${n}`);
      if (v) versions.push({ version: n, state: v.state });
    }
    return versionsToPrune(versions, this.ctx.opts.keepDrafts ?? DEFAULT_KEEP_DRAFTS);
  }

  listRuleVersions(id: string, dir: RuleDirection): RuleVersionList {
    const rec = this.index.record(id);
    const head = this.ruleHeads.get(`${id}|${dir}`) ?? 1;
    const items = [];
    // From the metadata: no script is read.
    for (let n = head; n >= 2; n--) {
      const v = this.ctx.store.get<RuleVersionRecord>('rules', `${id}|${dir}|${n}`);
      if (v) items.push({ version: v.version, updatedAt: v.updatedAt, author: v.author, size: v.size });
    }
    const first = this.defaultRule(rec, dir);
    items.push({ version: 1, updatedAt: first.updatedAt, author: first.author, size: utf8ByteLength(first.script) });
    return { items };
  }

  getRuleVersion(id: string, dir: RuleDirection, n: number): SyncRule {
    const rec = this.index.record(id);
    const v = this.ruleVersion(rec, dir, n);
    if (!v || n > (this.ruleHeads.get(`${id}|${dir}`) ?? 1)) throw notFound(`Version ${n} of the ${dir} rule`);
    return v;
  }

  /** Store ops that delete every stored version of a connection (both directions). */
  deleteOps(id: string): StoreOp[] {
    const ops: StoreOp[] = [];
    for (const dir of ['outgoing', 'incoming'] as const) {
      const head = this.ruleHeads.get(`${id}|${dir}`) ?? 1;
      for (let n = 2; n <= head; n++) ops.push({ c: 'rules', k: `${id}|${dir}|${n}` });
    }
    return ops;
  }

  /** Forgets the heads of a deleted connection (after its deletion was written). */
  forget(id: string): void {
    this.ruleHeads.delete(`${id}|outgoing`);
    this.ruleHeads.delete(`${id}|incoming`);
  }
}
