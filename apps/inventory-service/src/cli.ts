import 'reflect-metadata';
import { ProgressBar } from '@app/console';
import { LOCATION_ID_PATTERN, LOCATION_ID_RULE } from '@app/contracts';
import { PostgresEventStore, TypeOrmTransactionRunner, rebuildReadModel, type RebuildableReadModel } from '@app/event-store';
import { loadEnvFile } from './config/env-file';
import { InvalidConfigurationError, loadServiceConfig } from './config/service-config';
import { createDataSource } from './database/data-source';
import { ensureDatabaseAndSchema } from './database/ensure-database';
import { replayDeadLetters, type ReplayFilter } from './dead-letters/replay-dead-letters';
import { inspectStream, type StreamTarget } from './event-sourcing/inspect-stream';
import { issuePosKey, revokePosKey } from './pos-gateway/pos-api-keys';
import { locationsReadModel } from './locations/locations.projection';
import { skuPoliciesReadModel } from './sku-policies/sku-policies.projection';
import { stockLevelsReadModel } from './stock-views/stock-levels.projection';
import { dailySalesReadModel } from './stock-views/daily-sales.projection';

/** Read models the rebuild command knows, by name. */
const READ_MODELS: Record<string, RebuildableReadModel> = Object.fromEntries(
  [locationsReadModel, skuPoliciesReadModel, stockLevelsReadModel, dailySalesReadModel].map((model) => [model.name, model]),
);

const USAGE = `usage: inventory-cli <command>

commands:
  rebuild <read-model|all>   rebuild a read model from the first event, while the service keeps
                             answering from the old copy; read models: ${Object.keys(READ_MODELS).join(', ')}

  replay-dead-letters [--source-topic TOPIC] [--reason-contains TEXT] [--dry-run]
                             send dead letters back to their source topic after a fix; replaying
                             twice is safe (applied events are duplicates the second time)

  inspect stock-item <locationId> <sku> | online-order <orderId> | transfer <transferId> | stream <streamId>
                             print a stream's events in order (version, position, time, type, data)
                             and the state they fold to; --json for one JSON document

  issue-pos-key <storeId>    create an API key for one store's POS (printed once; only a hash is kept)
  revoke-pos-key <keyId>     revoke a key (the keyId is the part after "pos_")

Settings come from the same environment as the service (DATABASE_URL, DATABASE_SCHEMA, ...).`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  if (command === 'rebuild') return rebuild(args);
  if (command === 'replay-dead-letters') return replay(args);
  if (command === 'inspect') return inspect(args);
  if (command === 'issue-pos-key') return posKey(args, 'issue');
  if (command === 'revoke-pos-key') return posKey(args, 'revoke');
  throw new UsageError(command ? `unknown command ${JSON.stringify(command)}` : 'no command given');
}

async function rebuild(args: string[]): Promise<void> {
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

async function inspect(args: string[]): Promise<void> {
  const json = args.includes('--json');
  const [kind, ...names] = args.filter((arg) => arg !== '--json');
  const target = ((): StreamTarget => {
    if (kind === 'stock-item' && names.length === 2) return { kind, locationId: names[0]!, sku: names[1]! };
    if (kind === 'online-order' && names.length === 1) return { kind, orderId: names[0]! };
    if (kind === 'transfer' && names.length === 1) return { kind, transferId: names[0]! };
    if (kind === 'stream' && names.length === 1) return { kind, streamId: names[0]! };
    throw new UsageError('inspect takes: stock-item <locationId> <sku> | online-order <orderId> | transfer <transferId> | stream <streamId>');
  })();
  const inspection = await withDatabase((transactions) => transactions.inTransaction((sql) => inspectStream(sql, new PostgresEventStore(), target)));
  if (inspection.events.length === 0) throw new Error(`stream ${inspection.streamId} has no events (check the ids; they are case-sensitive)`);
  if (json) {
    process.stdout.write(`${JSON.stringify(inspection, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${inspection.streamId}: ${inspection.events.length} events\n`);
  for (const event of inspection.events) {
    const when = (event.data as { occurredAt?: string }).occurredAt ?? '';
    process.stdout.write(`  v${event.streamVersion}  @${event.globalPosition}  ${when}  ${event.type}  ${JSON.stringify(event.data)}\n`);
  }
  process.stdout.write(`state: ${JSON.stringify(inspection.state, null, 2)}\n`);
}

async function posKey([subject, ...rest]: string[], action: 'issue' | 'revoke'): Promise<void> {
  if (!subject || rest.length > 0) throw new UsageError(action === 'issue' ? 'issue-pos-key takes one store id' : 'revoke-pos-key takes one key id');
  if (action === 'issue' && !LOCATION_ID_PATTERN.test(subject)) throw new UsageError(`${JSON.stringify(subject)} is not a valid store id: ${LOCATION_ID_RULE}`);
  await withDatabase(async (transactions) => {
    if (action === 'issue') {
      const { keyId, apiKey } = await transactions.inTransaction((sql) => issuePosKey(sql, subject));
      process.stdout.write(`POS key ${keyId} for store ${subject} (shown once, keep it secret):\n${apiKey}\n`);
      return;
    }
    const store = await transactions.inTransaction((sql) => revokePosKey(sql, subject));
    if (store === null) throw new Error(`no active key ${subject}`);
    process.stdout.write(`revoked POS key ${subject} of store ${store}\n`);
  });
}

/** Open the service's database (migrated), run the work, close it. */
async function withDatabase<T>(work: (transactions: TypeOrmTransactionRunner) => Promise<T>): Promise<T> {
  const config = loadServiceConfig();
  await ensureDatabaseAndSchema(config.database.url, config.database.schema);
  const dataSource = createDataSource(config);
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
    return await work(new TypeOrmTransactionRunner(dataSource));
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

loadEnvFile(); // .env in the working directory; variables already set win
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
