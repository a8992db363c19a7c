/** One vocabulary entry of the Universal Sentence Encoder lite: `[piece, log-probability]`. */
export type UseVocabEntry = readonly [string, number];

/** Pieces below this index are control symbols (`<unk>`, `<s>`, ...) that text never produces. */
const RESERVED_SYMBOLS = 6;
/** SentencePiece's word-boundary marker. */
const SEPARATOR = '\u2581';

interface TrieNode {
  children: Map<string, TrieNode>;
  /** Vocabulary index of the piece ending here, or -1. */
  index: number;
  score: number;
}

/**
 * The SentencePiece unigram tokenizer of the Universal Sentence Encoder lite, as its TensorFlow.js
 * port (and @energetic-ai/embeddings) implements it: NFKC, spaces to `▁`, a leading `▁`, then a
 * Viterbi search for the highest-scoring split. It reproduces that port's tie-breaking and its
 * handling of unknown characters (id 0, runs merged), so ids match the model's own tokenizer, and
 * it walks a trie from each position instead of slicing the string (linear in practice).
 */
export class UseTokenizer {
  readonly #root: TrieNode = { children: new Map(), index: -1, score: 0 };
  readonly #pieceLength: Int32Array;

  constructor(vocabulary: readonly UseVocabEntry[]) {
    this.#pieceLength = new Int32Array(vocabulary.length);
    for (let i = 0; i < vocabulary.length; i++) {
      const [piece, score] = vocabulary[i]!;
      const symbols = [...piece];
      this.#pieceLength[i] = symbols.length;
      if (i < RESERVED_SYMBOLS) continue;
      let node = this.#root;
      for (const symbol of symbols) {
        let next = node.children.get(symbol);
        if (!next) {
          next = { children: new Map(), index: -1, score: 0 };
          node.children.set(symbol, next);
        }
        node = next;
      }
      node.index = i;
      node.score = score;
    }
  }

  /** Token ids of `text`, in order. */
  encode(text: string): number[] {
    const normalized = text.normalize('NFKC');
    if (normalized.length === 0) return [];
    const symbols = [...(SEPARATOR + normalized.replace(/ /g, SEPARATOR))];
    const n = symbols.length;
    // Candidate pieces grouped by end position, in increasing start order: the port's update order.
    const starts: number[][] = Array.from({ length: n + 1 }, () => []);
    const ids: number[][] = Array.from({ length: n + 1 }, () => []);
    const scores: number[][] = Array.from({ length: n + 1 }, () => []);
    for (let i = 0; i < n; i++) {
      let node = this.#root.children.get(symbols[i]!);
      let found = false;
      for (let j = i; j < n && node; j++) {
        if (node.index >= 0) {
          starts[j + 1]!.push(i);
          ids[j + 1]!.push(node.index);
          scores[j + 1]!.push(node.score);
          found = true;
        }
        node = node.children.get(symbols[j + 1]!);
      }
      if (!found) {
        // Unknown symbol: a one-character piece with id 0 and score 0.
        starts[i + 1]!.push(i);
        ids[i + 1]!.push(0);
        scores[i + 1]!.push(0);
      }
    }
    const best = new Float64Array(n + 1);
    const word = new Int32Array(n + 1);
    for (let end = 0; end <= n; end++) {
      const s = starts[end]!;
      // The port visits start positions in ascending order (object keys); sort to match it.
      const order = s.map((_, k) => k).sort((a, b) => s[a]! - s[b]!);
      for (const k of order) {
        const score = scores[end]![k]! + best[s[k]!]!;
        // 0 doubles as "unset" in the port; kept for identical output.
        if (best[end] === 0 || score >= best[end]!) {
          best[end] = score;
          word[end] = ids[end]![k]!;
        }
      }
    }
    const result: number[] = [];
    let at = n;
    while (at > 0) {
      const id = word[at]!;
      result.push(id);
      // Lengths in symbols (code points); the port counts UTF-16 units, which differs only for astral characters.
      at -= this.#pieceLength[id]!;
    }
    const merged: number[] = [];
    let previousUnknown = false;
    for (const id of result) {
      if (!(previousUnknown && id === 0)) merged.push(id);
      previousUnknown = id === 0;
    }
    return merged.reverse();
  }
}
