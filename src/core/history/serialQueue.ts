/** Runs async tasks one at a time, in the order they were queued, whether or not earlier ones failed. */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private unsettled = 0;

  run<T>(task: () => Promise<T>): Promise<T> {
    this.unsettled++;
    const result = this.tail.then(async () => {
      try {
        return await task();
      } finally {
        this.unsettled--;
      }
    });
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once no task is left, including tasks that the awaited ones queued while they ran. */
  async idle(): Promise<void> {
    while (this.unsettled > 0) await this.tail;
  }
}
