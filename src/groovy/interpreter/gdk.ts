// The GDK methods sync scripts call on strings, numbers, lists, maps, ranges, regex matchers and exceptions, with
// Groovy 4's behaviour. `invokeBuiltin` returns NO_METHOD when the receiver has no such method; the evaluator then
// reports "No signature of method" (a Groovy MissingMethodException) or "not supported in Test Run".
/* eslint-disable no-control-regex -- Java's trim() and whitespace classes are defined by control characters */
import { Budget } from './budget';
import { groovyError, ILLEGAL_ARGUMENT, INDEX_OUT_OF_BOUNDS, NPE, unsupported, UNSUPPORTED_OPERATION } from './errors';
import * as N from './numbers';
import * as O from './ops';
import { allMatches, javaReplacement, JMatcher, JPattern, quoteJava, replaceJava, splitJava } from './regex';
import {
  Callable,
  GClassRef,
  GException,
  GMap,
  GMapEntry,
  GRange,
  GStringValue,
  JBigDecimal,
  JBigInteger,
  JChar,
  JDouble,
  JFloat,
  JLong,
  NO_METHOD,
  Value,
  isCallable,
  isJavaArray,
  isNumber,
  markArray,
} from './values';

export interface Rt {
  call(c: Callable, args: Value[]): Value;
  budget: Budget;
}

type Result = Value | typeof NO_METHOD;

const NSE = 'java.util.NoSuchElementException';

function arity(c: Callable): number {
  return c.arity;
}

/** Closure over a map element: (key, value) for two-parameter closures, else the entry. */
function callEntry(rt: Rt, c: Callable, e: GMapEntry, extra: Value[] = []): Value {
  if (arity(c) === 2 + extra.length) return rt.call(c, [e.key, e.value, ...extra]);
  return rt.call(c, [e, ...extra]);
}

function closureArg(args: Value[], i = 0): Callable | null {
  const c = args[i];
  return isCallable(c) ? c : null;
}

function intArg(v: Value, what: string): number {
  if (typeof v === 'number') return v;
  if (isNumber(v)) return N.toInt(v);
  if (v instanceof JChar) return v.c.charCodeAt(0);
  throw groovyError('groovy.lang.MissingMethodException', `${what}: expected a number, got ${O.className(v)}`);
}

function s(v: Value): string {
  return O.str(v);
}

/** A java.util.Comparator constant such as String.CASE_INSENSITIVE_ORDER (also callable as a two-argument closure). */
export class JavaComparator implements Callable {
  readonly callableKind = 'method' as const;
  readonly arity = 2;
  constructor(
    readonly name: string,
    readonly compare: (a: Value, b: Value) => number,
  ) {}
  call(args: Value[]): Value {
    return this.compare(args[0], args[1]);
  }
}

export const CASE_INSENSITIVE_ORDER = new JavaComparator('String.CASE_INSENSITIVE_ORDER', (a, b) =>
  javaStringCompare(s(a).toUpperCase().toLowerCase(), s(b).toUpperCase().toLowerCase()),
);

// ---------------------------------------------------------------- Java hash order (HashSet / HashMap iteration)

export function javaHashCode(v: Value): number {
  if (v === null) return 0;
  if (typeof v === 'string' || v instanceof GStringValue) {
    const t = s(v);
    let h = 0;
    for (let i = 0; i < t.length; i++) h = (Math.imul(h, 31) + t.charCodeAt(i)) | 0;
    return h;
  }
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1231 : 1237;
  if (v instanceof JLong) return Number(BigInt.asIntN(32, v.v ^ (BigInt.asUintN(64, v.v) >> 32n)));
  if (v instanceof JChar) return v.c.charCodeAt(0);
  if (v instanceof JBigInteger) return bigIntegerHash(v.v);
  if (v instanceof JBigDecimal) return (Math.imul(31, bigIntegerHash(v.u)) + v.s) | 0;
  if (v instanceof JDouble || v instanceof JFloat) {
    const buf = new DataView(new ArrayBuffer(8));
    if (v instanceof JFloat) {
      buf.setFloat32(0, v.v);
      return buf.getInt32(0);
    }
    buf.setFloat64(0, Number.isNaN(v.v) ? NaN : v.v);
    return buf.getInt32(0) ^ buf.getInt32(4);
  }
  if (Array.isArray(v)) {
    let h = 1;
    for (const e of v) h = (Math.imul(31, h) + javaHashCode(e as Value)) | 0;
    return h;
  }
  throw unsupported(`the iteration order of a HashSet of ${O.className(v)}`);
}

/** java.math.BigInteger.hashCode: over the magnitude's 32-bit words, most significant first, times the sign. */
function bigIntegerHash(b: bigint): number {
  const neg = b < 0n;
  let mag = neg ? -b : b;
  const words: number[] = [];
  while (mag > 0n) {
    words.unshift(Number(mag & 0xffffffffn));
    mag >>= 32n;
  }
  let h = 0;
  for (const w of words) h = (Math.imul(31, h) + w) | 0;
  return neg ? -h | 0 : h;
}

/** Elements in the order java.util.HashSet(Collection) iterates them. */
export function hashSetOrder(values: Value[]): Value[] {
  const uniq: Value[] = [];
  for (const v of values) if (!uniq.some((u) => O.javaEquals(u, v))) uniq.push(v);
  let cap = 1;
  const want = Math.max(Math.floor(uniq.length / 0.75) + 1, 16);
  while (cap < want) cap *= 2;
  const keyed = uniq.map((v, i) => {
    const h = javaHashCode(v);
    return { v, i, b: (h ^ (h >>> 16)) & (cap - 1) };
  });
  keyed.sort((a, b) => a.b - b.b || a.i - b.i);
  return keyed.map((k) => k.v);
}

// ---------------------------------------------------------------- sorting helpers

/** Groovy's NumberAwareComparator (sort, unique, max, min). */
export function naturalCompare(a: Value, b: Value): number {
  return O.compare(a, b);
}

function comparatorFrom(rt: Rt, c: Callable | null): (a: Value, b: Value) => number {
  if (!c) return naturalCompare;
  if (arity(c) === 2) return (a, b) => N.toInt(rt.call(c, [a, b]) as N.GNumberLike);
  return (a, b) => naturalCompare(rt.call(c, [a]), rt.call(c, [b]));
}

function uniqueBy(list: Value[], cmp: ((a: Value, b: Value) => number) | null): Value[] {
  const out: Value[] = [];
  for (const v of list) {
    if (!out.some((u) => (cmp ? cmp(u, v) === 0 : uniqueEquals(u, v)))) out.push(v);
  }
  return out;
}

function uniqueEquals(a: Value, b: Value): boolean {
  try {
    if ((isNumber(a) && isNumber(b)) || (typeof a === 'string' && typeof b === 'string')) return O.compare(a, b) === 0;
  } catch {
    return false;
  }
  return O.groovyEquals(a, b);
}

function flatten(list: Value[], out: Value[]): Value[] {
  for (const e of list) {
    if (Array.isArray(e) || e instanceof GRange) flatten(O.toList(e as Value), out);
    else out.push(e as Value);
  }
  return out;
}

function sumOf(list: Value[], init?: Value): Value {
  let acc: Value | undefined = init;
  for (const v of list) acc = acc === undefined ? v : O.plus(acc, v);
  return acc === undefined ? null : acc;
}

function joinOf(list: Value[], sep: string): string {
  return list.map((e) => O.toGroovyString(e)).join(sep);
}

// ---------------------------------------------------------------- entry point

export function invokeBuiltin(rt: Rt, target: Value, name: string, args: Value[]): Result {
  if (target instanceof GStringValue && name === 'equals' && args.length === 1) {
    return args[0] instanceof GStringValue && args[0].s === target.s;
  }
  if (typeof target === 'string' || target instanceof GStringValue) {
    const r = stringMethod(rt, s(target), name, args);
    if (r !== NO_METHOD) return r;
  } else if (isNumber(target)) {
    const r = numberMethod(rt, target, name, args);
    if (r !== NO_METHOD) return r;
  } else if (Array.isArray(target)) {
    const r = listMethod(rt, target, name, args);
    if (r !== NO_METHOD) return r;
  } else if (target instanceof GRange) {
    const r = rangeMethod(rt, target, name, args);
    if (r !== NO_METHOD) return r;
  } else if (target instanceof GMap) {
    const r = mapMethod(rt, target, name, args);
    if (r !== NO_METHOD) return r;
  } else if (target instanceof JMatcher) {
    const r = matcherMethod(rt, target, name, args);
    if (r !== NO_METHOD) return r;
  } else if (target instanceof JPattern) {
    const r = patternMethod(target, name, args);
    if (r !== NO_METHOD) return r;
  } else if (target instanceof GMapEntry) {
    if (name === 'getKey') return target.key;
    if (name === 'getValue') return target.value;
    if (name === 'setValue') {
      const old = target.value;
      target.value = args[0];
      target.map?.set(target.key, args[0]);
      return old;
    }
  } else if (target instanceof GException) {
    if (name === 'getMessage' || name === 'getLocalizedMessage') return target.message;
    if (name === 'getCause') return target.cause;
    if (name === 'printStackTrace') return null;
    if (name === 'getStackTrace') return markArray([]);
  } else if (target instanceof JChar) {
    const r = charMethod(target, name, args);
    if (r !== NO_METHOD) return r;
  } else if (typeof target === 'boolean') {
    if (name === 'booleanValue') return target;
    if (name === 'and') return target && O.truthy(args[0]);
    if (name === 'or') return target || O.truthy(args[0]);
    if (name === 'xor') return target !== O.truthy(args[0]);
    if (name === 'not') return !target;
  } else if (target instanceof GClassRef) {
    if (name === 'getName') return javaClassName(target.name);
    if (name === 'getSimpleName') return O.simpleName(target.name);
    if (name === 'isInstance') return O.instanceOf(args[0], target);
  }
  return objectMethod(rt, target, name, args);
}

/** Java's own toString (String.valueOf): maps as {k=v}, collections as [a, b], recursively. */
export function javaToString(v: Value): string {
  if (v instanceof GMap) return `{${v.entries().map(([k, x]) => `${javaToString(k)}=${javaToString(x)}`).join(', ')}}`;
  if (Array.isArray(v) && !isJavaArray(v)) return `[${v.map((x) => javaToString(x as Value)).join(', ')}]`;
  return O.toGroovyString(v);
}

export function javaClassName(n: string): string {
  if (n.includes('.')) return n;
  const known: Record<string, string> = {
    String: 'java.lang.String',
    Integer: 'java.lang.Integer',
    Long: 'java.lang.Long',
    Double: 'java.lang.Double',
    Float: 'java.lang.Float',
    Boolean: 'java.lang.Boolean',
    Object: 'java.lang.Object',
    BigDecimal: 'java.math.BigDecimal',
    BigInteger: 'java.math.BigInteger',
    List: 'java.util.List',
    Map: 'java.util.Map',
    ArrayList: 'java.util.ArrayList',
    LinkedHashMap: 'java.util.LinkedHashMap',
    HashMap: 'java.util.HashMap',
    Number: 'java.lang.Number',
  };
  return known[n] ?? n;
}

/** Methods every object has (DefaultGroovyMethods on Object). */
function objectMethod(rt: Rt, target: Value, name: string, args: Value[]): Result {
  switch (name) {
    case 'toString':
      if (args.length === 0) return target instanceof GRange ? rangeToString(target) : O.toGroovyString(target);
      break;
    case 'equals':
      if (args.length === 1) return O.javaEquals(target, args[0]) || (Array.isArray(target) && O.groovyEquals(target, args[0]));
      break;
    case 'getClass':
      return new GClassRef(O.className(target));
    case 'is':
      return target === args[0] || (typeof target !== 'object' && O.javaEquals(target, args[0]));
    case 'hashCode':
      return javaHashCode(target);
    case 'inspect':
      return O.inspect(target);
    case 'asBoolean':
      return O.truthy(target);
    case 'isCase':
      return O.isCase(target, args[0], (c, a) => rt.call(c, a));
    case 'compareTo':
      return O.compare(target, args[0]);
    case 'identity':
    case 'with': {
      const c = closureArg(args, args.length - 1);
      if (!c) break;
      const returning = args.length === 2 ? O.truthy(args[0]) : false;
      const r = callWithDelegate(rt, c, target);
      return returning ? target : r;
    }
    case 'tap': {
      const c = closureArg(args);
      if (!c) break;
      callWithDelegate(rt, c, target);
      return target;
    }
    case 'asType':
      return NO_METHOD;
    case 'println':
    case 'print':
      return NO_METHOD;
  }
  // iteration methods on a single object treat it as a one-element collection
  if (target !== null && !(target instanceof GMap) && ['each', 'collect', 'find', 'findAll', 'any', 'every', 'eachWithIndex'].includes(name)) {
    return listMethod(rt, [target], name, args);
  }
  return NO_METHOD;
}

export function callWithDelegate(rt: Rt, c: Callable, delegate: Value): Value {
  const old = c.delegate;
  c.delegate = delegate;
  try {
    return rt.call(c, [delegate]);
  } finally {
    c.delegate = old;
  }
}

function rangeToString(r: GRange): string {
  const f = typeof r.from === 'string' ? r.from : String(r.from);
  const t = typeof r.to === 'string' ? r.to : String(r.to);
  return `${f}..${r.inclusive ? '' : '<'}${t}`;
}

// ---------------------------------------------------------------- String

function regexOf(v: Value): JPattern {
  return v instanceof JPattern ? v : JPattern.compile(s(v));
}

function isWhitespaceJava(c: string): boolean {
  return /[\t\n\u000B\f\r\u001C-\u001F \u1680\u2000-\u2006\u2008-\u200A\u2028\u2029\u205F\u3000]/.test(c);
}

export function stringMethod(rt: Rt, t: string, name: string, args: Value[]): Result {
  const b = rt.budget;
  const a0 = args[0];
  switch (name) {
    case 'size':
    case 'length':
      return t.length;
    case 'isEmpty':
      return t.length === 0;
    case 'isBlank':
      return t.trim().length === 0;
    case 'trim':
      return t.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');
    case 'strip':
      return t.replace(/^\s+|\s+$/g, '');
    case 'toLowerCase':
      return t.toLowerCase();
    case 'toUpperCase':
      return t.toUpperCase();
    case 'capitalize':
      return t.length ? t[0].toUpperCase() + t.slice(1) : t;
    case 'uncapitalize':
      return t.length ? t[0].toLowerCase() + t.slice(1) : t;
    case 'contains':
      if (args.length === 1) return t.includes(s(a0));
      break;
    case 'startsWith':
      if (args.length === 1) return t.startsWith(s(a0));
      if (args.length === 2) return t.startsWith(s(a0), intArg(args[1], name));
      break;
    case 'endsWith':
      return t.endsWith(s(a0));
    case 'indexOf':
      if (args.length === 1) return t.indexOf(s(a0));
      return t.indexOf(s(a0), intArg(args[1], name));
    case 'lastIndexOf':
      if (args.length === 1) return t.lastIndexOf(s(a0));
      return t.lastIndexOf(s(a0), intArg(args[1], name));
    case 'substring': {
      const from = intArg(a0, name);
      const to = args.length > 1 ? intArg(args[1], name) : t.length;
      if (from < 0 || to > t.length || from > to) {
        throw groovyError('java.lang.StringIndexOutOfBoundsException', `begin ${from}, end ${to}, length ${t.length}`);
      }
      return t.substring(from, to);
    }
    case 'subSequence':
      return t.substring(intArg(a0, name), intArg(args[1], name));
    case 'charAt': {
      const i = intArg(a0, name);
      if (i < 0 || i >= t.length) throw groovyError('java.lang.StringIndexOutOfBoundsException', `index ${i}, length ${t.length}`);
      return new JChar(t[i]);
    }
    case 'concat':
      return b.string(t + s(a0));
    case 'replace':
      if (args.length === 2) return b.string(t.split(s(a0)).join(s(args[1])));
      break;
    case 'replaceAll':
    case 'replaceFirst': {
      if (args.length !== 2) break;
      const p = regexOf(a0);
      const r = args[1];
      const first = name === 'replaceFirst';
      if (isCallable(r)) {
        return b.string(
          replaceJava(t, p, (m) => O.toGroovyString(rt.call(r, m.length > 1 ? [O.matchValue(m)] : [m[0]])), first),
        );
      }
      const rep = s(r);
      return b.string(replaceJava(t, p, (m) => javaReplacement(rep, m, p.groupCount), first));
    }
    case 'split': {
      if (args.length === 0) return markArray(t.split(/[ \t\n\r\f\u000B]+/).filter((x) => x.length > 0));
      if (isCallable(a0)) return NO_METHOD;
      return markArray(splitJava(t, regexOf(a0), args.length > 1 ? intArg(args[1], name) : 0));
    }
    case 'tokenize': {
      const delims = args.length === 0 ? ' \t\n\r\f' : s(a0);
      const out: string[] = [];
      let cur = '';
      for (const c of t) {
        if (delims.includes(c)) {
          if (cur) out.push(cur);
          cur = '';
        } else cur += c;
      }
      if (cur) out.push(cur);
      return out;
    }
    case 'matches':
      return regexOf(a0).whole.test(t);
    case 'find': {
      const p = regexOf(a0);
      const ms = allMatches(p, t);
      if (ms.length === 0) return null;
      const c = closureArg(args, 1);
      if (c) return rt.call(c, ms[0].length > 1 ? [...ms[0]].map((g) => g ?? null) : [ms[0][0]]);
      return ms[0][0];
    }
    case 'findAll': {
      if (args.length === 0 || isCallable(a0)) return listMethod(rt, t.split(''), name, args);
      const p = regexOf(a0);
      const ms = allMatches(p, t);
      const c = closureArg(args, 1);
      if (c) return ms.map((m) => rt.call(c, m.length > 1 ? [...m].map((g) => g ?? null) : [m[0]]));
      return ms.map((m) => m[0]);
    }
    case 'equals':
      return (typeof a0 === 'string' || a0 instanceof GStringValue) && a0 !== null && typeof a0 === 'string' ? t === a0 : false;
    case 'equalsIgnoreCase':
      return a0 !== null && t.toLowerCase() === s(a0).toLowerCase() && t.toUpperCase() === s(a0).toUpperCase();
    case 'compareTo':
      return javaStringCompare(t, s(a0));
    case 'compareToIgnoreCase':
      return javaStringCompare(t.toUpperCase().toLowerCase(), s(a0).toUpperCase().toLowerCase());
    case 'toInteger':
      return N.parseIntegerStrict(t, 'int');
    case 'toLong':
      return N.parseIntegerStrict(t, 'long');
    case 'toBigInteger':
      return N.parseIntegerStrict(t, 'bigint');
    case 'toBigDecimal':
      try {
        return N.parseBigDecimal(t.trim());
      } catch {
        throw groovyError('java.lang.NumberFormatException', `Character ${t} is neither a decimal digit number, decimal point, nor "e" notation exponential mark.`);
      }
    case 'toDouble':
      return new JDouble(N.parseDoubleStrict(t));
    case 'toFloat':
      return new JFloat(N.parseDoubleStrict(t));
    case 'isNumber':
    case 'isBigDecimal':
      return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t.trim());
    case 'isInteger':
      return /^[+-]?\d+$/.test(t.trim()) && Math.abs(Number(t.trim())) <= 2147483648 && inIntRange(t.trim());
    case 'isLong':
      return /^[+-]?\d+$/.test(t.trim()) && BigInt(t.trim()) >= -(2n ** 63n) && BigInt(t.trim()) < 2n ** 63n;
    case 'isDouble':
    case 'isFloat':
      return /^[+-]?(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[dDfF]?)$/.test(t.trim());
    case 'toBoolean': {
      const x = t.trim().toLowerCase();
      return x === 'true' || x === 'y' || x === '1';
    }
    case 'padLeft':
    case 'padRight':
    case 'center': {
      const n = intArg(a0, name);
      const pad = args.length > 1 ? s(args[1]) : ' ';
      const missing = n - t.length;
      if (missing <= 0 || pad.length === 0) return t;
      b.string(' '.repeat(Math.min(n, b.maxStringLength + 1)));
      const fill = (k: number) => pad.repeat(Math.ceil(k / pad.length)).slice(0, k);
      if (name === 'padLeft') return fill(missing) + t;
      if (name === 'padRight') return t + fill(missing);
      const left = Math.floor(missing / 2);
      return fill(left) + t + fill(missing - left);
    }
    case 'reverse':
      return [...t].reverse().join('');
    case 'take':
      return t.slice(0, Math.max(0, intArg(a0, name)));
    case 'drop':
      return t.slice(Math.max(0, intArg(a0, name)));
    case 'takeRight':
      return t.slice(Math.max(0, t.length - intArg(a0, name)));
    case 'dropRight':
      return t.slice(0, Math.max(0, t.length - intArg(a0, name)));
    case 'multiply':
      return b.string(O.times(t, a0) as string);
    case 'plus':
      return b.string(t + O.toGroovyString(a0));
    case 'minus':
      return O.minus(t, a0);
    case 'getAt': {
      if (typeof a0 === 'number' || isNumber(a0)) {
        const i0 = intArg(a0, name);
        const i = i0 < 0 ? i0 + t.length : i0;
        if (i < 0 || i >= t.length) throw groovyError('java.lang.StringIndexOutOfBoundsException', `index ${i0}, length ${t.length}`);
        return t[i];
      }
      if (a0 instanceof GRange) return O.sliceByRange(t.split(''), a0, t.length).join('');
      break;
    }
    case 'toList':
    case 'toCharArray':
    case 'chars':
      if (name === 'toCharArray') return markArray(t.split('').map((c) => new JChar(c)));
      if (name === 'chars') break;
      return t.split('');
    case 'readLines':
    case 'lines':
      if (name === 'lines') break;
      return t.length === 0 ? [] : t.split(/\r\n|\r|\n/).filter((x, i, arr) => !(i === arr.length - 1 && x === ''));
    case 'eachLine': {
      const c = closureArg(args);
      if (!c) break;
      const lines = t.split(/\r\n|\r|\n/);
      if (lines.length && lines[lines.length - 1] === '') lines.pop();
      let r: Value = null;
      lines.forEach((l, i) => (r = rt.call(c, arity(c) === 2 ? [l, i] : [l])));
      return r;
    }
    case 'count': {
      const sub = s(a0);
      if (sub.length === 0) return t.length + 1;
      let n = 0;
      for (let i = t.indexOf(sub); i >= 0; i = t.indexOf(sub, i + 1)) n++;
      return n;
    }
    case 'stripIndent': {
      const lines = t.split('\n');
      const indents = lines.filter((l) => l.trim().length > 0).map((l) => /^[ \t]*/.exec(l)![0].length);
      const min = indents.length ? Math.min(...indents) : 0;
      return lines.map((l) => l.slice(Math.min(min, /^[ \t]*/.exec(l)![0].length))).join('\n');
    }
    case 'stripMargin': {
      const mc = args.length ? s(a0) : '|';
      return t
        .split('\n')
        .map((l) => {
          const m = /^[ \t]*/.exec(l)![0].length;
          return l[m] === mc ? l.slice(m + 1) : l;
        })
        .join('\n');
    }
    case 'normalize':
      return t.replace(/\r\n?/g, '\n');
    case 'denormalize':
      return t.replace(/\r\n?|\n/g, '\n');
    case 'toString':
      return t;
    case 'hashCode':
      return javaHashCode(t);
    case 'asBoolean':
      return t.length > 0;
    case 'each':
    case 'eachWithIndex':
    case 'collect':
    case 'any':
    case 'every':
    case 'inject':
      return listMethod(rt, t.split(''), name, args);
    case 'next':
      return t.length ? t.slice(0, -1) + String.fromCharCode(t.charCodeAt(t.length - 1) + 1) : '\u0000';
    case 'intern':
      return t;
    case 'codePointAt':
      return t.codePointAt(intArg(a0, name)) ?? null;
    case 'encodeAsURL':
    case 'getBytes':
    case 'execute':
    case 'toURL':
    case 'toURI':
    case 'decodeBase64':
    case 'encodeBase64':
      throw unsupported(`String.${name}()`);
  }
  return NO_METHOD;
}

function inIntRange(t: string): boolean {
  const b = BigInt(t);
  return b >= -2147483648n && b <= 2147483647n;
}

export function javaStringCompare(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a.charCodeAt(i) - b.charCodeAt(i);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

function charMethod(c: JChar, name: string, args: Value[]): Result {
  switch (name) {
    case 'isLetter':
      return /\p{L}/u.test(c.c);
    case 'isDigit':
      return /\p{Nd}/u.test(c.c);
    case 'isLetterOrDigit':
      return /[\p{L}\p{Nd}]/u.test(c.c);
    case 'isWhitespace':
      return isWhitespaceJava(c.c);
    case 'isUpperCase':
      return /\p{Lu}/u.test(c.c);
    case 'isLowerCase':
      return /\p{Ll}/u.test(c.c);
    case 'toUpperCase':
      return new JChar(c.c.toUpperCase().length === 1 ? c.c.toUpperCase() : c.c);
    case 'toLowerCase':
      return new JChar(c.c.toLowerCase().length === 1 ? c.c.toLowerCase() : c.c);
    case 'charValue':
      return c;
    case 'plus':
      return O.plus(c, args[0]);
  }
  return NO_METHOD;
}

// ---------------------------------------------------------------- Number

function numberMethod(rt: Rt, n: N.GNumberLike, name: string, args: Value[]): Result {
  const a0 = args[0];
  switch (name) {
    case 'toInteger':
    case 'intValue':
      return N.toInt(n);
    case 'toLong':
    case 'longValue':
      return new JLong(N.toLongBig(n));
    case 'toBigInteger':
      return new JBigInteger(N.toBigInt(n));
    case 'toBigDecimal':
      return N.toBigDecimal(n);
    case 'toDouble':
    case 'doubleValue':
      return new JDouble(N.toDouble(n));
    case 'toFloat':
    case 'floatValue':
      return new JFloat(N.toDouble(n));
    case 'toString':
      if (args.length === 0) return N.numberToString(n);
      break;
    case 'intdiv':
      return N.intdiv(n, a0 as N.GNumberLike);
    case 'plus':
      return O.plus(n, a0);
    case 'minus':
      return O.minus(n, a0);
    case 'multiply':
      return O.times(n, a0);
    case 'div':
      return N.divide(n, a0 as N.GNumberLike);
    case 'mod':
    case 'remainder':
      return N.remainder(n, a0 as N.GNumberLike);
    case 'power':
      return N.power(n, a0 as N.GNumberLike);
    case 'negate':
      return N.negate(n);
    case 'abs':
      return N.compareNumbers(n, 0) < 0 ? N.negate(n) : n;
    case 'signum':
      return N.compareNumbers(n, 0);
    case 'compareTo':
      return N.compareNumbers(n, a0 as N.GNumberLike);
    case 'equals':
      return O.javaEquals(n, a0);
    case 'round': {
      if (n instanceof JDouble || n instanceof JFloat) {
        if (args.length === 1) {
          const p = intArg(a0, name);
          const f = 10 ** p;
          const v = Math.round(n.v * f) / f;
          return n instanceof JFloat ? new JFloat(v) : new JDouble(v);
        }
        const r = Math.floor(n.v + 0.5);
        return n instanceof JFloat ? N.toInt(new JDouble(r)) : new JLong(BigInt(r));
      }
      if (n instanceof JBigDecimal) return N.bdSetScale(n, args.length ? intArg(a0, name) : 0);
      return n;
    }
    case 'setScale': {
      if (!(n instanceof JBigDecimal)) break;
      const mode = args.length > 1 ? O.toGroovyString(args[1]) : 'UNNECESSARY';
      return setScaleMode(n, intArg(a0, name), mode);
    }
    case 'scale':
      if (n instanceof JBigDecimal) return n.s;
      break;
    case 'precision':
      if (n instanceof JBigDecimal) return N.bdPrecision(n);
      break;
    case 'unscaledValue':
      if (n instanceof JBigDecimal) return new JBigInteger(n.u);
      break;
    case 'stripTrailingZeros':
      if (n instanceof JBigDecimal) return N.bdStripTrailingZeros(n);
      break;
    case 'toPlainString':
      if (n instanceof JBigDecimal) return N.bigDecimalToPlainString(n);
      break;
    case 'isNaN':
      return (n instanceof JDouble || n instanceof JFloat) && Number.isNaN(n.v);
    case 'isInfinite':
      return (n instanceof JDouble || n instanceof JFloat) && !Number.isFinite(n.v) && !Number.isNaN(n.v);
    case 'times': {
      const c = closureArg(args);
      if (!c) break;
      const k = N.toInt(n);
      for (let i = 0; i < k; i++) {
        rt.budget.tick();
        rt.call(c, [i]);
      }
      return null;
    }
    case 'upto':
    case 'downto': {
      const c = closureArg(args, 1);
      if (!c) break;
      const up = name === 'upto';
      for (let i: N.GNumberLike = n; up ? N.compareNumbers(i, a0 as N.GNumberLike) <= 0 : N.compareNumbers(i, a0 as N.GNumberLike) >= 0; i = N.add(i, up ? 1 : -1)) {
        rt.budget.tick();
        rt.call(c, [i]);
      }
      return null;
    }
    case 'step': {
      const c = closureArg(args, 2);
      if (!c) break;
      const to = a0 as N.GNumberLike;
      const st = args[1] as N.GNumberLike;
      const up = N.compareNumbers(st, 0) > 0;
      for (let i: N.GNumberLike = n; up ? N.compareNumbers(i, to) < 0 : N.compareNumbers(i, to) > 0; i = N.add(i, st)) {
        rt.budget.tick();
        rt.call(c, [i]);
      }
      return null;
    }
    case 'next':
      return N.add(n, 1);
    case 'previous':
      return N.subtract(n, 1);
    case 'max':
      return N.compareNumbers(n, a0 as N.GNumberLike) >= 0 ? n : (a0 as Value);
    case 'min':
      return N.compareNumbers(n, a0 as N.GNumberLike) <= 0 ? n : (a0 as Value);
    case 'asBoolean':
      return !N.isZero(n);
  }
  return NO_METHOD;
}

function setScaleMode(n: JBigDecimal, scale: number, mode: string): JBigDecimal {
  const m = mode.replace(/^.*\./, '');
  if (scale >= n.s) return N.bdSetScale(n, scale);
  const div = 10n ** BigInt(n.s - scale);
  const q = n.u / div;
  const r = n.u % div;
  if (r === 0n) return new JBigDecimal(q, scale);
  const neg = n.u < 0n;
  const twice = (r < 0n ? -r : r) * 2n;
  let up: boolean;
  switch (m) {
    case 'UP':
      up = true;
      break;
    case 'DOWN':
      up = false;
      break;
    case 'CEILING':
      up = !neg;
      break;
    case 'FLOOR':
      up = neg;
      break;
    case 'HALF_UP':
      up = twice >= div;
      break;
    case 'HALF_DOWN':
      up = twice > div;
      break;
    case 'HALF_EVEN':
      up = twice > div || (twice === div && (q & 1n) === 1n);
      break;
    default:
      throw groovyError('java.lang.ArithmeticException', 'Rounding necessary');
  }
  return new JBigDecimal(up ? q + (neg ? -1n : 1n) : q, scale);
}

// ---------------------------------------------------------------- List

function removeAtOrValue(list: Value[], arg: Value): Value {
  // { element } wraps a value that must be removed as an object even when it is an Integer (`remove((Object) 5)`)
  const byValue = typeof arg === 'object' && arg !== null && 'element' in (arg as object) && Object.keys(arg as object).length === 1;
  const a0 = byValue ? ((arg as { element: Value }).element) : arg;
  if (typeof a0 === 'number' && !byValue) {
    if (a0 < 0 || a0 >= list.length) throw groovyError(INDEX_OUT_OF_BOUNDS, `Index ${a0} out of bounds for length ${list.length}`);
    return list.splice(a0, 1)[0] as Value;
  }
  const i = list.findIndex((x) => O.javaEquals(x as Value, a0));
  if (i < 0) return false;
  list.splice(i, 1);
  return true;
}

function mutable(list: Value[], name: string): void {
  if (isJavaArray(list)) throw groovyError(UNSUPPORTED_OPERATION, `${name} on an array`);
  if (Object.isFrozen(list)) throw groovyError(UNSUPPORTED_OPERATION, `${name} on an immutable list`);
}

export function listMethod(rt: Rt, list: Value[], name: string, args: Value[]): Result {
  const b = rt.budget;
  const a0 = args[0];
  const c = closureArg(args, args.length - 1);
  switch (name) {
    case 'size':
      return list.length;
    case 'isEmpty':
      return list.length === 0;
    case 'get':
      if (args.length === 1) {
        const i = intArg(a0, name);
        if (i < 0 || i >= list.length) throw groovyError(INDEX_OUT_OF_BOUNDS, `Index ${i} out of bounds for length ${list.length}`);
        return list[i] as Value;
      }
      break;
    case 'getAt':
      if (args.length === 1) {
        if (typeof a0 === 'string' || a0 instanceof GStringValue) return spreadProperty(rt, list, s(a0));
        return O.subscriptList(list, a0);
      }
      break;
    case 'putAt':
    case 'set': {
      mutable(list, name);
      const i0 = intArg(a0, name);
      const i = i0 < 0 ? i0 + list.length : i0;
      if (name === 'set' && (i < 0 || i >= list.length)) throw groovyError(INDEX_OUT_OF_BOUNDS, `Index ${i0} out of bounds for length ${list.length}`);
      if (i < 0) throw groovyError(INDEX_OUT_OF_BOUNDS, `Negative array index [${i0}] too large for array size ${list.length}`);
      b.collection(i + 1);
      while (list.length <= i) list.push(null);
      const old = list[i] as Value;
      list[i] = args[1];
      return name === 'set' ? old : null;
    }
    case 'push':
      mutable(list, name);
      b.collection(list.length + 1);
      list.unshift(a0);
      return true;
    case 'removeElement':
      mutable(list, name);
      return removeAtOrValue(list, { element: a0 } as unknown as Value);
    case 'add':
    case 'leftShift':
      mutable(list, name);
      b.collection(list.length + 1);
      if (args.length === 2 && name === 'add') {
        list.splice(intArg(a0, name), 0, args[1]);
        return null;
      }
      list.push(a0);
      return name === 'leftShift' ? list : true;
    case 'addAll': {
      mutable(list, name);
      const items = O.toList(args[args.length - 1]);
      b.collection(list.length + items.length);
      if (args.length === 2) list.splice(intArg(a0, name), 0, ...items);
      else list.push(...items);
      return items.length > 0;
    }
    case 'remove':
      mutable(list, name);
      return removeAtOrValue(list, a0);
    case 'removeAt':
      mutable(list, name);
      return removeAtOrValue(list, intArg(a0, name));
    case 'removeAll':
    case 'retainAll':
    case 'removeIf': {
      mutable(list, name);
      const keep = name === 'retainAll';
      const pred = c ? (x: Value) => O.truthy(rt.call(c, [x])) : (x: Value) => O.toList(a0).some((y) => O.groovyEquals(x, y as Value));
      const before = list.length;
      const kept = list.filter((x) => pred(x as Value) === keep);
      list.splice(0, list.length, ...kept);
      return list.length !== before;
    }
    case 'clear':
      mutable(list, name);
      list.length = 0;
      return null;
    case 'contains':
      return list.some((x) => O.javaEquals(x as Value, a0) || (Array.isArray(x) && O.groovyEquals(x as Value, a0)));
    case 'containsAll':
      return O.toList(a0).every((y) => list.some((x) => O.javaEquals(x as Value, y as Value)));
    case 'indexOf':
      if (c) return list.findIndex((x) => O.truthy(rt.call(c, [x as Value])));
      return list.findIndex((x) => O.javaEquals(x as Value, a0));
    case 'lastIndexOf':
      for (let i = list.length - 1; i >= 0; i--) if (O.javaEquals(list[i] as Value, a0)) return i;
      return -1;
    case 'findIndexOf':
      if (!c) break;
      return list.findIndex((x) => O.truthy(rt.call(c, [x as Value])));
    case 'findLastIndexOf':
      if (!c) break;
      for (let i = list.length - 1; i >= 0; i--) if (O.truthy(rt.call(c, [list[i] as Value]))) return i;
      return -1;
    case 'findIndexValues':
      if (!c) break;
      return list.flatMap((x, i) => (O.truthy(rt.call(c, [x as Value])) ? [i] : []));
    case 'each':
      if (!c) break;
      for (const x of [...list]) rt.call(c, [x as Value]);
      return list;
    case 'reverseEach':
      if (!c) break;
      for (const x of [...list].reverse()) rt.call(c, [x as Value]);
      return list;
    case 'eachWithIndex':
      if (!c) break;
      [...list].forEach((x, i) => rt.call(c, [x as Value, i]));
      return list;
    case 'collect': {
      if (args.length === 0) return [...list];
      if (!c) break;
      const out: Value[] = args.length === 2 && Array.isArray(a0) ? a0 : [];
      for (const x of list) out.push(rt.call(c, [x as Value]));
      b.collection(out.length);
      return out;
    }
    case 'collectMany': {
      if (!c) break;
      const out: Value[] = [];
      for (const x of list) out.push(...O.toList(rt.call(c, [x as Value])));
      b.collection(out.length);
      return out;
    }
    case 'collectNested':
      if (!c) break;
      return collectNested(rt, list, c);
    case 'collectEntries': {
      const m = args.length === 2 && a0 instanceof GMap ? a0 : new GMap();
      for (const x of list) {
        const r = c ? rt.call(c, [x as Value]) : (x as Value);
        addEntry(m, r);
      }
      b.collection(m.size);
      return m;
    }
    case 'find':
      if (!c) return list.find((x) => O.truthy(x as Value)) ?? null;
      for (const x of list) if (O.truthy(rt.call(c, [x as Value]))) return x as Value;
      return null;
    case 'findAll':
      if (!c) return list.filter((x) => O.truthy(x as Value));
      return list.filter((x) => O.truthy(rt.call(c, [x as Value])));
    case 'grep':
      if (args.length === 0) return list.filter((x) => O.truthy(x as Value));
      return list.filter((x) => O.isCase(a0, x as Value, (cc, aa) => rt.call(cc, aa)));
    case 'findResult': {
      const cl = closureArg(args, args.length - 1);
      if (!cl) break;
      for (const x of list) {
        const r = rt.call(cl, [x as Value]);
        if (r !== null) return r;
      }
      return args.length === 2 ? a0 : null;
    }
    case 'findResults':
      if (!c) break;
      return list.map((x) => rt.call(c, [x as Value])).filter((x) => x !== null);
    case 'any':
      if (!c) return list.some((x) => O.truthy(x as Value));
      for (const x of list) if (O.truthy(rt.call(c, [x as Value]))) return true;
      return false;
    case 'every':
      if (!c) return list.every((x) => O.truthy(x as Value));
      for (const x of list) if (!O.truthy(rt.call(c, [x as Value]))) return false;
      return true;
    case 'count':
      if (c) return list.filter((x) => O.truthy(rt.call(c, [x as Value]))).length;
      return list.filter((x) => O.groovyEquals(x as Value, a0)).length;
    case 'inject': {
      if (!c) break;
      let acc: Value;
      let rest: Value[];
      if (args.length === 2) {
        acc = a0;
        rest = list;
      } else {
        if (list.length === 0) throw groovyError(NSE, 'Cannot call inject() on an empty collection without passing an initial value.');
        acc = list[0] as Value;
        rest = list.slice(1);
      }
      for (const x of rest) acc = rt.call(c, [acc, x as Value]);
      return acc;
    }
    case 'join':
      return b.string(joinOf(list, args.length ? s(a0) : ''));
    case 'sort':
    case 'toSorted': {
      if (name === 'sort' && args.length === 1 && a0 instanceof JavaComparator) {
        // java.util.List.sort(Comparator): sorts in place and returns nothing
        mutable(list, name);
        list.sort((x, y) => a0.compare(x as Value, y as Value));
        return null;
      }
      const mutate = name === 'sort' && !(args.length >= 1 && typeof a0 === 'boolean' && !a0);
      const cl = closureArg(args, args.length - 1);
      const sorted = [...list].sort(comparatorFrom(rt, cl) as (a: unknown, b: unknown) => number);
      if (mutate && !isJavaArray(list)) {
        list.splice(0, list.length, ...sorted);
        return list;
      }
      return sorted;
    }
    case 'unique':
    case 'toUnique': {
      const mutate = name === 'unique' && !(args.length >= 1 && typeof a0 === 'boolean' && !a0);
      const cl = closureArg(args, args.length - 1);
      const u = uniqueBy(list, cl ? comparatorFrom(rt, cl) : null);
      if (mutate) {
        list.splice(0, list.length, ...u);
        return list;
      }
      return u;
    }
    case 'reverse':
      if (args.length === 1 && O.truthy(a0)) {
        list.reverse();
        return list;
      }
      return [...list].reverse();
    case 'groupBy': {
      if (!c) break;
      const m = new GMap();
      for (const x of list) {
        const k = rt.call(c, [x as Value]);
        const g = m.get(k);
        if (Array.isArray(g)) g.push(x);
        else m.set(k, [x as Value]);
      }
      return m;
    }
    case 'countBy': {
      if (!c) break;
      const m = new GMap();
      for (const x of list) {
        const k = rt.call(c, [x as Value]);
        m.set(k, ((m.get(k) as number | null) ?? 0) + 1);
      }
      return m;
    }
    case 'sum': {
      if (c) return sumOf(list.map((x) => rt.call(c, [x as Value])), args.length === 2 ? a0 : undefined);
      return sumOf(list, args.length === 1 ? a0 : undefined);
    }
    case 'average': {
      if (list.length === 0) return null;
      const vals = c ? list.map((x) => rt.call(c, [x as Value])) : list;
      return N.divide(sumOf(vals) as N.GNumberLike, vals.length);
    }
    case 'max':
    case 'min': {
      if (list.length === 0) return null;
      const cmp = comparatorFrom(rt, c);
      let best = list[0] as Value;
      for (const x of list.slice(1)) {
        const d = cmp(x as Value, best);
        if (name === 'max' ? d > 0 : d < 0) best = x as Value;
      }
      return best;
    }
    case 'first':
    case 'head':
      if (args.length === 1 && name === 'first') return list.slice(0, Math.max(0, intArg(a0, name)));
      if (list.length === 0) throw groovyError(NSE, `Cannot access ${name}() element from an empty List`);
      return list[0] as Value;
    case 'last':
      if (args.length === 1) return list.slice(Math.max(0, list.length - intArg(a0, name)));
      if (list.length === 0) throw groovyError(NSE, 'Cannot access last() element from an empty List');
      return list[list.length - 1] as Value;
    case 'tail':
      if (list.length === 0) throw groovyError(NSE, 'Cannot access tail() for an empty list');
      return list.slice(1);
    case 'init':
      if (list.length === 0) throw groovyError(NSE, 'Cannot access init() for an empty list');
      return list.slice(0, -1);
    case 'take':
      return list.slice(0, Math.max(0, intArg(a0, name)));
    case 'drop':
      return list.slice(Math.max(0, intArg(a0, name)));
    case 'takeRight':
      return list.slice(Math.max(0, list.length - intArg(a0, name)));
    case 'dropRight':
      return list.slice(0, Math.max(0, list.length - intArg(a0, name)));
    case 'takeWhile': {
      if (!c) break;
      const out: Value[] = [];
      for (const x of list) {
        if (!O.truthy(rt.call(c, [x as Value]))) break;
        out.push(x as Value);
      }
      return out;
    }
    case 'dropWhile': {
      if (!c) break;
      let i = 0;
      while (i < list.length && O.truthy(rt.call(c, [list[i] as Value]))) i++;
      return list.slice(i);
    }
    case 'subList': {
      const from = intArg(a0, name);
      const to = intArg(args[1], name);
      if (from < 0 || to > list.length || from > to) throw groovyError(INDEX_OUT_OF_BOUNDS, `fromIndex: ${from}, toIndex: ${to}, size: ${list.length}`);
      return list.slice(from, to);
    }
    case 'plus':
      if (args.length === 2) {
        const out = [...list];
        out.splice(intArg(a0, name), 0, ...O.toList(args[1]));
        return out;
      }
      b.collection(list.length + 1);
      return O.plus(list, a0);
    case 'minus':
      return minusList(list, a0);
    case 'multiply':
      return O.times(list, a0);
    case 'flatten':
      return flatten(list, []);
    case 'toList':
    case 'asList':
      return [...list];
    case 'toSet':
      return hashSetOrder(list);
    case 'asImmutable':
    case 'asUnmodifiable':
      return Object.freeze([...list]) as Value[];
    case 'intersect': {
      const other = O.toList(a0);
      return uniqueBy(
        list.filter((x) => other.some((y) => uniqueEquals(x as Value, y as Value))),
        null,
      );
    }
    case 'disjoint': {
      const other = O.toList(a0);
      return !list.some((x) => other.some((y) => uniqueEquals(x as Value, y as Value)));
    }
    case 'split': {
      if (!c) break;
      const yes: Value[] = [];
      const no: Value[] = [];
      for (const x of list) (O.truthy(rt.call(c, [x as Value])) ? yes : no).push(x as Value);
      return [yes, no];
    }
    case 'collate': {
      const size = intArg(a0, name);
      const out: Value[] = [];
      for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
      return out;
    }
    case 'withIndex':
      return list.map((x, i) => [x as Value, i]);
    case 'indexed': {
      const m = new GMap();
      list.forEach((x, i) => m.set(i, x as Value));
      return m;
    }
    case 'transpose': {
      const lists = list.map((x) => O.toList(x as Value));
      const n = lists.length ? Math.min(...lists.map((l) => l.length)) : 0;
      const out: Value[] = [];
      for (let i = 0; i < n; i++) out.push(lists.map((l) => l[i] as Value));
      return out;
    }
    case 'pop':
      mutable(list, name);
      if (list.length === 0) throw groovyError(NSE, 'Cannot pop() an empty List');
      return list.shift() as Value;
    case 'getClass':
      return new GClassRef(O.className(list));
    case 'iterator':
    case 'stream':
    case 'parallelStream':
      throw unsupported(`List.${name}()`);
    case 'asType':
      return NO_METHOD;
  }
  return NO_METHOD;
}

function collectNested(rt: Rt, list: Value[], c: Callable): Value[] {
  return list.map((x) => (Array.isArray(x) ? collectNested(rt, x, c) : rt.call(c, [x as Value])));
}

function minusList(list: Value[], a0: Value): Value[] {
  const remove = Array.isArray(a0) || a0 instanceof GRange ? O.toList(a0) : [a0];
  return list.filter((x) => !remove.some((y) => uniqueEquals(x as Value, y as Value)));
}

function addEntry(m: GMap, r: Value): void {
  if (r instanceof GMap) {
    for (const [k, v] of r.entries()) m.set(k, v);
  } else if (r instanceof GMapEntry) m.set(r.key, r.value);
  else if (Array.isArray(r)) {
    if (r.length !== 2) throw groovyError(ILLEGAL_ARGUMENT, `collectEntries: a list must have 2 elements (key, value), got ${r.length}`);
    m.set(r[0] as Value, r[1] as Value);
  } else throw groovyError(ILLEGAL_ARGUMENT, `collectEntries: expected a [key, value] list or a map, got ${O.className(r)}`);
}

export function spreadProperty(rt: Rt, list: Value[], name: string): Value[] {
  void rt;
  return list.map((x) => {
    if (x === null) return null;
    if (x instanceof GMap) return x.get(name);
    throw unsupported(`spread property .${name} on ${O.className(x as Value)}`);
  });
}

// ---------------------------------------------------------------- Range

function rangeMethod(rt: Rt, r: GRange, name: string, args: Value[]): Result {
  switch (name) {
    case 'size':
      return r.size;
    case 'getFrom':
      return r.from;
    case 'getTo':
      return r.to;
    case 'contains':
      return O.rangeContains(r, args[0]);
    case 'toString':
      return rangeToString(r);
    case 'isReverse':
      return r.from > r.to;
    case 'step': {
      const st = intArg(args[0], name);
      const all = r.toList();
      const out = all.filter((_, i) => i % Math.abs(st) === 0);
      const c = closureArg(args, 1);
      if (c) {
        for (const x of out) rt.call(c, [x]);
        return null;
      }
      return out;
    }
    case 'each': {
      const c = closureArg(args);
      if (!c) break;
      if (typeof r.from === 'number' && typeof r.to === 'number' && r.from <= r.to) {
        const end = r.inclusive ? r.to : r.to - 1;
        for (let i = r.from; i <= end; i++) {
          rt.budget.tick();
          rt.call(c, [i]);
        }
        return r;
      }
      break;
    }
  }
  if (r.size > rt.budget.maxCollectionSize) rt.budget.collection(r.size);
  const list = r.toList();
  if (['add', 'remove', 'clear', 'putAt', 'set', 'addAll', 'removeAll', 'leftShift'].includes(name)) {
    throw groovyError(UNSUPPORTED_OPERATION, `${name} on a range`);
  }
  return listMethod(rt, list, name, args);
}

// ---------------------------------------------------------------- Map

function mapMethod(rt: Rt, m: GMap, name: string, args: Value[]): Result {
  const a0 = args[0];
  const c = closureArg(args, args.length - 1);
  const entries = () => m.entries().map(([k, v]) => new GMapEntry(m, k, v));
  switch (name) {
    case 'size':
      return m.size;
    case 'isEmpty':
      return m.size === 0;
    case 'get':
      if (args.length === 2) {
        if (!m.has(a0)) m.set(a0, args[1]);
        return m.get(a0);
      }
      return m.get(a0);
    case 'getAt':
      return m.get(a0 instanceof GStringValue ? a0.s : a0);
    case 'getOrDefault':
      return m.has(a0) ? m.get(a0) : args[1];
    case 'put': {
      rt.budget.collection(m.size + 1);
      const old = m.has(a0) ? m.get(a0) : null;
      m.set(a0, args[1]);
      return old;
    }
    case 'putAt':
      rt.budget.collection(m.size + 1);
      m.set(a0 instanceof GStringValue ? a0.s : a0, args[1]);
      return null;
    case 'putAll':
      if (a0 instanceof GMap) for (const [k, v] of a0.entries()) m.set(k, v);
      else for (const e of O.toList(a0)) if (e instanceof GMapEntry) m.set(e.key, e.value);
      return null;
    case 'putIfAbsent':
      if (m.has(a0) && m.get(a0) !== null) return m.get(a0);
      m.set(a0, args[1]);
      return null;
    case 'computeIfAbsent': {
      if (m.has(a0) && m.get(a0) !== null) return m.get(a0);
      const fn = closureArg(args, 1);
      if (!fn) break;
      const v = rt.call(fn, [a0]);
      if (v !== null) m.set(a0, v);
      return v;
    }
    case 'remove':
      return m.delete(a0);
    case 'clear':
      m.clear();
      return null;
    case 'containsKey':
      return m.has(a0);
    case 'containsValue':
      return m.values().some((v) => O.javaEquals(v, a0));
    case 'keySet':
      return m.keys();
    case 'values':
      return m.values();
    case 'entrySet':
      return entries();
    case 'each':
      if (!c) break;
      for (const e of entries()) callEntry(rt, c, e);
      return m;
    case 'eachWithIndex':
      if (!c) break;
      entries().forEach((e, i) => callEntry(rt, c, e, [i]));
      return m;
    case 'collect': {
      if (!c) break;
      const out: Value[] = args.length === 2 && Array.isArray(a0) ? a0 : [];
      for (const e of entries()) out.push(callEntry(rt, c, e));
      return out;
    }
    case 'collectMany': {
      if (!c) break;
      const out: Value[] = [];
      for (const e of entries()) out.push(...O.toList(callEntry(rt, c, e)));
      return out;
    }
    case 'collectEntries': {
      const out = args.length === 2 && a0 instanceof GMap ? a0 : new GMap();
      for (const e of entries()) addEntry(out, c ? callEntry(rt, c, e) : e);
      return out;
    }
    case 'find':
      if (!c) break;
      for (const e of entries()) if (O.truthy(callEntry(rt, c, e))) return e;
      return null;
    case 'findAll': {
      if (!c) break;
      const out = new GMap();
      for (const e of entries()) if (O.truthy(callEntry(rt, c, e))) out.set(e.key, e.value);
      return out;
    }
    case 'findResult':
      if (!c) break;
      for (const e of entries()) {
        const r = callEntry(rt, c, e);
        if (r !== null) return r;
      }
      return null;
    case 'any':
      if (!c) break;
      for (const e of entries()) if (O.truthy(callEntry(rt, c, e))) return true;
      return false;
    case 'every':
      if (!c) break;
      for (const e of entries()) if (!O.truthy(callEntry(rt, c, e))) return false;
      return true;
    case 'count':
      if (!c) break;
      return entries().filter((e) => O.truthy(callEntry(rt, c, e))).length;
    case 'inject': {
      if (!c) break;
      let acc = a0;
      for (const e of entries()) acc = arity(c) === 3 ? rt.call(c, [acc, e.key, e.value]) : rt.call(c, [acc, e]);
      return acc;
    }
    case 'groupBy': {
      if (!c) break;
      const out = new GMap();
      for (const e of entries()) {
        const k = callEntry(rt, c, e);
        let g = out.get(k);
        if (!(g instanceof GMap)) {
          g = new GMap();
          out.set(k, g);
        }
        (g as GMap).set(e.key, e.value);
      }
      return out;
    }
    case 'sort': {
      const list = entries();
      let cmp: (a: Value, b: Value) => number;
      if (!c) cmp = (a, b) => naturalCompare((a as GMapEntry).key, (b as GMapEntry).key);
      else if (arity(c) === 2) cmp = (a, b) => N.toInt(rt.call(c, [a, b]) as N.GNumberLike);
      else cmp = (a, b) => naturalCompare(rt.call(c, [a]), rt.call(c, [b]));
      list.sort(cmp as (a: unknown, b: unknown) => number);
      return GMap.from(list.map((e) => [e.key, e.value]));
    }
    case 'max':
    case 'min': {
      const list = entries();
      if (list.length === 0) return null;
      const cmp = comparatorFrom(rt, c);
      let best: Value = list[0];
      for (const e of list.slice(1)) {
        const d = cmp(e, best);
        if (name === 'max' ? d > 0 : d < 0) best = e;
      }
      return best;
    }
    case 'subMap': {
      const out = new GMap();
      for (const k of O.toList(a0)) if (m.has(k as Value)) out.set(k as Value, m.get(k as Value));
      return out;
    }
    case 'plus':
      return O.plus(m, a0);
    case 'minus':
      return O.minus(m, a0);
    case 'asImmutable':
    case 'asUnmodifiable':
      return m.copy();
    case 'toString':
      return O.toGroovyString(m);
    case 'equals':
      return O.groovyEquals(m, a0);
    case 'asType':
      return NO_METHOD;
    case 'withDefault':
      throw unsupported('Map.withDefault()');
    case 'iterator':
      throw unsupported('Map.iterator()');
  }
  return NO_METHOD;
}

// ---------------------------------------------------------------- regex

function matcherMethod(rt: Rt, m: JMatcher, name: string, args: Value[]): Result {
  const a0 = args[0];
  switch (name) {
    case 'find':
      if (args.length === 1) {
        m.reset();
        const start = intArg(a0, name);
        let found = m.find();
        while (found && m.start() < start) found = m.find();
        return found;
      }
      return m.find();
    case 'matches':
      return m.matches();
    case 'lookingAt': {
      const ms = allMatches(m.pattern, m.input);
      return ms.length > 0 && ms[0].index === 0;
    }
    case 'group':
      return m.group(args.length ? (typeof a0 === 'string' ? a0 : intArg(a0, name)) : 0);
    case 'groupCount':
      return m.groupCount();
    case 'start':
      return m.start();
    case 'end':
      return m.end();
    case 'reset':
      m.reset();
      return m;
    case 'getCount':
    case 'size':
      return m.all().length;
    case 'hasGroup':
      return m.groupCount() > 0;
    case 'getAt': {
      if (typeof a0 === 'number' || isNumber(a0)) {
        const all = m.all();
        const i0 = intArg(a0, name);
        const i = i0 < 0 ? i0 + all.length : i0;
        if (i < 0 || i >= all.length) throw groovyError(INDEX_OUT_OF_BOUNDS, `index is out of range 0..${all.length - 1} (index = ${i0})`);
        return O.matchValue(all[i]);
      }
      break;
    }
    case 'replaceAll':
    case 'replaceFirst':
      return stringMethod(rt, m.input, name, [m.pattern, ...args]);
    case 'asBoolean':
      return O.truthy(m);
    case 'iterator':
      throw unsupported('Matcher.iterator()');
  }
  if (['each', 'collect', 'find', 'findAll', 'any', 'every', 'eachWithIndex', 'toList', 'join', 'first', 'last', 'size', 'inject', 'sum', 'count'].includes(name)) {
    const items = m.all().map((x) => O.matchValue(x));
    if (name === 'each' || name === 'eachWithIndex') {
      const c = closureArg(args);
      if (c) {
        m.all().forEach((x, i) => {
          const v = O.matchValue(x);
          const call = Array.isArray(v) && arity(c) > 1 && name === 'each' ? v : [v];
          rt.call(c, name === 'eachWithIndex' ? [v, i] : call);
        });
        return m;
      }
    }
    return listMethod(rt, items, name, args);
  }
  return NO_METHOD;
}

function patternMethod(p: JPattern, name: string, args: Value[]): Result {
  switch (name) {
    case 'matcher':
      return new JMatcher(p, s(args[0]));
    case 'pattern':
    case 'toString':
      return p.source;
    case 'split':
      return markArray(splitJava(s(args[0]), p, args.length > 1 ? intArg(args[1], name) : 0));
    case 'flags':
      return p.flags;
    case 'isCase':
      return args[0] !== null && p.whole.test(s(args[0]));
  }
  return NO_METHOD;
}

/** Static methods of the JDK classes scripts call (`Integer.parseInt`, `Math.max`, `Pattern.compile`, …). */
export function invokeStatic(_rt: Rt, cls: string, name: string, args: Value[]): Result {
  const a0 = args[0];
  const c = O.simpleName(cls);
  switch (`${c}.${name}`) {
    case 'Integer.parseInt':
    case 'Integer.valueOf':
      if (isNumber(a0)) return N.toInt(a0);
      if (args.length === 2) return N.narrowestIntegral(BigInt(parseInt(s(a0), intArg(args[1], name))));
      return N.parseIntegerStrict(s(a0).trim() === s(a0) ? s(a0) : '\u0000', 'int');
    case 'Long.parseLong':
    case 'Long.valueOf':
      if (isNumber(a0)) return new JLong(N.toLongBig(a0));
      return N.parseIntegerStrict(s(a0).trim() === s(a0) ? s(a0) : '\u0000', 'long');
    case 'Double.parseDouble':
    case 'Double.valueOf':
      return new JDouble(isNumber(a0) ? N.toDouble(a0) : N.parseDoubleStrict(s(a0)));
    case 'Float.parseFloat':
    case 'Float.valueOf':
      return new JFloat(isNumber(a0) ? N.toDouble(a0) : N.parseDoubleStrict(s(a0)));
    case 'Boolean.parseBoolean':
    case 'Boolean.valueOf':
      return typeof a0 === 'boolean' ? a0 : a0 !== null && s(a0).toLowerCase() === 'true';
    case 'String.valueOf':
      return a0 instanceof JChar ? a0.c : isJavaArray(a0) ? (a0 as Value[]).map((x) => s(x as Value)).join('') : javaToString(a0);
    case 'String.format':
      return formatJava(s(a0), args.slice(1));
    case 'String.join':
      return (args.length === 2 && Array.isArray(args[1]) ? (args[1] as Value[]) : args.slice(1)).map((x) => O.toGroovyString(x)).join(s(a0));
    case 'Math.max':
    case 'Math.min': {
      const x = a0 as N.GNumberLike;
      const y = args[1] as N.GNumberLike;
      const r = Math.max(N.rankOf(x), N.rankOf(y));
      const pick = (name === 'max' ? N.compareNumbers(x, y) >= 0 : N.compareNumbers(x, y) <= 0) ? x : y;
      if (r === N.Rank.Int) return N.toInt(pick);
      if (r === N.Rank.Long) return new JLong(N.toLongBig(pick));
      return new JDouble(N.toDouble(pick));
    }
    case 'Math.abs':
      return N.compareNumbers(a0 as N.GNumberLike, 0) < 0 ? N.negate(a0 as N.GNumberLike) : a0;
    case 'Math.round': {
      const d = N.toDouble(a0 as N.GNumberLike);
      return a0 instanceof JFloat ? Math.floor(d + 0.5) : new JLong(BigInt(Math.floor(d + 0.5)));
    }
    case 'Math.floor':
      return new JDouble(Math.floor(N.toDouble(a0 as N.GNumberLike)));
    case 'Math.ceil':
      return new JDouble(Math.ceil(N.toDouble(a0 as N.GNumberLike)));
    case 'Math.pow':
      return new JDouble(Math.pow(N.toDouble(a0 as N.GNumberLike), N.toDouble(args[1] as N.GNumberLike)));
    case 'Math.sqrt':
      return new JDouble(Math.sqrt(N.toDouble(a0 as N.GNumberLike)));
    case 'Pattern.compile':
      return JPattern.compile(s(a0), args.length > 1 ? intArg(args[1], name) : 0);
    case 'Pattern.matches':
      return JPattern.compile(s(a0)).whole.test(s(args[1]));
    case 'Pattern.quote':
      return quoteJava(s(a0));
    case 'Matcher.quoteReplacement':
      return s(a0).replace(/[\\$]/g, (x) => '\\' + x);
    case 'Objects.equals':
      return a0 === args[1] || (a0 !== null && O.javaEquals(a0, args[1]));
    case 'Objects.isNull':
      return a0 === null;
    case 'Objects.nonNull':
      return a0 !== null;
    case 'Objects.toString':
      return a0 === null && args.length > 1 ? args[1] : O.toGroovyString(a0);
    case 'Collections.emptyList':
      return [];
    case 'Collections.emptyMap':
      return new GMap();
    case 'Arrays.asList':
      return args.length === 1 && Array.isArray(a0) ? [...a0] : [...args];
    case 'System.currentTimeMillis':
      return new JLong(BigInt(Date.now()));
    case 'Character.isDigit':
    case 'Character.isLetter':
    case 'Character.isWhitespace':
    case 'Character.isUpperCase':
    case 'Character.isLowerCase':
    case 'Character.isLetterOrDigit':
      return charMethod(a0 instanceof JChar ? a0 : new JChar(s(a0)), name, []);
    case 'BigDecimal.valueOf':
      return isNumber(a0) && !(a0 instanceof JDouble) ? N.toBigDecimal(a0) : N.parseBigDecimal(N.numberToString(a0 as N.GNumberLike));
  }
  void NPE;
  return NO_METHOD;
}

/** java.util.Formatter for the conversions scripts use: %s %d %f %.Nf %x %n %% with width/flags. */
export function formatJava(fmt: string, args: Value[]): string {
  let ai = 0;
  return fmt.replace(/%(\d+\$)?([-#+ 0,(]*)(\d+)?(\.\d+)?([a-zA-Z%])/g, (_all, pos: string | undefined, flags: string, width: string | undefined, prec: string | undefined, conv: string) => {
    if (conv === '%') return '%';
    if (conv === 'n') return '\n';
    const arg = pos ? args[Number(pos.slice(0, -1)) - 1] : args[ai++];
    if (arg === undefined) throw groovyError('java.util.MissingFormatArgumentException', `Format specifier '%${conv}'`);
    let out: string;
    switch (conv) {
      case 's':
      case 'S':
        out = O.toGroovyString(arg);
        if (prec) out = out.slice(0, Number(prec.slice(1)));
        if (conv === 'S') out = out.toUpperCase();
        break;
      case 'd': {
        if (!isNumber(arg) || !N.isIntegral(arg)) throw groovyError('java.util.IllegalFormatConversionException', `d != ${O.className(arg)}`);
        const v = N.toBigInt(arg);
        out = (v < 0n ? -v : v).toString();
        if (flags.includes(',')) out = out.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
        out = (v < 0n ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '') + out;
        break;
      }
      case 'f': {
        if (!isNumber(arg) || N.isIntegral(arg)) throw groovyError('java.util.IllegalFormatConversionException', `f != ${O.className(arg)}`);
        const p = prec ? Number(prec.slice(1)) : 6;
        const bd = arg instanceof JBigDecimal ? arg : N.parseBigDecimal(N.numberToString(arg));
        out = N.bigDecimalToPlainString(setScaleMode(bd, p, 'HALF_UP'));
        if (flags.includes(',')) out = out.replace(/^(-?)(\d+)/, (_m, sg: string, d: string) => sg + d.replace(/\B(?=(\d{3})+(?!\d))/g, ','));
        if (flags.includes('+') && !out.startsWith('-')) out = '+' + out;
        break;
      }
      case 'e':
      case 'E': {
        if (!isNumber(arg) || N.isIntegral(arg)) throw groovyError('java.util.IllegalFormatConversionException', `e != ${O.className(arg)}`);
        const p = prec ? Number(prec.slice(1)) : 6;
        out = N.toDouble(arg).toExponential(p).replace(/e([+-])(\d)$/, 'e$10$2');
        if (conv === 'E') out = out.toUpperCase();
        break;
      }
      case 'x':
      case 'X':
        out = N.toBigInt(arg as N.GNumberLike).toString(16);
        if (conv === 'X') out = out.toUpperCase();
        break;
      case 'b':
        out = String(arg === null ? false : typeof arg === 'boolean' ? arg : true);
        break;
      case 'c':
        out = arg instanceof JChar ? arg.c : String.fromCharCode(N.toInt(arg as N.GNumberLike));
        break;
      default:
        throw unsupported(`format conversion %${conv}`);
    }
    if (width && out.length < Number(width)) {
      const pad = Number(width) - out.length;
      if (flags.includes('-')) out += ' '.repeat(pad);
      else if (flags.includes('0') && /[dfxX]/.test(conv)) out = out.replace(/^([+-]?)/, (sg) => sg + '0'.repeat(pad));
      else out = ' '.repeat(pad) + out;
    }
    return out;
  });
}
