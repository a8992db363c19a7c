export { Controller, type ControllerOptions, type RouteTarget, type RoutingDecision, type ShareResolver, type ThresholdAdvisor } from './controller.js';
export {
  ConfigError,
  exitCodeFor,
  InternalError,
  RouterError,
  RoutellmError,
  RoutingError,
  UpstreamError,
  UpstreamTimeoutError,
  UsageError,
} from './errors.js';
export { DEFAULT_MODEL_PAIR, type ModelPair } from './model-pair.js';
export { EXTREME_SHARE_ADVICE, formatModelName, parseModelName, parseThreshold, type ParsedModelName, type ThresholdSpec } from './parse-model-name.js';
export { rejectUnknownOptions } from './reject-unknown-options.js';
export { RouterRegistry, type RouterContext, type RouterFactory, type RouterOptions } from './registry.js';
export { chooseTier, scorePrompts, type Router, type Tier } from './router.js';
export { boundedRoutingText, MAX_ROUTING_CHARS, routingText, validateMessages } from './routing-text.js';
export { createRandomRouter, randomRouterFactory, seededRandom } from './routers/random.js';
