// A tree-walking evaluator for the Groovy that sync scripts use, over the AST of ../parser.ts, with Groovy 4
// semantics (see values.ts, numbers.ts, ops.ts, gdk.ts). Synchronous: host lookups are synchronous functions
// (the caller prefetches what a script may ask for). Safe: no file, process or network access — such classes
// raise "not supported in Test Run"; the Budget bounds steps, time, memory and call depth.
import type * as A from '../ast';
import { Budget } from './budget';
import {
  CLASS_CAST,
  GroovyThrow,
  groovyError,
  ILLEGAL_ARGUMENT,
  MISSING_METHOD,
  MISSING_PROPERTY,
  NPE,
  NUMBER_FORMAT,
  ScriptStop,
  unsupported,
} from './errors';
import * as G from './gdk';
import { parseJson, prettyPrint, toJson } from './json';
import * as N from './numbers';
import * as O from './ops';
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
  HostObject,
  JBigDecimal,
  JBigInteger,
  JChar,
  JDouble,
  JFloat,
  JLong,
  NO_METHOD,
  Value,
  isCallable,
  isHost,
  isNumber,
  markArray,
} from './values';

// ---------------------------------------------------------------- control flow signals

class BreakSignal {
  constructor(readonly label?: string) {}
}
class ContinueSignal {
  constructor(readonly label?: string) {}
}
class ReturnSignal {
  constructor(readonly value: Value) {}
}

// ---------------------------------------------------------------- scopes and closures

class Scope {
  readonly vars = new Map<string, Value>();
  constructor(readonly parent: Scope | null) {}
  lookup(name: string): Scope | null {
    if (this.vars.has(name)) return this;
    for (let s = this.parent; s; s = s.parent) if (s.vars.has(name)) return s;
    return null;
  }
}

interface ClassInfo {
  name: string;
  decl: A.ClassDeclaration;
  ref: GClassRef;
  superName: string | null;
  superInfo: ClassInfo | null;
  methods: Map<string, A.MethodDeclaration[]>;
  ctors: A.MethodDeclaration[];
  fields: A.VariableDeclaration[];
  statics: Map<string, Value>;
  /** Extends a Java exception class: instances are GException values. */
  exceptionBase: string | null;
  /** `{ … }` and `static { … }` blocks in source order. */
  inits: A.InitializerBlock[];
  /** Enum constants (classKind 'enum'). */
  enumConstants: A.EnumConstant[] | null;
}

/** What an enum constant knows about itself. */
interface EnumMeta {
  enumName: string;
  enumOrdinal: number;
}

function enumMeta(v: Value): EnumMeta | null {
  return v instanceof GObject && typeof (v as unknown as EnumMeta).enumName === 'string' ? (v as unknown as EnumMeta) : null;
}

interface Frame {
  scope: Scope;
  /** Class instance for methods and closures inside them; null in the script body and script methods. */
  self: GObject | null;
  cls: ClassInfo | null;
  closure: ClosureValue | null;
}

class ClosureValue implements Callable {
  readonly callableKind = 'closure' as const;
  delegate: Value = null;
  resolveStrategy = 0;
  constructor(
    readonly interp: Interpreter,
    readonly node: A.ClosureExpression | A.LambdaExpression,
    readonly frame: Frame,
  ) {}
  get arity(): number {
    return this.node.kind === 'ClosureExpression' && this.node.parameters === undefined ? 1 : (this.node.parameters ?? []).length;
  }
  get implicitIt(): boolean {
    return this.node.kind === 'ClosureExpression' && this.node.parameters === undefined;
  }
  call(args: Value[]): Value {
    return this.interp.callClosure(this, args);
  }
}

/** A method or static function as a value (`this.&m`, `Foo.&bar`) — not supported; kept for messages. */

export class StringBuilderValue implements HostObject {
  readonly hostKind = 'java.lang.StringBuilder';
  constructor(
    public s: string,
    private readonly budget: Budget,
  ) {}
  getProperty(name: string): Value {
    if (name === 'length') throw groovyError(MISSING_PROPERTY, `No such property: length for class: java.lang.StringBuilder`);
    throw groovyError(MISSING_PROPERTY, `No such property: ${name} for class: java.lang.StringBuilder`);
  }
  setProperty(name: string): void {
    throw groovyError(MISSING_PROPERTY, `No such property: ${name} for class: java.lang.StringBuilder`);
  }
  invokeMethod(name: string, args: Value[]): Value | typeof NO_METHOD {
    switch (name) {
      case 'append':
      case 'leftShift':
        this.s = this.budget.string(this.s + (args[0] instanceof JChar ? args[0].c : O.toGroovyString(args[0])));
        return this;
      case 'toString':
        return this.s;
      case 'length':
      case 'size':
        return this.s.length;
      case 'insert':
        this.s = this.s.slice(0, N.toInt(args[0] as N.GNumberLike)) + O.toGroovyString(args[1]) + this.s.slice(N.toInt(args[0] as N.GNumberLike));
        return this;
      case 'reverse':
        this.s = [...this.s].reverse().join('');
        return this;
      case 'setLength':
        this.s = this.s.slice(0, N.toInt(args[0] as N.GNumberLike)).padEnd(N.toInt(args[0] as N.GNumberLike), '\u0000');
        return null;
      case 'isEmpty':
        return this.s.length === 0;
      case 'charAt':
        return new JChar(this.s[N.toInt(args[0] as N.GNumberLike)]);
      case 'deleteCharAt': {
        const i = N.toInt(args[0] as N.GNumberLike);
        this.s = this.s.slice(0, i) + this.s.slice(i + 1);
        return this;
      }
    }
    return NO_METHOD;
  }
  toJSONValue(): Value {
    return this.s;
  }
}

class JsonSlurperValue implements HostObject {
  readonly hostKind = 'groovy.json.JsonSlurper';
  getProperty(name: string): Value {
    throw groovyError(MISSING_PROPERTY, `No such property: ${name} for class: groovy.json.JsonSlurper`);
  }
  setProperty(name: string): void {
    throw groovyError(MISSING_PROPERTY, `No such property: ${name} for class: groovy.json.JsonSlurper`);
  }
  invokeMethod(name: string, args: Value[]): Value | typeof NO_METHOD {
    if (name === 'parseText' || name === 'parse') {
      if (name === 'parse' && !O.str(args[0] ?? '').length) throw unsupported('JsonSlurper.parse of a file or stream');
      if (args[0] === null) throw groovyError(ILLEGAL_ARGUMENT, 'Text must not be null');
      return parseJson(O.str(args[0]));
    }
    return NO_METHOD;
  }
}

// ---------------------------------------------------------------- known classes

const JDK_CLASSES = new Set([
  'String', 'Integer', 'Long', 'Double', 'Float', 'Boolean', 'Character', 'Short', 'Byte', 'Number', 'Object',
  'BigDecimal', 'BigInteger', 'Math', 'Pattern', 'Matcher', 'Objects', 'Collections', 'Arrays', 'System',
  'List', 'ArrayList', 'LinkedList', 'Map', 'HashMap', 'LinkedHashMap', 'Set', 'HashSet', 'LinkedHashSet',
  'Collection', 'Iterable', 'CharSequence', 'GString', 'Comparable', 'Closure', 'Range', 'IntRange',
  'JsonOutput', 'JsonSlurper', 'StringBuilder', 'StringBuffer', 'RoundingMode', 'Map.Entry', 'Entry',
  'Exception', 'RuntimeException', 'Throwable', 'Error', 'IllegalArgumentException', 'IllegalStateException',
  'NullPointerException', 'ArithmeticException', 'NumberFormatException', 'IndexOutOfBoundsException',
  'UnsupportedOperationException', 'ClassCastException', 'NoSuchElementException', 'IssueTrackerException',
  'MissingMethodException', 'MissingPropertyException', 'GroovyRuntimeException', 'AssertionError', 'IOException',
  'int', 'long', 'double', 'float', 'boolean', 'char', 'short', 'byte', 'void', 'def', 'var',
]);

const FORBIDDEN: Record<string, string> = {
  File: 'file access',
  Files: 'file access',
  Paths: 'file access',
  FileWriter: 'file access',
  FileReader: 'file access',
  FileInputStream: 'file access',
  FileOutputStream: 'file access',
  Runtime: 'processes',
  ProcessBuilder: 'processes',
  Thread: 'threads',
  URL: 'network access',
  HttpURLConnection: 'network access',
  Socket: 'network access',
  HttpClient: 'network access',
  Class: 'reflection',
  ClassLoader: 'reflection',
  GroovyShell: 'evaluating code',
  Eval: 'evaluating code',
};

const ROUNDING = ['UP', 'DOWN', 'CEILING', 'FLOOR', 'HALF_UP', 'HALF_DOWN', 'HALF_EVEN', 'UNNECESSARY'];

const SCRIPT_CLASS = 'Script1';

const PACKAGE_ROOTS = new Set(['java', 'javax', 'groovy', 'com', 'org', 'net', 'io']);

// ---------------------------------------------------------------- public API

export interface RunOptions {
  /** Script binding variables (replica, workItem, helpers, firstSync…). */
  bindings?: Record<string, Value>;
  budget?: Budget;
  /** println/print output. */
  print?: (text: string) => void;
}

export interface ScriptErrorInfo {
  message: string;
  /** 1-based. */
  line: number;
  column: number;
  /** Java class of the exception, when the script threw or hit a Groovy runtime error. */
  exception?: string;
}

export class Interpreter {
  readonly budget: Budget;
  readonly binding = new Map<string, Value>();
  private readonly scriptMethods = new Map<string, A.MethodDeclaration[]>();
  private readonly classes = new Map<string, ClassInfo>();
  private readonly print: (text: string) => void;
  private readonly lineStarts: number[];
  private readonly rt: G.Rt;

  constructor(
    readonly script: A.Script,
    readonly source: string,
    opts: RunOptions = {},
  ) {
    this.budget = opts.budget ?? new Budget();
    this.print = opts.print ?? (() => undefined);
    for (const [k, v] of Object.entries(opts.bindings ?? {})) this.binding.set(k, v);
    this.lineStarts = [0];
    for (let i = 0; i < source.length; i++) {
      const c = source.charCodeAt(i);
      if (c === 10 || (c === 13 && source.charCodeAt(i + 1) !== 10)) this.lineStarts.push(i + 1);
    }
    this.rt = { call: (c, a) => this.invokeCallable(c, a), budget: this.budget };
  }

  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.lineStarts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.lineStarts[mid] > offset) hi = mid;
      else lo = mid + 1;
    }
    return { line: lo, column: offset - this.lineStarts[lo - 1] + 1 };
  }

  /** Runs the script body; returns the value of the last statement or the error at its line. */
  run(): { value: Value; error?: ScriptErrorInfo } {
    try {
      this.hoist(this.script.body);
      const frame: Frame = { scope: new Scope(null), self: null, cls: null, closure: null };
      let last: Value = null;
      try {
        last = this.execBlock(this.script.body, frame, false);
      } catch (e) {
        if (e instanceof ReturnSignal) last = e.value;
        else throw e;
      }
      return { value: last };
    } catch (e) {
      return { value: null, error: this.errorInfo(e) };
    }
  }

  errorInfo(e: unknown): ScriptErrorInfo {
    if (e instanceof GroovyThrow) {
      const x = e.exception;
      return { message: x.message ?? x.className, line: x.line, column: x.column, exception: x.className };
    }
    if (e instanceof ScriptStop) return { message: e.message, line: e.line, column: e.column };
    if (e instanceof BreakSignal || e instanceof ContinueSignal) return { message: 'break or continue outside a loop', line: 0, column: 0 };
    const err = e as Error;
    if (err instanceof RangeError && /call stack/i.test(err.message)) return { message: 'stack budget exceeded (endless recursion?)', line: 0, column: 0 };
    return { message: `internal error in Test Run: ${err?.message ?? String(e)}`, line: 0, column: 0 };
  }

  private stamp(e: unknown, node: A.Node): unknown {
    if (e instanceof GroovyThrow && e.exception.line === 0) {
      const p = this.position(node.range.start);
      e.exception.line = p.line;
      e.exception.column = p.column;
    } else if (e instanceof ScriptStop && e.line === 0) {
      const p = this.position(node.range.start);
      e.line = p.line;
      e.column = p.column;
    }
    return e;
  }

  // ---------------------------------------------------------------- declarations

  private hoist(body: A.Statement[]): void {
    for (const st of body) {
      if (st.kind === 'MethodDeclaration') {
        const list = this.scriptMethods.get(st.name.name) ?? [];
        list.push(st);
        this.scriptMethods.set(st.name.name, list);
      } else if (st.kind === 'ClassDeclaration') this.declareClass(st);
    }
    for (const info of this.classes.values()) this.resolveSuper(info);
  }

  private declareClass(d: A.ClassDeclaration): void {
    if (d.classKind !== 'class' && d.classKind !== 'enum') throw this.stamp(unsupported(`${d.classKind} declarations`), d);
    const info: ClassInfo = {
      name: d.name.name,
      decl: d,
      ref: new GClassRef(d.name.name, undefined),
      superName: d.extends[0]?.name ?? null,
      superInfo: null,
      methods: new Map(),
      ctors: [],
      fields: [],
      statics: new Map(),
      exceptionBase: null,
      inits: [],
      enumConstants: d.classKind === 'enum' ? [] : null,
    };
    (info.ref as { decl?: unknown }).decl = info;
    for (const m of d.members) {
      if (m.kind === 'MethodDeclaration') {
        if (m.isConstructor) info.ctors.push(m);
        else {
          const list = info.methods.get(m.name.name) ?? [];
          list.push(m);
          info.methods.set(m.name.name, list);
        }
      } else if (m.kind === 'VariableDeclaration') info.fields.push(m);
      else if (m.kind === 'ClassDeclaration') this.declareClass(m);
      else if (m.kind === 'InitializerBlock') info.inits.push(m);
      else if (m.kind === 'EnumConstant') {
        if (m.body) throw this.stamp(unsupported('enum constants with a body'), m);
        info.enumConstants?.push(m);
      }
    }
    this.classes.set(info.name, info);
  }

  private resolveSuper(info: ClassInfo): void {
    if (!info.superName) return;
    const sup = this.classes.get(info.superName);
    if (sup) {
      info.superInfo = sup;
      (info.ref as unknown as { superRef: GClassRef }).superRef = sup.ref;
      return;
    }
    const ex = O.exceptionClassName(info.superName);
    if (ex) {
      info.exceptionBase = ex;
      return;
    }
    throw this.stamp(unsupported(`extending ${info.superName}`), info.decl);
  }

  private exceptionBaseOf(info: ClassInfo): string | null {
    for (let c: ClassInfo | null = info; c; c = c.superInfo) if (c.exceptionBase) return c.exceptionBase;
    return null;
  }

  // ---------------------------------------------------------------- statements

  private execBlock(body: A.Statement[], frame: Frame, newScope = true): Value {
    const f = newScope ? { ...frame, scope: new Scope(frame.scope) } : frame;
    let last: Value = null;
    for (const st of body) last = this.exec(st, f);
    return last;
  }

  private exec(st: A.Statement, frame: Frame): Value {
    this.budget.tick();
    try {
      return this.execInner(st, frame);
    } catch (e) {
      throw this.stamp(e, st);
    }
  }

  private execInner(st: A.Statement, frame: Frame): Value {
    switch (st.kind) {
      case 'ExpressionStatement':
        return this.eval(st.expression, frame);
      case 'VariableDeclaration':
        this.declare(st, frame);
        return null;
      case 'MethodDeclaration':
      case 'ClassDeclaration':
      case 'ImportDeclaration':
      case 'PackageDeclaration':
      case 'EmptyStatement':
        return null;
      case 'BlockStatement':
        return this.execBlock(st.body, frame);
      case 'IfStatement':
        if (O.truthy(this.eval(st.test, frame))) return this.execScoped(st.consequent, frame);
        if (st.alternate) return this.execScoped(st.alternate, frame);
        return null;
      case 'WhileStatement':
        return this.loop(frame, undefined, () => O.truthy(this.eval(st.test, frame)), (f) => this.execScoped(st.body, f));
      case 'DoWhileStatement': {
        let first = true;
        return this.loop(frame, undefined, () => {
          if (first) {
            first = false;
            return true;
          }
          return O.truthy(this.eval(st.test, frame));
        }, (f) => this.execScoped(st.body, f));
      }
      case 'ForInStatement':
        return this.forIn(st, frame, undefined);
      case 'ForStatement':
        return this.forClassic(st, frame, undefined);
      case 'SwitchStatement':
        return this.switchStatement(st, frame);
      case 'TryStatement':
        return this.tryStatement(st, frame);
      case 'ThrowStatement': {
        const v = this.eval(st.argument, frame);
        if (v instanceof GException) {
          const p = this.position(st.range.start);
          v.line = p.line;
          v.column = p.column;
          throw new GroovyThrow(v);
        }
        if (v === null) throw groovyError(NPE, 'Cannot throw null');
        throw groovyError(CLASS_CAST, `Cannot throw ${O.className(v)}: not an exception`);
      }
      case 'ReturnStatement':
        throw new ReturnSignal(st.argument ? this.eval(st.argument, frame) : null);
      case 'BreakStatement':
        throw new BreakSignal(st.label?.name);
      case 'ContinueStatement':
        throw new ContinueSignal(st.label?.name);
      case 'LabeledStatement': {
        const b = st.body;
        if (b.kind === 'ForInStatement') return this.forIn(b, frame, st.label.name);
        if (b.kind === 'ForStatement') return this.forClassic(b, frame, st.label.name);
        if (b.kind === 'WhileStatement') return this.loop(frame, st.label.name, () => O.truthy(this.eval(b.test, frame)), (f) => this.execScoped(b.body, f));
        try {
          return this.exec(b, frame);
        } catch (e) {
          if (e instanceof BreakSignal && e.label === st.label.name) return null;
          throw e;
        }
      }
      case 'AssertStatement': {
        if (O.truthy(this.eval(st.test, frame))) return null;
        const text = this.source.slice(st.test.range.start, st.test.range.end);
        const msg = st.message ? O.toGroovyString(this.eval(st.message, frame)) + `. Expression: ${text}` : `assert ${text}`;
        throw groovyError(st.message ? 'java.lang.AssertionError' : 'org.codehaus.groovy.runtime.powerassert.PowerAssertionError', msg);
      }
    }
    throw unsupported((st as A.Node).kind);
  }

  private execScoped(st: A.Statement, frame: Frame): Value {
    if (st.kind === 'BlockStatement') return this.execBlock(st.body, frame);
    return this.exec(st, { ...frame, scope: new Scope(frame.scope) });
  }

  private loop(frame: Frame, label: string | undefined, test: () => boolean, body: (f: Frame) => Value): Value {
    while (test()) {
      this.budget.tick();
      try {
        body(frame);
      } catch (e) {
        if (e instanceof BreakSignal && (e.label === undefined || e.label === label)) break;
        if (e instanceof ContinueSignal && (e.label === undefined || e.label === label)) continue;
        throw e;
      }
    }
    return null;
  }

  private forIn(st: A.ForInStatement, frame: Frame, label: string | undefined): Value {
    const it = this.eval(st.iterable, frame);
    let items: Value[];
    if (it instanceof GRange && typeof it.from === 'number' && typeof it.to === 'number') {
      if (it.size > this.budget.maxSteps) this.budget.collection(it.size);
      items = it.toList();
    } else if (it instanceof JMatcher) items = it.all().map((m) => O.matchValue(m));
    else items = it === null ? [] : O.toList(it, 'for-in');
    items = Array.isArray(it) ? [...items] : items;
    const name = st.variable.name.name;
    for (const x of items) {
      this.budget.tick();
      const scope = new Scope(frame.scope);
      scope.vars.set(name, st.variable.type ? this.coerceDeclared(st.variable.type, x) : x);
      try {
        this.execScoped(st.body, { ...frame, scope });
      } catch (e) {
        if (e instanceof BreakSignal && (e.label === undefined || e.label === label)) break;
        if (e instanceof ContinueSignal && (e.label === undefined || e.label === label)) continue;
        throw e;
      }
    }
    return null;
  }

  private forClassic(st: A.ForStatement, frame: Frame, label: string | undefined): Value {
    const f: Frame = { ...frame, scope: new Scope(frame.scope) };
    if (st.init) {
      if (Array.isArray(st.init)) for (const e of st.init) this.eval(e, f);
      else this.declare(st.init, f);
    }
    while (!st.test || O.truthy(this.eval(st.test, f))) {
      this.budget.tick();
      try {
        this.execScoped(st.body, f);
      } catch (e) {
        if (e instanceof BreakSignal && (e.label === undefined || e.label === label)) break;
        if (!(e instanceof ContinueSignal && (e.label === undefined || e.label === label))) throw e;
      }
      for (const u of st.update) this.eval(u, f);
    }
    return null;
  }

  private switchStatement(st: A.SwitchStatement, frame: Frame): Value {
    const v = this.eval(st.discriminant, frame);
    let start = -1;
    outer: for (let i = 0; i < st.cases.length; i++) {
      for (const l of st.cases[i].labels) {
        if (!l.test) continue;
        const c = this.eval(l.test, frame);
        if (this.isCase(c, v)) {
          start = i;
          break outer;
        }
      }
    }
    if (start < 0) start = st.cases.findIndex((c) => c.labels.some((l) => !l.test));
    if (start < 0) return null;
    const f: Frame = { ...frame, scope: new Scope(frame.scope) };
    try {
      for (let i = start; i < st.cases.length; i++) for (const s of st.cases[i].body) this.exec(s, f);
    } catch (e) {
      if (e instanceof BreakSignal && e.label === undefined) return null;
      throw e;
    }
    return null;
  }

  private tryStatement(st: A.TryStatement, frame: Frame): Value {
    if (st.resources.length) throw unsupported('try-with-resources');
    try {
      return this.execBlock(st.block.body, frame);
    } catch (e) {
      if (!(e instanceof GroovyThrow)) throw e;
      const ex = e.exception;
      for (const h of st.handlers) {
        const types = h.types.length ? h.types.map((t) => t.name) : ['java.lang.Exception'];
        if (types.some((t) => O.exceptionIsA(ex.className, t) || this.userExceptionIsA(ex.className, t))) {
          const scope = new Scope(frame.scope);
          scope.vars.set(h.param.name, ex);
          return this.execBlock(h.body.body, { ...frame, scope }, false);
        }
      }
      throw e;
    } finally {
      if (st.finalizer) this.execBlock(st.finalizer.body, frame);
    }
  }

  private userExceptionIsA(cls: string, target: string): boolean {
    for (let c = this.classes.get(cls); c; c = c.superInfo ?? undefined) {
      if (c.name === target || O.simpleName(target) === c.name) return true;
      if (c.exceptionBase && O.exceptionIsA(c.exceptionBase, target)) return true;
    }
    return false;
  }

  private declare(d: A.VariableDeclaration, frame: Frame): void {
    if (d.annotations.some((a) => a.type.name === 'Field' || a.type.name === 'groovy.transform.Field')) {
      for (const dc of d.declarators) this.binding.set(dc.name.name, dc.init ? this.coerceMaybe(d.type, this.eval(dc.init, frame)) : this.defaultFor(d.type));
      return;
    }
    if (d.tuple) {
      const v = d.tuple.init ? this.eval(d.tuple.init, frame) : null;
      const list = v === null ? [] : O.toList(v);
      d.declarators.forEach((dc, i) => frame.scope.vars.set(dc.name.name, (list[i] as Value) ?? null));
      return;
    }
    for (const dc of d.declarators) {
      const v = dc.init ? this.coerceMaybe(d.type, this.eval(dc.init, frame)) : this.defaultFor(d.type);
      frame.scope.vars.set(dc.name.name, v);
    }
  }

  private defaultFor(t: A.TypeRef | undefined): Value {
    if (!t || t.arrayDimensions) return null;
    switch (t.name) {
      case 'int':
      case 'short':
      case 'byte':
        return 0;
      case 'long':
        return new JLong(0n);
      case 'double':
        return new JDouble(0);
      case 'float':
        return new JFloat(0);
      case 'boolean':
        return false;
      case 'char':
        return new JChar('\u0000');
    }
    return null;
  }

  private coerceMaybe(t: A.TypeRef | undefined, v: Value): Value {
    return t ? this.coerceDeclared(t, v) : v;
  }

  /** Assignment to a typed variable/parameter/return: Groovy casts numbers, strings and booleans. */
  coerceDeclared(t: A.TypeRef, v: Value): Value {
    if (t.arrayDimensions > 0) {
      if (v === null) return null;
      const items = O.toList(v).map((x) => (t.name === 'String' ? (x === null ? null : O.toGroovyString(x as Value)) : x));
      return markArray(items as Value[]);
    }
    const n = t.name.replace(/^java\.(lang|util|math)\./, '');
    switch (n) {
      case 'def':
      case 'var':
      case 'Object':
        return v;
      case 'String':
        return v === null ? null : v instanceof JChar ? v.c : O.toGroovyString(v);
      case 'int':
      case 'Integer':
      case 'short':
      case 'Short':
      case 'byte':
      case 'Byte':
        if (v === null) {
          if (n === 'int' || n === 'short' || n === 'byte') throw groovyError(CLASS_CAST, `Cannot cast object 'null' with class 'null' to class '${n}'`);
          return null;
        }
        if (isNumber(v)) return N.toInt(v);
        if (v instanceof JChar) return v.c.charCodeAt(0);
        throw this.castError(v, n);
      case 'long':
      case 'Long':
        if (v === null) return n === 'long' ? this.castNullPrimitive(n) : null;
        if (isNumber(v)) return new JLong(N.toLongBig(v));
        throw this.castError(v, n);
      case 'double':
      case 'Double':
        if (v === null) return n === 'double' ? this.castNullPrimitive(n) : null;
        if (isNumber(v)) return new JDouble(N.toDouble(v));
        throw this.castError(v, n);
      case 'float':
      case 'Float':
        if (v === null) return n === 'float' ? this.castNullPrimitive(n) : null;
        if (isNumber(v)) return new JFloat(N.toDouble(v));
        throw this.castError(v, n);
      case 'BigDecimal':
        if (v === null) return null;
        if (isNumber(v)) return N.toBigDecimal(v);
        throw this.castError(v, n);
      case 'BigInteger':
        if (v === null) return null;
        if (isNumber(v)) return new JBigInteger(N.toBigInt(v));
        throw this.castError(v, n);
      case 'boolean':
      case 'Boolean':
        return v === null && n === 'Boolean' ? null : O.truthy(v);
      case 'char':
      case 'Character':
        if (v === null) return null;
        if (v instanceof JChar) return v;
        if (O.str(v).length === 1 && (typeof v === 'string' || v instanceof GStringValue)) return new JChar(O.str(v));
        throw this.castError(v, n);
      case 'List':
      case 'ArrayList':
      case 'Collection':
      case 'Iterable':
        if (v === null || Array.isArray(v)) return v;
        if (v instanceof GRange) return v.toList();
        throw this.castError(v, n);
      case 'Map':
      case 'LinkedHashMap':
      case 'HashMap':
        if (v === null || v instanceof GMap) return v;
        throw this.castError(v, n);
      case 'Set':
      case 'HashSet':
      case 'LinkedHashSet':
        if (v === null) return null;
        if (Array.isArray(v) || v instanceof GRange) return G.listMethod(this.rt, O.toList(v), 'toUnique', []) as Value;
        throw this.castError(v, n);
    }
    return v;
  }

  private castNullPrimitive(n: string): never {
    throw groovyError(CLASS_CAST, `Cannot cast object 'null' with class 'null' to class '${n}'`);
  }

  private castError(v: Value, n: string): GroovyThrow {
    return groovyError(CLASS_CAST, `Cannot cast object '${O.toGroovyString(v)}' with class '${O.className(v)}' to class '${G.javaClassName(n)}'`);
  }

  /** `x as T` */
  private asType(v: Value, t: A.TypeRef): Value {
    const n = t.name.replace(/^java\.(lang|util|math)\./, '');
    if (t.arrayDimensions > 0) return this.coerceDeclared(t, v);
    if (v === null) return n === 'boolean' ? false : null;
    switch (n) {
      case 'String':
        return v instanceof JChar ? v.c : O.toGroovyString(v);
      case 'int':
      case 'Integer':
        if (typeof v === 'string' || v instanceof GStringValue) return N.parseIntegerStrict(O.str(v), 'int');
        return this.coerceDeclared(t, v);
      case 'long':
      case 'Long':
        if (typeof v === 'string' || v instanceof GStringValue) return N.parseIntegerStrict(O.str(v), 'long');
        return this.coerceDeclared(t, v);
      case 'BigInteger':
        if (typeof v === 'string' || v instanceof GStringValue) return N.parseIntegerStrict(O.str(v), 'bigint');
        return this.coerceDeclared(t, v);
      case 'double':
      case 'Double':
      case 'float':
      case 'Float':
        if (typeof v === 'string' || v instanceof GStringValue) {
          const d = N.parseDoubleStrict(O.str(v));
          return n.toLowerCase() === 'float' ? new JFloat(d) : new JDouble(d);
        }
        return this.coerceDeclared(t, v);
      case 'BigDecimal':
      case 'Number':
        if (typeof v === 'string' || v instanceof GStringValue) {
          try {
            return N.parseBigDecimal(O.str(v).trim());
          } catch {
            throw groovyError(NUMBER_FORMAT, `Character array is missing "exponent" mark 'e' or 'E'.`);
          }
        }
        return n === 'Number' ? v : this.coerceDeclared(t, v);
      case 'List':
      case 'ArrayList':
      case 'Collection':
        if (Array.isArray(v)) return [...v];
        if (v instanceof GRange) return v.toList();
        if (v instanceof GMap) return v.entries().map(([k, x]) => new GMapEntry(v, k, x));
        if (typeof v === 'string' || v instanceof GStringValue) return O.str(v).split('');
        return [v];
      case 'Set':
      case 'LinkedHashSet':
        return G.listMethod(this.rt, O.toList(v), 'toUnique', []) as Value;
      case 'HashSet':
        return G.hashSetOrder(O.toList(v));
      case 'Map':
      case 'LinkedHashMap':
        if (v instanceof GMap) return v;
        throw this.castError(v, n);
      case 'boolean':
      case 'Boolean':
        return O.truthy(v);
      case 'char':
      case 'Character':
        return this.coerceDeclared(t, v);
      case 'Object':
      case 'def':
        return v;
      case 'Pattern':
        return JPattern.compile(O.str(v));
    }
    const info = this.classes.get(n);
    if (info && O.instanceOf(v, info.ref)) return v;
    if (v instanceof GMap && info) return this.construct(info, [v]);
    throw unsupported(`coercion to ${t.name}`);
  }

  // ---------------------------------------------------------------- expressions

  eval(e: A.Expression, frame: Frame): Value {
    switch (e.kind) {
      case 'NumberLiteral':
        return N.parseNumberLiteral(e.text);
      case 'StringLiteral':
        return e.value;
      case 'BooleanLiteral':
        return e.value;
      case 'NullLiteral':
        return null;
      case 'GStringLiteral':
        return this.gstring(e, frame);
      case 'Identifier':
        return this.lookup(e, frame);
      case 'ThisExpression':
        return frame.self ?? SCRIPT_THIS;
      case 'ParenthesizedExpression':
        return this.eval(e.expression, frame);
      case 'ListExpression': {
        const out: Value[] = [];
        for (const x of e.elements) {
          if (x.kind === 'SpreadExpression') out.push(...O.toList(this.eval(x.argument, frame)));
          else out.push(this.eval(x, frame));
        }
        this.budget.collection(out.length);
        return out;
      }
      case 'MapExpression': {
        const m = new GMap();
        for (const en of e.entries) {
          if (en.kind === 'SpreadMapExpression') {
            const src = this.eval(en.argument, frame);
            if (src instanceof GMap) for (const [k, v] of src.entries()) m.set(k, v);
            continue;
          }
          m.set(this.mapKey(en.key, frame), this.eval(en.value, frame));
        }
        this.budget.collection(m.size);
        return m;
      }
      case 'ClosureExpression':
      case 'LambdaExpression':
        return new ClosureValue(this, e, frame);
      case 'PropertyExpression':
        try {
          return this.propertyExpr(e, frame);
        } catch (x) {
          throw this.stamp(x, e.property.kind === 'Name' ? e : e);
        }
      case 'CallExpression':
        return this.callExpr(e, frame);
      case 'IndexExpression': {
        const obj = this.eval(e.object, frame);
        if (obj === null && e.safe) return null;
        const idx = e.indices.length === 1 ? this.eval(e.indices[0], frame) : e.indices.map((i) => this.eval(i, frame));
        try {
          return this.getAt(obj, idx);
        } catch (x) {
          throw this.stamp(x, e);
        }
      }
      case 'NewExpression':
        try {
          return this.newExpr(e, frame);
        } catch (x) {
          throw this.stamp(x, e);
        }
      case 'UnaryExpression':
        return this.unary(e, frame);
      case 'UpdateExpression':
        return this.update(e, frame);
      case 'BinaryExpression':
        try {
          return this.binary(e, frame);
        } catch (x) {
          throw this.stamp(x, e);
        }
      case 'TernaryExpression':
        return O.truthy(this.eval(e.test, frame)) ? this.eval(e.consequent, frame) : this.eval(e.alternate, frame);
      case 'ElvisExpression': {
        const l = this.eval(e.left, frame);
        return O.truthy(l) ? l : this.eval(e.right, frame);
      }
      case 'AssignmentExpression':
        try {
          return this.assign(e, frame);
        } catch (x) {
          throw this.stamp(x, e);
        }
      case 'CastExpression': {
        const v = this.eval(e.expression, frame);
        try {
          if (e.style === 'as') return this.asType(v, e.type);
          return this.parenCast(v, e.type);
        } catch (x) {
          throw this.stamp(x, e);
        }
      }
      case 'InstanceofExpression': {
        const v = this.eval(e.expression, frame);
        const r = O.instanceOf(v, this.classRef(e.type.name, e.type));
        return e.negated ? !r : r;
      }
      case 'RangeExpression': {
        let from = this.eval(e.from, frame);
        let to = this.eval(e.to, frame);
        if (from instanceof GStringValue) from = from.s;
        if (to instanceof GStringValue) to = to.s;
        if (isNumber(from) && isNumber(to)) {
          if (!N.isIntegral(from) || !N.isIntegral(to)) throw this.stamp(unsupported('ranges of decimal numbers'), e);
          let f = N.toInt(from);
          const t = N.toInt(to);
          if (e.exclusiveFrom) f += f <= t ? 1 : -1;
          return new GRange(f, t, !e.exclusiveTo);
        }
        if (typeof from === 'string' && typeof to === 'string' && from.length === 1 && to.length === 1) return new GRange(from, to, !e.exclusiveTo);
        throw this.stamp(unsupported(`ranges of ${O.className(from)}`), e);
      }
      case 'ClassLiteralExpression':
        return this.classRef(e.type.name, e.type);
      case 'SpreadExpression':
        throw this.stamp(unsupported('spread (*x) here'), e);
      case 'SpreadMapExpression':
        throw this.stamp(unsupported('spread map (*:x) here'), e);
      case 'SuperExpression':
        throw this.stamp(unsupported('super'), e);
      case 'ErrorExpression':
        throw this.stamp(new ScriptStop('the script has a syntax error here'), e);
    }
    throw unsupported((e as A.Node).kind);
  }

  private gstring(e: A.GStringLiteral, frame: Frame): GStringValue {
    let s = '';
    for (const p of e.parts) {
      if (p.kind === 'GStringText') s += p.value;
      else if (p.expression) {
        let v = this.eval(p.expression, frame);
        if (p.expression.kind === 'ClosureExpression' && v instanceof ClosureValue) v = this.invokeCallable(v, []);
        s += O.toGroovyString(v);
      }
    }
    return new GStringValue(this.budget.string(s));
  }

  private mapKey(k: A.Name | A.Expression, frame: Frame): Value {
    if (k.kind === 'Name') return k.name;
    if (k.kind === 'Identifier') return k.name;
    const v = this.eval(k, frame);
    return v;
  }

  // ---------------------------------------------------------------- names

  private lookup(e: A.Identifier, frame: Frame): Value {
    const name = e.name;
    const s = frame.scope.lookup(name);
    if (s) return s.vars.get(name) as Value;
    if (frame.self) {
      const f = this.fieldLookup(frame.self, name);
      if (f.found) return f.value;
    }
    if (frame.cls) {
      for (let c: ClassInfo | null = frame.cls; c; c = c.superInfo) {
        this.ensureStatics(c);
        if (c.statics.has(name)) return c.statics.get(name) as Value;
      }
    }
    if (this.binding.has(name)) return this.binding.get(name) as Value;
    for (let c: ClosureValue | null = frame.closure; c; c = c.frame.closure) {
      const d = c.delegate;
      if (d !== null && d !== undefined) {
        const r = this.delegateProperty(d, name);
        if (r.found) return r.value;
      }
    }
    if (/^[A-Z]/.test(name) || JDK_CLASSES.has(name)) return this.classRef(name, e);
    throw this.stamp(groovyError(MISSING_PROPERTY, `No such property: ${name} for class: ${frame.self ? frame.self.cls.name : SCRIPT_CLASS}`), e);
  }

  private delegateProperty(d: Value, name: string): { found: boolean; value: Value } {
    if (d instanceof GMap) return { found: true, value: d.get(name) };
    if (isHost(d)) {
      try {
        return { found: true, value: d.getProperty(name) };
      } catch (e) {
        if (e instanceof GroovyThrow && e.exception.className === MISSING_PROPERTY) return { found: false, value: null };
        throw e;
      }
    }
    if (d instanceof GObject) return this.fieldLookup(d, name);
    return { found: false, value: null };
  }

  private fieldLookup(obj: GObject, name: string): { found: boolean; value: Value } {
    if (obj.fields.has(name)) return { found: true, value: obj.fields.get(name) as Value };
    return { found: false, value: null };
  }

  classRef(name: string, node: A.Node): GClassRef {
    const info = this.classes.get(name);
    if (info) return info.ref;
    const simple = O.simpleName(name);
    if (FORBIDDEN[simple]) throw this.stamp(unsupported(`${simple} (${FORBIDDEN[simple]})`), node);
    if (JDK_CLASSES.has(name) || JDK_CLASSES.has(simple) || O.exceptionClassName(simple)) {
      const ex = O.exceptionClassName(simple);
      return new GClassRef(ex ?? simple);
    }
    throw this.stamp(unsupported(`class ${name}`), node);
  }

  private setName(name: string, v: Value, frame: Frame): void {
    const s = frame.scope.lookup(name);
    if (s) {
      s.vars.set(name, v);
      return;
    }
    if (frame.self && frame.self.fields.has(name)) {
      frame.self.fields.set(name, v);
      return;
    }
    if (frame.cls) {
      for (let c: ClassInfo | null = frame.cls; c; c = c.superInfo) {
        this.ensureStatics(c);
        if (c.statics.has(name)) {
          c.statics.set(name, v);
          return;
        }
      }
    }
    if (!this.binding.has(name)) {
      for (let c: ClosureValue | null = frame.closure; c; c = c.frame.closure) {
        const d = c.delegate;
        if (d instanceof GMap && c.resolveStrategy === 1) {
          d.set(name, v);
          return;
        }
      }
    }
    this.binding.set(name, v);
  }

  // ---------------------------------------------------------------- properties

  private propertyName(p: A.PropertyExpression['property'], frame: Frame): string {
    if (p.kind === 'Name') return p.name;
    if (p.kind === 'StringLiteral') return p.value;
    return O.toGroovyString(this.eval(p as A.Expression, frame));
  }

  private dottedName(e: A.Expression): string | null {
    if (e.kind === 'Identifier') return e.name;
    if (e.kind === 'PropertyExpression' && e.operator === '.' && e.property.kind === 'Name') {
      const o = this.dottedName(e.object);
      return o === null ? null : `${o}.${e.property.name}`;
    }
    return null;
  }

  /** `java.util.regex.Pattern` written out: the class, when the root is a package and not a variable. */
  private qualifiedClass(e: A.PropertyExpression, frame: Frame): GClassRef | null {
    const dotted = this.dottedName(e);
    if (!dotted) return null;
    const parts = dotted.split('.');
    if (!PACKAGE_ROOTS.has(parts[0]) || frame.scope.lookup(parts[0]) || this.binding.has(parts[0])) return null;
    const i = parts.findIndex((p) => /^[A-Z]/.test(p));
    if (i !== parts.length - 1) return null;
    return this.classRef(dotted, e);
  }

  private propertyExpr(e: A.PropertyExpression, frame: Frame): Value {
    const qc = this.qualifiedClass(e, frame);
    if (qc) return qc;
    if (e.operator === '.&' || e.operator === '::') throw unsupported(`method pointers (${e.operator})`);
    if (e.operator === '.@' || e.operator === '?.@' || e.operator === '*.@') throw unsupported('direct field access (.@)');
    const obj = this.eval(e.object, frame);
    const name = this.propertyName(e.property, frame);
    if (e.operator === '*.') {
      if (obj === null) return null;
      return O.toList(obj).map((x) => (x === null ? null : this.getProperty(x as Value, name)));
    }
    if (obj === null) {
      if (e.operator === '?.') return null;
      throw groovyError(NPE, `Cannot get property '${name}' on null object`);
    }
    return this.getProperty(obj, name);
  }

  getProperty(obj: Value, name: string): Value {
    if (obj instanceof GMap) return obj.get(name);
    if (isHost(obj)) return obj.getProperty(name);
    if (obj instanceof GObject) return this.objectProperty(obj, name);
    if (obj === SCRIPT_THIS) {
      if (this.binding.has(name)) return this.binding.get(name) as Value;
      throw groovyError(MISSING_PROPERTY, `No such property: ${name} for class: ${SCRIPT_CLASS}`);
    }
    if (obj instanceof GClassRef) return this.staticProperty(obj, name);
    if (name === 'class') return new GClassRef(O.className(obj));
    if (Array.isArray(obj) || obj instanceof GRange) {
      if (name === 'empty') return O.toList(obj).length === 0;
      if (obj instanceof GRange && (name === 'from' || name === 'to')) return obj[name];
      return O.toList(obj)
        .filter((x) => x !== null)
        .map((x) => this.getProperty(x as Value, name));
    }
    if (obj instanceof GMapEntry) {
      if (name === 'key') return obj.key;
      if (name === 'value') return obj.value;
    }
    if (obj instanceof GException) {
      if (name === 'message' || name === 'localizedMessage') return obj.message;
      if (name === 'cause') return obj.cause;
      if (name === 'stackTrace') return markArray([]);
    }
    if (isCallable(obj)) {
      if (name === 'delegate') return obj.delegate ?? null;
      if (name === 'maximumNumberOfParameters') return obj.arity;
      if (name === 'resolveStrategy' && obj instanceof ClosureValue) return obj.resolveStrategy;
    }
    // bean getters: x.empty → isEmpty(), x.count → getCount()
    const cap = name.charAt(0).toUpperCase() + name.slice(1);
    for (const getter of [`get${cap}`, `is${cap}`]) {
      const r = G.invokeBuiltin(this.rt, obj, getter, []);
      if (r !== NO_METHOD) return r;
    }
    if (name === 'size' && (typeof obj === 'string' || obj instanceof GStringValue)) {
      throw groovyError(MISSING_PROPERTY, `No such property: size for class: java.lang.String`);
    }
    throw groovyError(MISSING_PROPERTY, `No such property: ${name} for class: ${O.className(obj)}`);
  }

  private objectProperty(obj: GObject, name: string): Value {
    if (obj.fields.has(name)) return obj.fields.get(name) as Value;
    const info = this.classes.get(obj.cls.name);
    const cap = name.charAt(0).toUpperCase() + name.slice(1);
    if (info) {
      const g = this.findMethod(info, `get${cap}`, 0) ?? this.findMethod(info, `is${cap}`, 0);
      if (g) return this.invokeMethodDecl(g.m, g.info, obj, []);
      this.ensureStatics(info);
      if (info.statics.has(name)) return info.statics.get(name) as Value;
    }
    if (name === 'class') return obj.cls;
    throw groovyError(MISSING_PROPERTY, `No such property: ${name} for class: ${obj.cls.name}`);
  }

  private staticProperty(cls: GClassRef, name: string): Value {
    const info = this.classes.get(cls.name);
    if (info) {
      for (let c: ClassInfo | null = info; c; c = c.superInfo) {
        this.ensureStatics(c);
        if (c.statics.has(name)) return c.statics.get(name) as Value;
      }
      if (name === 'name' || name === 'simpleName') return info.name;
      throw groovyError(MISSING_PROPERTY, `No such property: ${name} for class: ${info.name}`);
    }
    const c = O.simpleName(cls.name);
    switch (`${c}.${name}`) {
      case 'Integer.MAX_VALUE':
        return 2147483647;
      case 'Integer.MIN_VALUE':
        return -2147483648;
      case 'Long.MAX_VALUE':
        return new JLong(2n ** 63n - 1n);
      case 'Long.MIN_VALUE':
        return new JLong(-(2n ** 63n));
      case 'Double.MAX_VALUE':
        return new JDouble(Number.MAX_VALUE);
      case 'Math.PI':
        return new JDouble(Math.PI);
      case 'Math.E':
        return new JDouble(Math.E);
      case 'Pattern.CASE_INSENSITIVE':
        return 2;
      case 'Pattern.MULTILINE':
        return 8;
      case 'Pattern.DOTALL':
        return 32;
      case 'Pattern.COMMENTS':
        return 4;
      case 'BigDecimal.ZERO':
        return new JBigDecimal(0n, 0);
      case 'BigDecimal.ONE':
        return new JBigDecimal(1n, 0);
      case 'BigDecimal.TEN':
        return new JBigDecimal(10n, 0);
      case 'BigInteger.ZERO':
        return new JBigInteger(0n);
      case 'BigInteger.ONE':
        return new JBigInteger(1n);
      case 'Boolean.TRUE':
        return true;
      case 'Boolean.FALSE':
        return false;
      case 'Collections.EMPTY_LIST':
        return [];
      case 'Collections.EMPTY_MAP':
        return new GMap();
      case 'String.CASE_INSENSITIVE_ORDER':
        return G.CASE_INSENSITIVE_ORDER;
      case 'Closure.DELEGATE_FIRST':
        return 1;
      case 'Closure.OWNER_FIRST':
        return 0;
      case 'Closure.DELEGATE_ONLY':
        return 3;
      case 'Closure.OWNER_ONLY':
        return 2;
    }
    if (c === 'RoundingMode' && ROUNDING.includes(name)) return `RoundingMode.${name}`;
    if (name === 'name') return G.javaClassName(cls.name);
    if (name === 'simpleName') return c;
    throw unsupported(`${c}.${name}`);
  }

  setProperty(obj: Value, name: string, v: Value): void {
    if (obj instanceof GMap) {
      this.budget.collection(obj.size + 1);
      obj.set(name, v);
      return;
    }
    if (isHost(obj)) {
      obj.setProperty(name, v);
      return;
    }
    if (obj instanceof GObject) {
      const info = this.classes.get(obj.cls.name);
      const cap = name.charAt(0).toUpperCase() + name.slice(1);
      const setter = info ? this.findMethod(info, `set${cap}`, 1) : null;
      if (setter) {
        this.invokeMethodDecl(setter.m, setter.info, obj, [v]);
        return;
      }
      if (obj.fields.has(name)) {
        const decl = info ? this.fieldDecl(info, name) : null;
        obj.fields.set(name, decl?.type ? this.coerceDeclared(decl.type, v) : v);
        return;
      }
      if (info) {
        for (let c: ClassInfo | null = info; c; c = c.superInfo) {
          this.ensureStatics(c);
          if (c.statics.has(name)) {
            c.statics.set(name, v);
            return;
          }
        }
      }
      throw groovyError(MISSING_PROPERTY, `No such property: ${name} for class: ${obj.cls.name}`);
    }
    if (obj === SCRIPT_THIS) {
      this.binding.set(name, v);
      return;
    }
    if (obj instanceof ClosureValue) {
      if (name === 'delegate') {
        obj.delegate = v;
        return;
      }
      if (name === 'resolveStrategy') {
        obj.resolveStrategy = N.toInt(v as N.GNumberLike);
        return;
      }
    }
    if (obj instanceof GClassRef) {
      const info = this.classes.get(obj.name);
      if (info) {
        this.ensureStatics(info);
        info.statics.set(name, v);
        return;
      }
    }
    if (obj instanceof GMapEntry && name === 'value') {
      G.invokeBuiltin(this.rt, obj, 'setValue', [v]);
      return;
    }
    if (Array.isArray(obj)) {
      for (const x of obj) if (x !== null) this.setProperty(x as Value, name, v);
      return;
    }
    throw groovyError(MISSING_PROPERTY, `No such property: ${name} for class: ${O.className(obj)}`);
  }

  private fieldDecl(info: ClassInfo, name: string): A.VariableDeclaration | null {
    for (let c: ClassInfo | null = info; c; c = c.superInfo) {
      for (const f of c.fields) if (f.declarators.some((d) => d.name.name === name)) return f;
    }
    return null;
  }

  // ---------------------------------------------------------------- indexing

  getAt(obj: Value, idx: Value): Value {
    if (obj === null) throw groovyError(NPE, `Cannot invoke method getAt() on null object`);
    if (obj instanceof GMap) return obj.get(idx instanceof GStringValue ? idx.s : idx);
    if (Array.isArray(obj)) {
      if (typeof idx === 'string' || idx instanceof GStringValue) return this.getProperty(obj, O.str(idx));
      return O.subscriptList(obj, idx);
    }
    if (obj instanceof GRange) return O.subscriptList(obj.toList(), idx);
    if (isHost(obj)) {
      if (typeof idx === 'string' || idx instanceof GStringValue) return obj.getProperty(O.str(idx));
      const r = obj.invokeMethod('getAt', [idx]);
      if (r !== NO_METHOD) return r;
    }
    if (obj instanceof GObject && (typeof idx === 'string' || idx instanceof GStringValue)) return this.getProperty(obj, O.str(idx));
    const r = G.invokeBuiltin(this.rt, obj, 'getAt', [idx]);
    if (r !== NO_METHOD) return r;
    throw groovyError(MISSING_METHOD, `No signature of method: ${O.className(obj)}.getAt() is applicable for argument types: (${O.className(idx)})`);
  }

  putAt(obj: Value, idx: Value, v: Value): void {
    if (obj === null) throw groovyError(NPE, `Cannot invoke method putAt() on null object`);
    if (obj instanceof GMap) {
      this.budget.collection(obj.size + 1);
      obj.set(idx instanceof GStringValue ? idx.s : idx, v);
      return;
    }
    if (Array.isArray(obj)) {
      if (typeof idx === 'string' || idx instanceof GStringValue) {
        this.setProperty(obj, O.str(idx), v);
        return;
      }
      G.listMethod(this.rt, obj, 'putAt', [idx, v]);
      return;
    }
    if (isHost(obj) || obj instanceof GObject) {
      this.setProperty(obj, O.str(idx), v);
      return;
    }
    throw groovyError(MISSING_METHOD, `No signature of method: ${O.className(obj)}.putAt() is applicable`);
  }

  // ---------------------------------------------------------------- assignment

  private assign(e: A.AssignmentExpression, frame: Frame): Value {
    const op = e.operator;
    const t = e.target;
    if (t.kind === 'ListExpression' && op === '=') {
      const v = this.eval(e.value, frame);
      const list = v === null ? [] : O.toList(v);
      t.elements.forEach((el, i) => this.assignTo(el, (list[i] as Value) ?? null, frame));
      return v;
    }
    if (op === '=') {
      const v = this.eval(e.value, frame);
      this.assignTo(t, v, frame);
      return v;
    }
    if (op === '?=') throw unsupported('?=');
    // compound: read target once (object and index evaluated once)
    const bin = op.slice(0, -1) as A.BinaryOperator;
    if (t.kind === 'Identifier') {
      const cur = this.lookup(t, frame);
      const v = this.binaryValues(bin, cur, this.eval(e.value, frame));
      this.setName(t.name, v, frame);
      return v;
    }
    if (t.kind === 'PropertyExpression') {
      const obj = this.eval(t.object, frame);
      const name = this.propertyName(t.property, frame);
      if (obj === null) {
        if (t.operator === '?.') return null;
        throw groovyError(NPE, `Cannot get property '${name}' on null object`);
      }
      const v = this.binaryValues(bin, this.getProperty(obj, name), this.eval(e.value, frame));
      this.setProperty(obj, name, v);
      return v;
    }
    if (t.kind === 'IndexExpression') {
      const obj = this.eval(t.object, frame);
      const idx = t.indices.length === 1 ? this.eval(t.indices[0], frame) : t.indices.map((i) => this.eval(i, frame));
      const v = this.binaryValues(bin, this.getAt(obj, idx), this.eval(e.value, frame));
      this.putAt(obj, idx, v);
      return v;
    }
    throw unsupported(`assignment to ${t.kind}`);
  }

  private assignTo(t: A.Expression, v: Value, frame: Frame): void {
    switch (t.kind) {
      case 'Identifier':
        this.setName(t.name, v, frame);
        return;
      case 'PropertyExpression': {
        const obj = this.eval(t.object, frame);
        const name = this.propertyName(t.property, frame);
        if (obj === null) {
          if (t.operator === '?.') return;
          throw groovyError(NPE, `Cannot set property '${name}' on null object`);
        }
        if (t.operator === '*.') {
          for (const x of O.toList(obj)) if (x !== null) this.setProperty(x as Value, name, v);
          return;
        }
        this.setProperty(obj, name, v);
        return;
      }
      case 'IndexExpression': {
        const obj = this.eval(t.object, frame);
        if (obj === null && t.safe) return;
        const idx = t.indices.length === 1 ? this.eval(t.indices[0], frame) : t.indices.map((i) => this.eval(i, frame));
        this.putAt(obj, idx, v);
        return;
      }
      case 'ParenthesizedExpression':
        this.assignTo(t.expression, v, frame);
        return;
      case 'VariableDeclaration' as never:
        return;
    }
    throw unsupported(`assignment to ${t.kind}`);
  }

  private update(e: A.UpdateExpression, frame: Frame): Value {
    const t = e.argument;
    const step = (v: Value): Value => {
      if (v === null) throw groovyError(NPE, `Cannot invoke method ${e.operator === '++' ? 'next' : 'previous'}() on null object`);
      if (isNumber(v)) return N.add(v, e.operator === '++' ? 1 : -1);
      const r = G.invokeBuiltin(this.rt, v, e.operator === '++' ? 'next' : 'previous', []);
      if (r === NO_METHOD) throw unsupported(`${e.operator} on ${O.className(v)}`);
      return r;
    };
    try {
      if (t.kind === 'Identifier') {
        const old = this.lookup(t, frame);
        const nv = step(old);
        this.setName(t.name, nv, frame);
        return e.prefix ? nv : old;
      }
      if (t.kind === 'PropertyExpression') {
        const obj = this.eval(t.object, frame);
        const name = this.propertyName(t.property, frame);
        if (obj === null) {
          if (t.operator === '?.') return null;
          throw groovyError(NPE, `Cannot get property '${name}' on null object`);
        }
        const old = this.getProperty(obj, name);
        const nv = step(old);
        this.setProperty(obj, name, nv);
        return e.prefix ? nv : old;
      }
      if (t.kind === 'IndexExpression') {
        const obj = this.eval(t.object, frame);
        const idx = t.indices.length === 1 ? this.eval(t.indices[0], frame) : t.indices.map((i) => this.eval(i, frame));
        const old = this.getAt(obj, idx);
        const nv = step(old);
        this.putAt(obj, idx, nv);
        return e.prefix ? nv : old;
      }
    } catch (x) {
      throw this.stamp(x, e);
    }
    throw this.stamp(unsupported(`${e.operator} on ${t.kind}`), e);
  }

  // ---------------------------------------------------------------- operators

  private unary(e: A.UnaryExpression, frame: Frame): Value {
    if (e.operator === '~' && (e.argument.kind === 'StringLiteral' || e.argument.kind === 'GStringLiteral')) {
      try {
        return JPattern.compile(O.str(this.eval(e.argument, frame)));
      } catch (x) {
        throw this.stamp(x, e);
      }
    }
    if (e.operator === '-' && e.argument.kind === 'NumberLiteral') return N.parseNumberLiteral('-' + e.argument.text);
    const v = this.eval(e.argument, frame);
    try {
      switch (e.operator) {
        case '!':
          return !O.truthy(v);
        case '-':
          if (isNumber(v)) return N.negate(v);
          if (Array.isArray(v)) return v.map((x) => (isNumber(x) ? N.negate(x) : x)) as Value[];
          if (v === null) throw groovyError(NPE, 'Cannot invoke method negative() on null object');
          throw O.noOperator('negative', v, null);
        case '+':
          if (isNumber(v)) return v;
          throw O.noOperator('positive', v, null);
        case '~':
          if (typeof v === 'string' || v instanceof GStringValue) return JPattern.compile(O.str(v));
          if (isNumber(v) && N.isIntegral(v)) return N.bitOp('^', v, -1);
          throw O.noOperator('bitwiseNegate', v, null);
      }
    } catch (x) {
      throw this.stamp(x, e);
    }
    return null;
  }

  private binary(e: A.BinaryExpression, frame: Frame): Value {
    const op = e.operator;
    if (op === '&&') return O.truthy(this.eval(e.left, frame)) && O.truthy(this.eval(e.right, frame));
    if (op === '||') return O.truthy(this.eval(e.left, frame)) || O.truthy(this.eval(e.right, frame));
    const l = this.eval(e.left, frame);
    const r = this.eval(e.right, frame);
    return this.binaryValues(op, l, r);
  }

  binaryValues(op: A.BinaryOperator, l: Value, r: Value): Value {
    switch (op) {
      case '+':
        if (typeof l === 'number' && typeof r === 'number') return (l + r) | 0;
        if (l instanceof GObject || isHost(l)) return this.operatorMethod(l, 'plus', r);
        if (typeof l === 'string' || l instanceof GStringValue) return this.budget.string(O.plus(l, r) as string);
        if (Array.isArray(l)) this.budget.collection(l.length + (Array.isArray(r) ? r.length : 1));
        return O.plus(l, r);
      case '-':
        if (typeof l === 'number' && typeof r === 'number') return (l - r) | 0;
        if (l instanceof GObject) return this.operatorMethod(l, 'minus', r);
        return O.minus(l, r);
      case '*':
        if (l instanceof GObject) return this.operatorMethod(l, 'multiply', r);
        if ((typeof l === 'string' || l instanceof GStringValue) && isNumber(r)) this.budget.string(' '.repeat(Math.min(O.str(l).length * Math.max(0, N.toInt(r)), this.budget.maxStringLength + 1)));
        if (Array.isArray(l) && isNumber(r)) this.budget.collection(l.length * N.toInt(r));
        return O.times(l, r);
      case '/':
        if (isNumber(l) && isNumber(r)) return N.divide(l, r);
        if (l === null) throw groovyError(NPE, 'Cannot invoke method div() on null object');
        throw O.noOperator('div', l, r);
      case '%':
        if (isNumber(l) && isNumber(r)) return N.remainder(l, r);
        if (l === null) throw groovyError(NPE, 'Cannot invoke method mod() on null object');
        throw O.noOperator('remainder', l, r);
      case '**':
        if (isNumber(l) && isNumber(r)) return N.power(l, r);
        if (l === null) throw groovyError(NPE, 'Cannot invoke method power() on null object');
        throw O.noOperator('power', l, r);
      case '==':
        return this.equals(l, r);
      case '!=':
        return !this.equals(l, r);
      case '===':
        return l === r || (typeof l !== 'object' && O.javaEquals(l, r));
      case '!==':
        return !(l === r || (typeof l !== 'object' && O.javaEquals(l, r)));
      case '<':
        return this.cmp(l, r) < 0;
      case '<=':
        return this.cmp(l, r) <= 0;
      case '>':
        return this.cmp(l, r) > 0;
      case '>=':
        return this.cmp(l, r) >= 0;
      case '<=>': {
        const c = this.cmp(l, r);
        return c < 0 ? -1 : c > 0 ? 1 : 0;
      }
      case '=~':
        if (l === null) throw groovyError(NPE, 'Cannot match a regex against null');
        return new JMatcher(r instanceof JPattern ? r : JPattern.compile(O.str(r)), O.str(l));
      case '==~':
        if (l === null) return false;
        return (r instanceof JPattern ? r : JPattern.compile(O.str(r))).whole.test(O.str(l));
      case 'in':
        return this.isCase(r, l);
      case '!in':
        return !this.isCase(r, l);
      case '<<':
        if (Array.isArray(l)) return G.listMethod(this.rt, l, 'leftShift', [r]) as Value;
        if (l instanceof GMap) {
          if (r instanceof GMap) for (const [k, v] of r.entries()) l.set(k, v);
          else if (r instanceof GMapEntry) l.set(r.key, r.value);
          else throw O.noOperator('leftShift', l, r);
          return l;
        }
        if (isHost(l)) return this.operatorMethod(l, 'leftShift', r);
        if (isNumber(l) && isNumber(r)) return N.bitOp('<<', l, r);
        if (typeof l === 'string' || l instanceof GStringValue) return new StringBuilderValue(this.budget.string(O.str(l) + O.toGroovyString(r)), this.budget);
        if (l === null) throw groovyError(NPE, 'Cannot invoke method leftShift() on null object');
        throw O.noOperator('leftShift', l, r);
      case '>>':
      case '>>>':
        if (isNumber(l) && isNumber(r)) return N.bitOp(op, l, r);
        throw O.noOperator(op === '>>' ? 'rightShift' : 'rightShiftUnsigned', l, r);
      case '&':
      case '|':
      case '^':
        if (typeof l === 'boolean' && typeof r === 'boolean') return op === '&' ? l && r : op === '|' ? l || r : l !== r;
        if (isNumber(l) && isNumber(r)) return N.bitOp(op, l, r);
        if (op === '&' && Array.isArray(l)) return G.listMethod(this.rt, l, 'intersect', [r]) as Value;
        throw O.noOperator(op === '&' ? 'and' : op === '|' ? 'or' : 'xor', l, r);
      case '&&':
        return O.truthy(l) && O.truthy(r);
      case '||':
        return O.truthy(l) || O.truthy(r);
    }
    throw unsupported(`operator ${op}`);
  }

  /** `switchValue in caseValue` and switch cases: Collection.contains uses Java equals. */
  isCase(c: Value, v: Value): boolean {
    if (Array.isArray(c)) return c.some((x) => O.javaEquals(x as Value, v));
    return O.isCase(c, v, (cl, a) => this.invokeCallable(cl, a));
  }

  private operatorMethod(l: Value, name: string, r: Value): Value {
    return this.invokeMethodOn(l, name, [r]);
  }

  private equals(l: Value, r: Value): boolean {
    if (l instanceof GObject && l !== r && r !== null) {
      const info = this.classes.get(l.cls.name);
      const m = info && this.findMethod(info, 'equals', 1);
      if (m) return O.truthy(this.invokeMethodDecl(m.m, m.info, l, [r]));
    }
    return O.groovyEquals(l, r);
  }

  private cmp(l: Value, r: Value): number {
    if (l instanceof GObject && r !== null) {
      const info = this.classes.get(l.cls.name);
      const m = info && this.findMethod(info, 'compareTo', 1);
      if (m) return N.toInt(this.invokeMethodDecl(m.m, m.info, l, [r]) as N.GNumberLike);
    }
    return O.compare(l, r);
  }

  private parenCast(v: Value, t: A.TypeRef): Value {
    if (v === null) return this.coerceDeclared(t, v);
    const n = t.name.replace(/^java\.(lang|util|math)\./, '');
    if ((n === 'int' || n === 'Integer' || n === 'long' || n === 'Long' || n === 'double' || n === 'Double') && !isNumber(v) && !(v instanceof JChar)) {
      throw this.castError(v, n);
    }
    if (n === 'String' && !(typeof v === 'string' || v instanceof GStringValue || v instanceof JChar)) {
      return O.toGroovyString(v);
    }
    const info = this.classes.get(n);
    if (info) {
      if (O.instanceOf(v, info.ref)) return v;
      throw this.castError(v, n);
    }
    return this.coerceDeclared(t, v);
  }

  // ---------------------------------------------------------------- calls

  private evalArgs(args: A.Argument[], closures: A.ClosureExpression[], frame: Frame): Value[] {
    const out: Value[] = [];
    let named: GMap | null = null;
    for (const a of args) {
      if (a.kind === 'NamedArgument') {
        if (!named) named = new GMap();
        named.set(this.mapKey(a.name, frame), this.eval(a.value, frame));
      } else if (a.kind === 'SpreadExpression') out.push(...O.toList(this.eval(a.argument, frame)));
      else if (a.kind === 'SpreadMapExpression') {
        if (!named) named = new GMap();
        const src = this.eval(a.argument, frame);
        if (src instanceof GMap) for (const [k, v] of src.entries()) named.set(k, v);
      } else out.push(this.eval(a, frame));
    }
    if (named) out.unshift(named);
    for (const c of closures) out.push(this.eval(c, frame));
    return out;
  }

  private callExpr(e: A.CallExpression, frame: Frame): Value {
    const callee = e.callee;
    if (callee.kind === 'Identifier') {
      const args = this.evalArgs(e.args, e.trailingClosures, frame);
      try {
        return this.callName(callee.name, args, frame);
      } catch (x) {
        throw this.stamp(x, e);
      }
    }
    if (callee.kind === 'PropertyExpression') {
      if (callee.operator === '.&' || callee.operator === '::') throw this.stamp(unsupported('method pointers'), e);
      if (callee.object.kind === 'SuperExpression') {
        const args = this.evalArgs(e.args, e.trailingClosures, frame);
        try {
          return this.callSuper(callee, args, frame);
        } catch (x) {
          throw this.stamp(x, e);
        }
      }
      const obj = this.eval(callee.object, frame);
      let name = this.propertyName(callee.property, frame);
      if (obj === null && (callee.operator === '?.' || callee.operator === '*.')) return null;
      const args = this.evalArgs(e.args, e.trailingClosures, frame);
      // list.remove((Object) x) removes the element x even when it is an Integer
      const a0 = e.args[0];
      if (name === 'remove' && e.args.length === 1 && a0.kind === 'CastExpression' && a0.style === 'paren' && /^(java\.lang\.)?Object$/.test(a0.type.name) && Array.isArray(obj)) name = 'removeElement';
      try {
        if (callee.operator === '*.') {
          return O.toList(obj).map((x) => (x === null ? null : this.invokeMethodOn(x as Value, name, args)));
        }
        if (obj === null) {
          if (name === 'equals' && args.length === 1) return args[0] === null;
          if (name === 'toString' && args.length === 0) return 'null';
          if (name === 'is' && args.length === 1) return args[0] === null;
          throw groovyError(NPE, `Cannot invoke method ${name}() on null object`);
        }
        return this.invokeMethodOn(obj, name, args, frame);
      } catch (x) {
        throw this.stamp(x, e);
      }
    }
    if (callee.kind === 'ThisExpression') throw this.stamp(unsupported('this(…) constructor calls'), e);
    if (callee.kind === 'SuperExpression') {
      const args = this.evalArgs(e.args, e.trailingClosures, frame);
      if (frame.self && frame.cls) {
        const sup = frame.cls.superInfo;
        if (sup) {
          this.runCtor(sup, frame.self, args);
          return null;
        }
        return null;
      }
      throw this.stamp(unsupported('super(…) outside a constructor'), e);
    }
    const fn = this.eval(callee, frame);
    const args = this.evalArgs(e.args, e.trailingClosures, frame);
    try {
      if (isCallable(fn)) return this.invokeCallable(fn, args);
      if (fn === null) throw groovyError(NPE, 'Cannot invoke method call() on null object');
      return this.invokeMethodOn(fn, 'call', args);
    } catch (x) {
      throw this.stamp(x, e);
    }
  }

  private callSuper(callee: A.PropertyExpression, args: Value[], frame: Frame): Value {
    const name = this.propertyName(callee.property, frame);
    if (!frame.self || !frame.cls) throw unsupported('super outside a class');
    const sup = frame.cls.superInfo;
    if (sup) {
      const m = this.findMethod(sup, name, args.length);
      if (m) return this.invokeMethodDecl(m.m, m.info, frame.self, args);
    }
    const r = G.invokeBuiltin(this.rt, frame.self, name, args);
    if (r !== NO_METHOD) return r;
    throw groovyError(MISSING_METHOD, `No signature of method: super.${name}()`);
  }

  /** An unqualified call `name(args)`. */
  private callName(name: string, args: Value[], frame: Frame): Value {
    const s = frame.scope.lookup(name);
    if (s) {
      const fn = s.vars.get(name) as Value;
      if (isCallable(fn)) return this.invokeCallable(fn, args);
    }
    // methods of the enclosing class / script
    if (frame.cls) {
      const m = this.findMethod(frame.cls, name, args.length);
      if (m) return this.invokeMethodDecl(m.m, m.info, this.isStatic(m.m) ? null : frame.self, args);
    }
    const sm = this.pickOverload(this.scriptMethods.get(name), args.length);
    if (sm) return this.invokeMethodDecl(sm, null, null, args);
    // closure delegates
    for (let c: ClosureValue | null = frame.closure; c; c = c.frame.closure) {
      const d = c.delegate;
      if (d !== null && d !== undefined) {
        const r = this.tryInvoke(d, name, args);
        if (r !== NO_METHOD) return r;
      }
    }
    if (this.binding.has(name)) {
      const fn = this.binding.get(name) as Value;
      if (isCallable(fn)) return this.invokeCallable(fn, args);
    }
    if (frame.self) {
      const f = frame.self.fields.get(name);
      if (f !== undefined && isCallable(f)) return this.invokeCallable(f, args);
    }
    switch (name) {
      case 'println':
        this.print(args.length ? O.toGroovyString(args[0]) + '\n' : '\n');
        return null;
      case 'print':
        this.print(O.toGroovyString(args[0]));
        return null;
      case 'printf':
        this.print(G.formatJava(O.str(args[0]), args.slice(1)));
        return null;
      case 'sprintf':
        return G.formatJava(O.str(args[0]), args.length === 2 && Array.isArray(args[1]) ? (args[1] as Value[]) : args.slice(1));
      case 'sleep':
        throw unsupported('sleep()');
      case 'evaluate':
        throw unsupported('evaluate() (evaluating code)');
    }
    throw groovyError(
      MISSING_METHOD,
      `No signature of method: ${frame.self ? frame.self.cls.name : SCRIPT_CLASS}.${name}() is applicable for argument types: (${args.map((a) => O.simpleName(O.className(a))).join(', ')}) values: [${args.map((a) => O.toGroovyString(a)).join(', ')}]`,
    );
  }

  private isStatic(m: A.MethodDeclaration): boolean {
    return m.modifiers.some((x) => x.name === 'static');
  }

  private tryInvoke(obj: Value, name: string, args: Value[]): Value | typeof NO_METHOD {
    try {
      return this.invokeMethodOn(obj, name, args);
    } catch (e) {
      if (e instanceof GroovyThrow && e.exception.className === MISSING_METHOD && (e.exception.message ?? '').includes(`.${name}()`)) return NO_METHOD;
      if (e instanceof UnknownBuiltinMethod && e.message.endsWith(`.${name}()`)) return NO_METHOD;
      throw e;
    }
  }

  /** `obj.name(args)` on a non-null receiver. */
  invokeMethodOn(obj: Value, name: string, args: Value[], frame?: Frame): Value {
    this.budget.tick();
    if (obj instanceof GClassRef) return this.invokeStatic(obj, name, args);
    if (obj instanceof GObject) {
      const info = this.classes.get(obj.cls.name);
      if (info) {
        const m = this.findMethod(info, name, args.length);
        if (m) return this.invokeMethodDecl(m.m, m.info, obj, args);
        const f = obj.fields.get(name);
        if (f !== undefined && isCallable(f)) return this.invokeCallable(f, args);
        const em = enumMeta(obj);
        if (em && args.length === 0 && (name === 'name' || name === 'toString')) return em.enumName;
        if (em && args.length === 0 && name === 'ordinal') return em.enumOrdinal;
        if (em && name === 'compareTo' && args.length === 1) return em.enumOrdinal - (enumMeta(args[0])?.enumOrdinal ?? 0);
        if (name === 'toString' && args.length === 0) return O.toGroovyString(obj);
      }
    }
    if (obj === SCRIPT_THIS) return this.callName(name, args, frame ?? { scope: new Scope(null), self: null, cls: null, closure: null });
    if (isHost(obj)) {
      const r = obj.invokeMethod(name, args);
      if (r !== NO_METHOD) return r;
      const p = this.tryHostProperty(obj, name);
      if (p !== undefined && isCallable(p)) return this.invokeCallable(p, args);
    }
    if (isCallable(obj)) {
      if (name === 'call' || name === 'doCall') return this.invokeCallable(obj, args);
      if (name === 'curry' || name === 'rcurry' || name === 'ncurry') throw unsupported('closure currying');
      if (name === 'memoize') return obj;
      if (name === 'setDelegate') {
        obj.delegate = args[0];
        return null;
      }
      if (name === 'getDelegate') return obj.delegate ?? null;
      if (name === 'setResolveStrategy' && obj instanceof ClosureValue) {
        obj.resolveStrategy = N.toInt(args[0] as N.GNumberLike);
        return null;
      }
      if (name === 'getMaximumNumberOfParameters') return obj.arity;
    }
    if (obj instanceof GMap && !['each', 'collect', 'find', 'findAll'].includes(name)) {
      const v = obj.get(name);
      if (isCallable(v) && !['get', 'put', 'containsKey', 'size', 'remove', 'keySet', 'values', 'isEmpty'].includes(name)) {
        return this.invokeCallable(v, args);
      }
    }
    if (obj instanceof GException && name === 'initCause') {
      obj.cause = args[0] as GException;
      return obj;
    }
    const r = G.invokeBuiltin(this.rt, obj, name, args);
    if (r !== NO_METHOD) return r;
    if (name === 'asType' && args[0] instanceof GClassRef) return this.asType(obj, { kind: 'TypeRef', name: args[0].name, nameRange: { start: 0, end: 0 }, arrayDimensions: 0, range: { start: 0, end: 0 } });
    if (name === 'getClass' || name === 'class') return new GClassRef(O.className(obj));
    if (['execute', 'getMetaClass', 'invokeMethod', 'setMetaClass', 'getProperties', 'respondsTo', 'hasProperty', 'dump', 'wait', 'notify'].includes(name)) {
      throw unsupported(`${O.simpleName(O.className(obj))}.${name}()`);
    }
    if (isBuiltinValue(obj)) {
      // A JDK/GDK type: Groovy may well have this method; Test Run does not, so it says so instead of guessing.
      throw new UnknownBuiltinMethod(`not supported in Test Run: ${O.simpleName(O.className(obj)).replace(/^\[L(.*);$/, '$1[]')}.${name}()`);
    }
    throw groovyError(
      MISSING_METHOD,
      `No signature of method: ${O.className(obj)}.${name}() is applicable for argument types: (${args.map((a) => O.simpleName(O.className(a))).join(', ')}) values: [${args.map((a) => O.toGroovyString(a)).join(', ')}]`,
    );
  }

  private tryHostProperty(obj: HostObject, name: string): Value | undefined {
    try {
      return obj.getProperty(name);
    } catch {
      return undefined;
    }
  }

  private invokeStatic(cls: GClassRef, name: string, args: Value[]): Value {
    const info = this.classes.get(cls.name);
    if (info) {
      const m = this.findMethod(info, name, args.length);
      if (m) return this.invokeMethodDecl(m.m, m.info, null, args);
      if (info.enumConstants) {
        this.ensureStatics(info);
        const constants = info.enumConstants.map((c) => info.statics.get(c.name.name) as Value);
        if (name === 'values' && args.length === 0) return markArray(constants);
        if (name === 'valueOf' && args.length === 1) {
          const found = constants.find((c) => enumMeta(c)?.enumName === O.toGroovyString(args[0]));
          if (found === undefined) throw groovyError(ILLEGAL_ARGUMENT, `No enum constant ${info.name}.${O.toGroovyString(args[0])}`);
          return found;
        }
      }
      throw groovyError(MISSING_METHOD, `No signature of method: static ${info.name}.${name}() is applicable for argument types: (${args.map((a) => O.simpleName(O.className(a))).join(', ')})`);
    }
    const c = O.simpleName(cls.name);
    if (c === 'JsonOutput') {
      if (name === 'toJson') return toJson(args[0]);
      if (name === 'prettyPrint') return prettyPrint(O.str(args[0]));
    }
    const r = G.invokeStatic(this.rt, cls.name, name, args);
    if (r !== NO_METHOD) return r;
    if (name === 'getName') return G.javaClassName(cls.name);
    if (name === 'getSimpleName') return c;
    if (name === 'isInstance') return O.instanceOf(args[0], cls);
    throw unsupported(`${c}.${name}()`);
  }

  private pickOverload(list: A.MethodDeclaration[] | undefined, n: number): A.MethodDeclaration | null {
    if (!list) return null;
    for (const m of list) if (m.parameters.length === n && !m.parameters.some((p) => p.varargs)) return m;
    for (const m of list) {
      const required = m.parameters.filter((p) => !p.defaultValue && !p.varargs).length;
      const hasVar = m.parameters.some((p) => p.varargs);
      if (n >= required && (n <= m.parameters.length || hasVar)) return m;
    }
    return null;
  }

  private findMethod(info: ClassInfo, name: string, n: number): { m: A.MethodDeclaration; info: ClassInfo } | null {
    for (let c: ClassInfo | null = info; c; c = c.superInfo) {
      const m = this.pickOverload(c.methods.get(name), n);
      if (m) return { m, info: c };
    }
    return null;
  }

  private bindParams(params: A.Parameter[], args: Value[], scope: Scope, frame: Frame, what: string): void {
    const n = args.length;
    const required = params.filter((p) => !p.defaultValue && !p.varargs).length;
    const optional = params.filter((p) => p.defaultValue).length;
    let extra = n - required; // how many defaults get real args
    let ai = 0;
    for (const p of params) {
      let v: Value;
      if (p.varargs) {
        v = markArray(args.slice(ai));
        ai = n;
      } else if (p.defaultValue) {
        if (extra > 0 && ai < n) {
          v = args[ai++];
          extra--;
        } else v = this.eval(p.defaultValue, { ...frame, scope });
      } else {
        if (ai >= n) throw groovyError(MISSING_METHOD, `No signature of method: ${what} is applicable for ${n} arguments`);
        v = args[ai++];
      }
      scope.vars.set(p.name.name, p.type ? this.coerceDeclared(p.type, v) : v);
    }
    void optional;
    if (ai < n) throw groovyError(MISSING_METHOD, `No signature of method: ${what} is applicable for ${n} arguments`);
  }

  invokeMethodDecl(m: A.MethodDeclaration, info: ClassInfo | null, self: GObject | null, args: Value[]): Value {
    if (!m.body) throw unsupported(`abstract method ${m.name.name}`);
    this.budget.enter();
    try {
      const scope = new Scope(null);
      const frame: Frame = { scope, self: this.isStatic(m) ? null : self, cls: info, closure: null };
      this.bindParams(m.parameters, args, scope, frame, `${info ? info.name : SCRIPT_CLASS}.${m.name.name}()`);
      let result: Value;
      try {
        result = this.execBlock(m.body.body, frame, false);
        const last = m.body.body[m.body.body.length - 1];
        if (!last || last.kind !== 'ExpressionStatement') {
          if (!last || !['IfStatement', 'TryStatement', 'SwitchStatement', 'BlockStatement'].includes(last.kind)) result = null;
        }
      } catch (e) {
        if (e instanceof ReturnSignal) result = e.value;
        else throw e;
      }
      if (m.returnType && m.returnType.name === 'void') return null;
      return m.returnType ? this.coerceDeclared(m.returnType, result) : result;
    } finally {
      this.budget.leave();
    }
  }

  /** Calls a closure (or other callable) with Groovy's argument adaptation. */
  invokeCallable(c: Callable, args: Value[]): Value {
    return c.call(args);
  }

  callClosure(c: ClosureValue, args: Value[]): Value {
    this.budget.tick();
    this.budget.enter();
    try {
      const scope = new Scope(c.frame.scope);
      const frame: Frame = { scope, self: c.frame.self, cls: c.frame.cls, closure: c };
      const node = c.node;
      if (c.implicitIt) {
        if (args.length > 1) {
          throw groovyError(MISSING_METHOD, `No signature of method: closure.call() is applicable for ${args.length} arguments (the closure takes one: it)`);
        }
        scope.vars.set('it', args.length ? args[0] : null);
      } else {
        const params = node.parameters ?? [];
        let a = args;
        if (params.length > 1 && args.length === 1 && (Array.isArray(args[0]) || args[0] instanceof GRange)) a = O.toList(args[0]);
        if (params.length === 1 && args.length === 0 && !params[0].defaultValue) a = [null];
        this.bindParams(params, a, scope, frame, 'closure.call()');
      }
      try {
        if (node.kind === 'LambdaExpression') {
          if (node.body.kind === 'BlockStatement') return this.execBlock(node.body.body, frame, false);
          return this.eval(node.body, frame);
        }
        return this.closureBody(node.body, frame);
      } catch (e) {
        if (e instanceof ReturnSignal) return e.value;
        throw e;
      }
    } finally {
      this.budget.leave();
    }
  }

  private closureBody(body: A.Statement[], frame: Frame): Value {
    let last: Value = null;
    for (let i = 0; i < body.length; i++) {
      const st = body[i];
      last = this.exec(st, frame);
      if (st.kind !== 'ExpressionStatement' && i === body.length - 1 && !['IfStatement', 'TryStatement', 'SwitchStatement', 'BlockStatement'].includes(st.kind)) last = null;
    }
    return last;
  }

  // ---------------------------------------------------------------- objects

  private newExpr(e: A.NewExpression, frame: Frame): Value {
    if (e.body) throw unsupported('anonymous classes');
    const tname = e.type.name;
    if (e.arrayDimensions || e.arrayInitializer) {
      if (e.arrayInitializer) return markArray(e.arrayInitializer.map((x) => this.eval(x, frame)));
      const size = e.arrayDimensions?.[0] ? N.toInt(this.eval(e.arrayDimensions[0], frame) as N.GNumberLike) : 0;
      this.budget.collection(size);
      return markArray(new Array(size).fill(this.defaultFor({ ...e.type, arrayDimensions: 0 })));
    }
    const args = this.evalArgs(e.args, [], frame);
    const info = this.classes.get(tname);
    if (info) return this.construct(info, args);
    const simple = O.simpleName(tname);
    const ex = O.exceptionClassName(simple);
    if (ex) {
      const a0 = args[0];
      if (a0 instanceof GException) {
        const x = new GException(ex, a0.toString());
        x.cause = a0;
        return x;
      }
      const x = new GException(ex, a0 === undefined || a0 === null ? null : O.toGroovyString(a0));
      if (args[1] instanceof GException) x.cause = args[1];
      return x;
    }
    switch (simple) {
      case 'ArrayList':
      case 'LinkedList':
      case 'Vector':
        return args.length && !isNumber(args[0]) ? [...O.toList(args[0])] : [];
      case 'HashSet':
        return args.length && !isNumber(args[0]) ? G.hashSetOrder(O.toList(args[0])) : [];
      case 'LinkedHashSet':
        return args.length && !isNumber(args[0]) ? (G.listMethod(this.rt, O.toList(args[0]), 'toUnique', []) as Value) : [];
      case 'HashMap':
      case 'LinkedHashMap':
        return args.length && args[0] instanceof GMap ? args[0].copy() : new GMap();
      case 'Object':
        return new GObject(new GClassRef('java.lang.Object'));
      case 'StringBuilder':
      case 'StringBuffer':
        return new StringBuilderValue(args.length && !isNumber(args[0]) ? O.toGroovyString(args[0]) : '', this.budget);
      case 'JsonSlurper':
        return new JsonSlurperValue();
      case 'String':
        return args.length ? O.toGroovyString(args[0]) : '';
      case 'BigDecimal':
        if (typeof args[0] === 'string' || args[0] instanceof GStringValue) return N.parseBigDecimal(O.str(args[0]));
        if (isNumber(args[0])) return args[0] instanceof JDouble ? N.parseBigDecimal(exactDouble(args[0].v)) : N.toBigDecimal(args[0]);
        break;
      case 'BigInteger':
        return N.parseIntegerStrict(O.str(args[0]), 'bigint');
      case 'Integer':
        return isNumber(args[0]) ? N.toInt(args[0]) : N.parseIntegerStrict(O.str(args[0]), 'int');
      case 'Long':
        return isNumber(args[0]) ? new JLong(N.toLongBig(args[0])) : N.parseIntegerStrict(O.str(args[0]), 'long');
      case 'Date':
      case 'SimpleDateFormat':
      case 'Random':
        throw unsupported(`new ${simple}() (dates and random numbers are not reproducible in a test run)`);
    }
    if (FORBIDDEN[simple]) throw unsupported(`${simple} (${FORBIDDEN[simple]})`);
    throw unsupported(`new ${tname}()`);
  }

  private ensureStatics(info: ClassInfo): void {
    if ((info as { staticsReady?: boolean }).staticsReady) return;
    (info as { staticsReady?: boolean }).staticsReady = true;
    const frame: Frame = { scope: new Scope(null), self: null, cls: info, closure: null };
    (info.enumConstants ?? []).forEach((c, i) => {
      const obj = this.newInstance(info, (o) => Object.assign(o, { enumName: c.name.name, enumOrdinal: i } satisfies EnumMeta));
      this.runCtor(info, obj, this.evalArgs(c.args, [], frame));
      info.statics.set(c.name.name, obj);
    });
    for (const f of info.fields) {
      if (!f.modifiers.some((m) => m.name === 'static')) continue;
      for (const d of f.declarators) info.statics.set(d.name.name, d.init ? this.coerceMaybe(f.type, this.eval(d.init, frame)) : this.defaultFor(f.type));
    }
    for (const b of info.inits) if (b.static) this.execBlock(b.body.body, frame);
  }

  /** A new instance with its fields initialised and instance initializer blocks run, superclass first (no constructor yet). */
  private newInstance(info: ClassInfo, before?: (obj: GObject) => void): GObject {
    const obj = new GObject(info.ref);
    before?.(obj);
    const chain: ClassInfo[] = [];
    for (let c: ClassInfo | null = info; c; c = c.superInfo) chain.unshift(c);
    for (const c of chain) {
      const frame: Frame = { scope: new Scope(null), self: obj, cls: c, closure: null };
      for (const f of c.fields) {
        if (f.modifiers.some((m) => m.name === 'static')) continue;
        for (const d of f.declarators) obj.fields.set(d.name.name, d.init ? this.coerceMaybe(f.type, this.eval(d.init, frame)) : this.defaultFor(f.type));
      }
      for (const b of c.inits) if (!b.static) this.execBlock(b.body.body, frame);
    }
    this.attachHooks(obj, info);
    return obj;
  }

  construct(info: ClassInfo, args: Value[]): Value {
    const exBase = this.exceptionBaseOf(info);
    if (exBase) {
      // a script exception class: an exception value whose class is the script's class
      const x = new GException(info.name, null);
      const ctor = info.ctors.length ? this.pickOverload(info.ctors, args.length) : null;
      if (ctor) {
        const body = ctor.body?.body ?? [];
        const first = body[0];
        const scope = new Scope(null);
        const frame: Frame = { scope, self: null, cls: info, closure: null };
        this.bindParams(ctor.parameters, args, scope, frame, `${info.name}()`);
        if (first && first.kind === 'ExpressionStatement' && first.expression.kind === 'CallExpression' && first.expression.callee.kind === 'SuperExpression') {
          const sargs = this.evalArgs(first.expression.args, [], frame);
          (x as { message: string | null }).message = sargs[0] === undefined || sargs[0] === null ? null : O.toGroovyString(sargs[0]);
        }
      } else if (args.length) (x as { message: string | null }).message = O.toGroovyString(args[0]);
      return x;
    }
    if (info.enumConstants) throw groovyError('groovy.lang.GroovyRuntimeException', `Cannot create a new instance of enum ${info.name}`);
    this.ensureStatics(info);
    const obj = this.newInstance(info);
    this.runCtor(info, obj, args);
    return obj;
  }

  private runCtor(info: ClassInfo, obj: GObject, args: Value[]): void {
    if (info.ctors.length === 0) {
      if (args.length === 0) return;
      if (args.length === 1 && args[0] instanceof GMap) {
        for (const [k, v] of args[0].entries()) this.setProperty(obj, O.toGroovyString(k), v);
        return;
      }
      throw groovyError('groovy.lang.GroovyRuntimeException', `Could not find matching constructor for: ${info.name}(${args.map((a) => O.simpleName(O.className(a))).join(', ')})`);
    }
    const ctor = this.pickOverload(info.ctors, args.length);
    if (!ctor) {
      if (args.length === 1 && args[0] instanceof GMap && this.pickOverload(info.ctors, 0)) {
        this.runCtor(info, obj, []);
        for (const [k, v] of args[0].entries()) this.setProperty(obj, O.toGroovyString(k), v);
        return;
      }
      throw groovyError('groovy.lang.GroovyRuntimeException', `Could not find matching constructor for: ${info.name}(${args.map((a) => O.simpleName(O.className(a))).join(', ')})`);
    }
    this.invokeMethodDecl(ctor, info, obj, args);
  }

  private attachHooks(obj: GObject, info: ClassInfo): void {
    const ts = this.findMethod(info, 'toString', 0);
    if (ts) (obj as unknown as { toStringHook: () => string }).toStringHook = () => O.toGroovyString(this.invokeMethodDecl(ts.m, ts.info, obj, []));
    else if (info.enumConstants) (obj as unknown as { toStringHook: () => string }).toStringHook = () => enumMeta(obj)?.enumName ?? info.name;
    const eq = this.findMethod(info, 'equals', 1);
    if (eq) (obj as unknown as { equalsHook: (o: Value) => boolean }).equalsHook = (o) => O.truthy(this.invokeMethodDecl(eq.m, eq.info, obj, [o]));
    const ct = this.findMethod(info, 'compareTo', 1);
    if (ct) (obj as unknown as { compareHook: (o: Value) => number }).compareHook = (o) => N.toInt(this.invokeMethodDecl(ct.m, ct.info, obj, [o]) as N.GNumberLike);
  }
}

/** A method Test Run does not implement on a JDK/GDK value (uncatchable, like every "not supported"). */
class UnknownBuiltinMethod extends ScriptStop {}

function isBuiltinValue(v: Value): boolean {
  return (
    typeof v === 'string' ||
    typeof v === 'boolean' ||
    isNumber(v) ||
    Array.isArray(v) ||
    v instanceof GStringValue ||
    v instanceof GMap ||
    v instanceof GRange ||
    v instanceof JChar ||
    v instanceof GMapEntry ||
    v instanceof GException ||
    v instanceof JMatcher ||
    v instanceof JPattern ||
    v instanceof GClassRef
  );
}

/** `this` in the script body. */
const SCRIPT_THIS: Value = Object.freeze({ scriptThis: true });

/** new BigDecimal(double): the exact binary value of the double. */
function exactDouble(d: number): string {
  if (!Number.isFinite(d)) throw groovyError(NUMBER_FORMAT, 'Infinite or NaN');
  if (Number.isInteger(d)) return BigInt(d).toString();
  // d = m × 2^e exactly; print m × 5^-e / 10^-e
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, d);
  const bits = buf.getBigUint64(0);
  const sign = bits >> 63n ? '-' : '';
  const exp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let e: number;
  if (exp === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = exp - 1075;
  }
  if (e >= 0) return sign + (mant << BigInt(e)).toString();
  const digits = (mant * 5n ** BigInt(-e)).toString().padStart(-e + 1, '0');
  const intPart = digits.slice(0, digits.length + e);
  const frac = digits.slice(digits.length + e).replace(/0+$/, '');
  return `${sign}${intPart || '0'}${frac ? '.' + frac : ''}`;
}

export { ClosureValue, SCRIPT_THIS };
