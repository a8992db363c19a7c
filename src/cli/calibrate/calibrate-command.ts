import { Command, Option } from 'commander';
import type { CliIo } from '../io.js';
import { helpEpilogue } from '../terminal.js';

/** Flags of `routellm calibrate`, as commander parses them. */
export interface CalibrateFlags {
  readonly routers?: string[];
  readonly strongModelPct?: string;
  readonly prompts?: string;
  readonly column?: string;
  readonly json?: boolean;
  readonly writeTable?: boolean;
  readonly table?: string;
  readonly data?: string;
  readonly cacheDir?: string;
  readonly config?: string;
  /** RouteLLM's `--task`: calibrate (the default) or generate. */
  readonly task?: string;
  /** A list of models, cheapest first: print the knob for a cost share over --prompts (routers over a list). */
  readonly models?: string;
}

/** Declares `routellm calibrate`; the work happens in ../calibrate/run-calibrate.ts. */
export function defineCalibrateCommand(program: Command, io: CliIo): void {
  program
    .command('calibrate')
    .description('Find the threshold that sends a given share of prompts to the strong model.')
    .option('--routers <names...>', 'routers to calibrate (default: the default router; with --write-table: every offline router)')
    .option('--strong-model-pct <share>', 'share of strong-model calls: a fraction in (0, 1) like 0.5, or a percentage like 50%')
    .option('--prompts <file>', 'your prompts: .csv (see --column), .jsonl (see --column) or plain text, one per line; default: the calibration table (--table, else $ROUTELLM_CALIBRATION_TABLE, then the shipped one)')
    .option('--column <name>', 'with --prompts: the CSV column or JSONL field holding the prompt (default: prompt)')
    .option('--json', 'print one JSON object per router: {"router", "strong_model_pct", "threshold", "n"} (strong_model_pct a percentage, like the *_pct fields of eval --json); not with --write-table')
    .option('--write-table', 'regenerate the shipped quantile table (datasets/calibration/quantiles.json) from a traffic mix of the shared datasets (train halves), or, with --prompts, write a table of your prompts to --table (required then); takes no --strong-model-pct')
    .option('--table <file>', 'the quantile table to read in place of $ROUTELLM_CALIBRATION_TABLE (routers it lacks: the shipped one), or with --write-table to write')
    .option('--data <dir>', 'with --write-table: benchmark data directory, its siblings holding the rest of the mix (default: $ROUTELLM_DATA, then ../shared/datasets/routellm)')
    .option('--cache-dir <dir>', 'win-rate cache (default: $ROUTELLM_CACHE_DIR, $XDG_CACHE_HOME/routellm, ~/.cache/routellm)')
    .option('--config <file>', 'YAML config: router name -> options')
    .option(
      '--models <a,b,...>',
      'a list of models, cheapest first (names of the config\'s models: list, or models the router scores): print the knob that spends --strong-model-pct as a cost share (of the way from the all-cheapest to the all-strongest bill) on --prompts, for routers over a list (--routers, default knn); default: the models: list of --config, if it has one',
    )
    .addOption(
      new Option('--task <task>', "RouteLLM's tasks: calibrate (the default: print thresholds, or --write-table) or generate (score the prompts, --prompts or the MMLU train half, into the win-rate cache, so calibrating on them is instant)").choices(['calibrate', 'generate']),
    )
    .addHelpText('after', helpEpilogue(io, `
The threshold is the (1 - share) quantile of the router's win rates over the prompts
(linear interpolation, as pandas), so that share of them goes to the strong model.
Without --prompts, a table of win-rate quantiles answers at once: $ROUTELLM_CALIBRATION_TABLE
or the shipped one (a traffic mix: MMLU, GSM8K, Arena-Hard, code, MATH, ARC-Easy). The same table resolves model names like router-mf-50%
in serve and route.

Examples:
  $ routellm calibrate --routers mf --strong-model-pct 0.5
  $ routellm calibrate --routers mf lexical --strong-model-pct 30% --prompts traffic.csv --json
  $ routellm calibrate --write-table
  $ routellm calibrate --write-table --prompts traffic.jsonl --table my-table.json
  $ routellm calibrate --config list.yaml --models small,mid,big --strong-model-pct 30% --prompts traffic.jsonl
  $ ROUTELLM_CALIBRATION_TABLE=my-table.json routellm serve`))
    .action(async (flags: CalibrateFlags) => {
      const { runCalibrate } = await import('./run-calibrate.js');
      await runCalibrate(flags, io);
    });
}
