import { trainedPromptsLine } from '../eval/trained-prompts.js';
import { heldOutCardLine, type HeldOutMetrics } from './heldout-metrics.js';

/** What a model card records about one training run. */
export interface ModelCardInput {
  readonly router: string;
  readonly command: string;
  readonly dataFiles: readonly string[];
  readonly excludeFiles: readonly string[];
  readonly skippedFiles?: readonly string[];
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
  /**
   * Every prompt of the training side of the split (held-out prompts excluded), declared in the
   * card for `routellm eval`, which marks or leaves out benchmark items the router learned from.
   */
  readonly trainedPrompts: readonly string[];
}

/** Lists files, folding ten or more from one directory (MMLU's 57 domain files) into `dir/*.ext (N files)`. */
export function foldFileList(files: readonly string[]): string[] {
  const byDir = new Map<string, string[]>();
  for (const file of files) {
    const cut = file.lastIndexOf('/');
    const dir = cut >= 0 ? file.slice(0, cut) : '.';
    byDir.set(dir, [...(byDir.get(dir) ?? []), file]);
  }
  const out: string[] = [];
  for (const [dir, group] of byDir) {
    const exts = new Set(group.map((f) => f.slice(f.lastIndexOf('.'))));
    if (group.length >= 10 && exts.size === 1) out.push(`${dir}/*${[...exts][0]} (${group.length} files)`);
    else out.push(...group);
  }
  return out;
}

/** Renders MODEL_CARD.md for a trained router. */
export function renderModelCard(card: ModelCardInput): string {
  const lines = [
    `# ${card.router} router weights`,
    '',
    `Produced by \`${card.command}\`.`,
    '',
    '## Data',
    ...foldFileList(card.dataFiles).map((f) => `- ${f}`),
    ...(card.skippedFiles?.length ? ['', 'Files left out (--skip-file):', ...card.skippedFiles.map((f) => `- ${f}`)] : []),
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
    lines.push(heldOutCardLine(card.metrics));
    for (const a of card.metrics.apgr) {
      lines.push(`- APGR ${a.source}: ${a.apgr.toFixed(4)} over ${a.prompts} prompts (strong ${a.strongMean.toFixed(4)}, weak ${a.weakMean.toFixed(4)}; random = 0.5)`);
    }
  }
  if (card.notes) lines.push('', card.notes.trim());
  // Hidden when rendered; read by routellm eval (src/eval/trained-prompts.ts).
  lines.push('', trainedPromptsLine(card.trainedPrompts));
  return `${lines.join('\n')}\n`;
}
