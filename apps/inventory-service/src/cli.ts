import 'reflect-metadata';
import {
  READ_MODELS,
  archiveEvents,
  UsageError,
  inspect,
  issueOperator,
  listOperators,
  posKey,
  projections,
  rebuild,
  replay,
  revokeOperator,
  unregisteredLocations,
} from './inventory-cli';
import { InvalidConfigurationError, loadEnvFile } from './platform/config';
import { OPERATOR_SCOPES } from './platform/access';

/** The operator's commands, by name: each parses its own arguments and throws UsageError when they are wrong. */
const COMMANDS: Record<string, (args: string[]) => Promise<void>> = {
  rebuild,
  'archive-events': archiveEvents,
  'replay-dead-letters': replay,
  inspect,
  projections,
  'unregistered-locations': unregisteredLocations,
  'issue-pos-key': (args) => posKey(args, 'issue'),
  'revoke-pos-key': (args) => posKey(args, 'revoke'),
  'issue-operator-key': issueOperator,
  'revoke-operator-key': revokeOperator,
  'list-operator-keys': listOperators,
};

const USAGE = `usage: inventory-cli <command>

commands:
  rebuild <read-model|all>   rebuild a read model from the first event, while the service keeps
                             answering from the old copy; read models: ${Object.keys(READ_MODELS).join(', ')};
                             refused, naming the ranges, once events were archived

  archive-events --before DATE [--dir DIR]
                             move the partitions of the event log wholly before DATE to gzip files
                             in DIR (default EVENT_ARCHIVE_DIR) with a manifest.json, then drop them;
                             snapshots every stream with events there first; refused while a
                             projection is still before them

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

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  const run = command === undefined ? undefined : COMMANDS[command];
  if (run === undefined) throw new UsageError(command ? `unknown command ${JSON.stringify(command)}` : 'no command given');
  return run(args);
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
