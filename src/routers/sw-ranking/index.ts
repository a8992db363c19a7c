export { preprocessArenaBattles, MIN_FIRST_TURN_LENGTH, type ArenaRow } from './arena-battles.js';
export { computeTiers } from './compute-tiers.js';
export { battleDesign, eloMleWithTie, ELO_BASE, ELO_INIT, ELO_SCALE, type BattleArrays, type BattleDesign } from './elo-mle.js';
export { embedderKind, openAIEmbedderResolver, type EmbedderResolver } from './resolve-embedder.js';
export {
  BATTLES_FILE,
  decodeSwRankingData,
  EMBEDDINGS_FILE,
  EMBEDDINGS_TENSOR,
  encodeSwRankingData,
  SW_RANKING_FORMAT,
  type SwRankingData,
} from './sw-ranking-data.js';
export {
  aWinsOf,
  buildSwRankingModel,
  DEFAULT_NUM_TIERS,
  DEFAULT_STRONG_MODEL,
  DEFAULT_WEAK_MODEL,
  eloWinRate,
  type Battle,
  type BattleWinner,
  type SwRankingModel,
} from './sw-ranking-model.js';
export { createSwRankingRouterFactory, DEFAULT_SW_RANKING_DIR, swRankingRouterFactory, type SwRankingRouter } from './sw-ranking-router.js';
export { trainSwRanking, type PromptBattle } from './train-sw-ranking.js';
export { writeSwRankingData } from './write-sw-ranking-data.js';
