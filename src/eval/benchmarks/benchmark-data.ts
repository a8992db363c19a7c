import type { PairedScores } from '../metrics/paired-scores.js';

/** A commercial router's published result, placed beside ours on MT-Bench. */
export interface CommercialPoint {
  readonly name: string;
  /** Score as published by its makers (MT-Bench, GPT-4 judge). */
  readonly score: number;
  /** Strong-model (GPT-4) call percentage as published. */
  readonly strongPct: number;
  /** Where the figures come from, for the table's footnote. */
  readonly source: string;
  /** Plain mean of the judgements shipped with the data, over all questions and over the decontaminated ones. */
  readonly fileMean: number | undefined;
  readonly fileMeanDecontaminated: number | undefined;
}

/** A loaded benchmark: the prompts to route and what each model scored on each of them. */
export interface BenchmarkData {
  /** Short name used in file names: `mmlu`, `mt-bench`, `gsm8k`, or the CSV's base name. */
  readonly name: string;
  /** Human title for tables and plots. */
  readonly title: string;
  /** The text each item is routed on (MT-Bench: the first turn). */
  readonly prompts: readonly string[];
  readonly strongModel: string;
  readonly weakModel: string;
  readonly scores: PairedScores;
  /** Facts worth a line on stderr: rows dropped as contaminated, a sample file used, the split. */
  readonly notes: readonly string[];
  readonly commercial: readonly CommercialPoint[];
}
