// The strings of the extension's `vscode.l10n.t` call sites (TypeScript AST of src/), and a pseudo-localization of
// them and of package.nls.json (locale qps-ploc): every letter accented, the text wrapped in ⟦ ⟧, placeholders,
// codicons, links, code spans and URLs kept. scripts/l10n.mjs writes the bundles; test/unit/l10n checks that they
// are current and cover every call site. CommonJS so that the compiled unit tests can require it.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

/** Folders whose text never reaches the VS Code UI (the sandbox node, the Groovy engine, dev CLIs). */
const SKIP_DIRS = ['src/sandbox', 'src/groovy', 'src/cli'];

function sourceFiles(root, dir = path.join(root, 'src')) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return SKIP_DIRS.includes(path.relative(root, p).split(path.sep).join('/')) ? [] : sourceFiles(root, p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** vscode.l10n.t(…) / l10n.t(…), or `t(…)`: the Translate function the pure modules take (set to vscode.l10n.t). */
function isTranslateCallee(c) {
  if (ts.isIdentifier(c)) return c.text === 't';
  return ts.isPropertyAccessExpression(c) && c.name.text === 't' && /(^|\.)l10n$/.test(c.expression.getText());
}

/** Every translated message: { file, line, message } (message undefined when the call site passes no literal). */
function callSites(root) {
  const sites = [];
  for (const file of sourceFiles(root)) {
    const src = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const visit = (n) => {
      if (ts.isCallExpression(n) && isTranslateCallee(n.expression) && n.arguments.length > 0) {
        const a = n.arguments[0];
        const line = src.getLineAndCharacterOfPosition(n.getStart(src)).line + 1;
        const rel = path.relative(root, file).split(path.sep).join('/');
        // `const t = (message, ...args) => vscode.l10n.t(message, ...args)`: an alias, not a call site.
        const alias = ts.isIdentifier(a) && ts.isArrowFunction(n.parent) && n.parent.parameters[0]?.name.getText() === a.text;
        let message;
        if (alias) return;
        if (ts.isStringLiteral(a) || ts.isNoSubstitutionTemplateLiteral(a)) message = a.text;
        sites.push({ file: rel, line, message });
      }
      ts.forEachChild(n, visit);
    };
    visit(src);
  }
  return sites;
}

const ACCENTS = {
  a: 'á', b: 'ƀ', c: 'ç', d: 'ď', e: 'é', f: 'ƒ', g: 'ĝ', h: 'ĥ', i: 'í', j: 'ĵ', k: 'ķ', l: 'ĺ', m: 'ɱ', n: 'ñ', o: 'ö',
  p: 'þ', q: 'ǫ', r: 'ŕ', s: 'š', t: 'ţ', u: 'ú', v: 'ṽ', w: 'ŵ', x: 'ẋ', y: 'ý', z: 'ž',
  A: 'Á', B: 'Ɓ', C: 'Ç', D: 'Ď', E: 'É', F: 'Ƒ', G: 'Ĝ', H: 'Ĥ', I: 'Í', J: 'Ĵ', K: 'Ķ', L: 'Ĺ', M: 'Ṁ', N: 'Ñ', O: 'Ö',
  P: 'Þ', Q: 'Ǫ', R: 'Ŕ', S: 'Š', T: 'Ţ', U: 'Ú', V: 'Ṽ', W: 'Ŵ', X: 'Ẋ', Y: 'Ý', Z: 'Ž',
};
/** Kept as they are: {0} placeholders, $(codicons), markdown link targets, `code`, URLs, command ids. */
const KEEP = /\{\d+\}|\$\([\w~-]+\)|\]\([^)]*\)|`[^`]*`|https?:\/\/[^\s)]+|\bexalate\.[\w.]+/g;

function pseudo(text) {
  let out = '';
  let last = 0;
  const accent = (s) => s.replace(/[A-Za-z]/g, (ch) => ACCENTS[ch]);
  for (const m of text.matchAll(KEEP)) {
    out += accent(text.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return `⟦${out + accent(text.slice(last))}⟧`;
}

/** { 'l10n/bundle.l10n.qps-ploc.json': {...}, 'package.nls.qps-ploc.json': {...} } as they should be on disk. */
function pseudoBundles(root) {
  const messages = [...new Set(callSites(root).map((s) => s.message).filter((m) => m !== undefined))].sort();
  const nls = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8'));
  return {
    'l10n/bundle.l10n.qps-ploc.json': Object.fromEntries(messages.map((m) => [m, pseudo(m)])),
    'package.nls.qps-ploc.json': Object.fromEntries(Object.entries(nls).map(([k, v]) => [k, pseudo(v)])),
  };
}

module.exports = { callSites, pseudo, pseudoBundles, sourceFiles, SKIP_DIRS };
