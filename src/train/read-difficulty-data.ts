import { basename, dirname } from 'node:path';
import { boundedRoutingText, UsageError } from '../core/index.js';
import { parseScoreCell } from '../eval/benchmarks/parse-score.js';
import { readCsvTable, readJsonLines, readTextFile } from '../eval/benchmarks/read-csv.js';
import { unwrapPythonListPrompt } from '../eval/benchmarks/python-list-prompt.js';

/** What one training prompt teaches the difficulty router. */
export interface DifficultyExample {
  readonly prompt: string;
  /** How much the prompt needs the strong model, in [0, 1] (see the kinds below). */
  readonly target: number;
  /** The source it came from: one intercept and one equal share of the loss each. */
  readonly source: string;
  readonly kind: DifficultyKind;
  /** For score tables: both models' scores, for held-out APGR. */
  readonly strong?: number;
  readonly weak?: number;
}

/**
 * The kinds of `--data` file difficulty training reads, told apart by their fields:
 * - a score table (CSV, one column per model): target 1 when the strong model alone is right;
 * - item difficulty (JSON array of `{question, scores: {model: share solved}}`, RouterDC):
 *   target = the share of those models that failed;
 * - worked problems (JSONL `{question, answer}`, GSM8K): target = the percentile of the worked
 *   answer's step count (its non-empty lines) within the file;
 * - hard prompts (JSONL `{turns: [{content}]}`, Arena-Hard): target 1.
 */
export type DifficultyKind = 'score-table' | 'item-difficulty' | 'worked-problems' | 'hard-prompts';

/**
 * The source a file belongs to, named `directory/file`: ten or more files of one directory whose
 * names share a prefix are one source (MMLU's 57 `mmlu_<subject>.csv`), and `x_train` / `x_test`
 * files are the halves of one set.
 */
export function sourceOf(path: string, siblings: readonly string[]): string {
  const dir = basename(dirname(path));
  const stem = (p: string) => basename(p).replace(/\.[a-z]+$/i, '');
  if (siblings.length >= 10) {
    let prefix = stem(siblings[0]!);
    for (const s of siblings) while (!stem(s).startsWith(prefix)) prefix = prefix.slice(0, -1);
    if (prefix.length >= 3) return `${dir}/${prefix}*`;
  }
  return `${dir}/${stem(path).replace(/[_-](train|test)$/i, '')}`;
}

function percentileRanks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]! || a - b);
  const out = new Array<number>(values.length);
  // Ties share their mean rank, so equal step counts get equal targets.
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]!] === values[order[i]!]) j++;
    for (let k = i; k <= j; k++) out[order[k]!] = ((i + j) / 2 + 0.5) / values.length;
    i = j + 1;
  }
  return out;
}

/**
 * Reads every `--data` file into examples. A prompt found in several files trains once, from the
 * first file that has it (GSM8K's train split and RouterDC's copy of a thousand of its questions).
 */
export async function readDifficultyData(
  paths: readonly string[],
  options: { strongModel: string; weakModel: string; aliases: ReadonlyMap<string, string>; exclude: ReadonlySet<string> },
): Promise<DifficultyExample[]> {
  const seen = new Set<string>();
  const out: DifficultyExample[] = [];
  const inDir = new Map<string, string[]>();
  for (const p of paths) inDir.set(dirname(p), [...(inDir.get(dirname(p)) ?? []), p]);
  for (const path of paths) {
    const source = sourceOf(path, inDir.get(dirname(path))!);
    let kind: DifficultyKind = 'score-table';
    const rows: Array<{ prompt: string; target: number; strong?: number; weak?: number }> = [];
    const add = (raw: string, target: number, pair?: { strong: number; weak: number }) => {
      const full = unwrapPythonListPrompt(raw);
      if (full.trim() === '' || options.exclude.has(full)) return;
      const prompt = boundedRoutingText(full);
      if (seen.has(prompt)) return;
      seen.add(prompt);
      rows.push({ prompt, target, ...(pair ?? {}) });
    };
    if (/\.csv$/i.test(path)) {
      kind = 'score-table';
      const table = await readCsvTable(path);
      const column = (model: string) => table.fields.find((f) => (options.aliases.get(f) ?? f) === model);
      const strong = column(options.strongModel);
      const weak = column(options.weakModel);
      if (!table.fields.includes('prompt') || !strong || !weak) {
        throw new UsageError(`${path}: a score table needs "prompt" and columns for ${options.strongModel} and ${options.weakModel} (see --alias)`);
      }
      table.rows.forEach((row, index) => {
        const where = `${path}: row ${index + 2}`;
        // An empty cell is a model that was not run on the prompt: no label.
        if (String(row[strong] ?? '').trim() === '' || String(row[weak] ?? '').trim() === '') return;
        const s = parseScoreCell(String(row[strong] ?? ''), `${where}, column "${strong}"`).value;
        const w = parseScoreCell(String(row[weak] ?? ''), `${where}, column "${weak}"`).value;
        add(String(row['prompt'] ?? ''), s > w ? 1 : 0, { strong: s, weak: w });
      });
    } else if (/\.json$/i.test(path)) {
      kind = 'item-difficulty';
      let items: unknown;
      try {
        items = JSON.parse(await readTextFile(path));
      } catch (error) {
        throw new UsageError(`${path}: not valid JSON (${(error as Error).message})`);
      }
      if (!Array.isArray(items)) throw new UsageError(`${path}: expected a JSON array of {"question", "scores"} (item difficulty)`);
      items.forEach((item: Record<string, unknown>, index) => {
        const scores = item?.['scores'];
        const values = scores && typeof scores === 'object' ? Object.values(scores as Record<string, unknown>) : [];
        if (typeof item?.['question'] !== 'string' || values.length === 0 || !values.every((v) => typeof v === 'number' && v >= 0 && v <= 1)) {
          throw new UsageError(`${path}: item ${index} needs "question" and "scores" with shares solved in [0, 1]`);
        }
        add(item['question'] as string, 1 - (values as number[]).reduce((a, b) => a + b, 0) / values.length);
      });
    } else if (/\.jsonl$/i.test(path)) {
      const lines = await readJsonLines(path);
      if (lines.length === 0) throw new UsageError(`${path} is empty`);
      if (typeof lines[0]!['question'] === 'string' && typeof lines[0]!['answer'] === 'string') {
        kind = 'worked-problems';
        const steps = lines.map((l) => String(l['answer'] ?? '').split('\n').filter((s) => s.trim() !== '' && !s.startsWith('####')).length);
        const ranks = percentileRanks(steps);
        lines.forEach((l, i) => add(String(l['question'] ?? ''), ranks[i]!));
      } else if (Array.isArray(lines[0]!['turns'])) {
        kind = 'hard-prompts';
        lines.forEach((l, i) => {
          const first = (l['turns'] as Array<{ content?: unknown }>)[0]?.content;
          if (typeof first !== 'string') throw new UsageError(`${path}: line ${i + 1} needs turns[0].content`);
          add(first, 1);
        });
      } else {
        throw new UsageError(`${path}: a JSONL file must hold {"question", "answer"} (worked problems) or {"turns"} (hard prompts)`);
      }
    } else {
      throw new UsageError(`${path}: difficulty training reads .csv score tables, .json item difficulty, .jsonl worked problems or hard prompts`);
    }
    if (rows.length === 0) throw new UsageError(`${path}: no usable prompts`);
    for (const r of rows) out.push({ ...r, source, kind });
  }
  return out;
}
