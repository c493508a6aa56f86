// package.json as VS Code shows it: every `%key%` replaced by its text from package.nls.json (or from
// package.nls.<locale>.json, falling back to package.nls.json, as VS Code does).
import * as fs from 'node:fs';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');

export function readNls(locale?: string): Record<string, string> {
  const file = path.join(repoRoot, locale ? `package.nls.${locale}.json` : 'package.nls.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
}

/** Every `%key%` string value in `value` (a parsed package.json), with its JSON path. */
export function nlsReferences(value: unknown, at = '$'): { key: string; at: string }[] {
  if (typeof value === 'string') {
    const m = /^%([^%]+)%$/.exec(value);
    return m ? [{ key: m[1], at }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => nlsReferences(v, `${at}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => nlsReferences(v, `${at}.${k}`));
  return [];
}

function resolve(value: unknown, nls: Record<string, string>): unknown {
  if (typeof value === 'string') {
    const m = /^%([^%]+)%$/.exec(value);
    if (!m) return value;
    const text = nls[m[1]];
    if (text === undefined) throw new Error(`package.json refers to %${m[1]}%, which package.nls.json lacks`);
    return text;
  }
  if (Array.isArray(value)) return value.map((v) => resolve(v, nls));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, nls)]));
  return value;
}

/** package.json with its `%key%` strings resolved (English unless a locale is given). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON document, read by tests field by field
export function readManifest(locale?: string): any {
  const raw = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  return resolve(raw, locale ? { ...readNls(), ...readNls(locale) } : readNls());
}
