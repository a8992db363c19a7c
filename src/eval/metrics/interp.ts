/**
 * `numpy.interp(x, xp, fp)` for one x, reproducing numpy's search exactly, so results
 * match the Python evaluator even when `xp` is not increasing (a router's score curve
 * need not be monotonic in its strong-call share).
 */
export function numpyInterp(x: number, xp: ArrayLike<number>, fp: ArrayLike<number>): number {
  const n = xp.length;
  if (n === 0 || n !== fp.length) throw new RangeError('xp and fp must be non-empty and of equal length');
  if (Number.isNaN(x)) return x;
  if (n === 1) {
    // numpy: left value below, right value above, fp[0] at x == xp[0].
    return fp[0] as number;
  }
  const j = binarySearchWithGuess(x, xp, 0);
  if (j === -1) return fp[0] as number;
  if (j === n) return fp[n - 1] as number;
  if (j === n - 1) return fp[j] as number;
  const x0 = xp[j] as number;
  const y0 = fp[j] as number;
  if (x0 === x) return y0;
  const x1 = xp[j + 1] as number;
  const y1 = fp[j + 1] as number;
  const slope = (y1 - y0) / (x1 - x0);
  let result = slope * (x - x0) + y0;
  if (Number.isNaN(result)) {
    result = slope * (x1 - x) + y1;
    if (Number.isNaN(result) && y0 === y1) result = y0;
  }
  return result;
}

const LIKELY_IN_CACHE_SIZE = 8;

/** numpy's `binary_search_with_guess` (compiled_base.c), step for step. */
function binarySearchWithGuess(key: number, arr: ArrayLike<number>, startGuess: number): number {
  const len = arr.length;
  let imin = 0;
  let imax = len;
  if (key > (arr[len - 1] as number)) return len;
  if (key < (arr[0] as number)) return -1;
  if (len <= 4) {
    let i = 1;
    while (i < len && key >= (arr[i] as number)) i += 1;
    return i - 1;
  }
  let guess = Math.max(1, Math.min(startGuess, len - 3));
  if (key < (arr[guess] as number)) {
    if (key < (arr[guess - 1] as number)) {
      imax = guess - 1;
      if (guess > LIKELY_IN_CACHE_SIZE && key >= (arr[guess - LIKELY_IN_CACHE_SIZE] as number)) {
        imin = guess - LIKELY_IN_CACHE_SIZE;
      }
    } else {
      return guess - 1;
    }
  } else {
    if (key < (arr[guess + 1] as number)) return guess;
    if (key < (arr[guess + 2] as number)) return guess + 1;
    imin = guess + 2;
    if (guess < len - LIKELY_IN_CACHE_SIZE - 1 && key < (arr[guess + LIKELY_IN_CACHE_SIZE] as number)) {
      imax = guess + LIKELY_IN_CACHE_SIZE;
    }
  }
  while (imin < imax) {
    const imid = imin + ((imax - imin) >> 1);
    if (key >= (arr[imid] as number)) imin = imid + 1;
    else imax = imid;
  }
  guess = imin - 1;
  return guess;
}
