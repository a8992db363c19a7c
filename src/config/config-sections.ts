import { ConfigError } from '../core/index.js';

/** The largest `--share-window` / `server.share_window`: 64 tracks of it stay near 10 MB. */
export const MAX_SHARE_WINDOW = 10_000;

/**
 * Top-level keys of the config file that are not routers. Everything else stays a router
 * name -> options, so RouteLLM's `config.example.yaml` remains a valid config.
 */
export const RESERVED_CONFIG_KEYS: ReadonlySet<string> = new Set(['server', 'models', 'providers', 'prices']);

/** An OpenAI-compatible provider from `providers:`, addressed by the `<name>/` model prefix. */
export interface ProviderConfig {
  readonly baseUrl: string;
  /** Name of the environment variable holding the key (never the key itself). */
  readonly apiKeyEnv: string | undefined;
}

/**
 * `server:` settings; every one may also come from a flag, which wins. Durations in ms.
 * The body size stays a flag (`--max-body`).
 */
export interface ServerFileConfig {
  /** Interface to bind (`--host`). */
  readonly host?: string;
  /** Port to listen on, 0 for a free one (`--port`). */
  readonly port?: number;
  readonly authKeys?: readonly string[];
  readonly fallback?: boolean;
  readonly timeoutMs?: number;
  readonly ttfbTimeoutMs?: number;
  readonly maxConcurrency?: number;
  readonly maxQueue?: number;
  readonly headersTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  readonly logPrompts?: boolean;
  readonly streamUsage?: boolean;
  readonly deadlineMs?: number;
  readonly degradedShare?: number;
  readonly degradedWindowMs?: number;
  readonly verbose?: boolean;
  /** Requests per live share window (src/shares). */
  readonly shareWindow?: number;
  /** Where live share windows are kept: a file path (relative to the config file) or redis://. */
  readonly shareState?: string;
  /** The prompt sample's file (`--sample-prompts`), relative to the config file. */
  readonly samplePrompts?: string;
  /** Share of routed requests sampled (`--sample-rate`), in [0, 1]. */
  readonly sampleRate?: number;
  /** Request fields kept with each sample (`--sample-fields`). */
  readonly sampleFields?: readonly string[];
  /** Bytes past which the sample file is rotated (`--sample-max-size`). */
  readonly sampleMaxBytes?: number;
}

/** Price of one model in USD per million tokens (`prices:`). */
export interface ModelPrice {
  readonly input: number;
  readonly output: number;
}

/** The strong and weak model named in `models:`, or (`models:` as a list) an ordered list of models. */
export interface ModelsSection {
  readonly strong?: string;
  readonly weak?: string;
  /** `models:` as a list: the models, cheapest first, as written (prices checked when the list is resolved). */
  readonly list?: readonly ModelListEntry[];
}

/** One entry of `models:` as a list, as written in the file (snake_case keys become these). */
export interface ModelListEntry {
  readonly name: string;
  readonly provider?: string;
  readonly baseUrl?: string;
  readonly apiKeyEnv?: string;
  /** USD per million tokens; absent: looked up in `prices:` and the built-in table. */
  readonly price?: ModelPrice;
  /** Labels of your own; none when absent. */
  readonly tags?: readonly string[];
  readonly scoredAs?: string;
}

const MODEL_ENTRY_KEYS = ['name', 'provider', 'base_url', 'api_key_env', 'price', 'tags', 'scored_as'];

/** The non-router sections of the config file: what serve, label and the library read besides the routers' options. */
export interface ConfigSections {
  readonly models: ModelsSection;
  readonly providers: Readonly<Record<string, ProviderConfig>>;
  readonly prices: Readonly<Record<string, ModelPrice>>;
  readonly server: ServerFileConfig;
}

export const EMPTY_SECTIONS: ConfigSections = { models: {}, providers: {}, prices: {}, server: {} };

type Reader<T> = (value: unknown, where: string) => T;

const SERVER_KEYS: Readonly<Record<string, [keyof ServerFileConfig, Reader<unknown>]>> = {
  host: ['host', (value, where) => nonEmptyString(value, where)],
  port: ['port', (value, where) => integerIn(value, where, 0, 65_535)],
  auth_keys: ['authKeys', (value, where) => stringList(value, where)],
  fallback: ['fallback', (value, where) => bool(value, where)],
  timeout: ['timeoutMs', (value, where) => seconds(value, where)],
  ttfb_timeout: ['ttfbTimeoutMs', (value, where) => seconds(value, where)],
  max_concurrency: ['maxConcurrency', (value, where) => integerIn(value, where, 1, 1_000_000)],
  max_queue: ['maxQueue', (value, where) => integerIn(value, where, 0, 1_000_000)],
  headers_timeout: ['headersTimeoutMs', (value, where) => seconds(value, where)],
  request_timeout: ['requestTimeoutMs', (value, where) => seconds(value, where)],
  log_prompts: ['logPrompts', (value, where) => bool(value, where)],
  stream_usage: ['streamUsage', (value, where) => bool(value, where)],
  deadline: ['deadlineMs', (value, where) => seconds(value, where)],
  degraded_share: ['degradedShare', (value, where) => shareIn(value, where)],
  degraded_window: ['degradedWindowMs', (value, where) => seconds(value, where)],
  verbose: ['verbose', (value, where) => bool(value, where)],
  share_window: ['shareWindow', (value, where) => integerIn(value, where, 1, MAX_SHARE_WINDOW)],
  share_state: ['shareState', (value, where) => nonEmptyString(value, where)],
  sample_prompts: ['samplePrompts', (value, where) => nonEmptyString(value, where)],
  sample_rate: ['sampleRate', (value, where) => rateIn(value, where)],
  sample_fields: ['sampleFields', (value, where) => stringList(value, where)],
  sample_max_size: ['sampleMaxBytes', (value, where) => sizeIn(value, where)],
};

/**
 * Reads the reserved sections of an (env-expanded) config document. Throws one
 * ConfigError naming the bad key, e.g. `config.yaml: server.timeout must be ...`.
 */
export function parseConfigSections(document: Readonly<Record<string, unknown>>, path: string): ConfigSections {
  return {
    models: parseModels(document['models'], `${path}: models`),
    providers: parseProviders(document['providers'], `${path}: providers`),
    prices: parsePrices(document['prices'], `${path}: prices`),
    server: parseServer(document['server'], `${path}: server`),
  };
}

function parseModels(value: unknown, where: string): ModelsSection {
  if (Array.isArray(value)) return { list: value.map((entry, index) => parseModelEntry(entry, `${where}[${index}]`)) };
  const section = mapping(value, where);
  const models: { strong?: string; weak?: string } = {};
  for (const [key, item] of Object.entries(section)) {
    if (key !== 'strong' && key !== 'weak') throw new ConfigError(`${where}.${key} is not a known key; use strong and weak`);
    models[key] = nonEmptyString(item, `${where}.${key}`);
  }
  return models;
}

/** One entry of `models:` as a list: `{name, provider | base_url (+ api_key_env), price: {input, output}, tags, scored_as}`, or a bare name. */
function parseModelEntry(value: unknown, where: string): ModelListEntry {
  if (typeof value === 'string') return { name: nonEmptyString(value, where), tags: [] };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`${where} must be a model name or a mapping with name, price: {input, output}, and provider or base_url; got ${kind(value)}`);
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!MODEL_ENTRY_KEYS.includes(key)) throw new ConfigError(`${where}.${key} is not a known key; use ${MODEL_ENTRY_KEYS.join(', ')}`);
  }
  const name = nonEmptyString(record['name'], `${where}.name`);
  const entry: { -readonly [K in keyof ModelListEntry]: ModelListEntry[K] } = { name, tags: [] };
  if (record['provider'] !== undefined && record['base_url'] !== undefined) {
    throw new ConfigError(`${where} ("${name}") gives both provider and base_url; give one`);
  }
  if (record['provider'] !== undefined) entry.provider = nonEmptyString(record['provider'], `${where}.provider`);
  if (record['base_url'] !== undefined) entry.baseUrl = httpURL(nonEmptyString(record['base_url'], `${where}.base_url`), `${where}.base_url`);
  const keyEnv = record['api_key_env'];
  if (keyEnv !== undefined) {
    if (typeof keyEnv !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(keyEnv)) {
      throw new ConfigError(`${where}.api_key_env must be the name of an environment variable (like GROQ_API_KEY), not a key`);
    }
    entry.apiKeyEnv = keyEnv;
  }
  if (record['price'] !== undefined && record['price'] !== null) entry.price = parsePrice(record['price'], `${where}.price`);
  if (record['tags'] !== undefined) entry.tags = stringList(record['tags'], `${where}.tags`);
  if (record['scored_as'] !== undefined) entry.scoredAs = nonEmptyString(record['scored_as'], `${where}.scored_as`);
  return entry;
}

function httpURL(value: string, where: string): string {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new ConfigError(`${where} must be an http(s) URL, got ${JSON.stringify(value)}`);
  }
  return value;
}

function parseProviders(value: unknown, where: string): Record<string, ProviderConfig> {
  const section = mapping(value, where);
  const providers: Record<string, ProviderConfig> = {};
  for (const [name, entry] of Object.entries(section)) {
    const at = `${where}.${name}`;
    const record = mapping(entry, at);
    for (const key of Object.keys(record)) {
      if (key !== 'base_url' && key !== 'api_key_env') throw new ConfigError(`${at}.${key} is not a known key; use base_url and api_key_env`);
    }
    const baseUrl = nonEmptyString(record['base_url'], `${at}.base_url`);
    try {
      const url = new URL(baseUrl);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
    } catch {
      throw new ConfigError(`${at}.base_url must be an http(s) URL, got ${JSON.stringify(baseUrl)}`);
    }
    const keyEnv = record['api_key_env'];
    if (keyEnv !== undefined && keyEnv !== null && (typeof keyEnv !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(keyEnv))) {
      // A literal key here would end up in the repository: only the variable's name belongs in the file.
      throw new ConfigError(`${at}.api_key_env must be the name of an environment variable (like GROQ_API_KEY), not a key`);
    }
    providers[name] = { baseUrl, apiKeyEnv: typeof keyEnv === 'string' ? keyEnv : undefined };
  }
  return providers;
}

function parseServer(value: unknown, where: string): ServerFileConfig {
  const section = mapping(value, where);
  const server: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(section)) {
    const entry = SERVER_KEYS[key];
    if (!entry) throw new ConfigError(`${where}.${key} is not a known key; known keys: ${Object.keys(SERVER_KEYS).join(', ')}`);
    if (item === null || item === undefined) continue;
    server[entry[0]] = entry[1](item, `${where}.${key}`);
  }
  return server as ServerFileConfig;
}

/**
 * Validates the config file's `prices:` section: model -> {input, output} in USD per
 * million tokens. Throws a ConfigError naming the bad key.
 */
export function parsePrices(value: unknown, where: string): Record<string, ModelPrice> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(`${where} must be a mapping of model -> {input, output}`);
  const prices: Record<string, ModelPrice> = {};
  for (const [model, entry] of Object.entries(value as Record<string, unknown>)) {
    prices[model] = parsePrice(entry, `${where}.${model}`);
  }
  return prices;
}

/** `{input, output}` in USD per million tokens. */
function parsePrice(entry: unknown, where: string): ModelPrice {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new ConfigError(`${where} must be {input: <USD per 1M tokens>, output: <USD per 1M tokens>}`);
  }
  const record = entry as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key !== 'input' && key !== 'output') throw new ConfigError(`${where}.${key} is not a price field; use input and output`);
  }
  return { input: toPrice(record['input'], `${where}.input`), output: toPrice(record['output'], `${where}.output`) };
}

function toPrice(value: unknown, where: string): number {
  if (value === undefined || value === null) throw new ConfigError(`${where} is missing: a price needs both input and output, in USD per million tokens (0 for a free side)`);
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number) || number < 0) {
    throw new ConfigError(`${where} must be a non-negative number of USD per million tokens, got ${JSON.stringify(value)}`);
  }
  return number;
}

function mapping(value: unknown, where: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(`${where} must be a mapping, got ${kind(value)}`);
  return value as Record<string, unknown>;
}

function nonEmptyString(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new ConfigError(`${where} must be a non-empty string, got ${kind(value)}`);
  return value;
}

function stringList(value: unknown, where: string): string[] {
  // A single string may hold comma-separated keys, as ROUTELLM_AUTH_KEYS does (handy with ${VAR}).
  const items = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(items) || items.some((item) => typeof item !== 'string')) {
    throw new ConfigError(`${where} must be a list of strings, got ${kind(value)}`);
  }
  return (items as string[]).map((item) => item.trim()).filter((item) => item !== '');
}

function bool(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') throw new ConfigError(`${where} must be true or false, got ${kind(value)}`);
  return value;
}

function toNumber(value: unknown): unknown {
  // ${VAR} expansion yields strings: accept numeric strings.
  return typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
}

function integerIn(value: unknown, where: string, min: number, max: number): number {
  const number = toNumber(value);
  if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
    throw new ConfigError(`${where} must be an integer from ${min} to ${max}, got ${kind(value)}`);
  }
  return number;
}

function rateIn(value: unknown, where: string): number {
  const number = toNumber(value);
  if (typeof number !== 'number' || !Number.isFinite(number) || number < 0 || number > 1) {
    throw new ConfigError(`${where} must be a share from 0 to 1 (e.g. 0.01), got ${kind(value)}`);
  }
  return number;
}

function sizeIn(value: unknown, where: string): number {
  const bytes = typeof value === 'number' ? value : typeof value === 'string' ? byteCount(value) : undefined;
  if (bytes === undefined || !Number.isInteger(bytes) || bytes < 1) throw new ConfigError(`${where} must be a size in bytes, e.g. 104857600, 500m or 1g; got ${kind(value)}`);
  return bytes;
}

/** Bytes of a size like `1048576`, `512k`, `100m`, `1g` (powers of 1024; a trailing `b`/`ib` allowed); undefined when it is not one. */
export function byteCount(raw: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?)i?b?$/i.exec(raw.trim());
  if (!match) return undefined;
  const scale = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(match[2] ?? '').toLowerCase() as '' | 'k' | 'm' | 'g'];
  const bytes = Math.floor(Number(match[1]) * scale);
  return bytes >= 1 ? bytes : undefined;
}

function shareIn(value: unknown, where: string): number {
  const number = toNumber(value);
  if (typeof number !== 'number' || !Number.isFinite(number) || number < 0 || number >= 1) {
    throw new ConfigError(`${where} must be a share from 0 to below 1 (e.g. 0.2), got ${kind(value)}`);
  }
  return number;
}

/** The longest duration the gateway takes, from the file or a flag (node timers stop at about 24 days). */
export const MAX_DURATION_SECONDS = 86_400;

function seconds(value: unknown, where: string): number {
  const number = toNumber(value);
  if (typeof number !== 'number' || !Number.isFinite(number) || number <= 0 || number > MAX_DURATION_SECONDS) {
    throw new ConfigError(`${where} must be a number of seconds above 0 (at most ${MAX_DURATION_SECONDS}), got ${kind(value)}`);
  }
  return Math.round(number * 1000);
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return JSON.stringify(value);
}
