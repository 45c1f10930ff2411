import 'reflect-metadata';
import { ProgressBar } from '@app/console';
import { PostgresEventStore, TypeOrmTransactionRunner, rebuildReadModel, type RebuildableReadModel } from '@app/event-store';
import { InvalidConfigurationError, loadServiceConfig } from './config/service-config';
import { createDataSource } from './database/data-source';
import { ensureDatabaseAndSchema } from './database/ensure-database';
import { replayDeadLetters, type ReplayFilter } from './dead-letters/replay-dead-letters';
import { locationsReadModel } from './locations/locations.projection';
import { stockLevelsReadModel } from './stock-views/stock-levels.projection';

/** Read models the rebuild command knows, by name. */
const READ_MODELS: Record<string, RebuildableReadModel> = Object.fromEntries(
  [locationsReadModel, stockLevelsReadModel].map((model) => [model.name, model]),
);

const USAGE = `usage: inventory-cli <command>

commands:
  rebuild <read-model|all>   rebuild a read model from the first event, while the service keeps
                             answering from the old copy; read models: ${Object.keys(READ_MODELS).join(', ')}

  replay-dead-letters [--source-topic TOPIC] [--reason-contains TEXT] [--dry-run]
                             send dead letters back to their source topic after a fix; replaying
                             twice is safe (applied events are duplicates the second time)

Settings come from the same environment as the service (DATABASE_URL, DATABASE_SCHEMA, ...).`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  if (command === 'rebuild') return rebuild(args);
  if (command === 'replay-dead-letters') return replay(args);
  throw new UsageError(command ? `unknown command ${JSON.stringify(command)}` : 'no command given');
}

async function rebuild(args: string[]): Promise<void> {
  const [target] = args;
  if (!target) throw new UsageError('rebuild needs a read model name, or all');
  const models = target === 'all' ? Object.values(READ_MODELS) : [READ_MODELS[target]];
  if (models.some((model) => model === undefined)) throw new UsageError(`no read model ${JSON.stringify(target)}`);
  const config = loadServiceConfig();
  await ensureDatabaseAndSchema(config.database.url, config.database.schema);
  const dataSource = createDataSource(config);
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
    const transactions = new TypeOrmTransactionRunner(dataSource);
    for (const model of models as RebuildableReadModel[]) {
      let bar: ProgressBar | null = null;
      const report = await rebuildReadModel(model, transactions, new PostgresEventStore(), {
        batchSize: Math.max(config.projections.batchSize, 5000),
        onProgress: ({ applied, total }) => {
          bar ??= new ProgressBar(`rebuild ${model.name}`, total);
          bar.update(applied);
        },
      });
      process.stdout.write(
        `rebuilt ${report.readModel}: ${report.events} events in ${report.seconds.toFixed(1)} s (${Math.round(report.events / Math.max(report.seconds, 0.001))} events/s); now live\n`,
      );
    }
  } finally {
    await dataSource.destroy();
  }
}

async function replay(args: string[]): Promise<void> {
  const filter: ReplayFilter = {};
  for (let i = 0; i < args.length; i += 1) {
    const flag = args[i];
    if (flag === '--dry-run') filter.dryRun = true;
    else if (flag === '--source-topic' && args[i + 1]) filter.sourceTopic = args[++i];
    else if (flag === '--reason-contains' && args[i + 1]) filter.reasonContains = args[++i];
    else throw new UsageError(`replay-dead-letters does not take ${JSON.stringify(flag)}${flag?.startsWith('--') ? ' without a value' : ''}`);
  }
  const config = loadServiceConfig();
  let bar: ProgressBar | null = null;
  const outcome = await replayDeadLetters(config, filter, (done, total) => {
    bar ??= new ProgressBar('replay dead letters', total);
    bar.update(done);
  });
  const reasons = Object.entries(outcome.byReason).map(([reason, n]) => `\n  ${n} × ${reason}`).join('');
  process.stdout.write(
    `${filter.dryRun ? 'would replay' : 'replayed'} ${filter.dryRun ? Object.values(outcome.byReason).reduce((a, b) => a + b, 0) : outcome.replayed} of ${outcome.read} dead letters from ${config.kafka.topics.deadLetters} (${outcome.skipped} did not match)${reasons}\n`,
  );
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (error instanceof InvalidConfigurationError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`inventory-cli failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
