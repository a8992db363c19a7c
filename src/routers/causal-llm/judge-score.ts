/** One token of a completion with its top alternatives, as `choices[].logprobs.content[]` reports it. */
export interface TokenLogprob {
  readonly token: string;
  readonly logprob: number;
  readonly top_logprobs?: ReadonlyArray<{ readonly token: string; readonly logprob: number }> | null;
}

/** RouteLLM's score_threshold: scores 4 and 5 mean the weak model will do. */
export const WEAK_ENOUGH_SCORE = 4;

/** The score RouteLLM's `parse_score` reads, `[[n]]`, truncated to an integer; undefined when absent or outside 1-5. */
export function parseJudgeScore(text: string): { score: number; digitAt: number } | undefined {
  const match = /\[\[([\d.]+)\]\]/.exec(text);
  if (!match) return undefined;
  const score = Math.trunc(Number.parseFloat(match[1]!));
  if (!(score >= 1 && score <= 5)) return undefined;
  return { score, digitAt: match.index + 2 };
}

/** The score a token stands for once brackets and spaces are stripped (`" 4"`, `"[[4"`, `"4]]"`), or undefined. */
function scoreOfToken(token: string): number | undefined {
  const core = token.replace(/[\s[\]]/g, '');
  return /^[1-5]$/.test(core) ? Number(core) : undefined;
}

/**
 * The judge's distribution over the scores 1-5 at the token that carries the score: the
 * probabilities of the five score tokens among its top logprobs, normalised over the five (as
 * RouteLLM softmaxes the five score logits). `digitAt` is the character offset of the score in the
 * completion text. Undefined when no token there names a score.
 */
export function scoreDistribution(tokens: readonly TokenLogprob[], digitAt: number): Float64Array | undefined {
  let offset = 0;
  for (const token of tokens) {
    const end = offset + token.token.length;
    if (digitAt >= offset && digitAt < end) {
      const mass = new Float64Array(5);
      const seen = new Set<string>();
      for (const alternative of [...(token.top_logprobs ?? []), { token: token.token, logprob: token.logprob }]) {
        if (seen.has(alternative.token)) continue; // the chosen token is usually among the top ones too
        seen.add(alternative.token);
        const score = scoreOfToken(alternative.token);
        if (score !== undefined && Number.isFinite(alternative.logprob)) mass[score - 1] = mass[score - 1]! + Math.exp(alternative.logprob);
      }
      const total = mass.reduce((sum, p) => sum + p, 0);
      if (!(total > 0)) return undefined;
      return mass.map((p) => p / total);
    }
    offset = end;
  }
  return undefined;
}

/** 1 - P(score >= 4): RouteLLM's causal_llm strong win rate. */
export function winRateFromDistribution(distribution: Float64Array): number {
  let weakEnough = 0;
  for (let score = WEAK_ENOUGH_SCORE; score <= 5; score++) weakEnough += distribution[score - 1]!;
  return Math.min(1, Math.max(0, 1 - weakEnough));
}

/**
 * The strong win rate for one judge answer: with logprobs, 1 - P(score >= 4) over the five score
 * tokens; without, 1 - [score >= 4] for the parsed score. An answer with no `[[1-5]]` score routes
 * to the strong model (win rate 1), as RouteLLM does with an invalid output.
 */
export function judgeWinRate(text: string, tokens?: readonly TokenLogprob[] | null): { winRate: number; score?: number; valid: boolean } {
  const parsed = parseJudgeScore(text);
  if (!parsed) return { winRate: 1, valid: false };
  const distribution = tokens && tokens.length > 0 ? scoreDistribution(tokens, parsed.digitAt) : undefined;
  const oneHot = new Float64Array(5);
  oneHot[parsed.score - 1] = 1;
  return { winRate: winRateFromDistribution(distribution ?? oneHot), score: parsed.score, valid: true };
}
