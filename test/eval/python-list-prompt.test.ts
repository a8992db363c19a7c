import { describe, expect, it } from 'vitest';
import { unwrapPythonListPrompt } from '../../src/eval/benchmarks/python-list-prompt.js';

describe('unwrapPythonListPrompt', () => {
  it('joins the strings of a RouterBench list literal, decoding escapes', () => {
    expect(unwrapPythonListPrompt(`['Write a function.\\nUse Python.', "It's \\"quoted\\""]`)).toBe('Write a function.\nUse Python.\nIt\'s "quoted"');
    expect(unwrapPythonListPrompt(`['Ian\\'s menudo']`)).toBe("Ian's menudo");
  });

  it('leaves anything else alone', () => {
    expect(unwrapPythonListPrompt('plain prompt')).toBe('plain prompt');
    expect(unwrapPythonListPrompt('[1, 2]')).toBe('[1, 2]');
    expect(unwrapPythonListPrompt("['unterminated]")).toBe("['unterminated]");
  });
});
