/**
 * What a router may ask of the Hugging Face hub: RouteLLM's config names its checkpoints and
 * datasets by hub id (`routellm/mf_gpt4_augmented`). The core only declares the capability; the
 * Node implementation (src/hub) downloads into, or reads from, the `huggingface_hub` cache, and
 * is passed in through the RouterContext like `readFile` and `fetch`.
 */
export interface HubAccess {
  /**
   * The repo id `value` names, when it is not an existing local file or directory but has the
   * form `owner/name`; undefined for a local path (or anything else, left to the caller).
   */
  repoOf(value: string): Promise<string | undefined>;
  /**
   * Local paths of files of a model repo, by file name, downloaded into the cache or found there.
   * A file listed in `optional` that the repo lacks maps to undefined; any other missing file is a
   * ConfigError. `purpose` names what asked (`mf.checkpoint_path`), for messages.
   */
  modelFiles(repo: string, files: readonly string[], options: { readonly optional?: readonly string[]; readonly purpose: string }): Promise<Record<string, string | undefined>>;
  /**
   * Local paths of the parquet files that hold a split (`train`) of a dataset, in row order:
   * the repo's own parquet files for that split, else the hub's parquet conversion of it.
   */
  datasetParquetFiles(repo: string, split: string, purpose: string): Promise<string[]>;
  /** The parquet files of a local dataset: a `.parquet` file, or a directory holding them (split `train` first). */
  localParquetFiles(path: string, split: string, purpose: string): Promise<string[]>;
}
