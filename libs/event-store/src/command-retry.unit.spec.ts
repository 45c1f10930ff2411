import { describe, expect, it } from 'vitest';
import { COMMAND_RETRY_POLICY, retryCommand, type CommandRetryHooks } from './command-retry';
import { StreamVersionConflictError } from './errors';

const policy = { ...COMMAND_RETRY_POLICY, budgetMs: 1_000 };
const conflict = () => new StreamVersionConflictError(['s|1'], 'moved on');
const deadlock = () => Object.assign(new Error('deadlock detected'), { code: '40P01' });
const connectionLost = () => new Error('Connection terminated unexpectedly');
const outOfRange = () => Object.assign(new Error('numeric value out of range'), { code: '22003' });

/** A clock that moves only when the policy sleeps, and a record of every sleep. */
function fakeTime(): { sleeps: number[]; hooks: Required<Pick<CommandRetryHooks, 'sleep' | 'now' | 'random'>> } {
  let clock = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    hooks: {
      now: () => clock,
      sleep: (ms) => {
        sleeps.push(ms);
        clock += ms;
        return Promise.resolve();
      },
      random: () => 0.5,
    },
  };
}

/** An attempt that throws the given errors in turn, then resolves to 'done'. */
function failing(...errors: Array<() => Error>): { attempt: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    attempt: () => {
      const next = errors[calls];
      calls += 1;
      return next ? Promise.reject(next()) : Promise.resolve('done');
    },
    calls: () => calls,
  };
}

describe('retryCommand', () => {
  it('retries conflicts at once, with jitter growing per conflict', async () => {
    const time = fakeTime();
    const work = failing(conflict, deadlock, conflict);
    await expect(retryCommand(work.attempt, policy, time.hooks)).resolves.toBe('done');
    expect(work.calls()).toBe(4);
    expect(time.sleeps).toEqual([10, 20, 30]); // random 0.5 × 20 ms × conflict number
  });

  it('backs conflicts off like transient faults past the quick attempts', async () => {
    const time = fakeTime();
    const work = failing(...Array<() => Error>(10).fill(conflict));
    await retryCommand(work.attempt, policy, time.hooks);
    expect(time.sleeps).toEqual([10, 20, 30, 40, 50, 60, 70, 25, 50, 100]);
  });

  it('backs transient faults off, doubling up to the maximum delay, and reports the recovery', async () => {
    const time = fakeTime();
    const recovered: Array<[number, number]> = [];
    const work = failing(...Array<() => Error>(9).fill(connectionLost));
    await retryCommand(work.attempt, { ...policy, budgetMs: 60_000 }, { ...time.hooks, onRecovered: (...args) => recovered.push(args) });
    expect(time.sleeps).toEqual([25, 50, 100, 200, 400, 800, 1_600, 2_000, 2_000]);
    expect(recovered).toEqual([[9, 7_175]]);
  });

  it('throws the last transient fault once its budget is spent, never sleeping past it', async () => {
    const time = fakeTime();
    const gaveUp: number[] = [];
    const work = failing(...Array<() => Error>(100).fill(connectionLost));
    await expect(
      retryCommand(work.attempt, { ...policy, budgetMs: 500 }, { ...time.hooks, onGiveUp: (faults) => gaveUp.push(faults) }),
    ).rejects.toThrow('Connection terminated');
    expect(time.sleeps).toEqual([25, 50, 100, 200, 125]);
    expect(gaveUp).toEqual([6]);
  });

  it('throws any other error at once, unless the caller changed the work and asks to retry at once', async () => {
    const time = fakeTime();
    await expect(retryCommand(failing(outOfRange).attempt, policy, time.hooks)).rejects.toThrow('out of range');

    const asked: unknown[] = [];
    const work = failing(outOfRange, outOfRange);
    const retryAtOnce = (error: unknown) => asked.push(error) < 2;
    await expect(retryCommand(work.attempt, policy, { ...time.hooks, retryAtOnce })).rejects.toThrow('out of range');
    expect(asked).toHaveLength(2);
    expect(time.sleeps).toEqual([]);

    const shrunk = failing(outOfRange, conflict);
    await expect(retryCommand(shrunk.attempt, policy, { ...time.hooks, retryAtOnce: () => true })).resolves.toBe('done');
    expect(shrunk.calls()).toBe(3);
  });

  it('never asks retryAtOnce about a conflict or a transient fault', async () => {
    const time = fakeTime();
    const asked: unknown[] = [];
    const work = failing(conflict, connectionLost, deadlock);
    await retryCommand(work.attempt, policy, { ...time.hooks, retryAtOnce: (error) => asked.push(error) > 0 });
    expect(asked).toEqual([]);
  });
});
