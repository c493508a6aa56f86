// CLI of the sandbox node (built to dist/sandbox.js). On success prints exactly one JSON line on stdout
// (`{"url", "ado", "name", "pid"}`) and then logs to stderr. Bad flags: usage on stderr, exit code 2.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ModeSchema } from '../shared/api';
import { issuesToFieldErrors, shortNameSchema } from '../shared/validation';
import { DEFAULT_ORG, startSandbox } from './sandbox';

export const USAGE = `Usage: node dist/sandbox.js --data <dir> --token <token> --name <short name> [options]

Runs a local Exalate node (Node API v1, see docs/node-api.md) with an Azure DevOps emulator under /ado/<org>.

Required:
  --data <dir>             data directory (created if missing)
  --token <token>          Bearer token for the Node API (8–512 visible ASCII characters)
  --name <short name>      instance short name: letter/digit first, then letters, digits, _ . - (max 64)
Options:
  --port <n>               TCP port, 0 = pick a free one (default 0)
  --host <address>         interface to bind (default 127.0.0.1)
  --public-url <url>       URL other nodes use to reach this one (default http://<host>:<port>)
  --org <org>              Azure DevOps organization of the emulator (default ${DEFAULT_ORG})
  --ado-pat <pat>          PAT the emulator accepts (default: the --token value)
  --poll-ms <n>            how often an accepting node polls the initiator, ms (default 20000)
  --invitation-ttl <s>     invitation lifetime in seconds (default 604800 = 7 days)
  --peer-timeout-ms <n>    timeout for calls to other nodes, ms (default 5000)
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

const FlagsSchema = z.strictObject({
  data: z.string({ error: '--data is required' }).min(1, { error: '--data is required' }),
  token: z
    .string({ error: '--token is required' })
    .regex(/^[\x21-\x7e]{8,512}$/, { error: '--token must be 8–512 visible ASCII characters' }),
  name: shortNameSchema,
  port: intFlag('port', 0, 65535).optional(),
  host: z.string().min(1).optional(),
  'public-url': z.url({ protocol: /^https?$/, error: '--public-url must be an http(s) URL' }).optional(),
  org: z
    .string()
    .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,48}[A-Za-z0-9])?$/, { error: '--org must be 1–50 letters, digits or hyphens' })
    .optional(),
  'ado-pat': z.string().min(1, { error: '--ado-pat must not be empty' }).optional(),
  'poll-ms': intFlag('poll-ms', 10, 86_400_000).optional(),
  'invitation-ttl': intFlag('invitation-ttl', 1, 365 * 86_400).optional(),
  'peer-timeout-ms': intFlag('peer-timeout-ms', 100, 600_000).optional(),
  modes: z
    .string()
    .transform((s) => s.split(',').map((m) => m.trim()))
    .pipe(z.array(ModeSchema).min(1))
    .optional(),
  seed: z.boolean().optional(),
  dev: z.boolean().optional(),
  'log-requests': z.boolean().optional(),
  help: z.boolean().optional(),
});

function fail(message: string): never {
  process.stderr.write(`sandbox: ${message}\n\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      strict: true,
      allowPositionals: false,
      options: {
        data: { type: 'string' },
        token: { type: 'string' },
        name: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'public-url': { type: 'string' },
        org: { type: 'string' },
        'ado-pat': { type: 'string' },
        'poll-ms': { type: 'string' },
        'invitation-ttl': { type: 'string' },
        'peer-timeout-ms': { type: 'string' },
        modes: { type: 'string' },
        seed: { type: 'boolean' },
        dev: { type: 'boolean' },
        'log-requests': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    fail((e as Error).message);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const parsed = FlagsSchema.safeParse(values);
  if (!parsed.success) {
    const fields = issuesToFieldErrors(parsed.error);
    fail(Object.entries(fields).map(([k, m]) => (m.startsWith('--') ? m : `--${k}: ${m}`)).join('\n'));
  }
  const f = parsed.data;
  const sandbox = await startSandbox({
    dataDir: f.data,
    token: f.token,
    name: f.name,
    port: f.port ?? 0,
    host: f.host,
    publicUrl: f['public-url'],
    org: f.org,
    adoPat: f['ado-pat'],
    pollMs: f['poll-ms'],
    invitationTtlMs: f['invitation-ttl'] === undefined ? undefined : f['invitation-ttl'] * 1000,
    peerTimeoutMs: f['peer-timeout-ms'],
    modes: f.modes,
    seed: f.seed,
    dev: f.dev,
    logRequests: f['log-requests'],
  });
  process.stdout.write(`${JSON.stringify({ url: sandbox.url, ado: sandbox.adoUrl, name: f.name, pid: process.pid })}\n`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`[sandbox ${f.name}] ${signal}: stopping\n`);
    sandbox.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((e: unknown) => {
  process.stderr.write(`sandbox: failed to start: ${(e as Error)?.message ?? String(e)}\n`);
  process.exit(1);
});
