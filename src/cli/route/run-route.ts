import { parseThreshold, UsageError, type RoutingDecision } from '../../core/index.js';
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
  const registry = createBuiltinRegistry();
  for (const warning of unknownConfigRouterWarnings(config, registry, [flags.router])) io.stderr.write(`routellm: warning: ${warning}\n`);
  const pair = resolveModelPair(flags, io.env, config.models);
  const samePair = samePairWarning(pair);
  if (samePair) io.stderr.write(`routellm: warning: ${samePair}\n`);
  const controller = await buildDecider({
    registry,
    routers: [flags.router],
    pair,
    config,
    context: nodeRouterContext({ env: io.env, cwd: io.cwd, fetch: io.fetch, stderr: io.stderr }),
    onThresholdAdvice: (line) => io.stderr.write(`routellm: warning: ${line}\n`),
  });
  const spec = parseThresholdFlag(flags.threshold);
  const target = {
    router: controller.router(flags.router),
    threshold: controller.resolveThreshold(flags.router, spec),
  };
  const share = spec.kind === 'strong-share' ? spec.share : undefined;
  const print = (decision: RoutingDecision, line?: number) =>
    io.stdout.write(flags.json ? `${JSON.stringify(toJson(decision, line))}\n` : formatDecision(decision, share));

  if (flags.shareOfInput) {
    if (share === undefined) throw new UsageError(`--share-of-input needs a share threshold like --threshold 30%, not "${flags.threshold}"`);
    if (!fromStdin) throw new UsageError('--share-of-input splits a batch: pipe the prompts on stdin (one per line, or JSONL with a "prompt" field)');
    const batch: { prompt: string; line: number }[] = [];
    for await (const read of readPrompts(io.stdin)) batch.push(read);
    if (batch.length === 0) throw new UsageError('no prompts on stdin: expected one prompt per line, or JSONL with a "prompt" field');
    const decisions = await controller.decideBatch(target.router, batch.map((read) => read.prompt), share);
    decisions.forEach((decision, index) => print(decision, batch[index]?.line));
    return;
  }
  if (!fromStdin) {
    print(await controller.decide(target, prompt ?? ''));
    return;
  }
  let count = 0;
  for await (const { prompt: text, line } of readPrompts(io.stdin)) {
    print(await controller.decide(target, text), line);
    count += 1;
  }
  if (count === 0) throw new UsageError('no prompts on stdin: expected one prompt per line, or JSONL with a "prompt" field');
}

function parseThresholdFlag(raw: string) {
  try {
    return parseThreshold(raw);
  } catch (error) {
    throw new UsageError(`--threshold: ${(error as Error).message}`);
  }
}

/**
 * The JSON shape of a decision, as documented in `--help`. A prompt read from stdin also
 * carries `line`, its 1-based input line, since blank lines are skipped and the output
 * would otherwise not line up with the input.
 */
export function toJson(decision: RoutingDecision, line?: number) {
  return {
    model: decision.model,
    router: decision.router,
    threshold: decision.threshold,
    strong_win_rate: decision.strongWinRate,
    ...(line === undefined ? {} : { line }),
  };
}

function formatDecision(decision: RoutingDecision, share: number | undefined): string {
  // Under --share-of-input a prompt that ties with the cut may go weak: the earlier prompts took the strong places.
  const relation = decision.tier === 'strong' ? '>=' : decision.strongWinRate === decision.threshold ? '= (a tie; earlier prompts took the strong share)' : '<';
  // A calibrated threshold has many digits; four are enough to read, --json keeps them all.
  const threshold = share === undefined ? String(decision.threshold) : `${+decision.threshold.toFixed(4)} (${+(share * 100).toFixed(2)}% strong calls)`;
  return `${decision.model}\t${decision.tier}: win rate ${decision.strongWinRate.toFixed(4)} ${relation} threshold ${threshold} (router ${decision.router})\n`;
}
