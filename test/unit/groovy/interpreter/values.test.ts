// Groovy value semantics in the interpreter: numbers, equality, truth, strings, regex, collections, JSON output.
// Expected values were produced by real Groovy 4.0.26 (groovy.ui.GroovyMain) on the same expressions.
import { json, show, table } from './helpers';

describe('groovy interpreter: numbers', () => {
  it('promotes and divides like Groovy (Integer, Long, BigInteger, BigDecimal, Double)', () => {
    table(json, [
      ['1/3', '0.3333333333'],
      ['1/2', '0.5'],
      ['2**31', '2147483648'],
      ['Integer.MAX_VALUE + 1', '-2147483648'],
      ['2147483647L + 1', '2147483648'],
      ['-2147483648 - 1', '2147483647'],
      ['10.0/4', '2.5'],
      ['1.5G*2', '3.0'],
      ['2**0.5', '1.4142135623730951'],
      ['4**0.5', '2'],
      ['1e3', '1E+3'],
      ['3.0d', '3.0'],
      ['7.intdiv(2)', '3'],
      ['-7 % 3', '-1'],
      ['2**-1', '0.5'],
      ['1.0f/3', '0.3333333333333333'],
      ['10/4', '2.5'],
      ['100L*100000000000', '10000000000000'],
      ['2**62', '4611686018427387904'],
      ['2**64', '18446744073709551616'],
      ['1.5**2', '2.25'],
      ['1e10d', '1.0E10'],
      ['0.001d', '0.001'],
      ['1e-4d', '1.0E-4'],
      ['100/7', '14.2857142857'],
      ['2/3', '0.6666666667'],
      ['1/1024', '0.0009765625'],
      ['10.5/3', '3.5'],
      ['123456789.0d', '1.23456789E8'],
      ['1.1f*2', '2.200000047683716'],
      ['1.50 + 1', '2.50'],
      ['5 % 0.3', '0.2'],
      ['0.1+0.2', '0.3'],
      ['0.1d+0.2d', '0.30000000000000004'],
      ['7/7', '1'],
      ['6.0/2', '3.0'],
      ['1.00*1.0', '1.000'],
      ['10.0 / 3', '3.3333333333'],
      ['2.5d.round()', '3'],
      ['-3.5d.round()', '-4'],
      ['3.7.intValue()', '3'],
      ['Math.round(2.5)', '3'],
      ['Math.max(1, 2L)', '2'],
      ['1.5.toInteger()', '1'],
    ]);
  });
});

describe('groovy interpreter: equality, comparison, printing', () => {
  it('== is equals/compareTo with numeric coercion; collections print as Groovy prints them', () => {
    table(show, [
      ['[[1,2].contains(1L), 1L in [1,2], [1,2].indexOf(1L)]', '[false, false, -1]'],
      ['[[1L].unique(), [1, 1L, 1.0].unique(), [1,2,3].minus(2L)]', '[[1], [1], [1, 3]]'],
      ["['b','a','c','B'] as Set", '[b, a, c, B]'],
      ["['banana','apple','cherry','date','fig'].toSet()", '[banana, date, apple, cherry, fig]'],
      ['(1..3).toString()', '1..3'],
      ['"${1..3}"', '[1, 2, 3]'],
      ["\"${[1,'a']}\"", '[1, a]'],
      ['[[1,2,3].sum(), [].sum(), [\'a\',\'b\'].sum()]', '[6, null, ab]'],
      ['[4 <=> 2, \'a\' <=> \'b\', 3 == 3.0, [1,2] == [1L, 2.0], 1.0 == 1.00, [a:1] == [a:1L], null == null, "1" == 1]', '[1, -1, true, true, true, true, true, false]'],
      ["[[3,1,2].sort(), [a:1].collect{k,v->k+v}, [b:2,a:1].sort(), [3,1].sort(false)]", '[[1, 2, 3], [a1], [a:1, b:2], [1, 3]]'],
      ["[1..3 == [1,2,3], [1,2,3].withIndex(), [10,20].indexed(), 'A'..'C']", '[true, [[1, 0], [2, 1], [3, 2]], [0:10, 1:20], A..C]'],
      ['[:]', '[:]'],
      ['[a: [b: [1, null]]]', '[a:[b:[1, null]]]'],
    ]);
  });

  it('Groovy truth', () => {
    table(show, [
      ["[null, 0, 0.0, '', [], [:], 'x', 1, [0], 0L, 0.0d, false].collect { it ? 'T' : 'F' }.join()", 'FFFFFFTTTFFF'],
      ["('abc' =~ /b/) ? 'T' : 'F'", 'T'],
      ["('abc' =~ /z/) ? 'T' : 'F'", 'F'],
    ]);
  });
});

describe('groovy interpreter: strings and regex', () => {
  it('split, tokenize, indices, padding, replaceAll with Java replacement syntax', () => {
    table(show, [
      ['"a,b,,".split(",")', '[a, b]'],
      ['"".split(",")', '[]'],
      ['",a".split(",")', '[, a]'],
      ['"a1b2".split(/\\d/)', '[a, b]'],
      ['" a  b ".split()', '[a, b]'],
      ['" a b ".tokenize()', '[a, b]'],
      ['"12 ".toInteger()', '12'],
      ["['abc'[1], 'abc'[-1], 'abcdef'[1..-2], 'abc'[2..0]]", '[b, c, bcde, cba]'],
      ["[1,2,3][5]", 'null'],
      ['"x".padLeft(4,\'ab\')', 'abax'],
      ["'Hello World'.replaceAll(/o(.)/, '0$1$1')", 'Hell0  W0rrld'],
      ["'abc'.replace('b','$')", 'a$c'],
      ["'a.b.c'.tokenize('.')", '[a, b, c]'],
      ["(5 as String) + 1", '51'],
      ["'3' * 3", '333'],
      ["('ab12cd345' =~ /\\d+/).collect { it }", '[12, 345]'],
      ["('key=val' =~ /(\\w+)=(\\w+)/)[0][2]", 'val'],
      ["'2024-01-05' ==~ /\\d{4}-\\d{2}-\\d{2}/", 'true'],
      ["'ABC'.matches('(?i)abc')", 'true'],
      ["'a\\nb' ==~ /a.b/", 'false'],
      ["'<p>Hi <b>there</b></p>'.replaceAll(/<[^>]+>/, '')", 'Hi there'],
      ["'John Smith'.replaceAll(/(\\w+) (\\w+)/) { all, a, b -> b + ', ' + a }", 'Smith, John'],
    ]);
  });

  it('GString is a String for ==, but not for Map keys', () => {
    table(show, [
      ['{ -> def x = 1; def m = [a1: 1]; [m["a${x}"], m.get("a${x}"), m."a${x}", ("a${x}" == "a1"), [("a${x}"): 2].containsKey("a1")] }()', '[1, null, 1, true, false]'],
    ]);
  });
});

describe('groovy interpreter: JSON output like JsonOutput.toJson', () => {
  it('escapes non-ASCII and control characters, keeps map order, writes BigDecimal and Double as Java prints them', () => {
    table(json, [
      ['"é\\u0001\\"\\\\/"', '"\\u00e9\\u0001\\"\\\\/"'],
      ["'a' as char", '"a"'],
      ['[b: 1, a: [x: null, y: [true, 1.50]]]', '{"b":1,"a":{"x":null,"y":[true,1.50]}}'],
      ['"x${1}y"', '"x1y"'],
      ['1..3', '[1,2,3]'],
    ]);
  });
});
