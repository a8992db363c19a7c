import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { modelScorerNames, modelScorerFactory } from '../routers/multi/model-scorers.js';
import { nodeRouterContext } from '../runtime/node-router-context.js';
import { readMultiTrainingData } from './read-multi-training-data.js';
import { buildListPriorTable, LIST_PRIOR_PROMPTS, listPriorTablePath, listPriorTableText } from '../calibrate/list-prior-table.js';
import { trainHalfSample } from '../calibrate/traffic-mix.js';

/** The shipped list routers' training data (as `npm run train:routerbench` reads it), relative to the shared datasets. */
export const LIST_PRIOR_SOURCES = ['routerbench/arc_challenge_train.csv', 'routerbench/mbpp_train.csv', 'routerbench/winograde_train.csv'] as const;

/**
 * `npm run calibration:lists`: for each shipped router over a list (knn, mf), its predictions on
 * LIST_PRIOR_PROMPTS of its training prompts (the train half, sha1 even, lowest sha1 first, as
 * the pair's table picks them), written to `<datasetsDir>/calibration/list-prior-<router>.json`.
 * Returns the paths written.
 */
export async function writeListPriorTables(sharedDatasets: string, datasetsDir: string): Promise<string[]> {
  const context = nodeRouterContext({ env: {} });
  const written: string[] = [];
  for (const name of modelScorerNames()) {
    const scorer = await (await modelScorerFactory(name)).create({}, context);
    const data = await readMultiTrainingData(
      LIST_PRIOR_SOURCES.map((path) => join(sharedDatasets, path)),
      scorer.models,
      new Set(),
    );
    const prompts = trainHalfSample(
      data.files.flatMap((file) => file.prompts),
      LIST_PRIOR_PROMPTS,
    );
    const source = `${prompts.length} train-half prompts (sha1 even, lowest sha1 first) of RouterBench's ${LIST_PRIOR_SOURCES.map((path) => path.replace('routerbench/', '')).join(', ')}`;
    const path = listPriorTablePath(datasetsDir, name);
    await writeFile(path, listPriorTableText(await buildListPriorTable(scorer, prompts, source)));
    written.push(path);
  }
  return written;
}
