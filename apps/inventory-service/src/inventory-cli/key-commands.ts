import { LOCATION_ID_PATTERN, LOCATION_ID_RULE } from '@app/contracts';
import {
  OPERATOR_KEY_NAME_PATTERN,
  OPERATOR_KEY_NAME_RULE,
  OPERATOR_SCOPES,
  describeScopes,
  isOperatorScope,
  issueOperatorKey,
  issuePosKey,
  listOperatorKeys,
  revokeOperatorKey,
  revokePosKey,
  type OperatorScope,
} from '../platform/access';
import { UsageError, withDatabase } from './cli-database';

export async function posKey([subject, ...rest]: string[], action: 'issue' | 'revoke'): Promise<void> {
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

export async function issueOperator(args: string[]): Promise<void> {
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

export async function revokeOperator(args: string[]): Promise<void> {
  const [subject, ...rest] = args;
  if (!subject || rest.length > 0) throw new UsageError('revoke-operator-key takes one key id or key name');
  const revoked = await withDatabase((transactions) => transactions.inTransaction((sql) => revokeOperatorKey(sql, subject)));
  if (revoked === null)
    throw new Error(`no active operator key with id or name ${JSON.stringify(subject)} (list-operator-keys shows them)`);
  process.stdout.write(`revoked operator key ${revoked.keyId} "${revoked.name}"
`);
}

export async function listOperators(args: string[]): Promise<void> {
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
