// JSON in and out the way Groovy does it: `toJson` writes exactly what groovy.json.JsonOutput.toJson writes
// (BigDecimal as `1E+3`, Double as `1.0E10`, non-ASCII as \u00e9), `parseJson` reads like groovy.json.JsonSlurper
// (integers as Integer/Long/BigInteger, decimals as BigDecimal keeping their scale, objects as ordered maps).
import { groovyError, unsupported } from './errors';
import * as N from './numbers';
import { className, toGroovyString } from './ops';
import { GMap, GMapEntry, GObject, GRange, GStringValue, JChar, JDouble, JFloat, Value, isCallable, isHost, isNumber } from './values';

const JSON_EXCEPTION = 'groovy.json.JsonException';

export function jsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    switch (c) {
      case 0x22:
        out += '\\"';
        break;
      case 0x5c:
        out += '\\\\';
        break;
      case 0x08:
        out += '\\b';
        break;
      case 0x0c:
        out += '\\f';
        break;
      case 0x0a:
        out += '\\n';
        break;
      case 0x0d:
        out += '\\r';
        break;
      case 0x09:
        out += '\\t';
        break;
      default:
        if (c < 0x20 || c > 0x7e) out += '\\u' + c.toString(16).padStart(4, '0');
        else out += s[i];
    }
  }
  return out + '"';
}

/** groovy.json.JsonOutput.toJson(value) */
export function toJson(v: Value, depth = 0): string {
  if (depth > 200) throw groovyError(JSON_EXCEPTION, 'Structure too deep (cyclic?)');
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return jsonString(v);
  if (v instanceof GStringValue) return jsonString(v.s);
  if (v instanceof JChar) return jsonString(v.c);
  if (isNumber(v)) {
    if ((v instanceof JDouble || v instanceof JFloat) && !Number.isFinite(v.v)) {
      throw groovyError(JSON_EXCEPTION, `Number ${N.numberToString(v)} can't be serialized as JSON`);
    }
    return N.numberToString(v);
  }
  if (Array.isArray(v)) return `[${v.map((e) => toJson(e as Value, depth + 1)).join(',')}]`;
  if (v instanceof GRange) return toJson(v.toList(), depth + 1);
  if (v instanceof GMap) {
    const parts: string[] = [];
    for (const [k, x] of v.entries()) {
      if (k === null) throw groovyError(JSON_EXCEPTION, 'Maps with null keys can\'t be converted to JSON');
      parts.push(`${jsonString(toGroovyString(k))}:${toJson(x, depth + 1)}`);
    }
    return `{${parts.join(',')}}`;
  }
  if (v instanceof GMapEntry) return `{${jsonString(toGroovyString(v.key))}:${toJson(v.value, depth + 1)}}`;
  if (isHost(v) && v.toJSONValue) return toJson(v.toJSONValue(), depth + 1);
  if (v instanceof GObject && typeof (v as unknown as { enumName?: string }).enumName === 'string') return jsonString((v as unknown as { enumName: string }).enumName);
  if (isCallable(v)) throw unsupported('JsonOutput.toJson of a closure');
  throw unsupported(`JsonOutput.toJson of ${className(v)}`);
}

/** JsonOutput.prettyPrint(json) */
export function prettyPrint(json: string): string {
  let out = '';
  let indent = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (inString) {
      out += c;
      if (c === '\\') out += json[++i];
      else if (c === '"') inString = false;
      continue;
    }
    switch (c) {
      case '"':
        inString = true;
        out += c;
        break;
      case '{':
      case '[':
        if (json[i + 1] === (c === '{' ? '}' : ']')) {
          out += c + json[++i];
          break;
        }
        indent++;
        out += c + '\n' + '    '.repeat(indent);
        break;
      case '}':
      case ']':
        indent--;
        out += '\n' + '    '.repeat(indent) + c;
        break;
      case ',':
        out += ',\n' + '    '.repeat(indent);
        break;
      case ':':
        out += ': ';
        break;
      default:
        if (!/\s/.test(c)) out += c;
    }
  }
  return out;
}

/** Parses JSON text into Groovy values as JsonSlurper does. Throws a JsonException-style error on bad input. */
export function parseJson(text: string): Value {
  let i = 0;
  const fail = (msg: string): never => {
    throw groovyError(JSON_EXCEPTION, `${msg} at offset ${i}`);
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const value = (): Value => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const m = new GMap();
      ws();
      if (text[i] === '}') {
        i++;
        return m;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a string key');
        const k = string();
        ws();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        m.set(k, value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return m;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const a: Value[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return a;
      }
      for (;;) {
        a.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return a;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return string();
    if (text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) return fail('unexpected character');
    i += m[0].length;
    if (m[1] || m[2]) return N.parseBigDecimal(m[0]);
    return N.narrowestIntegral(BigInt(m[0]));
  };
  const string = (): string => {
    i++;
    let out = '';
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text[i++];
      if (c === '"') return out;
      if (c === '\\') {
        const e = text[i++];
        if (e === 'u') {
          out += String.fromCharCode(parseInt(text.slice(i, i + 4), 16));
          i += 4;
        } else out += ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '/': '/', '\\': '\\', '"': '"' } as Record<string, string>)[e] ?? fail('bad escape');
      } else out += c;
    }
  };
  const v = value();
  ws();
  if (i < text.length) fail('unexpected text after the JSON value');
  return v;
}

/** A plain JS value (from JSON.parse or a host) as Groovy values: numbers keep Integer/BigDecimal distinctions. */
export function fromPlain(v: unknown): Value {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return N.numberFromJson(v);
  if (Array.isArray(v)) return v.map(fromPlain);
  if (typeof v === 'object') {
    const m = new GMap();
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) m.set(k, fromPlain(x));
    return m;
  }
  return null;
}

/** Groovy values as plain JSON-compatible JS values (via toJson, so numbers print as Groovy prints them). */
export function toPlain(v: Value): unknown {
  return JSON.parse(toJson(v));
}
