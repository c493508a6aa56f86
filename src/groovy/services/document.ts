// A parsed script and its analysis, cached per context: the editor re-uses one ScriptDocument per document version
// for diagnostics, completion, hover and the rest. Pure: no `vscode`, no Node built-ins.
import { LineMap, type Range as OffsetRange } from '../ast';
import { parse } from '../index';
import type { ParseResult } from '../ast';
import { analyze, type Analysis } from './analysis';
import type { Position, Range, ScriptContext } from './protocol';

export class ScriptDocument {
  readonly lineMap: LineMap;
  readonly parsed: ParseResult;
  private cached: { direction: string | undefined; analysis: Analysis } | undefined;

  constructor(readonly text: string) {
    this.lineMap = new LineMap(text);
    this.parsed = parse(text);
  }

  analysis(ctx: ScriptContext): Analysis {
    if (this.cached?.direction !== ctx.direction || !this.cached) {
      this.cached = { direction: ctx.direction, analysis: analyze(this.parsed.ast, ctx.direction) };
    }
    return this.cached.analysis;
  }

  range(r: OffsetRange): Range {
    return { start: this.lineMap.positionAt(r.start), end: this.lineMap.positionAt(r.end) };
  }

  offsetAt(p: Position): number {
    return this.lineMap.offsetAt(p);
  }
}

export function createScriptDocument(text: string): ScriptDocument {
  return new ScriptDocument(text);
}
