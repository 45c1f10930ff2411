import type { Upcaster } from './decider';

/** Raises one event type's data from schema version `from` to `from + 1`. */
export type SchemaStep = (data: Record<string, unknown>) => Record<string, unknown>;

/**
 * Upcasters per event type: `steps[type][v]` lifts data written at schema version v to v + 1.
 * Stored events are never rewritten; they are lifted on read, one step at a time, to the current
 * version (`currentVersions[type]`, default 1). An event newer than this code knows is an error.
 */
export function upcasterChain<Event extends { type: string; data: unknown }>(
  steps: Partial<Record<Event['type'], Record<number, SchemaStep>>>,
  currentVersions: Partial<Record<Event['type'], number>> = {},
): Upcaster<Event> {
  return (stored) => {
    const type = stored.type as Event['type'];
    const current = currentVersions[type] ?? 1;
    if (stored.schemaVersion > current) {
      throw new Error(
        `${stored.type} at schema version ${stored.schemaVersion} is newer than this code (${current}): deploy the newer version`,
      );
    }
    let data = stored.data as Record<string, unknown>;
    for (let version = stored.schemaVersion; version < current; version += 1) {
      const step = steps[type]?.[version];
      if (!step) throw new Error(`no upcaster for ${stored.type} from schema version ${version} to ${version + 1}`);
      data = step(data);
    }
    return { type: stored.type, data } as Event;
  };
}
