// Hover (type and docs) and signature help. Pure: no `vscode`, no Node built-ins.
import { nodePathAt, type CallExpression, type Node } from '../ast';
import { methodSignature } from '../model';
import { scriptMethodSignature } from './completion';
import { adoFieldDoc, fieldDoc, methodDoc, typeDoc, variableDoc } from './docs';
import type { ScriptDocument } from './document';
import type { Hover, MarkupContent, Position, ScriptContext, SignatureHelp } from './protocol';

export function doHover(doc: ScriptDocument, position: Position, ctx: ScriptContext): Hover | undefined {
  const offset = doc.offsetAt(position);
  const analysis = doc.analysis(ctx);
  const path = nodePathAt(doc.parsed.ast, offset);
  const node = path[path.length - 1];
  const contents = hoverContents(node, analysis, ctx);
  return contents ? { contents, range: doc.range(node.range) } : undefined;
}

function hoverContents(node: Node, analysis: ReturnType<ScriptDocument['analysis']>, ctx: ScriptContext): MarkupContent | undefined {
  const model = analysis.model;
  if (node.kind === 'Identifier') {
    const symbol = analysis.resolutions.get(node);
    if (!symbol) return undefined;
    if (symbol.kind === 'model') {
      const v = model.variable(node.name);
      return v ? variableDoc(v) : undefined;
    }
    if (symbol.kind === 'method' && symbol.node?.kind === 'MethodDeclaration') return { kind: 'markdown', value: `\`\`\`groovy\n${scriptMethodSignature(symbol.node)}\n\`\`\`\n\nScript method.` };
    const label = { local: 'local variable', parameter: 'parameter', binding: 'script binding', implicit: 'closure variable', class: 'class', import: 'import', method: 'method', model: 'variable' }[symbol.kind];
    const type = symbol.type ?? analysis.types.get(node);
    const t = model.type(type);
    return { kind: 'markdown', value: `\`\`\`groovy\n(${label}) ${node.name}${type ? `: ${type}` : ''}\n\`\`\`${t ? `\n\n${t.doc}` : ''}` };
  }
  if (node.kind === 'Name' || node.kind === 'StringLiteral') {
    const info = analysis.members.get(node);
    if (!info) return undefined;
    if (info.match?.kind === 'method') return methodDoc(info.owner, info.match.method);
    if (info.match?.kind === 'field') return fieldDoc(info.owner, info.match.field);
    if (info.quoted !== undefined) {
      const pf = ctx.projectFields?.find((f) => f.referenceName.toLowerCase() === info.quoted!.toLowerCase() || f.name === info.quoted);
      if (pf) return adoFieldDoc(pf, ctx.projectName);
      const mf = model.adoField(info.quoted);
      if (mf) return adoFieldDoc(mf);
      const vt = model.type(info.owner.valueType);
      if (vt) return typeDoc(vt);
    }
  }
  return undefined;
}

export function doSignatureHelp(doc: ScriptDocument, position: Position, ctx: ScriptContext): SignatureHelp | undefined {
  const offset = doc.offsetAt(position);
  const analysis = doc.analysis(ctx);
  // An unclosed `f(a, ` ends before the whitespace the cursor is in: look up from the last non-blank character.
  let probe = offset;
  while (probe > 0 && /\s/.test(doc.text[probe - 1])) probe--;
  const path = nodePathAt(doc.parsed.ast, probe);
  for (let i = path.length - 1; i >= 0; i--) {
    const n = path[i];
    if (n.kind !== 'CallExpression' || !n.parenthesized || !n.argsRange) continue;
    const closed = doc.text[n.argsRange.end - 1] === ')' && n.argsRange.end - n.argsRange.start >= 2;
    if (offset <= n.argsRange.start || (closed && offset >= n.argsRange.end)) continue;
    const active = activeArgument(doc.text, n, offset);
    const callee = n.callee;
    if (callee.kind === 'PropertyExpression') {
      const info = analysis.members.get(callee.property);
      if (info?.match?.kind !== 'method') return undefined;
      const m = info.match.method;
      return {
        signatures: [{ label: methodSignature(m, info.owner.name), documentation: { kind: 'markdown', value: m.doc }, parameters: m.params.map((p) => ({ label: `${p.name}${p.optional ? '?' : ''}: ${p.type}`, documentation: { kind: 'markdown', value: p.doc } })) }],
        activeSignature: 0,
        activeParameter: Math.min(active, Math.max(0, m.params.length - 1)),
      };
    }
    if (callee.kind === 'Identifier') {
      const decls = analysis.methods.get(callee.name);
      if (!decls) return undefined;
      return {
        signatures: decls.map((d) => ({ label: scriptMethodSignature(d), parameters: d.parameters.map((p) => ({ label: `${p.type ? `${p.type.name} ` : ''}${p.name.name}` })) })),
        activeSignature: 0,
        activeParameter: active,
      };
    }
    return undefined;
  }
  return undefined;
}

/** Index of the argument the cursor is in: the number of top-level commas between `(` and the cursor. */
function activeArgument(text: string, call: CallExpression, offset: number): number {
  let index = 0;
  for (const a of call.args) if (a.range.end <= offset && text.slice(a.range.end, offset).includes(',')) index++;
  return index;
}
