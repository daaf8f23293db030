import type { SourceSpan } from './configProblem';

/**
 * Positions of keys and values in a TOML document, by path: dotted keys (`tunnel.ngrok.region`), with
 * `[i]` for array items (`tunnel.ngrok.basic_auth[1]`). smol-toml reports positions only for syntax
 * errors, so this scanner walks the text of a document that already parsed and records where each key and
 * value sits: `[table]` and `[[array]]` headers, dotted keys, quoted keys, inline tables, nested and
 * multi-line arrays, all four string forms and comments.
 */
export interface TomlLocations {
  /** The key's last segment, or a table header's name. */
  key(path: string): SourceSpan | undefined;
  value(path: string): SourceSpan | undefined;
  /** The value's source text, quotes included. */
  raw(path: string): string | undefined;
  /** The best place to point at: the value, else the key, else the nearest located parent, else 1:1. */
  at(path: string): SourceSpan;
  /** Where the key starts (for "unknown key"), falling back like `at`. */
  keyAt(path: string): SourceSpan;
}

export function locateToml(text: string): TomlLocations {
  const scanner = new Scanner(text);
  scanner.document();
  const { keys, values } = scanner;
  const fallback = (path: string): SourceSpan => {
    for (let parent = parentOf(path); parent !== undefined; parent = parentOf(parent)) {
      const span = values.get(parent) ?? keys.get(parent);
      if (span) return scanner.span(span);
    }
    return { line: 1, column: 1, endLine: 1, endColumn: 1 };
  };
  const spanOf = (map: Map<string, Range>, path: string): SourceSpan | undefined => {
    const range = map.get(path);
    return range ? scanner.span(range) : undefined;
  };
  return {
    key: (path) => spanOf(keys, path),
    value: (path) => spanOf(values, path),
    raw: (path) => {
      const range = values.get(path);
      return range ? text.slice(range.start, range.end) : undefined;
    },
    at: (path) => spanOf(values, path) ?? spanOf(keys, path) ?? fallback(path),
    keyAt: (path) => spanOf(keys, path) ?? spanOf(values, path) ?? fallback(path),
  };
}

/** `a.b[2]` → `a.b`, `a.b` → `a`, `a` → undefined. */
export function parentOf(path: string): string | undefined {
  const match = /^(.*)(?:\[\d+\]|\.[^.[\]]+)$/.exec(path);
  return match?.[1] || undefined;
}

interface Range {
  readonly start: number;
  readonly end: number;
}

class Scanner {
  readonly keys = new Map<string, Range>();
  readonly values = new Map<string, Range>();
  private readonly lineStarts: number[] = [0];
  private readonly arrayTableCounts = new Map<string, number>();
  private pos = 0;

  constructor(private readonly text: string) {
    for (let index = 0; index < text.length; index++) if (text[index] === '\n') this.lineStarts.push(index + 1);
  }

  span(range: Range): SourceSpan {
    const [line, column] = this.lineColumn(range.start);
    const [endLine, endColumn] = this.lineColumn(range.end);
    return { line, column, endLine, endColumn };
  }

  document(): void {
    let table: string[] = [];
    while (this.skipBlank(true), this.pos < this.text.length) {
      if (this.peek() === '[') table = this.header();
      else this.keyValue(table);
    }
  }

  private header(): string[] {
    const isArray = this.text.startsWith('[[', this.pos);
    this.pos += isArray ? 2 : 1;
    const segments = this.dottedKey([]);
    this.pos += isArray ? 2 : 1;
    const path = joinPath(segments.map((segment) => segment.name));
    if (!isArray) {
      this.record(this.keys, path, segments[segments.length - 1]!.range);
      return segments.map((segment) => segment.name);
    }
    // Each [[name]] opens the next element; its keys live under name[i].
    const index = this.arrayTableCounts.get(path) ?? 0;
    this.arrayTableCounts.set(path, index + 1);
    this.record(this.keys, `${path}[${index}]`, segments[segments.length - 1]!.range);
    return [...segments.map((segment) => segment.name).slice(0, -1), `${segments[segments.length - 1]!.name}[${index}]`];
  }

  private keyValue(table: readonly string[]): void {
    const segments = this.dottedKey(table);
    this.skipBlank(false);
    this.pos++; // '='
    this.skipBlank(false);
    this.value(joinPath([...table, ...segments.map((segment) => segment.name)]));
  }

  /** Reads `a."b c".d`, recording each prefix's key position the first time it appears. */
  private dottedKey(table: readonly string[]): { name: string; range: Range }[] {
    const segments: { name: string; range: Range }[] = [];
    for (;;) {
      this.skipBlank(false);
      const start = this.pos;
      const name = this.keySegment();
      segments.push({ name, range: { start, end: this.pos } });
      this.record(this.keys, joinPath([...table, ...segments.map((segment) => segment.name)]), { start, end: this.pos });
      this.skipBlank(false);
      if (this.peek() !== '.') return segments;
      this.pos++;
    }
  }

  private keySegment(): string {
    const quote = this.peek();
    if (quote === '"' || quote === "'") {
      const start = this.pos;
      this.skipString();
      return decodeQuoted(this.text.slice(start, this.pos));
    }
    const start = this.pos;
    while (this.pos < this.text.length && /[A-Za-z0-9_-]/.test(this.text[this.pos]!)) this.pos++;
    return this.text.slice(start, this.pos);
  }

  private value(path: string): void {
    const start = this.pos;
    const first = this.peek();
    if (first === '"' || first === "'") this.skipString();
    else if (first === '[') this.array(path);
    else if (first === '{') this.inlineTable(path);
    else {
      // Numbers, booleans and dates: up to a delimiter (a date may hold one space, so trim at the end).
      while (this.pos < this.text.length && !/[,\]}\r\n#]/.test(this.text[this.pos]!)) this.pos++;
      while (this.pos > start && /[ \t]/.test(this.text[this.pos - 1]!)) this.pos--;
    }
    this.record(this.values, path, { start, end: this.pos });
  }

  private array(path: string): void {
    this.pos++;
    for (let index = 0; ; index++) {
      this.skipBlank(true);
      if (this.peek() === ']' || this.pos >= this.text.length) break;
      this.value(`${path}[${index}]`);
      this.skipBlank(true);
      if (this.peek() === ',') this.pos++;
    }
    this.pos++;
  }

  private inlineTable(path: string): void {
    this.pos++;
    const table = path === '' ? [] : [path];
    for (;;) {
      this.skipBlank(true);
      if (this.peek() === '}' || this.pos >= this.text.length) break;
      this.keyValue(table);
      this.skipBlank(true);
      if (this.peek() === ',') this.pos++;
    }
    this.pos++;
  }

  private skipString(): void {
    const quote = this.peek()!;
    const triple = this.text.startsWith(quote.repeat(3), this.pos);
    this.pos += triple ? 3 : 1;
    while (this.pos < this.text.length) {
      const char = this.text[this.pos]!;
      if (char === '\\' && quote === '"') {
        this.pos += 2;
        continue;
      }
      if (triple && this.text.startsWith(quote.repeat(3), this.pos)) {
        this.pos += 3;
        // Up to two quotes may close the content right before the delimiter: """a""""" ends with a"".
        for (let extra = 0; extra < 2 && this.peek() === quote; extra++) this.pos++;
        return;
      }
      this.pos++;
      if (!triple && char === quote) return;
    }
  }

  /** Spaces and tabs, comments, and (when allowed) newlines. */
  private skipBlank(newlines: boolean): void {
    while (this.pos < this.text.length) {
      const char = this.text[this.pos]!;
      if (char === ' ' || char === '\t' || (newlines && (char === '\n' || char === '\r'))) this.pos++;
      else if (char === '#') while (this.pos < this.text.length && this.text[this.pos] !== '\n') this.pos++;
      else return;
    }
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  private record(map: Map<string, Range>, path: string, range: Range): void {
    if (!map.has(path)) map.set(path, range);
  }

  private lineColumn(offset: number): [number, number] {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.lineStarts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return [low + 1, offset - this.lineStarts[low]! + 1];
  }
}

/** Joins key segments; a segment that is already an indexed path (`x[0]`, or a whole parent path) is kept as is. */
function joinPath(segments: readonly string[]): string {
  return segments.filter((segment) => segment !== '').join('.');
}

function decodeQuoted(raw: string): string {
  const body = raw.slice(1, -1);
  if (raw.startsWith("'")) return body;
  return body.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (_match, code: string) => {
    if (code.length > 1) return String.fromCodePoint(parseInt(code.slice(1), 16));
    return ({ b: '\b', t: '\t', n: '\n', f: '\f', r: '\r' } as Record<string, string>)[code] ?? code;
  });
}
