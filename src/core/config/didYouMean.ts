/** Edit distance, for "did you mean" hints on typos in keys and names. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The candidate closest to `input` when it is close enough to be a plausible typo (about one edit in three
 * characters), or when one is a prefix of the other (`allow` → `allow_cidrs`). Case and `-`/`_` are ignored.
 */
export function closestMatch(input: string, candidates: Iterable<string>): string | undefined {
  const fold = (text: string): string => text.toLowerCase().replace(/-/g, '_');
  const wanted = fold(input);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const folded = fold(candidate);
    if (folded === wanted) return candidate;
    let distance = editDistance(wanted, folded);
    if (wanted.length >= 3 && (folded.startsWith(wanted) || wanted.startsWith(folded))) distance = Math.min(distance, 1);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(wanted.length / 3)) ? best : undefined;
}
