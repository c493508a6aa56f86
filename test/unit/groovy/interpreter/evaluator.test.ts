// The evaluator: closures, methods, classes, switch, exceptions, errors at their line, budgets and safety.
import * as assert from 'node:assert/strict';
import { GMap, runScript, toGroovyString } from '../../../../src/groovy/interpreter';
import { error, run, show, table } from './helpers';

describe('groovy interpreter: evaluator', () => {
  it('closures: it, parameters, defaults, destructuring, return from a closure, captured variables', () => {
    table(show, [
      ['[1, 2, 3].collect { it * it }', '[1, 4, 9]'],
      ['{ a, b = 2 -> a * b }(5)', '10'],
      ['[[1, 2], [3, 4]].collect { a, b -> a + b }', '[3, 7]'],
      ['[1, 2, 3, 4].findAll { if (it % 2) return false; true }', '[2, 4]'],
      ['{ -> def n = 0; 3.times { n += it }; n }()', '3'],
      ['{ -> def c = { x -> return { y -> x + y } }; c(1)(2) }()', '3'],
      ['[a: 1, b: 2].collect { k, v -> k * v }', '[a, bb]'],
      ['[a: 1].collect { e -> e.key + e.value }', '[a1]'],
    ]);
  });

  it('owner and delegate: with/tap resolve names on the delegate, script bindings first', () => {
    table(show, [
      ['[name: "x", size: 2].with { name * size }', 'xx'],
      ['{ -> def c = { -> foo }; c.delegate = [foo: "bar"]; c() }()', 'bar'],
    ]);
  });

  it('script methods see bindings but not script locals, and are callable before their definition', () => {
    const r = run(`x = 5\ndef y = 6\nreturn [f(), g()]\ndef f() { x * 2 }\ndef g() { try { y } catch (MissingPropertyException e) { 'no y' } }`);
    assert.equal(r.error, undefined);
    assert.equal(show(`[1]`), '[1]');
    assert.deepEqual(run(`x = 5\ndef f() { x * 2 }\nreturn f()`).value, 10);
    assert.match(String((r.value as unknown[])[1]), /no y/);
  });

  it('classes: fields with defaults, constructors, named arguments, static members, toString/equals', () => {
    const src = `class P {
  String name
  int age = 1
  static int count = 0
  P() { count++ }
  P(String n, int a) { name = n; age = a; count++ }
  String toString() { "P($name,$age)" }
  boolean equals(Object o) { o instanceof P && o.name == name }
  String greet(String other = 'you') { "hi $other from $name" }
}
def a = new P('ana', 3)
def b = new P(name: 'ana')
return [a.toString(), "$b", a == b, P.count, a.greet(), b.age, a.greet('bo')]`;
    const r = run(src);
    assert.equal(r.error, undefined, JSON.stringify(r.error));
    assert.equal(toGroovyString(r.value), '[P(ana,3), P(ana,1), true, 2, hi you from ana, 1, hi bo from ana]');
  });

  it('switch uses isCase: values, classes, regex (whole match), ranges, lists, closures, fall-through, default', () => {
    const sw = (v: string) =>
      show(`{ x -> switch (x) { case 1..3: return 'range'; case [7, 8]: return 'list'; case ~/a+b/: return 'regex'; case String: return 'string'; case { it instanceof List }: return 'closure'; case null: return 'null'; default: return 'default' } }(${v})`);
    table(sw, [
      ['2', 'range'],
      ['8', 'list'],
      ["'aab'", 'regex'],
      ["'aabc'", 'string'],
      ['[1]', 'closure'],
      ['null', 'null'],
      ['4.5d', 'default'],
    ]);
  });

  it('exceptions: throw/catch by type, finally always runs, IssueTrackerException, e.message', () => {
    table(show, [
      ['{ -> try { throw new IssueTrackerException("no") } catch (IssueTrackerException e) { e.message } }()', 'no'],
      ['{ -> def r = []; try { try { throw new RuntimeException("in") } finally { r << "f" } } catch (e) { r << e.message }; r }()', '[f, in]'],
      ['{ -> try { null.x } catch (NullPointerException e) { e.message } }()', "Cannot get property 'x' on null object"],
      ['{ -> try { noSuchMethod(1) } catch (MissingMethodException e) { "mme" } }()', 'mme'],
    ]);
  });

  it('reports an uncaught error with its message, line and column', () => {
    assert.deepEqual(error('def a = 1\n\nthrow new Exception("x")\n'), { message: 'x', line: 3, column: 1, exception: 'java.lang.Exception' });
    const npe = error('def w = [:]\nreplica.s = w.status.name\n');
    assert.equal(npe.line, 2);
    assert.match(npe.message, /Cannot get property 'name' on null object/);
    const mp = error('replica.a = 1\nreplica.b = nosuch\n');
    assert.equal(mp.line, 2);
    assert.match(mp.message, /No such property: nosuch/);
    const syntax = error('replica.a = (1 +\n');
    assert.match(syntax.message, /^syntax error/);
  });

  it('null-safe navigation, Elvis, spread and safe index', () => {
    table(show, [
      ['{ -> def x = null; [x?.a?.b, x?.size(), x ?: "d", x?.getAt(0)] }()', '[null, null, d, null]'],
      ['[[a: 1], [a: 2]]*.a', '[1, 2]'],
      ['[[a: [b: 1]], [a: [b: 2]]].a.b', '[1, 2]'],
      ['{ -> def l = null; l?[0] }()', 'null'],
      ['["x", null]*.toUpperCase()', '[X, null]'],
    ]);
  });
});

describe('groovy interpreter: budgets and safety', () => {
  it('stops an endless loop at its line with a step budget error', () => {
    const r = runScript('def i = 0\nwhile (true) {\n  i++\n}\n', { budget: { maxSteps: 10_000 } });
    assert.ok(r.error);
    assert.match(r.error.message, /step budget exceeded/);
    assert.ok(r.error.line >= 2 && r.error.line <= 3, `line ${r.error.line}`);
  });

  it('stops on the time budget', () => {
    let t = 0;
    const r = runScript('while (true) { }', { budget: { maxMillis: 50, now: () => (t += 10) } });
    assert.match(r.error?.message ?? '', /time budget exceeded/);
  });

  it('stops endless recursion and runaway memory', () => {
    assert.match(runScript('def f(n) { f(n + 1) }\nf(0)').error?.message ?? '', /stack budget exceeded/);
    assert.match(runScript('def s = "x"\nwhile (true) { s = s + s }', { budget: { maxStringLength: 1000 } }).error?.message ?? '', /memory budget exceeded/);
    assert.match(runScript('def l = []\nwhile (true) { l << 1 }', { budget: { maxCollectionSize: 1000 } }).error?.message ?? '', /memory budget exceeded/);
  });

  it('refuses files, processes, network and unknown Java classes with "not supported in Test Run" at the line', () => {
    const cases: [string, RegExp][] = [
      ['def a = 1\nnew File("/etc/passwd").text', /not supported in Test Run: File \(file access\)/],
      ['"ls".execute()', /not supported in Test Run: String\.execute\(\)/],
      ['Runtime.getRuntime().exec("ls")', /not supported in Test Run: Runtime \(processes\)/],
      ['new URL("http://x").text', /not supported in Test Run: URL \(network access\)/],
      ['def d = new Date()', /not supported in Test Run: new Date\(\)/],
      ['com.acme.Thing.make()', /not supported in Test Run: class com\.acme\.Thing/],
      ['"abc".matches("(?>a)bc")', /not supported in Test Run: regex atomic groups/],
      ['[1].stream()', /not supported in Test Run: List\.stream\(\)/],
      ['def s = "x"\ns.codePoints()', /not supported in Test Run: String\.codePoints\(\)/],
      ['def s = "x"\ntry { s.chars() } catch (e) { }', /not supported in Test Run: String\.chars\(\)/],
    ];
    for (const [src, re] of cases) {
      const r = runScript(src);
      assert.ok(r.error, src);
      assert.match(r.error.message, re, src);
      assert.equal(r.error.line, src.split('\n').length, src);
    }
  });

  it('a "not supported" error cannot be swallowed by catch', () => {
    const r = runScript('try { new File("x") } catch (Throwable t) { }\nreturn 1');
    assert.match(r.error?.message ?? '', /not supported in Test Run/);
  });

  it('keeps map insertion order in output', () => {
    const replica = new GMap();
    runScript('replica.z = 1\nreplica.a = 2\nreplica.m = [q: 1, b: 2]', { bindings: { replica } });
    assert.deepEqual(replica.keys(), ['z', 'a', 'm']);
  });
});
