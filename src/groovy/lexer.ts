// Hand-written Groovy 4 lexer. Follows GroovyLexer's context rules where they change the token stream:
// - newlines inside `( … )` and `[ … ]` (but not inside `{ … }`) are insignificant;
// - `/` starts a slashy string where an operand is expected, else it is division;
// - GStrings are split into begin / middle / end pieces around `${ … }` (whose tokens are lexed normally, braces
//   included) and `$name.path` (one `gsPath` token).
// Newlines are not tokens: each token records whether a significant newline precedes it (`nl`).
// Pure module: no `vscode`, no Node built-ins.

export type TokenKind =
  | 'ident' // identifiers and contextual words (in, as, def, var, trait, …) — see KEYWORDS for reserved ones
  | 'keyword'
  | 'number'
  | 'string' // complete string literal without interpolation
  | 'gsBegin' // opening quote + text up to the first `$`/`${`
  | 'gsMid' // text between two interpolations
  | 'gsEnd' // text after the last interpolation + closing quote
  | 'gsPath' // `$name.path` inside a GString (value = the path without `$`)
  | 'op' // punctuation and operators
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** Identifier/keyword/op text; cooked string value for strings and GString pieces; source text for numbers. */
  value: string;
  start: number;
  end: number;
  /** A significant newline (or `;`-less line break) separates this token from the previous one. */
  nl: boolean;
  /** Any line break (also one hidden inside parentheses) separates this token from the previous one. */
  lineStart?: boolean;
  /** String quote style for string/gs* tokens. */
  quote?: '\'' | '"' | '\'\'\'' | '"""' | '/' | '$/';
  /** Lexical error attached to this token (unterminated string, bad escape, unexpected character). */
  error?: string;
}

export interface LexError {
  start: number;
  end: number;
  message: string;
}

/** Reserved words: never identifiers (some may still be member names after a dot). */
export const KEYWORDS = new Set([
  'abstract', 'assert', 'break', 'case', 'catch', 'class', 'const', 'continue', 'def', 'default', 'do', 'else',
  'enum', 'extends', 'final', 'finally', 'for', 'goto', 'if', 'implements', 'import', 'instanceof', 'interface',
  'native', 'new', 'non-sealed', 'package', 'private', 'protected', 'public', 'return', 'sealed', 'static',
  'strictfp', 'super', 'switch', 'synchronized', 'this', 'threadsafe', 'throw', 'throws', 'transient', 'try',
  'volatile', 'while', 'null', 'true', 'false', 'void', 'boolean', 'byte', 'char', 'short', 'int', 'long', 'float',
  'double',
]);

export const PRIMITIVE_TYPES = new Set(['boolean', 'byte', 'char', 'short', 'int', 'long', 'float', 'double', 'void']);

// Operators, longest first within each leading character.
const OPERATORS: string[] = [
  '>>>=', '<..<', '..<', '<..', '<=>', '===', '!==', '==~', '**=', '<<=', '>>=', '?.@', '*.@', '??.', '...',
  '?.', '*.', '.&', '.@', '::', '?:', '?=', '?[', '..', '->', '++', '--', '&&', '||', '==', '!=', '<=', '>=', '=~',
  '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '**', '<<',
  '(', ')', '[', ']', '{', '}', ';', ',', '.', '@', '=', '>', '<', '!', '~', '?', ':', '+', '-', '*', '/', '&', '|',
  '^', '%',
];
const OPS_BY_CHAR = new Map<number, string[]>();
for (const op of OPERATORS) {
  const c = op.charCodeAt(0);
  let list = OPS_BY_CHAR.get(c);
  if (!list) OPS_BY_CHAR.set(c, (list = []));
  list.push(op);
}

/** After these tokens a `/` is division; elsewhere it starts a slashy string (GroovyLexer.isRegexAllowed). */
function divisionAllowedAfter(t: Token | undefined): boolean {
  if (!t) return false;
  switch (t.kind) {
    case 'ident':
    case 'number':
    case 'string':
    case 'gsEnd':
      return true;
    case 'keyword':
      return t.value === 'this' || t.value === 'super' || t.value === 'null' || t.value === 'true' || t.value === 'false' ||
        PRIMITIVE_TYPES.has(t.value);
    case 'op':
      return t.value === ')' || t.value === ']' || t.value === '}' || t.value === '++' || t.value === '--';
    default:
      return false;
  }
}

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36 || (c > 127 && isUnicodeLetter(c));
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57) || (c > 127 && isUnicodeIdentPart(c));
}
const LETTER = /[\p{L}\p{Nl}\p{Sc}\p{Pc}]/u;
const IDPART = /[\p{L}\p{Nl}\p{Sc}\p{Pc}\p{Mn}\p{Mc}\p{Nd}]/u;
function isUnicodeLetter(c: number): boolean {
  return LETTER.test(String.fromCharCode(c));
}
function isUnicodeIdentPart(c: number): boolean {
  return IDPART.test(String.fromCharCode(c));
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

const SIMPLE_ESCAPES = new Map([
  ['n', '\n'], ['t', '\t'], ['r', '\r'], ['b', '\b'], ['f', '\f'], ['s', ' '], ['\\', '\\'], ["'", "'"], ['"', '"'], ['$', '$'],
]);

export interface LexResult {
  tokens: Token[];
  comments: { start: number; end: number; style: 'line' | 'block' | 'doc' | 'shebang' }[];
  errors: LexError[];
}

/** Tokenizes a whole Groovy text. Never throws; problems are in `errors` (and on the tokens they concern). */
export function tokenize(text: string): LexResult {
  return new Lexer(text).run();
}

class Lexer {
  private pos = 0;
  private readonly tokens: Token[] = [];
  private readonly comments: LexResult['comments'] = [];
  private readonly errors: LexError[] = [];
  /** Open brackets: '(' '[' '{' ; newlines count only when the innermost is '{' or none. */
  private readonly parens: string[] = [];
  private pendingNl = false;
  private pendingLineStart = false;

  constructor(private readonly text: string) {}

  run(): LexResult {
    const text = this.text;
    if (text.startsWith('#!')) {
      let e = 2;
      while (e < text.length && text.charCodeAt(e) !== 10 && text.charCodeAt(e) !== 13) e++;
      this.comments.push({ start: 0, end: e, style: 'shebang' });
      this.pos = e;
    } else if (text.charCodeAt(0) === 0xfeff) {
      this.pos = 1;
    }
    this.lexTokens(false);
    this.tokens.push({ kind: 'eof', value: '', start: text.length, end: text.length, nl: this.pendingNl, lineStart: this.pendingLineStart, quote: undefined, error: undefined });
    return { tokens: this.tokens, comments: this.comments, errors: this.errors };
  }

  private newlinesSignificant(): boolean {
    const n = this.parens.length;
    return n === 0 || this.parens[n - 1] === '{';
  }

  private push(kind: TokenKind, value: string, start: number, end: number, extra?: Partial<Token>): Token {
    // every token has the same shape (fast property access in the parser)
    const t: Token = { kind, value, start, end, nl: this.pendingNl, lineStart: this.pendingLineStart, quote: undefined, error: undefined };
    if (extra) {
      if (extra.quote !== undefined) t.quote = extra.quote;
      if (extra.error !== undefined) t.error = extra.error;
    }
    this.pendingNl = false;
    this.pendingLineStart = false;
    this.tokens.push(t);
    return t;
  }

  private error(start: number, end: number, message: string): void {
    this.errors.push({ start, end, message });
  }

  /** Lexes until EOF, or (inside `${`) until the `}` that closes the interpolation, which it consumes. */
  private lexTokens(untilCloseBrace: boolean): void {
    const text = this.text;
    const len = text.length;
    const baseDepth = this.parens.length;
    while (this.pos < len) {
      const c = text.charCodeAt(this.pos);
      // whitespace
      if (c === 32 || c === 9 || c === 12) {
        this.pos++;
        continue;
      }
      if (c === 10 || c === 13) {
        if (this.newlinesSignificant()) this.pendingNl = true;
        this.pendingLineStart = true;
        this.pos++;
        continue;
      }
      // line continuation: backslash + newline
      if (c === 92 && (text.charCodeAt(this.pos + 1) === 10 || text.charCodeAt(this.pos + 1) === 13)) {
        this.pos += text.charCodeAt(this.pos + 1) === 13 && text.charCodeAt(this.pos + 2) === 10 ? 3 : 2;
        continue;
      }
      const start = this.pos;
      if (c === 47 /* / */) {
        const n = text.charCodeAt(this.pos + 1);
        if (n === 47) {
          let e = this.pos + 2;
          while (e < len && text.charCodeAt(e) !== 10 && text.charCodeAt(e) !== 13) e++;
          this.comments.push({ start, end: e, style: 'line' });
          this.pos = e;
          continue;
        }
        if (n === 42) {
          const close = text.indexOf('*/', this.pos + 2);
          const e = close < 0 ? len : close + 2;
          if (close < 0) this.error(start, e, 'Unterminated comment');
          this.comments.push({ start, end: e, style: text.charCodeAt(this.pos + 2) === 42 && e - start > 4 ? 'doc' : 'block' });
          this.pos = e;
          // A block comment followed by a line break acts as that line break; otherwise it is whitespace.
          continue;
        }
        if (this.pendingNl || !divisionAllowedAfter(this.tokens[this.tokens.length - 1])) {
          this.lexString('/', start);
          continue;
        }
      }
      if (c === 36 /* $ */ && text.charCodeAt(this.pos + 1) === 47 /* / */) {
        this.lexString('$/', start);
        continue;
      }
      if (isIdentStart(c)) {
        let e = this.pos + 1;
        while (e < len && isIdentPart(text.charCodeAt(e))) e++;
        const word = text.slice(start, e);
        this.pos = e;
        if (word === 'non' && text.startsWith('-sealed', e)) {
          this.pos = e + 7;
          this.push('keyword', 'non-sealed', start, this.pos);
        } else {
          this.push(KEYWORDS.has(word) ? 'keyword' : 'ident', word, start, e);
        }
        continue;
      }
      if (isDigit(c)) {
        this.lexNumber(start);
        continue;
      }
      if (c === 39 /* ' */) {
        this.lexString(text.startsWith("'''", start) ? "'''" : "'", start);
        continue;
      }
      if (c === 34 /* " */) {
        this.lexString(text.startsWith('"""', start) ? '"""' : '"', start);
        continue;
      }
      // `!in` and `!instanceof` (not followed by an identifier character)
      if (c === 33 /* ! */) {
        const m = /^!(in|instanceof)(?![\p{L}\p{N}_$])/u.exec(text.slice(start, start + 12));
        if (m) {
          this.pos = start + m[0].length;
          this.push('op', m[0], start, this.pos);
          continue;
        }
      }
      const candidates = OPS_BY_CHAR.get(c);
      let op: string | undefined;
      if (candidates) for (const o of candidates) if (text.startsWith(o, start)) { op = o; break; }
      if (op === undefined) {
        this.pos++;
        const ch = String.fromCodePoint(text.codePointAt(start) ?? c);
        this.error(start, start + ch.length, `Unexpected character: '${ch}'`);
        this.pos = start + ch.length;
        continue;
      }
      // `..` followed by a digit-less `.`? `1...2`? Keep it simple: longest match.
      this.pos = start + op.length;
      if (op === '}' && untilCloseBrace && this.parens.length === baseDepth) {
        this.push('op', '}', start, this.pos);
        return;
      }
      this.push('op', op, start, this.pos);
      if (op === '(' || op === '[' || op === '?[' || op === '{') this.parens.push(op === '?[' ? '[' : op);
      else if (op === ')' || op === ']' || op === '}') {
        // Pop to the matching opener if present (tolerate mismatches).
        const want = op === ')' ? '(' : op === ']' ? '[' : '{';
        const idx = this.parens.lastIndexOf(want);
        if (idx >= baseDepth) this.parens.length = idx;
      }
    }
  }

  private lexNumber(start: number): void {
    const text = this.text;
    const len = text.length;
    let e = start;
    let integer = true;
    const c0 = text.charCodeAt(e);
    const c1 = text.charCodeAt(e + 1) | 0x20;
    if (c0 === 48 && (c1 === 120 || c1 === 98)) {
      // hex / binary
      e += 2;
      while (e < len && /[0-9a-fA-F_]/.test(text[e])) e++;
    } else {
      while (e < len && (isDigit(text.charCodeAt(e)) || text.charCodeAt(e) === 95)) e++;
      if (text.charCodeAt(e) === 46 && isDigit(text.charCodeAt(e + 1))) {
        integer = false;
        e++;
        while (e < len && (isDigit(text.charCodeAt(e)) || text.charCodeAt(e) === 95)) e++;
      }
      const ce = text.charCodeAt(e) | 0x20;
      if (ce === 101 /* e */) {
        let k = e + 1;
        if (text[k] === '+' || text[k] === '-') k++;
        if (isDigit(text.charCodeAt(k))) {
          integer = false;
          e = k;
          while (e < len && isDigit(text.charCodeAt(e))) e++;
        }
      }
    }
    const s = text.charCodeAt(e) | 0x20;
    if (s === 108 || s === 105 || s === 103 || s === 100 || s === 102) e++; // l i g d f
    this.pos = e;
    const t = this.push('number', text.slice(start, e), start, e);
    void integer;
    if (e < len && isIdentPart(text.charCodeAt(e))) {
      // `1abc`: the whole word is a bad number
      let k = e;
      while (k < len && isIdentPart(text.charCodeAt(k))) k++;
      t.error = `Unexpected character: '${text[e]}'`;
      this.error(e, k, t.error);
      t.end = k;
      t.value = text.slice(start, k);
      this.pos = k;
    }
  }

  /**
   * Lexes a string starting at `start` with the given quote. Emits one 'string' token, or gsBegin … gsEnd with
   * interpolation tokens in between.
   */
  private lexString(quote: NonNullable<Token['quote']>, start: number): void {
    const text = this.text;
    const len = text.length;
    const closer = quote === '$/' ? '/$' : quote;
    const interpolating = quote !== "'" && quote !== "'''";
    const multiline = quote === '"""' || quote === "'''" || quote === '/' || quote === '$/';
    let p = start + quote.length;
    let pieceStart = start;
    let value = '';
    let inGString = false;
    const finishPiece = (kind: 'gsBegin' | 'gsMid', end: number): void => {
      this.push(kind, value, pieceStart, end, { quote });
      value = '';
    };
    for (;;) {
      if (p >= len) {
        const msg = quote === '/' || quote === '$/' ? 'Unterminated slashy string' : 'Unterminated string literal';
        this.error(start, len, msg);
        this.pos = len;
        this.push(inGString ? 'gsEnd' : 'string', value, pieceStart, len, { quote, error: msg });
        return;
      }
      const c = text.charCodeAt(p);
      if (!multiline && (c === 10 || c === 13)) {
        const msg = 'Unterminated string literal';
        this.error(start, p, msg);
        this.pos = p;
        this.push(inGString ? 'gsEnd' : 'string', value, pieceStart, p, { quote, error: msg });
        return;
      }
      if (text.startsWith(closer, p)) {
        // `$/…/$`: `$/$` and `$$` are escapes handled below; here a real close.
        p += closer.length;
        this.pos = p;
        this.push(inGString ? 'gsEnd' : 'string', value, pieceStart, p, { quote });
        return;
      }
      if (quote === '$/' && c === 36 /* $ */) {
        const n = text[p + 1];
        if (n === '$') { value += '$'; p += 2; continue; }
        if (n === '/') { value += '/'; p += 2; continue; }
      }
      if (c === 92 /* \ */) {
        if (quote === '/') {
          // slashy: only \/ is an escape (and line continuation)
          if (text[p + 1] === '/') { value += '/'; p += 2; continue; }
          value += '\\';
          p++;
          continue;
        }
        if (quote === '$/') { value += '\\'; p++; continue; }
        const n = text[p + 1];
        const esc = n === undefined ? undefined : SIMPLE_ESCAPES.get(n);
        if (esc !== undefined) { value += esc; p += 2; continue; }
        if (n === '\n') { p += 2; continue; }
        if (n === '\r') { p += text[p + 2] === '\n' ? 3 : 2; continue; }
        if (n === 'u') {
          let k = p + 2;
          while (text[k] === 'u') k++;
          const hex = text.slice(k, k + 4);
          if (/^[0-9a-fA-F]{4}$/.test(hex)) { value += String.fromCharCode(parseInt(hex, 16)); p = k + 4; continue; }
        }
        if (n !== undefined && n >= '0' && n <= '7') {
          const m = /^[0-3]?[0-7]{1,2}/.exec(text.slice(p + 1, p + 4));
          if (m) { value += String.fromCharCode(parseInt(m[0], 8)); p += 1 + m[0].length; continue; }
        }
        const msg = `Unexpected character: '\\${n ?? ''}'`;
        this.error(p, p + 2, 'Invalid escape sequence');
        void msg;
        value += n ?? '';
        p += 2;
        continue;
      }
      if (interpolating && c === 36 /* $ */) {
        const n = text.charCodeAt(p + 1);
        if (n === 123 /* { */) {
          // ${ … }
          finishPiece(inGString ? 'gsMid' : 'gsBegin', p + 1);
          inGString = true;
          this.pos = p + 1;
          this.push('op', '{', p + 1, p + 2);
          this.pos = p + 2;
          const saved = this.parens.slice();
          this.parens.length = 0;
          this.parens.push('{');
          const savedNl = this.pendingNl;
          this.pendingNl = false;
          this.lexTokens(true);
          this.parens.length = 0;
          this.parens.push(...saved);
          this.pendingNl = savedNl && false;
          const last = this.tokens[this.tokens.length - 1];
          if (!(last.kind === 'op' && last.value === '}' && last.end === this.pos)) {
            // EOF inside ${
            this.error(start, len, 'Unterminated string literal');
            this.pos = len;
            return;
          }
          p = this.pos;
          pieceStart = p;
          continue;
        }
        if (isIdentStart(n) && n !== 36) {
          finishPiece(inGString ? 'gsMid' : 'gsBegin', p + 1);
          inGString = true;
          // $name(.name)*
          let e = p + 2;
          while (e < len && isIdentPart(text.charCodeAt(e)) && text.charCodeAt(e) !== 36) e++;
          while (text.charCodeAt(e) === 46 /* . */ && isIdentStart(text.charCodeAt(e + 1)) && text.charCodeAt(e + 1) !== 36) {
            let k = e + 2;
            while (k < len && isIdentPart(text.charCodeAt(k)) && text.charCodeAt(k) !== 36) k++;
            e = k;
          }
          this.push('gsPath', text.slice(p + 1, e), p + 1, e);
          p = e;
          pieceStart = p;
          continue;
        }
        if (quote !== '/' && quote !== '$/') {
          // a lone `$` in a double-quoted string is an error in Groovy
          this.error(p, p + 1, "Illegal string body character after dollar sign");
        }
        value += '$';
        p++;
        continue;
      }
      if (c === 13 && text.charCodeAt(p + 1) === 10) { value += '\n'; p += 2; continue; }
      // a run of ordinary characters
      let q = p + 1;
      while (q < len) {
        const d = text.charCodeAt(q);
        if (d === 92 || d === 36 || d === 13 || d === 10 || d === closer.charCodeAt(0)) break;
        q++;
      }
      value += text.slice(p, q);
      p = q;
    }
  }
}
