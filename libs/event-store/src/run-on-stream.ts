import { COMMAND_RETRY_POLICY, retryCommand, type CommandRetryHooks, type CommandRetryPolicy } from './command-retry';
import type { PostgresEventStore } from './event-store';
import type { SqlClient, TransactionRunner } from './sql-client';
import type { StreamKind } from './stream-kind';
import { StreamUnitOfWork, type RecordOptions } from './stream-unit-of-work';

/** How long a single command (an operator's PUT, say) is retried on transient database faults. */
export const SINGLE_COMMAND_RETRY_MS = 2_000;

/** What the command did, for the caller's answer. */
export interface StreamCommandOutcome<State, Event> {
  streamId: string;
  /** The version the stream was at before the command (0: the command created it). */
  loadedVersion: number;
  state: State;
  events: Event[];
}

export interface StreamCommandOptions<State, Event, Result> extends RecordOptions<Event> {
  /** The answer, read in the same transaction after the append (a read model updated inline, say). */
  result: (sql: SqlClient, outcome: StreamCommandOutcome<State, Event>) => Promise<Result>;
  retry?: Partial<CommandRetryPolicy>;
  hooks?: CommandRetryHooks;
}

/**
 * One command on one stream outside a batch, in its own transaction: load the stream through its
 * kind, decide, append at the loaded version and read the answer; on a conflict or a transient
 * database fault, all of it again, as retryCommand says (within SINGLE_COMMAND_RETRY_MS by default).
 */
export function runOnStream<Command, State, Event extends { type: string; data: unknown }, Result>(
  transactions: TransactionRunner,
  store: PostgresEventStore,
  kind: StreamKind<Command, State, Event, unknown>,
  streamId: string,
  command: Command,
  { result, retry, hooks, ...record }: StreamCommandOptions<State, Event, Result>,
): Promise<Result> {
  const policy: CommandRetryPolicy = { ...COMMAND_RETRY_POLICY, budgetMs: SINGLE_COMMAND_RETRY_MS, ...retry };
  return retryCommand(
    () =>
      transactions.inTransaction(async (sql) => {
        const work = StreamUnitOfWork.of(sql, store, kind);
        await work.load([streamId]);
        const loadedVersion = work.versionOf(streamId);
        const events = work.execute(streamId, command, record);
        await work.commit();
        return result(sql, { streamId, loadedVersion, state: work.stateOf(streamId), events });
      }),
    policy,
    hooks,
  );
}
