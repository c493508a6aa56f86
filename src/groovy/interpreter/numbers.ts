// Groovy number semantics (org.codehaus.groovy.runtime.typehandling.NumberMath and friends): the result type of a
// binary operation is the "widest" of Integer < Long < BigInteger < BigDecimal < Double; Integer and Long wrap
// like Java; `/` on integers is a BigDecimal division with Groovy's default scale; `**` promotes.
import { ARITHMETIC, groovyError, NUMBER_FORMAT } from './errors';
import { GNumber, JBigDecimal, JBigInteger, JDouble, JFloat, JLong, isNumber } from './values';

export const enum Rank {
  Int = 0,
  Long = 1,
  BigInt = 2,
  BigDec = 3,
  Double = 4,
}

export function rankOf(n: GNumber): Rank {
  if (typeof n === 'number') return Rank.Int;
  if (n instanceof JLong) return Rank.Long;
  if (n instanceof JBigInteger) return Rank.BigInt;
  if (n instanceof JBigDecimal) return Rank.BigDec;
  return Rank.Double;
}

const INT_MIN = -2147483648n;
const INT_MAX = 2147483647n;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

export function toBigInt(n: GNumber): bigint {
  if (typeof n === 'number') return BigInt(n);
  if (n instanceof JLong || n instanceof JBigInteger) return n.v;
  if (n instanceof JBigDecimal) return n.s <= 0 ? n.u * 10n ** BigInt(-n.s) : n.u / 10n ** BigInt(n.s);
  const d = n.v;
  if (!Number.isFinite(d)) return 0n;
  return BigInt(Math.trunc(d));
}

export function toDouble(n: GNumber): number {
  if (typeof n === 'number') return n;
  if (n instanceof JLong || n instanceof JBigInteger) return Number(n.v);
  if (n instanceof JBigDecimal) return Number(bigDecimalToString(n));
  return n.v;
}

export function toBigDecimal(n: GNumber): JBigDecimal {
  if (n instanceof JBigDecimal) return n;
  if (typeof n === 'number') return new JBigDecimal(BigInt(n), 0);
  if (n instanceof JLong || n instanceof JBigInteger) return new JBigDecimal(n.v, 0);
  return parseBigDecimal(doubleToString(n.v));
}

/** Java int conversion (`intValue()`): wraps. */
export function toInt(n: GNumber): number {
  if (typeof n === 'number') return n;
  if (n instanceof JDouble || n instanceof JFloat) {
    const d = n.v;
    if (Number.isNaN(d)) return 0;
    if (d >= 2147483647) return 2147483647;
    if (d <= -2147483648) return -2147483648;
    return Math.trunc(d) | 0;
  }
  return Number(BigInt.asIntN(32, toBigInt(n)));
}

export function toLongBig(n: GNumber): bigint {
  if (n instanceof JDouble || n instanceof JFloat) {
    const d = n.v;
    if (Number.isNaN(d)) return 0n;
    if (d >= 2 ** 63) return LONG_MAX;
    if (d <= -(2 ** 63)) return LONG_MIN;
    return BigInt(Math.trunc(d));
  }
  return BigInt.asIntN(64, toBigInt(n));
}

function intOf(b: bigint): number {
  return Number(BigInt.asIntN(32, b));
}
function longOf(b: bigint): JLong {
  return new JLong(BigInt.asIntN(64, b));
}

/** Integer if it fits, else Long if it fits, else BigInteger (used for parsing and `**`). */
export function narrowestIntegral(b: bigint, allowInt = true): GNumber {
  if (allowInt && b >= INT_MIN && b <= INT_MAX) return Number(b);
  if (b >= LONG_MIN && b <= LONG_MAX) return new JLong(b);
  return new JBigInteger(b);
}

// ---------------------------------------------------------------- BigDecimal

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

function digitCount(b: bigint): number {
  const s = (b < 0n ? -b : b).toString();
  return s === '0' ? 1 : s.length;
}

export function bdPrecision(d: JBigDecimal): number {
  return digitCount(d.u);
}

function align(a: JBigDecimal, b: JBigDecimal): [bigint, bigint, number] {
  if (a.s === b.s) return [a.u, b.u, a.s];
  if (a.s > b.s) return [a.u, b.u * pow10(a.s - b.s), a.s];
  return [a.u * pow10(b.s - a.s), b.u, b.s];
}

export function bdCompare(a: JBigDecimal, b: JBigDecimal): number {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Rounds the rational n/d (d > 0) to an integer, half-up (away from zero on .5). */
function divRoundHalfUp(n: bigint, d: bigint): bigint {
  const neg = n < 0n !== d < 0n;
  const an = n < 0n ? -n : n;
  const ad = d < 0n ? -d : d;
  let q = an / ad;
  const r = an % ad;
  if (r * 2n >= ad) q += 1n;
  return neg ? -q : q;
}

export function bdSetScale(d: JBigDecimal, scale: number): JBigDecimal {
  if (scale === d.s) return d;
  if (scale > d.s) return new JBigDecimal(d.u * pow10(scale - d.s), scale);
  return new JBigDecimal(divRoundHalfUp(d.u, pow10(d.s - scale)), scale);
}

export function bdStripTrailingZeros(d: JBigDecimal): JBigDecimal {
  if (d.u === 0n) return new JBigDecimal(0n, 0);
  let u = d.u;
  let s = d.s;
  while (u % 10n === 0n) {
    u /= 10n;
    s -= 1;
  }
  return new JBigDecimal(u, s);
}

/** BigDecimal.divide(divisor) (exact) or null when the expansion does not terminate within Java's precision. */
function bdDivideExact(a: JBigDecimal, b: JBigDecimal): JBigDecimal | null {
  const preferred = a.s - b.s;
  if (a.u === 0n) return new JBigDecimal(0n, Math.max(preferred, 0) === preferred ? preferred : preferred);
  // a/b = (a.u / b.u) × 10^(b.s - a.s)
  let n = a.u;
  let d = b.u;
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const g = gcd(n < 0n ? -n : n, d);
  n /= g;
  d /= g;
  let twos = 0;
  let fives = 0;
  let rest = d;
  while (rest % 2n === 0n) {
    rest /= 2n;
    twos++;
  }
  while (rest % 5n === 0n) {
    rest /= 5n;
    fives++;
  }
  if (rest !== 1n) return null;
  const k = Math.max(twos, fives);
  const u = n * (pow10(k) / d);
  const mcPrecision = bdPrecision(a) + Math.ceil((10 * bdPrecision(b)) / 3);
  if (digitCount(u) > mcPrecision) return null;
  return new JBigDecimal(u, k + preferred);
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}

/** BigDecimal.divide(divisor, new MathContext(precision, HALF_UP)) for a non-terminating quotient. */
function bdDivideMc(a: JBigDecimal, b: JBigDecimal, precision: number): JBigDecimal {
  // q = (a.u × 10^b.s) / (b.u × 10^a.s); choose scale so the result has `precision` digits.
  let num = a.u * (b.s >= 0 ? pow10(b.s) : 1n);
  let den = b.u * (a.s >= 0 ? pow10(a.s) : 1n);
  if (b.s < 0) den *= pow10(-b.s);
  if (a.s < 0) num *= pow10(-a.s);
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const an = num < 0n ? -num : num;
  // integer digits of |q|: e such that 10^(e-1) <= |q| < 10^e
  let e = digitCount(an / den) - (an / den === 0n ? 1 : 0);
  if (an / den === 0n) {
    // |q| < 1: count leading zeros after the point
    let t = an * 10n;
    e = 0;
    while (t < den) {
      t *= 10n;
      e--;
    }
  }
  let scale = precision - e;
  let u = scale >= 0 ? divRoundHalfUp(num * pow10(scale), den) : divRoundHalfUp(num, den * pow10(-scale));
  if (digitCount(u) > precision) {
    scale -= 1;
    u = divRoundHalfUp(u, 10n);
  }
  return new JBigDecimal(u, scale);
}

export function bdDivideGroovy(a: JBigDecimal, b: JBigDecimal): JBigDecimal {
  if (b.u === 0n) throw groovyError(ARITHMETIC, a.u === 0n ? 'Division undefined' : 'Division by zero');
  const exact = bdDivideExact(a, b);
  if (exact) return exact;
  const precision = Math.max(bdPrecision(a), bdPrecision(b)) + 10;
  const r = bdDivideMc(a, b, precision);
  let scale = Math.max(r.s, a.s, b.s);
  if (scale > 10) scale = 10;
  return bdSetScale(r, scale);
}

export function bigDecimalToString(d: JBigDecimal): string {
  const neg = d.u < 0n;
  const digits = (neg ? -d.u : d.u).toString();
  const n = digits.length;
  const adjusted = -d.s + (n - 1);
  let body: string;
  if (d.s >= 0 && adjusted >= -6) {
    if (d.s === 0) body = digits;
    else if (n > d.s) body = `${digits.slice(0, n - d.s)}.${digits.slice(n - d.s)}`;
    else body = `0.${'0'.repeat(d.s - n)}${digits}`;
  } else {
    body = (n > 1 ? `${digits[0]}.${digits.slice(1)}` : digits) + 'E' + (adjusted >= 0 ? '+' : '') + adjusted;
  }
  return neg ? `-${body}` : body;
}

/** BigDecimal.toPlainString */
export function bigDecimalToPlainString(d: JBigDecimal): string {
  const neg = d.u < 0n;
  let digits = (neg ? -d.u : d.u).toString();
  let body: string;
  if (d.s <= 0) body = digits + '0'.repeat(-d.s);
  else {
    if (digits.length <= d.s) digits = '0'.repeat(d.s - digits.length + 1) + digits;
    body = `${digits.slice(0, digits.length - d.s)}.${digits.slice(digits.length - d.s)}`;
  }
  return neg ? `-${body}` : body;
}

/** new BigDecimal(String) */
export function parseBigDecimal(text: string): JBigDecimal {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] === undefined || m[3] === ''))) throw groovyError(NUMBER_FORMAT, `Character array is missing "exponent" mark 'e' or 'E'.`);
  const frac = m[3] ?? '';
  const u = BigInt((m[1] === '-' ? '-' : '') + (m[2] + frac || '0'));
  const s = frac.length - (m[4] ? Number(m[4]) : 0);
  return new JBigDecimal(u, s);
}

// ---------------------------------------------------------------- Double formatting (Double.toString)

export function doubleToString(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  return formatJavaFloating(d, d.toExponential());
}

export function floatToString(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? 'Infinity' : '-Infinity';
  if (f === 0) return Object.is(f, -0) ? '-0.0' : '0.0';
  let exp = f.toExponential();
  for (let p = 1; p <= 9; p++) {
    const t = f.toExponential(p - 1);
    if (Math.fround(Number(t)) === f) {
      exp = t;
      break;
    }
  }
  return formatJavaFloating(f, exp);
}

function formatJavaFloating(d: number, exponential: string): string {
  const neg = d < 0;
  const m = /^-?(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(exponential);
  if (!m) return String(d);
  const digits = (m[1] + (m[2] ?? '')).replace(/0+$/, '') || '0';
  const e = Number(m[3]);
  const a = Math.abs(d);
  let body: string;
  if (a >= 1e-3 && a < 1e7) {
    if (e >= 0) {
      const intPart = digits.length > e + 1 ? digits.slice(0, e + 1) : digits + '0'.repeat(e + 1 - digits.length);
      const fracPart = digits.length > e + 1 ? digits.slice(e + 1) : '0';
      body = `${intPart}.${fracPart}`;
    } else {
      body = `0.${'0'.repeat(-e - 1)}${digits}`;
    }
  } else {
    body = `${digits[0]}.${digits.length > 1 ? digits.slice(1) : '0'}E${e}`;
  }
  return neg ? `-${body}` : body;
}

export function numberToString(n: GNumber): string {
  if (typeof n === 'number') return String(n);
  if (n instanceof JLong || n instanceof JBigInteger) return n.v.toString();
  if (n instanceof JBigDecimal) return bigDecimalToString(n);
  if (n instanceof JFloat) return floatToString(n.v);
  return doubleToString(n.v);
}

// ---------------------------------------------------------------- arithmetic

function doubleOf(n: number): JDouble {
  return new JDouble(n);
}

export function add(a: GNumber, b: GNumber): GNumber {
  if (typeof a === 'number' && typeof b === 'number') return (a + b) | 0;
  const r = Math.max(rankOf(a), rankOf(b));
  switch (r) {
    case Rank.Long:
      return longOf(toBigInt(a) + toBigInt(b));
    case Rank.BigInt:
      return new JBigInteger(toBigInt(a) + toBigInt(b));
    case Rank.BigDec: {
      const [x, y, s] = align(toBigDecimal(a), toBigDecimal(b));
      return new JBigDecimal(x + y, s);
    }
    default:
      return doubleOf(toDouble(a) + toDouble(b));
  }
}

export function subtract(a: GNumber, b: GNumber): GNumber {
  if (typeof a === 'number' && typeof b === 'number') return (a - b) | 0;
  const r = Math.max(rankOf(a), rankOf(b));
  switch (r) {
    case Rank.Long:
      return longOf(toBigInt(a) - toBigInt(b));
    case Rank.BigInt:
      return new JBigInteger(toBigInt(a) - toBigInt(b));
    case Rank.BigDec: {
      const [x, y, s] = align(toBigDecimal(a), toBigDecimal(b));
      return new JBigDecimal(x - y, s);
    }
    default:
      return doubleOf(toDouble(a) - toDouble(b));
  }
}

export function multiply(a: GNumber, b: GNumber): GNumber {
  if (typeof a === 'number' && typeof b === 'number') return Math.imul(a, b);
  const r = Math.max(rankOf(a), rankOf(b));
  switch (r) {
    case Rank.Long:
      return longOf(toBigInt(a) * toBigInt(b));
    case Rank.BigInt:
      return new JBigInteger(toBigInt(a) * toBigInt(b));
    case Rank.BigDec: {
      const x = toBigDecimal(a);
      const y = toBigDecimal(b);
      return new JBigDecimal(x.u * y.u, x.s + y.s);
    }
    default:
      return doubleOf(toDouble(a) * toDouble(b));
  }
}

/** `/`: integers and BigDecimals divide as BigDecimal (1/2 == 0.5, 1/3 == 0.3333333333); doubles as doubles. */
export function divide(a: GNumber, b: GNumber): GNumber {
  const r = Math.max(rankOf(a), rankOf(b));
  if (r === Rank.Double) return doubleOf(toDouble(a) / toDouble(b));
  return bdDivideGroovy(toBigDecimal(a), toBigDecimal(b));
}

export function intdiv(a: GNumber, b: GNumber): GNumber {
  const r = Math.max(rankOf(a), rankOf(b));
  if (r >= Rank.BigDec) {
    // DefaultGroovyMethods.intdiv(Number, Number) → integer math on the int values
    return intdivIntegral(toInt(a), toInt(b), Rank.Int);
  }
  return intdivIntegral(a, b, r);
}

function intdivIntegral(a: GNumber, b: GNumber, r: Rank): GNumber {
  const y = toBigInt(b);
  if (y === 0n) throw groovyError(ARITHMETIC, '/ by zero');
  const q = toBigInt(a) / y;
  if (r === Rank.Int) return intOf(q);
  if (r === Rank.Long) return longOf(q);
  return new JBigInteger(q);
}

/** `%` (remainder, sign of the dividend). */
export function remainder(a: GNumber, b: GNumber): GNumber {
  const r = Math.max(rankOf(a), rankOf(b));
  switch (r) {
    case Rank.Int:
    case Rank.Long:
    case Rank.BigInt: {
      const y = toBigInt(b);
      if (y === 0n) throw groovyError(ARITHMETIC, r === Rank.BigInt ? 'BigInteger divide by zero' : '/ by zero');
      const m = toBigInt(a) % y;
      return r === Rank.Int ? intOf(m) : r === Rank.Long ? longOf(m) : new JBigInteger(m);
    }
    case Rank.BigDec: {
      const [x, y, s] = align(toBigDecimal(a), toBigDecimal(b));
      if (y === 0n) throw groovyError(ARITHMETIC, 'Division by zero');
      return new JBigDecimal(x % y, s);
    }
    default:
      return doubleOf(toDouble(a) % toDouble(b));
  }
}

export function negate(a: GNumber): GNumber {
  if (typeof a === 'number') return -a | 0;
  if (a instanceof JLong) return longOf(-a.v);
  if (a instanceof JBigInteger) return new JBigInteger(-a.v);
  if (a instanceof JBigDecimal) return new JBigDecimal(-a.u, a.s);
  if (a instanceof JFloat) return new JFloat(-a.v);
  return doubleOf(-a.v);
}

/** DefaultGroovyMethods.power */
export function power(a: GNumber, b: GNumber): GNumber {
  const ra = rankOf(a);
  const rb = rankOf(b);
  if (typeof b === 'number' && ra <= Rank.BigDec) {
    if (b >= 0) {
      if (ra === Rank.BigDec) {
        const d = a as JBigDecimal;
        return new JBigDecimal(d.u ** BigInt(b), d.s * b);
      }
      const ans = toBigInt(a) ** BigInt(b);
      if (ra === Rank.Int) return ans >= INT_MIN && ans <= INT_MAX ? Number(ans) : new JBigInteger(ans);
      if (ra === Rank.Long) return ans >= LONG_MIN && ans <= LONG_MAX ? new JLong(ans) : new JBigInteger(ans);
      return new JBigInteger(ans);
    }
    return doubleOf(Math.pow(toDouble(a), b));
  }
  if (ra === Rank.BigInt && rb <= Rank.BigInt) {
    const e = toBigInt(b);
    if (e >= 0n) return new JBigInteger(toBigInt(a) ** e);
  }
  // power(Number, Number): a double, narrowed to Integer or Long when it is whole
  const ans = Math.pow(toDouble(a), toDouble(b));
  if (Number.isInteger(ans) && ans >= -2147483648 && ans <= 2147483647) return ans;
  if (Number.isInteger(ans) && Math.abs(ans) < 9.2e18) return new JLong(BigInt(ans));
  return doubleOf(ans);
}

export function compareNumbers(a: GNumber, b: GNumber): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  const r = Math.max(rankOf(a), rankOf(b));
  if (r <= Rank.BigInt) {
    const x = toBigInt(a);
    const y = toBigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (r === Rank.BigDec) return bdCompare(toBigDecimal(a), toBigDecimal(b));
  const x = toDouble(a);
  const y = toDouble(b);
  return x < y ? -1 : x > y ? 1 : x === y ? 0 : Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
}

export function isZero(n: GNumber): boolean {
  if (typeof n === 'number') return n === 0;
  if (n instanceof JLong || n instanceof JBigInteger) return n.v === 0n;
  if (n instanceof JBigDecimal) return n.u === 0n;
  return n.v === 0;
}

/** `++` / `--` (Number.next / previous): keeps the type. */
export function increment(n: GNumber, by: 1 | -1): GNumber {
  return add(n, by);
}

export function bitOp(op: '&' | '|' | '^' | '<<' | '>>' | '>>>', a: GNumber, b: GNumber): GNumber {
  const r = Math.max(rankOf(a), op === '<<' || op === '>>' || op === '>>>' ? Rank.Int : rankOf(b));
  if (r >= Rank.BigDec) throw groovyError('groovy.lang.MissingMethodException', `Cannot use ${op} on ${r === Rank.BigDec ? 'BigDecimal' : 'Double'}`);
  if (r === Rank.Int) {
    const x = toInt(a);
    const y = toInt(b);
    switch (op) {
      case '&':
        return x & y;
      case '|':
        return x | y;
      case '^':
        return x ^ y;
      case '<<':
        return x << y;
      case '>>':
        return x >> y;
      default:
        return (x >>> y) | 0;
    }
  }
  const x = toBigInt(a);
  const y = toBigInt(b);
  let v: bigint;
  switch (op) {
    case '&':
      v = x & y;
      break;
    case '|':
      v = x | y;
      break;
    case '^':
      v = x ^ y;
      break;
    case '<<':
      v = x << (y & 63n);
      break;
    case '>>':
      v = x >> (y & 63n);
      break;
    default:
      v = BigInt.asUintN(64, x) >> (y & 63n);
  }
  return r === Rank.Long ? longOf(v) : new JBigInteger(v);
}

/** A Groovy number literal (`10`, `10L`, `1.5`, `1.5G`, `1e3`, `1.0d`, `0x1F`, `1_000`). */
export function parseNumberLiteral(text: string): GNumber {
  let t = text.replace(/_/g, '');
  const last = t[t.length - 1].toLowerCase();
  const isHex = /^[+-]?0[xX]/.test(t);
  const isBin = /^[+-]?0[bB]/.test(t);
  let suffix = '';
  if (!isHex || 'lgi'.includes(last)) {
    if ('lgidf'.includes(last) && !(isHex && (last === 'd' || last === 'f'))) {
      suffix = last;
      t = t.slice(0, -1);
    }
  }
  const isDecimal = !isHex && !isBin && /[.eE]/.test(t);
  if (isDecimal || suffix === 'd' || suffix === 'f') {
    if (suffix === 'd') return new JDouble(Number(t));
    if (suffix === 'f') return new JFloat(Number(t));
    return parseBigDecimal(t);
  }
  let b: bigint;
  if (isHex || isBin) b = BigInt(t);
  else if (/^[+-]?0\d+$/.test(t)) b = BigInt('0o' + t.replace(/^([+-]?)0/, ''));
  else b = BigInt(t);
  if (suffix === 'l') return new JLong(b);
  if (suffix === 'g') return new JBigInteger(b);
  if (suffix === 'i') return intOf(b);
  return narrowestIntegral(b);
}

/** String.toInteger() and friends (Integer.valueOf(s.trim())). */
export function parseIntegerStrict(s: string, kind: 'int' | 'long' | 'bigint'): GNumber {
  const t = s.trim();
  if (!/^[+-]?\d+$/.test(t)) throw groovyError(NUMBER_FORMAT, `For input string: "${t}"`);
  const b = BigInt(t);
  if (kind === 'int') {
    if (b < INT_MIN || b > INT_MAX) throw groovyError(NUMBER_FORMAT, `For input string: "${t}"`);
    return Number(b);
  }
  if (kind === 'long') {
    if (b < LONG_MIN || b > LONG_MAX) throw groovyError(NUMBER_FORMAT, `For input string: "${t}"`);
    return new JLong(b);
  }
  return new JBigInteger(b);
}

export function parseDoubleStrict(s: string): number {
  const t = s.trim();
  if (!/^[+-]?(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[dDfF]?)$/.test(t)) throw groovyError(NUMBER_FORMAT, `For input string: "${t}"`);
  return Number(t.replace(/[dDfF]$/, ''));
}

export function isIntegral(n: GNumber): boolean {
  return typeof n === 'number' || n instanceof JLong || n instanceof JBigInteger;
}

export function numberFromJson(n: number): GNumber {
  if (Number.isInteger(n)) return narrowestIntegral(BigInt(n));
  return parseBigDecimal(String(n));
}

export { isNumber };
export type GNumberLike = GNumber;
