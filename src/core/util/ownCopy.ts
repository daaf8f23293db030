/**
 * A copy of `text` that does not keep the string it was cut from alive. V8 represents a slice of 13
 * characters or more as a view into its parent, so a URL sliced from a request head would keep the
 * whole head (every header, often a kilobyte) in memory for as long as the history keeps the URL.
 * Concatenating builds a new string, flattened once it is sliced; the view then points into that.
 * Shorter slices are copies already, and shared strings (a connection's address) stay shared.
 */
const SHORTEST_VIEW = 13;

export function ownCopy(text: string): string {
  return text.length < SHORTEST_VIEW ? text : (' ' + text).slice(1);
}
