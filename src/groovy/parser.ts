// Error-tolerant recursive-descent parser for Groovy 4 sync scripts (see docs/groovy-parser.md).
// Follows the structure and the newline rules of Groovy's own grammar (GroovyParser.g4): where that grammar
// allows `nls` (newlines) the parser skips them, elsewhere a newline ends the statement.
// Pure module: no `vscode`, no Node built-ins.
import type * as A from './ast';
import { PRIMITIVE_TYPES, tokenize, type Token } from './lexer';

type Expr = A.Expression;

/** Thrown to abandon a speculative parse (never escapes the parser). */
class Backtrack {}
const BACKTRACK = new Backtrack();

const MODIFIERS = new Set([
  'public', 'protected', 'private', 'static', 'abstract', 'final', 'strictfp', 'default', 'native', 'synchronized',
  'transient', 'volatile', 'def', 'var', 'sealed', 'non-sealed',
]);

/** Binary operators: precedence (higher binds tighter) and whether a newline may precede the operator. */
const BINARY: Record<string, { prec: number; nlBefore: boolean }> = {
  '||': { prec: 1, nlBefore: true },
  '&&': { prec: 2, nlBefore: true },
  '|': { prec: 3, nlBefore: true },
  '^': { prec: 4, nlBefore: true },
  '&': { prec: 5, nlBefore: true },
  '=~': { prec: 6, nlBefore: true },
  '==~': { prec: 6, nlBefore: true },
  '==': { prec: 7, nlBefore: true },
  '!=': { prec: 7, nlBefore: true },
  '===': { prec: 7, nlBefore: true },
  '!==': { prec: 7, nlBefore: true },
  '<=>': { prec: 7, nlBefore: true },
  '<': { prec: 8, nlBefore: true },
  '<=': { prec: 8, nlBefore: true },
  '>': { prec: 8, nlBefore: true },
  '>=': { prec: 8, nlBefore: true },
  in: { prec: 8, nlBefore: true },
  '!in': { prec: 8, nlBefore: true },
  instanceof: { prec: 8, nlBefore: true },
  '!instanceof': { prec: 8, nlBefore: true },
  as: { prec: 8, nlBefore: true },
  '<<': { prec: 9, nlBefore: true },
  '>>': { prec: 9, nlBefore: true },
  '>>>': { prec: 9, nlBefore: true },
  '..': { prec: 9, nlBefore: true },
  '..<': { prec: 9, nlBefore: true },
  '<..': { prec: 9, nlBefore: true },
  '<..<': { prec: 9, nlBefore: true },
  '+': { prec: 10, nlBefore: false },
  '-': { prec: 10, nlBefore: false },
  '*': { prec: 11, nlBefore: true },
  '/': { prec: 11, nlBefore: true },
  '%': { prec: 11, nlBefore: true },
  '**': { prec: 13, nlBefore: false },
};
const UNARY_PREFIX_PREC = 12; // + - ++ -- (binds looser than **)

const ASSIGN_OPS = new Set(['=', '+=', '-=', '*=', '/=', '%=', '**=', '<<=', '>>=', '>>>=', '&=', '|=', '^=', '?=']);

function isCapitalized(name: string): boolean {
  const c = name.charCodeAt(0);
  return (c >= 65 && c <= 90) || (c > 127 && name[0] !== name[0].toLowerCase());
}

export class Parser {
  private readonly toks: Token[];
  private i = 0;
  private readonly diagnostics: A.SyntaxDiagnostic[] = [];
  private readonly comments: A.Comment[];
  /** >0 while speculating: errors throw BACKTRACK instead of being recorded. */
  private speculating = 0;
  /**
   * The outermost open argument list / closure / index that directly follows a plain name path (`foo(`,
   * `x.each {`, `a[`). Groovy's parser must look through such a region to choose between a call and a
   * paren-less command call, so it reports any syntax error inside it at the opener; we do the same.
   */
  private ambiguousOpener: Token | undefined;
  private outerTypeArgsStart: Token | undefined;
  /** Start offset of the innermost statement expression (where a paren-less command call may begin). */
  private statementExprStart = -1;
  private matches: Int32Array | undefined;
  /** Like ambiguousOpener, for a closure after the argument list of a plain path (not for end-of-file errors). */
  private closureAfterArgsOpener: Token | undefined;
  /** Errors Groovy finds while building its AST (after a successful parse): reported after the syntax errors. */
  private readonly conversionErrors: A.SyntaxDiagnostic[] = [];
  /** Nesting of blocks/closures (0 = script level), loops and switches (for break/continue). */
  private blockDepth = 0;
  private loopDepth = 0;
  private switchDepth = 0;

  constructor(private readonly text: string) {
    const lexed = tokenize(text);
    this.toks = lexed.tokens;
    this.comments = lexed.comments.map((c) => ({ kind: 'Comment', style: c.style, range: { start: c.start, end: c.end } }));
    for (const e of lexed.errors) this.diagnostics.push({ range: { start: e.start, end: e.end }, message: e.message, severity: 'error' });
  }

  parseScript(): A.ParseResult {
    const body = this.parseStatements('script');
    const ast: A.Script = { kind: 'Script', body, comments: this.comments, range: { start: 0, end: this.text.length } };
    this.diagnostics.sort((a, b) => a.range.start - b.range.start);
    this.conversionErrors.sort((a, b) => a.range.start - b.range.start);
    // Groovy reports AST-building errors only when the parse succeeded: syntax errors come first.
    return { ast, diagnostics: [...this.diagnostics, ...this.conversionErrors] };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Token helpers

  private get tok(): Token {
    return this.toks[this.i];
  }
  private peek(n = 1): Token {
    return this.toks[Math.min(this.i + n, this.toks.length - 1)];
  }
  private prevEnd(): number {
    return this.i > 0 ? this.toks[this.i - 1].end : 0;
  }
  private next(): Token {
    const t = this.toks[this.i];
    if (t.kind !== 'eof') this.i++;
    return t;
  }
  private isOp(v: string, t: Token = this.tok): boolean {
    return t.kind === 'op' && t.value === v;
  }
  private isKw(v: string, t: Token = this.tok): boolean {
    return t.kind === 'keyword' && t.value === v;
  }
  private isIdent(t: Token = this.tok): boolean {
    return t.kind === 'ident';
  }
  private eatOp(v: string): Token | undefined {
    if (this.isOp(v)) return this.next();
    return undefined;
  }

  /** An error Groovy reports while building the AST (not a parse error). */
  private conversionError(message: string, start: number, end: number): void {
    if (this.speculating > 0) return;
    this.conversionErrors.push({ range: { start, end }, message, severity: 'error' });
  }

  private error(message: string, start: number, end: number): void {
    if (this.speculating > 0) throw BACKTRACK;
    const opener = this.ambiguousOpener ?? (start < this.text.length ? this.closureAfterArgsOpener : undefined);
    if (opener && start >= opener.start) {
      const what = opener.value === '{' ? 'closure' : opener.value === '(' ? 'argument list' : opener.value.endsWith('[') ? 'index' : 'member expression';
      message = `${message} at line ${this.lineOf(start)} (inside the ${what} that starts here)`;
      start = opener.start;
      end = opener.end;
    }
    // One diagnostic per position is enough.
    const last = this.diagnostics[this.diagnostics.length - 1];
    if (last && last.range.start === start) return;
    this.diagnostics.push({ range: { start, end }, message, severity: 'error' });
  }

  private lineOf(offset: number): number {
    let line = 1;
    for (let k = 0; k < offset; k++) {
      const c = this.text.charCodeAt(k);
      if (c === 10 || (c === 13 && this.text.charCodeAt(k + 1) !== 10)) line++;
    }
    return line;
  }

  /** Runs `f` with `opener` as the ambiguous region when `e` is a plain name path and no region is open yet. */
  private inRegion<T>(e: Expr, opener: Token, f: () => T): T {
    if (this.ambiguousOpener || !this.isPlainPath(e)) return f();
    this.ambiguousOpener = opener;
    try {
      return f();
    } finally {
      this.ambiguousOpener = undefined;
    }
  }

  /** `foo`, `a.b?.c`, `"x".y`, `this.z`: a primary followed only by member names (no call, index or closure). */
  private isPlainPath(e: Expr): boolean {
    for (;;) {
      switch (e.kind) {
        case 'Identifier':
        case 'ThisExpression':
        case 'SuperExpression':
        case 'StringLiteral':
        case 'GStringLiteral':
        case 'NumberLiteral':
        case 'BooleanLiteral':
        case 'NullLiteral':
        case 'NewExpression':
          return true;
        case 'PropertyExpression':
          e = e.object;
          continue;
        default:
          return false;
      }
    }
  }

  /** Reports the current token as unexpected. */
  private unexpected(what?: string): void {
    const t = this.tok;
    if (t.kind === 'eof') {
      this.error(what ? `Unexpected end of file, expected ${what}` : 'Unexpected end of file', this.text.length, this.text.length);
    } else {
      const text = this.text.slice(t.start, t.end);
      this.error(what ? `Unexpected '${text}', expected ${what}` : `Unexpected input: '${text}'`, t.start, t.end);
    }
  }

  private expectOp(v: string): boolean {
    if (this.eatOp(v)) return true;
    this.unexpected(`'${v}'`);
    return false;
  }

  private range(start: number): A.Range {
    return { start, end: Math.max(start, this.prevEnd()) };
  }

  /** Runs `f` speculatively; on failure restores the position and returns undefined. */
  private attempt<T>(f: () => T): T | undefined {
    const save = this.i;
    const savedTypeArgs = this.outerTypeArgsStart;
    this.speculating++;
    try {
      return f();
    } catch (e) {
      if (e !== BACKTRACK) throw e;
      this.i = save;
      this.outerTypeArgsStart = savedTypeArgs;
      return undefined;
    } finally {
      this.speculating--;
    }
  }

  private errorExpr(): A.ErrorExpression {
    const at = this.tok.kind === 'eof' ? this.prevEnd() : this.tok.start;
    return { kind: 'ErrorExpression', range: { start: at, end: at } };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Statements

  /** Statement list of the script, a block or a closure body. Stops before `}` (not consumed) or EOF. */
  private parseStatements(ctx: 'script' | 'block'): A.Statement[] {
    if (ctx === 'block') this.blockDepth++;
    try {
      return this.parseStatementList(ctx);
    } finally {
      if (ctx === 'block') this.blockDepth--;
    }
  }

  private parseStatementList(ctx: 'script' | 'block'): A.Statement[] {
    const body: A.Statement[] = [];
    for (;;) {
      while (this.eatOp(';')) {
        /* empty statements between separators are not kept */
      }
      const t = this.tok;
      if (t.kind === 'eof') break;
      if (this.isOp('}')) {
        if (ctx === 'block') break;
        this.unexpected();
        this.next();
        continue;
      }
      const before = this.i;
      const stmt = this.parseStatement();
      if (stmt) body.push(stmt);
      if (stmt?.kind === 'PackageDeclaration') continue; // no separator needed after `package a.b`
      if (this.i === before) {
        // no progress: report and skip the token
        this.unexpected();
        this.next();
        this.recover();
        continue;
      }
      // separator (after an error, any line break resynchronizes, also one hidden by an unclosed parenthesis)
      const n = this.tok;
      if (n.kind === 'eof' || n.nl || this.isOp(';') || this.isOp('}') || (n.lineStart && this.diagnostics.length > 0)) continue;
      this.unexpected();
      this.recover();
    }
    return body;
  }

  /** Skips to the next statement boundary: a newline or `;` at this nesting level, or the `}` closing it. */
  private recover(): void {
    let depth = 0;
    for (;;) {
      const t = this.tok;
      if (t.kind === 'eof') return;
      if (depth === 0 && (t.nl || this.isOp(';'))) return;
      if (t.lineStart && depth <= 0) return;
      if (t.kind === 'op') {
        if (t.value === '(' || t.value === '[' || t.value === '?[' || t.value === '{') depth++;
        else if (t.value === ')' || t.value === ']' || t.value === '}') {
          if (depth === 0 && t.value === '}') return;
          if (depth > 0) depth--;
        }
      }
      this.next();
    }
  }

  private parseStatement(): A.Statement | undefined {
    const t = this.tok;
    const start = t.start;
    if (t.kind === 'keyword') {
      switch (t.value) {
        case 'import':
          return this.parseImport([]);
        case 'package':
          return this.parsePackage();
        case 'if':
          return this.parseIf();
        case 'while':
          return this.parseWhile();
        case 'do':
          return this.parseDoWhile();
        case 'for':
          return this.parseFor();
        case 'switch':
          return this.parseSwitch();
        case 'try':
          return this.parseTry();
        case 'return': {
          this.next();
          const argument = this.atStatementEnd() ? undefined : this.parseExpression();
          return { kind: 'ReturnStatement', argument, range: this.range(start) };
        }
        case 'throw': {
          this.next();
          const argument = this.parseExpression();
          return { kind: 'ThrowStatement', argument, range: this.range(start) };
        }
        case 'break':
        case 'continue': {
          this.next();
          let label: A.Name | undefined;
          if (this.isIdent() && !this.tok.nl) label = this.name(this.next());
          if (t.value === 'break' && !label && this.loopDepth === 0 && this.switchDepth === 0) {
            this.conversionError('break statement is only allowed inside loops or switches', start, this.prevEnd());
          } else if (t.value === 'continue' && !label && this.loopDepth === 0) {
            this.conversionError('continue statement is only allowed inside loops', start, this.prevEnd());
          }
          return { kind: t.value === 'break' ? 'BreakStatement' : 'ContinueStatement', label, range: this.range(start) };
        }
        case 'assert': {
          this.next();
          const test = this.parseExpression();
          let message: Expr | undefined;
          if (this.isOp(':') || this.isOp(',')) {
            this.next();
            message = this.parseExpression();
          }
          return { kind: 'AssertStatement', test, message, range: this.range(start) };
        }
        case 'synchronized':
          if (this.isOp('(', this.peek())) {
            this.next();
            this.parseParExpression();
            return this.parseBlock();
          }
          break;
        case 'class':
        case 'interface':
        case 'enum':
          return this.parseClass(start, [], []);
        default:
          break;
      }
    }
    if (this.isOp('{') && !this.blockFollowedByPath()) return this.parseBlock();
    if (this.isOp(';')) {
      this.next();
      return { kind: 'EmptyStatement', range: this.range(start) };
    }
    // label
    if (this.isIdent() && this.isOp(':', this.peek()) && !this.peek().nl) {
      const label = this.name(this.next());
      this.next(); // ':'
      if (this.tok.kind === 'eof' || this.isOp('}')) {
        this.unexpected('a statement');
        return { kind: 'LabeledStatement', label, body: { kind: 'EmptyStatement', range: this.range(this.prevEnd()) }, range: this.range(start) };
      }
      const body = this.parseStatement() ?? { kind: 'EmptyStatement', range: this.range(this.prevEnd()) };
      return { kind: 'LabeledStatement', label, body, range: this.range(start) };
    }
    // declarations: modifiers / annotations / types
    const decl = this.tryDeclaration(this.blockDepth === 0 ? 'script' : 'local');
    if (decl) return decl;
    const expression = this.parseStatementExpression();
    return { kind: 'ExpressionStatement', expression, range: this.range(start) };
  }

  /** `{ … }.foo()` at a statement start is a closure expression, not a block (Groovy picks what parses). */
  private blockFollowedByPath(): boolean {
    const k = this.matching(this.i);
    if (k < 0) return false;
    const n = this.toks[k + 1];
    if (n.kind === 'op') {
      if (['.', '?.', '*.', '.&', '.@', '?.@', '*.@', '::', '??.'].includes(n.value)) return true;
      // `{ a }{ b }`, `{ a }(x)`: a closure called on the same line
      return !n.nl && (n.value === '{' || n.value === '(' || n.value === '[');
    }
    // `{ a } b`: a closure called with a command argument
    return !n.nl && (n.kind === 'ident' || n.kind === 'string' || n.kind === 'gsBegin' || n.kind === 'number');
  }

  /** Index of the token closing the bracket at token index `k` (`{`, `(`, `[`, `?[`), or -1. Computed once. */
  private matching(k: number): number {
    if (!this.matches) {
      const m = new Int32Array(this.toks.length).fill(-1);
      const stacks: Record<string, number[]> = { '{': [], '(': [], '[': [] };
      for (let j = 0; j < this.toks.length; j++) {
        const t = this.toks[j];
        if (t.kind !== 'op') continue;
        const v = t.value;
        if (v === '{' || v === '(' || v === '[') stacks[v].push(j);
        else if (v === '?[') stacks['['].push(j);
        else if (v === '}' || v === ')' || v === ']') {
          const open = stacks[v === '}' ? '{' : v === ')' ? '(' : '['].pop();
          if (open !== undefined) m[open] = j;
        }
      }
      this.matches = m;
    }
    return this.matches[k];
  }

  private atStatementEnd(): boolean {
    const t = this.tok;
    return t.kind === 'eof' || t.nl || this.isOp(';') || this.isOp('}');
  }

  private name(t: Token): A.Name {
    return { kind: 'Name', name: t.value, range: { start: t.start, end: t.end } };
  }

  private parsePackage(): A.PackageDeclaration {
    const start = this.next().start;
    const { name, range } = this.parseQualifiedName();
    return { kind: 'PackageDeclaration', name, nameRange: range, range: this.range(start) };
  }

  /** Identifiers and the words Groovy allows in package names (`def`, `in`, `as`, `trait`). */
  private isQualifiedNameElement(t: Token): boolean {
    return t.kind === 'ident' || (t.kind === 'keyword' && t.value === 'def');
  }

  private parseQualifiedName(): { name: string; range: A.Range } {
    const start = this.tok.start;
    const parts: string[] = [];
    if (this.isQualifiedNameElement(this.tok)) parts.push(this.next().value);
    else this.unexpected('a name');
    while (this.isOp('.') && this.isQualifiedNameElement(this.peek()) && !this.peek().nl) {
      this.next();
      parts.push(this.next().value);
    }
    return { name: parts.join('.'), range: this.range(start) };
  }

  private parseImport(annotations: A.Annotation[]): A.ImportDeclaration {
    const start = annotations[0]?.range.start ?? this.tok.start;
    this.next(); // import
    let isStatic = false;
    if (this.isKw('static')) {
      this.next();
      isStatic = true;
    }
    const pathStart = this.tok.start;
    const parts: string[] = [];
    let star = false;
    if (this.isQualifiedNameElement(this.tok)) parts.push(this.next().value);
    else this.unexpected('a name');
    while (this.isOp('.')) {
      this.next();
      if (this.isOp('*') && !this.tok.nl) {
        this.next();
        star = true;
        break;
      }
      if (this.isQualifiedNameElement(this.tok) && !this.tok.nl) parts.push(this.next().value);
      else {
        // Groovy sees the line break itself as the unexpected input
        if (this.tok.nl) this.error(`Unexpected line break, expected a name`, this.prevEnd(), this.prevEnd());
        else this.unexpected('a name');
        break;
      }
    }
    const pathEnd = star ? this.toks[this.i - 3]?.end ?? this.prevEnd() : this.prevEnd();
    let alias: A.Name | undefined;
    if (!star && this.isIdent() && this.tok.value === 'as' && !this.tok.nl) {
      this.next();
      if (this.isIdent()) alias = this.name(this.next());
      else this.unexpected('a name');
    }
    return { kind: 'ImportDeclaration', static: isStatic, path: parts.join('.'), pathRange: { start: pathStart, end: Math.max(pathStart, pathEnd) }, star, alias, range: this.range(start) };
  }

  private parseBlock(): A.BlockStatement {
    const start = this.tok.start;
    if (!this.expectOp('{')) return { kind: 'BlockStatement', body: [], range: this.range(start) };
    const body = this.parseStatements('block');
    this.expectClose('}', start);
    return { kind: 'BlockStatement', body, range: this.range(start) };
  }

  private expectClose(v: string, _openStart: number): void {
    if (this.eatOp(v)) return;
    this.unexpected(`'${v}'`);
  }

  /** `( expr )` as used by if/while/switch. */
  private parseParExpression(): Expr {
    if (!this.expectOp('(')) return this.errorExpr();
    const e = this.parseStatementExpression();
    this.expectOp(')');
    return e;
  }

  private parseIf(): A.IfStatement {
    const start = this.next().start;
    const test = this.parseParExpression();
    const consequent = this.parseSubStatement();
    let alternate: A.Statement | undefined;
    // ((nls | sep) ELSE)
    let k = this.i;
    while (this.isOp(';', this.toks[k])) k++;
    if (this.isKw('else', this.toks[k])) {
      this.i = k;
      this.next();
      alternate = this.parseSubStatement();
    }
    return { kind: 'IfStatement', test, consequent, alternate, range: this.range(start) };
  }

  /** The statement body of if/else/while/for (newlines allowed before it). */
  private parseSubStatement(): A.Statement {
    if (this.tok.kind === 'eof' || this.isOp('}')) {
      this.unexpected('a statement');
      return { kind: 'EmptyStatement', range: this.range(this.prevEnd()) };
    }
    const before = this.i;
    const s = this.parseStatement();
    if (!s || this.i === before) {
      if (this.i === before) {
        this.unexpected('a statement');
        this.next();
      }
      return { kind: 'EmptyStatement', range: this.range(this.prevEnd()) };
    }
    return s;
  }

  private loopBody<T>(f: () => T): T {
    this.loopDepth++;
    try {
      return f();
    } finally {
      this.loopDepth--;
    }
  }

  /** Closures, methods and classes start a fresh break/continue/ambiguity context. */
  private freshContext<T>(f: () => T): T {
    const saved = [this.loopDepth, this.switchDepth] as const;
    this.loopDepth = 0;
    this.switchDepth = 0;
    try {
      return f();
    } finally {
      [this.loopDepth, this.switchDepth] = saved;
    }
  }

  private parseWhile(): A.WhileStatement {
    const start = this.next().start;
    const test = this.parseParExpression();
    const body = this.loopBody(() => this.parseSubStatement());
    return { kind: 'WhileStatement', test, body, range: this.range(start) };
  }

  private parseDoWhile(): A.DoWhileStatement {
    const start = this.next().start;
    const body = this.loopBody(() => this.parseSubStatement());
    let test: Expr;
    if (this.isKw('while')) {
      this.next();
      test = this.parseParExpression();
    } else {
      this.unexpected("'while'");
      test = this.errorExpr();
    }
    return { kind: 'DoWhileStatement', body, test, range: this.range(start) };
  }

  private parseFor(): A.ForInStatement | A.ForStatement {
    const start = this.next().start;
    const dummyBody = (): A.Statement => ({ kind: 'EmptyStatement', range: this.range(this.prevEnd()) });
    if (!this.expectOp('(')) return { kind: 'ForStatement', update: [], body: dummyBody(), range: this.range(start) };
    // enhanced for: [modifiers] [type] name (in | :) expr
    const forIn = this.attempt(() => {
      const pStart = this.tok.start;
      const { modifiers, annotations } = this.parseModifiers(false);
      let type: A.TypeRef | undefined;
      if (!(this.isIdent() && (this.isKw('in', this.peek()) || (this.isIdent(this.peek()) && this.peek().value === 'in') || this.isOp(':', this.peek())))) {
        type = this.parseType(false);
      }
      if (!this.isIdent()) throw BACKTRACK;
      const name = this.name(this.next());
      if (!(this.isIdent() && this.tok.value === 'in') && !this.isOp(':')) throw BACKTRACK;
      this.next();
      const variable: A.Parameter = { kind: 'Parameter', modifiers, annotations, type, name, varargs: false, range: this.range(pStart) };
      return variable;
    });
    if (forIn) {
      const iterable = this.parseExpression();
      this.expectOp(')');
      const body = this.loopBody(() => this.parseSubStatement());
      return { kind: 'ForInStatement', variable: forIn, iterable, body, range: this.range(start) };
    }
    let init: A.VariableDeclaration | Expr[] | undefined;
    if (!this.isOp(';')) {
      const d = this.tryDeclaration('local');
      if (d && d.kind === 'VariableDeclaration') init = d;
      else init = this.parseExpressionList();
    }
    this.expectOp(';');
    const test = this.isOp(';') ? undefined : this.parseExpression();
    this.expectOp(';');
    const update = this.isOp(')') ? [] : this.parseExpressionList();
    this.expectOp(')');
    const body = this.loopBody(() => this.parseSubStatement());
    return { kind: 'ForStatement', init, test, update, body, range: this.range(start) };
  }

  private parseExpressionList(): Expr[] {
    const list = [this.parseExpression()];
    while (this.eatOp(',')) list.push(this.parseExpression());
    return list;
  }

  private parseSwitch(): A.SwitchStatement {
    const start = this.next().start;
    const discriminant = this.parseParExpression();
    const cases: A.SwitchCase[] = [];
    if (!this.expectOp('{')) return { kind: 'SwitchStatement', discriminant, cases, range: this.range(start) };
    let current: A.SwitchCase | undefined;
    for (;;) {
      while (this.eatOp(';')) {
        /* skip */
      }
      if (this.isOp('}') || this.tok.kind === 'eof') break;
      if (this.isKw('case') || this.isKw('default')) {
        const lStart = this.tok.start;
        const isDefault = this.next().value === 'default';
        const test = isDefault ? undefined : this.parseExpression();
        this.expectOp(':');
        const label: A.CaseLabel = { kind: 'CaseLabel', test, range: this.range(lStart) };
        if (!current || current.body.length > 0) {
          current = { kind: 'SwitchCase', labels: [label], body: [], range: this.range(lStart) };
          cases.push(current);
        } else {
          current.labels.push(label);
        }
        current.range.end = this.prevEnd();
        continue;
      }
      if (!current) {
        this.unexpected("'case' or 'default'");
        this.next();
        this.recover();
        continue;
      }
      const before = this.i;
      this.switchDepth++;
      let s: A.Statement | undefined;
      try {
        s = this.parseStatement();
      } finally {
        this.switchDepth--;
      }
      if (s) current.body.push(s);
      if (this.i === before) {
        this.unexpected();
        this.next();
      }
      current.range.end = this.prevEnd();
      if (!this.atStatementEnd()) {
        this.unexpected();
        this.recover();
      }
    }
    this.expectClose('}', start);
    return { kind: 'SwitchStatement', discriminant, cases, range: this.range(start) };
  }

  private parseTry(): A.TryStatement {
    const start = this.next().start;
    const resources: (A.VariableDeclaration | Expr)[] = [];
    if (this.isOp('(')) {
      this.next();
      while (!this.isOp(')') && this.tok.kind !== 'eof') {
        const d = this.tryDeclaration('local');
        resources.push(d && d.kind === 'VariableDeclaration' ? d : this.parseExpression());
        if (!this.eatOp(';')) break;
      }
      this.expectOp(')');
    }
    const block = this.parseBlock();
    const handlers: A.CatchClause[] = [];
    while (this.isKw('catch')) {
      const cStart = this.next().start;
      this.expectOp('(');
      this.parseModifiers(false);
      const types: A.TypeRef[] = [];
      if (!(this.isIdent() && this.isOp(')', this.peek()))) {
        types.push(this.parseType(false));
        while (this.eatOp('|')) types.push(this.parseType(false));
      }
      let param: A.Name;
      if (this.isIdent()) param = this.name(this.next());
      else {
        this.unexpected('a name');
        param = { kind: 'Name', name: '', missing: true, range: { start: this.prevEnd(), end: this.prevEnd() } };
      }
      this.expectOp(')');
      const body = this.parseBlock();
      handlers.push({ kind: 'CatchClause', types, param, body, range: this.range(cStart) });
    }
    let finalizer: A.BlockStatement | undefined;
    if (this.isKw('finally')) {
      this.next();
      finalizer = this.parseBlock();
    }
    if (handlers.length === 0 && !finalizer && resources.length === 0) {
      this.error("A 'try' needs a 'catch' or 'finally' block", start, this.prevEnd());
    }
    return { kind: 'TryStatement', resources, block, handlers, finalizer, range: this.range(start) };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Declarations

  private parseAnnotation(): A.Annotation {
    const start = this.next().start; // @
    const type = this.parseType(false);
    const args: A.Argument[] = [];
    if (this.isOp('(')) {
      this.next();
      while (!this.isOp(')') && this.tok.kind !== 'eof') {
        if ((this.isIdent() || this.tok.kind === 'keyword') && this.isOp('=', this.peek())) {
          const nStart = this.tok.start;
          const name = this.name(this.next());
          this.next();
          const value = this.isOp('@') ? this.annotationAsExpr() : this.parseExpression();
          args.push({ kind: 'NamedArgument', name, value, range: this.range(nStart) });
        } else {
          args.push(this.isOp('@') ? this.annotationAsExpr() : this.parseExpression());
        }
        if (!this.eatOp(',')) break;
      }
      this.expectOp(')');
    }
    return { kind: 'Annotation', type, args, range: this.range(start) };
  }

  /** Nested annotation used as an annotation value: kept as an ErrorExpression-free ClassLiteral of its type. */
  private annotationAsExpr(): Expr {
    const a = this.parseAnnotation();
    return { kind: 'ClassLiteralExpression', type: a.type, range: a.range };
  }

  private parseModifiers(allowNewlines: boolean): { modifiers: A.Modifier[]; annotations: A.Annotation[] } {
    const modifiers: A.Modifier[] = [];
    const annotations: A.Annotation[] = [];
    for (;;) {
      const t = this.tok;
      if (t.kind === 'keyword' && MODIFIERS.has(t.value)) {
        // `static.foo`, `default:` etc. are not modifiers
        if (this.isOp('.', this.peek()) || this.isOp(':', this.peek())) break;
        this.next();
        modifiers.push({ kind: 'Modifier', name: t.value, range: { start: t.start, end: t.end } });
      } else if (t.kind === 'ident' && t.value === 'var' && (this.isIdent(this.peek()) || this.isOp('(', this.peek())) && !this.peek().nl) {
        this.next();
        modifiers.push({ kind: 'Modifier', name: 'var', range: { start: t.start, end: t.end } });
      } else if (this.isOp('@') && !(this.isKw('interface', this.peek()))) {
        annotations.push(this.parseAnnotation());
      } else break;
      if (!allowNewlines && this.tok.nl) break;
    }
    return { modifiers, annotations };
  }

  /**
   * Tries to parse a declaration (variable, method, class, import with annotations) at the current position.
   * Returns undefined (position unchanged) when the statement is not a declaration.
   */
  private tryDeclaration(ctx: 'script' | 'local' | 'class', className?: string): A.Statement | undefined {
    const start = this.tok.start;
    const t = this.tok;
    const startsWithModifier =
      (t.kind === 'keyword' && MODIFIERS.has(t.value) && !this.isOp('.', this.peek())) ||
      (this.isOp('@') && !this.isKw('interface', this.peek())) ||
      (t.kind === 'ident' && t.value === 'var' && this.isIdent(this.peek()) && !this.peek().nl);
    if (startsWithModifier) {
      const { modifiers, annotations } = this.parseModifiers(true);
      if (this.isKw('import') && modifiers.length === 0) return this.parseImport(annotations);
      if (this.isKw('class') || this.isKw('interface') || this.isKw('enum') || (this.isOp('@') && this.isKw('interface', this.peek())) ||
        (this.isIdent() && (this.tok.value === 'trait' || this.tok.value === 'record') && this.isIdent(this.peek()))) {
        return this.parseClass(start, modifiers, annotations);
      }
      return this.parseDeclarationRest(start, modifiers, annotations, ctx, className, true);
    }
    if (this.isIdent() && (t.value === 'trait' || t.value === 'record') && this.isIdent(this.peek()) && !this.peek().nl &&
      (this.isOp('{', this.peek(2)) || this.isOp('(', this.peek(2)) || this.isIdent(this.peek(2)) || this.isOp('<', this.peek(2)))) {
      return this.parseClass(start, [], []);
    }
    // `void m()`, `int x`, `String x`, `List<String> f(a) {`, `Foo.Bar x`, `foo bar = 1`
    if (!(this.isIdent() || (t.kind === 'keyword' && PRIMITIVE_TYPES.has(t.value)))) return undefined;
    if (ctx === 'class' && this.isIdent() && t.value === className && this.isOp('(', this.peek())) {
      return this.parseDeclarationRest(start, [], [], ctx, className, false);
    }
    if (!this.looksLikeTypedDeclaration()) return undefined;
    const save = this.i;
    const typed = this.attempt(() => {
      const type = this.parseType(false);
      if (!this.isIdent() || this.tok.nl) throw BACKTRACK;
      if (this.tok.value === 'in' || this.tok.value === 'as') throw BACKTRACK;
      const after = this.peek();
      const ok = (this.isOp('(', after) && !after.nl) || this.isOp('=', after) || this.isOp(',', after) || this.isOp(';', after) ||
        this.isOp('}', after) || after.kind === 'eof' || after.nl;
      if (!ok) throw BACKTRACK;
      return type;
    });
    if (!typed) {
      this.i = save;
      return undefined;
    }
    return this.parseDeclarationAfterType(start, [], [], typed, ctx, className);
  }

  /** Groovy's SemanticPredicates.isInvalidLocalVariableDeclaration, inverted: may `a b …` be a declaration? */
  private looksLikeTypedDeclaration(): boolean {
    const t = this.tok;
    if (t.kind === 'keyword') return true; // primitive or void
    let k = this.i + 1;
    // qualified name a.b.C
    let last = t;
    while (this.isOp('.', this.toks[k]) && this.isIdent(this.toks[k + 1])) {
      last = this.toks[k + 1];
      k += 2;
    }
    const after = this.toks[k];
    if (this.isOp('<', after) || this.isOp('[', after)) return true;
    if (!this.isIdent(after) || after.nl) return false;
    if (isCapitalized(last.value)) return true;
    // lower-case type: only `foo bar = …`
    return this.isOp('=', this.toks[k + 1]);
  }

  /** After modifiers: `[<T>] [type] name …` or `(a, b) = …`. */
  private parseDeclarationRest(
    start: number,
    modifiers: A.Modifier[],
    annotations: A.Annotation[],
    ctx: 'script' | 'local' | 'class',
    className: string | undefined,
    hadModifiers: boolean,
  ): A.Statement {
    let typeParameters: A.TypeParameter[] = [];
    if (this.isOp('<')) typeParameters = this.parseTypeParameters();
    // tuple declaration def (a, b) = …
    if (this.isOp('(') && hadModifiers) {
      this.next();
      const declarators: A.VariableDeclarator[] = [];
      let type: A.TypeRef | undefined;
      while (!this.isOp(')') && this.tok.kind !== 'eof') {
        const dStart = this.tok.start;
        if (!(this.isIdent() && (this.isOp(',', this.peek()) || this.isOp(')', this.peek())))) type = this.parseType(false);
        if (this.isIdent()) declarators.push({ kind: 'VariableDeclarator', name: this.name(this.next()), range: this.range(dStart) });
        else this.unexpected('a name');
        if (!this.eatOp(',')) break;
      }
      this.expectOp(')');
      let init: Expr | undefined;
      if (this.eatOp('=')) init = this.parseStatementExpression();
      else this.unexpected("'='");
      return { kind: 'VariableDeclaration', modifiers, annotations, type, declarators, tuple: { init }, range: this.range(start) };
    }
    // name directly (def x / def m()), constructor, or a type first
    if ((this.isIdent() || this.tok.kind === 'string') && (this.isOp('(', this.peek()) || this.isOp('=', this.peek()) || this.isOp(',', this.peek()) ||
      this.peek().nl || this.isOp(';', this.peek()) || this.isOp('}', this.peek()) || this.peek().kind === 'eof')) {
      if (this.tok.kind === 'string' && !this.isOp('(', this.peek())) {
        this.unexpected();
      }
      return this.parseDeclarationAfterType(start, modifiers, annotations, undefined, ctx, className, typeParameters);
    }
    if (this.isIdent() || (this.tok.kind === 'keyword' && PRIMITIVE_TYPES.has(this.tok.value))) {
      const type = this.parseType(false);
      return this.parseDeclarationAfterType(start, modifiers, annotations, type, ctx, className, typeParameters);
    }
    // Groovy cannot decide what the modifiers start and reports them
    const first = modifiers[0]?.range ?? annotations[0]?.range;
    if (first) this.error(`Unexpected input: '${this.text.slice(first.start, first.end)}'`, first.start, first.end);
    else this.unexpected('a name');
    return { kind: 'VariableDeclaration', modifiers, annotations, declarators: [], range: this.range(start) };
  }

  private parseDeclarationAfterType(
    start: number,
    modifiers: A.Modifier[],
    annotations: A.Annotation[],
    type: A.TypeRef | undefined,
    ctx: 'script' | 'local' | 'class',
    className: string | undefined,
    typeParameters: A.TypeParameter[] = [],
  ): A.Statement {
    const nameTok = this.tok;
    if (!(this.isIdent() || this.tok.kind === 'string')) {
      this.unexpected('a name');
      return { kind: 'VariableDeclaration', modifiers, annotations, type, declarators: [], range: this.range(start) };
    }
    if (this.isOp('(', this.peek()) && ctx !== 'local') {
      if (type && !this.isStandardType(type)) this.error(`Unexpected input: '('`, this.peek().start, this.peek().end);
      this.next();
      const name = this.name(nameTok);
      if (nameTok.kind === 'string') name.name = nameTok.value;
      return this.parseMethodRest(start, modifiers, annotations, typeParameters, type, name, ctx, className);
    }
    const declarators: A.VariableDeclarator[] = [];
    for (;;) {
      const dStart = this.tok.start;
      if (!this.isIdent()) {
        this.unexpected('a name');
        break;
      }
      const name = this.name(this.next());
      let init: Expr | undefined;
      if (this.isOp('=')) {
        this.next();
        init = this.parseStatementExpression();
      }
      declarators.push({ kind: 'VariableDeclarator', name, init, range: this.range(dStart) });
      if (!this.eatOp(',')) break;
    }
    return { kind: 'VariableDeclaration', modifiers, annotations, type, declarators, range: this.range(start) };
  }

  /** Method return types: primitives, `void`, or a class name whose last part is capitalized. */
  private isStandardType(type: A.TypeRef): boolean {
    if (PRIMITIVE_TYPES.has(type.name)) return true;
    const last = type.name.slice(type.name.lastIndexOf('.') + 1);
    return isCapitalized(last);
  }

  private parseMethodRest(
    start: number,
    modifiers: A.Modifier[],
    annotations: A.Annotation[],
    typeParameters: A.TypeParameter[],
    returnType: A.TypeRef | undefined,
    name: A.Name,
    ctx: 'script' | 'local' | 'class',
    className: string | undefined,
  ): A.MethodDeclaration {
    const parameters = this.parseFormalParameters();
    const throws: A.TypeRef[] = [];
    if (this.isKw('throws')) {
      this.next();
      throws.push(this.parseType(false));
      while (this.eatOp(',')) throws.push(this.parseType(false));
    }
    let body: A.BlockStatement | undefined;
    if (this.isKw('default')) {
      this.next();
      this.parseExpression();
    } else if (this.isOp('{')) {
      body = this.freshContext(() => this.parseBlock());
    } else if (ctx === 'script') {
      this.conversionError(`You cannot define a method[${name.name}] without method body in the script`, start, this.prevEnd());
    }
    const isConstructor = ctx === 'class' && !returnType && name.name === className && !modifiers.some((m) => m.name === 'def');
    return { kind: 'MethodDeclaration', modifiers, annotations, typeParameters, returnType, name, parameters, throws, body, isConstructor, range: this.range(start) };
  }

  private parseFormalParameters(): A.Parameter[] {
    const params: A.Parameter[] = [];
    this.expectOp('(');
    while (!this.isOp(')') && this.tok.kind !== 'eof') {
      params.push(this.parseParameter(true));
      if (!this.eatOp(',')) break;
    }
    this.expectOp(')');
    return params;
  }

  /** `[modifiers] [Type] [...] name [= default]`. */
  private parseParameter(allowDefault: boolean): A.Parameter {
    const start = this.tok.start;
    const { modifiers, annotations } = this.parseModifiers(true);
    let type: A.TypeRef | undefined;
    let varargs = false;
    const nameFollows = (t: Token): boolean => this.isOp(',', t) || this.isOp(')', t) || this.isOp('=', t) || this.isOp('->', t) || this.isOp('|', t);
    if (!(this.isIdent() && nameFollows(this.peek()))) {
      if (this.isIdent() || (this.tok.kind === 'keyword' && PRIMITIVE_TYPES.has(this.tok.value))) type = this.parseType(false);
    }
    if (this.isOp('...')) {
      this.next();
      varargs = true;
      if (type) type.varargs = true;
    }
    let name: A.Name;
    if (this.isIdent()) name = this.name(this.next());
    else {
      this.unexpected('a parameter name');
      name = { kind: 'Name', name: '', missing: true, range: { start: this.prevEnd(), end: this.prevEnd() } };
    }
    let defaultValue: Expr | undefined;
    if (allowDefault && this.isOp('=')) {
      this.next();
      defaultValue = this.parseExpression();
    }
    return { kind: 'Parameter', modifiers, annotations, type, name, defaultValue, varargs, range: this.range(start) };
  }

  private parseTypeParameters(): A.TypeParameter[] {
    const list: A.TypeParameter[] = [];
    this.next(); // <
    while (!this.isOp('>') && this.tok.kind !== 'eof') {
      const start = this.tok.start;
      if (!this.isIdent()) {
        this.unexpected('a type parameter');
        break;
      }
      const name = this.name(this.next());
      const bounds: A.TypeRef[] = [];
      if (this.isKw('extends')) {
        this.next();
        bounds.push(this.parseType(false));
        while (this.eatOp('&')) bounds.push(this.parseType(false));
      }
      list.push({ kind: 'TypeParameter', name, bounds, range: this.range(start) });
      if (!this.eatOp(',')) break;
    }
    this.expectOp('>');
    return list;
  }

  /** `Name(.Name)* [<args>] ([])*`; `?` wildcards only when `inTypeArgs`. */
  private parseType(inTypeArgs: boolean, allowDiamond = false): A.TypeRef {
    const start = this.tok.start;
    while (this.isOp('@')) this.parseAnnotation();
    if (inTypeArgs && this.isOp('?')) {
      const q = this.next();
      const type: A.TypeRef = { kind: 'TypeRef', name: '?', nameRange: { start: q.start, end: q.end }, arrayDimensions: 0, range: this.range(start) };
      if (this.isKw('extends') || this.isKw('super')) {
        const k = this.next().value as 'extends' | 'super';
        type.bound = { kind: k, type: this.parseType(true) };
      }
      type.range = this.range(start);
      return type;
    }
    const nameStart = this.tok.start;
    let name: string;
    if (this.isIdent() || (this.tok.kind === 'keyword' && (PRIMITIVE_TYPES.has(this.tok.value) || this.tok.value === 'def'))) {
      name = this.next().value;
      while (this.isOp('.') && this.isIdent(this.peek())) {
        this.next();
        name += '.' + this.next().value;
      }
    } else {
      this.unexpected('a type');
      name = '';
    }
    const nameRange = this.range(nameStart);
    let typeArguments: A.TypeRef[] | undefined;
    if (this.isOp('<')) {
      const lt = this.next();
      typeArguments = [];
      if (this.isOp('>') && !allowDiamond) {
        // `<>` is only allowed after `new`; Groovy reports the outermost type argument list
        const at = this.outerTypeArgsStart ?? lt;
        this.error(`Unexpected input: '<'`, at.start, at.end);
      }
      const outer = this.outerTypeArgsStart;
      this.outerTypeArgsStart ??= lt;
      if (!this.isOp('>')) {
        typeArguments.push(this.parseType(true));
        while (this.eatOp(',')) typeArguments.push(this.parseType(true));
      }
      this.closeAngle();
      this.outerTypeArgsStart = outer;
      // inner class of a generic type: Map.Entry<K, V>… ignore
      while (this.isOp('.') && this.isIdent(this.peek())) {
        this.next();
        name += '.' + this.next().value;
      }
    }
    let arrayDimensions = 0;
    while (this.isOp('[') && this.isOp(']', this.peek())) {
      this.next();
      this.next();
      arrayDimensions++;
    }
    return { kind: 'TypeRef', name, nameRange, typeArguments, arrayDimensions, range: this.range(start) };
  }

  /** Consumes one `>` closing type arguments; `>>`/`>>>` are lexed as separate `>` tokens already. */
  private closeAngle(): void {
    if (this.isOp('>')) {
      this.next();
      return;
    }
    if (this.isOp('>=') || this.isOp('>>=')) {
      // split the token: consume its first '>'
      const t = this.tok;
      this.toks[this.i] = { ...t, value: t.value.slice(1), start: t.start + 1, nl: false };
      return;
    }
    this.unexpected("'>'");
  }

  private parseClass(start: number, modifiers: A.Modifier[], annotations: A.Annotation[]): A.ClassDeclaration {
    let classKind: A.ClassDeclaration['classKind'];
    if (this.isOp('@')) {
      this.next();
      this.next();
      classKind = 'annotation';
    } else {
      const v = this.next().value;
      classKind = v === 'interface' ? 'interface' : v === 'enum' ? 'enum' : v === 'trait' ? 'trait' : v === 'record' ? 'record' : 'class';
    }
    let name: A.Name;
    if (this.isIdent()) name = this.name(this.next());
    else {
      this.unexpected('a class name');
      name = { kind: 'Name', name: '', missing: true, range: { start: this.prevEnd(), end: this.prevEnd() } };
    }
    const typeParameters = this.isOp('<') ? this.parseTypeParameters() : [];
    let recordComponents: A.Parameter[] | undefined;
    if (classKind === 'record' && this.isOp('(')) recordComponents = this.parseFormalParameters();
    const ext: A.TypeRef[] = [];
    const impl: A.TypeRef[] = [];
    for (;;) {
      if (this.isKw('extends')) {
        this.next();
        ext.push(this.parseType(false));
        while (this.eatOp(',')) ext.push(this.parseType(false));
      } else if (this.isKw('implements')) {
        this.next();
        impl.push(this.parseType(false));
        while (this.eatOp(',')) impl.push(this.parseType(false));
      } else if (this.isIdent() && this.tok.value === 'permits') {
        this.next();
        this.parseType(false);
        while (this.eatOp(',')) this.parseType(false);
      } else break;
    }
    const bodyStart = this.tok.start;
    const members = this.parseClassBody(name.name, classKind === 'enum');
    return {
      kind: 'ClassDeclaration', classKind, modifiers, annotations, name, typeParameters, extends: ext, implements: impl,
      recordComponents, members, bodyRange: this.range(bodyStart), range: this.range(start),
    };
  }

  private parseClassBody(className: string, isEnum: boolean): A.ClassMember[] {
    const members: A.ClassMember[] = [];
    if (!this.expectOp('{')) return members;
    if (isEnum) {
      while (this.isIdent() || this.isOp('@')) {
        const start = this.tok.start;
        const annotations: A.Annotation[] = [];
        while (this.isOp('@')) annotations.push(this.parseAnnotation());
        if (!this.isIdent()) break;
        // stop at a member declaration (type followed by name)
        if (this.isIdent(this.peek()) && !this.peek().nl) break;
        const name = this.name(this.next());
        const args = this.isOp('(') ? this.parseArguments().args : [];
        const body = this.isOp('{') ? this.parseClassBody(name.name, false) : undefined;
        members.push({ kind: 'EnumConstant', annotations, name, args, body, range: this.range(start) });
        if (!this.eatOp(',')) break;
      }
      this.eatOp(';');
    }
    for (;;) {
      while (this.eatOp(';')) {
        /* skip */
      }
      if (this.isOp('}') || this.tok.kind === 'eof') break;
      const start = this.tok.start;
      const before = this.i;
      let member: A.ClassMember | undefined;
      if (this.isOp('{') || (this.isKw('static') && this.isOp('{', this.peek()))) {
        const isStatic = this.isKw('static');
        if (isStatic) this.next();
        const body = this.parseBlock();
        member = { kind: 'InitializerBlock', static: isStatic, body, range: this.range(start) };
      } else {
        const d = this.tryDeclaration('class', className);
        if (d && (d.kind === 'VariableDeclaration' || d.kind === 'MethodDeclaration' || d.kind === 'ClassDeclaration')) member = d;
        else if (!d) {
          this.unexpected();
        }
      }
      if (member) members.push(member);
      if (this.i === before) {
        this.next();
        this.recover();
        continue;
      }
      if (!this.atStatementEnd()) {
        this.unexpected();
        this.recover();
      }
    }
    this.expectOp('}');
    return members;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Expressions

  /**
   * A statement expression: an expression, possibly a paren-less command call (`debug.error "x"`,
   * `foo a, b`, `a b c d` = `a(b).c(d)`).
   */
  private parseStatementExpression(): Expr {
    const start = this.tok.start;
    const saved = this.statementExprStart;
    this.statementExprStart = start;
    try {
      const expr = this.parseExpression();
      if (!this.canStartCommandArgs(expr)) return expr;
      return this.continueCommand(expr, start);
    } finally {
      this.statementExprStart = saved;
    }
  }

  /** `expr` is followed by paren-less command arguments on the same line: parse them. */
  private continueCommand(expr: Expr, start: number): Expr {
    let callee: Expr = expr;
    let result: Expr;
    if (expr.kind === 'CallExpression' && (expr.parenthesized || expr.trailingClosures.length > 0)) {
      // `m(1) x …`: no second argument list, only command arguments (`m(1).x …`)
      result = expr;
    } else {
      const args = this.parseCommandArgs();
      result = { kind: 'CallExpression', callee, args, trailingClosures: [], parenthesized: false, range: this.range(start) };
    }
    // commandArgument*: name [pathElements | args]
    while (!this.atStatementEnd() && this.isCommandPrimary(this.tok)) {
      const primTok = this.next();
      const nameNode = this.primaryAsName(primTok);
      callee = { kind: 'PropertyExpression', object: result, operator: '.', operatorRange: { start: primTok.start, end: primTok.start }, property: nameNode, range: this.range(start) };
      if (this.isPathElementStart()) {
        result = this.parsePathElements(callee, start);
      } else if (!this.atStatementEnd() && this.canStartArgument(this.tok)) {
        const more = this.parseCommandArgs();
        result = { kind: 'CallExpression', callee, args: more, trailingClosures: [], parenthesized: false, range: this.range(start) };
      } else {
        result = callee;
      }
    }
    return result;
  }

  private primaryAsName(t: Token): A.Name | A.StringLiteral | A.GStringLiteral {
    if (t.kind === 'string') return { kind: 'StringLiteral', value: t.value, quote: t.quote ?? '"', range: { start: t.start, end: t.end } };
    return { kind: 'Name', name: t.value, range: { start: t.start, end: t.end } };
  }

  private isCommandPrimary(t: Token): boolean {
    return t.kind === 'ident' || t.kind === 'number' || t.kind === 'string' ||
      (t.kind === 'keyword' && (t.value === 'null' || t.value === 'true' || t.value === 'false'));
  }

  /** Whether a paren-less argument list may follow `expr` on the same line. */
  private canStartCommandArgs(expr: Expr): boolean {
    if (this.atStatementEnd()) return false;
    // only a path expression (name, property, call) may take command arguments
    let e = expr;
    if (e.kind === 'CallExpression') {
      // `foo(1) 2` is not a call with more arguments (handled by commandArgument*)
      if (e.parenthesized || e.trailingClosures.length > 0) {
        return this.isCommandPrimary(this.tok) && !this.isBinaryOperatorToken(this.tok);
      }
      e = e.callee;
    }
    if (!(e.kind === 'Identifier' || e.kind === 'PropertyExpression' || e.kind === 'IndexExpression' || e.kind === 'ThisExpression' || e.kind === 'SuperExpression' ||
      e.kind === 'StringLiteral' || e.kind === 'GStringLiteral' || e.kind === 'NumberLiteral' || e.kind === 'BooleanLiteral' || e.kind === 'NullLiteral' ||
      e.kind === 'ElvisExpression' || e.kind === 'TernaryExpression' || e.kind === 'ParenthesizedExpression' || e.kind === 'ClassLiteralExpression' ||
      e.kind === 'ClosureExpression' || e.kind === 'CastExpression')) return false;
    return this.canStartArgument(this.tok);
  }

  private isBinaryOperatorToken(t: Token): boolean {
    return (t.kind === 'op' || t.kind === 'ident' || t.kind === 'keyword') && BINARY[t.value] !== undefined && t.value !== 'in' && t.value !== 'as';
  }

  /** Tokens that may start a paren-less argument (not ones that continue the expression). */
  private canStartArgument(t: Token): boolean {
    switch (t.kind) {
      case 'ident':
        return t.value !== 'in' && t.value !== 'as' || this.isOp(':', this.peek());
      case 'number':
      case 'string':
      case 'gsBegin':
        return true;
      case 'keyword':
        return t.value !== 'instanceof' && t.value !== 'else' && t.value !== 'catch' && t.value !== 'finally' && t.value !== 'case' && t.value !== 'default' && t.value !== 'while' ||
          this.isOp(':', this.peek());
      case 'op':
        return t.value === '!' || t.value === '~' || t.value === '@';
      default:
        return false;
    }
  }

  private parseCommandArgs(): A.Argument[] {
    const args: A.Argument[] = [this.parseArgument()];
    while (this.isOp(',')) {
      this.next();
      args.push(this.parseArgument());
    }
    return args;
  }

  /** A call argument: `expr`, `*expr`, `name: expr`, `*: expr`. */
  private parseArgument(): A.Argument {
    const start = this.tok.start;
    if (this.isOp('*') && this.isOp(':', this.peek())) {
      this.next();
      this.next();
      const argument = this.parseExpression();
      return { kind: 'SpreadMapExpression', argument, range: this.range(start) };
    }
    if (this.isOp('*')) {
      this.next();
      const argument = this.parseExpression();
      return { kind: 'SpreadExpression', argument, range: this.range(start) };
    }
    // keyword or identifier label
    if ((this.tok.kind === 'keyword' || this.tok.kind === 'ident') && this.isOp(':', this.peek())) {
      const name = this.name(this.next());
      this.next();
      const value = this.parseExpression();
      return { kind: 'NamedArgument', name, value, range: this.range(start) };
    }
    const e = this.parseExpression();
    if (this.isOp(':') && (e.kind === 'StringLiteral' || e.kind === 'GStringLiteral' || e.kind === 'NumberLiteral' || e.kind === 'ParenthesizedExpression' || e.kind === 'Identifier' || e.kind === 'BooleanLiteral' || e.kind === 'NullLiteral')) {
      this.next();
      const value = this.parseExpression();
      return { kind: 'NamedArgument', name: e, value, range: this.range(start) };
    }
    return e;
  }

  parseExpression(): Expr {
    const start = this.tok.start;
    const left = this.parseUnary();
    return this.parseBinaryRest(left, 0, start);
  }

  /**
   * Precedence climbing over binary operators, then ternary/elvis and assignment (lowest, right-associative).
   * `minPrec` 0 admits everything including assignment.
   */
  private parseBinaryRest(left: Expr, minPrec: number, start: number): Expr {
    for (;;) {
      const t = this.tok;
      let op = t.kind === 'op' || t.kind === 'keyword' || t.kind === 'ident' ? t.value : '';
      if (t.kind === 'ident' && op !== 'in' && op !== 'as') op = '';
      if (t.kind === 'keyword' && op !== 'instanceof') op = '';
      // `>>` and `>>>` from adjacent `>` tokens
      let width = 1;
      if (op === '>' && this.isOp('>', this.peek()) && this.peek().start === t.end) {
        if (this.isOp('>', this.peek(2)) && this.peek(2).start === this.peek().end) {
          op = '>>>';
          width = 3;
        } else {
          op = '>>';
          width = 2;
        }
      }
      const info = BINARY[op];
      if (info && info.prec > minPrec) {
        if (t.nl && !info.nlBefore) return left;
        const opStart = t.start;
        for (let k = 0; k < width; k++) this.next();
        const opRange = { start: opStart, end: this.prevEnd() };
        if (op === 'as') {
          const type = this.parseType(false);
          left = { kind: 'CastExpression', style: 'as', type, expression: left, range: this.range(start) };
          continue;
        }
        if (op === 'instanceof' || op === '!instanceof') {
          const type = this.parseType(false);
          left = { kind: 'InstanceofExpression', negated: op === '!instanceof', expression: left, type, range: this.range(start) };
          continue;
        }
        const rStart = this.tok.start;
        let right = this.parseUnary();
        right = this.parseBinaryRest(right, info.prec, rStart);
        if (op === '..' || op === '..<' || op === '<..' || op === '<..<') {
          left = { kind: 'RangeExpression', from: left, to: right, exclusiveFrom: op.startsWith('<'), exclusiveTo: op.endsWith('<') && op !== '<..', range: this.range(start) };
        } else {
          left = { kind: 'BinaryExpression', operator: op as A.BinaryOperator, operatorRange: opRange, left, right, range: this.range(start) };
        }
        continue;
      }
      if (minPrec > 0) return left;
      // ternary / elvis
      if (this.isOp('?') || this.isOp('?:')) {
        if (this.isOp('?:')) {
          this.next();
          const right = this.parseExpressionNoAssign();
          left = { kind: 'ElvisExpression', left, right, range: this.range(start) };
          continue;
        }
        this.next();
        const consequent = this.parseExpressionNoAssign();
        let alternate: Expr;
        if (this.expectOp(':')) alternate = this.parseExpressionNoAssign();
        else alternate = this.errorExpr();
        left = { kind: 'TernaryExpression', test: left, consequent, alternate, range: this.range(start) };
        continue;
      }
      if (t.kind === 'op' && ASSIGN_OPS.has(op)) {
        const opTok = this.next();
        const assignable =
          left.kind === 'Identifier' || left.kind === 'PropertyExpression' || left.kind === 'IndexExpression' ||
          (left.kind === 'ListExpression' && op === '=' && left.elements.every((x) => x.kind === 'Identifier') && this.text[left.range.start] === '(') ||
          (left.kind === 'ParenthesizedExpression' && (left.expression.kind === 'Identifier' || left.expression.kind === 'PropertyExpression' || left.expression.kind === 'IndexExpression'));
        if (!assignable) {
          this.conversionError('The LHS of an assignment should be a variable or a field accessing expression', left.range.start, left.range.end);
        }
        const value = this.isOp('(') && this.isLambdaAhead() ? this.parseLambda() : this.parseStatementExpressionOrExpr();
        left = { kind: 'AssignmentExpression', operator: op as A.AssignmentOperator, operatorRange: { start: opTok.start, end: opTok.end }, target: left, value, range: this.range(start) };
        return left;
      }
      return left;
    }
  }

  /** The right side of `=`: an expression, allowing command calls (`x = foo bar`). */
  private parseStatementExpressionOrExpr(): Expr {
    return this.parseStatementExpression();
  }

  /** Ternary branches: conditional-level expressions (assignment is right-assoc and lower). */
  private parseExpressionNoAssign(): Expr {
    const start = this.tok.start;
    const left = this.parseUnary();
    let e = this.parseBinaryRest(left, 0.5, start);
    // allow nested ternary/elvis
    if (this.isOp('?') || this.isOp('?:')) {
      if (this.isOp('?:')) {
        this.next();
        const right = this.parseExpressionNoAssign();
        e = { kind: 'ElvisExpression', left: e, right, range: this.range(start) };
      } else {
        this.next();
        const consequent = this.parseExpressionNoAssign();
        const alternate = this.expectOp(':') ? this.parseExpressionNoAssign() : this.errorExpr();
        e = { kind: 'TernaryExpression', test: e, consequent, alternate, range: this.range(start) };
      }
    }
    return e;
  }

  private parseUnary(): Expr {
    const t = this.tok;
    const start = t.start;
    if (t.kind === 'op') {
      switch (t.value) {
        case '!':
        case '~': {
          this.next();
          const argument = this.parseUnary();
          return { kind: 'UnaryExpression', operator: t.value, argument, range: this.range(start) };
        }
        case '-':
        case '+': {
          this.next();
          let argument = this.parseUnary();
          argument = this.parseBinaryRest(argument, UNARY_PREFIX_PREC, argument.range.start);
          return { kind: 'UnaryExpression', operator: t.value, argument, range: this.range(start) };
        }
        case '++':
        case '--': {
          this.next();
          let argument = this.parseUnary();
          argument = this.parseBinaryRest(argument, UNARY_PREFIX_PREC, argument.range.start);
          return { kind: 'UpdateExpression', operator: t.value, prefix: true, argument, range: this.range(start) };
        }
        case '(': {
          const cast = this.tryCast();
          if (cast) return cast;
          break;
        }
        default:
          break;
      }
    }
    return this.parsePostfix();
  }

  /** `(Type) operand` — only when the parenthesized text is a type and an operand follows. */
  private tryCast(): Expr | undefined {
    const start = this.tok.start;
    const n = this.peek();
    if (!(n.kind === 'ident' || (n.kind === 'keyword' && PRIMITIVE_TYPES.has(n.value)))) return undefined;
    const save = this.i;
    const type = this.attempt(() => {
      this.next();
      const ty = this.parseType(false);
      if (!this.isOp(')')) throw BACKTRACK;
      this.next();
      return ty;
    });
    if (!type) return undefined;
    const t = this.tok;
    const primitive = PRIMITIVE_TYPES.has(type.name);
    const operandStarts =
      t.kind === 'ident' || t.kind === 'number' || t.kind === 'string' || t.kind === 'gsBegin' ||
      (t.kind === 'keyword' && ['new', 'this', 'super', 'null', 'true', 'false'].includes(t.value)) ||
      (t.kind === 'keyword' && PRIMITIVE_TYPES.has(t.value)) ||
      (t.kind === 'op' && (t.value === '(' || t.value === '!' || t.value === '~' || t.value === '[' || t.value === '{' ||
        ((t.value === '-' || t.value === '+' || t.value === '++' || t.value === '--') && (primitive || isCapitalized(type.name)))));
    if (!operandStarts || (t.kind === 'ident' && (t.value === 'in' || t.value === 'as') && !this.isOp('.', this.peek()))) {
      this.i = save;
      return undefined;
    }
    const expression = this.parseUnary();
    return { kind: 'CastExpression', style: 'paren', type, expression, range: this.range(start) };
  }

  private parsePostfix(): Expr {
    const start = this.tok.start;
    const primary = this.parsePrimary();
    let e = this.parsePathElements(primary, start);
    while ((this.isOp('++') || this.isOp('--')) && !this.tok.nl) {
      const op = this.next().value as '++' | '--';
      e = { kind: 'UpdateExpression', operator: op, prefix: false, argument: e, range: this.range(start) };
    }
    return e;
  }

  private isPathElementStart(): boolean {
    const t = this.tok;
    if (t.kind !== 'op') return false;
    switch (t.value) {
      case '.': case '?.': case '*.': case '.&': case '.@': case '?.@': case '*.@': case '::': case '??.':
        return true;
      case '(': case '[': case '?[':
        return !t.nl;
      case '{':
        return true;
      default:
        return false;
    }
  }

  /** `.name`, `?.name`, `*.name`, `(args)`, `[index]`, `{ closure }` after a primary. */
  private parsePathElements(e: Expr, start: number): Expr {
    for (;;) {
      const t = this.tok;
      if (t.kind !== 'op') return e;
      switch (t.value) {
        case '.': case '?.': case '*.': case '.&': case '.@': case '?.@': case '*.@': case '::': case '??.': {
          this.next();
          const operator = (t.value === '??.' ? '?.' : t.value) as A.MemberOperator;
          const operatorRange = { start: t.start, end: t.end };
          let typeArguments: A.TypeRef[] | undefined;
          if (this.isOp('<')) {
            this.next();
            typeArguments = [this.parseType(true)];
            while (this.eatOp(',')) typeArguments.push(this.parseType(true));
            this.closeAngle();
          }
          let property: A.PropertyExpression['property'];
          const n = this.tok;
          if (n.kind === 'ident' || n.kind === 'keyword') {
            if (n.kind === 'keyword' && n.value === 'new' && operator === '.') {
              // a.new Inner()
              this.next();
              property = { kind: 'Name', name: 'new', range: { start: n.start, end: n.end } };
            } else {
              this.next();
              property = { kind: 'Name', name: n.value, range: { start: n.start, end: n.end } };
            }
          } else if (n.kind === 'string') {
            this.next();
            property = { kind: 'StringLiteral', value: n.value, quote: n.quote ?? '"', range: { start: n.start, end: n.end } };
          } else if (n.kind === 'gsBegin') {
            property = this.parseGString();
          } else if (n.kind === 'op' && n.value === '(') {
            property = this.inRegion(e, t, () => {
              const pStart = this.next().start;
              const inner = this.parseStatementExpression();
              this.expectOp(')');
              return { kind: 'ParenthesizedExpression', expression: inner, range: this.range(pStart) } as const;
            });
          } else {
            // missing member name (half-typed `replica.`); at the end of the file Groovy reports the dot
            if (this.tok.kind === 'eof') this.error('Unexpected end of file, expected a member name', t.start, t.end);
            else this.unexpected('a member name');
            const at = t.end;
            property = { kind: 'Name', name: '', missing: true, range: { start: at, end: at } };
          }
          e = { kind: 'PropertyExpression', object: e, operator, operatorRange, property, typeArguments, range: this.range(start) };
          continue;
        }
        case '(': {
          if (t.nl) return e;
          const commandFirstArg = e.range.start === this.statementExprStart;
          const { args, range } = this.inRegion(e, t, () => this.parseArguments(commandFirstArg));
          let closures: A.ClosureExpression[];
          if (this.isOp('{') && !this.ambiguousOpener && !this.closureAfterArgsOpener && this.isPlainPath(e)) {
            this.closureAfterArgsOpener = this.tok;
            try {
              closures = this.parseTrailingClosures();
            } finally {
              this.closureAfterArgsOpener = undefined;
            }
          } else closures = this.parseTrailingClosures();
          e = { kind: 'CallExpression', callee: e, args, trailingClosures: closures, parenthesized: true, argsRange: range, range: this.range(start) };
          continue;
        }
        case '[':
        case '?[': {
          if (t.nl) return e;
          const before = e;
          const indexed = this.inRegion(e, t, () => {
          this.next();
          const indices: Expr[] = [];
          if (this.isOp(']')) {
            // `String[]` as a value (class literal)
            if (e.kind === 'Identifier' || e.kind === 'PropertyExpression') {
              this.next();
              e = { kind: 'ClassLiteralExpression', type: { kind: 'TypeRef', name: this.text.slice(e.range.start, e.range.end), nameRange: e.range, arrayDimensions: 1, range: this.range(start) }, range: this.range(start) };
              return undefined;
            }
            this.unexpected('an index');
          }
          while (!this.isOp(']') && this.tok.kind !== 'eof') {
            const a = this.parseArgument();
            indices.push(a.kind === 'NamedArgument' ? a.value : a);
            if (!this.eatOp(',')) break;
          }
          this.expectOp(']');
          return indices;
          });
          if (indexed === undefined) continue;
          e = { kind: 'IndexExpression', object: before, indices: indexed, safe: t.value === '?[', range: this.range(start) };
          continue;
        }
        case '{': {
          // closure argument: `foo { }`, `list.each { }` (also after a newline, like Groovy's grammar)
          if (!this.closureMayFollow(e)) return e;
          const closures = this.inRegion(e, t, () => this.parseTrailingClosures());
          if (e.kind === 'CallExpression' && e.trailingClosures.length === 0 && closures.length > 0) {
            e = { ...e, trailingClosures: closures, range: this.range(start) };
          } else {
            e = { kind: 'CallExpression', callee: e, args: [], trailingClosures: closures, parenthesized: false, range: this.range(start) };
          }
          continue;
        }
        default:
          return e;
      }
    }
  }

  /** A `{` after an expression is a closure argument only after a name-like path or a call. */
  private closureMayFollow(e: Expr): boolean {
    switch (e.kind) {
      case 'Identifier':
      case 'PropertyExpression':
      case 'CallExpression':
      case 'IndexExpression':
      case 'ThisExpression':
      case 'SuperExpression':
      case 'StringLiteral':
      case 'GStringLiteral':
      case 'ParenthesizedExpression':
      case 'ClosureExpression':
      case 'ListExpression':
      case 'MapExpression':
      case 'NumberLiteral':
      case 'BooleanLiteral':
      case 'NullLiteral':
        return true;
      default:
        return false;
    }
  }

  private parseTrailingClosures(): A.ClosureExpression[] {
    const list: A.ClosureExpression[] = [];
    while (this.isOp('{')) list.push(this.parseClosure());
    return list;
  }

  /** `( args )` */
  private parseArguments(commandFirstArg = false): { args: A.Argument[]; range: A.Range } {
    const start = this.next().start; // (
    const args: A.Argument[] = [];
    while (!this.isOp(')') && this.tok.kind !== 'eof') {
      if (this.isOp('(') && this.isLambdaAhead()) args.push(this.parseLambda());
      else if (this.isIdent() && this.isOp('->', this.peek())) args.push(this.parseLambda());
      else if (args.length === 0 && commandFirstArg) {
        // the first argument may be a paren-less command call: `a.b(c d e)`, `foo(a b, c)`
        const aStart = this.tok.start;
        const a = this.parseArgument();
        if (a.kind !== 'NamedArgument' && a.kind !== 'SpreadExpression' && a.kind !== 'SpreadMapExpression' && this.canStartCommandArgs(a)) {
          // Groovy then reads `( … )` as a parenthesized command expression and reports errors where they are
          if (this.ambiguousOpener?.start === start) this.ambiguousOpener = undefined;
          args.push(this.continueCommand(a, aStart));
        } else args.push(a);
      } else args.push(this.parseArgument());
      if (!this.eatOp(',')) break;
      if (this.isOp(')')) break; // trailing comma
    }
    this.expectOp(')');
    return { args, range: this.range(start) };
  }

  private parseClosure(): A.ClosureExpression {
    const start = this.next().start; // {
    let parameters: A.Parameter[] | undefined;
    if (this.isOp('->')) {
      this.next();
      parameters = [];
    } else if (this.closureHasParams()) {
      parameters = [];
      for (;;) {
        parameters.push(this.parseParameter(true));
        if (!this.eatOp(',')) break;
      }
      this.expectOp('->');
    }
    const body = this.freshContext(() => this.parseStatements('block'));
    this.expectOp('}');
    return { kind: 'ClosureExpression', parameters, body, range: this.range(start) };
  }

  /** Scans ahead from just after `{`: is there a `->` before anything that cannot be in a parameter list? */
  private closureHasParams(): boolean {
    let depth = 0;
    for (let k = this.i; k < this.toks.length; k++) {
      const t = this.toks[k];
      if (t.kind === 'eof') return false;
      if (t.kind === 'op') {
        switch (t.value) {
          case '->':
            if (depth === 0) return true;
            break;
          case '(': case '[': case '<':
            depth++;
            break;
          case ')': case ']': case '>':
            depth--;
            if (depth < 0) return false;
            break;
          case '{': case '}': case ';':
            return false;
          case ',': case '.': case '=': case '...': case '?': case '@':
            break;
          default:
            if (depth === 0) return false;
        }
      } else if (t.kind === 'gsBegin') {
        return false;
      }
    }
    return false;
  }

  /** From `(`: is this `( params ) ->`? */
  private isLambdaAhead(): boolean {
    const k = this.matching(this.i);
    return k >= 0 && this.isOp('->', this.toks[k + 1]);
  }

  private parseLambda(): A.LambdaExpression {
    const start = this.tok.start;
    let parameters: A.Parameter[];
    if (this.isOp('(')) parameters = this.parseFormalParameters();
    else parameters = [this.parseParameter(false)];
    this.expectOp('->');
    const body = this.isOp('{') ? this.parseBlock() : this.parseExpression();
    return { kind: 'LambdaExpression', parameters, body, range: this.range(start) };
  }

  private parsePrimary(): Expr {
    const t = this.tok;
    const start = t.start;
    const r = (): A.Range => ({ start: t.start, end: t.end });
    switch (t.kind) {
      case 'ident':
        this.next();
        // `Type<Args>::new` etc. are rare; skip
        return { kind: 'Identifier', name: t.value, range: r() };
      case 'number':
        this.next();
        return this.numberLiteral(t);
      case 'string':
        this.next();
        return { kind: 'StringLiteral', value: t.value, quote: t.quote ?? '"', range: r() };
      case 'gsBegin':
        return this.parseGString();
      case 'keyword':
        switch (t.value) {
          case 'true':
          case 'false':
            this.next();
            return { kind: 'BooleanLiteral', value: t.value === 'true', range: r() };
          case 'null':
            this.next();
            return { kind: 'NullLiteral', range: r() };
          case 'this':
            this.next();
            return { kind: 'ThisExpression', range: r() };
          case 'super':
            this.next();
            return { kind: 'SuperExpression', range: r() };
          case 'new':
            return this.parseNew();
          case 'switch':
            break;
          default:
            if (PRIMITIVE_TYPES.has(t.value)) {
              // `int.class`, `int[]`
              this.next();
              return { kind: 'Identifier', name: t.value, range: r() };
            }
        }
        break;
      case 'op':
        switch (t.value) {
          case '(': {
            if (this.isLambdaAhead()) return this.parseLambda();
            this.next();
            // multiple assignment target `(a, b) = …`
            if (this.isIdent() && this.isOp(',', this.peek())) {
              const saved = this.i;
              const names = this.attempt(() => {
                const list: A.Identifier[] = [];
                for (;;) {
                  if (!this.isIdent()) throw BACKTRACK;
                  const n = this.next();
                  list.push({ kind: 'Identifier', name: n.value, range: { start: n.start, end: n.end } });
                  if (!this.eatOp(',')) break;
                }
                if (!this.isOp(')') || !this.isOp('=', this.peek())) throw BACKTRACK;
                this.next();
                return list;
              });
              if (names) return { kind: 'ListExpression', elements: names, range: this.range(start) };
              this.i = saved;
            }
            const expression = this.parseStatementExpression();
            this.expectOp(')');
            return { kind: 'ParenthesizedExpression', expression, range: this.range(start) };
          }
          case '[':
            return this.parseListOrMap();
          case '{':
            return this.parseClosure();
          default:
            break;
        }
        break;
      default:
        break;
    }
    this.unexpected();
    return this.errorExpr();
  }

  private numberLiteral(t: Token): A.NumberLiteral {
    const text = t.value;
    let body = text.replace(/_/g, '');
    let suffix: A.NumberLiteral['suffix'];
    const last = body[body.length - 1]?.toLowerCase();
    const isHex = /^0[xX]/.test(body);
    if (last === 'l' || last === 'i' || last === 'g' || ((last === 'd' || last === 'f') && !isHex)) {
      suffix = last as A.NumberLiteral['suffix'];
      body = body.slice(0, -1);
    }
    let value: number;
    let integer: boolean;
    if (isHex) {
      value = parseInt(body.slice(2), 16);
      integer = true;
    } else if (/^0[bB]/.test(body)) {
      value = parseInt(body.slice(2), 2);
      integer = true;
    } else if (/^0[0-7]+$/.test(body)) {
      value = parseInt(body, 8);
      integer = true;
    } else {
      value = Number(body);
      integer = !/[.eE]/.test(body) && suffix !== 'd' && suffix !== 'f';
    }
    return { kind: 'NumberLiteral', text, value, suffix, integer, range: { start: t.start, end: t.end } };
  }

  private parseGString(): A.GStringLiteral | A.StringLiteral {
    const begin = this.next(); // gsBegin
    const start = begin.start;
    const quote = begin.quote ?? '"';
    const parts: A.GStringPart[] = [];
    const quoteLen = quote.length;
    parts.push({ kind: 'GStringText', value: begin.value, range: { start: begin.start + quoteLen, end: begin.end - 1 } });
    for (;;) {
      const t = this.tok;
      if (t.kind === 'gsPath') {
        this.next();
        let expr: Expr | undefined;
        let off = t.start;
        for (const seg of t.value.split('.')) {
          const segRange = { start: off, end: off + seg.length };
          if (!expr) expr = { kind: 'Identifier', name: seg, range: segRange };
          else {
            expr = {
              kind: 'PropertyExpression', object: expr, operator: '.', operatorRange: { start: off - 1, end: off },
              property: { kind: 'Name', name: seg, range: segRange }, range: { start: t.start, end: segRange.end },
            };
          }
          off += seg.length + 1;
        }
        parts.push({ kind: 'GStringExpression', braces: false, expression: expr, range: { start: t.start - 1, end: t.end } });
      } else if (this.isOp('{')) {
        const bStart = this.next().start;
        let expression: Expr | undefined;
        if (this.isOp('->') || this.closureHasParams()) {
          // ${ -> x } closure form
          this.i--;
          expression = this.parseClosure();
        } else {
          if (!this.isOp('}')) {
            const stmts = this.parseStatements('block');
            const first = stmts[0];
            if (first && first.kind === 'ExpressionStatement' && stmts.length === 1) expression = first.expression;
            else if (stmts.length > 0) {
              // several statements in ${}: Groovy only allows one expression
              this.error('Only one expression is allowed in ${}', stmts[0].range.start, stmts[stmts.length - 1].range.end);
              const s0 = stmts[0];
              if (s0.kind === 'ExpressionStatement') expression = s0.expression;
            }
          }
          this.expectOp('}');
        }
        parts.push({ kind: 'GStringExpression', braces: true, expression, range: { start: bStart - 1, end: this.prevEnd() } });
      } else if (t.kind === 'gsMid') {
        this.next();
        parts.push({ kind: 'GStringText', value: t.value, range: { start: t.start, end: t.end - 1 } });
      } else if (t.kind === 'gsEnd') {
        this.next();
        const closeLen = t.error ? 0 : quote === '$/' ? 2 : quoteLen;
        parts.push({ kind: 'GStringText', value: t.value, range: { start: t.start, end: t.end - closeLen } });
        break;
      } else {
        // unterminated (the lexer already reported it)
        break;
      }
    }
    return { kind: 'GStringLiteral', quote, parts, range: this.range(start) };
  }

  private parseListOrMap(): A.ListExpression | A.MapExpression {
    const start = this.next().start; // [
    if (this.isOp(':') && this.isOp(']', this.peek())) {
      this.next();
      this.next();
      return { kind: 'MapExpression', entries: [], range: this.range(start) };
    }
    const elements: Expr[] = [];
    const entries: (A.MapEntry | A.SpreadMapExpression)[] = [];
    let isMap: boolean | undefined;
    while (!this.isOp(']') && this.tok.kind !== 'eof') {
      const eStart = this.tok.start;
      if (this.isOp('*') && this.isOp(':', this.peek())) {
        this.next();
        this.next();
        const argument = this.parseExpression();
        entries.push({ kind: 'SpreadMapExpression', argument, range: this.range(eStart) });
        isMap = true;
      } else if ((this.tok.kind === 'keyword' || this.tok.kind === 'ident') && this.isOp(':', this.peek()) && isMap !== false) {
        const key = this.name(this.next());
        this.next();
        const value = this.parseExpression();
        entries.push({ kind: 'MapEntry', key, value, range: this.range(eStart) });
        isMap = true;
      } else if (this.isOp('*') && isMap !== true) {
        this.next();
        const argument = this.parseExpression();
        elements.push({ kind: 'SpreadExpression', argument, range: this.range(eStart) });
        isMap = false;
      } else {
        const e = this.parseExpression();
        if (this.isOp(':') && isMap !== false) {
          this.next();
          const value = this.parseExpression();
          entries.push({ kind: 'MapEntry', key: e, value, range: this.range(eStart) });
          isMap = true;
        } else {
          if (isMap === true) this.unexpected("':'");
          elements.push(e);
          isMap = false;
        }
      }
      if (!this.eatOp(',')) break;
    }
    this.expectOp(']');
    if (isMap) return { kind: 'MapExpression', entries, range: this.range(start) };
    return { kind: 'ListExpression', elements, range: this.range(start) };
  }

  private parseNew(): A.NewExpression {
    const start = this.next().start; // new
    const type = this.parseType(false, true);
    // parseType consumed `[]` pairs as array dimensions of an array creation without sizes
    const node: A.NewExpression = { kind: 'NewExpression', type, args: [], range: this.range(start) };
    if (this.isOp('[') || type.arrayDimensions > 0) {
      const dims: (Expr | undefined)[] = [];
      for (let k = 0; k < type.arrayDimensions; k++) dims.push(undefined);
      while (this.isOp('[') && !this.tok.nl) {
        this.next();
        dims.push(this.isOp(']') ? undefined : this.parseExpression());
        this.expectOp(']');
      }
      node.arrayDimensions = dims;
      if (this.isOp('{')) {
        this.next();
        const init: Expr[] = [];
        while (!this.isOp('}') && this.tok.kind !== 'eof') {
          init.push(this.isOp('{') ? this.parseArrayInitAsList() : this.parseExpression());
          if (!this.eatOp(',')) break;
        }
        this.expectOp('}');
        node.arrayInitializer = init;
      }
    } else if (this.isOp('(')) {
      node.args = this.parseArguments().args;
      if (this.isOp('{') && !this.tok.nl) node.body = this.parseClassBody('', false);
    } else {
      this.unexpected("'('");
    }
    node.range = this.range(start);
    return node;
  }

  private parseArrayInitAsList(): A.ListExpression {
    const start = this.next().start;
    const elements: Expr[] = [];
    while (!this.isOp('}') && this.tok.kind !== 'eof') {
      elements.push(this.isOp('{') ? this.parseArrayInitAsList() : this.parseExpression());
      if (!this.eatOp(',')) break;
    }
    this.expectOp('}');
    return { kind: 'ListExpression', elements, range: this.range(start) };
  }
}
