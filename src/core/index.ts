export { optionName, optionSetting, type Audience, type AudienceOption } from './audience.js';
export { Decider, type DeciderOptions, type RouteTarget, type RoutingDecision, type ShareResolver, type ThresholdAdvisor } from './decider.js';
export {
  ConfigError,
  ControllerClosedError,
  exitCodeFor,
  InternalError,
  RouterError,
  RoutellmError,
  RoutingError,
  UpstreamError,
  UpstreamTimeoutError,
  UsageError,
} from './errors.js';
export type { HubAccess } from './hub-access.js';
export { DEFAULT_MODEL_PAIR, type ModelPair } from './model-pair.js';
export { EXTREME_SHARE_ADVICE, formatModelName, parseModelName, parseThreshold, type ParsedModelName, type ThresholdOptions, type ThresholdSpec } from './parse-model-name.js';
export { rejectUnknownOptions } from './reject-unknown-options.js';
export { RouterRegistry, type RouterContext, type RouterFactory, type RouterOptions } from './registry.js';
export { chooseTier, scorePrompts, type Router, type Tier } from './router.js';
export { estimateTokens } from './estimate-tokens.js';
export { boundedRoutingText, MAX_ROUTING_CHARS, routingText, validateMessages } from './routing-text.js';
export { createRandomRouter, randomRouterFactory, seededRandom } from './routers/random.js';
export {
  DEFAULT_SHARE_WINDOW,
  MAX_SHARE_TRACKS,
  ShareCalibrator,
  ShareTrack,
  type BudgetRefusal,
  type ListBudget,
  type LiveDecision,
  type ShareCalibratorOptions,
  type ShareTrackStats,
  type TrackedRouter,
} from './shares/share-calibrator.js';
export { keepRecent } from './shares/keep-recent.js';
export {
  BUDGET_PAYBACK_MS,
  BUDGET_PRIOR_TOKENS,
  BUDGET_PROBE_RETRY_MS,
  BUDGET_RATE_TIME_CONSTANT_MS,
  BudgetTrack,
  type BudgetTrackOptions,
} from './shares/budget-track.js';
export type { KeptEntry, KeptTrack, ListWindowEntry, SavedListTrack, SavedPairTrack, SavedTrack } from './shares/kept-track.js';
export { shareOfBatch, type BatchCut } from './shares/share-of-batch.js';
export { SHARE_STATE_FORMAT, listEntryProblem, savedTracksOf, shareStateDocument, type ShareStateDocument } from './shares/share-state-document.js';
export { ShareWindow, type ShareCut, type WindowEntry } from './shares/share-window.js';
export { chooseByShortfall, chooseModel, costScale, costSpan, scaleCosts, shortfalls } from './model-list/choose-model.js';
export { costShareAt, costShareCurve, knobForCostShare, switchPoints, weightedCostShareCurve, type CostShareCurve, type PricedShortfalls, type SwitchPoint } from './model-list/knob-for-cost-share.js';
export { requestCosts, typicalCostUnit, type RequestCosts } from './model-list/request-costs.js';
export { promptTokens, requestTokens, TYPICAL_REQUEST_TOKENS, type RequestTokens } from './model-list/request-tokens.js';
export type { ModelScorer, ModelScorerFactory } from './model-list/model-scorer.js';
export { CostShareWindow } from './model-list/cost-share-window.js';
export { ListBudgetTrack, type ListBudgetTrackOptions } from './model-list/list-budget-track.js';
export { BudgetPace, type BudgetStats, type PaceDelta, type PaceSharing, type SharedBudget } from './shares/budget-pace.js';
export { ModelListRouting, qualitiesByModel, type ListChoice, type ListDecision, type ListPrior, type ListRoutingOptions, type ListTarget } from './model-list/list-routing.js';
export { checkCostOrder, type CostOrder } from './model-list/check-cost-order.js';
export { checkModelList, expectedCosts, pairOfModelList, scoreColumns, type ModelEntry, type ModelList, type TokenPrice } from './model-list/model-list.js';
