/** Split names the `datasets` library recognises in file and folder names. */
const KNOWN_SPLITS = ['train', 'training', 'test', 'testing', 'eval', 'evaluation', 'validation', 'valid', 'val', 'dev'];

/** The spellings of one split in file names (`datasets` accepts `training` for train, and so on). */
const SPLIT_ALIASES: Readonly<Record<string, readonly string[]>> = {
  train: ['train', 'training'],
  test: ['test', 'testing', 'eval', 'evaluation'],
  validation: ['validation', 'valid', 'val', 'dev'],
};

/** Does `path` name `split`: a folder of that name, or a file name with it as a word (`train-00000-of-00002.parquet`, `data_train.parquet`)? */
function namesSplit(path: string, names: readonly string[]): boolean {
  const parts = path.toLowerCase().split('/');
  const base = parts.pop() ?? '';
  if (parts.some((part) => names.includes(part))) return true;
  const words = base.replace(/\.parquet$/, '').split(/[-._\s0-9]+/);
  return words.some((word) => names.includes(word));
}

/**
 * The parquet files of a dataset that hold `split`, in row order, by the conventions of the
 * `datasets` library: a file or folder named after the split; when no file names any split, all
 * of them are the train split. For the hub's parquet conversion (`<config>/<split>/0000.parquet`)
 * the `default` config is preferred, else the first. Empty when none fits.
 */
export function splitParquetFiles(files: readonly string[], split: string): string[] {
  const parquet = files.filter((file) => file.toLowerCase().endsWith('.parquet')).sort();
  if (parquet.length === 0) return [];
  const names = SPLIT_ALIASES[split] ?? [split];
  let chosen = parquet.filter((file) => namesSplit(file, names));
  if (chosen.length === 0) {
    const anySplit = parquet.some((file) => namesSplit(file, KNOWN_SPLITS));
    chosen = anySplit || split !== 'train' ? [] : parquet;
  }
  // Several configs side by side (`default/train/...`, `other/train/...`): one of them.
  const configs = new Set(chosen.map((file) => (file.includes('/') ? file.split('/')[0]! : '')));
  if (configs.size > 1) {
    const config = configs.has('default') ? 'default' : [...configs].sort()[0]!;
    chosen = chosen.filter((file) => file.startsWith(`${config}/`));
  }
  return chosen;
}
