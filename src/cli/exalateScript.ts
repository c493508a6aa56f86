// `exalate-script`: tools for Exalate sync scripts outside VS Code (dist/exalate-script.js). A subcommand
// dispatcher: each entry of COMMANDS is one subcommand in its own module.
import { runCheck, type CliIo } from './check';
import { runCommand } from './run';

interface Command {
  summary: string;
  run(args: string[], io: CliIo): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  check: { summary: 'check sync scripts for syntax errors and script-model mistakes', run: runCheck },
  run: { summary: 'run a sync script on a work item or replica (JSON) and print the result', run: runCommand },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`);
  return `usage: exalate-script <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun "exalate-script <command> --help" for the options of a command.`;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.err : io.out)(usage());
    return name === undefined ? 2 : 0;
  }
  const command = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.err(`exalate-script: unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  return command.run(rest, io);
}

if (require.main === module) {
  const io: CliIo = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`exalate-script: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
