/** Where a command or an event came from: when it happened, and the inbound event that caused it. */
export interface Provenance {
  occurredAt: string;
  sourceEventId: string;
}

/** The provenance of a command or an event, without its other fields. */
export const provenanceOf = ({ occurredAt, sourceEventId }: Provenance): Provenance => ({ occurredAt, sourceEventId });
