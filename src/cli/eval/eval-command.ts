import { Command, Option } from 'commander';
import { DEFAULT_ROUTER } from '../../routers/default-router.js';
import { SPLITS } from '../../eval/choose-split.js';
import { DEFAULT_MODEL_SCORER } from '../../routers/multi/model-scorers.js';
import type { CliIo } from '../io.js';
import { helpEpilogue } from '../terminal.js';

/** Flags of `routellm eval`, as commander parses them. */
export interface EvalFlags {
  /** Undefined when not given: random and the default router, or with --models the shipped router over a list. */
  readonly routers?: string[];
  /** Comma-separated: a benchmark over a list of models (RouterBench's layout), cheapest to strongest. */
  readonly models?: string;
  readonly benchmark: string;
  readonly data?: string;
  readonly output: string;
  readonly plot: boolean;
  readonly numResults: string;
  readonly randomIters: string;
  readonly chanceDraws: string;
  readonly strongModel?: string;
  readonly weakModel?: string;
  readonly split: string;
  readonly cacheDir?: string;
  readonly config?: string;
  readonly json?: boolean;
  /** `--overwrite-cache` alone: every router; with names: those. */
  readonly overwriteCache?: true | string[];
  readonly parallel: string;
}

/** Declares `routellm eval`; the work happens in ../eval/run-eval.ts, imported when it runs. */
export function defineEvalCommand(program: Command, io: CliIo): void {
  const defaultRouters = [...new Set(['random', DEFAULT_ROUTER])];
  program
    .command('eval')
    .description('Evaluate routers on MT-Bench, MMLU, GSM8K or your own CSV: APGR, CPT, a table and a plot.')
    .requiredOption('--benchmark <name>', 'mt-bench, mmlu, gsm8k, or FILE.csv (a "prompt" column plus one column per model: True/False or numbers)')
    .addOption(new Option('--routers <names...>', `routers to evaluate (default: ${defaultRouters.join(' ')}; with --models: ${DEFAULT_MODEL_SCORER}, the shipped router for RouterBench's 11 models)`))
    .option('--models <names>', "a list of models, cheapest to strongest, comma-separated: score columns of a CSV in RouterBench's layout (with <model>|total_cost, else priced from the price table); reports the cost-quality curve, each model, the zero router (their hull), the per-prompt oracle and AIQ")
    .option('--data <dir>', 'benchmark data laid out like the Python RouteLLM\'s routellm/evals (default: $ROUTELLM_DATA, then ../shared/datasets/routellm beside the package)')
    .option('--output <dir>', 'directory for <benchmark>.svg and <benchmark>.png', '.')
    .option('--no-plot', 'do not draw the plot')
    .option('--num-results <n>', 'thresholds per router: the bin edges of this many win-rate quantiles', '10')
    .option('--random-iters <n>', 'seeded runs of the random router, averaged', '10')
    .option('--chance-draws <n>', 'random-score draws for the chance level and each router\'s p-value against it: auto (1000, fewer on large benchmarks), 0 to skip, or a count', 'auto')
    .option('--strong-model <column>', 'the strong model\'s name in the data (default gpt-4-1106-preview)')
    .option('--weak-model <column>', 'the weak model\'s name in the data (default mistralai/Mixtral-8x7B-Instruct-v0.1)')
    .addOption(
      new Option('--split <which>', "prompts to score: auto (leave out those the routers' model cards say trained them), all (rows that include them marked in-sample), or the eval or train half of the sha1 hash split")
        .choices(SPLITS)
        .default('auto'),
    )
    .option('--cache-dir <dir>', 'win-rate cache (default: $ROUTELLM_CACHE_DIR, $XDG_CACHE_HOME/routellm, ~/.cache/routellm)')
    .option('--config <file>', "YAML config: router name -> options; a models: list in it is evaluated as --models would be (each entry's scored_as column at its price), unless --strong-model/--weak-model name a pair")
    .option('--overwrite-cache [routers...]', "score again instead of reading the win-rate cache, and rewrite it: every router, or the ones named (RouteLLM's flag)")
    .option('--parallel <n>', 'batches of prompts scored at once, for routers that call a network service per prompt or batch (causal_llm, an OpenAI embedder)', '1')
    .option('--json', 'print one JSON document: {"benchmark", "n", "strong", "weak", "routers": [{"name", "apgr", "auc", "cpt20_pct", "cpt50_pct", "cpt80_pct", "p_random", "in_sample", "points"}], "chance"}; every share of strong calls (*_pct) a percentage; with --models: {"benchmark", "n", "reference", "models", "zero", "oracle", "routers": [{"name", "aiq", "aiq_vs_zero", "shuffled", "p_shuffled", "score_at", "points"}]} (docs/multi-model.md)')
    .addHelpText('after', helpEpilogue(io, `
Scores are percent correct (MMLU, GSM8K, True/False CSVs) or the mean judge score over both
turns (MT-Bench, routed on the first turn). APGR: area between the weak and strong lines
recovered (0 = weak, 1 = strong). CPT(x%): strong-call share needed to recover x% of the gap.
p vs random: share of random-score draws whose APGR is at least the router's; on a small
benchmark a router needs a low p, not just an APGR above 0.5, to have shown anything.

Examples:
  $ routellm eval --benchmark mt-bench --routers random mf
  $ routellm eval --benchmark mmlu --split eval --output plots --json
  $ routellm eval --benchmark my-data.csv --strong-model gpt-4o --weak-model llama-3-8b
  # many models (RouterBench's layout), cheapest to strongest; the last is the reference:
  $ routellm eval --benchmark mbpp.csv --models mistralai/mistral-7b-chat,gpt-3.5-turbo-1106,gpt-4-1106-preview`))
    .action(async (flags: EvalFlags) => {
      if (flags.models !== undefined) {
        const { runMultiEval } = await import('./run-multi-eval.js');
        await runMultiEval(flags, io);
        return;
      }
      const { runEval } = await import('./run-eval.js');
      await runEval(flags, io, defaultRouters);
    });
}
