// The typed syntax tree of a Groovy 4 sync script, produced by ./parser.ts.
//
// Every node carries `range: { start, end }`: UTF-16 offsets into the parsed text, `end` exclusive, like
// vscode-json-languageservice. `LineMap` turns offsets into 0-based { line, character } positions.
// Pure module: no `vscode`, no Node built-ins (it also runs in a browser).
//
// Error tolerance: where the source lacks a piece the grammar needs, the parser still builds the node and fills
// the hole with a zero-width `ErrorExpression` (expressions) or a `Name` with `missing: true` (member names), and
// reports a SyntaxDiagnostic. `replica.` at the end of a line gives a PropertyExpression whose `property` is a
// missing Name with an empty `name`, placed right after the dot.

export interface Range {
  /** Offset of the first character. */
  start: number;
  /** Offset after the last character (exclusive). */
  end: number;
}

export interface Position {
  /** 0-based line. */
  line: number;
  /** 0-based UTF-16 column. */
  character: number;
}

interface NodeBase {
  range: Range;
}

/** A syntax error. `parse(text)` in ./index.ts returns `{ ast: Script, diagnostics: SyntaxDiagnostic[] }`. */
export interface SyntaxDiagnostic {
  range: Range;
  message: string;
  severity: 'error';
}

export interface ParseResult {
  ast: Script;
  /** Syntax errors in source order; the first is on the line where Groovy 4 reports its (first) error. */
  diagnostics: SyntaxDiagnostic[];
}

// ---------------------------------------------------------------------------------------------------------------
// Names and types

/**
 * A plain name that is not an expression by itself: member names after `.`, bare map keys (`[a: 1]` is the
 * string "a"), named-argument names, labels, method/class/parameter names in declarations.
 */
export interface Name extends NodeBase {
  kind: 'Name';
  name: string;
  /** True when the source had no name here (e.g. `replica.` at the end of a line); then `name` is ''. */
  missing?: boolean;
}

/** A type as written: `String`, `java.util.Map<String, List<Object>>`, `int[]`, `? extends Foo`. */
export interface TypeRef extends NodeBase {
  kind: 'TypeRef';
  /** Dotted name as written, e.g. `java.util.Map`, `int`, `?` for a wildcard. */
  name: string;
  /** Range of `name` only (without type arguments and array brackets). */
  nameRange: Range;
  /** Type arguments; `[]` for a raw type; `undefined` when there were no angle brackets. `<>` gives `[]`. */
  typeArguments?: TypeRef[];
  /** `? extends X` / `? super X` bound, only when name is '?'. */
  bound?: { kind: 'extends' | 'super'; type: TypeRef };
  /** Number of `[]` after the type. */
  arrayDimensions: number;
  /** `String... args` */
  varargs?: boolean;
}

export interface TypeParameter extends NodeBase {
  kind: 'TypeParameter';
  name: Name;
  bounds: TypeRef[];
}

export interface Annotation extends NodeBase {
  kind: 'Annotation';
  type: TypeRef;
  /** Arguments as written in `@A(x = 1, 'v')`; a bare value is a positional Expression. */
  args: Argument[];
}

/** `public`, `private`, `protected`, `static`, `final`, `abstract`, `synchronized`, `transient`, `volatile`, `native`, `strictfp`, `default`, `def`, `var`. */
export interface Modifier extends NodeBase {
  kind: 'Modifier';
  name: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Script and declarations

export interface Comment extends NodeBase {
  kind: 'Comment';
  style: 'line' | 'block' | 'doc' | 'shebang';
}

export interface Script extends NodeBase {
  kind: 'Script';
  /** Top-level statements in source order, including imports, methods and classes (Groovy allows them anywhere). */
  body: Statement[];
  /** All comments of the file (not attached to nodes). */
  comments: Comment[];
}

export interface PackageDeclaration extends NodeBase {
  kind: 'PackageDeclaration';
  name: string;
  nameRange: Range;
}

export interface ImportDeclaration extends NodeBase {
  kind: 'ImportDeclaration';
  static: boolean;
  /** Dotted path as written without `.*`, e.g. `java.text.SimpleDateFormat`. */
  path: string;
  pathRange: Range;
  /** `import a.b.*` */
  star: boolean;
  /** `import a.B as C` */
  alias?: Name;
}

export interface Parameter extends NodeBase {
  kind: 'Parameter';
  modifiers: Modifier[];
  annotations: Annotation[];
  /** Declared type; undefined for `def x`, `x` or closure parameters without a type. */
  type?: TypeRef;
  name: Name;
  defaultValue?: Expression;
  /** `Type... name` */
  varargs: boolean;
}

/** `def m(a, b) { … }`, `List<String> f(a) {`, `static void main(String[] args)`, abstract `void x()`. */
export interface MethodDeclaration extends NodeBase {
  kind: 'MethodDeclaration';
  modifiers: Modifier[];
  annotations: Annotation[];
  typeParameters: TypeParameter[];
  /** Undefined for `def` (dynamic) and for constructors. */
  returnType?: TypeRef;
  name: Name;
  parameters: Parameter[];
  throws: TypeRef[];
  /** Undefined for abstract/interface methods. */
  body?: BlockStatement;
  /** True inside a class when the name equals the class name (no return type). */
  isConstructor: boolean;
}

/** One `name = init` in a declaration. */
export interface VariableDeclarator extends NodeBase {
  kind: 'VariableDeclarator';
  name: Name;
  init?: Expression;
}

/**
 * `def x = 1`, `String a, b = 'x'`, `final Map<String, Object> m = [:]`, `def (a, b) = [1, 2]`; in a class body a
 * field or property.
 */
export interface VariableDeclaration extends NodeBase {
  kind: 'VariableDeclaration';
  modifiers: Modifier[];
  annotations: Annotation[];
  /** Undefined for `def`/`var` without a type. (`def Map<String,Object> x` keeps the type.) */
  type?: TypeRef;
  declarators: VariableDeclarator[];
  /** `def (a, b) = expr`: declarators have no init; the value is in `tuple.init`. */
  tuple?: { init?: Expression };
}

export interface ClassDeclaration extends NodeBase {
  kind: 'ClassDeclaration';
  classKind: 'class' | 'interface' | 'enum' | 'trait' | 'annotation' | 'record';
  modifiers: Modifier[];
  annotations: Annotation[];
  name: Name;
  typeParameters: TypeParameter[];
  extends: TypeRef[];
  implements: TypeRef[];
  /** Record components `record P(int x, int y)`. */
  recordComponents?: Parameter[];
  members: ClassMember[];
  /** Range of the `{ … }` body. */
  bodyRange: Range;
}

export type ClassMember =
  | VariableDeclaration
  | MethodDeclaration
  | ClassDeclaration
  | InitializerBlock
  | EnumConstant
  | EmptyStatement;

/** `{ … }` or `static { … }` in a class body. */
export interface InitializerBlock extends NodeBase {
  kind: 'InitializerBlock';
  static: boolean;
  body: BlockStatement;
}

export interface EnumConstant extends NodeBase {
  kind: 'EnumConstant';
  annotations: Annotation[];
  name: Name;
  args: Argument[];
  body?: ClassMember[];
}

// ---------------------------------------------------------------------------------------------------------------
// Statements

export type Statement =
  | ExpressionStatement
  | VariableDeclaration
  | MethodDeclaration
  | ClassDeclaration
  | ImportDeclaration
  | PackageDeclaration
  | BlockStatement
  | IfStatement
  | WhileStatement
  | DoWhileStatement
  | ForInStatement
  | ForStatement
  | SwitchStatement
  | TryStatement
  | ThrowStatement
  | ReturnStatement
  | BreakStatement
  | ContinueStatement
  | LabeledStatement
  | AssertStatement
  | EmptyStatement;

export interface ExpressionStatement extends NodeBase {
  kind: 'ExpressionStatement';
  expression: Expression;
}

export interface BlockStatement extends NodeBase {
  kind: 'BlockStatement';
  body: Statement[];
}

export interface IfStatement extends NodeBase {
  kind: 'IfStatement';
  test: Expression;
  consequent: Statement;
  alternate?: Statement;
}

export interface WhileStatement extends NodeBase {
  kind: 'WhileStatement';
  test: Expression;
  body: Statement;
}

export interface DoWhileStatement extends NodeBase {
  kind: 'DoWhileStatement';
  body: Statement;
  test: Expression;
}

/** `for (x in xs)`, `for (String x in xs)`, `for (def x : xs)`. */
export interface ForInStatement extends NodeBase {
  kind: 'ForInStatement';
  variable: Parameter;
  iterable: Expression;
  body: Statement;
}

/** `for (int i = 0; i < n; i++)`; also `for (;;)`. */
export interface ForStatement extends NodeBase {
  kind: 'ForStatement';
  init?: VariableDeclaration | Expression[];
  test?: Expression;
  update: Expression[];
  body: Statement;
}

export interface SwitchStatement extends NodeBase {
  kind: 'SwitchStatement';
  discriminant: Expression;
  /** Case groups in source order: `case 'a': case 'b': stmts` is one group with two labels (fall-through). */
  cases: SwitchCase[];
}

export interface SwitchCase extends NodeBase {
  kind: 'SwitchCase';
  labels: CaseLabel[];
  /** The statements after the last label of the group (may be empty: fall-through). */
  body: Statement[];
}

export interface CaseLabel extends NodeBase {
  kind: 'CaseLabel';
  /** Undefined for `default:`. */
  test?: Expression;
}

export interface TryStatement extends NodeBase {
  kind: 'TryStatement';
  /** try-with-resources declarations/expressions. */
  resources: (VariableDeclaration | Expression)[];
  block: BlockStatement;
  handlers: CatchClause[];
  finalizer?: BlockStatement;
}

export interface CatchClause extends NodeBase {
  kind: 'CatchClause';
  /** `catch (IOException | RuntimeException e)`: several; `catch (e)` or `catch (def e)`: none. */
  types: TypeRef[];
  param: Name;
  body: BlockStatement;
}

export interface ThrowStatement extends NodeBase {
  kind: 'ThrowStatement';
  argument: Expression;
}

export interface ReturnStatement extends NodeBase {
  kind: 'ReturnStatement';
  argument?: Expression;
}

export interface BreakStatement extends NodeBase {
  kind: 'BreakStatement';
  label?: Name;
}

export interface ContinueStatement extends NodeBase {
  kind: 'ContinueStatement';
  label?: Name;
}

/** `outer: for (…)`; also a bare URL line `https://host/x` parses as label `https` + a line comment. */
export interface LabeledStatement extends NodeBase {
  kind: 'LabeledStatement';
  label: Name;
  body: Statement;
}

export interface AssertStatement extends NodeBase {
  kind: 'AssertStatement';
  test: Expression;
  message?: Expression;
}

/** A lone `;`. */
export interface EmptyStatement extends NodeBase {
  kind: 'EmptyStatement';
}

// ---------------------------------------------------------------------------------------------------------------
// Expressions

export type Expression =
  | Identifier
  | ThisExpression
  | SuperExpression
  | NumberLiteral
  | StringLiteral
  | GStringLiteral
  | BooleanLiteral
  | NullLiteral
  | ListExpression
  | MapExpression
  | ClosureExpression
  | LambdaExpression
  | PropertyExpression
  | CallExpression
  | IndexExpression
  | NewExpression
  | UnaryExpression
  | UpdateExpression
  | BinaryExpression
  | TernaryExpression
  | ElvisExpression
  | AssignmentExpression
  | CastExpression
  | InstanceofExpression
  | RangeExpression
  | ParenthesizedExpression
  | SpreadExpression
  | SpreadMapExpression
  | ClassLiteralExpression
  | ErrorExpression;

/** A variable, binding, class or method name used as a value: `replica`, `String`, `it`. */
export interface Identifier extends NodeBase {
  kind: 'Identifier';
  name: string;
}

export interface ThisExpression extends NodeBase {
  kind: 'ThisExpression';
}

export interface SuperExpression extends NodeBase {
  kind: 'SuperExpression';
}

/** `42`, `0x1F`, `1_000`, `10L`, `1000000d`, `1.5G`, `1e3`. */
export interface NumberLiteral extends NodeBase {
  kind: 'NumberLiteral';
  /** Source text, including prefix, underscores and suffix. */
  text: string;
  /** Numeric value (as a JS number; BigInteger/BigDecimal values may lose precision). */
  value: number;
  /** Lower-cased type suffix: 'l' | 'i' | 'g' | 'd' | 'f', or undefined. */
  suffix?: 'l' | 'i' | 'g' | 'd' | 'f';
  /** True for integer literals (no `.`, no exponent, and no d/f suffix). */
  integer: boolean;
}

export type StringQuote = "'" | '"' | "'''" | '"""' | '/' | '$/';

/** A string without interpolation (any quote style). `value` has escapes resolved. */
export interface StringLiteral extends NodeBase {
  kind: 'StringLiteral';
  value: string;
  quote: StringQuote;
}

/** A string with `${…}` or `$name` interpolation. */
export interface GStringLiteral extends NodeBase {
  kind: 'GStringLiteral';
  quote: StringQuote;
  /** Alternating text and expression parts in source order (texts may be empty strings). */
  parts: GStringPart[];
}

export type GStringPart = GStringText | GStringExpression;

export interface GStringText extends NodeBase {
  kind: 'GStringText';
  /** Escapes resolved. */
  value: string;
}

/** `${expr}` (braces: true; `${}` has no expression) or `$name.path` (braces: false, a dotted property path). */
export interface GStringExpression extends NodeBase {
  kind: 'GStringExpression';
  braces: boolean;
  /** Undefined for an empty `${}`. A `${ -> x }` closure form is a ClosureExpression. */
  expression?: Expression;
}

export interface BooleanLiteral extends NodeBase {
  kind: 'BooleanLiteral';
  value: boolean;
}

export interface NullLiteral extends NodeBase {
  kind: 'NullLiteral';
}

/** `[1, 2, 3]`, `[]`. */
export interface ListExpression extends NodeBase {
  kind: 'ListExpression';
  elements: Expression[];
}

/** `[a: 1, 'b': 2, (k): 3, *: other]`, `[:]`. */
export interface MapExpression extends NodeBase {
  kind: 'MapExpression';
  entries: (MapEntry | SpreadMapExpression)[];
}

export interface MapEntry extends NodeBase {
  kind: 'MapEntry';
  /**
   * `Name` for a bare word key (`[summary: x]` — the string "summary", not a variable); a string, GString or
   * number literal for quoted/numeric keys; any other Expression (usually ParenthesizedExpression) for computed
   * keys `[(k): v]`.
   */
  key: Name | Expression;
  value: Expression;
}

/** `{ -> … }`, `{ a, b -> … }`, `{ String s -> … }`, `{ … }` (implicit `it`: parameters undefined). */
export interface ClosureExpression extends NodeBase {
  kind: 'ClosureExpression';
  /** Undefined when there is no `->` (implicit `it`); `[]` for `{ -> … }`. */
  parameters?: Parameter[];
  body: Statement[];
}

/** Java-style lambda `(a, b) -> expr` / `x -> { … }` (Groovy 4). */
export interface LambdaExpression extends NodeBase {
  kind: 'LambdaExpression';
  parameters: Parameter[];
  body: Expression | BlockStatement;
}

export type MemberOperator = '.' | '?.' | '*.' | '.&' | '.@' | '?.@' | '*.@' | '::';

/**
 * `a.b`, `a?.b`, `list*.name`, `x."Quoted Name"`, `x."${expr}"`, `a.&m`. When called (`a.b(1)`) it is the
 * callee of a CallExpression.
 */
export interface PropertyExpression extends NodeBase {
  kind: 'PropertyExpression';
  object: Expression;
  operator: MemberOperator;
  /** Range of the operator token. */
  operatorRange: Range;
  /** A Name (possibly `missing`), or a quoted StringLiteral/GStringLiteral name, or a ParenthesizedExpression `a.(expr)`. */
  property: Name | StringLiteral | GStringLiteral | ParenthesizedExpression;
  /** Explicit generic method type arguments `a.<String>m()`. */
  typeArguments?: TypeRef[];
}

/** `name: value` inside an argument list (collected into a map by Groovy). */
export interface NamedArgument extends NodeBase {
  kind: 'NamedArgument';
  /** Same conventions as MapEntry.key. */
  name: Name | Expression;
  value: Expression;
}

export type Argument = Expression | NamedArgument;

/**
 * A call. `callee` is an Identifier for `foo(x)`, a PropertyExpression for `a.b(x)` / `a?.b x`, anything else
 * for `({ … })()` or `closureVar.call()`-like forms. `x.collect { … }.join()` is a CallExpression on a
 * PropertyExpression whose object is the CallExpression `x.collect { … }`.
 */
export interface CallExpression extends NodeBase {
  kind: 'CallExpression';
  callee: Expression;
  /** Arguments written inside parentheses, or the paren-less (command) arguments. */
  args: Argument[];
  /** Closures written after the argument list or instead of it: `http(…) { req, res -> }`, `list.each { }`. */
  trailingClosures: ClosureExpression[];
  /** False for command calls `debug.error "x"` and for closure-only calls `list.each { }`. */
  parenthesized: boolean;
  /** Range of `( … )` when parenthesized. */
  argsRange?: Range;
}

/** `a[i]`, `a[-1]`, `a[1..2]`, `a[1, 2]`, `a?[i]`. */
export interface IndexExpression extends NodeBase {
  kind: 'IndexExpression';
  object: Expression;
  /** One element for `a[i]`, several for `a[i, j]`; empty (with a diagnostic) for `a[]`. */
  indices: Expression[];
  safe: boolean;
}

/** `new Foo(a)`, `new Foo(a) { … }` (anonymous class), `new int[3]`, `new String[] { 'a' }`, `new Date()`. */
export interface NewExpression extends NodeBase {
  kind: 'NewExpression';
  type: TypeRef;
  args: Argument[];
  /** Sizes of `new int[3][]` (undefined entries for empty brackets). */
  arrayDimensions?: (Expression | undefined)[];
  arrayInitializer?: Expression[];
  /** Anonymous class body. */
  body?: ClassMember[];
}

export interface UnaryExpression extends NodeBase {
  kind: 'UnaryExpression';
  operator: '!' | '-' | '+' | '~';
  argument: Expression;
}

export interface UpdateExpression extends NodeBase {
  kind: 'UpdateExpression';
  operator: '++' | '--';
  prefix: boolean;
  argument: Expression;
}

export type BinaryOperator =
  | '||' | '&&' | '|' | '^' | '&'
  | '==' | '!=' | '===' | '!==' | '<' | '<=' | '>' | '>=' | '<=>'
  | '=~' | '==~' | 'in' | '!in'
  | '<<' | '>>' | '>>>'
  | '+' | '-' | '*' | '/' | '%' | '**';

export interface BinaryExpression extends NodeBase {
  kind: 'BinaryExpression';
  operator: BinaryOperator;
  operatorRange: Range;
  left: Expression;
  right: Expression;
}

export interface TernaryExpression extends NodeBase {
  kind: 'TernaryExpression';
  test: Expression;
  consequent: Expression;
  alternate: Expression;
}

/** `a ?: b` */
export interface ElvisExpression extends NodeBase {
  kind: 'ElvisExpression';
  left: Expression;
  right: Expression;
}

export type AssignmentOperator =
  | '=' | '+=' | '-=' | '*=' | '/=' | '%=' | '**=' | '<<=' | '>>=' | '>>>=' | '&=' | '|=' | '^=' | '?=';

/** `a = b`, `x."Name" = v`, `a?.b = c`; for multiple assignment `(a, b) = [1, 2]` the target is a ListExpression of the names. */
export interface AssignmentExpression extends NodeBase {
  kind: 'AssignmentExpression';
  operator: AssignmentOperator;
  operatorRange: Range;
  target: Expression;
  value: Expression;
}

/** `x as String` (style 'as') or `(int) x` (style 'paren'). */
export interface CastExpression extends NodeBase {
  kind: 'CastExpression';
  style: 'as' | 'paren';
  type: TypeRef;
  expression: Expression;
}

/** `x instanceof Foo`, `x !instanceof Foo`. */
export interface InstanceofExpression extends NodeBase {
  kind: 'InstanceofExpression';
  negated: boolean;
  expression: Expression;
  type: TypeRef;
}

/** `1..5`, `0..<n`, `1<..5`, `1<..<5`. */
export interface RangeExpression extends NodeBase {
  kind: 'RangeExpression';
  from: Expression;
  to: Expression;
  exclusiveFrom: boolean;
  exclusiveTo: boolean;
}

export interface ParenthesizedExpression extends NodeBase {
  kind: 'ParenthesizedExpression';
  expression: Expression;
}

/** `*list` in arguments or list literals. */
export interface SpreadExpression extends NodeBase {
  kind: 'SpreadExpression';
  argument: Expression;
}

/** `*: map` in map literals or named arguments. */
export interface SpreadMapExpression extends NodeBase {
  kind: 'SpreadMapExpression';
  argument: Expression;
}

/** An array type used as a value, e.g. the receiver of `String[].class`. */
export interface ClassLiteralExpression extends NodeBase {
  kind: 'ClassLiteralExpression';
  type: TypeRef;
}

/** Placeholder for a missing or unparsable expression; a SyntaxDiagnostic was reported for it. */
export interface ErrorExpression extends NodeBase {
  kind: 'ErrorExpression';
}

// ---------------------------------------------------------------------------------------------------------------
// All nodes

export type Node =
  | Script
  | Statement
  | Expression
  | Name
  | TypeRef
  | TypeParameter
  | Annotation
  | Modifier
  | Parameter
  | VariableDeclarator
  | ClassMember
  | SwitchCase
  | CaseLabel
  | CatchClause
  | MapEntry
  | NamedArgument
  | GStringPart
  | Comment;

export type NodeKind = Node['kind'];

/** Calls `visit` on each direct child of `node` in source order. Return `false` from `visit` to stop early. */
export function forEachChild(node: Node, visit: (child: Node) => boolean | void): boolean {
  const each = (child: Node | undefined): boolean => child === undefined || visit(child) !== false;
  const all = (children: readonly (Node | undefined)[] | undefined): boolean => {
    if (!children) return true;
    for (const c of children) if (!each(c)) return false;
    return true;
  };
  switch (node.kind) {
    case 'Script':
      return all(node.body);
    case 'Name':
    case 'Modifier':
    case 'Comment':
    case 'Identifier':
    case 'ThisExpression':
    case 'SuperExpression':
    case 'NumberLiteral':
    case 'StringLiteral':
    case 'BooleanLiteral':
    case 'NullLiteral':
    case 'ErrorExpression':
    case 'PackageDeclaration':
    case 'EmptyStatement':
    case 'GStringText':
      return true;
    case 'TypeRef':
      return all(node.typeArguments) && each(node.bound?.type);
    case 'TypeParameter':
      return each(node.name) && all(node.bounds);
    case 'Annotation':
      return each(node.type) && all(node.args);
    case 'ImportDeclaration':
      return each(node.alias);
    case 'Parameter':
      return all(node.annotations) && all(node.modifiers) && each(node.type) && each(node.name) && each(node.defaultValue);
    case 'MethodDeclaration':
      return (
        all(node.annotations) && all(node.modifiers) && all(node.typeParameters) && each(node.returnType) &&
        each(node.name) && all(node.parameters) && all(node.throws) && each(node.body)
      );
    case 'VariableDeclarator':
      return each(node.name) && each(node.init);
    case 'VariableDeclaration':
      return all(node.annotations) && all(node.modifiers) && each(node.type) && all(node.declarators) && each(node.tuple?.init);
    case 'ClassDeclaration':
      return (
        all(node.annotations) && all(node.modifiers) && each(node.name) && all(node.typeParameters) &&
        all(node.extends) && all(node.implements) && all(node.recordComponents) && all(node.members)
      );
    case 'InitializerBlock':
      return each(node.body);
    case 'EnumConstant':
      return all(node.annotations) && each(node.name) && all(node.args) && all(node.body);
    case 'ExpressionStatement':
      return each(node.expression);
    case 'BlockStatement':
      return all(node.body);
    case 'IfStatement':
      return each(node.test) && each(node.consequent) && each(node.alternate);
    case 'WhileStatement':
      return each(node.test) && each(node.body);
    case 'DoWhileStatement':
      return each(node.body) && each(node.test);
    case 'ForInStatement':
      return each(node.variable) && each(node.iterable) && each(node.body);
    case 'ForStatement':
      return (
        (Array.isArray(node.init) ? all(node.init) : each(node.init)) && each(node.test) && all(node.update) && each(node.body)
      );
    case 'SwitchStatement':
      return each(node.discriminant) && all(node.cases);
    case 'SwitchCase':
      return all(node.labels) && all(node.body);
    case 'CaseLabel':
      return each(node.test);
    case 'TryStatement':
      return all(node.resources) && each(node.block) && all(node.handlers) && each(node.finalizer);
    case 'CatchClause':
      return all(node.types) && each(node.param) && each(node.body);
    case 'ThrowStatement':
      return each(node.argument);
    case 'ReturnStatement':
      return each(node.argument);
    case 'BreakStatement':
    case 'ContinueStatement':
      return each(node.label);
    case 'LabeledStatement':
      return each(node.label) && each(node.body);
    case 'AssertStatement':
      return each(node.test) && each(node.message);
    case 'GStringLiteral':
      return all(node.parts);
    case 'GStringExpression':
      return each(node.expression);
    case 'ListExpression':
      return all(node.elements);
    case 'MapExpression':
      return all(node.entries);
    case 'MapEntry':
      return each(node.key) && each(node.value);
    case 'ClosureExpression':
      return all(node.parameters) && all(node.body);
    case 'LambdaExpression':
      return all(node.parameters) && each(node.body);
    case 'PropertyExpression':
      return each(node.object) && all(node.typeArguments) && each(node.property);
    case 'NamedArgument':
      return each(node.name) && each(node.value);
    case 'CallExpression':
      return each(node.callee) && all(node.args) && all(node.trailingClosures);
    case 'IndexExpression':
      return each(node.object) && all(node.indices);
    case 'NewExpression':
      return each(node.type) && all(node.args) && all(node.arrayDimensions) && all(node.arrayInitializer) && all(node.body);
    case 'UnaryExpression':
    case 'UpdateExpression':
    case 'SpreadExpression':
    case 'SpreadMapExpression':
      return each(node.argument);
    case 'BinaryExpression':
      return each(node.left) && each(node.right);
    case 'TernaryExpression':
      return each(node.test) && each(node.consequent) && each(node.alternate);
    case 'ElvisExpression':
      return each(node.left) && each(node.right);
    case 'AssignmentExpression':
      return each(node.target) && each(node.value);
    case 'CastExpression':
      return node.style === 'paren' ? each(node.type) && each(node.expression) : each(node.expression) && each(node.type);
    case 'InstanceofExpression':
      return each(node.expression) && each(node.type);
    case 'RangeExpression':
      return each(node.from) && each(node.to);
    case 'ParenthesizedExpression':
      return each(node.expression);
    case 'ClassLiteralExpression':
      return each(node.type);
  }
}

/**
 * The innermost nodes containing `offset`, outermost first (Script … deepest). A node contains an offset when
 * `start <= offset <= end` (touching the end counts, so the cursor right after `replica.` finds the missing name).
 */
export function nodePathAt(root: Node, offset: number): Node[] {
  const path: Node[] = [root];
  let current: Node = root;
  for (;;) {
    let next: Node | undefined;
    forEachChild(current, (child) => {
      if (child.range.start <= offset && offset <= child.range.end) {
        next = child;
        // Prefer a later child that starts exactly at offset (cursor between two adjacent nodes): keep looking.
        if (child.range.end > offset) return false;
      } else if (child.range.start > offset) {
        return false;
      }
      return true;
    });
    if (!next) return path;
    path.push(next);
    current = next;
  }
}

/** Offsets ↔ 0-based line/character positions; line breaks are \n, \r\n and \r. */
export class LineMap {
  private readonly lineStarts: number[];

  constructor(private readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      } else if (c === 10 /* \n */) {
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  positionAt(offset: number): Position {
    offset = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.lineStarts.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.lineStarts[mid] > offset) high = mid;
      else low = mid + 1;
    }
    const line = low - 1;
    return { line, character: offset - this.lineStarts[line] };
  }

  offsetAt(position: Position): number {
    if (position.line >= this.lineStarts.length) return this.text.length;
    if (position.line < 0) return 0;
    const lineStart = this.lineStarts[position.line];
    const next = position.line + 1 < this.lineStarts.length ? this.lineStarts[position.line + 1] : this.text.length;
    return Math.max(lineStart, Math.min(lineStart + position.character, next));
  }

  /** Start offset of a 0-based line. */
  lineStart(line: number): number {
    return this.lineStarts[Math.max(0, Math.min(line, this.lineStarts.length - 1))];
  }
}

/**
 * The member access being typed at `offset`, for completion: the PropertyExpression whose operator ends at or
 * before `offset` and whose name contains it, with the part of the name before the cursor. Also for a half-typed
 * `replica.` whose name is missing, and for `replica.` at the end of a line when Groovy's trailing-dot rule joined
 * it with the next line (`replica.` + newline + `issue.x = 1` parses as `replica.issue.x = 1`): then the prefix is ''.
 * For a quoted name (`workItem."Micro|`, also unterminated) `quoted` is true and the prefix is the text after the quote.
 */
export function memberAccessAt(
  root: Node,
  text: string,
  offset: number,
): { access: PropertyExpression; prefix: string; quoted?: boolean } | undefined {
  let found: { access: PropertyExpression; prefix: string; quoted?: boolean } | undefined;
  const visit = (node: Node): void => {
    if (node.range.start > offset || node.range.end < offset) {
      // the joined-line case extends past offset only through the property; still inside the node's range
      return;
    }
    if (node.kind === 'PropertyExpression' && node.operatorRange.end <= offset) {
      const p = node.property;
      const gap = text.slice(node.operatorRange.end, p.range.start);
      if (p.kind === 'Name' && p.range.start <= offset && offset <= p.range.end) {
        found = { access: node, prefix: p.name.slice(0, offset - p.range.start) };
      } else if (p.kind === 'StringLiteral' && p.range.start + p.quote.length <= offset && offset <= p.range.end) {
        // `workItem."Micro|` (also unterminated): the quoted name typed so far
        found = { access: node, prefix: text.slice(p.range.start + p.quote.length, offset), quoted: true };
      } else if (offset <= p.range.start && /[\r\n]/.test(text.slice(node.operatorRange.end, Math.max(offset, p.range.start))) && !/\S/.test(text.slice(node.operatorRange.end, offset)) && /^\s*$/.test(gap)) {
        found = { access: node, prefix: '' };
      }
    }
    forEachChild(node, (c) => {
      visit(c);
    });
  };
  visit(root);
  return found;
}
