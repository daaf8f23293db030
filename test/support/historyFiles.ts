import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The log's files (`history.log` and older `history.<n>.log` segments), oldest segment first, with their sizes. */
export function historyFiles(dir: string): { name: string; size: number }[] {
  const order = (name: string): number => (name === 'history.log' ? Infinity : Number(/^history\.(\d+)\.log$/.exec(name)?.[1]));
  return readdirSync(dir)
    .filter((name) => /^history(\.\d+)?\.log$/.test(name))
    .sort((a, b) => order(a) - order(b))
    .map((name) => ({ name, size: statSync(join(dir, name)).size }));
}

/** What the history takes on disk, all segments together. */
export function historyBytes(dir: string): number {
  return historyFiles(dir).reduce((sum, file) => sum + file.size, 0);
}
