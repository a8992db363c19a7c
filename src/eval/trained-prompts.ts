import { createHash } from 'node:crypto';

/**
 * The prompts a router's weights were trained on, as its model card declares them: the first 32
 * bits of sha1(prompt, UTF-8) of each, sorted. Only membership can be asked, never the text; two
 * different prompts share 32 bits about once in 4 billion pairs, so on a benchmark of 15k prompts
 * against 10k trained ones a false "trained on" is about 1 in 30,000 runs.
 */
export interface TrainedPrompts {
  has(prompt: string): boolean;
}

/** The model card `routellm train` writes beside a router's weights. */
export const MODEL_CARD_FILE = 'MODEL_CARD.md';

/** The model card line that declares the trained prompts: an HTML comment, so rendered cards hide it. */
const MARK = 'routellm:trained-prompts';
const FORMAT = 'sha1-32';
const LINE = new RegExp(`<!-- ${MARK} ${FORMAT} (\\d+) ([A-Za-z0-9+/=]*) -->`);

/** The 32-bit key of a prompt. */
function promptKey32(prompt: string): number {
  return createHash('sha1').update(prompt, 'utf8').digest().readUInt32BE(0);
}

/** The model card line declaring `prompts` as the router's training prompts. */
export function trainedPromptsLine(prompts: Iterable<string>): string {
  const keys = Uint32Array.from(new Set([...prompts].map(promptKey32))).sort();
  const bytes = Buffer.alloc(keys.length * 4);
  keys.forEach((key, index) => bytes.writeUInt32BE(key, index * 4));
  return `<!-- ${MARK} ${FORMAT} ${keys.length} ${bytes.toString('base64')} -->`;
}

/**
 * The trained prompts a model card declares, or undefined when it declares none (a card
 * written before they were recorded, or by someone else). A declaration that does not decode
 * is treated as none, never as "trained on nothing".
 */
export function parseTrainedPrompts(card: string): TrainedPrompts | undefined {
  const match = LINE.exec(card);
  if (!match) return undefined;
  const bytes = Buffer.from(match[2] as string, 'base64');
  if (bytes.length !== Number(match[1]) * 4) return undefined;
  const keys = new Uint32Array(bytes.length / 4);
  for (let i = 0; i < keys.length; i += 1) keys[i] = bytes.readUInt32BE(i * 4);
  return fromSortedKeys(keys);
}

/** Prompts any of `sets` was trained on (a router built from several trained parts, like hybrid). */
export function unionTrainedPrompts(sets: readonly TrainedPrompts[]): TrainedPrompts | undefined {
  if (sets.length === 0) return undefined;
  if (sets.length === 1) return sets[0];
  return { has: (prompt) => sets.some((set) => set.has(prompt)) };
}

function fromSortedKeys(keys: Uint32Array): TrainedPrompts {
  return {
    has(prompt) {
      const key = promptKey32(prompt);
      let low = 0;
      let high = keys.length - 1;
      while (low <= high) {
        const middle = (low + high) >>> 1;
        const value = keys[middle] as number;
        if (value === key) return true;
        if (value < key) low = middle + 1;
        else high = middle - 1;
      }
      return false;
    },
  };
}
