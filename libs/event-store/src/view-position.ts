import type { GlobalCheckpoint } from './events';

/**
 * The position a read model reflects, as clients see it: `<transactionId>.<globalPosition>` of its
 * checkpoint. Opaque to clients but ordered: a later position never compares lower, which a bare
 * global position would not promise (events commit out of position order).
 */
export function formatViewPosition(checkpoint: GlobalCheckpoint): string {
  return `${checkpoint.transactionId}.${checkpoint.globalPosition}`;
}

export function parseViewPosition(text: string): GlobalCheckpoint | null {
  const match = /^(\d{1,20})\.(\d{1,19})$/.exec(text);
  return match ? { transactionId: match[1]!, globalPosition: Number(match[2]) } : null;
}

/** Negative when a is before b, 0 when equal, positive when after. */
export function compareCheckpoints(a: GlobalCheckpoint, b: GlobalCheckpoint): number {
  const byTransaction = BigInt(a.transactionId) - BigInt(b.transactionId);
  if (byTransaction !== 0n) return byTransaction < 0n ? -1 : 1;
  return Math.sign(a.globalPosition - b.globalPosition);
}
