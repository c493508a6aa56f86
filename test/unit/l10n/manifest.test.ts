// The manifest is localizable: every user-facing string of package.json is a `%key%` found in package.nls.json,
// package.nls.json holds no key that package.json does not use, and the pseudo-locale covers every key.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nlsReferences, readNls, repoRoot } from '../../support/manifest';

const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));

/** JSON paths (as nlsReferences writes them) whose strings a user reads. */
const USER_FACING = [
  /^\$\.(displayName|description)$/,
  /^\$\.capabilities\.untrustedWorkspaces\.description$/,
  /^\$\.contributes\.viewsContainers\.\w+\[\d+\]\.title$/,
  /^\$\.contributes\.views\.\w+\[\d+\]\.(name|contextualTitle)$/,
  /^\$\.contributes\.viewsWelcome\[\d+\]\.contents$/,
  /^\$\.contributes\.walkthroughs\[\d+\]\.(title|description)$/,
  /^\$\.contributes\.walkthroughs\[\d+\]\.steps\[\d+\]\.(title|description|media\.altText)$/,
  /^\$\.contributes\.commands\[\d+\]\.(title|shortTitle|category)$/,
  /^\$\.contributes\.submenus\[\d+\]\.label$/,
  /^\$\.contributes\.configuration\.title$/,
  /\.(description|markdownDescription|deprecationMessage|markdownDeprecationMessage|enumDescriptions\[\d+\])$/,
];

/** Every string in package.json at a user-facing path, with its path. */
function userFacingStrings(value: unknown, at = '$'): { at: string; text: string }[] {
  if (typeof value === 'string') return USER_FACING.some((re) => re.test(at)) ? [{ at, text: value }] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => userFacingStrings(v, `${at}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => userFacingStrings(v, `${at}.${k}`));
  return [];
}

describe('l10n: manifest (package.json → package.nls.json)', () => {
  const nls = readNls();
  const refs = nlsReferences(pkg);

  it('leaves no user-facing string in package.json (run `node scripts/nls.mjs`)', () => {
    const literal = userFacingStrings(pkg).filter((s) => !/^%[^%]+%$/.test(s.text));
    assert.deepEqual(literal.map((s) => `${s.at}: ${s.text}`), []);
    assert.ok(refs.length >= 40, `only ${refs.length} %key% references`);
  });

  it('finds every %key% of package.json in package.nls.json, with a non-empty text', () => {
    const missing = refs.filter((r) => typeof nls[r.key] !== 'string' || nls[r.key].trim() === '');
    assert.deepEqual(missing.map((r) => `${r.at}: %${r.key}%`), []);
  });

  it('has no unused key in package.nls.json', () => {
    const used = new Set(refs.map((r) => r.key));
    assert.deepEqual(Object.keys(nls).filter((k) => !used.has(k)), []);
  });

  it('uses stable, descriptive keys (dotted, named after what they describe)', () => {
    for (const key of Object.keys(nls)) assert.match(key, /^[a-z][A-Za-z]*(\.[A-Za-z][\w]*)+$/, key);
    const titles = refs.filter((r) => /\.commands\[\d+\]\.title$/.test(r.at));
    for (const r of titles) {
      const id = pkg.contributes.commands[Number(/\[(\d+)\]/.exec(r.at)?.[1])].command as string;
      assert.equal(r.key, `command.${id.replace(/^exalate\./, '')}.title`);
    }
  });

  it('has a pseudo-locale (qps-ploc) for every key, each one transformed', () => {
    const ploc = readNls('qps-ploc');
    assert.deepEqual(Object.keys(ploc).sort(), Object.keys(nls).sort());
    for (const [k, v] of Object.entries(ploc)) assert.notEqual(v, nls[k], `${k} is not pseudo-localized`);
  });
});
