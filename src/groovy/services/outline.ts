// Document symbols (the outline), folding ranges, go to definition and "did you mean" quick fixes.
// Pure: no `vscode`, no Node built-ins.
import { forEachChild, nodePathAt, type ClassDeclaration, type Node, type Range as OffsetRange } from '../ast';
import { scriptMethodSignature } from './completion';
import type { ScriptDocument } from './document';
import type { CodeAction, Diagnostic, DocumentSymbol, FoldingRange, Location, Position, ScriptContext } from './protocol';

export function findDocumentSymbols(doc: ScriptDocument): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const s of doc.parsed.ast.body) {
    if (s.kind === 'MethodDeclaration') out.push({ name: s.name.name, kind: 'method', detail: scriptMethodSignature(s), range: doc.range(s.range), selectionRange: doc.range(s.name.range), children: [] });
    else if (s.kind === 'ClassDeclaration') out.push(classSymbol(doc, s));
    else if (s.kind === 'VariableDeclaration') {
      for (const d of s.declarators) out.push({ name: d.name.name, kind: 'variable', detail: s.type?.name, range: doc.range(s.range), selectionRange: doc.range(d.name.range), children: [] });
    }
  }
  return out;
}

function classSymbol(doc: ScriptDocument, c: ClassDeclaration): DocumentSymbol {
  const children: DocumentSymbol[] = [];
  for (const m of c.members) {
    if (m.kind === 'MethodDeclaration') children.push({ name: m.name.name, kind: m.isConstructor ? 'constructor' : 'method', detail: scriptMethodSignature(m), range: doc.range(m.range), selectionRange: doc.range(m.name.range), children: [] });
    else if (m.kind === 'VariableDeclaration') for (const d of m.declarators) children.push({ name: d.name.name, kind: 'field', detail: m.type?.name, range: doc.range(m.range), selectionRange: doc.range(d.name.range), children: [] });
    else if (m.kind === 'ClassDeclaration') children.push(classSymbol(doc, m));
  }
  return { name: c.name.name, kind: 'class', detail: c.classKind, range: doc.range(c.range), selectionRange: doc.range(c.name.range), children };
}

export function getFoldingRanges(doc: ScriptDocument): FoldingRange[] {
  const ranges: FoldingRange[] = [];
  const line = (offset: number) => doc.lineMap.positionAt(offset).line;
  const braces = (r: OffsetRange) => {
    const start = line(r.start);
    const end = line(r.end) - 1;
    if (end > start) ranges.push({ startLine: start, endLine: end });
  };
  const visit = (n: Node): void => {
    switch (n.kind) {
      case 'BlockStatement':
      case 'ClosureExpression':
      case 'MapExpression':
      case 'ListExpression':
      case 'SwitchStatement':
        braces(n.range);
        break;
      case 'ClassDeclaration':
        braces(n.bodyRange);
        break;
    }
    forEachChild(n, (c) => {
      visit(c);
    });
  };
  visit(doc.parsed.ast);
  // Comments: block comments over several lines, and runs of line comments.
  let run: { start: number; end: number } | undefined;
  const flush = () => {
    if (run && run.end > run.start) ranges.push({ startLine: run.start, endLine: run.end, kind: 'comment' });
    run = undefined;
  };
  for (const c of doc.parsed.ast.comments) {
    const s = line(c.range.start);
    const e = line(c.range.end);
    if (c.style === 'block' || c.style === 'doc') {
      flush();
      if (e > s) ranges.push({ startLine: s, endLine: e, kind: 'comment' });
    } else if (run && s === run.end + 1 && doc.text.slice(doc.lineMap.lineStart(s), c.range.start).trim() === '') run.end = s;
    else {
      flush();
      if (doc.text.slice(doc.lineMap.lineStart(s), c.range.start).trim() === '') run = { start: s, end: s };
    }
  }
  flush();
  // Imports.
  const imports = doc.parsed.ast.body.filter((s) => s.kind === 'ImportDeclaration');
  if (imports.length > 1) {
    const s = line(imports[0].range.start);
    const e = line(imports[imports.length - 1].range.end);
    if (e > s) ranges.push({ startLine: s, endLine: e, kind: 'imports' });
  }
  return ranges.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
}

export function findDefinition(doc: ScriptDocument, position: Position, ctx: ScriptContext): Location | undefined {
  const offset = doc.offsetAt(position);
  const analysis = doc.analysis(ctx);
  const path = nodePathAt(doc.parsed.ast, offset);
  const node = path[path.length - 1];
  if (node.kind !== 'Identifier') return undefined;
  const symbol = analysis.resolutions.get(node);
  if (!symbol?.nameRange) return undefined;
  return { range: doc.range(symbol.nameRange) };
}

/** Quick fixes: replace a misspelled name by the suggestion of its diagnostic. */
export function getCodeActions(diagnostics: readonly Diagnostic[]): CodeAction[] {
  return diagnostics
    .filter((d) => d.suggestion !== undefined)
    .map((d) => ({ title: `Change to '${d.suggestion}'`, kind: 'quickfix' as const, diagnostic: d, edits: [{ range: d.range, newText: d.suggestion! }], isPreferred: true }));
}
