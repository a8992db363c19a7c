import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hubSettings } from '../../src/hub/hub-settings.js';
import { looksLikeRepoId, resolveUrl } from '../../src/hub/repo-id.js';
import { splitParquetFiles } from '../../src/hub/split-files.js';

describe('hub settings, as huggingface_hub reads them', () => {
  it('defaults to ~/.cache/huggingface/hub and the public endpoint', () => {
    expect(hubSettings({}, '/home/u')).toEqual({
      endpoint: 'https://huggingface.co',
      token: undefined,
      cacheDir: join('/home/u', '.cache', 'huggingface', 'hub'),
      tokenPath: join('/home/u', '.cache', 'huggingface', 'token'),
      offline: false,
    });
  });

  it('HF_HUB_CACHE over HUGGINGFACE_HUB_CACHE over HF_HOME over XDG_CACHE_HOME; HF_TOKEN over the legacy name', () => {
    expect(hubSettings({ XDG_CACHE_HOME: '/x' }, '/h').cacheDir).toBe('/x/huggingface/hub');
    expect(hubSettings({ XDG_CACHE_HOME: '/x', HF_HOME: '/hf' }, '/h')).toMatchObject({ cacheDir: '/hf/hub', tokenPath: '/hf/token' });
    expect(hubSettings({ HF_HOME: '/hf', HUGGINGFACE_HUB_CACHE: '/legacy' }, '/h').cacheDir).toBe('/legacy');
    expect(hubSettings({ HF_HUB_CACHE: '/c', HUGGINGFACE_HUB_CACHE: '/legacy' }, '/h').cacheDir).toBe('/c');
    expect(hubSettings({ HF_TOKEN: 'a', HUGGING_FACE_HUB_TOKEN: 'b' }, '/h').token).toBe('a');
    expect(hubSettings({ HUGGING_FACE_HUB_TOKEN: 'b' }, '/h').token).toBe('b');
    expect(hubSettings({ HF_ENDPOINT: 'http://mirror:8080/' }, '/h').endpoint).toBe('http://mirror:8080');
  });

  it('HF_HUB_OFFLINE takes the Python truthy values', () => {
    for (const value of ['1', 'true', 'TRUE', 'yes', 'on']) expect(hubSettings({ HF_HUB_OFFLINE: value }, '/h').offline).toBe(true);
    for (const value of ['0', 'false', '', 'no']) expect(hubSettings({ HF_HUB_OFFLINE: value }, '/h').offline).toBe(false);
  });
});

describe('repo ids and URLs', () => {
  it('accepts owner/name and nothing that reads as a path', () => {
    for (const id of ['routellm/mf_gpt4_augmented', 'lmsys/lmsys-arena-human-preference-55k', 'a.b/c_d']) expect(looksLikeRepoId(id)).toBe(true);
    for (const value of ['./mf', '/abs/mf', 'mf', 'a/b/c', '../x', 'a--b/c', 'a/b.', 'a/..b', 'C:\\mf', 'a/b.safetensors/']) expect(looksLikeRepoId(value)).toBe(false);
  });

  it('quotes the revision whole and each path part', () => {
    expect(resolveUrl('https://hf.co', { type: 'dataset', id: 'o/n' }, 'refs/convert/parquet', 'default/train/0000.parquet')).toBe(
      'https://hf.co/datasets/o/n/resolve/refs%2Fconvert%2Fparquet/default/train/0000.parquet',
    );
  });
});

describe('the parquet files of a split', () => {
  it('by folder or file-name word, in order; all files are train when none names a split', () => {
    expect(splitParquetFiles(['data/train-00001-of-00002.parquet', 'data/test-00000-of-00001.parquet', 'data/train-00000-of-00002.parquet', 'README.md'], 'train')).toEqual([
      'data/train-00000-of-00002.parquet',
      'data/train-00001-of-00002.parquet',
    ]);
    expect(splitParquetFiles(['default/train/0000.parquet', 'default/test/0000.parquet', 'other/train/0000.parquet'], 'train')).toEqual(['default/train/0000.parquet']);
    expect(splitParquetFiles(['part-a.parquet', 'part-b.parquet'], 'train')).toEqual(['part-a.parquet', 'part-b.parquet']);
    expect(splitParquetFiles(['part-a.parquet'], 'test')).toEqual([]);
    expect(splitParquetFiles(['test.parquet', 'x.parquet'], 'train')).toEqual([]);
    expect(splitParquetFiles(['train.csv'], 'train')).toEqual([]);
  });
});
