import * as vscode from 'vscode';
import type { LazyHistory } from '../core/history/lazyHistory';
import { exchangeVerdict } from '../core/signatures/exchangeVerdict';
import type { ExchangeVerdict } from '../core/signatures/exchangeVerdict';
import { Disposable } from '../dispose';
import { log } from '../log';
import type { VerificationState } from '../verification';

/**
 * Signature verdicts for tree rows. A verdict needs the body, which stays on disk, so it is computed on first
 * sight and cached; a new provider or secret clears the cache.
 */
export class VerdictCache extends Disposable {
  private readonly verdicts = new Map<string, ExchangeVerdict | 'pending'>();
  /** Bumped by every reset, so a verdict computed with the old provider or secret is not stored afterwards. */
  private generation = 0;
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  constructor(private readonly history: LazyHistory, private readonly verification: VerificationState) {
    super();
    this.register(verification.onDidChange(() => this.reset()));
    this.register(history.onDidChange((change) => change.kind === 'cleared' && this.verdicts.clear()));
  }

  /** The verdict if known; otherwise starts computing it and fires `onDidChange` when done. */
  get(id: string): ExchangeVerdict | undefined {
    const known = this.verdicts.get(id);
    if (known === 'pending') return undefined;
    if (known) return known;
    this.verdicts.set(id, 'pending');
    void this.compute(id);
    return undefined;
  }

  /** Computes (or returns) the verdict, waiting for it; for commands and tests. */
  async resolve(id: string): Promise<ExchangeVerdict | undefined> {
    const known = this.verdicts.get(id);
    if (known && known !== 'pending') return known;
    return this.compute(id);
  }

  private async compute(id: string): Promise<ExchangeVerdict | undefined> {
    const generation = this.generation;
    try {
      const [exchange, settings] = await Promise.all([this.history.readExchange(id), this.verification.settings()]);
      if (!exchange) return undefined;
      const verdict = exchangeVerdict(exchange, settings);
      if (generation !== this.generation) return this.resolve(id);
      this.verdicts.set(id, verdict);
      this.changed.fire();
      return verdict;
    } catch (error) {
      log.warn(`Could not verify ${id}:`, error);
      this.verdicts.delete(id);
      return undefined;
    }
  }

  private reset(): void {
    this.generation++;
    this.verdicts.clear();
    this.changed.fire();
  }
}
