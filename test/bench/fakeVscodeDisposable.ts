/** VS Code's `Disposable`: its own file because every other fake class hands these out. */
export class Disposable {
  private disposed = false;

  constructor(private readonly onDispose?: () => unknown) {}

  static from(...disposables: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => {
      for (const disposable of disposables) disposable.dispose();
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.onDispose?.();
  }
}
