import { boundedRoutingText, UsageError } from '../core/index.js';
import { parseScoreCell } from '../eval/benchmarks/parse-score.js';
import { readCsvTable, readJsonLines } from '../eval/benchmarks/read-csv.js';
import type { DeclaredPair, ScoredPrompt, TrainingBattle, TrainingData, Winner } from './battle.js';
import { unwrapPythonListPrompt } from '../eval/benchmarks/python-list-prompt.js';
import { NON_MODEL_COLUMN } from '../eval/benchmarks/model-columns.js';


/** How to read the files: model-name aliases and the models to keep. */
export interface ReadOptions {
  /** Column or battle model name -> the name to train under (e.g. two spellings of Mixtral). */
  readonly aliases?: ReadonlyMap<string, string>;
  /** Keep only these models (after aliasing); all when absent. */
  readonly models?: readonly string[];
  /** Prompts to drop (contaminated ones), compared after unwrapping. */
  readonly exclude?: ReadonlySet<string>;
}

/** What a --data file holds, for error lines. */
const EXPECTED = 'battles (prompt, model_a, model_b, winner) or a score table (prompt and one column per model, at least two)';

/**
 * Whether a file's fields are those of routed prompts: a prompt sample (label's prompt-sample.ts,
 * what serve --sample-prompts writes) or route --json output from stdin, which use the same names.
 * A prompt and how it was routed, no verdict: a file to label first, not a score table whose
 * columns are models.
 */
function isRoutedPromptFile(fields: readonly string[]): boolean {
  return ['prompt', 'router', 'threshold', 'model'].every((field) => fields.includes(field)) && !fields.includes('winner');
}

/** The shipped training files have no empty prompt: one is a broken row, and would teach "empty text -> a model". */
function requirePrompt(prompt: string, where: string): void {
  if (prompt.trim() === '') throw new UsageError(`${where}: the prompt is empty; every row needs a prompt`);
}

function normaliseWinner(value: unknown, where: string): Winner {
  const text = String(value ?? '').trim();
  if (text === 'model_a' || text === 'model_b') return text;
  if (text === 'tie' || text.startsWith('tie')) return 'tie';
  throw new UsageError(`${where}: winner must be model_a, model_b or tie, got ${JSON.stringify(text)}`);
}

/**
 * Reads `--data` files into battles. A file with `model_a`, `model_b`, `winner` (CSV or JSONL)
 * is pairwise battles; any other CSV/JSONL with a `prompt` field is a score table (one column
 * per model, True/False or numbers; empty cells skipped), turned into one battle per model pair
 * per prompt: higher score wins, equal scores tie. Prompts in RouterBench's list-literal form
 * are unwrapped.
 */
export async function readTrainingData(paths: readonly string[], options: ReadOptions = {}): Promise<TrainingData> {
  const alias = (name: string) => options.aliases?.get(name) ?? name;
  const keep = (name: string) => !options.models || options.models.includes(name);
  const battles: TrainingBattle[] = [];
  const scored: ScoredPrompt[] = [];
  const declaredPairs: DeclaredPair[] = [];
  for (const path of paths) {
    const isJsonl = /\.jsonl?$/i.test(path);
    let fields: string[];
    let rows: Record<string, unknown>[];
    if (isJsonl) {
      rows = await readJsonLines(path);
      if (rows.length === 0) throw new UsageError(`${path} is empty: expected one JSON object per line (${EXPECTED})`);
      fields = Object.keys(rows[0]!);
    } else {
      const table = await readCsvTable(path);
      fields = [...table.fields];
      rows = table.rows as Record<string, unknown>[];
    }
    if (!fields.includes('prompt')) {
      throw new UsageError(`${path}: no "prompt" ${isJsonl ? 'field' : 'column'} (${isJsonl ? 'fields' : 'columns'}: ${fields.join(', ') || '(none)'}); expected ${EXPECTED}`);
    }
    if (rows.length === 0) throw new UsageError(`${path} has a header but no rows`);
    if (isRoutedPromptFile(fields)) {
      throw new UsageError(
        `${path} holds routed prompts (serve --sample-prompts or route --json: prompt, router, threshold, model), not battles; label them first: routellm label --prompts ${path} --strong-model A --weak-model B --judge-model J --out battles.jsonl, then train --data battles.jsonl`,
      );
    }
    const before = battles.length;
    if (fields.includes('model_a') && fields.includes('model_b') && fields.includes('winner')) {
      rows.forEach((row, index) => {
        const where = `${path}: ${isJsonl ? 'line' : 'row'} ${index + (isJsonl ? 1 : 2)}`;
        const prompt = unwrapPythonListPrompt(String(row['prompt'] ?? ''));
        requirePrompt(prompt, where);
        if (options.exclude?.has(prompt)) return;
        const text = boundedRoutingText(prompt); // see the score-table branch
        const modelA = alias(String(row['model_a'] ?? ''));
        const modelB = alias(String(row['model_b'] ?? ''));
        if (!modelA || !modelB) throw new UsageError(`${where}: model_a and model_b must be model names`);
        const winner = normaliseWinner(row['winner'], where);
        if (modelA === modelB || !keep(modelA) || !keep(modelB)) return;
        battles.push({ prompt: text, modelA, modelB, winner, source: path });
        const strong = row['strong_model'];
        const weak = row['weak_model'];
        if (typeof strong === 'string' && typeof weak === 'string') {
          const pair = { strong: alias(strong), weak: alias(weak) };
          if (!declaredPairs.some((p) => p.strong === pair.strong && p.weak === pair.weak)) declaredPairs.push({ ...pair, source: path });
        }
      });
    } else {
      const columns = fields.filter((f) => !NON_MODEL_COLUMN.test(f));
      const models = columns.map(alias);
      if (columns.length < 2) {
        throw new UsageError(
          `${path}: ${columns.length === 0 ? 'no model columns' : `one model column (${columns[0]})`} beside "prompt"; expected ${EXPECTED}`,
        );
      }
      rows.forEach((row, index) => {
        const where = `${path}: ${isJsonl ? 'line' : 'row'} ${index + (isJsonl ? 1 : 2)}`;
        const full = unwrapPythonListPrompt(String(row['prompt'] ?? ''));
        requirePrompt(full, where);
        if (options.exclude?.has(full)) return;
        // Trained on the text routers are asked about (see boundedRoutingText).
        const prompt = boundedRoutingText(full);
        const scores = new Map<string, number>();
        columns.forEach((column, k) => {
          const cell = row[column];
          if (cell === undefined || cell === null || String(cell).trim() === '') return;
          if (!keep(models[k]!)) return;
          scores.set(models[k]!, typeof cell === 'number' ? cell : parseScoreCell(String(cell), `${where}, column "${column}"`).value);
        });
        const present = [...scores.keys()];
        for (let a = 0; a < present.length; a++) {
          for (let b = a + 1; b < present.length; b++) {
            const sa = scores.get(present[a]!)!;
            const sb = scores.get(present[b]!)!;
            battles.push({ prompt, modelA: present[a]!, modelB: present[b]!, winner: sa > sb ? 'model_a' : sa < sb ? 'model_b' : 'tie', source: path });
          }
        }
        if (present.length >= 2) scored.push({ prompt, scores, source: path });
      });
    }
    if (battles.length === before) throw new UsageError(`${path}: no usable battles (check --models and the column names)`);
  }
  return { battles, scored, declaredPairs };
}

/** Reads prompts to exclude: JSONL with `eval_prompt` or `prompt` fields (RouteLLM's contaminated_prompts.jsonl). */
export async function readExcludedPrompts(paths: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const path of paths) {
    for (const row of await readJsonLines(path)) {
      const prompt = row['eval_prompt'] ?? row['prompt'];
      if (typeof prompt !== 'string') throw new UsageError(`${path}: each line needs an "eval_prompt" or "prompt" string`);
      out.add(prompt);
    }
  }
  return out;
}
