import { Command, Option } from 'commander';
import { DEFAULT_ROUTER } from '../../routers/default-router.js';
import type { CliIo } from '../io.js';
import { helpEpilogue } from '../terminal.js';
import { modelPairOptions } from '../shared-options.js';

/** Flags of `routellm route`, as commander parses them. */
export interface RouteFlags {
  readonly router?: string;
  readonly threshold: string;
  readonly strongModel?: string;
  readonly weakModel?: string;
  readonly config?: string;
  readonly json?: boolean;
  readonly shareOfInput?: boolean;
}

/** Declares `routellm route`; the work happens in ../route/run-route.ts, imported when it runs. */
export function defineRouteCommand(program: Command, io: CliIo): void {
  const command = program
    .command('route')
    .description('Decide which model should answer a prompt (or each prompt on stdin) and print the decision.')
    .argument('[prompt]', 'the prompt; "-" or a pipe reads prompts from stdin (UTF-8), one per line or JSONL with a "prompt" field (a line starting with "{" must be valid JSONL); blank lines are skipped')
    .addOption(new Option('--router <name>', `router to use (default: ${DEFAULT_ROUTER}; over a models: list in --config, knn)`))
    .addOption(
      new Option(
        '--threshold <value>',
        'a strong-call share like 50% (resolved through the calibration table), or a win rate in [0, 1]: strong when the win rate >= it; over a models: list, a knob >= 0 or a cost share like 30% (of the prompts routed in this run)',
      ).default('50%'),
    )
    .option(
      '--json',
      'print one JSON object per prompt: {"model", "router", "threshold", "strong_win_rate"}, plus "line" (1-based) for stdin; over a models: list {"model", "router", "knob", "share", "qualities": {model: predicted quality}}',
    )
    .option(
      '--share-of-input',
      'with a share threshold (--threshold 30%) and prompts on stdin: send exactly that share of these prompts strong (the highest win rates; ties go to the earlier prompt), instead of the calibration table\'s threshold',
    );
  for (const option of modelPairOptions()) command.addOption(option);
  command
    .addHelpText('after', helpEpilogue(io, `
Examples:
  $ routellm route "Write a haiku about autumn"
  $ routellm route --router random --threshold 0.3 --json "Solve x^2 - 5x + 6 = 0"
  $ cat prompts.jsonl | routellm route --json -
  # exactly 30% of these prompts strong:
  $ cat prompts.txt | routellm route --threshold 30% --share-of-input`))
    .action(async (prompt: string | undefined, flags: RouteFlags) => {
      const { runRoute } = await import('./run-route.js');
      await runRoute(prompt, flags, io);
    });
}
