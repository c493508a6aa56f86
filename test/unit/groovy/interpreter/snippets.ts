// Generated snippets for the differential tests: `replica.result = <expression>` for every operator and GDK method
// the interpreter supports, after a prelude of sample values.

export const PRELUDE = `def l = [3, 1, 2]
def words = ['pear', 'Apple', 'fig', 'banana']
def m = [b: 2, a: 1, c: 3]
def s = 'Hello, World'
def n = 42
def big = 12345678901L
def dec = 12.50
def dbl = 2.5d
def nested = [[1, 2], [3, [4, 5]]]
def people = [[name: 'Ana', age: 31, team: 'A'], [name: 'Bo', age: 25, team: 'B'], [name: 'Cy', age: 31, team: 'A']]
def html = '<p>Hi &amp; <b>bye</b></p>'
def empty = []
def nul = null
`;

/** Expressions, each becomes one case `replica.result = <expr>`. */
export const EXPRESSIONS: string[] = [
  // arithmetic and number types
  '1 + 2', '7 - 10', '6 * 7', '7 / 2', '1 / 3', '2 / 3', '10 / 5', '-7 / 2', '7 % 3', '-7 % 3', '7.intdiv(2)', '(-7).intdiv(2)',
  '2 ** 10', '2 ** 31', '2 ** 63', '2 ** -2', '2L ** 40', '1.5 ** 3', '9 ** 0.5', '10 ** 20',
  'Integer.MAX_VALUE + 1', 'Integer.MIN_VALUE - 1', 'Long.MAX_VALUE + 1', '2147483647 * 2', '46341 * 46341', '100000L * 100000',
  '0.1 + 0.2', '0.1d + 0.2d', '1.0 / 3', '10 / 3.0', '1 / 8', '1 / 7', '22 / 7', '1.10 + 2.205', '1.5 * 1.5', '3.0 - 1', '5 / 0.5', '1e3 + 1',
  '2.5d * 2', '1.0f + 1', '3 * 1.5d', '10 % 3.5', 'dec * 2', 'dec / 4', 'dec.setScale(1, java.math.RoundingMode.HALF_UP)', 'dec.scale()',
  'big + 1', 'big * big', 'big / 2', 'n.toLong() + 1', 'n.toBigDecimal() / 8', 'n.toDouble() / 8', 'n / 8', 'n.intdiv(8)', 'n % 8',
  '-n', '+n', '~n', 'n & 10', 'n | 5', 'n ^ 3', 'n << 2', 'n >> 1', '-n >>> 28', 'n.abs()', '(-n).abs()', '(-2.5).abs()',
  '3.7.round()', '3.2d.round()', '-2.5d.round()', '3.14159.round(2)', '2.675d.round(2)', 'Math.max(3, 7)', 'Math.min(2.5d, 1)', 'Math.abs(-3)', 'Math.round(2.4d)', 'Math.floor(2.7d)', 'Math.ceil(2.1d)', 'Math.pow(2, 8)', 'Math.sqrt(16)',
  '1.0 == 1', '1.0 == 1.00', '1 == 1L', '1.equals(1L)', '3 <=> 4', '4.0 <=> 4', "'b' <=> 'a'", 'n > 41', 'n >= 42.0', 'dbl < dec',
  '5.toString()', '5.5.toString()', '1e10d.toString()', '0.00001d.toString()', '100.0d', '1.0E-5', '123.456e2', '0.000', '-0.0d', '1000000.0d', '10000000.0d',
  "'42'.toInteger() + 1", "'42'.toLong()", "'3.50'.toBigDecimal()", "'2.5'.toDouble()", "' 7 '.toInteger()", "'12'.isNumber()", "'1.5'.isInteger()", "'abc'.isNumber()",
  'n.toString().padLeft(5, "0")', '(0.1d * 3).toString()', '1.23456789012345678d', '100 as String', "'5' as Integer", "'5.5' as BigDecimal", '5 as Double', '3.99 as int', '(int) 3.99', '(long) 7', 'n as String',
  // strings
  's.size()', 's.length()', 's.toUpperCase()', 's.toLowerCase()', "s.contains('World')", "s.startsWith('Hell')", "s.endsWith('!')", "s.indexOf('o')", "s.indexOf('o', 5)", "s.lastIndexOf('o')",
  's.substring(7)', 's.substring(0, 5)', 's[0]', 's[-1]', 's[0..4]', 's[-5..-1]', 's[4..0]', 's[0..<5]', "s.replace('l', 'L')", "s.replaceAll('o', '0')", "s.replaceAll(/(\\w+), (\\w+)/, '$2 $1')", "s.replaceFirst(/l+/, '_')",
  "s.split(', ')", "s.split(',')", "'a,b,,c,,'.split(',')", "'a1b22c333'.split(/\\d+/)", "'a b  c'.split(' ')", "'x'.split(',')", "s.tokenize(', ')", "'one two  three'.tokenize()", "'a;b,c'.tokenize(';,')",
  "'  trim me  '.trim()", "'abc'.reverse()", "'abc' * 3", "'abc' + 1 + 2", "1 + 2 + 'abc'", "'Hello' - 'l'", "'abcabc' - 'b'", "s.take(5)", "s.drop(7)", "'ab'.padLeft(5)", "'ab'.padRight(5, '*') + '|'", "'ab'.center(6, '-')",
  "s.capitalize()", "'hello world'.capitalize()", "'Hello'.uncapitalize()", "s.charAt(1)", "s.charAt(1) == 'e'", "s.toList().take(3)", "s.count('l')", "'a\\nb\\nc'.readLines()", "'a\\nb'.split('\\n')",
  "s.matches('Hello.*')", "s.matches('hello.*')", "s ==~ /(?i)hello.*/", "(s =~ /o/).size()", "(s =~ /(\\w)o/)[0]", "(s =~ /(\\w)o/)[1][1]", "s.find(/W\\w+/)", "s.findAll(/[A-Z]/)", "s.find(/(\\w+), (\\w+)/) { all, a, b -> b }",
  "('2026-01-05' =~ /(\\d+)-(\\d+)-(\\d+)/)[0][1..3]", "'v1.2.3'.replaceAll(/[^0-9]/, '')", "'CamelCaseText'.replaceAll(/([A-Z])/, '_$1').toLowerCase()", "'a.b.c'.split('\\\\.')", "'a|b'.split('\\\\|')",
  "s.equalsIgnoreCase('hello, world')", "'b'.compareTo('a')", "'abc' < 'abd'", "'Z' < 'a'", "s.isEmpty()", "''.isEmpty()", "s.hashCode()", "'${n}'.toString()", '"n=${n}, dec=${dec}"', '"${l} ${m}"', '"x" + nul', '"${nul}"',
  "\"a${1}\" == 'a1'", "'a1' == \"a${1}\"", "\"a${1}\".equals('a1')", "[\"a${1}\"].contains('a1')", "['a1'].contains(\"a${1}\")", "[(\"k${1}\".toString()): 1].containsKey('k1')", "[(\"k${1}\"): 1].containsKey('k1')",
  "String.format('%05d|%-4s|%.2f|%x', 42, 'ab', 3.14159, 255)", "String.format('%s and %s', 'a', 1.5)", "sprintf('%3d', 7)", "'%d items'.format(3)", "String.valueOf(12)", "String.join('-', ['a', 'b'])",
  "html.replaceAll(/<[^>]+>/, '')", "'tab\\there'.replaceAll(/\\s+/, ' ')", "'line1\\r\\nline2'.normalize()", "'x'.multiply(2)", "'abc'.getAt(1)", "'é'.toUpperCase()", "'ß'.toUpperCase()", "'İ'.toLowerCase().length()",
  // lists
  'l.size()', 'l.sort()', 'l.sort(false)', 'l.toSorted()', 'l.max()', 'l.min()', 'l.sum()', 'l.sum(10)', 'l.first()', 'l.last()', 'l.head()', 'l.tail()', 'l.take(2)', 'l.drop(1)', 'l.reverse()', 'l.contains(2)', 'l.contains(2L)', 'l.indexOf(2)', 'l.isEmpty()', 'empty.isEmpty()',
  'l.collect { it * 2 }', 'l.findAll { it > 1 }', 'l.find { it > 1 }', 'l.find { it > 5 }', 'l.any { it > 2 }', 'l.every { it > 0 }', 'l.inject(0) { a, b -> a + b }', 'l.inject { a, b -> a * b }', "l.join(', ')", 'l.join()', 'l.count(1)', 'l.count { it % 2 == 1 }',
  'l.each { it }', 'l.eachWithIndex { x, i -> x }', '{ -> def r = []; l.eachWithIndex { x, i -> r << "$i:$x" }; r }()', 'l + 4', 'l + [4, 5]', 'l - 1', 'l - [1, 2]', 'l * 2', 'l << 9', '[1, 2, 2, 3, 3, 3].unique()', '[1, 2, 2, 3].toUnique()', '[3, 1, 2].unique { it % 2 }',
  'nested.flatten()', '[1, [2, [3, null]]].flatten()', 'l.withIndex()', 'l.indexed()', "words.sort()", "words.sort { it.size() }", "words.sort { a, b -> b <=> a }", "words.sort { it.toLowerCase() }", "words.max { it.size() }", "words.min { it.size() }",
  "words.groupBy { it.size() }", "words.countBy { it[0].toLowerCase() }", "words.collectEntries { [(it): it.size()] }", "words.collectEntries { [it, it.size()] }", "words.findIndexOf { it.startsWith('f') }", "words.collect { it[0] }.join()", "words*.size()", "words*.toUpperCase()",
  "people.name", "people*.name", "people.collect { it.name }", "people.findAll { it.age > 30 }.name", "people.groupBy { it.team }", "people.groupBy { it.team }.collectEntries { k, v -> [k, v*.name] }", "people.sum { it.age }", "people.max { it.age }.name", "people.sort { -it.age }.name", "people.find { it.name == 'Bo' }?.age",
  "people.collectMany { [it.name, it.age] }", "people.every { it.age > 18 }", "people*.age.unique()", "people.age.sum() / people.size()", "people.countBy { it.team }", "[1, 2, 3].collect { it % 2 == 0 ? 'even' : 'odd' }",
  'l[0]', 'l[-1]', 'l[5]', 'l[0..1]', 'l[1..-1]', 'l[-2..-1]', 'l[0, 2]', '[1, 2, 3, 4, 5][1..<3]', '[1, 2, 3].subList(1, 3)', '[1, 2, 3].intersect([2, 3, 4])', '[1, 2].disjoint([3])', '[1, 2, 3, 4].split { it % 2 == 0 }', '[1, 2, 3, 4, 5].collate(2)',
  '[[1, "a"], [2, "b"]].transpose()', '[1, 2, 3].takeWhile { it < 3 }', '[1, 2, 3].dropWhile { it < 2 }', '[1, 2, 3].findResult { it > 1 ? it * 10 : null }', '[1, null, 2].findAll()', '[0, 1, null, "", "a"].grep()', '[1, "a", 2.5].grep(Number)', "['a1', 'b2', 'a3'].grep(~/a\\d/)",
  '[1, 2, 3].asImmutable()', '[3, 1, 2].toSet()', "['pear', 'apple', 'fig'] as Set", "['pear', 'apple', 'pear'].toSet()", '[1, 2] == [1, 2]', '[1, 2] == [1L, 2.0]', '[1, 2].equals([1L, 2L])', '[] == []', '[1, [2]] == [1, [2]]',
  '{ -> def x = [1, 2]; x.add(3); x.addAll([4, 5]); x.remove(0); x.remove((Object) 5); x }()', '{ -> def x = [1, 2, 3]; x.removeAll { it > 1 }; x }()', '{ -> def x = [1]; x[3] = 4; x }()', '{ -> def x = []; x.push(1); x.push(2); x }()',
  '(1..5).toList()', '(1..<5).collect { it }', '(5..1).toList()', "('a'..'e').join()", '(1..10).step(3)', '(1..4).sum()', '(1..3).contains(2)', '3 in (1..5)', '(1..0).size()', '(0..<0).toList()', '(1..5)[1..2]', '(1..3) == [1, 2, 3]',
  // maps
  'm.size()', 'm.a', "m['b']", 'm.get("c")', 'm.z', "m.get('z', 9)", '{ -> def x = [:]; x.get("k", []) << 1; x }()', 'm.keySet()', 'm.values()', 'm.entrySet().collect { it.key + it.value }', 'm.containsKey("a")', 'm.containsValue(3)', 'm.isEmpty()', '[:].isEmpty()',
  'm.collect { k, v -> "$k=$v" }', 'm.collect { it.key }', 'm.findAll { k, v -> v > 1 }', 'm.find { it.value == 2 }?.key', 'm.any { k, v -> v > 2 }', 'm.every { k, v -> v > 0 }', 'm.sort()', 'm.sort { it.value }', 'm.sort { a, b -> b.value <=> a.value }', 'm.max { it.value }.key', 'm.min { it.value }.value',
  'm.collectEntries { k, v -> [(k.toUpperCase()): v * 10] }', 'm.inject(0) { acc, k, v -> acc + v }', 'm.groupBy { it.value % 2 }', 'm.count { k, v -> v > 1 }', 'm + [d: 4]', 'm - [a: 1]', 'm.subMap(["a", "b"])', "m.each { k, v -> k }", 'm.keySet().toList().sort()',
  '{ -> def x = [:]; x.a = 1; x["b"] = 2; x.put("c", 3); x << [d: 4]; x.remove("a"); x }()', '{ -> def x = [z: 1, a: 2]; x.y = 3; x.keySet().join() }()', '[a: 1] == [a: 1]', '[a: 1, b: 2] == [b: 2, a: 1]', '[1: "x"][1]', '[1: "x"][1L]', '[(1L): "x"][1]', '[a: [b: [c: 5]]].a.b.c',
  "[a: null].containsKey('a')", "[a: 1].getOrDefault('b', 7)", '{ -> def x = [:]; x.computeIfAbsent("k") { 5 }; x.putIfAbsent("k", 6); x }()', 'm.eachWithIndex { e, i -> e }', 'm.entrySet().first().key', 'm.collectMany { k, v -> [k] * v }', '[b: 1, a: 2].toString()', '[:].toString()', '[a: [1, 2]].toString()',
  // truth, null safety, elvis, ternary
  'nul?.size()', 'nul?.name?.toUpperCase()', 'nul ?: "default"', '"" ?: "empty"', '0 ?: 5', 'empty ?: [0]', 'n ? "yes" : "no"', '!nul', '!!n', '!empty', 'nul == null', 'nul != null', '[nul].size()', "nul in [null]", 'people*.missing', '[[a: 1], null]*.a',
  '"" as Boolean', '"false" as Boolean', '"false".toBoolean()', '0 as Boolean', 'Boolean.parseBoolean("TRUE")', 'true && nul', 'false || "x"', 'true & false', 'true ^ true',
  // instanceof, class checks, switch
  "s instanceof String", "\"${n}\" instanceof String", "\"${n}\" instanceof GString", 'n instanceof Integer', 'big instanceof Long', 'dec instanceof BigDecimal', 'dbl instanceof Double', 'l instanceof List', 'm instanceof Map', '(1..2) instanceof List', 'n instanceof Number',
  's.getClass().getName()', 'n.getClass().simpleName', 'dec.class.name', 'l.getClass().name', 'm.getClass().name', '(1/3).getClass().name', '(2**40).getClass().simpleName', '(1L + 1).class.simpleName', '(1 + 1.0d).class.simpleName', '("a" + 1).class.simpleName',
  '{ -> switch (n) { case 1..10: return "small"; case 11..100: return "medium"; default: return "large" } }()',
  '{ -> switch ("abc") { case ~/a.*/: return "regex"; default: return "none" } }()', '{ -> switch ("abc") { case ~/b/: return "partial"; default: return "full-only" } }()',
  '{ -> switch (dec) { case Integer: return "int"; case BigDecimal: return "bd"; default: return "?" } }()', '{ -> switch ("x") { case ["a", "x"]: return "list"; default: return "no" } }()', '{ -> switch (5) { case { it > 3 }: return "closure"; default: return "no" } }()',
  '{ -> def r = []; switch (2) { case 1: r << 1; case 2: r << 2; case 3: r << 3; break; case 4: r << 4 }; r }()', '{ -> switch (null) { case null: return "null"; default: return "d" } }()', '{ -> switch (1L) { case 1: return "one"; default: return "d" } }()',
  // closures
  '{ x -> x * 2 }(21)', '{ it + 1 }(1)', '{ -> 7 }()', '{ a, b = 10 -> a + b }(1)', '{ a, b -> a + b }([1, 2])', '[[1, 2], [3, 4]].collect { a, b -> a * b }', '{ -> def c = { x -> return x * 3; 0 }; c(3) }()', '{ -> def total = 0; [1, 2, 3].each { total += it }; total }()',
  '{ -> def counter = 0; def inc = { counter++ }; inc(); inc(); counter }()', '{ -> def f = { it }; f() }()', '{ -> def c = { a, b -> a }; c.maximumNumberOfParameters }()', '[a: 1].with { a + 1 }', '[1, 2, 3].with { size() }', '[x: 1].tap { it.y = 2 }',
  '{ -> def r = []; for (i in 0..<3) { if (i == 1) continue; r << i }; r }()', '{ -> def r = []; for (int i = 0; i < 5; i++) { if (i == 3) break; r << i }; r }()', '{ -> def i = 0; while (i < 5) { i += 2 }; i }()', '{ -> def r = []; for (e in [a: 1, b: 2]) { r << e.key + e.value }; r }()',
  '{ -> def r = []; for (ch in "abc") { r << ch }; r }()', '{ -> def r = []; outer: for (a in 1..3) { for (b in 1..3) { if (b == 2) continue outer; r << "$a$b" } }; r }()', '{ -> def (a, b) = [1, 2]; a + b }()', '{ -> def x = 5; x += 2; x *= 3; x -= 1; x /= 4; x }()', '{ -> def x = "a"; x += "b"; x <<= "c"; x.toString() }()',
  '{ -> def i = 5; [i++, i, ++i, i--, --i] }()', '{ -> def l2 = [1, 2]; l2[0]++; l2 }()', '{ -> def mm = [n: 1]; mm.n++; mm.n += 5; mm }()', '{ -> def s2 = "x"; s2 *= 3; s2 }()',
  // exceptions
  '{ -> try { throw new Exception("boom") } catch (Exception e) { e.message } }()', '{ -> try { nul.foo() } catch (NullPointerException e) { "npe" } }()', '{ -> try { 1 / 0 } catch (ArithmeticException e) { e.message } }()', '{ -> try { "x".toInteger() } catch (NumberFormatException e) { "nfe" } }()',
  '{ -> def r = []; try { r << 1; throw new IllegalStateException("s") } catch (IllegalArgumentException e) { r << 2 } catch (RuntimeException e) { r << 3 } finally { r << 4 }; r }()', '{ -> try { throw new RuntimeException("a") } catch (e) { e.getMessage() } }()',
  '{ -> try { [].first() } catch (NoSuchElementException e) { "empty" } }()', '{ -> try { [1].get(3) } catch (IndexOutOfBoundsException e) { "ioob" } }()', '{ -> def f = { throw new Exception("in closure") }; try { f() } catch (Exception e) { e.message } }()', '{ -> try { return 1 } finally { 2 } }()',
  // JSON
  'groovy.json.JsonOutput.toJson([a: 1, b: [1.5, "x", null, true]])', 'groovy.json.JsonOutput.toJson("é\\n")', 'new groovy.json.JsonSlurper().parseText(\'{"a": [1, 2.50, {"b": null}], "c": 12345678901}\')', 'new groovy.json.JsonSlurper().parseText(\'{"a": 1}\').a + 1',
  // misc
  '{ -> def sb = new StringBuilder(); sb.append("a").append(1); sb << "b"; sb.toString() }()', 'new ArrayList([1, 2])', 'new LinkedHashMap([a: 1])', 'new HashSet([3, 1, 2]).sort()', 'Integer.parseInt("12") + Integer.valueOf("3")', 'Long.parseLong("9000000000")', 'Double.parseDouble("1.5")', 'Integer.MAX_VALUE', 'Long.MAX_VALUE',
  'java.util.regex.Pattern.compile("a+").matcher("caaat").find()', 'java.util.regex.Pattern.quote("a.b")', '"a.b".split(java.util.regex.Pattern.quote("."))', '"AbC".toLowerCase() == "abc"', 'Objects.equals(null, null)', 'Collections.emptyList()', 'Arrays.asList(1, 2)',
  '{ -> assert 1 == 1; "asserted" }()', 'String.valueOf([a: [1, [b: 2]]])', '[1, 2, 3].sum() / 2', '[1.5, 2.5].sum()', '[1, 2.5d].sum()', '["a", "b"].sum()', '[[1], [2]].sum()', '[1, 2, 3].average()', '[2, 4].average()',
];

/** Small whole scripts: methods, classes, closures with owner/delegate, exceptions across calls. */
export const SCRIPTS: { name: string; script: string }[] = [
  {
    name: 'script methods and binding',
    script: `def twice(x) { x * 2 }
String greet(String who, String greeting = 'Hi') { "$greeting, $who" }
counter = 0
def bump() { counter++ }
bump(); bump()
replica.result = [twice(21), greet('Ana'), greet('Bo', 'Hello'), counter, greet('x') instanceof String]`,
  },
  {
    name: 'classes',
    script: `class Mapping {
  Map<String, String> table = [Open: 'New', Done: 'Closed']
  String fallback = 'Active'
  static int created = 0
  Mapping() { created++ }
  String map(String s) { table[s] ?: fallback }
  static String describe() { "mappings: $created" }
}
class Pair { def a; def b; String toString() { "($a, $b)" } }
def m1 = new Mapping()
def m2 = new Mapping(fallback: 'X')
replica.result = [m1.map('Open'), m1.map('Weird'), m2.map('Weird'), Mapping.describe(), new Pair(a: 1, b: 2).toString(), "\${new Pair(a: 'x', b: null)}"]`,
  },
  {
    name: 'status mapping with switch and maps',
    script: `def statusMap = ["Open": "New", "In Progress": "Active", "Done": "Closed"]
def out = []
for (s in ["Open", "Done", "Unknown", null]) {
  def mapped = statusMap[s] ?: "New"
  switch (s) {
    case null: out << "null->$mapped"; break
    case ~/O.*/: out << "O:$mapped"; break
    default: out << mapped
  }
}
replica.result = out`,
  },
  {
    name: 'return from closure and script',
    script: `def found = [1, 2, 3, 4].find { if (it > 2) return true; return false }
def r = [1, 2, 3].collect { if (it == 2) return 'two'; it }
replica.result = [found, r]
if (found) return
replica.result = 'not reached'`,
  },
  {
    name: 'exceptions across methods',
    script: `def check(x) { if (x < 0) throw new IllegalArgumentException("negative: $x"); x }
def msgs = []
[1, -2].each { try { msgs << check(it) } catch (IllegalArgumentException e) { msgs << e.message } }
try { throw new IssueTrackerException("tracker says no") } catch (Exception e) { msgs << e.message << (e instanceof IssueTrackerException) }
replica.result = msgs`,
  },
  { name: 'uncaught exception line', script: `replica.a = 1\ndef x = null\n\nreplica.b = x.size()\n` },
  { name: 'thrown exception line', script: `replica.a = 1\nif (true) {\n  throw new Exception("x")\n}\n` },
  { name: 'missing property line', script: `replica.a = 1\nreplica.b = undefinedThing + 1\n` },
  { name: 'debug.error line', script: `replica.a = 1\n\ndebug.error("stop here: \${replica.a}")\n` },
  {
    name: 'owner and delegate',
    script: `def conf = [name: 'cfg', size: 3]
def r = conf.with { "\${name}:\${size}" }
def c = { -> name }
c.delegate = [name: 'delegated']
c.resolveStrategy = Closure.DELEGATE_FIRST
replica.result = [r, c()]`,
  },
  {
    name: 'nested closures and recursion',
    script: `def fact
fact = { n -> n <= 1 ? 1 : n * fact(n - 1) }
def fib(n) { n < 2 ? n : fib(n - 1) + fib(n - 2) }
replica.result = [fact(20), fact(25), fib(15), (1..5).collect { i -> (1..i).inject(0) { a, b -> a + b } }]`,
  },
  {
    name: 'GString keys and labels',
    script: `def key = "Customer"
replica.customFields."\${key}" = [value: "ACME"]
replica.customKeys."k\${1}" = 1
def m = [:]
m["a\${1}"] = 'gs'
m.put("b\${2}", 'raw')
replica.result = [m.containsKey('a1'), m.containsKey('b2'), m.keySet()*.getClass()*.simpleName]`,
  },
];

SCRIPTS.push(
  {
    name: 'enums and initializer blocks',
    script: `enum Level {
  LOW("low"), HIGH("high");
  final String text
  Level(String t) { text = t }
  static Level parse(String s) { s == 'high' ? HIGH : LOW }
}
class Counter {
  static List<String> log = []
  int n
  static { log << 'static' }
  { n = 10; log << 'instance' }
  Counter() { n++ }
}
def c = new Counter()
def l = Level.parse('high')
def r = []
switch (l) { case Level.HIGH: r << 'high!'; break; default: r << 'other' }
replica.result = [l.text, l.name(), l.ordinal(), "$l", Level.values()*.text, Level.valueOf('LOW').text, l == Level.HIGH, c.n, Counter.log, r, l]`,
  },
);

// Edge cases: Java regex translation, number printing, Unicode, JSON escaping, sorting stability, conversions.
EXPRESSIONS.push(
  "'a1b2c3'.replaceAll(/(?<=[a-z])\\d/, '#')", "'price: 42 EUR'.find(/(?<amount>\\d+)/)", "('x=1, y=22' =~ /(?<k>\\w)=(?<v>\\d+)/).collect { it[2] }", "'Hello World'.replaceAll(/\\bW/, 'w')",
  "'tab\\tand space'.split(/\\s/)", "'ABCdef'.findAll(/\\p{Upper}/)", "'ABCdef'.replaceAll(/\\p{Lower}+/, '_')", "'a.b*c'.replaceAll(/\\Q.*\\E/, '!')", "'x+y'.split(/\\+/)", "'AbC'.replaceAll('(?i)abc', 'z')",
  "'line1\\nline2'.findAll(/(?m)^\\w+$/)", "'a\\nb'.replaceAll(/(?s)a.b/, 'X')", "'aaa'.replaceAll(/a*/, '-')", "'abc'.split('')", "'a,b;c d'.split(/[,; ]/)", "'2026-01-05T10:00:00Z'.split(/[-T:Z]/)", "'x'.replaceAll(/x/, '\\\\$1')",
  "'été'.toUpperCase()", "'😀x'.size()", "'😀x'.reverse()", "'😀x'[0..1]", "'Ünïcödé'.toLowerCase()", "'a\\u2028b'", "'\\u0000'.size()", "'tab\\there'", "'quote\"s'", "'back\\\\slash'",
  '0.1d * 3', '1.0d / 3', '100.0d / 3', '1e-7d', '123456789012.0d', '1.0E21d', '-1.5e-10d', '(float) 0.1', '0.1f + 0.2f', '1 / 3.0d', '2.0d ** 0.5', '10.0d.toString()', '"${0.1d + 0.2d}"', '(0.5d).round()', '(1.5d).round()', '(-0.5d).round()',
  '1.10 == 1.1', '1.10.equals(1.1)', '[1.10].contains(1.1)', '1.10.hashCode() == 1.1.hashCode()', '[1.0: "a"][1.00]', '1.0.compareTo(1.00)', '(1.0).stripTrailingZeros()', '(100.0).stripTrailingZeros()', '(0.000).stripTrailingZeros()', '1.23e5.toPlainString()',
  '12345678901234567890', '12345678901234567890 + 1', '(2G ** 100).toString().size()', '-(2 ** 31)', '(-2147483648).abs()', 'Long.MIN_VALUE.abs()', '5.intdiv(-2)', '(-5) % -2', '7.5 % 2', '-7.5 % 2', '1 / -3',
  '[3, 1, 2].sort { a, b -> 0 }', "[[k: 1, v: 'a'], [k: 0, v: 'b'], [k: 1, v: 'c']].sort { it.k }*.v", "['b', 'A', 'a', 'B'].sort()", "['b', 'A', 'a', 'B'].sort(String.CASE_INSENSITIVE_ORDER)", "['10', '9', '100'].sort()", "['10', '9', '100'].sort { it as int }",
  '[null, 2, 1].sort()', '[2, null, 1].max()', '[[1, 2], [1]].sort { it.size() }', "[b: 1, a: 1].sort { it.value }.keySet()", "[1, 2, 3].sum { it / 2 }", "[0.1, 0.2].sum()", "[1L, 2].sum().getClass().simpleName",
  "'5' as int", "'5' as long", "' 5' as Integer", "'5.0' as Integer", "5.9 as Integer", "5.9d as long", "'abc' as List", "[1, 2] as String", "[a: 1] as String", "(1..3) as List", "[3, 3, 1] as Set", "'true' as boolean", "1 as boolean",
  '"abc".inject("") { acc, c -> c + acc }', '"hello".collect { it.toUpperCase() }.join()', '"a-b-c".tokenize("-").reverse().join("+")', '"hello world".split(" ").collect { it.capitalize() }.join(" ")', '"CSV,with,,empty".split(",", -1)', '"a:b:c".split(":", 2)',
  '"%.3f".format(2.0d / 3)', 'String.format("%08.2f|%,d|%+d|%e", 3.14159d, 1234567, 5, 12345.678d)', 'String.format("%-6s|%6s|%S", "ab", "cd", "ef")', 'String.format("%.2f", 2.675)', 'String.format("%.1f", 0.25d)', 'String.format("%d%%", 50)',
);
