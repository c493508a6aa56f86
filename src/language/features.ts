// The editor side of the Groovy language service: registers VS Code providers for sync scripts and keeps
// diagnostics up to date while typing (debounced). Built as its own bundle (dist/language.js) and required by
// ./index.ts when the first sync script is opened. All language knowledge is in src/groovy/services.
import * as vscode from 'vscode';
import {
  createScriptDocument,
  doComplete,
  doHover,
  doSignatureHelp,
  doValidation,
  findDefinition,
  findDocumentSymbols,
  getCodeActions,
  getFoldingRanges,
  type CompletionItem,
  type Diagnostic,
  type DocumentSymbol,
  type MarkupContent,
  type Range,
  type ScriptContext,
  type ScriptDocument,
} from '../groovy/services';
import type { LanguageHost } from './index';

/** Delay between the last keystroke and the new diagnostics. */
export const DIAGNOSTICS_DELAY_MS = 150;
const SELECTOR: vscode.DocumentSelector = [
  { scheme: 'exalate', language: 'groovy' },
  { scheme: 'file', language: 'groovy', pattern: '**/exalate/**/*.groovy' },
];

const toRange = (r: Range) => new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
const toMarkdown = (m: MarkupContent) => new vscode.MarkdownString(m.value);

const SEVERITY = { error: vscode.DiagnosticSeverity.Error, warning: vscode.DiagnosticSeverity.Warning, info: vscode.DiagnosticSeverity.Information } as const;
const COMPLETION_KIND: Record<CompletionItem['kind'], vscode.CompletionItemKind> = {
  variable: vscode.CompletionItemKind.Variable,
  field: vscode.CompletionItemKind.Field,
  method: vscode.CompletionItemKind.Method,
  function: vscode.CompletionItemKind.Function,
  class: vscode.CompletionItemKind.Class,
  keyword: vscode.CompletionItemKind.Keyword,
  snippet: vscode.CompletionItemKind.Snippet,
  property: vscode.CompletionItemKind.Property,
  module: vscode.CompletionItemKind.Module,
};
const SYMBOL_KIND: Record<DocumentSymbol['kind'], vscode.SymbolKind> = {
  method: vscode.SymbolKind.Method,
  class: vscode.SymbolKind.Class,
  variable: vscode.SymbolKind.Variable,
  field: vscode.SymbolKind.Field,
  constructor: vscode.SymbolKind.Constructor,
};

export function activateLanguageFeatures(host: LanguageHost): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('exalate-groovy');
  const parsed = new Map<string, { version: number; doc: ScriptDocument }>();
  const directions = new Map<string, Promise<ScriptContext['direction']>>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const diagnostics = new Map<string, Diagnostic[]>();

  const scriptDocument = (d: vscode.TextDocument): ScriptDocument => {
    const key = d.uri.toString();
    const hit = parsed.get(key);
    if (hit && hit.version === d.version) return hit.doc;
    const doc = createScriptDocument(d.getText());
    parsed.set(key, { version: d.version, doc });
    return doc;
  };
  const direction = (uri: vscode.Uri) => {
    const key = uri.toString();
    let p = directions.get(key);
    if (!p) {
      p = host.directionOf(uri);
      directions.set(key, p);
    }
    return p;
  };
  const context = async (d: vscode.TextDocument, withFields: boolean): Promise<ScriptContext> => {
    const dir = await direction(d.uri);
    if (!withFields) return { direction: dir };
    const project = await host.projectFieldsOf(d.uri);
    return { direction: dir, projectFields: project?.fields, projectName: project?.projectName };
  };

  const validate = async (d: vscode.TextDocument) => {
    if (!host.isSyncScript(d) || d.isClosed) return;
    const version = d.version;
    const ctx = await context(d, false);
    if (d.isClosed || d.version !== version) return;
    const ds = doValidation(scriptDocument(d), ctx);
    diagnostics.set(d.uri.toString(), ds);
    collection.set(
      d.uri,
      ds.map((x) => {
        const v = new vscode.Diagnostic(toRange(x.range), x.message, SEVERITY[x.severity]);
        v.source = 'exalate';
        v.code = x.code;
        if (x.unnecessary) v.tags = [vscode.DiagnosticTag.Unnecessary];
        return v;
      }),
    );
  };
  const schedule = (d: vscode.TextDocument) => {
    if (!host.isSyncScript(d)) return;
    const key = d.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        validate(d).catch((e: unknown) => host.log.error(`Checking ${d.uri.toString(true)} failed: ${e instanceof Error ? e.stack : String(e)}`));
      }, DIAGNOSTICS_DELAY_MS),
    );
  };
  const forget = (d: vscode.TextDocument) => {
    const key = d.uri.toString();
    clearTimeout(timers.get(key));
    timers.delete(key);
    parsed.delete(key);
    directions.delete(key);
    diagnostics.delete(key);
    collection.delete(d.uri);
  };

  const providers: vscode.Disposable[] = [
    vscode.workspace.onDidOpenTextDocument(schedule),
    vscode.workspace.onDidChangeTextDocument((e) => schedule(e.document)),
    vscode.workspace.onDidCloseTextDocument(forget),
    vscode.languages.registerCompletionItemProvider(
      SELECTOR,
      {
        async provideCompletionItems(d, position) {
          if (!host.isSyncScript(d)) return undefined;
          const ctx = await context(d, true);
          const list = doComplete(scriptDocument(d), position, ctx);
          return new vscode.CompletionList(
            list.items.map((i) => {
              const item = new vscode.CompletionItem(i.label, COMPLETION_KIND[i.kind]);
              item.detail = i.detail;
              if (i.documentation) item.documentation = toMarkdown(i.documentation);
              if (i.insertText !== undefined) item.insertText = i.snippet ? new vscode.SnippetString(i.insertText) : i.insertText;
              if (i.range) item.range = toRange(i.range);
              item.filterText = i.filterText;
              item.sortText = i.sortText;
              return item;
            }),
            list.isIncomplete,
          );
        },
      },
      '.',
      '"',
      "'",
    ),
    vscode.languages.registerHoverProvider(SELECTOR, {
      async provideHover(d, position) {
        if (!host.isSyncScript(d)) return undefined;
        const h = doHover(scriptDocument(d), position, await context(d, true));
        return h && new vscode.Hover(toMarkdown(h.contents), toRange(h.range));
      },
    }),
    vscode.languages.registerSignatureHelpProvider(
      SELECTOR,
      {
        async provideSignatureHelp(d, position) {
          if (!host.isSyncScript(d)) return undefined;
          const s = doSignatureHelp(scriptDocument(d), position, await context(d, false));
          if (!s) return undefined;
          const help = new vscode.SignatureHelp();
          help.signatures = s.signatures.map((x) => {
            const info = new vscode.SignatureInformation(x.label, x.documentation && toMarkdown(x.documentation));
            info.parameters = x.parameters.map((p) => new vscode.ParameterInformation(p.label, p.documentation && toMarkdown(p.documentation)));
            return info;
          });
          help.activeSignature = s.activeSignature;
          help.activeParameter = s.activeParameter;
          return help;
        },
      },
      '(',
      ',',
    ),
    vscode.languages.registerDocumentSymbolProvider(SELECTOR, {
      provideDocumentSymbols(d) {
        const convert = (s: DocumentSymbol): vscode.DocumentSymbol => {
          const v = new vscode.DocumentSymbol(s.name, s.detail ?? '', SYMBOL_KIND[s.kind], toRange(s.range), toRange(s.selectionRange));
          v.children = s.children.map(convert);
          return v;
        };
        return findDocumentSymbols(scriptDocument(d)).map(convert);
      },
    }),
    vscode.languages.registerFoldingRangeProvider(SELECTOR, {
      provideFoldingRanges(d) {
        const kinds = { comment: vscode.FoldingRangeKind.Comment, imports: vscode.FoldingRangeKind.Imports, region: vscode.FoldingRangeKind.Region };
        return getFoldingRanges(scriptDocument(d)).map((f) => new vscode.FoldingRange(f.startLine, f.endLine, f.kind && kinds[f.kind]));
      },
    }),
    vscode.languages.registerDefinitionProvider(SELECTOR, {
      async provideDefinition(d, position) {
        const loc = findDefinition(scriptDocument(d), position, await context(d, false));
        return loc && new vscode.Location(d.uri, toRange(loc.range));
      },
    }),
    vscode.languages.registerCodeActionsProvider(
      SELECTOR,
      {
        provideCodeActions(d, range) {
          const ours = (diagnostics.get(d.uri.toString()) ?? []).filter((x) => toRange(x.range).intersection(range) !== undefined);
          return getCodeActions(ours).map((a) => {
            const action = new vscode.CodeAction(a.title, vscode.CodeActionKind.QuickFix);
            action.edit = new vscode.WorkspaceEdit();
            for (const e of a.edits) action.edit.replace(d.uri, toRange(e.range), e.newText);
            action.isPreferred = a.isPreferred;
            const diag = new vscode.Diagnostic(toRange(a.diagnostic.range), a.diagnostic.message, SEVERITY[a.diagnostic.severity]);
            diag.code = a.diagnostic.code;
            action.diagnostics = [diag];
            return action;
          });
        },
      },
      { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
    ),
  ];
  for (const d of vscode.workspace.textDocuments) schedule(d);

  return vscode.Disposable.from(collection, ...providers, {
    dispose: () => {
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  });
}
