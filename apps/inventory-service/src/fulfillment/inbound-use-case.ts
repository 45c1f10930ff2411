import type { InboundEvent } from '@app/contracts';
import type { EventMetadata } from '@app/event-store';
import type { ApplyOutcome } from '../stock';
import type { FulfillmentUnitOfWork } from './fulfillment-unit-of-work';
import type { WorkNeeds } from './work-needs';

/** One inbound event being applied: its sender-scoped id and the metadata of the events it causes. */
export interface Applying {
  scopedId: string;
  metadata: EventMetadata;
}

/** A use case an inbound event of type E starts: what it will read (loaded for the whole batch first), then the work. */
export interface InboundUseCase<E extends InboundEvent> {
  needs(event: E, needs: WorkNeeds): void;
  apply(work: FulfillmentUnitOfWork, event: E, applying: Applying): Promise<ApplyOutcome>;
}

/** The occurredAt and eventId an inbound event gives the commands it causes. */
export function provenanceOf(event: InboundEvent): { occurredAt: string; sourceEventId: string } {
  return { occurredAt: event.occurredAt, sourceEventId: event.eventId };
}
