import { pairOfModelList, parseThreshold, qualitiesByModel, UsageError, type RoutingDecision, type ThresholdOptions } from '../../core/index.js';
import { resolveModelList } from '../../config/resolve-model-list.js';
import { DEFAULT_ROUTER } from '../../routers/default-router.js';
import { DEFAULT_MODEL_SCORER } from '../../routers/multi/model-scorers.js';
import { PriceTable } from '../../upstream/price-table.js';
import { unknownConfigRouterWarnings } from '../../config/unknown-config-routers.js';
import { loadConfig } from '../../config/load-config.js';
import { createBuiltinRegistry } from '../../routers/builtin-registry.js';
import { buildDecider } from '../../controller/build-decider.js';
import { nodeRouterContext } from '../../runtime/node-router-context.js';
import type { RouteFlags } from './route-command.js';
import type { CliIo } from '../io.js';
import { resolveModelPair, samePairWarning } from '../../config/resolve-model-pair.js';
import { readPrompts } from './read-prompts.js';

/** `routellm route`: decides for one prompt, or for each prompt read from stdin. */
export async function runRoute(prompt: string | undefined, flags: RouteFlags, io: CliIo): Promise<void> {
  const fromStdin = prompt === '-' || (prompt === undefined && !io.stdin.isTTY);
  if (prompt === undefined && io.stdin.isTTY) {
    throw new UsageError('no prompt given: pass it as an argument, or pipe prompts on stdin (see routellm route --help)');
  }
  if (!fromStdin && prompt !== undefined && prompt.trim() === '') {
    // Routers score an empty prompt anyway (hybrid gives 0.5, "   " 0.99): a decision about nothing.
    throw new UsageError('the prompt is empty: pass the text to route, or "-" to read prompts from stdin');
  }
  const config = await loadConfig(flags.config, io.env, io.cwd);
  const modelList = resolveModelList(flags, io.env, config.models ?? {}, (model) => new PriceTable(config.prices).priceOf(model), `${config.path ?? 'config'}: models`, (line) =>
    io.stderr.write(`routellm: warning: ${line}\n`),
  );
  if (modelList) {
    await routeOverList(prompt, fromStdin, flags, io, { config, modelList });
    return;
  }
  const routerName = flags.router ?? DEFAULT_ROUTER;
  const registry = createBuiltinRegistry();
  for (const warning of unknownConfigRouterWarnings(config, registry, [routerName])) io.stderr.write(`routellm: warning: ${warning}\n`);
  const pair = resolveModelPair(flags, io.env, config.models);
  const samePair = samePairWarning(pair);
  if (samePair) io.stderr.write(`routellm: warning: ${samePair}\n`);
  const controller = await buildDecider({
    registry,
    routers: [routerName],
    pair,
    config,
    context: nodeRouterContext({ env: io.env, cwd: io.cwd, fetch: io.fetch, stderr: io.stderr }),
    onThresholdAdvice: (line) => io.stderr.write(`routellm: warning: ${line}\n`),
  });
  const spec = parseThresholdFlag(flags.threshold);
  // Said as the list path says it: the flag the user typed, not the model-name form the library's error gives.
  if (spec.kind === 'budget') throw new UsageError(`--threshold: a budget like ${flags.threshold} is held on live traffic by routellm serve only; give a threshold or a share like 30%`);
  const target = {
    router: controller.router(routerName),
    threshold: controller.resolveThreshold(routerName, spec),
  };
  const share = spec.kind === 'strong-share' ? spec.share : undefined;
  const print = (decision: RoutingDecision, read?: StdinPrompt) =>
    io.stdout.write(flags.json ? `${JSON.stringify(toJson(decision, read))}\n` : formatDecision(decision, share));

  if (flags.shareOfInput) {
    if (share === undefined) throw new UsageError(`--share-of-input needs a share threshold like --threshold 30%, not "${flags.threshold}"`);
    if (!fromStdin) throw new UsageError('--share-of-input splits a batch: pipe the prompts on stdin (one per line, or JSONL with a "prompt" field)');
    const batch: { prompt: string; line: number }[] = [];
    for await (const read of readPrompts(io.stdin)) batch.push(read);
    if (batch.length === 0) throw new UsageError('no prompts on stdin: expected one prompt per line, or JSONL with a "prompt" field');
    const decisions = await controller.decideBatch(target.router, batch.map((read) => read.prompt), share);
    decisions.forEach((decision, index) => print(decision, batch[index]));
    return;
  }
  await decideEach(fromStdin ? undefined : (prompt ?? ''), io, (text) => controller.decide(target, text), print);
}

/** Decides the one prompt given, or each prompt on stdin (with its line), and prints each decision. */
async function decideEach(
  prompt: string | undefined,
  io: CliIo,
  decide: (prompt: string) => Promise<RoutingDecision>,
  print: (decision: RoutingDecision, read?: StdinPrompt) => void,
): Promise<void> {
  if (prompt !== undefined) {
    print(await decide(prompt));
    return;
  }
  let count = 0;
  for await (const { prompt: text, line } of readPrompts(io.stdin)) {
    print(await decide(text), { prompt: text, line });
    count += 1;
  }
  if (count === 0) throw new UsageError('no prompts on stdin: expected one prompt per line, or JSONL with a "prompt" field');
}

function parseThresholdFlag(raw: string, options: ThresholdOptions = {}) {
  try {
    return parseThreshold(raw, options);
  } catch (error) {
    throw new UsageError(`--threshold: ${(error as Error).message}`);
  }
}

/**
 * The JSON shape of a decision, as documented in `--help`. A prompt read from stdin also
 * carries `line`, its 1-based input line, since blank lines are skipped and the output
 * would otherwise not line up with the input.
 */
export function toJson(decision: RoutingDecision, read?: StdinPrompt) {
  return {
    model: decision.model,
    router: decision.router,
    threshold: decision.threshold,
    strong_win_rate: decision.strongWinRate,
    ...stdinFields(read),
  };
}

/** A prompt read from stdin and its 1-based input line. */
interface StdinPrompt {
  readonly prompt: string;
  readonly line: number;
}

/**
 * On stdin, --json carries the prompt and its input line: a file of route --json output is then a
 * prompt file (label --prompts, calibrate --prompts read its "prompt"), as serve's prompt sample is.
 */
function stdinFields(read: StdinPrompt | undefined): { prompt?: string; line?: number } {
  return read === undefined ? {} : { prompt: read.prompt, line: read.line };
}

function formatDecision(decision: RoutingDecision, share: number | undefined): string {
  // Under --share-of-input a prompt that ties with the cut may go weak: the earlier prompts took the strong places.
  const relation = decision.tier === 'strong' ? '>=' : decision.strongWinRate === decision.threshold ? '= (a tie; earlier prompts took the strong share)' : '<';
  // A calibrated threshold has many digits; four are enough to read, --json keeps them all.
  const threshold = share === undefined ? String(decision.threshold) : `${+decision.threshold.toFixed(4)} (${+(share * 100).toFixed(2)}% strong calls)`;
  return `${decision.model}\t${decision.tier}: win rate ${(decision.strongWinRate as number).toFixed(4)} ${relation} threshold ${threshold} (router ${decision.router})\n`;
}

/**
 * `routellm route` over the config's `models:` list: the router over a list (`--router`, default
 * knn) scores every model, and the rule picks one at the knob, or at the knob that spends the cost
 * share on the prompts routed so far in this run (the prompt itself included).
 */
async function routeOverList(
  prompt: string | undefined,
  fromStdin: boolean,
  flags: RouteFlags,
  io: CliIo,
  setup: { config: Awaited<ReturnType<typeof loadConfig>>; modelList: NonNullable<ReturnType<typeof resolveModelList>> },
): Promise<void> {
  if (flags.shareOfInput) throw new UsageError('--share-of-input splits a batch between two models; over a models: list a share like --threshold 30% is held on the prompts routed so far');
  const router = flags.router ?? DEFAULT_MODEL_SCORER;
  const spec = parseThresholdFlag(flags.threshold, { knob: true });
  if (spec.kind === 'budget') throw new UsageError(`--threshold: a budget like ${flags.threshold} is held on live traffic by routellm serve only; give a knob like 0.2 or a cost share like 30%`);
  const decider = await buildDecider({
    registry: createBuiltinRegistry(),
    routers: [router],
    pair: pairOfModelList(setup.modelList),
    config: setup.config,
    context: nodeRouterContext({ env: io.env, cwd: io.cwd, fetch: io.fetch, stderr: io.stderr }),
    modelList: setup.modelList,
  });
  const list = decider.list as NonNullable<typeof decider.list>;
  const target = spec.kind === 'win-rate' ? { kind: 'list' as const, scorer: list.scorer(router), knob: spec.value } : { kind: 'list' as const, scorer: list.scorer(router), knob: 0, share: spec.share };
  const share = target.share;
  const print = (decision: RoutingDecision, read?: StdinPrompt) =>
    io.stdout.write(flags.json ? `${JSON.stringify(listJson(decision, share, read))}\n` : formatListDecision(decision, share));
  await decideEach(fromStdin ? undefined : (prompt ?? ''), io, (text) => decider.decide(target, text), print);
}

/** `route --json` over a list: the chosen model, the router, the knob in force, the asked cost share, every model's predicted quality. */
export function listJson(decision: RoutingDecision, share: number | undefined, read?: StdinPrompt) {
  return {
    model: decision.model,
    router: decision.router,
    knob: decision.threshold,
    share: share ?? null,
    qualities: decision.list ? qualitiesByModel(decision.list) : {},
    ...stdinFields(read),
  };
}

function formatListDecision(decision: RoutingDecision, share: number | undefined): string {
  const list = decision.list;
  const quality = list ? (list.qualities[list.index] as number).toFixed(4) : '?';
  const knob = share === undefined ? String(decision.threshold) : `${+decision.threshold.toFixed(4)} (${+(share * 100).toFixed(2)}% cost share)`;
  return `${decision.model}\tpredicted quality ${quality} at knob ${knob} (router ${decision.router}; model ${(list?.index ?? 0) + 1} of ${list?.models.length ?? 0}, cheapest first)\n`;
}
