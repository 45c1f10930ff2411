import type { InboundBatchOutcome, KafkaReadPosition } from './record-inbound-batch.command';

/** A batch's outcome before anything is counted. */
export function emptyOutcome(): InboundBatchOutcome {
  return {
    applied: 0,
    appliedByType: {},
    duplicates: 0,
    deadLettered: 0,
    deadLetterReasons: [],
    alreadyApplied: 0,
    stockEventsAppended: 0,
    commandsIssued: 0,
    conflictRetries: 0,
  };
}

export function sumOutcomes(outcomes: readonly InboundBatchOutcome[]): InboundBatchOutcome {
  const total = emptyOutcome();
  for (const outcome of outcomes) {
    total.applied += outcome.applied;
    for (const [type, n] of Object.entries(outcome.appliedByType)) total.appliedByType[type] = (total.appliedByType[type] ?? 0) + n;
    total.duplicates += outcome.duplicates;
    total.deadLettered += outcome.deadLettered;
    total.deadLetterReasons.push(...outcome.deadLetterReasons);
    total.alreadyApplied += outcome.alreadyApplied;
    total.stockEventsAppended += outcome.stockEventsAppended;
    total.commandsIssued += outcome.commandsIssued;
    total.conflictRetries += outcome.conflictRetries;
  }
  return total;
}

type OffsetGap =
  { refuse: true; outcome: Pick<InboundBatchOutcome, 'gapAfter' | 'aheadOfLog'> } | { refuse: false; lostToRetention?: bigint };

/**
 * PostgreSQL's stored next offset against where Kafka read from. Kafka read from above it: the
 * offsets between were never applied, so nothing is, unless they are below the log start (deleted
 * by retention: applied from the log start, and counted as lost). The log ends before it (the topic
 * recreated?): what Kafka has now is not what was applied, so nothing is taken as applied.
 */
export function offsetGap(storedNext: bigint, position: KafkaReadPosition | undefined): OffsetGap {
  if (!position) return { refuse: false };
  const readFrom = BigInt(position.readFrom);
  const logEnd = BigInt(position.logEnd);
  if (logEnd < storedNext && readFrom < storedNext) {
    return { refuse: true, outcome: { aheadOfLog: { storedNextOffset: storedNext.toString(), logEndOffset: position.logEnd } } };
  }
  if (readFrom <= storedNext) return { refuse: false };
  const logStart = BigInt(position.logStart);
  if (readFrom > logStart) return { refuse: true, outcome: { gapAfter: storedNext.toString() } };
  return { refuse: false, lostToRetention: readFrom - storedNext };
}
