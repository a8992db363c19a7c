import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/index.js';
import { preprocessArenaBattles } from '../../../src/routers/sw-ranking/arena-battles.js';

describe('preprocessArenaBattles (RouteLLM preprocess_battles)', () => {
  it('takes the trimmed first turn, reads the winner columns, and drops first turns under 16 characters', () => {
    const rows = [
      { model_a: 'gpt-4-0613', model_b: 'vicuna-13b', prompt: JSON.stringify(['  Explain the Fourier transform.  ', 'more']), winner_model_a: 1, winner_model_b: 0 },
      { model_a: 'a', model_b: 'b', prompt: JSON.stringify(['too short']), winner_model_a: 1, winner_model_b: 0 },
      { model_a: 'a', model_b: 'b', prompt: JSON.stringify(['Write a haiku about rain please']), winner_model_a: '0', winner_model_b: '1' },
      { model_a: 'a', model_b: 'b', prompt: JSON.stringify(['Sixteen chars ok']), winner_model_a: 0, winner_model_b: 0 },
      { model_a: 'a', model_b: 'b', prompt: JSON.stringify(['ééééééééééééééé']), winner_model_a: 0, winner_model_b: 0 }, // 15 code points
    ];
    expect(preprocessArenaBattles(rows)).toEqual([
      { prompt: 'Explain the Fourier transform.', model_a: 'gpt-4-0613', model_b: 'vicuna-13b', winner: 'model_a' },
      { prompt: 'Write a haiku about rain please', model_a: 'a', model_b: 'b', winner: 'model_b' },
      { prompt: 'Sixteen chars ok', model_a: 'a', model_b: 'b', winner: 'tie' },
    ]);
  });

  it('rejects a prompt that is not a JSON list of turns', () => {
    expect(() => preprocessArenaBattles([{ model_a: 'a', model_b: 'b', prompt: 'plain text', winner_model_a: 1, winner_model_b: 0 }])).toThrow(
      new UsageError('arena row 1: prompt is not a JSON list of turns'),
    );
  });
});
