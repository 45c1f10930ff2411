import { ProgressBar } from '@app/console';
import {
  PostgresEventStore,
  formatViewPosition,
  projectionBacklog,
  readProjectionStatuses,
  rebuildReadModel,
  type RebuildableReadModel,
} from '@app/event-store';
import { locationsReadModel } from '../locations';
import { loadServiceConfig } from '../platform/config';
import { skuPoliciesReadModel } from '../sku-policies';
import { dailySalesReadModel, stockLevelsReadModel } from '../stock-views';
import { UsageError, withDatabase } from './cli-database';

/** Read models the rebuild command knows, by name. */
export const READ_MODELS: Record<string, RebuildableReadModel> = Object.fromEntries(
  [locationsReadModel, skuPoliciesReadModel, stockLevelsReadModel, dailySalesReadModel].map((model) => [model.name, model]),
);

export async function rebuild(args: string[]): Promise<void> {
  const [target] = args;
  if (!target) throw new UsageError('rebuild needs a read model name, or all');
  const models = target === 'all' ? Object.values(READ_MODELS) : [READ_MODELS[target]];
  if (models.some((model) => model === undefined)) throw new UsageError(`no read model ${JSON.stringify(target)}`);
  const { batchSize } = loadServiceConfig().projections;
  await withDatabase(async (transactions) => {
    for (const model of models as RebuildableReadModel[]) {
      let bar: ProgressBar | null = null;
      const report = await rebuildReadModel(model, transactions, new PostgresEventStore(), {
        batchSize: Math.max(batchSize, 5000),
        onProgress: ({ applied, total }) => {
          bar ??= new ProgressBar(`rebuild ${model.name}`, total);
          bar.update(applied);
        },
      });
      process.stdout.write(
        `rebuilt ${report.readModel}: ${report.events} events in ${report.seconds.toFixed(1)} s (${Math.round(report.events / Math.max(report.seconds, 0.001))} events/s); now live\n`,
      );
    }
  });
}

export async function projections(args: string[]): Promise<void> {
  if (args.length > 0) throw new UsageError('projections takes no arguments');
  const rows = await withDatabase((transactions) =>
    transactions.inTransaction(async (sql) => {
      const statuses = await readProjectionStatuses(sql);
      return Promise.all(statuses.map(async (status) => ({ ...status, backlog: await projectionBacklog(sql, status.projection) })));
    }),
  );
  const table = [
    ['projection', 'position', 'backlog', 'state'],
    ...rows.map(({ projection, checkpoint, backlog, stall }) => [
      projection,
      formatViewPosition(checkpoint),
      String(backlog),
      stall ? `STALLED since ${stall.since.toISOString()} (${stall.attempts} attempts): ${stall.lastError}` : 'ok',
    ]),
  ];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  for (const row of table)
    process.stdout.write(`${row.map((cell, column) => (column < row.length - 1 ? cell.padEnd(widths[column]!) : cell)).join('  ')}\n`);
  const stalled = rows.filter((row) => row.stall !== null).length;
  process.stdout.write(stalled > 0 ? `${stalled} projection(s) stalled\n` : 'no projection stalled\n');
  if (stalled > 0) process.exitCode = 1;
}
