// Sync rule versions: version 1 is the computed default script, later versions are stored records whose script is a
// store blob. Retention (retention.ts) decides which stored versions stay.
//
// Drafts: saving (`POST …/rules/{dir}/drafts`) adds a `draft` version; the connection keeps running its ACTIVE
// version until a draft is published (`POST …/rules/{dir}/versions/{n}/publish`), which marks it `published`. The
// active version is the newest `published` one (version 1, the default, counts as published), so data written
// before drafts existed (every stored version `published`) loads with its latest version active, without a rewrite.
// Only a draft newer than the active version can be published, which keeps "newest published = active" true.
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
  /** When and by whom a draft was published (absent on versions published before drafts existed). */
  publishedAt?: string;
  publishedBy?: string;
}

/** A version without its script: what the engine and the API need to know about it. */
interface VersionMeta {
  version: number;
  updatedAt: string;
  author: string;
  state: RuleVersionState;
}

export class RuleVersions {
  /** `<id>|<direction>` → newest version number (absent: 1, the default). */
  private readonly ruleHeads = new Map<string, number>();
  /** `<id>|<direction>` → active (newest published) version number (absent: 1, the default). */
  private readonly activeHeads = new Map<string, number>();

  constructor(
    private readonly ctx: NodeContext,
    private readonly index: ConnectionIndex,
  ) {
    for (const [key, v] of ctx.store.entries<RuleVersionRecord>('rules')) {
      const i = key.lastIndexOf('|');
      const head = key.slice(0, i);
      const n = Number(key.slice(i + 1));
      if (n > (this.ruleHeads.get(head) ?? 1)) this.ruleHeads.set(head, n);
      // Migration on load: versions saved before drafts existed are all `published`, so the latest is active.
      if (v.state !== 'draft' && n > (this.activeHeads.get(head) ?? 1)) this.activeHeads.set(head, n);
    }
  }

  private defaultRule(rec: ConnRecord, dir: RuleDirection): { script: string; meta: VersionMeta } {
    const ctx = { localShortName: rec.localShortName, remoteShortName: rec.remoteShortName, project: rec.project };
    return {
      script: dir === 'outgoing' ? defaultOutgoingScript(ctx) : defaultIncomingScript(ctx),
      meta: { version: 1, updatedAt: rec.createdAt, author: 'system', state: 'published' },
    };
  }

  private head(id: string, dir: RuleDirection): number {
    return this.ruleHeads.get(`${id}|${dir}`) ?? 1;
  }

  private active(id: string, dir: RuleDirection): number {
    return this.activeHeads.get(`${id}|${dir}`) ?? 1;
  }

  private toRule(id: string, dir: RuleDirection, script: string, m: VersionMeta): SyncRule {
    const activeVersion = this.active(id, dir);
    return { script, version: m.version, updatedAt: m.updatedAt, author: m.author, state: m.state, active: m.version === activeVersion, activeVersion };
  }

  private ruleVersion(rec: ConnRecord, dir: RuleDirection, n: number): SyncRule | undefined {
    if (n === 1) {
      const d = this.defaultRule(rec, dir);
      return this.toRule(rec.id, dir, d.script, d.meta);
    }
    const v = this.ctx.store.get<RuleVersionRecord>('rules', `${rec.id}|${dir}|${n}`);
    return v ? this.toRule(rec.id, dir, this.ctx.store.readBlob(v.blob), v) : undefined;
  }

  /** The ACTIVE rule: the published version the connection runs (what the sync engine uses). */
  activeRule(id: string, dir: RuleDirection): SyncRule {
    const rec = this.index.record(id);
    return this.ruleVersion(rec, dir, this.active(id, dir))!;
  }

  /** `GET …/rules/{dir}`: the active rule (its meaning before drafts existed: the rule that runs). */
  getRule(id: string, dir: RuleDirection): SyncRule {
    return this.activeRule(id, dir);
  }

  /** `GET …/rules/{dir}/latest`: the newest version, draft or published (what an editor edits, the If-Match base). */
  latestRule(id: string, dir: RuleDirection): SyncRule {
    const rec = this.index.record(id);
    return this.ruleVersion(rec, dir, this.head(id, dir))!;
  }

  /** Checks `If-Match` against the newest version (reading its script only for the error). */
  private checkPrecondition(id: string, dir: RuleDirection, ifMatch: number | null): number {
    this.index.record(id);
    const head = this.head(id, dir);
    if (ifMatch === null) {
      throw new ApiError(428, 'precondition_required', 'Saving a draft needs an If-Match header with the version you edited (from the ETag)', undefined, this.latestRule(id, dir));
    }
    if (ifMatch !== head) {
      throw new ApiError(412, 'precondition_failed', `The ${dir} rule changed since version ${ifMatch}; the newest version is ${head}`, undefined, this.latestRule(id, dir), { etag: `"${head}"` });
    }
    return head;
  }

  /** `POST …/rules/{dir}/drafts`: a new draft version; the active version does not change. */
  async saveDraft(id: string, dir: RuleDirection, body: unknown, ifMatch: number | null, author: string): Promise<SyncRule> {
    const req = parse(PutSyncRuleRequestSchema, body);
    this.checkPrecondition(id, dir, ifMatch);
    // The script's blob is written first, off the event loop (quota checked before).
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
        state: 'draft',
      };
      const ops: StoreOp[] = [{ c: 'rules', k: `${id}|${dir}|${next.version}`, v: next }];
      for (const n of this.prunable(id, dir, next)) ops.push({ c: 'rules', k: `${id}|${dir}|${n}` });
      return {
        ops,
        blobs: [req.script],
        result: this.toRule(id, dir, req.script, next),
        applied: () => {
          try {
            this.index.record(id);
          } catch (gone) {
            // Deleted while this version was being synced: the deletion did not know it, so it goes now.
            this.ctx.store.commit([{ c: 'rules', k: `${id}|${dir}|${next.version}` }]);
            throw gone;
          }
          this.ruleHeads.set(`${id}|${dir}`, next.version);
          this.ctx.opts.log(`"${rec.name}": ${dir} rule draft v${next.version} by ${author}`);
        },
      };
    });
  }

  /**
   * `POST …/rules/{dir}/versions/{n}/publish`: version `n` becomes the active rule. Publishing the active version
   * again changes nothing; a version older than the active one cannot become active (409: restore it as a new
   * draft and publish that), so history reads the same way it ran. Runs in the store's write queue, after every
   * earlier save (whose retention could otherwise delete the version being published).
   */
  publish(id: string, dir: RuleDirection, n: number, author: string): Promise<SyncRule> {
    this.index.record(id);
    return this.ctx.store.transact(() => {
      const rec = this.index.record(id);
      const active = this.active(id, dir);
      if (n > this.head(id, dir)) throw notFound(`Version ${n} of the ${dir} rule`);
      const key = `${id}|${dir}|${n}`;
      const v = n === 1 ? undefined : this.ctx.store.get<RuleVersionRecord>('rules', key);
      if (n !== 1 && !v) throw notFound(`Version ${n} of the ${dir} rule`);
      if (n === active) return { ops: [], result: this.activeRule(id, dir) };
      if (n < active) {
        throw new ApiError(
          409,
          'conflict',
          `Version ${n} of the ${dir} rule is older than the active version ${active}, so it cannot be published. Restore it (a new draft with its text), then publish that draft.`,
        );
      }
      const published: RuleVersionRecord = { ...v!, state: 'published', publishedAt: this.ctx.nowIso(), publishedBy: author };
      const script = this.ctx.store.readBlob(published.blob);
      return {
        ops: [{ c: 'rules', k: key, v: published }],
        result: { ...this.toRule(id, dir, script, published), active: true, activeVersion: n },
        applied: () => {
          this.activeHeads.set(`${id}|${dir}`, n);
          this.ctx.opts.log(`"${rec.name}": ${dir} rule v${n} published by ${author} (was v${active})`);
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
    const head = this.head(id, dir);
    const activeVersion = this.active(id, dir);
    const items = [];
    // From the metadata: no script is read.
    for (let n = head; n >= 2; n--) {
      const v = this.ctx.store.get<RuleVersionRecord>('rules', `${id}|${dir}|${n}`);
      if (v) items.push({ version: v.version, updatedAt: v.updatedAt, author: v.author, size: v.size, state: v.state, active: n === activeVersion });
    }
    const first = this.defaultRule(rec, dir);
    items.push({ ...first.meta, size: utf8ByteLength(first.script), active: activeVersion === 1 });
    return { items, activeVersion };
  }

  getRuleVersion(id: string, dir: RuleDirection, n: number): SyncRule {
    const rec = this.index.record(id);
    const v = this.ruleVersion(rec, dir, n);
    if (!v || n > this.head(id, dir)) throw notFound(`Version ${n} of the ${dir} rule`);
    return v;
  }

  /** Store ops that delete every stored version of a connection (both directions). */
  deleteOps(id: string): StoreOp[] {
    const ops: StoreOp[] = [];
    for (const dir of ['outgoing', 'incoming'] as const) {
      const head = this.head(id, dir);
      for (let n = 2; n <= head; n++) ops.push({ c: 'rules', k: `${id}|${dir}|${n}` });
    }
    return ops;
  }

  /** Forgets the heads of a deleted connection (after its deletion was written). */
  forget(id: string): void {
    for (const dir of ['outgoing', 'incoming'] as const) {
      this.ruleHeads.delete(`${id}|${dir}`);
      this.activeHeads.delete(`${id}|${dir}`);
    }
  }
}
