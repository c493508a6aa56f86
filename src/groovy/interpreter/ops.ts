// Groovy operators on values: truth, `==` (equals and compareTo), `<=>`, printing (InvokerHelper.toString),
// `isCase` (switch and `in`), `+ - * << []` on strings, lists and maps.
import { CLASS_CAST, groovyError, ILLEGAL_ARGUMENT, INDEX_OUT_OF_BOUNDS, NPE, unsupported } from './errors';
import * as N from './numbers';
import { JMatcher, JPattern } from './regex';
import {
  Callable,
  GClassRef,
  GException,
  GMap,
  GMapEntry,
  GObject,
  GRange,
  GStringValue,
  JBigDecimal,
  JBigInteger,
  JChar,
  JDouble,
  JFloat,
  JLong,
  Value,
  isCallable,
  isHost,
  isJavaArray,
  isNumber,
  markArray,
} from './values';

export function str(v: Value): string {
  return typeof v === 'string' ? v : v instanceof GStringValue ? v.s : v instanceof JChar ? v.c : toGroovyString(v);
}

// ---------------------------------------------------------------- truth

export function truthy(v: Value): boolean {
  if (v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return v.length > 0;
  if (typeof v === 'number') return v !== 0;
  if (isNumber(v)) return !N.isZero(v);
  if (v instanceof GStringValue) return v.s.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof GMap) return v.size > 0;
  if (v instanceof GRange) return v.size > 0;
  if (v instanceof JChar) return v.c !== '\u0000';
  if (v instanceof JMatcher) {
    v.reset();
    return v.find();
  }
  return true;
}

// ---------------------------------------------------------------- class names

export function className(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return 'java.lang.String';
  if (typeof v === 'boolean') return 'java.lang.Boolean';
  if (typeof v === 'number') return 'java.lang.Integer';
  if (v instanceof JLong) return 'java.lang.Long';
  if (v instanceof JBigInteger) return 'java.math.BigInteger';
  if (v instanceof JBigDecimal) return 'java.math.BigDecimal';
  if (v instanceof JDouble) return 'java.lang.Double';
  if (v instanceof JFloat) return 'java.lang.Float';
  if (v instanceof JChar) return 'java.lang.Character';
  if (v instanceof GStringValue) return 'org.codehaus.groovy.runtime.GStringImpl';
  if (Array.isArray(v)) return isJavaArray(v) ? '[Ljava.lang.String;' : 'java.util.ArrayList';
  if (v instanceof GMap) return 'java.util.LinkedHashMap';
  if (v instanceof GRange) return typeof v.from === 'number' ? 'groovy.lang.IntRange' : 'groovy.lang.ObjectRange';
  if (v instanceof GClassRef) return 'java.lang.Class';
  if (v instanceof GObject) return v.cls.name;
  if (v instanceof GException) return v.className;
  if (v instanceof JPattern) return 'java.util.regex.Pattern';
  if (v instanceof JMatcher) return 'java.util.regex.Matcher';
  if (v instanceof GMapEntry) return 'java.util.LinkedHashMap$Entry';
  if (isCallable(v)) return 'groovy.lang.Closure';
  if (isHost(v)) return v.hostKind;
  return 'java.lang.Object';
}

/** Java supertypes of a runtime class, used by `instanceof`, casts and `catch`. */
const SUPERS: Record<string, string[]> = {
  'java.lang.String': ['CharSequence', 'Comparable', 'Object'],
  'org.codehaus.groovy.runtime.GStringImpl': ['GString', 'CharSequence', 'Object'],
  'java.lang.Integer': ['Number', 'Comparable', 'Object'],
  'java.lang.Long': ['Number', 'Comparable', 'Object'],
  'java.math.BigInteger': ['Number', 'Comparable', 'Object'],
  'java.math.BigDecimal': ['Number', 'Comparable', 'Object'],
  'java.lang.Double': ['Number', 'Comparable', 'Object'],
  'java.lang.Float': ['Number', 'Comparable', 'Object'],
  'java.lang.Boolean': ['Comparable', 'Object'],
  'java.lang.Character': ['Comparable', 'Object'],
  'java.util.ArrayList': ['List', 'Collection', 'Iterable', 'AbstractList', 'Object'],
  '[Ljava.lang.String;': ['Object[]', 'String[]', 'Object'],
  'java.util.LinkedHashMap': ['Map', 'HashMap', 'Object'],
  'groovy.lang.IntRange': ['Range', 'List', 'Collection', 'Iterable', 'Object'],
  'groovy.lang.ObjectRange': ['Range', 'List', 'Collection', 'Iterable', 'Object'],
  'groovy.lang.Closure': ['Object', 'Runnable', 'Callable'],
  'java.util.regex.Pattern': ['Object'],
  'java.util.regex.Matcher': ['Object'],
};

const EXCEPTION_SUPERS: Record<string, string> = {
  'java.lang.Exception': 'java.lang.Throwable',
  'java.lang.Error': 'java.lang.Throwable',
  'java.lang.RuntimeException': 'java.lang.Exception',
  'java.lang.IllegalArgumentException': 'java.lang.RuntimeException',
  'java.lang.IllegalStateException': 'java.lang.RuntimeException',
  'java.lang.NullPointerException': 'java.lang.RuntimeException',
  'java.lang.ArithmeticException': 'java.lang.RuntimeException',
  'java.lang.NumberFormatException': 'java.lang.IllegalArgumentException',
  'java.lang.IndexOutOfBoundsException': 'java.lang.RuntimeException',
  'java.lang.ArrayIndexOutOfBoundsException': 'java.lang.IndexOutOfBoundsException',
  'java.lang.StringIndexOutOfBoundsException': 'java.lang.IndexOutOfBoundsException',
  'java.lang.UnsupportedOperationException': 'java.lang.RuntimeException',
  'java.lang.ClassCastException': 'java.lang.RuntimeException',
  'java.util.NoSuchElementException': 'java.lang.RuntimeException',
  'java.util.regex.PatternSyntaxException': 'java.lang.IllegalArgumentException',
  'groovy.lang.GroovyRuntimeException': 'java.lang.RuntimeException',
  'groovy.lang.MissingMethodException': 'groovy.lang.GroovyRuntimeException',
  'groovy.lang.MissingPropertyException': 'groovy.lang.GroovyRuntimeException',
  'org.codehaus.groovy.runtime.typehandling.GroovyCastException': 'java.lang.ClassCastException',
  'com.exalate.api.exception.IssueTrackerException': 'java.lang.Exception',
  'java.io.IOException': 'java.lang.Exception',
  'java.lang.AssertionError': 'java.lang.Error',
  'org.codehaus.groovy.runtime.powerassert.PowerAssertionError': 'java.lang.AssertionError',
};

export const KNOWN_EXCEPTIONS = Object.keys(EXCEPTION_SUPERS).concat(['java.lang.Throwable']);

export function simpleName(n: string): string {
  return n.slice(n.lastIndexOf('.') + 1);
}

/** Full name for a simple or qualified exception class name, or null when unknown. */
export function exceptionClassName(name: string): string | null {
  if (name in EXCEPTION_SUPERS || name === 'java.lang.Throwable') return name;
  for (const k of KNOWN_EXCEPTIONS) if (simpleName(k) === name) return k;
  return null;
}

export function exceptionIsA(cls: string, target: string): boolean {
  const t = simpleName(target);
  for (let c: string | undefined = cls; c; c = EXCEPTION_SUPERS[c]) {
    if (c === target || simpleName(c) === t) return true;
  }
  return t === 'Object';
}

/** `v instanceof T` for a class given by its (simple or qualified) name. */
export function instanceOf(v: Value, cls: GClassRef): boolean {
  if (v === null) return false;
  const target = simpleName(cls.name);
  if (v instanceof GObject) {
    for (let c: GClassRef | undefined = v.cls; c; c = (c.decl as { superRef?: GClassRef } | undefined)?.superRef) {
      if (c.name === cls.name || simpleName(c.name) === target) return true;
    }
    return target === 'Object' || target === 'GroovyObject';
  }
  if (v instanceof GException) return exceptionIsA(v.className, cls.name);
  const own = className(v);
  if (own === cls.name || simpleName(own) === target) return true;
  if (target === 'GString' && v instanceof GStringValue) return true;
  return (SUPERS[own] ?? ['Object']).includes(target);
}

// ---------------------------------------------------------------- printing

/** InvokerHelper.toString / format: what println, GStrings and string concatenation show. */
export function toGroovyString(v: Value, nested = false): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return String(v);
  if (isNumber(v)) return N.numberToString(v);
  if (v instanceof GStringValue) return v.s;
  if (v instanceof JChar) return v.c;
  if (Array.isArray(v)) return `[${v.map((e) => (e === v ? '(this Collection)' : toGroovyString(e as Value, true))).join(', ')}]`;
  if (v instanceof GMap) {
    if (v.size === 0) return '[:]';
    return `[${v
      .entries()
      .map(([k, x]) => `${k === v ? '(this Map)' : toGroovyString(k, true)}:${x === v ? '(this Map)' : toGroovyString(x, true)}`)
      .join(', ')}]`;
  }
  if (v instanceof GRange) {
    if (nested) return `${v.from}..${v.inclusive ? '' : '<'}${v.to}`;
    return `[${v.toList().map((e) => toGroovyString(e, true)).join(', ')}]`;
  }
  if (v instanceof GMapEntry) return `${toGroovyString(v.key, true)}=${toGroovyString(v.value, true)}`;
  if (v instanceof GClassRef) return `class ${v.name}`;
  if (v instanceof GException) return v.toString();
  if (v instanceof JPattern) return v.source;
  if (v instanceof JMatcher) return `java.util.regex.Matcher[pattern=${v.pattern.source} region=0,${v.input.length} lastmatch=]`;
  if (v instanceof GObject) {
    const ts = (v as { toStringHook?: () => string }).toStringHook;
    if (ts) return ts();
    return `${v.cls.name}@${objectHash(v)}`;
  }
  if (isCallable(v)) return `Script1$_run_closure1@${objectHash(v as object)}`;
  if (isHost(v)) {
    const j = v.toJSONValue?.();
    return j !== undefined ? toGroovyString(j, nested) : v.hostKind;
  }
  return String(v);
}

const hashes = new WeakMap<object, string>();
let hashSeq = 0x1a2b3c;
function objectHash(o: object): string {
  let h = hashes.get(o);
  if (!h) {
    hashSeq = (hashSeq * 1103515245 + 12345) & 0x7fffffff;
    h = hashSeq.toString(16);
    hashes.set(o, h);
  }
  return h;
}

/** `inspect()`: strings quoted, used by `dump`-like outputs. */
export function inspect(v: Value): string {
  if (typeof v === 'string' || v instanceof GStringValue) return `'${str(v).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(v)) return `[${v.map((e) => inspect(e as Value)).join(', ')}]`;
  if (v instanceof GMap) return v.size === 0 ? '[:]' : `[${v.entries().map(([k, x]) => `${inspect(k)}:${inspect(x)}`).join(', ')}]`;
  return toGroovyString(v);
}

// ---------------------------------------------------------------- equality and ordering

function isCharSeq(v: Value): v is string | GStringValue {
  return typeof v === 'string' || v instanceof GStringValue;
}

/** Groovy `==` (DefaultTypeTransformation.compareEqual). */
export function groovyEquals(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (isNumber(a)) {
    if (isNumber(b)) return N.compareNumbers(a, b) === 0;
    if (b instanceof JChar) return N.compareNumbers(a, b.c.charCodeAt(0)) === 0;
    return false;
  }
  if (isCharSeq(a) || a instanceof JChar) {
    if (isCharSeq(b) || b instanceof JChar) return str(a) === str(b);
    if (a instanceof JChar && isNumber(b)) return N.compareNumbers(a.c.charCodeAt(0), b) === 0;
    return false;
  }
  if (typeof a === 'boolean') return a === b;
  if (Array.isArray(a) || a instanceof GRange) {
    if (!(Array.isArray(b) || b instanceof GRange)) return false;
    const x = Array.isArray(a) ? a : a.toList();
    const y = Array.isArray(b) ? b : b.toList();
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!groovyEquals(x[i] as Value, y[i] as Value)) return false;
    return true;
  }
  if (a instanceof GMap) {
    if (!(b instanceof GMap) || a.size !== b.size) return false;
    for (const [k, v] of a.entries()) {
      if (!b.has(k)) return false;
      if (!groovyEquals(v, b.get(k))) return false;
    }
    return true;
  }
  if (a instanceof GMapEntry) return b instanceof GMapEntry && groovyEquals(a.key, b.key) && groovyEquals(a.value, b.value);
  if (a instanceof GClassRef) return b instanceof GClassRef && a.name === b.name;
  if (a instanceof GObject) {
    const eq = (a as { equalsHook?: (o: Value) => boolean }).equalsHook;
    if (eq) return eq(b);
  }
  return false;
}

/** Java equals (no numeric coercion): HashMap keys, List.indexOf/contains in Java methods. */
export function javaEquals(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (isNumber(a) || isNumber(b)) {
    if (!isNumber(a) || !isNumber(b) || N.rankOf(a) !== N.rankOf(b) || a.constructor !== b.constructor) return false;
    if (a instanceof JBigDecimal && b instanceof JBigDecimal) return a.u === b.u && a.s === b.s;
    return N.compareNumbers(a, b) === 0;
  }
  if (typeof a === 'string' || typeof b === 'string') return typeof a === 'string' && typeof b === 'string' && a === b;
  if (a instanceof GStringValue && b instanceof GStringValue) return a.s === b.s;
  if (a instanceof JChar && b instanceof JChar) return a.c === b.c;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => javaEquals(x as Value, b[i] as Value));
  return groovyEquals(a, b);
}

/** Groovy `<=>` (DefaultTypeTransformation.compareTo). */
export function compare(a: Value, b: Value): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (isNumber(a)) {
    if (isNumber(b)) return N.compareNumbers(a, b);
    if (b instanceof JChar) return N.compareNumbers(a, b.c.charCodeAt(0));
    if (isCharSeq(b) && str(b).length === 1) return N.compareNumbers(a, str(b).charCodeAt(0));
  }
  if (a instanceof JChar && isNumber(b)) return N.compareNumbers(a.c.charCodeAt(0), b);
  if ((isCharSeq(a) || a instanceof JChar) && (isCharSeq(b) || b instanceof JChar)) {
    const x = str(a);
    const y = str(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (a instanceof GObject) {
    const ct = (a as { compareHook?: (o: Value) => number }).compareHook;
    if (ct) return ct(b);
  }
  throw groovyError(
    ILLEGAL_ARGUMENT,
    `Cannot compare ${className(a)} with value '${toGroovyString(a)}' and ${className(b)} with value '${toGroovyString(b)}'`,
  );
}

// ---------------------------------------------------------------- isCase (switch, in, grep)

export function isCase(caseValue: Value, switchValue: Value, call: (c: Callable, args: Value[]) => Value): boolean {
  if (caseValue === null) return switchValue === null;
  if (caseValue instanceof GClassRef) return instanceOf(switchValue, caseValue);
  if (caseValue instanceof JPattern) {
    if (switchValue === null) return false;
    return caseValue.whole.test(str(switchValue));
  }
  if (caseValue instanceof GRange) return rangeContains(caseValue, switchValue);
  if (Array.isArray(caseValue)) return caseValue.some((e) => groovyEquals(e as Value, switchValue));
  if (caseValue instanceof GMap) return truthy(caseValue.get(switchValue instanceof GStringValue ? switchValue.s : switchValue));
  if (isCallable(caseValue)) return truthy(call(caseValue, [switchValue]));
  if (isCharSeq(caseValue)) return switchValue !== null && str(caseValue) === str(switchValue);
  return groovyEquals(caseValue, switchValue);
}

export function rangeContains(r: GRange, v: Value): boolean {
  if (v === null) return false;
  if (typeof r.from === 'number' && typeof r.to === 'number') {
    if (!isNumber(v)) return false;
    const lo = Math.min(r.from, r.to);
    const hi = Math.max(r.from, r.to);
    const inc = r.inclusive;
    const up = r.from <= r.to;
    const low = up ? lo : inc ? lo : lo + 1;
    const high = up ? (inc ? hi : hi - 1) : hi;
    if (!N.isIntegral(v)) return N.compareNumbers(v, low) >= 0 && N.compareNumbers(v, high) <= 0 && false;
    return N.compareNumbers(v, low) >= 0 && N.compareNumbers(v, high) <= 0;
  }
  return r.toList().some((e) => groovyEquals(e, v));
}

// ---------------------------------------------------------------- collections

export function toList(v: Value, what = 'iterate'): Value[] {
  if (Array.isArray(v)) return v;
  if (v instanceof GRange) return v.toList();
  if (v instanceof GMap) return v.entries().map(([k, x]) => new GMapEntry(v, k, x));
  if (typeof v === 'string' || v instanceof GStringValue) return str(v).split('');
  if (v === null) return [];
  if (v instanceof JMatcher) return v.all().map((m) => matchValue(m));
  if (isHost(v)) {
    const j = v.toJSONValue?.();
    if (Array.isArray(j)) return j;
  }
  if (v instanceof GObject || v instanceof GException || isNumber(v) || typeof v === 'boolean') return [v];
  throw unsupported(`${what} over ${className(v)}`);
}

/** A regex match as Groovy's matcher[i] shows it: the string, or [whole, group1, …] when the pattern has groups. */
export function matchValue(m: RegExpExecArray): Value {
  if (m.length === 1) return m[0];
  return [...m].map((g) => (g === undefined ? null : g));
}

export function normIndex(i: number, size: number): number {
  return i < 0 ? i + size : i;
}

export function subscriptList(list: Value[], index: Value): Value {
  if (typeof index === 'number') {
    const i = normIndex(index, list.length);
    if (i < 0 && isJavaArray(list)) throw groovyError('java.lang.ArrayIndexOutOfBoundsException', `Negative array index [${index}] too large for array size ${list.length}`);
    if (i < 0 || i >= list.length) {
      if (index < 0 && !isJavaArray(list)) throw groovyError('java.lang.ArrayIndexOutOfBoundsException', `Negative array index [${index}] too large for array size ${list.length}`);
      if (isJavaArray(list)) throw groovyError('java.lang.ArrayIndexOutOfBoundsException', `Index ${i} out of bounds for length ${list.length}`);
      return null;
    }
    return list[i] as Value;
  }
  if (isNumber(index)) return subscriptList(list, N.toInt(index));
  if (index instanceof GRange) return sliceByRange(list, index, list.length) as Value[];
  if (Array.isArray(index)) {
    const out: Value[] = [];
    for (const i of index) {
      const r = subscriptList(list, i as Value);
      if (i instanceof GRange) out.push(...(r as Value[]));
      else out.push(r);
    }
    return out;
  }
  if (index === null) throw groovyError(NPE, 'Cannot get element of a list at a null index');
  throw groovyError(CLASS_CAST, `Cannot cast object '${toGroovyString(index)}' with class '${className(index)}' to class 'int'`);
}

/** list[a..b] / string[a..b] with negative indices and reversed ranges. */
export function sliceByRange<T>(seq: T[], r: GRange, size: number): T[] {
  if (typeof r.from !== 'number' || typeof r.to !== 'number') throw unsupported('a non-integer range as an index');
  let from = normIndex(r.from, size);
  let to = normIndex(r.to, size);
  const reverse = from > to;
  if (reverse) [from, to] = [to, from];
  if (!r.inclusive) {
    if (r.from <= r.to || (r.from < 0) !== (r.to < 0)) {
      if (reverse) from += 1;
      else to -= 1;
    } else to -= 1;
  }
  if (from < 0 || from > size || to >= size) {
    throw groovyError(INDEX_OUT_OF_BOUNDS, `Index: ${from < 0 || from > size ? from : to}, Size: ${size}`);
  }
  if (to < from) return [];
  const out = seq.slice(from, to + 1);
  return reverse ? out.reverse() : out;
}

export function plus(a: Value, b: Value): Value {
  if (isNumber(a) && isNumber(b)) return N.add(a, b);
  if (isCharSeq(a)) return str(a) + toGroovyString(b);
  if (Array.isArray(a)) {
    if (Array.isArray(b) || b instanceof GRange) return [...a, ...toList(b)];
    return [...a, b];
  }
  if (a instanceof GMap) {
    if (b instanceof GMap) {
      const m = a.copy();
      for (const [k, v] of b.entries()) m.set(k, v);
      return m;
    }
    if (b instanceof GMapEntry) {
      const m = a.copy();
      m.set(b.key, b.value);
      return m;
    }
  }
  if (a instanceof GRange) return plus(a.toList(), b);
  if (isNumber(a) && isCharSeq(b)) return N.numberToString(a) + str(b);
  if (a instanceof JChar && isNumber(b)) return N.add(a.c.charCodeAt(0), b);
  if (a instanceof JChar && isCharSeq(b)) return a.c + str(b);
  if (a === null && isCharSeq(b)) return 'null' + str(b);
  if (a === null) throw groovyError(NPE, 'Cannot execute null+' + toGroovyString(b));
  throw noOperator('plus', a, b);
}

export function minus(a: Value, b: Value): Value {
  if (isNumber(a) && isNumber(b)) return N.subtract(a, b);
  if (isCharSeq(a)) {
    const s = str(a);
    if (b instanceof JPattern) {
      const m = b.global;
      m.lastIndex = 0;
      const r = m.exec(s);
      return r ? s.slice(0, r.index) + s.slice(r.index + r[0].length) : s;
    }
    const t = toGroovyString(b);
    const i = s.indexOf(t);
    return i < 0 ? s : s.slice(0, i) + s.slice(i + t.length);
  }
  if (Array.isArray(a) || a instanceof GRange) {
    const list = toList(a);
    const remove = Array.isArray(b) || b instanceof GRange ? toList(b) : [b];
    return list.filter((x) => !remove.some((y) => groovyEquals(x as Value, y as Value)));
  }
  if (a instanceof GMap && b instanceof GMap) {
    const m = new GMap();
    for (const [k, v] of a.entries()) if (!(b.has(k) && groovyEquals(b.get(k), v))) m.set(k, v);
    return m;
  }
  if (a === null) throw groovyError(NPE, 'Cannot execute null-' + toGroovyString(b));
  throw noOperator('minus', a, b);
}

export function times(a: Value, b: Value): Value {
  if (isNumber(a) && isNumber(b)) return N.multiply(a, b);
  if (isCharSeq(a) && isNumber(b)) {
    const n = N.toInt(b);
    if (n < 0) throw groovyError(ILLEGAL_ARGUMENT, `count is negative: ${n}`);
    return str(a).repeat(n);
  }
  if (Array.isArray(a) && isNumber(b)) {
    const out: Value[] = [];
    for (let i = 0; i < N.toInt(b); i++) out.push(...a);
    return out;
  }
  if (a === null) throw groovyError(NPE, 'Cannot execute null*' + toGroovyString(b));
  throw noOperator('multiply', a, b);
}

export function noOperator(method: string, a: Value, b: Value): Error {
  return groovyError(
    'groovy.lang.MissingMethodException',
    `No signature of method: ${className(a)}.${method}() is applicable for argument types: (${className(b)}) values: [${toGroovyString(b)}]`,
  );
}

export function newList(...items: Value[]): Value[] {
  return items;
}

export { markArray };
