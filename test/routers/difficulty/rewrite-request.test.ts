import { describe, expect, it } from 'vitest';
import { asksForReasoning } from '../../../src/routers/difficulty/ask-word-groups.js';
import { rewriteRequest } from '../../../src/routers/difficulty/rewrite-request.js';

describe('rewriteRequest', () => {
  it('counts rewrite words in a request that asks for no reasoning', () => {
    expect(rewriteRequest('Translate this sentence into French: the cat sleeps.')).toBeGreaterThan(0);
    expect(rewriteRequest('Please fix the spelling and sort the list.')).toBeCloseTo(Math.log1p(3));
  });

  it('is 0 when the request also asks for reasoning: the rewrite word is then part of a harder task', () => {
    expect(rewriteRequest('How does grokking relate to weight decay? Summarise the evidence and its limits.')).toBe(0);
    expect(rewriteRequest('Prove the algorithm is correct and analyse its complexity.')).toBe(0);
    expect(rewriteRequest('Find the bug in this sort.')).toBe(0);
  });
});

describe('asksForReasoning', () => {
  it('reads the proof, design and analysis words of other languages', () => {
    for (const text of ['Démontrez que la suite converge.', 'Diseña un algoritmo eficiente.', 'Beweisen Sie, dass das Register nicht verfügbar ist.', '请分析两阶段提交协议为何会阻塞。', 'この定理を証明してください。', 'Analise a constitucionalidade da lei.']) {
      expect(asksForReasoning(text), text).toBe(true);
    }
  });

  it('does not read reasoning into easy requests in those languages', () => {
    for (const text of ['Bonjour, tu peux me donner une recette de crêpes ?', 'Wie viele Tage hat eine Woche?', '你好！请介绍一下你自己。', 'Obrigado pela ajuda!', 'Translate this into Spanish.']) {
      expect(asksForReasoning(text), text).toBe(false);
    }
  });
});
