import { Command, Option } from 'commander';
import type { CliIo } from '../io.js';
import { helpEpilogue } from '../terminal.js';

/** Flags of `routellm label`, as commander parses them. */
export interface LabelFlags {
  readonly prompts: string;
  readonly out: string;
  readonly failed?: string;
  readonly column: string;
  readonly strongModel?: string;
  readonly weakModel?: string;
  readonly judgeModel?: string;
  readonly config?: string;
  readonly baseUrl?: string;
  readonly apiKey?: string;
  readonly concurrency: string;
  readonly retries: string;
  readonly timeout: string;
  readonly maxTokens?: string;
  readonly maxCost?: string;
  readonly sample?: string;
  readonly seed: string;
  readonly winnerRule: string;
  readonly keepAnswers?: boolean;
  readonly dryRun?: boolean;
}

/** Declares `routellm label`; the work happens in ../label/run-label.ts, imported when it runs. */
export function defineLabelCommand(program: Command, io: CliIo): void {
  program
    .command('label')
    .description("Build training battles from your prompts: both models answer each one, and a judge model rates the weak answer against the strong one (RouteLLM's recipe).")
    .requiredOption('--prompts <file>', 'prompts: CSV (the --column column), JSONL (the --column field; serve --sample-prompts files as they are) or plain text, one per line')
    .requiredOption('--out <file>', 'battles JSONL, appended to: prompts already in it are skipped, so a re-run continues')
    .option('--failed <file>', 'JSONL of prompts that could not be labelled, with the reason and any answers already paid for, which a re-run judges instead of buying again; one line per prompt (default: <out>.failed.jsonl beside --out)')
    .option('--column <name>', 'CSV column or JSONL field holding the prompt', 'prompt')
    .option('--strong-model <model>', 'the strong model, answering as the reference (env ROUTELLM_STRONG_MODEL; config models.strong)')
    .option('--weak-model <model>', 'the weak model, whose answers the judge rates (env ROUTELLM_WEAK_MODEL; config models.weak)')
    .option('--judge-model <model>', 'the model that rates the weak answer against the strong one (env ROUTELLM_JUDGE_MODEL)')
    .option('--config <file>', "YAML config: its providers:, prices: and models: sections, as serve reads them")
    .option('--base-url <url>', 'send all three models to this OpenAI-compatible endpoint, names verbatim (env ROUTELLM_BASE_URL)')
    .option('--api-key <key>', 'API key for all three models; overrides the provider key variables (env ROUTELLM_API_KEY)')
    .option('--concurrency <n>', 'prompts labelled at once (each makes two calls, then one); halved on a 429, regained as calls succeed', '8')
    .option('--retries <n>', 'retries of a call after a 429, 5xx, timeout or connection failure, each after a global pause', '5')
    .option('--timeout <seconds>', 'longest wait for one call', '600')
    .option('--max-tokens <n>', "sent as max_tokens with both answers (the estimate then assumes answers this long; else 512)")
    .option('--max-cost <usd>', 'stop starting prompts before this run would spend more (by estimate); needs a price for all three models')
    .option('--sample <n>', 'label a seeded random subset of n prompts (the same subset on every run with the same --seed)')
    .option('--seed <n>', 'seed of --sample', '42')
    .addOption(
      new Option('--winner-rule <rule>', 'judge score -> winner: routellm (4-5 weak wins, 1-3 strong wins) or three-way (3 is a tie)').choices(['routellm', 'three-way']).default('routellm'),
    )
    .option('--keep-answers', 'write both answers into each battle (to audit the judge, or judge again later)')
    .option('--dry-run', 'show the plan (prompts, already labelled, estimated cost) and call nothing')
    .addHelpText(
      'after',
      helpEpilogue(
        io,
        `
Each battle is one JSON line: prompt, model_a (strong), model_b (weak), winner, as routellm train reads
them, plus judge_score, judge_verdict (the judge's whole answer), usage, cost_usd and prompt_id.
Models go through the same providers, keys and base URLs as serve (see serve --help). On a 429
every call pauses for the upstream's retry-after (else 1 s, doubling); a wrong key, model or URL
(401/403/404) or an exhausted quota stops the run. Ctrl-C aborts the calls in flight, writes what
is finished and exits 130; run the same command again to continue. Exit 1 when a prompt failed
(it is in --failed; a re-run tries it again). Answers already paid for are kept in --failed when
the judge fails or the run stops, and a re-run judges them instead of asking the models again.

Examples:
  $ routellm label --prompts prompts.csv --strong-model gpt-4o --weak-model groq/llama-3.1-8b-instant --judge-model gpt-4o --out battles.jsonl --dry-run
  $ routellm label --prompts samples.jsonl --strong-model gpt-4o --weak-model groq/llama-3.1-8b-instant --judge-model gpt-4o --out battles.jsonl --sample 2000 --max-cost 20
  $ routellm train --router mf --data battles.jsonl --out my-mf
See docs/learn-from-traffic.md for the whole loop.`,
      ),
    )
    .action(async (flags: LabelFlags) => {
      const { runLabel } = await import('./run-label.js');
      await runLabel(flags, io);
    });
}
