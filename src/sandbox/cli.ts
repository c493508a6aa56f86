// CLI of the sandbox node (built to dist/sandbox.js). On success prints exactly one JSON line on stdout
// (`{"url", "ado", "name", "pid"}`) and then logs to stderr. Bad flags: usage on stderr, exit code 2.
// Flags and usage: cliFlags.ts.
import { CliUsageError, USAGE, parseCliArgs, type CliCommand } from './cliFlags';
import { startSandbox } from './sandbox';

export { USAGE };

function fail(message: string): never {
  process.stderr.write(`sandbox: ${message}\n\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<void> {
  let cmd: CliCommand;
  try {
    cmd = parseCliArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof CliUsageError) fail(e.message);
    throw e;
  }
  if (cmd.help) {
    process.stdout.write(USAGE);
    return;
  }
  const o = cmd.options;
  const sandbox = await startSandbox(o);
  process.stdout.write(`${JSON.stringify({ url: sandbox.url, ado: sandbox.adoUrl, name: o.name, pid: process.pid })}\n`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`[sandbox ${o.name}] ${signal}: stopping\n`);
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
