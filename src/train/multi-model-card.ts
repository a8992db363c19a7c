import type { MultiEvalReport } from '../eval/multi/evaluate-multi.js';
import { trainedPromptsLine } from '../eval/trained-prompts.js';
import { foldFileList } from './model-card.js';

/** What the model card of a router over a list of models records. */
export interface MultiModelCardInput {
  readonly router: string;
  readonly command: string;
  readonly dataFiles: readonly string[];
  readonly excludeFiles: readonly string[];
  readonly features: string;
  readonly split: string;
  readonly trainPrompts: number;
  readonly heldOutPrompts: number;
  readonly models: readonly string[];
  readonly meanCostUsd: readonly number[];
  readonly hyper: Readonly<Record<string, unknown>>;
  /** The held-out evaluation of each data file (`eval --models` on its held-out rows). */
  readonly heldOut: readonly { readonly file: string; readonly report: MultiEvalReport }[];
  readonly notes?: string;
  /** Every prompt of the training side of the split, declared for `routellm eval`. */
  readonly trainedPrompts: readonly string[];
}

/** One held-out line: the router's AIQ beside the zero router's, the shuffled spread and the oracle's. */
export function heldOutAiqLine(file: string, report: MultiEvalReport, scale: number): string {
  const router = report.routers[0];
  if (!router) return `- ${file}: no router evaluated`;
  const f = (v: number) => (v * scale).toFixed(2);
  const shuffled = router.shuffled ? `; its scores shuffled across prompts ${f(router.shuffled.mean)} ± ${f(router.shuffled.sd)} (p ${router.pShuffled?.toFixed(3)})` : '';
  return `- ${file} (${report.benchmark.prompts.length} prompts): AIQ ${f(router.aiq)}, zero router ${f(report.zero.aiq)}, oracle ${f(report.oracle.aiq)}${shuffled}`;
}

/** Renders MODEL_CARD.md for a router over a list of models. */
export function renderMultiModelCard(card: MultiModelCardInput): string {
  const lines = [
    `# ${card.router} router weights (${card.models.length} models)`,
    '',
    `Produced by \`${card.command}\`.`,
    '',
    '## Data',
    ...foldFileList(card.dataFiles).map((f) => `- ${f}`),
    ...(card.excludeFiles.length > 0 ? ['', 'Prompts excluded (contamination lists):', ...card.excludeFiles.map((f) => `- ${f}`)] : []),
    '',
    '## Split',
    `- ${card.split}`,
    `- train: ${card.trainPrompts} prompts; held out: ${card.heldOutPrompts} prompts`,
    '',
    '## Model',
    `- features: \`${card.features}\``,
    '- models (cheapest to strongest as listed; mean cost per training prompt):',
    ...card.models.map((model, i) => `  - ${model}: $${(card.meanCostUsd[i] as number).toPrecision(3)}`),
    `- hyper-parameters: ${Object.entries(card.hyper).map(([k, v]) => `${k}=${String(v)}`).join(', ')}`,
    '',
    '## Held-out AIQ',
    'Mean quality over the cost range of the single models, on the hull of the router\'s curve at 10% steps of cost share (`routellm eval --models`):',
  ];
  if (card.heldOut.length === 0) lines.push('- none (no held-out split)');
  for (const { file, report } of card.heldOut) lines.push(heldOutAiqLine(file, report, report.benchmark.scale));
  if (card.notes) lines.push('', card.notes.trim());
  lines.push('', trainedPromptsLine(card.trainedPrompts));
  return `${lines.join('\n')}\n`;
}
