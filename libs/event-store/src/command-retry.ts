import { isStreamVersionConflict } from './errors';
import { isRetriableConflict, isTransientDatabaseFault } from './sql-client';

/**
 * How a command on streams is tried again. A conflict with a concurrent writer (a stream moved on,
 * a serialization failure, a deadlock) is retried at once, after a little jitter that grows with
 * each conflict; past `quickConflictAttempts` conflicts it backs off like a transient database
 * fault: after `firstDelayMs`, doubling up to `maxDelayMs`, for as long as `budgetMs` from the
 * first try lasts. Then the last error is thrown.
 */
export interface CommandRetryPolicy {
  /** Attempts that may end in a conflict before conflicts back off: 8 retries the first 7 conflicts at once. */
  quickConflictAttempts: number;
  /** The n-th quick conflict waits a random time below n times this. */
  conflictJitterMs: number;
  firstDelayMs: number;
  maxDelayMs: number;
  /** How long, from the first try, transient faults (and conflicts past the quick ones) are retried. */
  budgetMs: number;
}

/** The policy an inbound batch has always had; its budget is INGESTION_TRANSIENT_RETRY_MS. */
export const COMMAND_RETRY_POLICY: Omit<CommandRetryPolicy, 'budgetMs'> = {
  quickConflictAttempts: 8,
  conflictJitterMs: 20,
  firstDelayMs: 25,
  maxDelayMs: 2_000,
};

/** What a caller may hook into: its own retries, what it logs, and (in tests) time and chance. */
export interface CommandRetryHooks {
  /**
   * Asked about an error that is neither a conflict nor a transient fault: true tries again at once
   * (the caller changed the work, say a batch left out the event at fault), false throws it.
   */
  retryAtOnce?: (error: unknown) => boolean;
  onConflict?: (conflicts: number, error: unknown) => void;
  /** A transient fault (or a conflict past the quick ones) about to be retried after `delayMs`. */
  onTransientFault?: (faults: number, delayMs: number, error: unknown) => void;
  /** The budget is spent: `error` is thrown next. */
  onGiveUp?: (faults: number, elapsedMs: number, error: unknown) => void;
  /** Succeeded after at least one transient fault. */
  onRecovered?: (faults: number, elapsedMs: number) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
}

/** A conflict with a concurrent writer: load again and decide again. */
export function isWriteConflict(error: unknown): boolean {
  return isStreamVersionConflict(error) || isRetriableConflict(error);
}

/** Run `attempt` (one whole transaction) until it succeeds or the policy says stop. */
export async function retryCommand<T>(attempt: () => Promise<T>, policy: CommandRetryPolicy, hooks: CommandRetryHooks = {}): Promise<T> {
  const now = hooks.now ?? Date.now;
  const sleep = hooks.sleep ?? sleepFor;
  const random = hooks.random ?? Math.random;
  const started = now();
  let conflicts = 0;
  let faults = 0;
  for (;;) {
    try {
      const result = await attempt();
      if (faults > 0) hooks.onRecovered?.(faults, now() - started);
      return result;
    } catch (error) {
      const conflict = isWriteConflict(error);
      if (conflict && (conflicts += 1) < policy.quickConflictAttempts) {
        hooks.onConflict?.(conflicts, error);
        await sleep(random() * policy.conflictJitterMs * conflicts);
        continue;
      }
      if (conflict || isTransientDatabaseFault(error)) {
        faults += 1;
        const left = policy.budgetMs - (now() - started);
        if (left <= 0) {
          hooks.onGiveUp?.(faults, now() - started, error);
          throw error;
        }
        const delay = Math.min(left, policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.min(faults - 1, 20));
        hooks.onTransientFault?.(faults, delay, error);
        await sleep(delay);
        continue;
      }
      if (hooks.retryAtOnce?.(error)) continue;
      throw error;
    }
  }
}

function sleepFor(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
