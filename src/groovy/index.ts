// Public entry of the Groovy front end: parse a sync script into a typed AST with syntax diagnostics.
// Pure module: no `vscode`, no Node built-ins (it also runs in a browser).
import type { ParseResult } from './ast';
import { Parser } from './parser';

export * from './ast';
export { tokenize } from './lexer';
export type { Token, TokenKind } from './lexer';

/** Parses a whole Groovy script. Never throws: errors become diagnostics and the AST is still built. */
export function parse(text: string): ParseResult {
  return new Parser(text).parseScript();
}
