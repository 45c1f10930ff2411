import { AggregateRoot } from '@nestjs/cqrs';
import type { Decider, SnapshotPolicy, Upcaster } from '../decider';
import type { AppendOutcome, EventMetadata } from '../events';
import { PostgresEventStore } from '../event-store';
import type { SqlClient } from '../sql-client';
import { StreamUnitOfWork } from '../stream-unit-of-work';

/**
 * What an aggregate publishes on the Nest EventBus after its transaction commits: a class, so
 * `@EventsHandler(DomainEventRecorded)` can subscribe. For notifications only (live views, logs):
 * anything that must happen exactly once reads the event log instead.
 */
export class DomainEventRecorded<Data = unknown> {
  constructor(
    readonly streamId: string,
    readonly type: string,
    readonly data: Data,
  ) {}
}

/**
 * One stream as a @nestjs/cqrs AggregateRoot: its state comes from a pure decider, its version is
 * the stream version it was loaded at, and `execute` decides, evolves and queues events that the
 * repository appends at that version.
 */
export class EventSourcedAggregate<
  Command,
  State,
  Event extends { type: string; data: unknown },
> extends AggregateRoot<DomainEventRecorded> {
  constructor(
    readonly streamId: string,
    private readonly unitOfWork: StreamUnitOfWork<Command, State, Event>,
    readonly loadedVersion: number,
  ) {
    super();
  }

  get state(): State {
    return this.unitOfWork.stateOf(this.streamId);
  }

  /** Decide on the current state; the events are appended by `AggregateRepository.save`. */
  execute(command: Command, eventIdFor: (event: Event, index: number) => string, metadata?: EventMetadata): Event[] {
    const events = this.unitOfWork.execute(this.streamId, command, { eventIdFor, metadata });
    for (const event of events) this.apply(new DomainEventRecorded(this.streamId, event.type, event.data), { skipHandler: true });
    return events;
  }

  /** Append the events decided since load at the loaded version (used by the repository). */
  appendPending(): Promise<AppendOutcome> {
    return this.unitOfWork.commit();
  }
}

/** Loads aggregates (snapshot + newer events) and saves them (append at the loaded version). */
export class AggregateRepository<Command, State, Event extends { type: string; data: unknown }> {
  constructor(
    private readonly store: PostgresEventStore,
    private readonly decider: Decider<Command, State, Event>,
    private readonly snapshots: SnapshotPolicy,
    private readonly upcast: Upcaster<Event>,
  ) {}

  async load(sql: SqlClient, streamId: string): Promise<EventSourcedAggregate<Command, State, Event>> {
    const unitOfWork = new StreamUnitOfWork(sql, this.store, this.decider, this.snapshots, this.upcast);
    await unitOfWork.load([streamId]);
    return new EventSourcedAggregate(streamId, unitOfWork, unitOfWork.versionOf(streamId));
  }

  /** Append what the aggregate decided; throws StreamVersionConflictError if the stream moved on. */
  async save(aggregate: EventSourcedAggregate<Command, State, Event>): Promise<AppendOutcome> {
    return aggregate.appendPending();
  }
}
