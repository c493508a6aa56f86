// Entry point bundled by bench/testrun.ts when dist/exalate-script.js has no `run` yet: `exalate-script run …` only.
import { runCommand } from '../src/cli/run';

runCommand(process.argv.slice(2), { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) }).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);
