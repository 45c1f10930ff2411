import 'reflect-metadata';
import { ProgressBar } from '@app/console';
import { LOCATION_ID_PATTERN, LOCATION_ID_RULE } from '@app/contracts';
import {
  PostgresEventStore,
  TypeOrmTransactionRunner,
  formatViewPosition,
  projectionBacklog,
  readProjectionStatuses,
  rebuildReadModel,
  type RebuildableReadModel,
} from '@app/event-store';
import { loadEnvFile } from './platform/config';
import { InvalidConfigurationError, loadServiceConfig } from './platform/config';
import { createDataSource, maintenanceLimits, migrateDatabase } from './platform/database';
import { ensureDatabaseAndSchema } from './platform/database';
import { replayDeadLetters, type ReplayFilter } from './ingestion/dead-letters/replay-dead-letters';
import { inspectStream, type StreamTarget } from './inventory-cli';
import { issuePosKey, revokePosKey } from './platform/access';
import {
  OPERATOR_KEY_NAME_PATTERN,
  OPERATOR_KEY_NAME_RULE,
  describeScopes,
  issueOperatorKey,
  listOperatorKeys,
  revokeOperatorKey,
} from './platform/access';
import { OPERATOR_SCOPES, isOperatorScope, type OperatorScope } from './platform/access';
import { locationsReadModel } from './locations';
import { findUnregisteredLocations } from './locations';
import { skuPoliciesReadModel } from './sku-policies';
import { stockLevelsReadModel } from './stock-views';
import { dailySalesReadModel } from './stock-views';

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

  projections                each projection's position (its checkpoint), backlog (events still to
                             apply) and whether it is stalled (its next batch keeps failing: since
                             when, attempts, the last error); exit code 1 when any is stalled
  unregistered-locations [--json]
                             list locations that hold stock (or have stock history) but were never
                             registered, with their SKU count and units, and how to register them or
                             write them off

  issue-pos-key <storeId>    create an API key for one store's POS (printed once; only a hash is kept)
  revoke-pos-key <keyId>     revoke a key (the keyId is the part after "pos_")

  issue-operator-key NAME [--scopes SCOPE,...]
                             create an operator key (printed once, alone on the last line; only a
                             hash is kept); without --scopes it may do everything an operator may;
                             scopes: ${OPERATOR_SCOPES.join(', ')}
  revoke-operator-key <keyId|NAME>
                             revoke an operator key, from its next request on
  list-operator-keys         every operator key: id, name, scopes, issued, revoked (never a secret)

Settings come from the same environment as the service (DATABASE_URL, DATABASE_SCHEMA, ...).`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  if (command === 'rebuild') return rebuild(args);
  if (command === 'replay-dead-letters') return replay(args);
  if (command === 'inspect') return inspect(args);
  if (command === 'projections') return projections(args);
  if (command === 'unregistered-locations') return unregisteredLocations(args);
  if (command === 'issue-pos-key') return posKey(args, 'issue');
  if (command === 'revoke-pos-key') return posKey(args, 'revoke');
  if (command === 'issue-operator-key') return issueOperator(args);
  if (command === 'revoke-operator-key') return revokeOperator(args);
  if (command === 'list-operator-keys') return listOperators(args);
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
    throw new UsageError(
      'inspect takes: stock-item <locationId> <sku> | online-order <orderId> | transfer <transferId> | stream <streamId>',
    );
  })();
  const inspection = await withDatabase((transactions) =>
    transactions.inTransaction((sql) => inspectStream(sql, new PostgresEventStore(), target)),
  );
  if (inspection.events.length === 0)
    throw new Error(`stream ${inspection.streamId} has no events (check the ids; they are case-sensitive)`);
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

async function projections(args: string[]): Promise<void> {
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

async function unregisteredLocations(args: string[]): Promise<void> {
  const json = args.includes('--json');
  const other = args.find((arg) => arg !== '--json');
  if (other !== undefined) throw new UsageError(`unregistered-locations does not take ${JSON.stringify(other)}`);
  const locations = await withDatabase((transactions) => transactions.inTransaction((sql) => findUnregisteredLocations(sql)));
  if (json) {
    process.stdout.write(`${JSON.stringify({ locations }, null, 2)}\n`);
    return;
  }
  if (locations.length === 0) {
    process.stdout.write('every location that holds stock is registered\n');
    return;
  }
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  process.stdout.write(
    `${plural(locations.length, 'location')} hold${locations.length === 1 ? 's' : ''} stock but ${locations.length === 1 ? 'was' : 'were'} never registered:\n`,
  );
  for (const l of locations) {
    process.stdout.write(
      `  ${JSON.stringify(l.locationId)}  ${plural(l.skus, 'SKU')}  on hand ${l.onHand}, reserved ${l.reserved}, in transit ${l.inTransit}\n`,
    );
  }
  process.stdout.write(
    [
      'Sales, returns and movements at an unregistered location are dead letters. For each location, either:',
      '  - register it: PUT /v1/locations/{id} with its profile; its stock then sells, ships and counts as usual',
      '    (then replay its dead letters: replay-dead-letters --reason-contains "unknown location"), or',
      '  - write it off: register it first, then send a StockCounted with countedQuantity 0 (or a StockAdjusted',
      '    with the opposite delta) for each SKU it holds; inspect stock-item <locationId> <sku> shows one.',
      '',
    ].join('\n'),
  );
}

async function posKey([subject, ...rest]: string[], action: 'issue' | 'revoke'): Promise<void> {
  if (!subject || rest.length > 0)
    throw new UsageError(action === 'issue' ? 'issue-pos-key takes one store id' : 'revoke-pos-key takes one key id');
  if (action === 'issue' && !LOCATION_ID_PATTERN.test(subject))
    throw new UsageError(`${JSON.stringify(subject)} is not a valid store id: ${LOCATION_ID_RULE}`);
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

async function issueOperator(args: string[]): Promise<void> {
  let name: string | undefined;
  let scopes: OperatorScope[] | null = null;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (arg === '--scopes' || arg.startsWith('--scopes=')) {
      const list = arg === '--scopes' ? args[++i] : arg.slice('--scopes='.length);
      if (!list) throw new UsageError('--scopes needs a comma-separated list, e.g. --scopes locations:write,policies:write');
      const named = list
        .split(',')
        .map((scope) => scope.trim())
        .filter((scope) => scope !== '');
      const unknown = named.filter((scope) => !isOperatorScope(scope));
      if (named.length === 0 || unknown.length > 0)
        throw new UsageError(
          `unknown scope ${unknown.map((s) => JSON.stringify(s)).join(', ') || '(none given)'}: scopes are ${OPERATOR_SCOPES.join(', ')}`,
        );
      scopes = named as OperatorScope[];
    } else if (name === undefined && !arg.startsWith('--')) name = arg;
    else throw new UsageError(`issue-operator-key takes one NAME and --scopes; not ${JSON.stringify(arg)}`);
  }
  if (name === undefined) throw new UsageError('issue-operator-key needs a NAME, e.g. issue-operator-key alice@ops');
  if (!OPERATOR_KEY_NAME_PATTERN.test(name))
    throw new UsageError(`${JSON.stringify(name)} is not a valid key name: ${OPERATOR_KEY_NAME_RULE}`);
  const key = await withDatabase((transactions) => transactions.inTransaction((sql) => issueOperatorKey(sql, name, scopes)));
  process.stdout.write(
    `operator key ${key.keyId} "${key.name}", scopes: ${describeScopes(key.scopes)}\n(shown once, keep it secret; send it as "Authorization: Bearer <key>"):\n${key.apiKey}\n`,
  );
}

async function revokeOperator(args: string[]): Promise<void> {
  const [subject, ...rest] = args;
  if (!subject || rest.length > 0) throw new UsageError('revoke-operator-key takes one key id or key name');
  const revoked = await withDatabase((transactions) => transactions.inTransaction((sql) => revokeOperatorKey(sql, subject)));
  if (revoked === null)
    throw new Error(`no active operator key with id or name ${JSON.stringify(subject)} (list-operator-keys shows them)`);
  process.stdout.write(`revoked operator key ${revoked.keyId} "${revoked.name}"
`);
}

async function listOperators(args: string[]): Promise<void> {
  if (args.length > 0) throw new UsageError('list-operator-keys takes no arguments');
  const keys = await withDatabase((transactions) => transactions.inTransaction((sql) => listOperatorKeys(sql)));
  if (keys.length === 0) {
    process.stdout.write('no operator keys yet (issue-operator-key NAME)\n');
    return;
  }
  const rows = [['KEY ID', 'NAME', 'STATE', 'ISSUED', 'SCOPES']].concat(
    keys.map((key) => [
      key.keyId,
      key.name,
      key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : 'active',
      key.createdAt.toISOString(),
      describeScopes(key.scopes),
    ]),
  );
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows)
    process.stdout.write(`${row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ')}\n`);
}

/**
 * Open the service's database (migrated), run the work, close it. Sessions have no statement
 * timeout (a rebuild's statements over a large log may take longer than the service's
 * DATABASE_STATEMENT_TIMEOUT_MS); lock and idle-in-transaction timeouts still apply.
 */
async function withDatabase<T>(work: (transactions: TypeOrmTransactionRunner) => Promise<T>): Promise<T> {
  const config = loadServiceConfig();
  await ensureDatabaseAndSchema(config.database.url, config.database.schema);
  await migrateDatabase(config.database);
  const dataSource = createDataSource(
    { database: { ...config.database, sessionLimits: maintenanceLimits(config.database.sessionLimits) } },
    'inventory-cli',
  );
  await dataSource.initialize();
  try {
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
    else
      throw new UsageError(`replay-dead-letters does not take ${JSON.stringify(flag)}${flag?.startsWith('--') ? ' without a value' : ''}`);
  }
  const config = loadServiceConfig();
  let bar: ProgressBar | null = null;
  const outcome = await replayDeadLetters(config, filter, (done, total) => {
    bar ??= new ProgressBar('replay dead letters', total);
    bar.update(done);
  });
  const reasons = Object.entries(outcome.byReason)
    .map(([reason, n]) => `\n  ${n} × ${reason}`)
    .join('');
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
