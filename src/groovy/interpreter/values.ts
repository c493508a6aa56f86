// The Groovy value model in TypeScript. Groovy (Java) types are kept apart where their behaviour differs:
//   Integer      → a JS number that is always an int32
//   Long         → JLong (bigint, wraps at 64 bits)
//   BigInteger   → JBigInteger (bigint)
//   BigDecimal   → JBigDecimal (unscaled bigint + scale, exactly as java.math.BigDecimal)
//   Double/Float → JDouble / JFloat
//   Character    → JChar
//   String       → JS string;  GString → GStringValue (a string that remembers it was interpolated)
//   List         → JS array;   Map → GMap (insertion order, Java equals/hashCode for keys)
//   Range        → GRange;     Pattern/Matcher → JPattern/JMatcher (regex.ts)
//   Closure      → GClosure (evaluator.ts);  class instances → GObject;  host objects → HostObject
// Pure module: no Node built-ins, no vscode.

export class JLong {
  constructor(readonly v: bigint) {}
}
export class JBigInteger {
  constructor(readonly v: bigint) {}
}
export class JBigDecimal {
  /** value = unscaled × 10^-scale, exactly as java.math.BigDecimal. */
  constructor(
    readonly u: bigint,
    readonly s: number,
  ) {}
}
export class JDouble {
  constructor(readonly v: number) {}
}
export class JFloat {
  readonly v: number;
  constructor(v: number) {
    this.v = Math.fround(v);
  }
}
export class JChar {
  constructor(readonly c: string) {}
}
export class GStringValue {
  constructor(readonly s: string) {}
  toString(): string {
    return this.s;
  }
}

/** A Groovy/Java class used as a value (`String`, `Integer`, `instanceof List`, `catch (Exception e)`). */
export class GClassRef {
  constructor(
    readonly name: string,
    /** A class declared in the script. */
    readonly decl?: unknown,
  ) {}
}

export class GRange {
  /** from..to (inclusive) or from..<to; `reverse` when from > to. Integer ranges and string (char) ranges. */
  constructor(
    readonly from: number | string,
    readonly to: number | string,
    readonly inclusive: boolean,
  ) {}
  /** The elements, as Groovy's IntRange/ObjectRange list them. */
  toList(): Value[] {
    const out: Value[] = [];
    if (typeof this.from === 'number' && typeof this.to === 'number') {
      const a = this.from;
      let b = this.to;
      if (a <= b) {
        if (!this.inclusive) b -= 1;
        for (let i = a; i <= b; i++) out.push(i);
      } else {
        if (!this.inclusive) b += 1;
        for (let i = a; i >= b; i--) out.push(i);
      }
      return out;
    }
    const a = String(this.from).charCodeAt(0);
    let b = String(this.to).charCodeAt(0);
    if (a <= b) {
      if (!this.inclusive) b -= 1;
      for (let i = a; i <= b; i++) out.push(String.fromCharCode(i));
    } else {
      if (!this.inclusive) b += 1;
      for (let i = a; i >= b; i--) out.push(String.fromCharCode(i));
    }
    return out;
  }
  get size(): number {
    if (typeof this.from === 'number' && typeof this.to === 'number') {
      const n = Math.abs(this.to - this.from) + (this.inclusive ? 1 : 0);
      return Math.max(0, n);
    }
    return this.toList().length;
  }
}

/** An instance of a class declared in the script. */
export class GObject {
  readonly fields = new Map<string, Value>();
  constructor(readonly cls: GClassRef) {}
}

/** An exception value: thrown by `throw`, caught by `catch`. */
export class GException {
  cause: GException | null = null;
  constructor(
    /** Java class name, e.g. `java.lang.Exception`, `com.exalate.api.exception.IssueTrackerException`. */
    readonly className: string,
    readonly message: string | null,
    /** Where it was thrown (1-based), filled in by the evaluator. */
    public line = 0,
    public column = 0,
  ) {}
  get simpleName(): string {
    return this.className.slice(this.className.lastIndexOf('.') + 1);
  }
  toString(): string {
    return this.message === null ? this.className : `${this.className}: ${this.message}`;
  }
}

/** Objects the runtime provides (helpers, work items, replicas): properties and methods resolved by name. */
export interface HostObject {
  readonly hostKind: string;
  getProperty(name: string): Value;
  setProperty(name: string, value: Value): void;
  /** Returns NO_METHOD when there is no such method. */
  invokeMethod(name: string, args: Value[]): Value | typeof NO_METHOD;
  /** JSON shape (JsonOutput-like) when a host object is written out. */
  toJSONValue?(): Value;
}

export const NO_METHOD: unique symbol = Symbol('no-method');

export function isHost(v: unknown): v is HostObject {
  return typeof v === 'object' && v !== null && typeof (v as HostObject).hostKind === 'string';
}

/** A callable value: closures, method pointers. `call` receives the evaluated arguments. */
export interface Callable {
  readonly callableKind: 'closure' | 'method';
  /** Declared parameter count (closures with no explicit parameters take an implicit `it`: -1). */
  readonly arity: number;
  call(args: Value[]): Value;
  delegate?: Value;
}

export function isCallable(v: unknown): v is Callable {
  return typeof v === 'object' && v !== null && typeof (v as Callable).callableKind === 'string';
}

export type GNumber = number | JLong | JBigInteger | JBigDecimal | JDouble | JFloat;

export type Value =
  | null
  | boolean
  | string
  | GNumber
  | JChar
  | GStringValue
  | Value[]
  | GMap
  | GRange
  | GClassRef
  | GObject
  | GException
  | HostObject
  | Callable
  | object;

/** Java `hashCode`/`equals`-like key for map storage. */
export function mapKeyOf(k: Value): unknown {
  if (k === null || typeof k === 'string' || typeof k === 'boolean' || typeof k === 'number') return k;
  if (k instanceof JLong) return `\u0000L${k.v}`;
  if (k instanceof JBigInteger) return `\u0000I${k.v}`;
  if (k instanceof JBigDecimal) return `\u0000D${k.u}e${k.s}`;
  if (k instanceof JDouble) return `\u0000d${k.v}`;
  if (k instanceof JFloat) return `\u0000f${k.v}`;
  if (k instanceof JChar) return `\u0000c${k.c}`;
  if (k instanceof GStringValue) return `\u0000G${k.s}`;
  if (k instanceof GClassRef) return `\u0000C${k.name}`;
  if (Array.isArray(k)) return `\u0000[${k.map((e) => String(mapKeyOf(e as Value))).join('\u0001')}]`;
  return k;
}

/** java.util.LinkedHashMap: insertion order, keys by Java equality (1 and 1L are different keys). */
export class GMap {
  private readonly m = new Map<unknown, [Value, Value]>();
  get size(): number {
    return this.m.size;
  }
  get(k: Value): Value {
    const e = this.m.get(mapKeyOf(k));
    return e === undefined ? null : e[1];
  }
  has(k: Value): boolean {
    return this.m.has(mapKeyOf(k));
  }
  set(k: Value, v: Value): Value {
    const key = mapKeyOf(k);
    const old = this.m.get(key);
    if (old) {
      old[1] = v;
      return old[1];
    }
    this.m.set(key, [k, v]);
    return null;
  }
  delete(k: Value): Value {
    const key = mapKeyOf(k);
    const old = this.m.get(key);
    if (!old) return null;
    this.m.delete(key);
    return old[1];
  }
  clear(): void {
    this.m.clear();
  }
  keys(): Value[] {
    return [...this.m.values()].map((e) => e[0]);
  }
  values(): Value[] {
    return [...this.m.values()].map((e) => e[1]);
  }
  entries(): [Value, Value][] {
    return [...this.m.values()].map((e) => [e[0], e[1]]);
  }
  copy(): GMap {
    const c = new GMap();
    for (const [k, v] of this.m.values()) c.set(k, v);
    return c;
  }
  static from(entries: Iterable<[Value, Value]>): GMap {
    const m = new GMap();
    for (const [k, v] of entries) m.set(k, v);
    return m;
  }
}

/** A Map.Entry as handed to closures and returned by entrySet(). */
export class GMapEntry {
  constructor(
    readonly map: GMap | null,
    readonly key: Value,
    public value: Value,
  ) {}
}

/** Java arrays (String[] from split, Object[]) behave as lists but print and compare as arrays in a few places. */
const javaArrays = new WeakSet<Value[]>();
export function markArray<T extends Value[]>(a: T): T {
  javaArrays.add(a);
  return a;
}
export function isJavaArray(v: unknown): boolean {
  return Array.isArray(v) && javaArrays.has(v);
}

export function isNumber(v: unknown): v is GNumber {
  return (
    typeof v === 'number' ||
    v instanceof JLong ||
    v instanceof JBigInteger ||
    v instanceof JBigDecimal ||
    v instanceof JDouble ||
    v instanceof JFloat
  );
}

export function isStringLike(v: unknown): v is string | GStringValue {
  return typeof v === 'string' || v instanceof GStringValue;
}
