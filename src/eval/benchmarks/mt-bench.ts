import { join } from 'node:path';
import { UsageError } from '../../core/index.js';
import type { PairedScores } from '../metrics/paired-scores.js';
import type { BenchmarkData } from './benchmark-data.js';
import { loadCommercialPoints } from './commercial.js';
import { readContaminatedPrompts } from './contaminated-prompts.js';
import type { LoadOptions } from './mmlu.js';
import { readJsonLines } from './read-csv.js';

const TURNS = 2;

/**
 * MT-Bench as the Python evaluator scores it: questions with a contaminated turn are
 * dropped; each question is routed on its first turn and the chosen model answers both,
 * so the score is the mean GPT-4 judgement over both turns of every question.
 */
export async function loadMtBench(options: LoadOptions): Promise<BenchmarkData> {
  const directory = join(options.dataDir, 'mt_bench');
  const questionsPath = join(directory, 'question.jsonl');
  const judgementsPath = join(directory, 'judgements.jsonl');
  const questions = await readJsonLines(questionsPath);
  const judgements = await readJsonLines(judgementsPath);
  const contaminated = await readContaminatedPrompts(join(directory, 'contaminated_prompts.jsonl'));

  // question_id -> model -> turn -> score
  const scoreOf = new Map<unknown, Map<string, Map<number, number>>>();
  judgements.forEach((row, index) => {
    const { question_id: id, model, turn, score } = row;
    if (typeof model !== 'string' || (model !== options.strongModel && model !== options.weakModel)) return;
    if (typeof turn !== 'number' || typeof score !== 'number' || !Number.isFinite(score)) {
      throw new UsageError(`${judgementsPath}: line ${index + 1} needs numeric "turn" and "score"`);
    }
    const byModel = scoreOf.get(id) ?? new Map<string, Map<number, number>>();
    scoreOf.set(id, byModel);
    const byTurn = byModel.get(model) ?? new Map<number, number>();
    byModel.set(model, byTurn);
    if (byTurn.has(turn)) throw new UsageError(`${judgementsPath}: line ${index + 1}: a second judgement of question ${String(id)} turn ${turn} for ${model}`);
    byTurn.set(turn, score);
  });

  const prompts: string[] = [];
  const strong: number[] = [];
  const weak: number[] = [];
  const keptIds = new Set<unknown>();
  questions.forEach((question, index) => {
    const turns = question['turns'];
    if (!Array.isArray(turns) || turns.length < TURNS || !turns.every((turn) => typeof turn === 'string')) {
      throw new UsageError(`${questionsPath}: line ${index + 1} needs "turns": two strings`);
    }
    if (turns.slice(0, TURNS).some((turn) => contaminated.has(turn as string))) return;
    const id = question['question_id'];
    const sumOf = (model: string) => {
      let sum = 0;
      for (let turn = 1; turn <= TURNS; turn += 1) {
        const score = scoreOf.get(id)?.get(model)?.get(turn);
        if (score === undefined) throw new UsageError(`${judgementsPath}: no judgement of question ${String(id)} turn ${turn} for ${model}`);
        sum += score;
      }
      return sum;
    };
    prompts.push(turns[0] as string);
    strong.push(sumOf(options.strongModel));
    weak.push(sumOf(options.weakModel));
    keptIds.add(id);
  });
  if (prompts.length === 0) throw new UsageError(`${questionsPath}: no questions left after decontamination`);

  const scores: PairedScores = {
    strong: Float64Array.from(strong),
    weak: Float64Array.from(weak),
    rowsPerItem: TURNS,
    scale: 1,
    optimalBudget: 'whole',
  };
  return {
    name: 'mt-bench',
    title: 'MT-Bench',
    prompts,
    strongModel: options.strongModel,
    weakModel: options.weakModel,
    scores,
    notes: [`${prompts.length}/${questions.length} MT-Bench questions after decontamination`],
    commercial: await loadCommercialPoints(join(options.dataDir, 'commercial'), keptIds),
  };
}
