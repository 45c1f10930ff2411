/** What applying one inbound event came to: applied, or refused with the reason its dead letter carries. */
export type ApplyOutcome = { applied: true } | { applied: false; deadLetterReason: string };
