// Command-line flags of the sandbox CLI (src/sandbox/cli.ts): usage text and zod-validated parsing, separate from
// the entry point so tests can parse argument lists without starting a node.
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import * as z from 'zod';
import { ModeSchema } from '../shared/api';
import { issuesToFieldErrors, shortNameSchema } from '../shared/validation';
import { DEFAULT_ORG, type SandboxOptions } from './sandbox';

export const USAGE = `Usage: node dist/sandbox.js --data <dir> --token-file <file> --name <short name> [options]

Runs a local Exalate node (Node API v1, see docs/node-api.md) with an Azure DevOps emulator under /ado/<org>.

Required:
  --data <dir>             data directory (created if missing)
  --token-file <file>      file holding the Bearer token for the Node API (8–512 visible ASCII characters;
                           surrounding whitespace is ignored). Preferred: a secret on the command line is
                           visible to every local user (ps, /proc). Like ssh, a file that group or others can
                           access is refused (chmod 600 <file>); the same holds for --ado-pat-file
  --token <token>          the token itself instead (kept for compatibility; use --token-file)
  --name <short name>      instance short name: letter/digit first, then letters, digits, _ . - (max 64)
Options:
  --port <n>               TCP port, 0 = pick a free one (default 0)
  --host <address>         interface to bind (default 127.0.0.1)
  --public-url <url>       URL other nodes use to reach this one (default http://<host>:<port>)
  --org <org>              Azure DevOps organization of the emulator (default ${DEFAULT_ORG})
  --ado-pat-file <file>    file holding the PAT the emulator accepts (default: the node token)
  --ado-pat <pat>          the PAT itself instead (kept for compatibility; use --ado-pat-file)
  --poll-ms <n>            how often an accepting node polls the initiator, ms (default 20000)
  --invitation-ttl <s>     invitation lifetime in seconds (default 604800 = 7 days)
  --peer-timeout-ms <n>    timeout for calls to other nodes, ms (default 5000)
  --quota-mb <n>           storage quota of the data directory in MiB (default 1024); a write that would
                           exceed it answers 507 storage_quota_exceeded and is not made
  --compact-kb <n>         journal size in KiB that triggers a compaction of the store (default 4096)
  --modes <list>           comma-separated modes offered: script,visual,basic (default all)
  --seed                   add example connections and emulator projects (once per data dir)
  --dev                    enable test hooks (POST /api/v1/dev/bulk)
  --log-requests           log every inbound request (method, path, credential kind) to stderr
  -h, --help               show this text
`;

const intFlag = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: `--${name} must be a whole number` })
    .transform(Number)
    .pipe(z.number().min(min, { error: `--${name} must be at least ${min}` }).max(max, { error: `--${name} must be at most ${max}` }));

const TOKEN_PATTERN = /^[\x21-\x7e]{8,512}$/;

/**
 * Like ssh with a private key: a secret file that group or others may read or write is refused (POSIX only; on
 * Windows ACLs decide and the mode bits say nothing). Returns the message, or null when the file is private.
 */
export function secretFileTooOpen(file: string): string | null {
  if (process.platform === 'win32') return null;
  const mode = fs.statSync(file).mode & 0o777;
  if ((mode & 0o077) === 0) return null;
  const octal = mode.toString(8).padStart(4, '0');
  return `permissions ${octal} for ${file} are too open: group or others can access the secret in it. Run: chmod 600 ${file}`;
}

/**
 * A flag naming a file that holds a secret: the file must exist and be private to its owner (see
 * {@link secretFileTooOpen}); its content is read and trimmed.
 */
const secretFile = (flag: string) =>
  z
    .string()
    .min(1, { error: `--${flag} must name a file` })
    .transform((file, ctx) => {
      try {
        const open = secretFileTooOpen(file);
        if (open) {
          ctx.addIssue({ code: 'custom', message: `--${flag}: ${open}` });
          return z.NEVER;
        }
        return fs.readFileSync(file, 'utf8').trim();
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        ctx.addIssue({ code: 'custom', message: `--${flag}: cannot read ${file} (${code === 'ENOENT' ? 'no such file' : code ?? (e as Error).message})` });
        return z.NEVER;
      }
    });

const FlagsSchema = z.strictObject({
  data: z.string({ error: '--data is required' }).min(1, { error: '--data is required' }),
  token: z.string().regex(TOKEN_PATTERN, { error: '--token must be 8–512 visible ASCII characters' }).optional(),
  'token-file': secretFile('token-file')
    .pipe(z.string().regex(TOKEN_PATTERN, { error: '--token-file: the file must hold 8–512 visible ASCII characters' }))
    .optional(),
  name: shortNameSchema,
  port: intFlag('port', 0, 65535).optional(),
  host: z.string().min(1).optional(),
  'public-url': z.url({ protocol: /^https?$/, error: '--public-url must be an http(s) URL' }).optional(),
  org: z
    .string()
    .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,48}[A-Za-z0-9])?$/, { error: '--org must be 1–50 letters, digits or hyphens' })
    .optional(),
  'ado-pat': z.string().min(1, { error: '--ado-pat must not be empty' }).optional(),
  'ado-pat-file': secretFile('ado-pat-file').pipe(z.string().min(1, { error: '--ado-pat-file: the file is empty' })).optional(),
  'poll-ms': intFlag('poll-ms', 10, 86_400_000).optional(),
  'invitation-ttl': intFlag('invitation-ttl', 1, 365 * 86_400).optional(),
  'peer-timeout-ms': intFlag('peer-timeout-ms', 100, 600_000).optional(),
  'quota-mb': intFlag('quota-mb', 1, 1024 * 1024).optional(),
  'compact-kb': intFlag('compact-kb', 1, 1024 * 1024).optional(),
  modes: z
    .string()
    .transform((s) => s.split(',').map((m) => m.trim()))
    .pipe(z.array(ModeSchema).min(1))
    .optional(),
  seed: z.boolean().optional(),
  dev: z.boolean().optional(),
  'log-requests': z.boolean().optional(),
  help: z.boolean().optional(),
})
  .superRefine((f, ctx) => {
    if (f.token === undefined && f['token-file'] === undefined) {
      ctx.addIssue({ code: 'custom', path: ['token-file'], message: '--token-file (or --token) is required' });
    } else if (f.token !== undefined && f['token-file'] !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['token'], message: 'give either --token-file or --token, not both' });
    }
    if (f['ado-pat'] !== undefined && f['ado-pat-file'] !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['ado-pat'], message: 'give either --ado-pat-file or --ado-pat, not both' });
    }
  });


/** Bad command line: the message for stderr (exit code 2). */
export class CliUsageError extends Error {}

export type CliCommand = { help: true } | { help: false; options: SandboxOptions };

/** Parses the CLI arguments (without `node script`); throws CliUsageError. Reads --token-file / --ado-pat-file. */
export function parseCliArgs(args: string[]): CliCommand {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        data: { type: 'string' },
        token: { type: 'string' },
        'token-file': { type: 'string' },
        name: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'public-url': { type: 'string' },
        org: { type: 'string' },
        'ado-pat': { type: 'string' },
        'ado-pat-file': { type: 'string' },
        'poll-ms': { type: 'string' },
        'invitation-ttl': { type: 'string' },
        'peer-timeout-ms': { type: 'string' },
        'quota-mb': { type: 'string' },
        'compact-kb': { type: 'string' },
        modes: { type: 'string' },
        seed: { type: 'boolean' },
        dev: { type: 'boolean' },
        'log-requests': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    throw new CliUsageError((e as Error).message);
  }
  if (values.help) return { help: true };
  const parsed = FlagsSchema.safeParse(values);
  if (!parsed.success) {
    const fields = issuesToFieldErrors(parsed.error);
    throw new CliUsageError(Object.entries(fields).map(([k, m]) => (m.startsWith('--') || m.startsWith('give ') ? m : `--${k}: ${m}`)).join('\n'));
  }
  const f = parsed.data;
  return {
    help: false,
    options: {
      dataDir: f.data,
      token: (f['token-file'] ?? f.token)!,
      name: f.name,
      port: f.port ?? 0,
      host: f.host,
      publicUrl: f['public-url'],
      org: f.org,
      adoPat: f['ado-pat-file'] ?? f['ado-pat'],
      pollMs: f['poll-ms'],
      invitationTtlMs: f['invitation-ttl'] === undefined ? undefined : f['invitation-ttl'] * 1000,
      peerTimeoutMs: f['peer-timeout-ms'],
      quotaBytes: f['quota-mb'] === undefined ? undefined : f['quota-mb'] * 1024 * 1024,
      compactBytes: f['compact-kb'] === undefined ? undefined : f['compact-kb'] * 1024,
      modes: f.modes,
      seed: f.seed,
      dev: f.dev,
      logRequests: f['log-requests'],
    },
  };
}
