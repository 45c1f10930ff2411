// The public face of inventory-cli: the CLI's commands, for cli.ts. Inside inventory-cli, files import each other directly.
export { archiveEvents } from './archive-command';
export { UsageError } from './cli-database';
export { inspect } from './inspect-command';
export { issueOperator, listOperators, posKey, revokeOperator } from './key-commands';
export { READ_MODELS, projections, rebuild } from './read-model-commands';
export { replay } from './replay-command';
export { unregisteredLocations } from './unregistered-locations-command';
