import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommercialPoint } from './benchmark-data.js';
import { readJsonLines } from './read-csv.js';

/**
 * Published MT-Bench results of two commercial routers allowed GPT-4 Turbo or a cheaper
 * model (RouteLLM paper and its shared data): Unify scored 8.757862 with 45.625% GPT-4
 * calls; Martian 8.3125 with about 50% (estimated by its makers from a cost cap). We show
 * these published figures, not ones recomputed from the answers, since the strong-call
 * share cannot be recovered for Martian.
 */
export const PUBLISHED_COMMERCIAL = [
  { name: 'unify', score: 8.757862, strongPct: 45.625, source: 'published: 8.757862 at 45.625% GPT-4 calls' },
  { name: 'martian', score: 8.3125, strongPct: 50, source: 'published: 8.3125 at ~50% GPT-4 calls (estimated from its cost cap)' },
] as const;

/**
 * The commercial points, with the plain means of `commercial/gpt-4_single.jsonl` beside
 * the published scores (over all questions, and over the decontaminated ones kept for
 * our routers). No `commercial/` directory: no points.
 */
export async function loadCommercialPoints(directory: string, keptQuestionIds: ReadonlySet<unknown>): Promise<CommercialPoint[]> {
  const path = join(directory, 'gpt-4_single.jsonl');
  try {
    await access(path);
  } catch {
    return [];
  }
  const judgements = await readJsonLines(path);
  return PUBLISHED_COMMERCIAL.map((published) => {
    const mine = judgements.filter((row) => row['model'] === published.name && typeof row['score'] === 'number');
    const kept = mine.filter((row) => keptQuestionIds.has(row['question_id']));
    return { ...published, fileMean: mean(mine), fileMeanDecontaminated: mean(kept) };
  });
}

function mean(rows: readonly Record<string, unknown>[]): number | undefined {
  if (rows.length === 0) return undefined;
  return rows.reduce((sum, row) => sum + (row['score'] as number), 0) / rows.length;
}
