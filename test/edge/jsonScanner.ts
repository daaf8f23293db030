// Finds where one JSON value ends in a growing byte buffer. The agent writes an RPC request
// without FIN and waits for the answer, so the edge must notice that the JSON is complete.

export type ScanResult = { readonly complete: true; readonly end: number } | { readonly complete: false };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPENERS = new Set([0x7b, 0x5b]); // { [
const CLOSERS = new Set([0x7d, 0x5d]); // } ]
const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * Scans `bytes` for the end of the first JSON object or array (the only top-level values an RPC
 * carries). `end` is the index just past it. Malformed input is left to JSON.parse to report.
 */
export function scanJsonValue(bytes: Buffer): ScanResult {
  let depth = 0;
  let inString = false;
  let escaped = false;
  let started = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] ?? 0;
    if (inString) {
      if (escaped) escaped = false;
      else if (byte === BACKSLASH) escaped = true;
      else if (byte === QUOTE) inString = false;
      continue;
    }
    if (!started) {
      if (WHITESPACE.has(byte)) continue;
      if (!OPENERS.has(byte)) return { complete: true, end: i + 1 }; // not an object: let the parser fail on it
      started = true;
    }
    if (byte === QUOTE) inString = true;
    else if (OPENERS.has(byte)) depth++;
    else if (CLOSERS.has(byte)) {
      depth--;
      if (depth === 0) return { complete: true, end: i + 1 };
    }
  }
  return { complete: false };
}
