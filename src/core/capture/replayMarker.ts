/**
 * How a replay tells the capture proxy what it replays: one request header carrying the proxy's secret token,
 * the original exchange's id and the id to record the replay under. The token (random per proxy) keeps an
 * outside sender from passing its call off as a replay; the header never reaches the dev server.
 */
export const replayHeader = 'x-webhook-tunnel-replay';

export interface ReplayMark {
  readonly replayOf: string;
  readonly id: string;
}

export function replayHeaderValue(token: string, mark: ReplayMark): string {
  return `${token} ${mark.replayOf} ${mark.id}`;
}

/** Finds and removes the marker; returns the headers unchanged (same array) when there is none or it is forged. */
export function takeReplayMark(rawHeaders: readonly string[], token: string): { rawHeaders: readonly string[]; mark?: ReplayMark } {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() !== replayHeader) continue;
    const [given, replayOf, id] = rawHeaders[i + 1]!.split(' ');
    const rest = [...rawHeaders.slice(0, i), ...rawHeaders.slice(i + 2)];
    if (given !== token || !replayOf || !id) return { rawHeaders: rest };
    return { rawHeaders: rest, mark: { replayOf, id } };
  }
  return { rawHeaders };
}
