/** A causal_llm judge's chat.completion answer for a JsonHandlerServer: `content`, and `logprobs` as given (null when not asked for). */
export function judgeCompletion(model: unknown, content: string, logprobs: unknown) {
  return {
    body: {
      id: 'chatcmpl-judge',
      object: 'chat.completion',
      created: 1_700_000_000,
      model,
      choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs }],
      usage: { prompt_tokens: 100, completion_tokens: 3, total_tokens: 103 },
    },
  };
}
