import type { RecordedEvent } from './events';

/** Business logic as pure functions: what to record for a command, and how a record changes state. */
export interface Decider<Command, State, Event extends { type: string; data: unknown }> {
  initialState(): State;
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
}

/** Turns a stored event (of any schema version) into the current domain event shape. */
export type Upcaster<Event> = (stored: Pick<RecordedEvent, 'type' | 'schemaVersion' | 'data'>) => Event;

/** How often to snapshot, and the version of the state's shape (a new shape ignores old snapshots). */
export interface SnapshotPolicy {
  everyEvents: number;
  stateVersion: number;
}
