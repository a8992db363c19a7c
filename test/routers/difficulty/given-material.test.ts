import { describe, expect, it } from 'vitest';
import { askAndMaterial, givenMaterialRequest } from '../../../src/routers/difficulty/given-material.js';

const paragraph =
  'The harbour festival returns this weekend with boat races, a fish market and live music on the quay. ' +
  'Parking will be limited, so visitors are asked to come by bus or bike. The fireworks start at ten on Saturday night.';
const code = [
  'def mean(xs):',
  '    tmp = 0',
  '    for x in xs:',
  '        tmp += x',
  '    return tmp / len(xs)',
  '',
  'def spread(xs):',
  '    tmp = max(xs) - min(xs)',
  '    return tmp',
  '',
  'print(mean([1, 2, 3, 4]), spread([1, 2, 3, 4]))',
  'print(mean([10, 20]), spread([10, 20]))',
].join('\n');

describe('givenMaterialRequest', () => {
  it('marks a short ask in prose about pasted text, code or a list', () => {
    expect(givenMaterialRequest(`Summarise this in one sentence:\n\n${paragraph}`)).toBe(1);
    expect(givenMaterialRequest(`Rename tmp to total in this function, nothing else:\n\n${code}`)).toBe(1);
    expect(givenMaterialRequest(`Sort these alphabetically:\n${['pears', 'kiwis', 'apples', 'plums', 'limes', 'figs'].map((f) => `${f} from the market stall on the corner`).join('\n')}`)).toBe(1);
  });

  it('leaves asks for reasoning, diagnosis, computation or mathematics, and code-only text, unmarked', () => {
    expect(givenMaterialRequest(`This sometimes deadlocks. Find the race and explain the interleaving:\n\n${code}`)).toBe(0);
    expect(givenMaterialRequest(`Prove that this function terminates:\n\n${code}`)).toBe(0);
    expect(givenMaterialRequest(`Démontrez que cette fonction termine :\n\n${code}`)).toBe(0);
    expect(givenMaterialRequest(`How many visitors does the text expect? Compute it:\n\n${paragraph}`)).toBe(0);
    expect(givenMaterialRequest(`from typing import List\n\n${code}`)).toBe(0);
    expect(givenMaterialRequest(`What is $f(2)$ for the function below?\n\n${code}`)).toBe(0);
  });

  it('needs a short ask and a long material: a plain question or a long essay is not one', () => {
    expect(askAndMaterial('What is the capital of France?')).toBeUndefined();
    expect(givenMaterialRequest(`${paragraph}\n\n${paragraph}`)).toBe(0);
  });

  it('reads a question that closes the pasted block as part of the ask', () => {
    const table = `A survey reports these counts:\n${'north 12, south 40, east 7, west 19 and the rest unknown\n'.repeat(4)}Is the difference between north and south significant? Justify it.`;
    expect(askAndMaterial(table)?.ask).toContain('significant');
    expect(givenMaterialRequest(table)).toBe(0);
  });
});
