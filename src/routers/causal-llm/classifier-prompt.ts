/**
 * RouteLLM's causal_llm classifier prompt (routellm/routers/causal_llm/system_ft_v5.txt and
 * classifier_ft_v5.txt, lm-sys/RouteLLM, Apache-2.0), verbatim. The judge predicts how well an
 * assistant would answer: a high score means the weak model is likely good enough.
 */
export const CLASSIFIER_SYSTEM_MESSAGE = `[Instruction]
Based on the question provided below, predict the score an expert evaluator would give to an AI assistant's response, considering its helpfulness, relevance, adherence to facts, depth, creativity, and detail. Your prediction should infer the level of proficiency needed to address the question effectively. Use a scale from 1 to 5, where a higher score indicates a higher anticipated quality of response. Provide your prediction as: "[[predicted rating]]".

Score criteria:
- **4-5**: The AI assistant can produce a very strong answer, showing deep understanding, creativity, detailed insight, and high relevance.
- **3**: The AI assistant can provide an adequate answer with moderate detail, relevance, and factual accuracy.
- **1-2**: The AI assistant will struggle to produce a strong answer due to the question's difficulty, vagueness, or the assistant's limitations.
`;

/** The user turn; `{question}` is replaced by the prompt being routed. */
export const CLASSIFIER_USER_TEMPLATE = '[Question]\n{question}\n\nPrediction:\n';

/** The chat messages RouteLLM's `to_openai_api_messages` builds for one prompt. */
export function classifierMessages(
  prompt: string,
  options: { systemMessage?: string; userTemplate?: string } = {},
): Array<{ role: 'system' | 'user'; content: string }> {
  const template = options.userTemplate ?? CLASSIFIER_USER_TEMPLATE;
  return [
    { role: 'system', content: options.systemMessage ?? CLASSIFIER_SYSTEM_MESSAGE },
    // A function replacement, so `$&` and friends in the prompt stay literal.
    { role: 'user', content: template.replace('{question}', () => prompt) },
  ];
}
