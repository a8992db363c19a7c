import { Command, Option } from 'commander';
import { DEFAULT_MODEL_PAIR } from '../../core/index.js';
import type { CliIo } from '../io.js';
import { helpEpilogue } from '../terminal.js';

/** Flags of `routellm train`, as commander parses them. */
export interface TrainFlags {
  readonly router: string;
  readonly data: string[];
  readonly out: string;
  readonly force?: boolean;
  readonly exclude?: string[];
  readonly skipFile?: string[];
  readonly alias?: string[];
  readonly models?: string;
  readonly embedder?: string;
  readonly split: string;
  readonly holdout?: string;
  readonly strongModel?: string;
  readonly weakModel?: string;
  readonly seed: string;
  readonly dim?: string;
  readonly epochs?: string;
  readonly lr?: string;
  readonly weightDecay?: string;
  readonly batchSize?: string;
  readonly noise?: string;
  readonly ties: string;
  readonly buckets?: string;
  readonly l2?: string;
  readonly alignTo?: string;
  readonly neighbours?: string;
  readonly target?: string;
}

/** Declares `routellm train`; the work happens in src/train/, imported when it runs. */
export function defineTrainCommand(program: Command, io: CliIo): void {
  program
    .command('train')
    .description("Train a router (mf, sw_ranking, lexical or difficulty) on pairwise battles (which model's answer won) or per-model score tables, or a router over a list of models (knn) on score tables with costs; writes weights and a model card.")
    .addOption(new Option('--router <name>', 'router to train').choices(['mf', 'sw_ranking', 'lexical', 'difficulty', 'knn']).default('mf'))
    .requiredOption('--data <files...>', 'battles (CSV/JSONL: prompt, model_a, model_b, winner) or score tables (CSV/JSONL: prompt + one column per model)')
    .requiredOption('--out <dir>', 'directory for the router and MODEL_CARD.md: model.safetensors + config.json (mf, lexical), battles.jsonl + embeddings.safetensors (sw_ranking)')
    .option('--force', 'replace the router of the same kind --out already holds (without it such an --out is refused: a serve on those weights would load the new ones at its next reload)')
    .option('--exclude <files...>', 'JSONL of prompts to drop (eval_prompt or prompt field), e.g. contaminated_prompts.jsonl')
    .option('--skip-file <names...>', 'leave out --data files with these file names (e.g. one member of a glob whose labels are broken); each must match')
    .option('--alias <from=to...>', 'train model column/name "from" as "to" (merge spellings of one model)')
    .option('--models <names>', 'comma-separated models to keep (after aliases); default all. knn: the list it routes, cheapest to strongest (score columns, with <model>|total_cost columns as RouterBench has)')
    .option('--embedder <name>', 'mf, sw_ranking: use-static (offline, fast; the default), local (USE lite) or openai[:<model>[:<dim>]] (default text-embedding-3-small; <dim> needed for other models; reads OPENAI_API_KEY, OPENAI_BASE_URL)')
    .addOption(new Option('--split <kind>', 'held-out split: sha1 (odd first byte of sha1(prompt) held out), random, none').choices(['sha1', 'random', 'none']).default('sha1'))
    .option('--holdout <share>', 'held-out share for --split random (default 0.1)')
    // The same default pair, spelled the same, as every other command (the data may spell it otherwise: see --alias).
    .option('--strong-model <name>', `strong model of the routed pair (a model in the data, after --alias); default: the one the battles name in strong_model (routellm label writes it), else ${DEFAULT_MODEL_PAIR.strong}`)
    .option('--weak-model <name>', `weak model of the routed pair (a model in the data, after --alias); default: the one the battles name in weak_model, else ${DEFAULT_MODEL_PAIR.weak}`)
    .addOption(
      new Option('--ties <rule>', 'what a tie teaches: half (0.5), drop (as RouteLLM), weak (a win for --weak-model)').choices(['half', 'drop', 'weak']).default('half'),
    )
    .option('--seed <n>', 'seed for initialisation, shuffling and random splits', '42')
    .option('--dim <n>', 'mf latent dimension (default 16)')
    .option('--epochs <n>', 'mf training epochs (default 40)')
    .option('--lr <rate>', 'mf Adam learning rate (default 0.003)')
    .option('--weight-decay <l2>', 'mf L2 weight decay (default 0.0001)')
    .option('--batch-size <n>', 'mf minibatch size (default 64)')
    .option('--noise <sigma>', 'mf Gaussian noise on embeddings while training (RouteLLM alpha; default 0)')
    .option('--buckets <n>', 'lexical: hash buckets, a power of two from 2 to 2^24 (default 65536)')
    .option('--l2 <penalty>', 'lexical: L2 penalty of the logistic regression (default 0.001)')
    .option('--align-to <router>', "lexical: map its scores onto this shipped router's scale over the training prompts (e.g. mf)")
    .option('--neighbours <n>', 'knn: training prompts each prediction averages over (default 100)')
    .addOption(
      new Option('--target <what>', "mf: what it learns: battles (which of two answers won; routes the --strong-model/--weak-model pair) or success (each --models model's score, from score tables with costs; routes the list)").choices(['battles', 'success']),
    )
    .addHelpText('after', helpEpilogue(io, `
Examples:
  $ routellm train --data battles.jsonl --out my-mf
  $ routellm train --router sw_ranking --data battles.csv --out my-sw --split none
  $ routellm train --router lexical --data scores.csv --out my-lexical --align-to mf
  # difficulty reads score tables (.csv), item difficulty (.json [{question, scores}]),
  # worked problems (.jsonl {question, answer}) and hard prompts (.jsonl {turns}):
  $ routellm train --router difficulty --data scores.csv items.json --out my-difficulty
  # a router over a list of models (cheapest to strongest), on RouterBench's layout:
  $ routellm train --router knn --data arc.csv mbpp.csv --models llama,mixtral,gpt-4 --out my-knn
  $ routellm train --router mf --target success --data arc.csv --models llama,mixtral,gpt-4 --out my-mf-list
  # rebuild datasets/mf, datasets/lexical and datasets/difficulty from ../shared/datasets:
  $ npm run train:default`))
    .action(async (flags: TrainFlags) => {
      const { trainFromFlags } = await import('./train-from-flags.js');
      await trainFromFlags(flags, io);
    });
}
