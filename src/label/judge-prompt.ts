/**
 * The judge's instructions. RouteLLM's recipe (the paper's "LLM judge" augmentation): the strong
 * model's answer is the reference, and the judge rates the weak model's answer against it on a
 * 1-5 scale, ending with the rating in double brackets. The wording is ours.
 */
export const JUDGE_SYSTEM_MESSAGE = `You grade an AI assistant's answer to a user's question. You are given the question, a reference answer written by a stronger assistant, and the answer to grade.

Rate how well the answer to grade serves the person who asked, on this scale:
5 - as good as the reference, or better
4 - a little worse than the reference, but the person would be just as well served
3 - noticeably worse: partly wrong, or missing something that matters
2 - much worse: mostly wrong or unhelpful
1 - wrong, harmful, or beside the point

Use the reference as a guide to what a good answer contains, but check correctness yourself: the reference can be wrong too, and a different approach that is right is not worse. Ignore length and style unless they change how useful the answer is.

Explain your reasoning in a few sentences, then give the rating on its own line in double brackets, for example: [[3]]`;

/** The chat messages of one judgement. */
export function judgeMessages(prompt: string, strongAnswer: string, weakAnswer: string): Array<{ role: 'system' | 'user'; content: string }> {
  return [
    { role: 'system', content: JUDGE_SYSTEM_MESSAGE },
    {
      role: 'user',
      content: `[Question]\n${prompt}\n\n[Reference answer]\n${strongAnswer}\n[End of reference answer]\n\n[Answer to grade]\n${weakAnswer}\n[End of answer to grade]`,
    },
  ];
}
