// routellm as a library: route in-process, stream an answer, and plug in a router of your own.
// Run it with your keys (OPENAI_API_KEY, or ROUTELLM_BASE_URL and ROUTELLM_API_KEY for any
// OpenAI-compatible endpoint): node dist/examples/route-and-answer.js after `npm run examples`.
import { Controller, type Router } from 'routellm';

// A router of your own: the longer the prompt, the likelier the strong model is needed.
const lengthRouter: Router = {
  name: 'length',
  fingerprint: 'length:v1',
  strongWinRate: (prompt) => Math.min(1, prompt.length / 400),
};

const controller = await Controller.create({
  routers: ['difficulty', lengthRouter],
  strongModel: process.env['STRONG_MODEL'] ?? 'gpt-4o',
  weakModel: process.env['WEAK_MODEL'] ?? 'gpt-4o-mini',
});

try {
  // In-process routing, no server and no call: which model would answer, and why.
  for (const prompt of ['Thanks!', 'Prove that there are infinitely many primes.']) {
    const decision = await controller.decide(prompt, 'difficulty', '50%');
    console.log(`${JSON.stringify(prompt)} -> ${decision.model} (strong win rate ${decision.strongWinRate?.toFixed(3)}, threshold ${decision.threshold.toFixed(3)})`);
  }

  // A streamed answer, routed by the router above: the openai package's own Stream of chunks.
  const stream = await controller.chat.completions.create({
    model: 'router-length-0.5',
    messages: [{ role: 'user', content: 'Write a haiku about routing.' }],
    stream: true,
  });
  let streamed = '';
  for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';
  console.log(`streamed: ${streamed}`);

  // A completion and how it was routed (safe with many calls in flight: each carries its own).
  const { data, decision, model } = await controller.chat.completions
    .create({ model: 'router-difficulty-50%', messages: [{ role: 'user', content: 'What is 2 + 2?' }] })
    .withDecision();
  console.log(`answered by ${model} (routed to ${decision.model} by ${decision.router}): ${data.choices[0]?.message.content}`);

  const stats = controller.stats();
  console.log(`requests: ${stats.requests}, spend: ${stats.spend_usd} USD`);
} finally {
  await controller.close();
}
