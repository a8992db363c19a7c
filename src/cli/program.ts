import { Command, CommanderError } from 'commander';
import { exitCodeFor, RoutellmError } from '../core/index.js';
import { defineChatCommand } from './chat/chat-command.js';
import { defineCalibrateCommand } from './calibrate/calibrate-command.js';
import { defineDoctorCommand } from './doctor/doctor-command.js';
import { defineEvalCommand } from './eval/eval-command.js';
import { defineLabelCommand } from './label/label-command.js';
import { defineRouteCommand } from './route/route-command.js';
import { defineServeCommand } from './serve/serve-command.js';
import { defineTrainCommand } from './train/train-command.js';
import type { CliIo } from './io.js';
import { helpEpilogue, outputColumns } from './terminal.js';
import { wasReported } from './reported-error.js';
import { usageErrorLine } from './usage-error-line.js';

const VERSION = '0.1.0';

/**
 * The `routellm` program over the given io, and the command whose usage error commander raised
 * last (it says it through outputError). Commands declare their flags here (cheap) and import
 * their heavy modules only when they run, so `route` starts fast.
 */
function buildProgram(io: CliIo): { program: Command; failedCommand(): Command | undefined } {
  let failed: Command | undefined;
  // Help is wrapped to the terminal's width (80 when piped), as are the epilogues (helpEpilogue).
  // Usage errors are not written by commander: runCli says them in one line (usageErrorLine).
  const outputOf = (command: () => Command) => ({
    writeOut: (text: string) => io.stdout.write(text),
    writeErr: (text: string) => io.stderr.write(text),
    outputError: () => {
      failed = command();
    },
    getOutHelpWidth: () => outputColumns(io.stdout, io.env),
    getErrHelpWidth: () => outputColumns(io.stderr, io.env),
  });
  const program: Command = new Command('routellm')
    .description('Route each LLM request to a strong or a weak model, chosen per prompt.')
    .version(VERSION, '-V, --version')
    // Commander stops wrapping option descriptions narrower than 40 columns; a 60-column terminal still wants them wrapped.
    .configureHelp({ minWidthToWrap: 15 })
    .exitOverride()
    .configureOutput(outputOf(() => program))
    .addHelpText('after', helpEpilogue(io, `
Examples:
  $ routellm route "Prove that there are infinitely many primes"
  $ routellm serve --base-url http://127.0.0.1:11434/v1 --strong-model llama3.1:70b --weak-model llama3.2:1b
  $ routellm serve --strong-model gpt-4o --weak-model groq/llama-3.1-8b-instant
  $ routellm chat --url http://127.0.0.1:6060/v1

Run "routellm <command> --help" for flags and examples. route works offline with the shipped router;
serve and chat need each upstream model's API key, or a local endpoint with --base-url (Ollama's above).
`));
  defineRouteCommand(program, io);
  defineServeCommand(program, io);
  defineChatCommand(program, io);
  defineDoctorCommand(program, io);
  defineEvalCommand(program, io);
  defineCalibrateCommand(program, io);
  defineLabelCommand(program, io);
  defineTrainCommand(program, io);
  // Subcommands inherit the parent's output and exit settings only when created after them.
  for (const command of program.commands) {
    command.exitOverride().configureOutput(outputOf(() => command));
  }
  return { program, failedCommand: () => failed };
}

/**
 * Runs the CLI and returns the exit code: 0 ok, 1 runtime/upstream failure,
 * 2 usage or configuration error, 70 a bug. Never calls process.exit.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const { program, failedCommand } = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version (0), and help shown for no command at all, are printed already.
      if (error.exitCode === 0) return 0;
      if (error.code === 'commander.help') return 2;
      const command = failedCommand() ?? program;
      const line = usageErrorLine(error.message, command === program ? 'routellm' : `routellm ${command.name()}`);
      if (command.name() === 'serve') {
        // serve says every start-up failure through its logger; a flag it cannot parse is one too.
        const { reportServeUsageError } = await import('./serve/serve-usage-error.js');
        await reportServeUsageError(line, argv, io);
      } else io.stderr.write(`routellm: ${line}\n`);
      return 2;
    }
    if (wasReported(error)) return error instanceof RoutellmError ? exitCodeFor(error) : 70;
    if (error instanceof RoutellmError) {
      const code = exitCodeFor(error);
      io.stderr.write(code === 70 ? `routellm: internal error: ${error.stack}\n` : `routellm: ${error.message}\n`);
      return code;
    }
    io.stderr.write(`routellm: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    return 70;
  }
}
