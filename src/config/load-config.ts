import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError, type RouterOptions } from '../core/index.js';
import { EMPTY_GATEWAY_CONFIG, parseGatewaySections, RESERVED_CONFIG_KEYS, type GatewayFileConfig } from '../gateway/file-config.js';

/** The YAML config file, as RouteLLM's `config.example.yaml`: router name -> its options. */
export interface RoutellmConfig {
  /** Options per router name. */
  readonly routers: Readonly<Record<string, RouterOptions>>;
  /** Where the file was read from, for error messages. */
  readonly path: string | undefined;
  /**
   * The reserved top-level sections `models:`, `providers:`, `prices:` and `server:` (see
   * src/gateway/file-config.ts); every other top-level key is a router. Optional so configs
   * built in code need not spell it out.
   */
  readonly gateway?: GatewayFileConfig;
}

export const EMPTY_CONFIG: RoutellmConfig = { routers: {}, path: undefined, gateway: EMPTY_GATEWAY_CONFIG };

/**
 * Reads and validates a config file. `${VAR}` and `${VAR:-default}` in string values
 * expand from `env`, so keys stay out of the file. A relative path resolves against `cwd`
 * (the command's, which in-process tests set).
 */
export async function loadConfig(
  path: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string = process.cwd(),
): Promise<RoutellmConfig> {
  if (path === undefined) return EMPTY_CONFIG;
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return parseConfig(text, path, env);
}

/** Parses config text; exported for tests and for configs given inline. */
export function parseConfig(text: string, path: string, env: Readonly<Record<string, string | undefined>>): RoutellmConfig {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`config file ${path} is not valid YAML: ${firstLine((error as Error).message)}`);
  }
  if (document === null || document === undefined) return { routers: {}, path, gateway: EMPTY_GATEWAY_CONFIG };
  if (!isPlainObject(document)) throw new ConfigError(`config file ${path} must be a mapping of router name -> options`);
  const routers: Record<string, RouterOptions> = {};
  const reserved: Record<string, unknown> = {};
  for (const [name, options] of Object.entries(document)) {
    if (RESERVED_CONFIG_KEYS.has(name)) {
      reserved[name] = expandEnv(options, env, `${path}: ${name}`);
    } else if (options === null || options === undefined) {
      routers[name] = {};
    } else if (isPlainObject(options)) {
      routers[name] = expandEnv(options, env, `${path}: ${name}`) as RouterOptions;
    } else {
      throw new ConfigError(`config file ${path}: "${name}" must be a mapping of options, got ${typeof options}`);
    }
  }
  return { routers, path, gateway: parseGatewaySections(reserved, path) };
}

function expandEnv(value: unknown, env: Readonly<Record<string, string | undefined>>, where: string): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_match, name: string, fallback: string | undefined) => {
      const found = env[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      throw new ConfigError(`${where}: environment variable ${name} is not set`);
    });
  }
  if (Array.isArray(value)) return value.map((item, index) => expandEnv(item, env, `${where}[${index}]`));
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, expandEnv(item, env, `${where}.${key}`)]));
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
