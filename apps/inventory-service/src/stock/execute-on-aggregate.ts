import {
  AggregateRepository,
  TransactionRunner,
  isStreamVersionConflict,
  type EventSourcedAggregate,
  type SqlClient,
} from '@app/event-store';
import type { EventPublisher } from '@nestjs/cqrs';

const MAX_ATTEMPTS = 5;

/**
 * The command-handler loop for one aggregate: load it, let `act` decide, append at the loaded
 * version and read the result, in one transaction; reload and decide again on a version conflict
 * (a bounded number of times); publish the recorded events on the EventBus once committed.
 */
export async function executeOnAggregate<Command, State, Event extends { type: string; data: unknown }, Result>(
  transactions: TransactionRunner,
  publisher: EventPublisher,
  repository: AggregateRepository<Command, State, Event>,
  streamId: string,
  act: (aggregate: EventSourcedAggregate<Command, State, Event>) => void,
  result: (sql: SqlClient, aggregate: EventSourcedAggregate<Command, State, Event>) => Promise<Result>,
): Promise<Result> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const { aggregate, value } = await transactions.inTransaction(async (sql) => {
        const loaded = publisher.mergeObjectContext(await repository.load(sql, streamId));
        act(loaded);
        await repository.save(loaded);
        return { aggregate: loaded, value: await result(sql, loaded) };
      });
      aggregate.commit();
      return value;
    } catch (error) {
      if (!isStreamVersionConflict(error) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
