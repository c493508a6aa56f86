// Moves every user-facing string of package.json into package.nls.json and leaves a `%key%` in its place (how VS Code
// localizes a manifest: package.nls.<locale>.json translates the keys). Idempotent: strings that already are `%key%`
// stay, new literal strings get a key derived from where they are. `node scripts/nls.mjs` after adding a command,
// view, setting or walkthrough step; test/unit/l10n/manifest.test.ts fails when a string was left in package.json.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkgFile = path.join(root, 'package.json');
const nlsFile = path.join(root, 'package.nls.json');
const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
const nls = fs.existsSync(nlsFile) ? JSON.parse(fs.readFileSync(nlsFile, 'utf8')) : {};

const short = (id) => id.replace(/^exalate\./, '');
function put(obj, field, key) {
  const v = obj?.[field];
  if (typeof v !== 'string' || /^%[^%]+%$/.test(v)) return;
  if (key in nls && nls[key] !== v) throw new Error(`package.nls.json already has ${key} with another text`);
  nls[key] = v;
  obj[field] = `%${key}%`;
}

put(pkg, 'displayName', 'extension.displayName');
put(pkg, 'description', 'extension.description');
put(pkg.capabilities?.untrustedWorkspaces, 'description', 'capabilities.untrustedWorkspaces.description');
const c = pkg.contributes;
for (const [where, list] of Object.entries(c.viewsContainers ?? {})) {
  for (const vc of list) put(vc, 'title', `viewsContainer.${where}.${short(vc.id)}.title`);
}
for (const list of Object.values(c.views ?? {})) {
  for (const v of list) {
    put(v, 'name', `view.${short(v.id)}.name`);
    put(v, 'contextualTitle', `view.${short(v.id)}.contextualTitle`);
  }
}
const welcomeNames = { 'exalate.connections': ['noNode', 'invitation'] };
const welcomeSeen = {};
for (const w of c.viewsWelcome ?? []) {
  const i = (welcomeSeen[w.view] = (welcomeSeen[w.view] ?? -1) + 1);
  put(w, 'contents', `viewsWelcome.${short(w.view)}.${welcomeNames[w.view]?.[i] ?? i}`);
}
for (const wt of c.walkthroughs ?? []) {
  const base = `walkthrough.${short(wt.id)}`;
  put(wt, 'title', `${base}.title`);
  put(wt, 'description', `${base}.description`);
  for (const s of wt.steps ?? []) {
    put(s, 'title', `${base}.step.${s.id}.title`);
    put(s, 'description', `${base}.step.${s.id}.description`);
    put(s.media, 'altText', `${base}.step.${s.id}.altText`);
  }
}
for (const cmd of c.commands ?? []) {
  put(cmd, 'title', `command.${short(cmd.command)}.title`);
  put(cmd, 'shortTitle', `command.${short(cmd.command)}.shortTitle`);
  put(cmd, 'category', 'category.exalate');
}
for (const sub of c.submenus ?? []) put(sub, 'label', `submenu.${short(sub.id)}.label`);
for (const conf of [c.configuration].flat().filter(Boolean)) {
  put(conf, 'title', 'configuration.title');
  const walk = (props, prefix) => {
    for (const [name, p] of Object.entries(props ?? {})) {
      const key = `${prefix}.${short(name)}`;
      for (const f of ['description', 'markdownDescription', 'deprecationMessage', 'markdownDeprecationMessage']) put(p, f, `${key}.${f}`);
      if (Array.isArray(p.enumDescriptions)) p.enumDescriptions.forEach((_, i) => put(p.enumDescriptions, i, `${key}.enumDescriptions.${p.enum?.[i] ?? i}`));
      walk(p.properties, key);
      walk(p.items?.properties, key);
    }
  };
  walk(conf.properties, 'config');
}

const sorted = Object.fromEntries(Object.entries(nls).sort(([a], [b]) => a.localeCompare(b)));
fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2) + '\n');
fs.writeFileSync(nlsFile, JSON.stringify(sorted, null, 2) + '\n');
