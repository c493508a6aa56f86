// One pass over a parsed sync script: scopes (Groovy script rules), light type inference over the Exalate script
// model, and the checks (unknown members with "did you mean", helper calls, direction, read-only fields, undefined
// variables, unreachable code). Completion, hover, definition and signature help read what the pass records.
// Pure: no `vscode`, no Node built-ins.
import {
  forEachChild,
  type AssignmentExpression,
  type CallExpression,
  type ClassDeclaration,
  type ClosureExpression,
  type Expression,
  type Identifier,
  type MethodDeclaration,
  type Name,
  type Node,
  type PropertyExpression,
  type Range as OffsetRange,
  type Script,
  type Statement,
} from '../ast';
import { adoModel, arity, type FieldModel, type MemberMatch, type MethodModel, type ScriptDirection, type ScriptModelIndex, type TypeModel, type TypeRef } from '../model';
import { LIST_METHODS, MAP_METHODS, OBJECT_MEMBERS, STRING_METHODS, type GdkMethod } from './gdk';
import type { DiagnosticCode, Severity } from './protocol';
import { closest } from './suggest';

export interface RawDiagnostic {
  start: number;
  end: number;
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  suggestion?: string;
  unnecessary?: boolean;
}

export type SymbolKind = 'local' | 'parameter' | 'binding' | 'method' | 'class' | 'model' | 'implicit' | 'import';

export interface SymbolInfo {
  name: string;
  kind: SymbolKind;
  /** Where the name is declared (offsets), when it is declared in the script. */
  nameRange?: OffsetRange;
  type?: TypeRef;
  /** The declaring node (a MethodDeclaration for methods). */
  node?: Node;
}

export interface ScopeRecord {
  start: number;
  end: number;
  kind: 'script' | 'method' | 'closure' | 'block' | 'class';
  parent?: ScopeRecord;
  /** Declarations in order; each is visible from `visibleFrom` on. */
  vars: Array<{ symbol: SymbolInfo; visibleFrom: number }>;
}

/** What a member name (`x.name`, `x."Name"`) refers to. */
export interface MemberInfo {
  owner: TypeModel;
  match?: MemberMatch;
  /** A quoted Azure DevOps reference name on a work item or replica. */
  quoted?: string;
}

export interface Analysis {
  diagnostics: RawDiagnostic[];
  /** Inferred types of expressions (only where known). */
  types: Map<Node, TypeRef>;
  /** Identifier → what it refers to. */
  resolutions: Map<Identifier, SymbolInfo>;
  /** Property name node (Name / StringLiteral of a PropertyExpression) → member. */
  members: Map<Node, MemberInfo>;
  /** Script-level methods by name. */
  methods: Map<string, MethodDeclaration[]>;
  bindings: Map<string, SymbolInfo>;
  scopes: ScopeRecord[];
  direction: ScriptDirection | undefined;
  model: ScriptModelIndex;
}

/** Names every script can use without declaring them. */
const SCRIPT_GLOBALS = new Set(['this', 'super', 'args', 'binding', 'out', 'metaClass', 'context']);
const CLOSURE_IMPLICITS = new Set(['owner', 'delegate', 'thisObject']);
const TERMINATORS = new Set(['ReturnStatement', 'ThrowStatement', 'BreakStatement', 'ContinueStatement']);

/** Names of the helper types of a model (nodeHelper's NodeHelper, …). */
const HELPER_TYPES = new WeakMap<ScriptModelIndex, Set<string>>();
function helperTypes(model: ScriptModelIndex): Set<string> {
  let set = HELPER_TYPES.get(model);
  if (!set) {
    set = new Set(model.model.variables.filter((v) => v.kind === 'helper').map((v) => v.type));
    HELPER_TYPES.set(model, set);
  }
  return set;
}

const LIST_BY_NAME = new Map(LIST_METHODS.map((m) => [m.name, m]));
const STRING_BY_NAME = new Map(STRING_METHODS.map((m) => [m.name, m]));
const MAP_BY_NAME = new Map(MAP_METHODS.map((m) => [m.name, m]));

export function analyze(ast: Script, direction: ScriptDirection | undefined, model: ScriptModelIndex = adoModel): Analysis {
  return new Analyzer(ast, direction, model).run();
}

class Scope {
  readonly vars = new Map<string, SymbolInfo>();
  readonly record: ScopeRecord;
  constructor(
    readonly kind: ScopeRecord['kind'],
    readonly parent: Scope | undefined,
    range: OffsetRange,
    records: ScopeRecord[],
    /** Unknown names are not reported here (class bodies, closures with a delegate). */
    readonly lenient = false,
  ) {
    this.record = { start: range.start, end: range.end, kind, parent: parent?.record, vars: [] };
    records.push(this.record);
  }
  declare(symbol: SymbolInfo, visibleFrom: number): void {
    this.vars.set(symbol.name, symbol);
    this.record.vars.push({ symbol, visibleFrom });
  }
  get isLenient(): boolean {
    return this.lenient || (this.parent?.isLenient ?? false);
  }
}

class Analyzer {
  private readonly diagnostics: RawDiagnostic[] = [];
  private readonly types = new Map<Node, TypeRef>();
  private readonly resolutions = new Map<Identifier, SymbolInfo>();
  private readonly members = new Map<Node, MemberInfo>();
  private readonly methods = new Map<string, MethodDeclaration[]>();
  private readonly classes = new Map<string, ClassDeclaration>();
  private readonly imports = new Map<string, SymbolInfo>();
  private readonly bindings = new Map<string, SymbolInfo>();
  private readonly scopes: ScopeRecord[] = [];

  constructor(
    private readonly ast: Script,
    private readonly direction: ScriptDirection | undefined,
    private readonly model: ScriptModelIndex,
  ) {}

  run(): Analysis {
    this.collectDeclarations(this.ast);
    const script = new Scope('script', undefined, this.ast.range, this.scopes);
    this.statements(this.ast.body, script, true);
    return {
      diagnostics: this.diagnostics,
      types: this.types,
      resolutions: this.resolutions,
      members: this.members,
      methods: this.methods,
      bindings: this.bindings,
      scopes: this.scopes,
      direction: this.direction,
      model: this.model,
    };
  }

  private report(range: OffsetRange, severity: Severity, code: DiagnosticCode, message: string, extra: Partial<RawDiagnostic> = {}): void {
    this.diagnostics.push({ start: range.start, end: range.end, severity, code, message, ...extra });
  }

  // ---- pre-pass: methods, classes, imports, binding variables ------------------------------------------------------

  private collectDeclarations(script: Script): void {
    for (const s of script.body) {
      if (s.kind === 'MethodDeclaration') {
        const list = this.methods.get(s.name.name) ?? [];
        list.push(s);
        this.methods.set(s.name.name, list);
      } else if (s.kind === 'ImportDeclaration' && !s.star) {
        const name = s.alias?.name ?? s.path.slice(s.path.lastIndexOf('.') + 1);
        this.imports.set(name, { name, kind: 'import', nameRange: s.alias?.range ?? s.pathRange });
      }
    }
    const visit = (node: Node): void => {
      if (node.kind === 'ClassDeclaration') {
        this.classes.set(node.name.name, node);
        return; // class bodies follow Java rules, not script binding rules
      }
      if (node.kind === 'AssignmentExpression') {
        const targets = node.target.kind === 'ListExpression' ? node.target.elements : [node.target];
        for (const t of targets) {
          if (t.kind === 'Identifier' && !this.bindings.has(t.name)) this.bindings.set(t.name, { name: t.name, kind: 'binding', nameRange: t.range });
        }
      }
      forEachChild(node, (c) => {
        visit(c);
      });
    };
    visit(script);
  }

  // ---- statements --------------------------------------------------------------------------------------------------

  private statements(list: readonly Statement[], scope: Scope, scriptLevel = false): void {
    let deadFrom: number | undefined;
    for (let i = 0; i < list.length; i++) {
      const s = list[i];
      if (deadFrom === undefined && i > 0 && TERMINATORS.has(list[i - 1].kind)) deadFrom = i;
      this.statement(s, scope);
    }
    if (deadFrom !== undefined) {
      // Script-level methods and classes are hoisted; they are not dead after a top-level `return`.
      const dead = list.slice(deadFrom).filter((s) => s.kind !== 'EmptyStatement' && !(scriptLevel && (s.kind === 'MethodDeclaration' || s.kind === 'ClassDeclaration' || s.kind === 'ImportDeclaration')));
      if (dead.length > 0) {
        const what = list[deadFrom - 1].kind.replace('Statement', '').toLowerCase();
        this.report({ start: dead[0].range.start, end: dead[dead.length - 1].range.end }, 'info', 'unreachable', `Unreachable code: it comes after \`${what}\`.`, { unnecessary: true });
      }
    }
  }

  private block(list: readonly Statement[], scope: Scope, range: OffsetRange): void {
    this.statements(list, new Scope('block', scope, range, this.scopes));
  }

  private statement(s: Statement, scope: Scope): void {
    switch (s.kind) {
      case 'ExpressionStatement':
        this.expr(s.expression, scope);
        return;
      case 'VariableDeclaration': {
        const declaredType = s.type ? this.typeFromSource(s.type.name, s.type.typeArguments?.map((a) => a.name)) : undefined;
        if (s.tuple?.init) this.expr(s.tuple.init, scope);
        for (const d of s.declarators) {
          const inferred = d.init ? this.expr(d.init, scope) : undefined;
          scope.declare({ name: d.name.name, kind: 'local', nameRange: d.name.range, type: declaredType ?? inferred, node: d }, d.range.end);
        }
        return;
      }
      case 'MethodDeclaration':
        this.method(s, scope);
        return;
      case 'ClassDeclaration':
        this.classDecl(s, scope);
        return;
      case 'ImportDeclaration':
      case 'PackageDeclaration':
      case 'EmptyStatement':
        return;
      case 'BlockStatement':
        this.block(s.body, scope, s.range);
        return;
      case 'IfStatement':
        this.expr(s.test, scope);
        this.nested(s.consequent, scope);
        if (s.alternate) this.nested(s.alternate, scope);
        return;
      case 'WhileStatement':
        this.expr(s.test, scope);
        this.nested(s.body, scope);
        return;
      case 'DoWhileStatement':
        this.nested(s.body, scope);
        this.expr(s.test, scope);
        return;
      case 'ForInStatement': {
        const iterable = this.expr(s.iterable, scope);
        const inner = new Scope('block', scope, s.range, this.scopes);
        const v = s.variable;
        inner.declare({ name: v.name.name, kind: 'local', nameRange: v.name.range, type: v.type ? undefined : this.model.elementType(iterable), node: v }, v.range.end);
        this.nested(s.body, inner);
        return;
      }
      case 'ForStatement': {
        const inner = new Scope('block', scope, s.range, this.scopes);
        if (Array.isArray(s.init)) s.init.forEach((e) => this.expr(e, inner));
        else if (s.init) this.statement(s.init, inner);
        if (s.test) this.expr(s.test, inner);
        s.update.forEach((e) => this.expr(e, inner));
        this.nested(s.body, inner);
        return;
      }
      case 'SwitchStatement':
        this.expr(s.discriminant, scope);
        for (const c of s.cases) {
          for (const l of c.labels) if (l.test) this.expr(l.test, scope);
          this.block(c.body, scope, c.range);
        }
        return;
      case 'TryStatement': {
        const inner = new Scope('block', scope, s.range, this.scopes);
        for (const r of s.resources) {
          if (r.kind === 'VariableDeclaration') this.statement(r, inner);
          else this.expr(r, inner);
        }
        this.block(s.block.body, inner, s.block.range);
        for (const h of s.handlers) {
          const hs = new Scope('block', scope, h.range, this.scopes);
          hs.declare({ name: h.param.name, kind: 'local', nameRange: h.param.range, node: h }, h.param.range.end);
          this.block(h.body.body, hs, h.body.range);
        }
        if (s.finalizer) this.block(s.finalizer.body, scope, s.finalizer.range);
        return;
      }
      case 'ThrowStatement':
        this.expr(s.argument, scope);
        return;
      case 'ReturnStatement':
        if (s.argument) this.expr(s.argument, scope);
        return;
      case 'BreakStatement':
      case 'ContinueStatement':
        return;
      case 'LabeledStatement':
        this.statement(s.body, scope);
        return;
      case 'AssertStatement':
        this.expr(s.test, scope);
        if (s.message) this.expr(s.message, scope);
        return;
    }
  }

  /** A statement in its own block scope (the body of an `if`, a loop). */
  private nested(s: Statement, scope: Scope): void {
    if (s.kind === 'BlockStatement') this.block(s.body, scope, s.range);
    else this.statements([s], new Scope('block', scope, s.range, this.scopes));
  }

  private method(m: MethodDeclaration, scope: Scope, lenient = false): void {
    const ms = new Scope('method', scope, m.range, this.scopes, lenient);
    for (const p of m.parameters) {
      if (p.defaultValue) this.expr(p.defaultValue, ms);
      ms.declare({ name: p.name.name, kind: 'parameter', nameRange: p.name.range, node: p, type: p.type ? this.typeFromSource(p.type.name) : undefined }, p.range.end);
    }
    if (m.body) this.statements(m.body.body, ms);
  }

  private classDecl(c: ClassDeclaration, scope: Scope): void {
    const cs = new Scope('class', scope, c.range, this.scopes, true);
    for (const member of c.members) {
      if (member.kind === 'VariableDeclaration') {
        for (const d of member.declarators) cs.declare({ name: d.name.name, kind: 'local', nameRange: d.name.range, node: d }, c.range.start);
      } else if (member.kind === 'MethodDeclaration') {
        cs.declare({ name: member.name.name, kind: 'method', nameRange: member.name.range, node: member }, c.range.start);
      }
    }
    for (const p of c.recordComponents ?? []) cs.declare({ name: p.name.name, kind: 'local', nameRange: p.name.range, node: p }, c.range.start);
    for (const member of c.members) {
      if (member.kind === 'VariableDeclaration') {
        for (const d of member.declarators) if (d.init) this.expr(d.init, cs);
      } else if (member.kind === 'MethodDeclaration') this.method(member, cs, true);
      else if (member.kind === 'ClassDeclaration') this.classDecl(member, cs);
      else if (member.kind === 'InitializerBlock') this.block(member.body.body, cs, member.range);
    }
  }

  // ---- names ---------------------------------------------------------------------------------------------------------

  /** Resolves `name` as seen from `scope` at `offset`; `hidden` is set when a script-level local is not visible from a method. */
  private resolve(name: string, scope: Scope): { symbol?: SymbolInfo; hiddenLocal?: SymbolInfo } {
    let crossedMethod = false;
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const v = s.vars.get(name);
      if (v) {
        if (crossedMethod && s.kind !== 'class' && v.kind === 'local' && s.kind !== 'method') return { hiddenLocal: v };
        return { symbol: v };
      }
      if (s.kind === 'closure' && CLOSURE_IMPLICITS.has(name)) return { symbol: { name, kind: 'implicit' } };
      if (s.kind === 'method') crossedMethod = true;
    }
    const method = this.methods.get(name);
    if (method) return { symbol: { name, kind: 'method', nameRange: method[0].name.range, node: method[0] } };
    const binding = this.bindings.get(name);
    if (binding) return { symbol: binding };
    const v = this.model.variable(name);
    if (v) return { symbol: { name, kind: 'model', type: v.type } };
    const cls = this.classes.get(name);
    if (cls) return { symbol: { name, kind: 'class', nameRange: cls.name.range, node: cls } };
    const imp = this.imports.get(name);
    if (imp) return { symbol: imp };
    return {};
  }

  private identifier(id: Identifier, scope: Scope): TypeRef | undefined {
    const { symbol, hiddenLocal } = this.resolve(id.name, scope);
    if (hiddenLocal) {
      this.report(id.range, 'warning', 'local-not-visible', `\`${id.name}\` is declared with \`def\` (or a type) in the script body, so methods cannot see it: it fails with MissingPropertyException when the method runs. Drop the \`def\` to make it a script binding, or pass it as a parameter.`);
      this.resolutions.set(id, hiddenLocal);
      return hiddenLocal.type;
    }
    if (symbol) {
      this.resolutions.set(id, symbol);
      if (symbol.kind === 'model') {
        const v = this.model.variable(id.name)!;
        if (this.direction && !v.directions.includes(this.direction)) {
          this.report(id.range, 'error', 'wrong-direction', `\`${id.name}\` exists only in ${v.directions.join(' and ')} scripts; this is an ${this.direction} script.`);
        }
      }
      return symbol.type;
    }
    if (SCRIPT_GLOBALS.has(id.name) || /^[A-Z_$]/.test(id.name) || scope.isLenient) return undefined;
    const visible = this.visibleNames(scope);
    const suggestion = closest(id.name, visible);
    this.report(
      id.range,
      'warning',
      'undefined-variable',
      `\`${id.name}\` is never defined in this script${suggestion ? `. Did you mean \`${suggestion}\`?` : '.'}`,
      suggestion ? { suggestion } : {},
    );
    return undefined;
  }

  private visibleNames(scope: Scope): string[] {
    const names: string[] = [];
    for (let s: Scope | undefined = scope; s; s = s.parent) names.push(...s.vars.keys());
    names.push(...this.methods.keys(), ...this.bindings.keys(), ...this.model.variablesFor(this.direction).map((v) => v.name));
    return names;
  }

  // ---- expressions ---------------------------------------------------------------------------------------------------

  private expr(e: Expression, scope: Scope): TypeRef | undefined {
    const t = this.exprInner(e, scope);
    if (t !== undefined) this.types.set(e, t);
    return t;
  }

  private exprInner(e: Expression, scope: Scope): TypeRef | undefined {
    switch (e.kind) {
      case 'Identifier':
        return this.identifier(e, scope);
      case 'PropertyExpression':
        return this.property(e, scope, false);
      case 'CallExpression':
        return this.call(e, scope);
      case 'AssignmentExpression':
        return this.assignment(e, scope);
      case 'ClosureExpression':
        this.closure(e, scope, [], true);
        return 'Closure';
      case 'IndexExpression': {
        const o = this.expr(e.object, scope);
        for (const i of e.indices) this.expr(i, scope);
        const element = this.model.elementType(o);
        if (element && e.indices.length === 1 && e.indices[0].kind !== 'RangeExpression') return element;
        return undefined;
      }
      case 'ElvisExpression': {
        const l = this.expr(e.left, scope);
        const r = this.expr(e.right, scope);
        return l === r ? l : undefined;
      }
      case 'TernaryExpression': {
        this.expr(e.test, scope);
        const a = this.expr(e.consequent, scope);
        const b = this.expr(e.alternate, scope);
        return a === b ? a : undefined;
      }
      case 'ParenthesizedExpression':
        return this.expr(e.expression, scope);
      case 'StringLiteral':
      case 'GStringLiteral':
        if (e.kind === 'GStringLiteral') for (const p of e.parts) if (p.kind === 'GStringExpression' && p.expression) this.expr(p.expression, scope);
        return 'String';
      case 'BooleanLiteral':
        return 'Boolean';
      case 'InstanceofExpression':
        this.expr(e.expression, scope);
        return 'Boolean';
      case 'CastExpression':
        this.expr(e.expression, scope);
        return undefined;
      case 'UnaryExpression':
        this.expr(e.argument, scope);
        return e.operator === '!' ? 'Boolean' : undefined;
      case 'BinaryExpression': {
        this.expr(e.left, scope);
        this.expr(e.right, scope);
        return ['==', '!=', '<', '<=', '>', '>=', '&&', '||', 'in', '!in', '==~', '===', '!=='].includes(e.operator) ? 'Boolean' : undefined;
      }
      case 'LambdaExpression': {
        const ls = new Scope('closure', scope, e.range, this.scopes, true);
        for (const p of e.parameters) ls.declare({ name: p.name.name, kind: 'parameter', nameRange: p.name.range, node: p }, p.range.end);
        if (e.body.kind === 'BlockStatement') this.statements(e.body.body, ls);
        else this.expr(e.body, ls);
        return undefined;
      }
      case 'ListExpression':
        for (const x of e.elements) this.expr(x, scope);
        return undefined;
      case 'MapExpression':
        for (const entry of e.entries) {
          if (entry.kind === 'SpreadMapExpression') this.expr(entry.argument, scope);
          else {
            if (entry.key.kind !== 'Name') this.expr(entry.key, scope);
            this.expr(entry.value, scope);
          }
        }
        return 'Map';
      default:
        // NewExpression, UpdateExpression, RangeExpression, spreads, literals: visit children for names.
        forEachChild(e, (c) => {
          this.visitAny(c, scope);
        });
        return undefined;
    }
  }

  /** Visits a child of any kind (expressions are typed, declarations in anonymous classes are skipped). */
  private visitAny(n: Node, scope: Scope): void {
    if (isExpression(n)) this.expr(n, scope);
    else if (n.kind === 'NamedArgument') {
      if (n.name.kind !== 'Name') this.expr(n.name as Expression, scope);
      this.expr(n.value, scope);
    } else if (n.kind === 'MethodDeclaration') this.method(n, scope, true);
    else if (n.kind === 'VariableDeclaration') {
      for (const d of n.declarators) if (d.init) this.expr(d.init, scope);
    }
  }

  private closure(c: ClosureExpression, scope: Scope, paramTypes: (TypeRef | undefined)[], lenient: boolean): void {
    const cs = new Scope('closure', scope, c.range, this.scopes, lenient);
    if (c.parameters === undefined) {
      cs.declare({ name: 'it', kind: 'implicit', type: paramTypes[0] }, c.range.start);
    } else {
      c.parameters.forEach((p, i) => {
        if (p.defaultValue) this.expr(p.defaultValue, cs);
        cs.declare({ name: p.name.name, kind: 'parameter', nameRange: p.name.range, node: p, type: p.type ? this.typeFromSource(p.type.name) : paramTypes[i] }, p.range.end);
      });
    }
    this.statements(c.body, cs);
  }

  /** `a.b` / `a?.b` / `a*.b` / `a."Name"` (not called). */
  private property(e: PropertyExpression, scope: Scope, assigning: boolean): TypeRef | undefined {
    const objectType = this.expr(e.object, scope);
    const p = e.property;
    if (p.kind === 'ParenthesizedExpression') {
      this.expr(p.expression, scope);
      return undefined;
    }
    if (p.kind === 'GStringLiteral') for (const part of p.parts) if (part.kind === 'GStringExpression' && part.expression) this.expr(part.expression, scope);
    if (e.operator === '.&' || e.operator === '::') return undefined;
    const spread = e.operator === '*.' || e.operator === '*.@';
    const element = this.model.elementType(objectType);
    const ownerRef = spread ? element : objectType;
    const owner = this.model.type(ownerRef);
    if (!owner) {
      // Groovy spreads a property over a list implicitly: `workItem.labels.label`.
      if (element && p.kind === 'Name' && !p.missing && !LIST_BY_NAME.has(p.name) && !OBJECT_MEMBERS.has(p.name)) {
        const elementOwner = this.model.type(element);
        const m = elementOwner ? this.model.member(elementOwner, p.name) : undefined;
        if (elementOwner && m?.kind === 'field') {
          this.members.set(p, { owner: elementOwner, match: m });
          return `List<${m.field.type}>`;
        }
      }
      return undefined;
    }
    let type: TypeRef | undefined;
    if (p.kind === 'Name') {
      if (p.missing) return undefined;
      type = this.member(owner, p, false, undefined, assigning);
      if (type === undefined && owner.valueType && !this.model.member(owner, p.name)) type = owner.valueType;
    } else {
      // Quoted name: an Azure DevOps reference name, a custom field or custom key.
      const quoted = p.kind === 'StringLiteral' ? p.value : undefined;
      this.members.set(p, { owner, quoted });
      if (quoted !== undefined) {
        const m = this.model.member(owner, quoted);
        if (m?.kind === 'field') {
          this.members.set(p, { owner, match: m, quoted });
          type = m.field.type;
        }
      }
      type ??= owner.valueType ?? (owner.quotedAdoFields ? 'Object' : undefined);
    }
    return spread && type ? `List<${type}>` : type;
  }

  /**
   * Checks and types the member `name` of a model type. `callArgs` is the argument count for calls (undefined for a
   * property read). Returns the member's type (a call's return type).
   */
  private member(owner: TypeModel, nameNode: Name, called: boolean, callArgs: number | undefined, assigning = false): TypeRef | undefined {
    const name = nameNode.name;
    const range = nameNode.range;
    const match = this.model.member(owner, name);
    if (!match) {
      if (OBJECT_MEMBERS.has(name) || owner.members === 'open') return undefined;
      const helper = this.isHelper(owner);
      const suggestion = closest(name, this.model.memberNames(owner));
      const what = called ? 'method' : 'property';
      const message = `${owner.name} has no ${what} \`${name}\`${suggestion ? `. Did you mean \`${suggestion}\`?` : '.'}`;
      if (helper) this.report(range, 'warning', 'unknown-helper-method', message, suggestion ? { suggestion } : {});
      else this.report(range, suggestion ? 'error' : 'warning', 'unknown-member', message, suggestion ? { suggestion } : {});
      return undefined;
    }
    this.members.set(nameNode, { owner, match });
    if (match.kind === 'method') {
      const m = match.method;
      if (callArgs !== undefined) this.checkArity(m, owner, callArgs, range);
      if (this.direction && m.directions && !m.directions.includes(this.direction)) {
        this.report(range, 'warning', 'wrong-direction', `\`${name}\` is meant for ${m.directions.join(' and ')} scripts; in an ${this.direction} script it has no effect on what is synced.`);
      }
      return called ? m.returns : undefined;
    }
    const f = match.field;
    if (assigning && this.model.isReadOnly(owner, f, this.direction)) this.readOnly(owner, f, range);
    if (match.via === 'setter') {
      if (this.model.isReadOnly(owner, f, this.direction)) this.readOnly(owner, f, range);
      return undefined;
    }
    if (called && match.via === 'name') return undefined; // calling a field's value (a closure) — not modelled
    return f.type;
  }

  private readOnly(owner: TypeModel, f: FieldModel, range: OffsetRange): void {
    const why =
      f.readOnly === true
        ? `\`${f.name}\` is read-only: ${f.doc}`
        : owner.name === 'WorkItem'
          ? 'in an outgoing script the local work item is only read: changes to it are not saved. Put values on `replica` instead.'
          : 'in an incoming script the replica is what arrived: changing it has no effect. Change `workItem` instead.';
    this.report(range, 'warning', 'read-only', f.readOnly === true ? why : `Assignment to \`${f.name}\` has no effect: ${why}`);
  }

  private isHelper(owner: TypeModel): boolean {
    return helperTypes(this.model).has(owner.name);
  }

  private checkArity(m: MethodModel, owner: TypeModel, count: number, range: OffsetRange): void {
    const [min, max] = arity(m);
    if (count >= min && count <= max) return;
    const expected = min === max ? `${min}` : `${min} to ${max}`;
    this.report(range, 'warning', 'argument-count', `${owner.name}.${m.name} takes ${expected} argument${max === 1 ? '' : 's'}, not ${count}.`);
  }

  private call(c: CallExpression, scope: Scope): TypeRef | undefined {
    const argCount = c.args.filter((a) => a.kind !== 'NamedArgument').length + (c.args.some((a) => a.kind === 'NamedArgument') ? 1 : 0) + c.trailingClosures.length;
    let result: TypeRef | undefined;
    let closureTypes: (TypeRef | undefined)[] = [];
    let closuresLenient = true;
    const callee = c.callee;
    if (callee.kind === 'PropertyExpression' && callee.property.kind === 'Name' && !callee.property.missing && callee.operator !== '.&') {
      const receiver = this.expr(callee.object, scope);
      const name = callee.property.name;
      const spread = callee.operator === '*.';
      const owner = this.model.type(spread ? this.model.elementType(receiver) : receiver);
      if (owner) {
        result = this.member(owner, callee.property, true, argCount);
        const match = this.model.member(owner, name);
        if (match?.kind === 'method') {
          closuresLenient = false;
          // A closure parameter of a model method gets the element type of the method's result (mergeComments → Comment).
          closureTypes = [this.model.elementType(match.method.returns)];
        }
        if (spread && result) result = `List<${result}>`;
      } else {
        const gdk = this.gdkMethod(receiver, name);
        if (gdk) {
          closuresLenient = false;
          const element = this.model.elementType(receiver);
          if (gdk.closureOverElements) closureTypes = name === 'eachWithIndex' ? [element, 'Integer'] : [element];
          if (name === 'inject') closureTypes = [undefined, element];
          result = gdk.returns === 'E' ? element : gdk.returns === 'L' ? receiver : gdk.returns;
        }
      }
      if (result !== undefined) this.types.set(callee, result);
    } else if (callee.kind === 'Identifier') {
      const { symbol } = this.resolve(callee.name, scope);
      if (symbol) {
        this.resolutions.set(callee, symbol);
        if (symbol.kind === 'method') {
          closuresLenient = false;
          this.checkScriptMethodArity(callee, argCount);
        }
      }
    } else {
      this.expr(callee, scope);
    }
    for (const a of c.args) {
      if (a.kind === 'ClosureExpression') this.closure(a, scope, closureTypes, closuresLenient);
      else if (a.kind === 'NamedArgument') {
        if (a.name.kind !== 'Name') this.expr(a.name as Expression, scope);
        if (a.value.kind === 'ClosureExpression') this.closure(a.value, scope, [], true);
        else this.expr(a.value, scope);
      } else this.expr(a, scope);
    }
    for (const t of c.trailingClosures) this.closure(t, scope, closureTypes, closuresLenient);
    return result;
  }

  private checkScriptMethodArity(callee: Identifier, count: number): void {
    const decls = this.methods.get(callee.name) ?? [];
    const fits = decls.some((d) => {
      if (d.parameters.some((p) => p.varargs)) return true;
      const min = d.parameters.filter((p) => !p.defaultValue).length;
      return count >= min && count <= d.parameters.length;
    });
    if (!fits && decls.length > 0) {
      const d = decls[0];
      this.report(callee.range, 'warning', 'argument-count', `${callee.name}(${d.parameters.map((p) => p.name.name).join(', ')}) is called with ${count} argument${count === 1 ? '' : 's'}.`);
    }
  }

  private gdkMethod(receiver: TypeRef | undefined, name: string): GdkMethod | undefined {
    if (receiver === undefined) return undefined;
    if (this.model.elementType(receiver)) return LIST_BY_NAME.get(name);
    if (receiver === 'String') return STRING_BY_NAME.get(name);
    if (receiver === 'Map') return MAP_BY_NAME.get(name);
    return undefined;
  }

  private assignment(a: AssignmentExpression, scope: Scope): TypeRef | undefined {
    const valueType = this.expr(a.value, scope);
    const t = a.target;
    if (t.kind === 'PropertyExpression') {
      this.property(t, scope, true);
    } else if (t.kind === 'Identifier') {
      const { symbol } = this.resolve(t.name, scope);
      if (symbol) {
        this.resolutions.set(t, symbol);
        // Remember what a binding or untyped local holds now, for member checks further on.
        if ((symbol.kind === 'binding' || symbol.kind === 'local') && valueType && a.operator === '=') symbol.type ??= valueType;
      }
    } else if (t.kind === 'ListExpression') {
      for (const el of t.elements) {
        const symbol = el.kind === 'Identifier' ? this.resolve(el.name, scope).symbol : undefined;
        if (el.kind === 'Identifier' && symbol) this.resolutions.set(el, symbol);
      }
    } else {
      this.expr(t, scope);
    }
    return valueType;
  }

  /** A model type named in source (`Comment c`), if the script names one of ours. */
  private typeFromSource(name: string, args?: string[]): TypeRef | undefined {
    if (this.model.type(name)) return name;
    if ((name === 'List' || name === 'Collection' || name === 'Set') && args?.length === 1 && this.model.type(args[0])) return `List<${args[0]}>`;
    return undefined;
  }
}

const EXPRESSION_KINDS = new Set<string>([
  'Identifier', 'ThisExpression', 'SuperExpression', 'NumberLiteral', 'StringLiteral', 'GStringLiteral', 'BooleanLiteral',
  'NullLiteral', 'ListExpression', 'MapExpression', 'ClosureExpression', 'LambdaExpression', 'PropertyExpression',
  'CallExpression', 'IndexExpression', 'NewExpression', 'UnaryExpression', 'UpdateExpression', 'BinaryExpression',
  'TernaryExpression', 'ElvisExpression', 'AssignmentExpression', 'CastExpression', 'InstanceofExpression',
  'RangeExpression', 'ParenthesizedExpression', 'SpreadExpression', 'SpreadMapExpression', 'ClassLiteralExpression',
  'ErrorExpression',
]);

export function isExpression(n: Node): n is Expression {
  return EXPRESSION_KINDS.has(n.kind);
}
