import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

interface EntryWeight {
  readonly sent: number;
  readonly entries: number;
  readonly statuses: number[];
  readonly addresses: number;
  readonly replays: number;
  readonly heapPerEntry: number;
  readonly headBytes: number;
}

describe('history entry weight', () => {
  it('keeps no part of a call’s heads alive in the index (URL, tunnel sender address, replay ids, status text): JS heap per entry stays small whatever the head weighs', async function () {
    this.timeout(60_000);
    // A fresh process, so a forced collection measures only what the entries hold.
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', join(__dirname, 'entryWeightChild.js')]);
    const weight = JSON.parse(stdout) as EntryWeight;
    assert.equal(weight.entries, weight.sent, 'every call recorded');
    assert.deepEqual(weight.statuses, [200]);
    // A third came through the tunnel, each with an address of its own; the local ones share 127.0.0.1.
    assert.equal(weight.addresses, weight.sent / 3 + 1);
    assert.equal(weight.replays, weight.sent / 3);
    // A URL, an address, a replay's ids or a status text kept as a view into its head would hold that whole head: over 12 KiB.
    assert.ok(weight.heapPerEntry < 4096, `${Math.round(weight.heapPerEntry)} bytes of JS heap per entry (heads of ${weight.headBytes} bytes)`);
  });
});
