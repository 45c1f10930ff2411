import type { SqlClient } from '@app/event-store';
import { mintApiKey, parseApiKey, secretMatches } from './api-keys';
import { INSERT_OPERATOR_KEY, REVOKE_OPERATOR_KEY, SELECT_ACTIVE_OPERATOR_KEY, SELECT_OPERATOR_KEYS } from './operator-keys.sql';
import { OPERATOR_SCOPES, type OperatorScope } from './operator-scopes';

/** An operator key is `op_<keyId>_<secret>` (see api-keys.ts), issued to a person or a system by name. */
export interface OperatorKey {
  keyId: string;
  name: string;
  /** null: every operator scope, including any added later. */
  scopes: readonly OperatorScope[] | null;
}

/** A key's name: 1 to 100 printable ASCII characters without spaces, e.g. alice@ops or demo. */
export const OPERATOR_KEY_NAME_PATTERN = /^[\x21-\x7e]{1,100}$/;
export const OPERATOR_KEY_NAME_RULE = 'a key name is 1 to 100 printable ASCII characters without spaces, e.g. alice@ops';

export class OperatorKeyNameTaken extends Error {
  constructor(readonly keyName: string) {
    super(
      `an active operator key is already named ${JSON.stringify(keyName)}: revoke it first (revoke-operator-key ${keyName}) or choose another name`,
    );
  }
}

export async function issueOperatorKey(
  sql: SqlClient,
  name: string,
  scopes: readonly OperatorScope[] | null,
): Promise<OperatorKey & { apiKey: string }> {
  const { keyId, apiKey, secretSha256 } = mintApiKey('op');
  try {
    await sql.query(INSERT_OPERATOR_KEY, [keyId, name, scopes ? [...new Set(scopes)] : null, secretSha256]);
  } catch (error) {
    if ((error as { code?: string }).code === '23505' && String((error as { constraint?: string }).constraint).includes('name'))
      throw new OperatorKeyNameTaken(name);
    throw error;
  }
  return { keyId, name, scopes, apiKey };
}

/** Revoke the active key with this id, or else the active key with this name; null when there is none. */
export async function revokeOperatorKey(sql: SqlClient, keyIdOrName: string): Promise<{ keyId: string; name: string } | null> {
  const [row] = await sql.query<{ key_id: string; name: string }>(REVOKE_OPERATOR_KEY, [keyIdOrName]);
  return row ? { keyId: row.key_id, name: row.name } : null;
}

export async function listOperatorKeys(sql: SqlClient): Promise<Array<OperatorKey & { createdAt: Date; revokedAt: Date | null }>> {
  const rows = await sql.query<{ key_id: string; name: string; scopes: OperatorScope[] | null; created_at: Date; revoked_at: Date | null }>(
    SELECT_OPERATOR_KEYS,
    [],
  );
  return rows.map((row) => ({
    keyId: row.key_id,
    name: row.name,
    scopes: row.scopes,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  }));
}

/** The active operator key a presented key is, or null when it is malformed, unknown, revoked or wrong. */
export async function operatorKeyOf(sql: SqlClient, presented: string): Promise<OperatorKey | null> {
  const key = parseApiKey(presented);
  if (!key || key.prefix !== 'op') return null;
  const [row] = await sql.query<{ name: string; scopes: OperatorScope[] | null; secret_sha256: Buffer }>(SELECT_ACTIVE_OPERATOR_KEY, [
    key.keyId,
  ]);
  if (!row || !secretMatches(row.secret_sha256, key.secret)) return null;
  return { keyId: key.keyId, name: row.name, scopes: row.scopes };
}

export function operatorKeyMay(key: OperatorKey, scope: OperatorScope): boolean {
  return key.scopes === null || key.scopes.includes(scope);
}

/** The scopes as shown to people: "all" for a key with every scope. */
export function describeScopes(scopes: readonly OperatorScope[] | null): string {
  return scopes === null ? `all (${OPERATOR_SCOPES.join(', ')})` : scopes.join(', ') || 'none';
}
