// "Did you mean": the closest candidate by edit distance (optimal string alignment: insert, delete, substitute,
// swap two neighbours), within a limit that grows with the length of the name.

export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const n = a.length;
  const m = b.length;
  if (n === 0) return m;
  if (m === 0) return n;
  let prev2 = new Int32Array(m + 1);
  let prev = Int32Array.from({ length: m + 1 }, (_, j) => j);
  let cur = new Int32Array(m + 1);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    for (let j = 1; j <= m; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[m];
}

/** The candidate closest to `name`, if one is close enough to be a likely misspelling. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const limit = name.length <= 3 ? 1 : name.length <= 6 ? 2 : 3;
  let best: string | undefined;
  let bestScore = Infinity;
  const lower = name.toLowerCase();
  for (const c of candidates) {
    if (c === name || Math.abs(c.length - name.length) > limit) continue; // the distance is at least the length difference
    // A difference in case only is the most likely slip.
    const score = c.toLowerCase() === lower ? 0.5 : editDistance(name, c);
    if (score < bestScore && score <= limit && score < Math.max(name.length, c.length) / 2) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}
