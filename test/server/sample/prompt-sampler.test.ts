import { describe, expect, it } from 'vitest';
import type { RoutingDecision } from '../../../src/core/index.js';
import { PromptSampler } from '../../../src/server/sample/prompt-sampler.js';

const decision: RoutingDecision = { router: 'mf', threshold: 0.116, strongWinRate: 0.41, tier: 'strong', model: 'gpt-4o' };
const body = { model: 'router-mf-0.116', user: 'u-7', temperature: 0.2, messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'Prove that 2 is prime.' }] };

function sampler(rate: number, draws: number[], fields?: string[]) {
  const lines: string[] = [];
  const instance = new PromptSampler({ rate, ...(fields ? { fields } : {}), sink: { push: (line) => lines.push(line) }, random: () => draws.shift() ?? 0, now: () => new Date('2025-06-01T12:00:00.000Z') });
  return { instance, lines };
}

describe('PromptSampler', () => {
  it("keeps a request when the draw is under the rate, as label's prompt line, with no other request field", () => {
    const { instance, lines } = sampler(0.3, [0.29, 0.3, 0.9]);
    for (let n = 0; n < 3; n += 1) instance.offer(decision, body);
    expect(lines).toEqual([
      '{"timestamp":"2025-06-01T12:00:00.000Z","prompt":"Prove that 2 is prime.","router":"mf","threshold":0.116,"strong_win_rate":0.41,"model":"gpt-4o"}\n',
    ]);
  });

  it('rate 0 keeps nothing, rate 1 everything', () => {
    const none = sampler(0, [0, 0, 0]);
    const all = sampler(1, [0.999, 0.5, 0]);
    for (let n = 0; n < 3; n += 1) {
      none.instance.offer(decision, body);
      all.instance.offer(decision, body);
    }
    expect(none.lines).toHaveLength(0);
    expect(all.lines).toHaveLength(3);
  });

  it('keeps the fields --sample-fields lists, under fields, and only those present', () => {
    const { instance, lines } = sampler(1, [0], ['user', 'metadata']);
    instance.offer(decision, body);
    expect(JSON.parse(lines[0] as string).fields).toEqual({ user: 'u-7' });
  });
});
