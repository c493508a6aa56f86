// Nothing the user reads is hard-coded English: a scan of src/ (TypeScript AST) for text passed straight to the
// places where VS Code shows it — messages and their buttons and modal detail, quick pick items and options, input
// boxes, tree items, status bar items, progress titles — that does not go through `vscode.l10n.t` (or the `t`
// Translate function the pure modules take, which the extension sets to `vscode.l10n.t`).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { repoRoot } from '../../support/manifest';

/** Folders whose text never reaches the VS Code UI directly (the sandbox node, the Groovy engine, dev CLIs). */
const SKIP_DIRS = ['src/sandbox', 'src/groovy', 'src/cli'];

/**
 * Text that is not language: allowed even when literal. Each entry says why.
 */
const ALLOWED_TEXT: { re: RegExp; why: string }[] = [
  { re: /^(\$\([\w~-]+\)\s*)+$/, why: 'codicon-only labels, e.g. "$(refresh)"' },
];

/** Option/item properties whose string the user reads. */
const TEXT_PROPS = new Set(['label', 'description', 'detail', 'placeHolder', 'placeholder', 'prompt', 'title', 'tooltip', 'text', 'message']);
const MESSAGE_FNS = /^show(Information|Warning|Error)Message$/;
/** The extension's own helpers whose first argument the user reads: progress titles, failure and confirm texts. */
const FIRST_ARG_FNS = new Set(['withProgress', 'fail', 'confirm']);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return SKIP_DIRS.includes(path.relative(repoRoot, p).replace(/\\/g, '/')) ? [] : sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** A call that translates: vscode.l10n.t(…), l10n.t(…), or a Translate function named t(…). */
function isTranslateCall(n: ts.Node): boolean {
  if (!ts.isCallExpression(n)) return false;
  const c = n.expression;
  if (ts.isIdentifier(c)) return c.text === 't';
  return ts.isPropertyAccessExpression(c) && c.name.text === 't' && /(^|\.)l10n$/.test(c.expression.getText());
}

/** The literal English fragments of an expression that reaches the user unwrapped (empty when it is fine). */
function literalText(e: ts.Expression): string[] {
  if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e)) return literalText(e.expression);
  if (isTranslateCall(e)) return [];
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return hasWords(e.text) ? [e.text] : [];
  if (ts.isTemplateExpression(e)) {
    const parts = [e.head.text, ...e.templateSpans.map((s) => s.literal.text)].join(' ');
    return hasWords(parts) ? [e.getText()] : e.templateSpans.flatMap((s) => literalText(s.expression));
  }
  if (ts.isBinaryExpression(e) && (e.operatorToken.kind === ts.SyntaxKind.PlusToken || e.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || e.operatorToken.kind === ts.SyntaxKind.BarBarToken)) {
    return [...literalText(e.left), ...literalText(e.right)];
  }
  if (ts.isConditionalExpression(e)) return [...literalText(e.whenTrue), ...literalText(e.whenFalse)];
  return [];
}

function hasWords(text: string): boolean {
  const t = text.trim();
  if (ALLOWED_TEXT.some((a) => a.re.test(t))) return false;
  return /[A-Za-z]{2,}/.test(t.replace(/\$\([\w~-]+\)/g, ''));
}

/** Text properties of an object literal (quick pick items, options, tree item shapes). */
function objectText(o: ts.Expression): { node: ts.Node; text: string }[] {
  if (!ts.isObjectLiteralExpression(o)) return [];
  return o.properties.flatMap((p) => (ts.isPropertyAssignment(p) && TEXT_PROPS.has(p.name.getText()) ? literalText(p.initializer).map((text) => ({ node: p, text })) : []));
}

export function findHardCoded(file: string): string[] {
  const src = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const report = (node: ts.Node, text: string, what: string) => {
    const { line } = src.getLineAndCharacterOfPosition(node.getStart(src));
    found.push(`${path.relative(repoRoot, file)}:${line + 1} ${what}: ${text}`);
  };
  const visit = (n: ts.Node) => {
    if (ts.isCallExpression(n)) {
      const callee = n.expression;
      const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
      if (MESSAGE_FNS.test(name)) {
        for (const a of n.arguments) {
          for (const text of literalText(a)) report(a, text, name);
          if (ts.isObjectLiteralExpression(a)) for (const p of a.properties) if (ts.isPropertyAssignment(p) && p.name.getText() === 'detail') for (const text of literalText(p.initializer)) report(p, text, `${name} detail`);
        }
      } else if (/^(info|warn|error)$/.test(name) && ts.isPropertyAccessExpression(callee) && !/\b(log|logger|console)$/i.test(callee.expression.getText()) && n.arguments[0]) {
        // Messages.info/warn/error and ui().info/…: messages; the log stays English.
        for (const text of literalText(n.arguments[0])) report(n, text, name);
      } else if ((FIRST_ARG_FNS.has(name) || (name === 'command' && ts.isPropertyAccessExpression(callee) && /kit$/i.test(callee.expression.getText()))) && n.arguments[0]) {
        for (const text of literalText(n.arguments[0])) report(n, text, name);
      }
    } else if (ts.isNewExpression(n) && /(^|\.)TreeItem$/.test(n.expression.getText()) && n.arguments?.[0]) {
      for (const text of literalText(n.arguments[0])) report(n, text, 'new TreeItem');
    } else if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(n.left) && TEXT_PROPS.has(n.left.name.text)) {
      // item.label = …, item.tooltip = …, statusBarItem.text = …, quickPick.placeholder = …
      for (const text of literalText(n.right)) report(n, text, `.${n.left.name.text} =`);
    } else if (ts.isPropertyAssignment(n) && n.name.getText() === 'validateInput' && ts.isArrowFunction(n.initializer) && !ts.isBlock(n.initializer.body)) {
      for (const text of literalText(n.initializer.body)) report(n, text, 'validateInput');
    } else if (ts.isObjectLiteralExpression(n)) {
      // quick pick items, tree rows, command titles, accessibility labels built anywhere: { label: …, title: … }
      for (const x of objectText(n)) report(x.node, x.text, 'item');
    } else if (ts.isNewExpression(n) && /(^|\.)MarkdownString$/.test(n.expression.getText()) && n.arguments?.[0]) {
      for (const text of literalText(n.arguments[0])) report(n, text, 'new MarkdownString');
    }
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'appendMarkdown' && n.arguments[0]) {
      for (const text of literalText(n.arguments[0])) report(n, text, 'appendMarkdown');
    }
    ts.forEachChild(n, visit);
  };
  visit(src);
  return found;
}

describe('l10n: no hard-coded user-facing text in src/', () => {
  const files = sourceFiles(path.join(repoRoot, 'src'));

  it('scans the extension sources', () => {
    assert.ok(files.length > 30, `only ${files.length} files`);
  });

  it('passes every message, quick pick, input box, tree item, status bar and progress text through vscode.l10n.t', () => {
    assert.deepEqual(files.flatMap(findHardCoded), []);
  });
});
