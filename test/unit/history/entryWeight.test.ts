import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

interface EntryWeight {
  readonly sent: number;
  readonly entries: number;
  readonly statuses: number[];
  readonly addresses: number;
  readonly heapPerEntry: number;
  readonly headBytes: number;
}

describe('history entry weight', () => {
  it('keeps no part of a call’s head alive in the index: JS heap per entry stays small whatever the head weighs', async function () {
    this.timeout(60_000);
    // A fresh process, so a forced collection measures only what the entries hold.
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', join(__dirname, 'entryWeightChild.js')]);
    const weight = JSON.parse(stdout) as EntryWeight;
    assert.equal(weight.entries, weight.sent, 'every call recorded');
    assert.deepEqual(weight.statuses, [200]);
    // Every other call came through the tunnel with an address of its own; the local ones share 127.0.0.1.
    assert.equal(weight.addresses, weight.sent / 2 + 1);
    // A URL or address kept as a view into its head would hold that whole head: over 12 KiB each.
    assert.ok(weight.heapPerEntry < 4096, `${Math.round(weight.heapPerEntry)} bytes of JS heap per entry (heads of ${weight.headBytes} bytes)`);
  });
});
