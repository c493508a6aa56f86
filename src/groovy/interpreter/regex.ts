// java.util.regex on top of JavaScript RegExp: Java patterns are translated (inline flags, \A \Z \z, POSIX and
// Unicode classes, quoting), Java-only constructs that JavaScript cannot express raise "not supported in Test Run",
// and matching follows Java: matches() is a whole-string match, find() scans, replacement strings use $1/${name}
// with backslash escapes, String.split drops trailing empty strings.
import { groovyError, ILLEGAL_ARGUMENT, INDEX_OUT_OF_BOUNDS, ILLEGAL_STATE, PATTERN_SYNTAX, unsupported } from './errors';

const cache = new Map<string, JPattern>();

export class JPattern {
  /** Global (for scanning) and sticky-anchored (for matches()) versions of the translated pattern. */
  readonly global: RegExp;
  readonly whole: RegExp;
  readonly groupCount: number;
  constructor(
    readonly source: string,
    readonly flags = 0,
  ) {
    const { pattern, jsFlags } = translateJavaRegex(source, flags);
    try {
      this.global = new RegExp(pattern, jsFlags + 'g');
      this.whole = new RegExp(`^(?:${pattern})$`, jsFlags.replace('m', ''));
    } catch (e) {
      throw groovyError(PATTERN_SYNTAX, `${(e as Error).message.replace(/^Invalid regular expression: /, '')} near pattern ${source}`);
    }
    this.groupCount = new RegExp(`${pattern}|`, jsFlags).exec('')!.length - 1;
  }
  static compile(source: string, flags = 0): JPattern {
    const key = `${flags}:${source}`;
    let p = cache.get(key);
    if (!p) {
      p = new JPattern(source, flags);
      if (cache.size > 500) cache.clear();
      cache.set(key, p);
    }
    return p;
  }
  toString(): string {
    return this.source;
  }
}

export const CASE_INSENSITIVE = 2;
export const MULTILINE = 8;
export const DOTALL = 32;
export const COMMENTS = 4;

const POSIX: Record<string, string> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\x00-\\x7F',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: ' \\t\\n\\x0B\\f\\r',
  javaLowerCase: '\\p{Ll}',
  javaUpperCase: '\\p{Lu}',
  javaWhitespace: '\\t\\n\\x0B\\f\\r\\x1C-\\x1F \\u1680\\u2000-\\u2006\\u2008-\\u200A\\u2028\\u2029\\u205F\\u3000',
  IsAlphabetic: '\\p{Alphabetic}',
  IsLetter: '\\p{L}',
  IsDigit: '\\p{Nd}',
  IsUppercase: '\\p{Uppercase}',
  IsLowercase: '\\p{Lowercase}',
  IsWhite_Space: '\\p{White_Space}',
  IsWhiteSpace: '\\p{White_Space}',
  IsPunctuation: '\\p{P}',
  IsLatin: '\\p{Script=Latin}',
  L: '\\p{L}',
  Lu: '\\p{Lu}',
  Ll: '\\p{Ll}',
  N: '\\p{N}',
  Nd: '\\p{Nd}',
  P: '\\p{P}',
  S: '\\p{S}',
  Z: '\\p{Z}',
  M: '\\p{M}',
  C: '\\p{C}',
  InGreek: '\\u0370-\\u03FF',
  IsL: '\\p{L}',
};

const SYNTAX = new Set('^$\\.*+?()[]{}|/-'.split(''));

const WS = ' \\t\\n\\x0B\\f\\r';

function escapeChar(c: string, inClass: boolean): string {
  if (c === '-' && !inClass) return c;
  if (SYNTAX.has(c)) return '\\' + c;
  const code = c.codePointAt(0)!;
  if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).padStart(2, '0')}`;
  return c;
}

/** Translates a java.util.regex pattern to an equivalent JavaScript pattern for the `u` flag. */
export function translateJavaRegex(src: string, flags: number): { pattern: string; jsFlags: string } {
  let f = flags;
  let i = 0;
  // leading inline flags (?i) (?s) (?m) (?x) (?is) ...
  for (;;) {
    const m = /^\(\?([imsxuU]+)\)/.exec(src.slice(i));
    if (!m) break;
    for (const c of m[1]) {
      if (c === 'i') f |= CASE_INSENSITIVE;
      else if (c === 'm') f |= MULTILINE;
      else if (c === 's') f |= DOTALL;
      else if (c === 'x') f |= COMMENTS;
    }
    i += m[0].length;
  }
  let out = '';
  let inClass = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i];
    if (f & COMMENTS && !inClass) {
      if (/\s/.test(c)) {
        i++;
        continue;
      }
      if (c === '#') {
        while (i < n && src[i] !== '\n') i++;
        continue;
      }
    }
    if (c === '\\') {
      const d = src[i + 1];
      if (d === undefined) throw groovyError(PATTERN_SYNTAX, `Unexpected internal error near index ${n} ${src}`);
      i += 2;
      if ('dDwWsStnrfbB'.includes(d)) {
        if ((d === 'b' || d === 'B') && inClass) throw unsupported(`regex \\${d} inside a character class`);
        if (d === 's') out += inClass ? WS : `[${WS}]`;
        else if (d === 'S') out += inClass ? '\\S' : `[^${WS}]`;
        else out += '\\' + d;
        continue;
      }
      if (d === 'A') {
        out += '(?<![\\s\\S])';
        continue;
      }
      if (d === 'z') {
        out += '(?![\\s\\S])';
        continue;
      }
      if (d === 'Z') {
        out += '(?=(?:\\r\\n|[\\n\\r\\u0085\\u2028\\u2029])?(?![\\s\\S]))';
        continue;
      }
      if (d === 'h') {
        out += inClass ? ' \\t\\xA0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000' : '[ \\t\\xA0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000]';
        continue;
      }
      if (d === 'R') {
        out += '(?:\\r\\n|[\\n\\x0B\\f\\r\\u0085\\u2028\\u2029])';
        continue;
      }
      if (d === 'Q') {
        const end = src.indexOf('\\E', i);
        const lit = end < 0 ? src.slice(i) : src.slice(i, end);
        out += [...lit].map((ch) => escapeChar(ch, inClass > 0)).join('');
        i = end < 0 ? n : end + 2;
        continue;
      }
      if (d === 'E') continue;
      if (d === 'p' || d === 'P') {
        let name: string;
        if (src[i] === '{') {
          const end = src.indexOf('}', i);
          name = src.slice(i + 1, end);
          i = end + 1;
        } else {
          name = src[i];
          i++;
        }
        name = name.replace(/^Is(?=(Alpha|Digit|Alnum|Punct|Upper|Lower|Space)$)/, '');
        const cls = POSIX[name] ?? (/^(Is)?[A-Z][a-z]?$/.test(name) ? `\\p{${name.replace(/^Is/, '')}}` : undefined);
        if (!cls) throw unsupported(`regex class \\${d}{${name}}`);
        if (d === 'p') out += inClass ? cls : `[${cls}]`;
        else {
          if (inClass) throw unsupported(`regex \\P{…} inside a character class`);
          out += `[^${cls}]`;
        }
        continue;
      }
      if (d === 'x') {
        if (src[i] === '{') {
          const end = src.indexOf('}', i);
          out += `\\u{${src.slice(i + 1, end)}}`;
          i = end + 1;
        } else {
          out += '\\x' + src.slice(i, i + 2);
          i += 2;
        }
        continue;
      }
      if (d === 'u') {
        out += '\\u' + src.slice(i, i + 4);
        i += 4;
        continue;
      }
      if (d === '0') {
        let oct = '';
        while (oct.length < 3 && /[0-7]/.test(src[i] ?? '')) oct += src[i++];
        out += `\\x${parseInt(oct || '0', 8).toString(16).padStart(2, '0')}`;
        continue;
      }
      if (/[1-9]/.test(d)) {
        out += '\\' + d;
        continue;
      }
      if (d === 'k') {
        const end = src.indexOf('>', i);
        out += '\\k' + src.slice(i, end + 1);
        i = end + 1;
        continue;
      }
      if (d === 'e') {
        out += '\\x1b';
        continue;
      }
      if (d === 'a') {
        out += '\\x07';
        continue;
      }
      if (d === 'c') {
        out += '\\c' + src[i];
        i++;
        continue;
      }
      if (d === 'G' || d === 'X' || d === 'N' || d === 'V' || d === 'H' || d === 'v') throw unsupported(`regex \\${d}`);
      if (/[a-zA-Z]/.test(d)) throw groovyError(PATTERN_SYNTAX, `Illegal/unsupported escape sequence near index ${i - 1}\n${src}`);
      out += escapeChar(d, inClass > 0);
      continue;
    }
    if (inClass) {
      if (c === '[') {
        if (src[i + 1] === ':' ) {
          out += '\\[';
          i++;
          continue;
        }
        throw unsupported('nested regex character classes (union/intersection)');
      }
      if (c === '&' && src[i + 1] === '&') throw unsupported('regex character class intersection &&');
      if (c === ']') {
        inClass--;
        out += ']';
        i++;
        continue;
      }
      if (c === '/' || c === '{' || c === '}' || c === '(' || c === ')' || c === '|') {
        out += '\\' + c;
        i++;
        continue;
      }
      out += c;
      i++;
      continue;
    }
    if (c === '[') {
      inClass++;
      out += '[';
      i++;
      if (src[i] === '^') {
        out += '^';
        i++;
      }
      if (src[i] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (c === '(' && src[i + 1] === '?') {
      const rest = src.slice(i + 2);
      if (rest.startsWith(':') || rest.startsWith('=') || rest.startsWith('!') || rest.startsWith('<=') || rest.startsWith('<!')) {
        out += '(?';
        i += 2;
        continue;
      }
      if (/^<[a-zA-Z]/.test(rest)) {
        out += '(?<';
        i += 3;
        continue;
      }
      if (rest.startsWith('>')) throw unsupported('regex atomic groups (?>…)');
      throw unsupported(`regex inline flags inside the pattern (${src.slice(i, i + 6)}…)`);
    }
    if ((c === '+' || c === '?' || c === '*' || c === '}') && src[i + 1] === '+') throw unsupported('possessive regex quantifiers');
    if (c === '.' && !(f & DOTALL)) {
      out += '[^\\n\\r\\u0085\\u2028\\u2029]';
      i++;
      continue;
    }
    if (c === '$' && !(f & MULTILINE)) {
      // Java: end of input, or before a final line terminator
      out += '(?=(?:\\r\\n|[\\n\\r\\u0085\\u2028\\u2029])?(?![\\s\\S]))';
      i++;
      continue;
    }
    if (c === '/') {
      out += '\\/';
      i++;
      continue;
    }
    if (c === '{') {
      const q = /^\{\d+(,\d*)?\}/.exec(src.slice(i));
      if (!q) throw groovyError(PATTERN_SYNTAX, `Illegal repetition near index ${i}\n${src}`);
      out += q[0];
      i += q[0].length;
      if (src[i] === '+') throw unsupported('possessive regex quantifiers');
      continue;
    }
    if (c === '}' || c === ']') {
      out += '\\' + c;
      i++;
      continue;
    }
    out += c;
    i++;
  }
  if (inClass) throw groovyError(PATTERN_SYNTAX, `Unclosed character class near index ${n - 1}\n${src}`);
  let jsFlags = 'u';
  if (f & CASE_INSENSITIVE) jsFlags += 'i';
  if (f & MULTILINE) jsFlags += 'm';
  if (f & DOTALL) jsFlags += 's';
  return { pattern: out, jsFlags };
}

/** java.util.regex.Matcher as Groovy uses it (`=~`, `matcher[0][1]`, `each`, `find()`). */
export class JMatcher {
  private lastMatch: RegExpExecArray | null = null;
  private searchFrom = 0;
  private allMatches: RegExpExecArray[] | null = null;
  constructor(
    readonly pattern: JPattern,
    readonly input: string,
  ) {}
  find(): boolean {
    if (this.searchFrom > this.input.length) {
      this.lastMatch = null;
      return false;
    }
    const re = this.pattern.global;
    re.lastIndex = this.searchFrom;
    const m = re.exec(this.input);
    this.lastMatch = m;
    if (!m) {
      this.searchFrom = this.input.length + 1;
      return false;
    }
    this.searchFrom = m[0].length === 0 ? m.index + 1 : m.index + m[0].length;
    return true;
  }
  matches(): boolean {
    const m = this.pattern.whole.exec(this.input);
    this.lastMatch = m;
    return m !== null;
  }
  reset(): void {
    this.searchFrom = 0;
    this.lastMatch = null;
  }
  group(i: number | string = 0): string | null {
    if (!this.lastMatch) throw groovyError(ILLEGAL_STATE, 'No match found');
    if (typeof i === 'string') {
      const g = this.lastMatch.groups?.[i];
      if (this.lastMatch.groups === undefined || !(i in this.lastMatch.groups)) throw groovyError(ILLEGAL_ARGUMENT, `No group with name <${i}>`);
      return g ?? null;
    }
    if (i < 0 || i > this.pattern.groupCount) throw groovyError(INDEX_OUT_OF_BOUNDS, `No group ${i}`);
    return this.lastMatch[i] ?? null;
  }
  groupCount(): number {
    return this.pattern.groupCount;
  }
  start(): number {
    if (!this.lastMatch) throw groovyError(ILLEGAL_STATE, 'No match available');
    return this.lastMatch.index;
  }
  end(): number {
    if (!this.lastMatch) throw groovyError(ILLEGAL_STATE, 'No match available');
    return this.lastMatch.index + this.lastMatch[0].length;
  }
  /** All matches from the start (Groovy's matcher[i], count, each). */
  all(): RegExpExecArray[] {
    if (!this.allMatches) this.allMatches = allMatches(this.pattern, this.input);
    return this.allMatches;
  }
}

export function allMatches(p: JPattern, input: string): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  const re = p.global;
  re.lastIndex = 0;
  let from = 0;
  while (from <= input.length) {
    re.lastIndex = from;
    const m = re.exec(input);
    if (!m) break;
    out.push(m);
    from = m[0].length === 0 ? m.index + 1 : m.index + m[0].length;
  }
  return out;
}

/** Applies a Java replacement string ($1, ${name}, \$) for one match. */
export function javaReplacement(replacement: string, m: RegExpExecArray, groupCount: number): string {
  let out = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i];
    if (c === '\\') {
      i++;
      if (i >= replacement.length) throw groovyError(ILLEGAL_ARGUMENT, 'character to be escaped is missing');
      out += replacement[i];
    } else if (c === '$') {
      i++;
      if (i >= replacement.length) throw groovyError(ILLEGAL_ARGUMENT, 'Illegal group reference: group index is missing');
      if (replacement[i] === '{') {
        const end = replacement.indexOf('}', i);
        const name = replacement.slice(i + 1, end);
        if (!m.groups || !(name in m.groups)) throw groovyError(ILLEGAL_ARGUMENT, `No group with name {${name}}`);
        out += m.groups[name] ?? '';
        i = end;
      } else {
        if (!/[0-9]/.test(replacement[i])) throw groovyError(ILLEGAL_ARGUMENT, 'Illegal group reference');
        let g = Number(replacement[i]);
        if (g > groupCount) throw groovyError(INDEX_OUT_OF_BOUNDS, `No group ${g}`);
        while (i + 1 < replacement.length && /[0-9]/.test(replacement[i + 1])) {
          const ng = g * 10 + Number(replacement[i + 1]);
          if (ng > groupCount) break;
          g = ng;
          i++;
        }
        out += m[g] ?? '';
      }
    } else out += c;
  }
  return out;
}

export function replaceJava(input: string, p: JPattern, replace: (m: RegExpExecArray) => string, firstOnly: boolean): string {
  const ms = firstOnly ? allMatches(p, input).slice(0, 1) : allMatches(p, input);
  if (ms.length === 0) return input;
  let out = '';
  let last = 0;
  for (const m of ms) {
    out += input.slice(last, m.index) + replace(m);
    last = m.index + m[0].length;
  }
  return out + input.slice(last);
}

/** String.split(regex, limit) with Java's rules. */
export function splitJava(input: string, p: JPattern, limit = 0): string[] {
  if (input.length === 0) return [''];
  const parts: string[] = [];
  let index = 0;
  for (const m of allMatches(p, input)) {
    if (limit > 0 && parts.length >= limit - 1) break;
    const end = m.index + m[0].length;
    if (end === 0 && m.index === 0) continue; // zero-width match at the beginning never yields a leading empty string
    if (m[0].length === 0 && m.index >= input.length) break;
    parts.push(input.slice(index, m.index));
    index = end;
  }
  if (index === 0 && parts.length === 0) return [input];
  parts.push(input.slice(index));
  if (limit === 0) while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

export function quoteJava(s: string): string {
  return s.includes('\\E') ? `\\Q${s.split('\\E').join('\\E\\\\E\\Q')}\\E` : `\\Q${s}\\E`;
}
