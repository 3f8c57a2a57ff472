/** "did you mean `x`?" hints by edit distance. */

/**
 * Levenshtein distance, case-insensitive. With `bound`, any distance above it comes back as
 * `bound + 1` as soon as a whole row exceeds it (a large config asks for many hints, and most
 * candidates are far: the early exit keeps each one cheap).
 */
export function editDistance(a: string, b: string, bound = Infinity): number {
  return distance(a.toLowerCase(), b.toLowerCase(), bound);
}

/** The two rows of `distance`, kept between calls (a large config asks for thousands of hints). */
let rows = [new Uint32Array(32), new Uint32Array(32)];

/**
 * `editDistance` of strings already lower-cased. With a finite bound only the cells within
 * `bound` of the diagonal are computed (any path outside that band costs more than the bound).
 */
function distance(s: string, t: string, bound: number): number {
  if (Math.abs(s.length - t.length) > bound) return bound + 1; // at least the difference in length
  if (rows[0]!.length <= t.length + 1) rows = [new Uint32Array(t.length + 2), new Uint32Array(t.length + 2)];
  let [prev, cur] = rows as [Uint32Array, Uint32Array];
  const band = Math.min(bound, Math.max(s.length, t.length));
  const far = band + 1;
  for (let j = 0; j <= t.length; j++) prev[j] = Math.min(j, far);
  for (let i = 1; i <= s.length; i++) {
    const from = Math.max(1, i - band);
    const to = Math.min(t.length, i + band);
    cur[from - 1] = from === 1 ? Math.min(i, far) : far;
    if (to < t.length) cur[to + 1] = far;
    let rowMin = cur[from - 1]!;
    const c = s.charCodeAt(i - 1);
    for (let j = from; j <= to; j++) {
      const d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (c === t.charCodeAt(j - 1) ? 0 : 1), far);
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > bound) return bound + 1;
    [prev, cur] = [cur, prev];
  }
  return prev[t.length]! > band ? Math.max(prev[t.length]!, bound + 1) : prev[t.length]!;
}

/** The closest candidate within a distance proportional to the word, if any. */
export function closest(word: string, candidates: Iterable<string>, maxDistance?: number): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const limit = maxDistance ?? Math.max(2, Math.floor(word.length / 3));
  const lower = word.toLowerCase();
  for (const c of candidates) {
    // the distance is at least the difference in length: skip the O(n·m) table when that is too far
    if (Math.abs(c.length - word.length) > Math.min(limit, bestDistance - 1)) continue;
    const d = distance(lower, c.toLowerCase(), Math.min(limit, bestDistance - 1));
    if (d < bestDistance && d <= limit) {
      best = c;
      bestDistance = d;
    }
  }
  if (best !== undefined) return best;
  // A longer or shorter spelling of a key (`minimum` for `min`) is further by edit distance
  // than it looks to a reader; accept a shared prefix of at least three letters.
  for (const c of candidates) {
    const other = c.toLowerCase();
    if (Math.min(lower.length, other.length) >= 3 && (lower.startsWith(other) || other.startsWith(lower))) return c;
  }
  return undefined;
}

/** ` (did you mean \`x\`?)` or an empty string. */
export function didYouMean(word: string, candidates: Iterable<string>, maxDistance?: number): string {
  const hint = closest(word, candidates, maxDistance);
  return hint === undefined ? '' : ` (did you mean \`${hint}\`?)`;
}
