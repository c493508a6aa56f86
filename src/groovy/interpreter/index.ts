// Public entry of the interpreter: parse and run a Groovy sync script on given bindings.
// Pure module: no `vscode`, no Node built-ins (it also runs in a browser).
import { parse } from '../index';
import type { Script } from '../ast';
import { Budget, BudgetOptions } from './budget';
import { Interpreter, ScriptErrorInfo } from './evaluator';
import { Value } from './values';

export { Budget } from './budget';
export type { BudgetOptions } from './budget';
export { Interpreter, StringBuilderValue } from './evaluator';
export type { ScriptErrorInfo } from './evaluator';
export { GroovyThrow, ScriptStop, groovyError, unsupported } from './errors';
export { toJson, parseJson, fromPlain, jsonString } from './json';
export * from './values';
export { toGroovyString, truthy, groovyEquals, compare, className } from './ops';

export interface RunScriptOptions {
  bindings?: Record<string, Value>;
  budget?: BudgetOptions;
  /** Receives println/print output. */
  print?: (text: string) => void;
  /** A script already parsed (warm runs). */
  ast?: Script;
}

export interface RunScriptResult {
  value: Value;
  error?: ScriptErrorInfo;
}

/** Parses (unless `ast` is given) and runs `source`. A syntax error is reported like a runtime error, at its line. */
export function runScript(source: string, opts: RunScriptOptions = {}): RunScriptResult {
  let ast = opts.ast;
  if (!ast) {
    const parsed = parse(source);
    if (parsed.diagnostics.length) {
      const d = parsed.diagnostics[0];
      const interp = new Interpreter(parsed.ast, source);
      const p = interp.position(d.range.start);
      return { value: null, error: { message: `syntax error: ${d.message}`, line: p.line, column: p.column } };
    }
    ast = parsed.ast;
  }
  const interp = new Interpreter(ast, source, { bindings: opts.bindings, budget: new Budget(opts.budget), print: opts.print });
  return interp.run();
}
