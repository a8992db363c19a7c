import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/index.js';
import { ApiKeyAuth } from '../../../src/server/http/api-key-auth.js';
import { resolveAuthKeys } from '../../../src/server/options/http-options.js';
import { RequestError } from '../../../src/server/errors/request-error.js';

describe('resolveAuthKeys', () => {
  it('takes flags over ROUTELLM_AUTH_KEYS over the config file', () => {
    const env = { ROUTELLM_AUTH_KEYS: 'env-1, env-2,,' };
    expect(resolveAuthKeys(['flag-1'], env, ['file-1'])).toEqual(['flag-1']);
    expect(resolveAuthKeys(undefined, env, ['file-1'])).toEqual(['env-1', 'env-2']);
    expect(resolveAuthKeys([], {}, ['file-1'])).toEqual(['file-1']);
    expect(resolveAuthKeys(undefined, {}, undefined)).toEqual([]);
  });

  it.each<[string, readonly string[] | undefined, Record<string, string>, readonly string[] | undefined, string]>([
    ['an empty --auth-key', [''], {}, undefined, '--auth-key'],
    ['ROUTELLM_AUTH_KEYS of commas and spaces', undefined, { ROUTELLM_AUTH_KEYS: ' , ' }, undefined, 'ROUTELLM_AUTH_KEYS'],
    ['an empty ROUTELLM_AUTH_KEYS (a missing secret)', undefined, { ROUTELLM_AUTH_KEYS: '' }, ['file-1'], 'ROUTELLM_AUTH_KEYS'],
    ['an empty auth_keys list in the file', undefined, {}, [], "the config file's auth_keys"],
    ['auth_keys of blanks in the file', undefined, {}, ['  '], "the config file's auth_keys"],
  ])('refuses to start with auth asked for but no key: %s', (_name, flags, env, file, source) => {
    expect(() => resolveAuthKeys(flags, env, file)).toThrow(ConfigError);
    expect(() => resolveAuthKeys(flags, env, file)).toThrow(`${source} is set but holds no key, so auth would be off`);
  });

  it('says what unsetting an empty ROUTELLM_AUTH_KEYS would do', () => {
    expect(() => resolveAuthKeys(undefined, { ROUTELLM_AUTH_KEYS: '' }, ['file-1'])).toThrow("unset ROUTELLM_AUTH_KEYS (then the config file's auth_keys apply)");
    expect(() => resolveAuthKeys(undefined, { ROUTELLM_AUTH_KEYS: '' }, undefined)).toThrow('unset ROUTELLM_AUTH_KEYS (then auth is off)');
  });

  it('refuses a key with whitespace inside', () => {
    expect(() => resolveAuthKeys(['a b'], {})).toThrow(ConfigError);
  });
});

describe('ApiKeyAuth', () => {
  const auth = new ApiKeyAuth(['sk-right-1', 'another-key-that-is-longer']);

  it('lets every request through when no key is configured', () => {
    const open = new ApiKeyAuth([]);
    expect(open.enabled).toBe(false);
    expect(() => open.check('/v1/chat/completions', undefined)).not.toThrow();
  });

  it.each([
    ['Bearer sk-right-1', true],
    ['bearer sk-right-1', true],
    ['Bearer   another-key-that-is-longer  ', true],
    ['Bearer sk-right-2', false],
    ['Bearer sk-right-1x', false],
    ['Bearer sk-right-', false],
    ['Bearer ', false],
    ['sk-right-1', false],
    ['Basic c2stcmlnaHQtMQ==', false],
    ['Bearer sk-right-1 sk-right-1', false],
  ])('%j -> %s', (header, allowed) => {
    expect(auth.allows(header)).toBe(allowed);
  });

  it('answers a missing key with an OpenAI-shaped 401 invalid_api_key', () => {
    const error = catchError(() => auth.check('/v1/chat/completions', undefined));
    expect(error).toBeInstanceOf(RequestError);
    expect(error.status).toBe(401);
    expect(error.body().error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key' });
    expect(error.message).toContain('Missing API key');
    expect(error.headers['www-authenticate']).toBe('Bearer');
  });

  it('never repeats a wrong key in its message', () => {
    const error = catchError(() => auth.check('/v1/models', 'Bearer sk-secret-wrong-key'));
    expect(error.status).toBe(401);
    expect(error.message).toContain('Incorrect API key');
    expect(JSON.stringify(error.body())).not.toContain('sk-secret-wrong-key');
  });

  it('keeps /health open and guards /metrics and stats', () => {
    expect(() => auth.check('/health', undefined)).not.toThrow();
    expect(() => auth.check('/metrics', undefined)).toThrow(RequestError);
    expect(() => auth.check('/v1/routellm/stats', undefined)).toThrow(RequestError);
  });
});

function catchError(fn: () => void): RequestError {
  try {
    fn();
  } catch (error) {
    return error as RequestError;
  }
  throw new Error('expected an error');
}
