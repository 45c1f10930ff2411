/**
 * A wait that ends after its delay or, sooner, when woken: how a processor sleeps between polls (a
 * poke wakes it) and during a backoff (only stop() does). One wait at a time. A wake while no wait
 * is under way is kept for the next one, which then ends at once: a poke that arrives while a batch
 * is being applied (the batch may have read before the poked commit) is never lost.
 */
export class WakeableWait {
  private wakeUp: (() => void) | null = null;
  private wokenMeanwhile = false;

  /** Resolves 'timed out' after `ms`, or 'woken' as soon as wake() is called (or at once if it was called since the last wait). */
  wait(ms: number): Promise<'woken' | 'timed out'> {
    if (this.wokenMeanwhile) {
      this.wokenMeanwhile = false;
      return Promise.resolve('woken');
    }
    return new Promise((resolve) => {
      const done = (how: 'woken' | 'timed out'): void => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve(how);
      };
      const timer = setTimeout(() => done('timed out'), ms);
      this.wakeUp = () => done('woken');
    });
  }

  /** Ends the current wait, or the next one at once if none is under way. */
  wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.wokenMeanwhile = true;
  }

  /** Forget a wake kept for the next wait (the work it asked for is being done now). */
  clear(): void {
    this.wokenMeanwhile = false;
  }
}
