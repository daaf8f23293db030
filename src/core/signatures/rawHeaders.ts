/**
 * Edits on raw header pairs (`[name, value, …]`). Re-signing must change only the signature headers: names keep the
 * case the sender used and stay where they were, because the replay should look like the original delivery.
 */

/** First value of a header, case-insensitively. */
export function firstHeader(rawHeaders: readonly string[], name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === wanted) return rawHeaders[i + 1];
  }
  return undefined;
}

export function hasHeader(rawHeaders: readonly string[], name: string): boolean {
  return firstHeader(rawHeaders, name) !== undefined;
}

/**
 * Sets a header: the first occurrence keeps its name and position and gets the new value, later duplicates go
 * (a second, stale signature would only confuse the receiver); when absent, `name` is appended as written.
 */
export function setHeader(rawHeaders: readonly string[], name: string, value: string): string[] {
  const wanted = name.toLowerCase();
  const result: string[] = [];
  let replaced = false;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const current = rawHeaders[i]!;
    if (current.toLowerCase() !== wanted) result.push(current, rawHeaders[i + 1]!);
    else if (!replaced) {
      result.push(current, value);
      replaced = true;
    }
  }
  if (!replaced) result.push(name, value);
  return result;
}

/** Drops every occurrence of the named headers. */
export function removeHeaders(rawHeaders: readonly string[], names: readonly string[]): string[] {
  const unwanted = new Set(names.map((name) => name.toLowerCase()));
  const result: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (!unwanted.has(rawHeaders[i]!.toLowerCase())) result.push(rawHeaders[i]!, rawHeaders[i + 1]!);
  }
  return result;
}

/**
 * Makes Content-Length agree with the body. A chunked request stays chunked: adding a length next to
 * Transfer-Encoding is invalid framing (RFC 9112 §6.3) that Node's parser rejects.
 */
export function withContentLength(rawHeaders: readonly string[], length: number): string[] {
  if (hasHeader(rawHeaders, 'content-length')) return setHeader(rawHeaders, 'Content-Length', String(length));
  if (hasHeader(rawHeaders, 'transfer-encoding') || length === 0) return [...rawHeaders];
  return [...rawHeaders, 'Content-Length', String(length)];
}

/** The media type of Content-Type, lower-case, without parameters. */
export function mediaType(rawHeaders: readonly string[]): string {
  return (firstHeader(rawHeaders, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}
