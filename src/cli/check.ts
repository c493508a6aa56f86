// `exalate-script check [--direction outgoing|incoming] [--format text|json] <file…>`: syntax errors and the
// script-model checks of src/groovy/services, for sync scripts kept in git and checked in CI.
// Exit codes: 0 no errors (warnings allowed), 1 errors, 2 bad usage or an unreadable file.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { checkScript, directionFromFileName, type Diagnostic } from '../groovy/services';
import type { ScriptDirection } from '../groovy/model/types';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export const CHECK_USAGE = `usage: exalate-script check [--direction outgoing|incoming] [--format text|json] <file…>

Checks Exalate sync scripts (Groovy) for syntax errors and mistakes against the Azure DevOps script model.
  --direction   which script the files are; default: from each file name ("outgoing"/"incoming" in it),
                otherwise only syntax and direction-independent checks run
  --format      text (default): file:line:column: severity code: message
                json: one JSON object per line {file, line, column, endLine, endColumn, severity, code, message}
Exit status: 0 without errors, 1 with errors, 2 on bad usage or an unreadable file.`;

/** One reported problem with 1-based lines and columns (the JSON format). */
export interface CheckRecord {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: 'error' | 'warning' | 'info';
  code: string;
  message: string;
}

export function toRecord(file: string, d: Diagnostic): CheckRecord {
  return {
    file,
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
    endLine: d.range.end.line + 1,
    endColumn: d.range.end.character + 1,
    severity: d.severity,
    code: d.code,
    message: d.message,
  };
}

export async function runCheck(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { direction: { type: 'string' }, format: { type: 'string', default: 'text' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (e) {
    io.err(`exalate-script check: ${(e as Error).message}\n\n${CHECK_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(CHECK_USAGE);
    return 0;
  }
  if (values.direction !== undefined && values.direction !== 'outgoing' && values.direction !== 'incoming') {
    io.err(`exalate-script check: --direction must be "outgoing" or "incoming", not "${values.direction}".`);
    return 2;
  }
  if (values.format !== 'text' && values.format !== 'json') {
    io.err(`exalate-script check: --format must be "text" or "json", not "${values.format}".`);
    return 2;
  }
  if (positionals.length === 0) {
    io.err(`exalate-script check: no files given.\n\n${CHECK_USAGE}`);
    return 2;
  }
  let errors = 0;
  let warnings = 0;
  let unreadable = 0;
  for (const file of positionals) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'it is a directory' : err.code === 'EACCES' ? 'permission denied' : err.message;
      io.err(`exalate-script check: cannot read ${file}: ${why}`);
      unreadable++;
      continue;
    }
    const direction = (values.direction as ScriptDirection | undefined) ?? directionFromFileName(file);
    for (const d of checkScript(text, { direction })) {
      const r = toRecord(file, d);
      if (r.severity === 'error') errors++;
      else if (r.severity === 'warning') warnings++;
      io.out(values.format === 'json' ? JSON.stringify(r) : `${r.file}:${r.line}:${r.column}: ${r.severity} ${r.code}: ${r.message}`);
    }
  }
  if (values.format === 'text') {
    const checked = positionals.length - unreadable;
    io.err(`${checked} file${checked === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}.`);
  }
  return unreadable > 0 ? 2 : errors > 0 ? 1 : 0;
}
