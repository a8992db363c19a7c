/**
 * routellm as a library: the Controller routes each chat request to a strong or a weak model and
 * answers it in-process, through the same pipeline as `routellm serve`. Everything exported here
 * is the public API; nothing else in the package is.
 */

// The Controller: route, answer, account.
export { Controller, type ControllerStats, type ReloadResult } from './controller/controller.js';
export type { ControllerEnvironment, ControllerOptions, ControllerSettings, Logger, ProviderSettings } from './controller/controller-options.js';
export type { LogLevel } from './controller/log-level.js';
export { ChatCompletions, type ChatRequestOptions } from './controller/chat-completions.js';
export { RoutedPromise, type Decision, type ModelQualities, type RoutedResponse } from './controller/routed-promise.js';

// Routers: the built-ins by name, one built on its own, or one of your own.
export { builtinRouters, createRouter } from './controller/routers.js';
export { createRandomRouter, type Router, type RouterContext, type RouterFactory, type RouterOptions } from './core/index.js';

// Routing over an ordered list of models (docs/multi-model.md): the list, and the rule's choice.
export type { ModelEntry, ModelList, TokenPrice } from './core/index.js';
export type { ModelListEntry } from './config/config-sections.js';

// Model names: router-<router>-<threshold>.
export { formatModelName, parseModelName, type ParsedModelName, type ThresholdSpec } from './core/index.js';

// The error tree.
export { ConfigError, ControllerClosedError, InternalError, RouterError, RoutellmError, RoutingError, UpstreamError, UpstreamTimeoutError, UsageError } from './core/index.js';

// What chat.completions.create rejects with: the `openai` package's error classes, from the copy routellm
// uses. In a project on another openai major (4, 5) npm installs a second copy, whose OpenAI.APIError is
// another class: `instanceof` holds with these (import { APIError, RateLimitError } from 'routellm').
export {
  APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, AuthenticationError, BadRequestError, ConflictError,
  InternalServerError, NotFoundError, OpenAIError, PermissionDeniedError, RateLimitError, UnprocessableEntityError,
} from 'openai';

// The config file (RouteLLM's config.example.yaml shape, plus models:, providers:, prices:, server:).
export { loadConfig, type RoutellmConfig } from './config/load-config.js';

// Evaluating in code: APGR, AUC and CPT, as routellm eval computes them.
export { routerMetrics, type RouterMetrics } from './eval/metrics/router-metrics.js';
export type { CurveMetrics } from './eval/metrics/curve-metrics.js';
export type { CurvePoint } from './eval/metrics/router-curve.js';
