// Which rule versions a node keeps (docs/node-api.md "Retention"). Pure: decides, the caller deletes.
//
// Policy, per connection and direction: the newest version (the head) and every `published` version (the active one
// and every one that ran before: the audit trail) are kept forever; of the `draft` versions only the newest
// `keepDrafts` are kept.
// Version 1 (the default script) is computed, never stored, so it is always there. Growth of what is kept is bounded
// by the node's storage quota, which is checked before anything is written.
// Saving adds a `draft` (`POST …/rules/{dir}/drafts`); publishing marks a draft `published` and deletes nothing.

export type RuleVersionState = 'published' | 'draft';

/** Drafts kept per connection and direction, besides the head and every published version. */
export const DEFAULT_KEEP_DRAFTS = 20;

export interface RetainedVersion {
  version: number;
  state: RuleVersionState;
}

/** The versions to delete from `versions` (one connection and direction, any order) under the policy above. */
export function versionsToPrune(versions: readonly RetainedVersion[], keepDrafts = DEFAULT_KEEP_DRAFTS): number[] {
  if (versions.length === 0) return [];
  const head = Math.max(...versions.map((v) => v.version));
  const drafts = versions
    .filter((v) => v.state === 'draft' && v.version !== head)
    .map((v) => v.version)
    .sort((a, b) => b - a);
  return drafts.slice(Math.max(0, keepDrafts)).sort((a, b) => a - b);
}
