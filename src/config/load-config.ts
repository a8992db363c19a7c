import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isPair, parse as parseYaml, parseDocument, visit, type YAMLError } from 'yaml';
import { ConfigError, type RouterOptions } from '../core/index.js';
import { looksLikeRepoId } from '../hub/repo-id.js';
import { EMPTY_SECTIONS, parseConfigSections, RESERVED_CONFIG_KEYS, type ConfigSections } from './config-sections.js';

/**
 * The YAML config file, as RouteLLM's `config.example.yaml`: router name -> its options, and the
 * reserved top-level sections `models:`, `providers:`, `prices:` and `server:` (config-sections.ts).
 * The sections are optional so configs built in code need not spell them out.
 */
export interface RoutellmConfig extends Partial<ConfigSections> {
  /** Options per router name. */
  readonly routers: Readonly<Record<string, RouterOptions>>;
  /** Where the file was read from, for error messages. */
  readonly path: string | undefined;
  /** Every top-level key of the file, in order (routers and sections), for the unknown-key check. */
  readonly keys?: readonly string[];
}

export const EMPTY_CONFIG: RoutellmConfig = { routers: {}, path: undefined, ...EMPTY_SECTIONS };

/**
 * Reads and validates a config file. `${VAR}` and `${VAR:-default}` in string values
 * expand from `env`, so keys stay out of the file. A relative `path` resolves against `cwd`
 * (the command's, which in-process tests set); relative paths inside the file resolve against
 * the file's own directory (see resolveFilePaths).
 */
export async function loadConfig(
  path: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd: string = process.cwd(),
): Promise<RoutellmConfig> {
  if (path === undefined) return EMPTY_CONFIG;
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const config = parseConfig(text, path, env);
  const base = dirname(resolve(cwd, path));
  return { ...config, routers: resolveFilePaths(config.routers, base) as Record<string, RouterOptions> };
}

/**
 * Option keys that name a file or directory: `checkpoint_path`, `config_path`, `data_dir`,
 * `battles_path`, ..., and sw_ranking's lists of datasets (`arena_battle_datasets`).
 */
const PATH_KEY = /_(path|dir|datasets)$/;

/**
 * Makes the relative paths of router options absolute against `base`, the config file's
 * directory, at any depth (hybrid nests its experts' options): `checkpoint_path: ./mf1` in
 * /etc/routellm/c.yaml means /etc/routellm/mf1 whatever directory the command runs in, as a
 * service's working directory is rarely the config's. Absolute paths are left alone, and so is a
 * Hugging Face hub id (`routellm/mf_gpt4_augmented`, RouteLLM's config.example.yaml) that names
 * nothing beside the file: the router fetches it from the hub. Done once, here, so every router
 * and command reads paths the same way.
 */
export function resolveFilePaths(value: unknown, base: string): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveFilePaths(item, base));
  if (!isPlainObject(value)) return value;
  return Object.entries(value).reduce<Record<string, unknown>>((out, [key, item]) => {
    out[key] = !PATH_KEY.test(key)
      ? resolveFilePaths(item, base)
      : Array.isArray(item)
        ? item.map((entry) => resolvePath(entry, base))
        : resolvePath(item, base);
    return out;
  }, {});
}

function resolvePath(value: unknown, base: string): unknown {
  if (typeof value !== 'string' || value === '' || isAbsolute(value)) return resolveFilePaths(value, base);
  const local = resolve(base, value);
  return looksLikeRepoId(value) && !existsSync(local) ? value : local;
}

/**
 * Parses config text; exported for tests and for configs given inline.
 *
 * `${VAR}` is expanded after YAML parsing, so a value can never change the file's structure.
 * Each expansion is first swapped for a placeholder, as `${` is not valid YAML inside a flow
 * mapping (`random: {seed: ${SEED}}`). An unquoted value that is wholly one expansion is then
 * read as a YAML scalar, so `seed: ${SEED:-7}` is the number 7; a quoted one stays a string.
 */
export function parseConfig(text: string, path: string, env: Readonly<Record<string, string | undefined>>): RoutellmConfig {
  const { document, expansions } = parseWithPlaceholders(text, path);
  return configOf(document, path, (value, where) => expandEnv(value, env, where, expansions));
}

/**
 * A config given as an object in the file's shape (router name -> options, and the `models:`,
 * `providers:`, `prices:`, `server:` sections), as RouteLLM's Controller takes its `config` dict:
 * checked as a file is, relative paths in router options resolved against `cwd`.
 */
export function configFromObject(document: unknown, cwd: string = process.cwd()): RoutellmConfig {
  const config = configOf(document, 'config', (value) => value);
  return { ...config, path: undefined, routers: resolveFilePaths(config.routers, cwd) as Record<string, RouterOptions> };
}

/** The config from a parsed document: routers and the reserved sections, each value through `expand`. */
function configOf(document: unknown, path: string, expand: (value: unknown, where: string) => unknown): RoutellmConfig {
  if (document === null || document === undefined) return { routers: {}, path, ...EMPTY_SECTIONS, keys: [] };
  if (!isPlainObject(document)) throw new ConfigError(`config file ${path} must be a mapping of router name -> options`);
  const routers: Record<string, RouterOptions> = {};
  const reserved: Record<string, unknown> = {};
  for (const [name, options] of Object.entries(document)) {
    if (RESERVED_CONFIG_KEYS.has(name)) {
      reserved[name] = expand(options, `${path}: ${name}`);
    } else if (options === null || options === undefined) {
      routers[name] = {};
    } else if (isPlainObject(options)) {
      routers[name] = expand(options, `${path}: ${name}`) as RouterOptions;
    } else {
      throw new ConfigError(`config file ${path}: "${name}" must be a mapping of options, got ${typeof options}`);
    }
  }
  return { routers, path, ...parseConfigSections(reserved, path), keys: Object.keys(document) };
}

const EXPANSION = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
/** Stands for expansion i in the text handed to the YAML parser: a plain scalar anywhere. */
const PLACEHOLDER = /__routellm_env_(\d+)__/g;
/** A whole unquoted value that is one expansion, to be read as a scalar once expanded. */
const WHOLE_PLACEHOLDER = /^__routellm_scalar_env_(\d+)__$/;

interface Expansion {
  readonly text: string;
  readonly name: string;
  readonly fallback: string | undefined;
  /** Where it starts in the original text, and in the text with placeholders. */
  readonly at: number;
  readonly placedAt: number;
  readonly placedLength: number;
}

function parseWithPlaceholders(text: string, path: string): { document: unknown; expansions: Expansion[] } {
  const expansions: Expansion[] = [];
  let shift = 0;
  const placed = text.replace(EXPANSION, (match: string, name: string, fallback: string | undefined, at: number) => {
    const placeholder = `__routellm_env_${expansions.length}__`;
    expansions.push({ text: match, name, fallback, at, placedAt: at + shift, placedLength: placeholder.length });
    shift += placeholder.length - match.length;
    return placeholder;
  });
  const document = parseDocument(placed);
  const error = document.errors[0];
  if (error) throw new ConfigError(`config file ${path} is not valid YAML: ${describeYamlError(error, text, expansions)}`);
  if (expansions.length > 0) {
    visit(document, {
      Scalar(key, node, ancestors) {
        if (typeof node.value !== 'string' || !node.value.includes('__routellm_env_')) return;
        const parent = ancestors[ancestors.length - 1];
        if (key === 'key' && isPair(parent)) {
          // Keys are never expanded: give back the text as written.
          node.value = node.value.replace(PLACEHOLDER, (_m, i: string) => expansions[Number(i)]!.text);
        } else if (node.type === 'PLAIN' && /^__routellm_env_\d+__$/.test(node.value)) {
          node.value = node.value.replace('__routellm_env_', '__routellm_scalar_env_');
        }
      },
    });
  }
  return { document: document.toJS(), expansions };
}

function expandEnv(value: unknown, env: Readonly<Record<string, string | undefined>>, where: string, expansions: readonly Expansion[]): unknown {
  if (typeof value === 'string') {
    const lookup = (index: string) => {
      const { name, fallback } = expansions[Number(index)]!;
      const found = env[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      throw new ConfigError(`${where}: environment variable ${name} is not set`);
    };
    const whole = WHOLE_PLACEHOLDER.exec(value);
    if (whole) return scalarOf(lookup(whole[1]!));
    return value.replace(PLACEHOLDER, (_match, index: string) => lookup(index));
  }
  if (Array.isArray(value)) return value.map((item, index) => expandEnv(item, env, `${where}[${index}]`, expansions));
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, expandEnv(item, env, `${where}.${key}`, expansions)]));
  }
  return value;
}

/** An expanded value as YAML would read it unquoted, but only a number or a boolean: anything else stays the string. */
function scalarOf(text: string): unknown {
  let value: unknown;
  try {
    value = parseYaml(text, { logLevel: 'silent' });
  } catch {
    return text;
  }
  return typeof value === 'number' || typeof value === 'boolean' ? value : text;
}

/**
 * One line for a YAML error: its message and position in the file as written (placeholders
 * shift columns), and the line it points at, instead of the parser's multi-line excerpt.
 */
function describeYamlError(error: YAMLError, text: string, expansions: readonly Expansion[]): string {
  const message = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '').replace(/:$/, '');
  const offset = originalOffset(error.pos[0], expansions);
  const before = text.slice(0, offset).split('\n');
  const line = before.length;
  const column = (before[before.length - 1] ?? '').length + 1;
  const lines = text.split('\n');
  // At the end of the file the line may be empty: show the last one with text.
  let shown = line;
  while (shown > 1 && (lines[shown - 1] ?? '').trim() === '') shown -= 1;
  const excerpt = (lines[shown - 1] ?? '').trim();
  const clipped = excerpt.length > 60 ? `${excerpt.slice(0, 57)}...` : excerpt;
  return `${message} at line ${line}, column ${column}${clipped === '' ? '' : ` (${shown === line ? '' : `line ${shown}: `}${JSON.stringify(clipped)})`}`;
}

function originalOffset(placedOffset: number, expansions: readonly Expansion[]): number {
  let offset = placedOffset;
  for (const expansion of expansions) {
    if (expansion.placedAt >= placedOffset) break;
    // Inside a placeholder: point at the start of its expansion.
    if (placedOffset < expansion.placedAt + expansion.placedLength) return expansion.at;
    offset -= expansion.placedLength - expansion.text.length;
  }
  return offset;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
