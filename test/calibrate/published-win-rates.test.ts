import { describe, expect, it } from 'vitest';
import { usesPublishedWeights } from '../../src/calibrate/published-win-rates.js';

describe("RouteLLM's published win rates apply to its published weights only", () => {
  it('config.example.yaml, and the README copy with its defaults spelled out', () => {
    expect(usesPublishedWeights('mf', { checkpoint_path: 'routellm/mf_gpt4_augmented' })).toBe(true);
    expect(usesPublishedWeights('mf', { checkpoint_path: 'routellm/mf_gpt4_augmented', hidden_size: 128, strong_model: 'gpt-4-1106-preview', weak_model: 'mixtral-8x7b-instruct-v0.1' })).toBe(true);
    const sw = {
      arena_battle_datasets: ['lmsys/lmsys-arena-human-preference-55k', 'routellm/gpt4_judge_battles'],
      arena_embedding_datasets: ['routellm/arena_battles_embeddings', 'routellm/gpt4_judge_battles_embeddings'],
    };
    expect(usesPublishedWeights('sw_ranking', sw)).toBe(true);
  });

  it('not with other weights, another pair, other options, or no options (the shipped weights)', () => {
    expect(usesPublishedWeights('mf', {})).toBe(false);
    expect(usesPublishedWeights('mf', { checkpoint_path: 'me/my_mf' })).toBe(false);
    expect(usesPublishedWeights('mf', { checkpoint_path: 'routellm/mf_gpt4_augmented', strong_model: 'claude-2.1' })).toBe(false);
    expect(usesPublishedWeights('mf', { checkpoint_path: 'routellm/mf_gpt4_augmented', embedder: 'use-static' })).toBe(false);
    expect(usesPublishedWeights('sw_ranking', { arena_battle_datasets: ['lmsys/lmsys-arena-human-preference-55k'], arena_embedding_datasets: ['routellm/arena_battles_embeddings'] })).toBe(false);
    expect(usesPublishedWeights('hybrid', {})).toBe(false);
  });
});
