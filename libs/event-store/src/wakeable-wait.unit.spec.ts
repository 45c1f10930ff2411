import { describe, expect, it } from 'vitest';
import { WakeableWait } from './wakeable-wait';

describe('WakeableWait', () => {
  it('times out after its delay when nobody wakes it', async () => {
    expect(await new WakeableWait().wait(5)).toBe('timed out');
  });

  it('ends a wait under way when woken', async () => {
    const wait = new WakeableWait();
    const waiting = wait.wait(60_000);
    wait.wake();
    expect(await waiting).toBe('woken');
  });

  it('keeps a wake that came while nobody waited for the next wait only', async () => {
    const wait = new WakeableWait();
    wait.wake();
    wait.wake();
    expect(await wait.wait(60_000)).toBe('woken');
    expect(await wait.wait(5)).toBe('timed out');
  });

  it('forgets a kept wake when cleared', async () => {
    const wait = new WakeableWait();
    wait.wake();
    wait.clear();
    expect(await wait.wait(5)).toBe('timed out');
  });
});
