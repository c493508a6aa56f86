// Completion: members after `.` / `?.` / `*.`, quoted Azure DevOps field names after `."`, and names (variables,
// helpers, script methods, locals) plus recipe snippets elsewhere. Pure: no `vscode`, no Node built-ins.
import { nodePathAt, type MethodDeclaration, type Node, type PropertyExpression, type StringLiteral } from '../ast';
import { methodSignature, type ScriptModelIndex, type TypeModel } from '../model';
import type { Analysis, ScopeRecord } from './analysis';
import type { ScriptDocument } from './document';
import { LIST_METHODS, MAP_METHODS, STRING_METHODS, type GdkMethod } from './gdk';
import { adoFieldDoc, fieldDoc, methodDoc, variableDoc } from './docs';
import type { CompletionItem, CompletionList, Position, ProjectField, ScriptContext } from './protocol';
import { SNIPPETS } from './snippets';

const KEYWORDS = ['def', 'if', 'else', 'for', 'while', 'return', 'switch', 'case', 'default', 'break', 'continue', 'try', 'catch', 'finally', 'throw', 'new', 'true', 'false', 'null', 'in', 'as', 'instanceof', 'import', 'class'];

export function doComplete(doc: ScriptDocument, position: Position, ctx: ScriptContext): CompletionList {
  const offset = doc.offsetAt(position);
  const analysis = doc.analysis(ctx);
  const ast = doc.parsed.ast;
  if (ast.comments.some((c) => c.range.start < offset && (offset < c.range.end || (c.style !== 'block' && c.style !== 'doc' && offset === c.range.end)))) {
    return { items: [], isIncomplete: false };
  }
  const path = nodePathAt(ast, offset);
  const deepest = path[path.length - 1];
  const parent = path[path.length - 2] as Node | undefined;

  if (parent?.kind === 'PropertyExpression' && parent.property === deepest) {
    if (deepest.kind === 'StringLiteral' || deepest.kind === 'GStringLiteral') {
      return { items: quotedItems(doc, parent, deepest as StringLiteral, offset, analysis, ctx), isIncomplete: false };
    }
    if (deepest.kind === 'Name' && offset >= deepest.range.start) return { items: memberItems(parent, analysis), isIncomplete: false };
  }
  // Right after the dot of an unfinished member access whose name the parser attached elsewhere.
  if (deepest.kind === 'PropertyExpression' && offset >= deepest.operatorRange.end && deepest.property.kind === 'Name') {
    return { items: memberItems(deepest, analysis), isIncomplete: false };
  }
  if (deepest.kind === 'StringLiteral' || deepest.kind === 'GStringText' || deepest.kind === 'NumberLiteral') return { items: [], isIncomplete: false };
  return { items: nameItems(doc, offset, analysis, ctx), isIncomplete: false };
}

function memberItems(prop: PropertyExpression, analysis: Analysis): CompletionItem[] {
  const model = analysis.model;
  const objectType = analysis.types.get(prop.object);
  const spread = prop.operator === '*.';
  const ownerRef = spread ? model.elementType(objectType) : objectType;
  const owner = model.type(ownerRef);
  if (owner) return typeMembers(owner, model);
  const element = model.elementType(objectType);
  if (element) {
    const items = gdkItems(LIST_METHODS, objectType!, element);
    // Groovy spreads element properties over a list: `workItem.labels.label`.
    const elementType = model.type(element);
    if (elementType) for (const f of elementType.fields) items.push({ label: f.name, kind: 'field', detail: `List<${f.type}> (each ${element}.${f.name})`, documentation: fieldDoc(elementType, f), sortText: `2${f.name}` });
    return items;
  }
  if (objectType === 'String') return gdkItems(STRING_METHODS, 'String', undefined);
  if (objectType === 'Map') return gdkItems(MAP_METHODS, 'Map', undefined);
  return [];
}

function typeMembers(owner: TypeModel, model: ScriptModelIndex): CompletionItem[] {
  const items: CompletionItem[] = [];
  for (const f of owner.fields) {
    items.push({ label: f.name, kind: 'field', detail: f.type, documentation: fieldDoc(owner, f), sortText: `1${f.name}` });
  }
  for (const m of owner.methods) {
    items.push({
      label: m.name,
      kind: 'method',
      detail: methodSignature(m),
      documentation: methodDoc(owner, m),
      insertText: m.params.length === 0 ? `${m.name}()` : `${m.name}($1)`,
      snippet: true,
      sortText: `1${m.name}`,
    });
  }
  if (owner.quotedAdoFields) {
    for (const f of model.model.adoFields) {
      if (f.scriptProperty) continue;
      items.push({ label: `"${f.referenceName}"`, kind: 'property', detail: `${f.name} (${f.type})`, documentation: adoFieldDoc(f), sortText: `3${f.referenceName}`, filterText: f.referenceName });
    }
  }
  return items;
}

function gdkItems(methods: GdkMethod[], receiver: string, element: string | undefined): CompletionItem[] {
  return methods.map((m) => ({
    label: m.name,
    kind: 'method' as const,
    detail: `${m.name}(…): ${m.returns === 'E' ? (element ?? 'Object') : m.returns === 'L' ? receiver : m.returns}`,
    documentation: { kind: 'markdown' as const, value: m.doc },
    insertText: m.closureOverElements ? `${m.name} { $1 }` : `${m.name}($1)`,
    snippet: true,
    sortText: `5${m.name}`,
  }));
}

/** `workItem."` / `replica.customFields."`: Azure DevOps fields of the project (and of every project). */
function quotedItems(doc: ScriptDocument, prop: PropertyExpression, literal: StringLiteral, offset: number, analysis: Analysis, ctx: ScriptContext): CompletionItem[] {
  const model = analysis.model;
  const owner = model.type(analysis.types.get(prop.object));
  if (!owner) return [];
  const text = doc.text;
  const quote = literal.quote;
  const contentStart = literal.range.start + quote.length;
  const closed = literal.range.end - literal.range.start >= 2 * quote.length && text.slice(literal.range.end - quote.length, literal.range.end) === quote;
  const contentEnd = closed ? literal.range.end - quote.length : literal.range.end;
  if (offset < contentStart || offset > contentEnd) return [];
  const range = doc.range({ start: contentStart, end: contentEnd });
  const project = new Map<string, ProjectField>();
  for (const f of ctx.projectFields ?? []) project.set(f.referenceName.toLowerCase(), f);

  if (owner.name === 'CustomFields') {
    return [...project.values()]
      .filter((f) => !/^(System|Microsoft)\./.test(f.referenceName))
      .map((f) => ({ label: f.name, kind: 'property' as const, detail: `${f.referenceName} (${f.type})`, documentation: adoFieldDoc(f, ctx.projectName), range, insertText: f.name }));
  }
  if (!owner.quotedAdoFields) return [];
  const items: CompletionItem[] = [];
  for (const f of project.values()) {
    items.push({ label: f.referenceName, kind: 'property', detail: `${f.name} (${f.type}${f.readOnly ? ', read-only' : ''})`, documentation: adoFieldDoc(f, ctx.projectName), range, insertText: f.referenceName, sortText: `${f.referenceName.startsWith('Custom.') ? 0 : 1}${f.referenceName}` });
  }
  for (const f of model.model.adoFields) {
    if (project.has(f.referenceName.toLowerCase())) continue;
    items.push({ label: f.referenceName, kind: 'property', detail: `${f.name} (${f.type}${f.readOnly ? ', read-only' : ''})`, documentation: adoFieldDoc(f), range, insertText: f.referenceName, sortText: `2${f.referenceName}` });
  }
  return items;
}

function nameItems(doc: ScriptDocument, offset: number, analysis: Analysis, ctx: ScriptContext): CompletionItem[] {
  const model = analysis.model;
  let start = offset;
  while (start > 0 && /[\w$]/.test(doc.text[start - 1])) start--;
  const range = doc.range({ start, end: offset });
  const items: CompletionItem[] = [];
  const seen = new Set<string>();
  const add = (item: CompletionItem) => {
    if (seen.has(item.label)) return;
    seen.add(item.label);
    items.push({ range, ...item });
  };
  for (const v of visibleAt(analysis.scopes, offset)) {
    add({ label: v.name, kind: 'variable', detail: v.type ? `${v.kind === 'parameter' ? 'parameter' : 'local'}: ${v.type}` : v.kind === 'parameter' ? 'parameter' : 'local variable', sortText: `0${v.name}` });
  }
  for (const [name, decls] of analysis.methods) {
    add({ label: name, kind: 'function', detail: scriptMethodSignature(decls[0]), insertText: `${name}($1)`, snippet: true, sortText: `1${name}` });
  }
  for (const v of model.variablesFor(ctx.direction)) {
    add({ label: v.name, kind: v.kind === 'helper' ? 'module' : 'variable', detail: v.type, documentation: variableDoc(v), sortText: `${v.kind === 'helper' ? 3 : 2}${v.name}` });
  }
  for (const [name, b] of analysis.bindings) {
    add({ label: name, kind: 'variable', detail: b.type ? `binding: ${b.type}` : 'script binding', sortText: `4${name}` });
  }
  for (const k of KEYWORDS) add({ label: k, kind: 'keyword', sortText: `8${k}` });
  for (const s of SNIPPETS) {
    if (s.directions && ctx.direction && !s.directions.includes(ctx.direction)) continue;
    add({ label: s.prefix, kind: 'snippet', detail: s.label, documentation: { kind: 'markdown', value: `${s.description}\n\n\`\`\`groovy\n${s.body.replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\d/g, '').replace(/\\\$/g, '$').replace(/\\\\/g, '\\')}\n\`\`\`` }, insertText: s.body, snippet: true, sortText: `9${s.prefix}` });
  }
  return items;
}

/** Locals and parameters visible at `offset` (script-body locals are not visible inside methods). */
export function visibleAt(scopes: ScopeRecord[], offset: number): Array<{ name: string; kind: string; type?: string; nameRange?: { start: number; end: number } }> {
  let inner: ScopeRecord | undefined;
  for (const s of scopes) if (s.start <= offset && offset <= s.end && (!inner || s.start >= inner.start)) inner = s;
  const out: Array<{ name: string; kind: string; type?: string; nameRange?: { start: number; end: number } }> = [];
  let crossedMethod = false;
  for (let s = inner; s; s = s.parent) {
    if (!(crossedMethod && s.kind !== 'class')) {
      for (const v of s.vars) if (v.visibleFrom <= offset && v.symbol.kind !== 'method') out.push({ name: v.symbol.name, kind: v.symbol.kind, type: v.symbol.type, nameRange: v.symbol.nameRange });
    }
    if (s.kind === 'method') crossedMethod = true;
  }
  return out;
}

export function scriptMethodSignature(m: MethodDeclaration): string {
  const params = m.parameters.map((p) => `${p.type ? `${p.type.name} ` : ''}${p.name.name}${p.defaultValue ? ' = …' : ''}`).join(', ');
  return `${m.returnType ? m.returnType.name : 'def'} ${m.name.name}(${params})`;
}
