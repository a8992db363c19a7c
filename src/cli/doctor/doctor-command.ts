import { Command, Option } from 'commander';
import { DEFAULT_ROUTER } from '../../routers/default-router.js';
import type { CliIo } from '../io.js';
import { DEFAULT_WEAK_MODEL_HELP, modelPairOptions } from '../shared-options.js';
import { helpEpilogue } from '../terminal.js';
import { upstreamFlagOptions } from '../upstream-flags.js';
import type { ServeFlags } from '../serve/serve-flags.js';

/** Flags of `routellm doctor`, as commander parses them: serve's, for what it checks, and --json. */
export type DoctorFlags = Pick<ServeFlags, 'routers' | 'strongModel' | 'weakModel' | 'config' | 'baseUrl' | 'apiKey' | 'probe'> & { readonly json?: boolean };

/** Declares `routellm doctor`; the work happens in ../doctor/run-doctor.ts, imported when it runs. */
export function defineDoctorCommand(program: Command, io: CliIo): void {
  const command = program
    .command('doctor')
    .description("Check what serve needs, one line per check: config file, each model's key, each upstream's reachability and model name (each model of a models: list), the routers' data, the calibration table; exit 1 on a problem, 2 when a flag, the config or its models are invalid (as serve).")
    .addOption(new Option('--routers <names...>', `routers serve would load (default: ${DEFAULT_ROUTER}; over a models: list, knn)`));
  for (const option of [...modelPairOptions({ calls: true }), ...upstreamFlagOptions()]) command.addOption(option);
  command
    .addOption(new Option('--json', 'print one JSON document: {"ok": bool, "checks": [{check, status, detail}]}'))
    .addHelpText(
      'after',
      helpEpilogue(
        io,
        `
Each entry: ok, warn (could not check, e.g. a provider without a model list, or options serve
ignores, e.g. mf: where hybrid: {mf: ...} was meant), fail, or skip (not checked: the config file
it reads did not load), then the check and what was found. The same checks run when serve
starts; serve warns, doctor fails.

${DEFAULT_WEAK_MODEL_HELP}

Examples:
  $ routellm doctor --strong-model gpt-4o --weak-model groq/llama-3.1-8b-instant
  $ routellm doctor --base-url http://127.0.0.1:11434/v1 --strong-model llama3.1:70b --weak-model llama3.1:8b --json`,
      ),
    )
    .action(async (flags: DoctorFlags) => {
      const { runDoctor } = await import('./run-doctor.js');
      await runDoctor(flags, io);
    });
}
