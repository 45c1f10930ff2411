/**
 * A wait that ends after its delay or, sooner, when woken: how a processor sleeps between polls (a
 * poke wakes it) and during a backoff (only stop() does). One wait at a time.
 */
export class WakeableWait {
  private wakeUp: (() => void) | null = null;

  /** Resolves 'timed out' after `ms`, or 'woken' as soon as wake() is called. */
  wait(ms: number): Promise<'woken' | 'timed out'> {
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

  /** Ends the current wait, if one is under way. */
  wake(): void {
    this.wakeUp?.();
  }
}
