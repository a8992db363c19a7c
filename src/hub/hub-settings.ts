import { join } from 'node:path';

/** The public hub; `HF_ENDPOINT` points elsewhere (a mirror, or a test's fake hub). */
export const DEFAULT_HF_ENDPOINT = 'https://huggingface.co';

/** How to reach the hub and where its cache is, as Python's `huggingface_hub` settles them. */
export interface HubSettings {
  /** `HF_ENDPOINT`, without a trailing slash. */
  readonly endpoint: string;
  /** `HF_TOKEN` (else the legacy `HUGGING_FACE_HUB_TOKEN`); the token file is read by the caller. */
  readonly token: string | undefined;
  /** `HF_HUB_CACHE`, else `HUGGINGFACE_HUB_CACHE`, else `$HF_HOME/hub` (`HF_HOME` defaults to `$XDG_CACHE_HOME/huggingface`, then `~/.cache/huggingface`). */
  readonly cacheDir: string;
  /** Where `huggingface-cli login` keeps the token: `HF_TOKEN_PATH`, else `$HF_HOME/token`. */
  readonly tokenPath: string;
  /** `HF_HUB_OFFLINE` is 1/true/yes/on: never touch the network, answer from the cache only. */
  readonly offline: boolean;
}

/** Values Python's `huggingface_hub` reads as true in a boolean variable. */
const TRUE_VALUES = new Set(['1', 'on', 'yes', 'true']);

/**
 * Reads the hub's settings from the environment, by the same variables and defaults as the
 * Python library, so both share one cache and one token. `home` is the user's home directory.
 */
export function hubSettings(env: Readonly<Record<string, string | undefined>>, home: string): HubSettings {
  const set = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const hfHome = set('HF_HOME') ?? join(set('XDG_CACHE_HOME') ?? join(home, '.cache'), 'huggingface');
  return {
    endpoint: (set('HF_ENDPOINT') ?? DEFAULT_HF_ENDPOINT).replace(/\/+$/, ''),
    token: set('HF_TOKEN') ?? set('HUGGING_FACE_HUB_TOKEN'),
    cacheDir: set('HF_HUB_CACHE') ?? set('HUGGINGFACE_HUB_CACHE') ?? join(hfHome, 'hub'),
    tokenPath: set('HF_TOKEN_PATH') ?? join(hfHome, 'token'),
    offline: TRUE_VALUES.has((set('HF_HUB_OFFLINE') ?? '').toLowerCase()),
  };
}
