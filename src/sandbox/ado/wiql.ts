// The WIQL subset the emulator answers (`POST {project}/_apis/wit/wiql`): a flat work item query
//   SELECT [f], … FROM WorkItems [WHERE <clause> [AND <clause>]…] [ORDER BY [f] [ASC|DESC], …]
// where a clause is `[field] <op> <value>` with op = <> < > <= >= CONTAINS, and value a 'string', a number or
// @project. Anything else is refused with a 400 naming what is not supported, never silently answered wrong.
import * as z from 'zod';

export const wiqlBody = z.object({ query: z.string().min(1, 'query is required').max(32_768, 'the query is longer than 32768 characters') });

export interface WiqlClause {
  field: string;
  op: '=' | '<>' | '<' | '>' | '<=' | '>=' | 'contains';
  value: string | number | { macro: 'project' };
}

export interface WiqlQuery {
  select: string[];
  where: WiqlClause[];
  orderBy: Array<{ field: string; descending: boolean }>;
}

export type WiqlParse = { ok: true; query: WiqlQuery } | { ok: false; message: string };

const FIELD = /^\[([A-Za-z][\w.]*)\]$/;

function splitTopLevel(text: string, sep: RegExp): string[] {
  // Splits outside of quoted strings ('' escapes a quote inside one).
  const parts: string[] = [];
  let cur = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return [...parts, cur + text.slice(i)];
      cur += text.slice(i, end + 1);
      i = end + 1;
      continue;
    }
    const m = sep.exec(text.slice(i));
    if (m && m.index === 0) {
      parts.push(cur);
      cur = '';
      i += m[0].length;
      continue;
    }
    cur += text[i++];
  }
  parts.push(cur);
  return parts;
}

function parseValue(raw: string): WiqlClause['value'] | undefined {
  const v = raw.trim();
  if (/^@project$/i.test(v)) return { macro: 'project' };
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  const m = /^'((?:[^']|'')*)'$/.exec(v);
  return m ? m[1].replace(/''/g, "'") : undefined;
}

/** Parses the supported subset; the message of a failure says what is not supported. */
export function parseWiql(text: string): WiqlParse {
  const q = text.trim().replace(/\s+/g, ' ');
  const m = /^SELECT (.+?) FROM WorkItems(?: WHERE (.+?))?(?: ORDER BY (.+))?$/i.exec(q);
  if (!m) return { ok: false, message: 'The Azure DevOps emulator answers only flat queries: SELECT [fields] FROM WorkItems [WHERE …] [ORDER BY …].' };
  const select: string[] = [];
  for (const part of m[1].split(',')) {
    const f = FIELD.exec(part.trim());
    if (!f) return { ok: false, message: `TF51006: The query statement is missing a field name in brackets near '${part.trim()}'.` };
    select.push(f[1]);
  }
  const where: WiqlClause[] = [];
  if (m[2]) {
    for (const clause of splitTopLevel(m[2], /^ AND /i)) {
      const c = /^\s*\[([A-Za-z][\w.]*)\]\s*(<>|<=|>=|=|<|>|CONTAINS)\s*(.+?)\s*$/i.exec(clause);
      const value = c ? parseValue(c[3]) : undefined;
      if (!c || value === undefined) {
        return { ok: false, message: `The Azure DevOps emulator does not support the condition '${clause.trim()}' (use [field] = 'value', <>, <, >, <=, >=, CONTAINS, joined by AND).` };
      }
      where.push({ field: c[1], op: c[2].toLowerCase() as WiqlClause['op'], value });
    }
  }
  const orderBy: WiqlQuery['orderBy'] = [];
  if (m[3]) {
    for (const part of m[3].split(',')) {
      const o = /^\s*\[([A-Za-z][\w.]*)\](?:\s+(ASC|DESC))?\s*$/i.exec(part);
      if (!o) return { ok: false, message: `The Azure DevOps emulator does not support the sort '${part.trim()}' (use [field] ASC|DESC).` };
      orderBy.push({ field: o[1], descending: (o[2] ?? '').toUpperCase() === 'DESC' });
    }
  }
  return { ok: true, query: { select, where, orderBy } };
}

type FieldValue = string | number | boolean | { displayName: string; uniqueName: string } | undefined;

function comparable(v: FieldValue): string | number | undefined {
  if (v === undefined || typeof v === 'string' || typeof v === 'number') return v;
  if (typeof v === 'boolean') return String(v);
  return `${v.displayName} <${v.uniqueName}>`;
}

function compare(a: string | number | undefined, b: string | number | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'en', { sensitivity: 'base' });
}

/**
 * Ids of the work items matching `query`, in its order (by id when it has none). `field(item, name)` reads a field
 * by reference name (case-insensitive); `project` is the query's project name (for @project).
 */
export function runWiql<T>(query: WiqlQuery, items: T[], field: (item: T, name: string) => FieldValue, idOf: (item: T) => number, project: string | undefined): number[] {
  const matches = items.filter((item) =>
    query.where.every((c) => {
      const value = typeof c.value === 'object' ? project : c.value;
      const raw = field(item, c.field);
      if (value === undefined) return false;
      // An identity equals its display name, its mail address or `Name <mail>`, like in the service's query editor.
      if (typeof raw === 'object' && (c.op === '=' || c.op === '<>')) {
        const hit = [raw.displayName, raw.uniqueName, comparable(raw)].some((v) => compare(v, value) === 0);
        return c.op === '=' ? hit : !hit;
      }
      const have = comparable(raw);
      if (c.op === 'contains') return have !== undefined && String(have).toLowerCase().includes(String(value).toLowerCase());
      const d = compare(have, value);
      return c.op === '=' ? have !== undefined && d === 0 : c.op === '<>' ? d !== 0 : c.op === '<' ? d < 0 : c.op === '>' ? d > 0 : c.op === '<=' ? d <= 0 : d >= 0;
    }),
  );
  const order = query.orderBy.length ? query.orderBy : [{ field: 'System.Id', descending: false }];
  matches.sort((a, b) => {
    for (const o of order) {
      const d = compare(comparable(field(a, o.field)), comparable(field(b, o.field)));
      if (d !== 0) return o.descending ? -d : d;
    }
    return idOf(a) - idOf(b);
  });
  return matches.map(idOf);
}
