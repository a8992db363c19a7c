export { causalLlmOptions, causalLlmRouterFactory, createCausalLlmRouter, type CausalLlmOptions } from './causal-llm-router.js';
export { CLASSIFIER_SYSTEM_MESSAGE, CLASSIFIER_USER_TEMPLATE, classifierMessages } from './classifier-prompt.js';
export { judgeWinRate, parseJudgeScore, scoreDistribution, WEAK_ENOUGH_SCORE, winRateFromDistribution, type TokenLogprob } from './judge-score.js';
