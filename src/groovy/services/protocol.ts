// Plain data types of the Groovy language service, shaped like the Language Server Protocol (0-based lines and
// UTF-16 columns) so an editor adapter maps them one to one. Pure: no `vscode`, no Node built-ins.
import type { Position } from '../ast';
import type { ScriptDirection } from '../model';

export type { Position } from '../ast';

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'info';

/** Stable codes, shown by the CLI and used by quick fixes. */
export type DiagnosticCode =
  | 'syntax'
  | 'unknown-member'
  | 'unknown-helper-method'
  | 'argument-count'
  | 'wrong-direction'
  | 'read-only'
  | 'undefined-variable'
  | 'local-not-visible'
  | 'unreachable';

export interface Diagnostic {
  range: Range;
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  /** The text at `range` can be replaced by this (a "did you mean" quick fix). */
  suggestion?: string;
  /** The code is unreachable or unused (editors fade it). */
  unnecessary?: boolean;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface MarkupContent {
  kind: 'markdown';
  value: string;
}

export type CompletionKind = 'variable' | 'field' | 'method' | 'function' | 'class' | 'keyword' | 'snippet' | 'property' | 'module';

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  /** One line shown next to the label (a type or signature). */
  detail?: string;
  documentation?: MarkupContent;
  /** Text inserted; a snippet (with `$1`, `${1:x}` tab stops) when `snippet` is true. */
  insertText?: string;
  snippet?: boolean;
  /** Replaces this range instead of the word at the cursor (quoted field names replace the whole string content). */
  range?: Range;
  filterText?: string;
  sortText?: string;
}

export interface CompletionList {
  items: CompletionItem[];
  /** More items may appear with more typing (ask again). */
  isIncomplete: boolean;
}

export interface Hover {
  contents: MarkupContent;
  range: Range;
}

export interface ParameterInformation {
  label: string;
  documentation?: MarkupContent;
}

export interface SignatureInformation {
  label: string;
  documentation?: MarkupContent;
  parameters: ParameterInformation[];
}

export interface SignatureHelp {
  signatures: SignatureInformation[];
  activeSignature: number;
  activeParameter: number;
}

export type SymbolKind = 'method' | 'class' | 'variable' | 'field' | 'constructor';

export interface DocumentSymbol {
  name: string;
  kind: SymbolKind;
  detail?: string;
  range: Range;
  selectionRange: Range;
  children: DocumentSymbol[];
}

export interface FoldingRange {
  startLine: number;
  endLine: number;
  kind?: 'comment' | 'imports' | 'region';
}

export interface Location {
  range: Range;
}

export interface CodeAction {
  title: string;
  kind: 'quickfix';
  diagnostic: Diagnostic;
  edits: TextEdit[];
  isPreferred?: boolean;
}

/** One Azure DevOps field of the connection's project, supplied by the editor (from the Azure DevOps REST API). */
export interface ProjectField {
  referenceName: string;
  name: string;
  type: string;
  readOnly: boolean;
  description?: string;
  workItemTypes?: string[];
}

/** What the service knows about the script besides its text. */
export interface ScriptContext {
  /** Outgoing or incoming; undefined when unknown (then only syntax and direction-independent checks run). */
  direction?: ScriptDirection;
  /** The project's Azure DevOps fields, for `workItem."…"` completion and hover. */
  projectFields?: readonly ProjectField[];
  /** Name of that project, for messages. */
  projectName?: string;
}
