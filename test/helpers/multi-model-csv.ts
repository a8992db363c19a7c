import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The models of the fixture, cheapest to strongest, and each one's cost per prompt in USD. */
export const FIXTURE_MODELS = ['small', 'medium', 'large'] as const;
const COSTS = [0.0001, 0.001, 0.01];

const cooking = ['pasta', 'garlic', 'onion', 'butter', 'salad', 'soup', 'bread', 'cheese', 'tomato', 'chicken', 'rice', 'lemon'];
const algebra = ['polynomial', 'equation', 'logarithm', 'fraction', 'quadratic', 'exponent', 'inequality', 'variable', 'matrix', 'vector', 'sum', 'product'];
const proofs = ['theorem', 'lemma', 'integral', 'eigenvalue', 'topology', 'manifold', 'prime', 'induction', 'convergence', 'homomorphism', 'isomorphism', 'group'];

/**
 * A benchmark in RouterBench's layout (prompt as a Python list literal, a 0.0/1.0 column per model,
 * `<model>|total_cost`, an `eval_name` and a `sample_id`) whose best model per prompt follows its
 * topic: the small model gets recipes right, the medium one algebra too, only the large one proofs.
 * A router that reads the topic beats every single model's trade-off; one that does not, cannot.
 * `blank` rows have an empty cell (RouterBench's ARC file has some), left out on reading;
 * `extraModel` adds a column of a model that is always right, at twice the large model's cost.
 */
export async function writeMultiModelCsv(dir: string, name = 'ladder.csv', options: { blank?: number; extraModel?: string } = {}): Promise<{ file: string; prompts: string[] }> {
  const columns = [...FIXTURE_MODELS, ...(options.extraModel ? [options.extraModel] : [])];
  const header = ['', 'sample_id', 'prompt', 'eval_name', ...columns, ...columns.map((m) => `${m}|total_cost`)];
  const lines = [header.join(',')];
  const prompts: string[] = [];
  let row = 0;
  const add = (prompt: string, correct: readonly number[]) => {
    prompts.push(prompt);
    const costs = [...COSTS, ...(options.extraModel ? [0.02] : [])].map((c) => (c * (1 + (row % 7) / 10)).toPrecision(6));
    const cells = [...correct, ...(options.extraModel ? [1] : [])].map((v, k) => (row < (options.blank ?? 0) && k === 1 ? '' : v.toFixed(1)));
    lines.push([String(row), `fixture.${row}`, `"['${prompt}']"`, 'fixture', ...cells, ...costs].join(','));
    row += 1;
  };
  for (let i = 0; i < 12; i += 1) {
    for (let j = 0; j < 12; j += 1) {
      if (i === j) continue;
      add(`Suggest a recipe with ${cooking[i]} and ${cooking[j]} for dinner`, [1, 1, (i + j) % 9 === 0 ? 0 : 1]);
      add(`Solve the ${algebra[i]} problem involving the ${algebra[j]}`, [0, 1, 1]);
      add(`Prove the ${proofs[i]} statement using the ${proofs[j]}`, [0, 0, 1]);
    }
  }
  const file = join(dir, name);
  await writeFile(file, `${lines.join('\n')}\n`);
  return { file, prompts };
}
