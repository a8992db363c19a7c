import { writeFile } from 'node:fs/promises';

/**
 * Writes a `models:` list of three models, all sent to `baseURL`, that the shipped knn router
 * scores as three of RouterBench's models: local-7b ($0.1/0.1 per million tokens), yi-34b
 * ($0.8/0.8) and frontier ($10/30), cheapest first.
 */
export async function writeThreeModelList(path: string, baseURL: string): Promise<void> {
  await writeFile(
    path,
    `models:
  - name: local-7b
    base_url: ${baseURL}
    scored_as: mistralai/mistral-7b-chat
    price: { input: 0.1, output: 0.1 }
  - name: yi-34b
    base_url: ${baseURL}
    scored_as: zero-one-ai/Yi-34B-Chat
    price: { input: 0.8, output: 0.8 }
  - name: frontier
    base_url: ${baseURL}
    scored_as: gpt-4-1106-preview
    price: { input: 10, output: 30 }
`,
  );
}
