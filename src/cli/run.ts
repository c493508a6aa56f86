// `exalate-script run`: runs a sync script locally (Test Run) on a work item or a replica given as JSON files.
//   run outgoing --script s.groovy --work-item wi.json [--context ctx.json]
//       → the replica as JSON on stdout
//   run incoming --script s.groovy --replica r.json [--work-item current.json] [--first-sync] [--context ctx.json]
//       → { "workItem": …, "changes": [{ "field", "before", "after" }] } on stdout
// A script error prints { "error": { "message", "line", "column" } } on stdout and exits 1; bad usage or an unreadable
// or invalid input file exits 2 with a message on stderr. println and debug/log output go to stderr.
// JSON shapes: docs/test-run.md.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { jsonString } from '../groovy/interpreter/json';
import { runIncoming, runOutgoing, type LogEntry, type RuntimeContext } from '../groovy/runtime';

export interface RunIo {
  out(line: string): void;
  err(line: string): void;
}

export const RUN_USAGE = `usage: exalate-script run outgoing --script <file.groovy> --work-item <work-item.json> [--context <context.json>]
       exalate-script run incoming --script <file.groovy> --replica <replica.json> [--work-item <current.json>] [--first-sync] [--context <context.json>]

Runs a sync script locally on the given JSON and prints the result as JSON on stdout:
  outgoing  the replica the script builds from the work item
  incoming  { "workItem": the work item after the script, "changes": [{ "field", "before", "after" }] };
            without --work-item the script works on a new, empty work item (use --first-sync)
A script error prints { "error": { "message", "line", "column" } } and exits 1. Bad usage exits 2.

options:
  --script <file>      the Groovy sync script
  --work-item <file>   work item JSON (summary, description, status: {name}, comments: [...], customFields, ...)
  --replica <file>     replica JSON (same shape), for incoming scripts
  --first-sync         incoming: firstSync is true (the work item is being created)
  --context <file>     lookups: { "users": [{displayName, email, key, username}], "issueTypes": ["Bug", ...],
                       "links": { "<remote id>": { "id": 1, "key": "1" } }, "connectionName": "..." }
  --max-steps <n>      step budget (default 5000000)
  --timeout <ms>       time budget (default 5000)`;

const Named = z.object({ name: z.string().nullable().optional() }).passthrough().nullable().optional();
const User = z.object({ displayName: z.string().nullable().optional(), email: z.string().nullable().optional() }).passthrough().nullable().optional();

/** The script model's work item / replica shape; other properties are allowed and passed through. */
export const EntityJson = z
  .object({
    id: z.union([z.number(), z.string()]).nullable().optional(),
    key: z.string().nullable().optional(),
    summary: z.string().nullable().optional(),
    description: z.string().nullable().optional(),
    status: Named,
    priority: Named,
    type: Named,
    project: z.object({ key: z.string().nullable().optional(), name: z.string().nullable().optional() }).passthrough().nullable().optional(),
    labels: z.array(z.object({ label: z.string() }).passthrough()).nullable().optional(),
    comments: z
      .array(z.object({ id: z.union([z.number(), z.string()]).nullable().optional(), body: z.string().nullable().optional(), author: User, created: z.string().nullable().optional() }).passthrough())
      .nullable()
      .optional(),
    attachments: z.array(z.object({ id: z.union([z.number(), z.string()]).nullable().optional(), filename: z.string().nullable().optional() }).passthrough()).nullable().optional(),
    areaPath: z.string().nullable().optional(),
    iterationPath: z.string().nullable().optional(),
    assignee: User,
    reporter: User,
    created: z.string().nullable().optional(),
    customFields: z.record(z.string(), z.object({ value: z.unknown() }).passthrough().nullable()).nullable().optional(),
    customKeys: z.record(z.string(), z.unknown()).nullable().optional(),
  })
  .passthrough();

export const ContextJson = z
  .object({
    users: z
      .array(z.object({ displayName: z.string().optional(), email: z.string().optional(), key: z.string().optional(), username: z.string().optional(), active: z.boolean().optional() }).strict())
      .optional(),
    issueTypes: z.array(z.string()).optional(),
    links: z.record(z.string(), z.object({ id: z.union([z.number(), z.string()]), key: z.string() }).strict()).optional(),
    connectionName: z.string().optional(),
  })
  .strict();

class UsageError extends Error {}

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${what} ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (e as Error).message}`);
  }
}

async function readJson<T>(file: string, what: string, schema: z.ZodType<T>): Promise<string> {
  const text = await readText(file, what);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${what} ${file} is not valid JSON: ${(e as Error).message}`);
  }
  const r = schema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new UsageError(`${what} ${file} does not have the expected shape: ${issue.path.length ? issue.path.join('.') + ': ' : ''}${issue.message} (see docs/test-run.md)`);
  }
  return text;
}

function positiveInt(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) <= 0) throw new UsageError(`${flag} must be a positive whole number, got "${v}"`);
  return Number(v);
}

function printLogs(io: RunIo, logs: LogEntry[], output: string): void {
  if (output) for (const l of output.replace(/\n$/, '').split('\n')) io.err(l);
  for (const l of logs) io.err(`[${l.level}] ${l.message}`);
}

/** The `run` subcommand. Returns the exit code. */
export async function runCommand(argv: string[], io: RunIo): Promise<number> {
  try {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.out(RUN_USAGE);
      return 0;
    }
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: true,
        strict: true,
        options: {
          script: { type: 'string' },
          'work-item': { type: 'string' },
          replica: { type: 'string' },
          'first-sync': { type: 'boolean' },
          context: { type: 'string' },
          'max-steps': { type: 'string' },
          timeout: { type: 'string' },
        },
      });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const { values, positionals } = parsed;
    const direction = positionals[0];
    if (positionals.length !== 1 || (direction !== 'outgoing' && direction !== 'incoming')) {
      throw new UsageError(positionals.length === 0 ? 'say which script to run: outgoing or incoming' : `expected "outgoing" or "incoming", got "${positionals.join(' ')}"`);
    }
    if (!values.script) throw new UsageError('--script <file.groovy> is required');
    if (direction === 'outgoing') {
      if (!values['work-item']) throw new UsageError('run outgoing needs --work-item <work-item.json>');
      if (values.replica) throw new UsageError('--replica is for run incoming');
      if (values['first-sync']) throw new UsageError('--first-sync is for run incoming');
    } else if (!values.replica) throw new UsageError('run incoming needs --replica <replica.json>');
    const budget = { maxSteps: positiveInt(values['max-steps'], '--max-steps'), maxMillis: positiveInt(values.timeout, '--timeout') };
    const script = await readText(values.script, 'script');
    const context: RuntimeContext = values.context ? ContextJson.parse(JSON.parse(await readJson(values.context, 'context', ContextJson))) : {};
    const workItem = values['work-item'] ? await readJson(values['work-item'], 'work item', EntityJson) : null;
    const opts = { context, budget };
    const result =
      direction === 'outgoing'
        ? runOutgoing(script, workItem!, opts)
        : runIncoming(script, await readJson(values.replica!, 'replica', EntityJson), workItem, values['first-sync'] ?? false, opts);
    printLogs(io, result.logs, result.output);
    if (result.error) {
      const e = result.error;
      io.out(`{"error":{"message":${jsonString(e.message)},"line":${e.line},"column":${e.column}${e.exception ? `,"exception":${jsonString(e.exception)}` : ''}}}`);
      return 1;
    }
    io.out(result.json!);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`exalate-script run: ${e.message}\n\n${RUN_USAGE}`);
      return 2;
    }
    throw e;
  }
}
