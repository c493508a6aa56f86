// The Groovy parser, construct by construct: the AST it builds, the ranges, and how it recovers from errors.
import * as assert from 'node:assert/strict';
import * as A from '../../../src/groovy';
import { LineMap, forEachChild, nodePathAt, parse, tokenize } from '../../../src/groovy';

function ok(text: string): A.Script {
  const { ast, diagnostics } = parse(text);
  assert.deepEqual(diagnostics.map((d) => d.message), [], `unexpected syntax errors in ${JSON.stringify(text)}`);
  return ast;
}

function stmt<K extends A.Statement['kind']>(text: string, kind: K, index = 0): Extract<A.Statement, { kind: K }> {
  const s = ok(text).body[index];
  assert.equal(s?.kind, kind, `statement ${index} of ${JSON.stringify(text)}`);
  return s as Extract<A.Statement, { kind: K }>;
}

function expr(text: string): A.Expression {
  return stmt(text, 'ExpressionStatement').expression;
}

/** The initializer of `def v = <text>` (a `{` at a statement start is a block, not a closure). */
function init(text: string): A.Expression {
  const d = stmt(`def v = ${text}`, 'VariableDeclaration');
  assert.ok(d.declarators[0].init);
  return d.declarators[0].init!;
}

function is<K extends A.Node['kind']>(node: A.Node | undefined, kind: K): Extract<A.Node, { kind: K }> {
  assert.equal(node?.kind, kind);
  return node as Extract<A.Node, { kind: K }>;
}

function src(text: string, node: { range: A.Range }): string {
  return text.slice(node.range.start, node.range.end);
}

/** Every node's range lies inside its parent's and children come in source order. */
function checkRanges(node: A.Node): void {
  let last = node.range.start;
  forEachChild(node, (child) => {
    assert.ok(child.range.start >= node.range.start && child.range.end <= node.range.end, `${child.kind} outside ${node.kind}`);
    assert.ok(child.range.start >= last || child.kind === 'TypeRef', `${child.kind} out of order in ${node.kind}`);
    last = child.range.start;
    checkRanges(child);
  });
}

function firstError(text: string): { line: number; message: string } | undefined {
  const { diagnostics } = parse(text);
  if (!diagnostics[0]) return undefined;
  return { line: new LineMap(text).positionAt(diagnostics[0].range.start).line + 1, message: diagnostics[0].message };
}

describe('Groovy parser', () => {
  describe('newline rules', () => {
    it('ends statements at line breaks and at `;`', () => {
      const ast = ok('a = 1\nb = 2; c = 3');
      assert.equal(ast.body.length, 3);
    });
    it('continues a chain on a line that starts with a dot, and after a trailing dot', () => {
      const text = 'def x = list\n  .findAll { it }\n  ?.collect { it.name }.\n  join(",")';
      const d = stmt(text, 'VariableDeclaration');
      const call = is(d.declarators[0].init, 'CallExpression');
      const callee = is(call.callee, 'PropertyExpression');
      assert.equal((callee.property as A.Name).name, 'join');
      checkRanges(ok(text));
    });
    it('continues after a binary operator at the end of a line, and before && / == on the next line, but not before + or -', () => {
      assert.equal(ok('x = 1 +\n  2').body.length, 1);
      assert.equal(ok('x = a\n  && b').body.length, 1);
      assert.equal(ok('x = a\n  == b').body.length, 1);
      assert.equal(ok('x = 1\n  - 2').body.length, 2);
    });
    it('ignores line breaks inside parentheses and brackets', () => {
      const d = stmt('def m = foo(1,\n  2)\ndef l = [\n1,\n2\n]', 'VariableDeclaration', 1);
      assert.equal(is(d.declarators[0].init, 'ListExpression').elements.length, 2);
    });
    it('`if (…) return` ends at the line break; the next line is its own statement', () => {
      const ast = ok('if (x) return\nfoo()');
      const i = is(ast.body[0], 'IfStatement');
      assert.equal(is(i.consequent, 'ReturnStatement').argument, undefined);
      assert.equal(ast.body[1].kind, 'ExpressionStatement');
    });
    it('a `[` on a new line starts a list, not an index', () => {
      const ast = ok('def a = b\n[1, 2].each { println it }');
      assert.equal(ast.body.length, 2);
      const call = is(is(ast.body[1], 'ExpressionStatement').expression, 'CallExpression');
      assert.equal(is(call.callee, 'PropertyExpression').object.kind, 'ListExpression');
    });
    it('a bare URL line is a label plus a comment', () => {
      const ast = ok('https://dev.azure.com/org/x\nworkItem.summary = "a"');
      const l = is(ast.body[0], 'LabeledStatement');
      assert.equal(l.label.name, 'https');
      assert.equal(is(l.body, 'ExpressionStatement').expression.kind, 'AssignmentExpression');
      assert.equal(ast.comments[0].style, 'line');
    });
    it('handles CRLF, tabs, a shebang, a BOM and non-ASCII text', () => {
      const text = '#!/usr/bin/env groovy\r\n\tdef café = "naïve ü"\r\nprintln café\r\n';
      const ast = ok(text);
      assert.equal(ast.comments[0].style, 'shebang');
      assert.equal(is(ast.body[0], 'VariableDeclaration').declarators[0].name.name, 'café');
      ok('\ufeffdef x = 1');
    });
  });

  describe('declarations', () => {
    it('def and typed declarations with generics', () => {
      const d = stmt('def Map<String, Object> x = [:]', 'VariableDeclaration');
      assert.equal(d.type?.name, 'Map');
      assert.deepEqual(d.type?.typeArguments?.map((t) => t.name), ['String', 'Object']);
      assert.equal(d.modifiers[0].name, 'def');
      const t = stmt('List<Map<String, List<Integer>>> xs = []', 'VariableDeclaration');
      assert.equal(t.type?.typeArguments?.[0].typeArguments?.[1].typeArguments?.[0].name, 'Integer');
      const multi = stmt('String a, b = "x"', 'VariableDeclaration');
      assert.deepEqual(multi.declarators.map((x) => x.name.name), ['a', 'b']);
      const arr = stmt('int[] counts = new int[3]', 'VariableDeclaration');
      assert.equal(arr.type?.arrayDimensions, 1);
      const tuple = stmt('def (a, b) = [1, 2]', 'VariableDeclaration');
      assert.deepEqual(tuple.declarators.map((x) => x.name.name), ['a', 'b']);
      assert.equal(tuple.tuple?.init?.kind, 'ListExpression');
    });
    it('`foo bar` is a command call, `Foo bar` and `foo bar = 1` are declarations', () => {
      assert.equal(expr('foo bar').kind, 'CallExpression');
      assert.equal(stmt('Foo bar', 'VariableDeclaration').type?.name, 'Foo');
      assert.equal(stmt('foo bar = 1', 'VariableDeclaration').type?.name, 'foo');
    });
    it('script-level methods, typed and generic, used before they are defined', () => {
      const text = 'def r = f(1, 2)\nList<String> f(a, b) {\n  return [a, b]*.toString()\n}\nstatic void g(String... xs) { }';
      const ast = ok(text);
      const f = is(ast.body[1], 'MethodDeclaration');
      assert.equal(f.name.name, 'f');
      assert.equal(f.returnType?.name, 'List');
      assert.deepEqual(f.parameters.map((p) => p.name.name), ['a', 'b']);
      const g = is(ast.body[2], 'MethodDeclaration');
      assert.equal(g.parameters[0].varargs, true);
      assert.deepEqual(g.modifiers.map((m) => m.name), ['static']);
    });
    it('classes with fields, constructors, static methods and `public def`', () => {
      const text = [
        'import java.text.SimpleDateFormat',
        'class Mapper extends Base implements Runnable {',
        '  private static final String PREFIX = "x"',
        '  Map<String, String> map = [:]',
        '  Mapper(Map<String, String> m) { this.map = m }',
        '  static Mapper of(m) { new Mapper(m) }',
        '  public def run() { }',
        '}',
      ].join('\n');
      const c = is(ok(text).body[1], 'ClassDeclaration');
      assert.equal(c.name.name, 'Mapper');
      assert.equal(c.extends[0].name, 'Base');
      assert.deepEqual(c.members.map((m) => m.kind), ['VariableDeclaration', 'VariableDeclaration', 'MethodDeclaration', 'MethodDeclaration', 'MethodDeclaration']);
      assert.equal(is(c.members[2], 'MethodDeclaration').isConstructor, true);
      assert.equal(is(c.members[3], 'MethodDeclaration').isConstructor, false);
      assert.deepEqual(is(c.members[4], 'MethodDeclaration').modifiers.map((m) => m.name), ['public', 'def']);
    });
    it('imports anywhere, static, star and alias', () => {
      const ast = ok('x = 1\nimport static java.lang.Math.max\nimport java.util.*\nimport a.b.C as D');
      const [s, star, alias] = ast.body.slice(1).map((b) => is(b, 'ImportDeclaration'));
      assert.equal(s.static, true);
      assert.equal(s.path, 'java.lang.Math.max');
      assert.equal(star.star, true);
      assert.equal(star.path, 'java.util');
      assert.equal(alias.alias?.name, 'D');
    });
  });

  describe('statements', () => {
    it('if / else if / else, while, do-while, classic for and for-in', () => {
      const i = stmt('if (a) x()\nelse if (b) { y() } else z()', 'IfStatement');
      assert.equal(is(i.alternate, 'IfStatement').alternate?.kind, 'ExpressionStatement');
      stmt('while (i < 3) { i++ }', 'WhileStatement');
      stmt('do { i++ } while (i < 3)', 'DoWhileStatement');
      const f = stmt('for (int i = 0; i < n; i++) { }', 'ForStatement');
      assert.equal((f.init as A.VariableDeclaration).type?.name, 'int');
      const fi = stmt('for (c in replica.comments) { }', 'ForInStatement');
      assert.equal(fi.variable.name.name, 'c');
      assert.equal(stmt('for (String s : list) { }', 'ForInStatement').variable.type?.name, 'String');
    });
    it('switch with fall-through case groups and default', () => {
      const s = stmt('switch (x) {\n  case "a":\n  case "b":\n    y = 1\n    break\n  default:\n    y = 2\n}', 'SwitchStatement');
      assert.equal(s.cases.length, 2);
      assert.equal(s.cases[0].labels.length, 2);
      assert.equal(s.cases[0].body.length, 2);
      assert.equal(s.cases[1].labels[0].test, undefined);
    });
    it('try / catch (multi) / finally, throw, return, break, continue, labels, assert', () => {
      const t = stmt('try { a() } catch (IOException | RuntimeException e) { throw e } catch (e) { } finally { b() }', 'TryStatement');
      assert.deepEqual(t.handlers[0].types.map((x) => x.name), ['IOException', 'RuntimeException']);
      assert.equal(t.handlers[1].types.length, 0);
      assert.ok(t.finalizer);
      const outer = stmt('outer:\nfor (a in b) { for (c in d) { continue outer; break } }', 'LabeledStatement');
      assert.equal(outer.label.name, 'outer');
      stmt('assert x : "message"', 'AssertStatement');
    });
  });

  describe('closures and calls', () => {
    it('closures with and without parameters; parameters may span lines', () => {
      const c0 = is(init('{ it * 2 }'), 'ClosureExpression');
      assert.equal(c0.parameters, undefined);
      assert.equal(stmt('{ it * 2 }', 'BlockStatement').body.length, 1);
      const c1 = is(init('{ -> 1 }'), 'ClosureExpression');
      assert.deepEqual(c1.parameters, []);
      const d = stmt('def f = { String a,\n  b = 2 ->\n  a + b\n}', 'VariableDeclaration');
      const c2 = is(d.declarators[0].init, 'ClosureExpression');
      assert.deepEqual(c2.parameters?.map((p) => [p.type?.name, p.name.name]), [['String', 'a'], [undefined, 'b']]);
    });
    it('a closure attaches to the call before it: `labels.each { }`, `x.collect { }.join()`', () => {
      const call = is(expr('workItem.labels.each { l -> println l }'), 'CallExpression');
      assert.equal(call.parenthesized, false);
      assert.equal(call.trailingClosures.length, 1);
      const join = is(expr('x.collect { it.name }.join(", ")'), 'CallExpression');
      const inner = is(is(join.callee, 'PropertyExpression').object, 'CallExpression');
      assert.equal(inner.trailingClosures.length, 1);
    });
    it('trailing closure after an argument list', () => {
      const call = is(expr('http("POST", url, body, null, headers) { req, res ->\n  res.code\n}'), 'CallExpression');
      assert.equal(call.args.length, 5);
      assert.deepEqual(call.trailingClosures[0].parameters?.map((p) => p.name.name), ['req', 'res']);
      assert.equal(call.parenthesized, true);
    });
    it('paren-less command calls, named arguments and `({ … })()`', () => {
      const text = 'debug.error "Value: " + x';
      const call = is(expr(text), 'CallExpression');
      assert.equal(call.parenthesized, false);
      assert.equal(src(text, call.args[0]), '"Value: " + x');
      const named = is(expr('nodeHelper.createComponent(issue, name: "A", lead: null)'), 'CallExpression');
      assert.deepEqual(named.args.map((a) => a.kind), ['Identifier', 'NamedArgument', 'NamedArgument']);
      const iife = is(expr('({ -> 1 })()'), 'CallExpression');
      assert.equal(is(iife.callee, 'ParenthesizedExpression').expression.kind, 'ClosureExpression');
      const chain = is(expr('a b c d'), 'CallExpression'); // a(b).c(d)
      assert.equal((is(chain.callee, 'PropertyExpression').property as A.Name).name, 'c');
    });
  });

  describe('expressions', () => {
    it('safe navigation, spread, quoted and GString property names, also left of `=`', () => {
      const a = is(expr('replica.customFields."Story Points"?.value = x'), 'AssignmentExpression');
      const target = is(a.target, 'PropertyExpression');
      assert.equal(target.operator, '?.');
      assert.equal(is(is(target.object, 'PropertyExpression').property, 'StringLiteral').value, 'Story Points');
      const s = is(expr('issue.labels*.label'), 'PropertyExpression');
      assert.equal(s.operator, '*.');
      const g = is(expr('workItem."${field}"'), 'PropertyExpression');
      assert.equal(g.property.kind, 'GStringLiteral');
      const mref = is(expr('this.&helper'), 'PropertyExpression');
      assert.equal(mref.operator, '.&');
    });
    it('index with negative indices, ranges and several indices', () => {
      const i = is(expr('list[-1]'), 'IndexExpression');
      assert.equal(is(i.indices[0], 'UnaryExpression').operator, '-');
      const r = is(is(expr('s[0..<3]'), 'IndexExpression').indices[0], 'RangeExpression');
      assert.equal(r.exclusiveTo, true);
      assert.equal(is(expr('1..5'), 'RangeExpression').exclusiveTo, false);
      assert.equal(is(expr('m?[k]'), 'IndexExpression').safe, true);
    });
    it('casts with `as` and `(Type) x`, instanceof, in, regex operators', () => {
      const c = is(expr('x as Integer'), 'CastExpression');
      assert.equal(c.style, 'as');
      const m = is(expr('[k: (int) v]'), 'MapExpression');
      const pc = is(is(m.entries[0], 'MapEntry').value, 'CastExpression');
      assert.equal(pc.style, 'paren');
      assert.equal(pc.type.name, 'int');
      assert.equal(is(expr('x instanceof String'), 'InstanceofExpression').negated, false);
      assert.equal(is(expr('x !instanceof String'), 'InstanceofExpression').negated, true);
      assert.equal(is(expr('s in list'), 'BinaryExpression').operator, 'in');
      assert.equal(is(expr('s =~ /a+/'), 'BinaryExpression').operator, '=~');
      assert.equal(is(expr('s ==~ /a+/'), 'BinaryExpression').operator, '==~');
    });
    it('operator precedence, ternary, elvis, compound assignment, ++/--', () => {
      const b = is(expr('a + b * c'), 'BinaryExpression');
      assert.equal(b.operator, '+');
      assert.equal(is(b.right, 'BinaryExpression').operator, '*');
      const t = is(expr('a ? b : c ?: d'), 'TernaryExpression');
      assert.equal(t.alternate.kind, 'ElvisExpression');
      assert.equal(is(expr('x += 2'), 'AssignmentExpression').operator, '+=');
      assert.equal(is(expr('x ?= 2'), 'AssignmentExpression').operator, '?=');
      assert.equal(is(expr('i++'), 'UpdateExpression').prefix, false);
      assert.equal(is(expr('--i'), 'UpdateExpression').prefix, true);
      assert.equal(is(expr('a && b || c'), 'BinaryExpression').operator, '||');
      assert.equal(is(expr('x >> 2'), 'BinaryExpression').operator, '>>');
    });
    it('number literals keep their text and suffix', () => {
      const n = (t: string): A.NumberLiteral => is(expr(t), 'NumberLiteral');
      assert.deepEqual([n('1000000d').suffix, n('1000000d').integer, n('1000000d').value], ['d', false, 1000000]);
      assert.deepEqual([n('10L').suffix, n('10L').integer], ['l', true]);
      assert.deepEqual([n('1.5G').suffix, n('1.5G').value, n('1.5G').text], ['g', 1.5, '1.5G']);
      assert.equal(n('0x1F').value, 31);
      assert.equal(n('1_000').value, 1000);
      assert.equal(n('1e3').integer, false);
    });
    it('strings: single, double, triple-quoted, slashy, dollar-slashy; GString parts', () => {
      assert.equal(is(expr("'a\\tb'"), 'StringLiteral').value, 'a\tb');
      assert.equal(is(expr("'''x\ny'''"), 'StringLiteral').value, 'x\ny');
      assert.equal(is(expr('/a\\/b\\d/'), 'StringLiteral').value, 'a/b\\d');
      assert.equal(is(expr('$/a/b$$/$'), 'StringLiteral').quote, '$/');
      const text = '"Hi $user.name, ${count + 1} left"';
      const g = is(expr(text), 'GStringLiteral');
      assert.deepEqual(g.parts.map((p) => p.kind), ['GStringText', 'GStringExpression', 'GStringText', 'GStringExpression', 'GStringText']);
      const path = is(g.parts[1], 'GStringExpression');
      assert.equal(path.braces, false);
      assert.equal(src(text, path.expression!), 'user.name');
      assert.equal(is(is(g.parts[3], 'GStringExpression').expression, 'BinaryExpression').operator, '+');
      const tq = is(expr('"""Line ${a}\nline"""'), 'GStringLiteral');
      assert.equal(tq.quote, '"""');
    });
    it('nested quotes inside ${} of a GString', () => {
      const text = 'def s = "k ${r.customFields."X"?.value}"';
      const g = is(stmt(text, 'VariableDeclaration').declarators[0].init, 'GStringLiteral');
      const e = is(is(g.parts[1], 'GStringExpression').expression, 'PropertyExpression');
      assert.equal(e.operator, '?.');
      assert.equal(is(is(e.object, 'PropertyExpression').property, 'StringLiteral').value, 'X');
    });
    it('map literals with name, string and parenthesized keys; [:] and lists', () => {
      const text = '[summary: s, "Custom Field": 2, ("cf_${id}".toString()): v, (k): 1]';
      const m = is(expr(text), 'MapExpression');
      const keys = m.entries.map((e) => is(e, 'MapEntry').key.kind);
      assert.deepEqual(keys, ['Name', 'StringLiteral', 'ParenthesizedExpression', 'ParenthesizedExpression']);
      assert.equal(is(expr('[:]'), 'MapExpression').entries.length, 0);
      assert.equal(is(expr('[]'), 'ListExpression').elements.length, 0);
      assert.equal(is(expr('[1, [2, 3]]'), 'ListExpression').elements.length, 2);
    });
    it('identifiers with $ and new with anonymous bodies and arrays', () => {
      const p = is(expr('scala.concurrent.Await$.MODULE$'), 'PropertyExpression');
      assert.equal((p.property as A.Name).name, 'MODULE$');
      const n = is(expr('new Date(0)'), 'NewExpression');
      assert.equal(n.type.name, 'Date');
      assert.deepEqual(is(expr('new String[] { "a" }'), 'NewExpression').arrayInitializer?.length, 1);
      assert.equal(is(expr('new HashMap<String, Object>()'), 'NewExpression').type.typeArguments?.length, 2);
    });
  });

  describe('ranges and positions', () => {
    it('gives every node a range inside its parent, in source order', () => {
      const text = 'def a = [x: 1]\nif (a?.x) {\n  workItem."Custom.Field" = "v ${a.x}"\n} else {\n  list.each { i -> println i }\n}';
      checkRanges(ok(text));
    });
    it('LineMap turns offsets into 0-based positions and back (LF, CRLF, CR)', () => {
      const text = 'ab\r\ncd\ne\rf';
      const lm = new LineMap(text);
      assert.deepEqual(lm.positionAt(0), { line: 0, character: 0 });
      assert.deepEqual(lm.positionAt(4), { line: 1, character: 0 });
      assert.deepEqual(lm.positionAt(8), { line: 2, character: 1 });
      assert.deepEqual(lm.positionAt(9), { line: 3, character: 0 });
      assert.equal(lm.offsetAt({ line: 1, character: 1 }), 5);
      assert.equal(lm.lineCount, 4);
    });
    it('nodePathAt finds the innermost node at an offset', () => {
      const text = 'replica.summary = workItem.summary';
      const path = nodePathAt(ok(text), text.indexOf('summary', 20) + 2);
      const last = path[path.length - 1];
      assert.equal(last.kind, 'Name');
      assert.equal((last as A.Name).name, 'summary');
    });
    it('the lexer marks which tokens start a new line', () => {
      const { tokens } = tokenize('a\nb (\nc)');
      assert.deepEqual(tokens.map((t) => [t.value, t.nl]), [['a', false], ['b', true], ['(', false], ['c', false], [')', false], ['', false]]);
    });
  });

  describe('errors and recovery', () => {
    it('half-typed `replica.` still gives a member access with a missing name', () => {
      for (const text of ['replica.', 'replica.summary = issue.summary\nreplica.\n', 'if (x) {\n  replica.\n}']) {
        const { ast, diagnostics } = parse(text);
        assert.equal(diagnostics.length > 0, true);
        let found: A.PropertyExpression | undefined;
        const visit = (n: A.Node): void => {
          if (n.kind === 'PropertyExpression' && n.property.kind === 'Name' && n.property.missing) found = n;
          forEachChild(n, visit);
        };
        visit(ast);
        assert.ok(found, `no member access with a missing name in ${JSON.stringify(text)}`);
        assert.equal(found!.property.range.start, found!.operatorRange.end);
        assert.equal(is(found!.object, 'Identifier').name, 'replica');
      }
    });
    it('keeps parsing after an error: later statements are in the AST, later errors are reported', () => {
      const text = 'def a = (1 +\nx = 2\ndef b = [1,\nworkItem.summary = "s"\nfoo(';
      const { ast, diagnostics } = parse(text);
      assert.ok(diagnostics.length >= 1);
      const visit = (n: A.Node, out: string[]): string[] => {
        if (n.kind === 'Identifier') out.push(n.name);
        forEachChild(n, (c) => void visit(c, out));
        return out;
      };
      assert.ok(visit(ast, []).includes('workItem'));
      const { diagnostics: two } = parse('x = )\ny = 1\nz = ]');
      assert.equal(two.length, 2);
      assert.deepEqual(two.map((d) => new LineMap('x = )\ny = 1\nz = ]').positionAt(d.range.start).line), [0, 2]);
    });
    it('reports the line Groovy reports (checked against Groovy 4 by the oracle test)', () => {
      assert.equal(firstError('def m() {\n  return 1\n')?.line, 3);
      assert.equal(firstError('x.each { l ->\n  y = \n}')?.line, 1);
      assert.equal(firstError('def s = "abc')?.message, 'Unterminated string literal');
      assert.equal(firstError('x = [1, 2]]')?.line, 1);
      assert.equal(firstError('while (true) { break }\nbreak')?.message, 'break statement is only allowed inside loops or switches');
      assert.equal(firstError('"a" = 1')?.message, 'The LHS of an assignment should be a variable or a field accessing expression');
    });
    it('never throws on garbage', () => {
      for (const text of ['}}}', ')))', '"${', '$/', '/* x', '@', 'class', 'def (', '[:', '{ ->', 'a.', '1..', 'new', 'x ? y', '(int', 'switch (x) { case']) {
        assert.doesNotThrow(() => parse(text), text);
        assert.ok(parse(text).diagnostics.length > 0, text);
      }
    });
  });
});
