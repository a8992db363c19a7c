import type { HeldOutMetrics } from './heldout-metrics.js';

/** What a model card records about one training run. */
export interface ModelCardInput {
  readonly router: string;
  readonly command: string;
  readonly dataFiles: readonly string[];
  readonly excludeFiles: readonly string[];
  readonly embedder: string;
  readonly split: string;
  readonly trainPrompts: number;
  readonly heldOutPrompts: number;
  readonly trainBattles: number;
  readonly heldOutBattles: number;
  readonly models: readonly string[];
  readonly strongModel: string;
  readonly weakModel: string;
  readonly hyper: Readonly<Record<string, unknown>>;
  readonly metrics: HeldOutMetrics | null;
  /** Free text appended as-is (e.g. the research notes of the shipped default). */
  readonly notes?: string;
}

/** Renders MODEL_CARD.md for a trained router. */
export function renderModelCard(card: ModelCardInput): string {
  const lines = [
    `# ${card.router} router weights`,
    '',
    `Produced by \`${card.command}\`.`,
    '',
    '## Data',
    ...card.dataFiles.map((f) => `- ${f}`),
    ...(card.excludeFiles.length > 0 ? ['', 'Prompts excluded (contamination lists):', ...card.excludeFiles.map((f) => `- ${f}`)] : []),
    '',
    '## Split',
    `- ${card.split}`,
    `- train: ${card.trainPrompts} prompts, ${card.trainBattles} battles; held out: ${card.heldOutPrompts} prompts, ${card.heldOutBattles} battles`,
    '',
    '## Model',
    `- embedder: \`${card.embedder}\``,
    `- models (row order): ${card.models.join(', ')}`,
    `- default pair: strong \`${card.strongModel}\`, weak \`${card.weakModel}\``,
    `- hyper-parameters: ${Object.entries(card.hyper).map(([k, v]) => `${k}=${String(v)}`).join(', ')}`,
    '',
    '## Held-out metrics',
  ];
  if (!card.metrics) {
    lines.push('- none (no held-out split)');
  } else {
    lines.push(`- battles: ${card.metrics.battles}; accuracy on decisive battles: ${card.metrics.accuracy.toFixed(4)}; log-loss: ${card.metrics.logLoss.toFixed(4)}`);
    for (const a of card.metrics.apgr) {
      lines.push(`- APGR ${a.source}: ${a.apgr.toFixed(4)} over ${a.prompts} prompts (strong ${a.strongMean.toFixed(4)}, weak ${a.weakMean.toFixed(4)}; random = 0.5)`);
    }
  }
  if (card.notes) lines.push('', card.notes.trim());
  return `${lines.join('\n')}\n`;
}
