// The Groovy language service for Exalate sync scripts, shaped like vscode-json-languageservice: pure functions
// over a ScriptDocument and plain LSP-like data (./protocol.ts). The editor adapter (src/language/) and the CLI
// (src/cli/check.ts) use it. Pure: no `vscode`, no Node built-ins.
import { doComplete } from './completion';
import { createScriptDocument, ScriptDocument } from './document';
import { doHover, doSignatureHelp } from './hover';
import { findDefinition, findDocumentSymbols, getCodeActions, getFoldingRanges } from './outline';
import type { Diagnostic, ScriptContext } from './protocol';

export * from './protocol';
export { directionFromFileName } from './direction';
export { createScriptDocument, ScriptDocument } from './document';
export { SNIPPETS, type ScriptSnippet } from './snippets';
export { doComplete, doHover, doSignatureHelp, findDefinition, findDocumentSymbols, getCodeActions, getFoldingRanges };

/** Syntax errors and the script-model checks, in source order. */
export function doValidation(doc: ScriptDocument, ctx: ScriptContext): Diagnostic[] {
  const out: Diagnostic[] = doc.parsed.diagnostics.map((d) => ({ range: doc.range(d.range), severity: 'error', code: 'syntax', message: d.message }));
  for (const d of doc.analysis(ctx).diagnostics) {
    out.push({
      range: doc.range({ start: d.start, end: d.end }),
      severity: d.severity,
      code: d.code,
      message: d.message,
      ...(d.suggestion ? { suggestion: d.suggestion } : {}),
      ...(d.unnecessary ? { unnecessary: true } : {}),
    });
  }
  return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

/** Parses and checks a whole script in one call (the CLI, tests). */
export function checkScript(text: string, ctx: ScriptContext = {}): Diagnostic[] {
  return doValidation(createScriptDocument(text), ctx);
}
