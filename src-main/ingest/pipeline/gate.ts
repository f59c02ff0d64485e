// Where a parse pipeline's producer waits: until worker messages and appended batches make a
// condition true, or a failure ends the wait for good.
export class Gate {
  private waiters: (() => void)[] = [];
  private failure: Error | null = null;

  /** The first failure, or null. */
  get failed(): Error | null {
    return this.failure;
  }

  /** Records the first failure; every wait, now and later, throws it. */
  fail(e: Error): void {
    this.failure ??= e;
    this.wake();
  }

  /** Something changed: waiters check their conditions again. */
  wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves once `cond()` holds; throws the failure, or what `check` throws. */
  async until(cond: () => boolean, check: () => void = () => {}): Promise<void> {
    for (;;) {
      if (this.failure !== null) throw this.failure;
      check();
      if (cond()) return;
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }
}
