import type { SqlClient } from '@app/event-store';
import { mintApiKey, parseApiKey, secretMatches } from './api-keys';

/**
 * A POS API key is `pos_<keyId>_<secret>` (see access/api-keys.ts). Each key belongs to one store
 * and can post only that store's events.
 */
export const INSERT_POS_KEY = `INSERT INTO pos_api_keys (key_id, store_id, secret_sha256) VALUES ($1, $2, $3)`;
export const SELECT_POS_KEY = `SELECT store_id, secret_sha256 FROM pos_api_keys WHERE key_id = $1 AND revoked_at IS NULL`;
export const REVOKE_POS_KEY = `UPDATE pos_api_keys SET revoked_at = now() WHERE key_id = $1 AND revoked_at IS NULL RETURNING store_id`;

export async function issuePosKey(sql: SqlClient, storeId: string): Promise<{ keyId: string; apiKey: string }> {
  const { keyId, apiKey, secretSha256 } = mintApiKey('pos');
  await sql.query(INSERT_POS_KEY, [keyId, storeId, secretSha256]);
  return { keyId, apiKey };
}

export async function revokePosKey(sql: SqlClient, keyId: string): Promise<string | null> {
  const [row] = await sql.query<{ store_id: string }>(REVOKE_POS_KEY, [keyId]);
  return row?.store_id ?? null;
}

/** The store a presented key belongs to, or null when it is malformed, unknown, revoked or wrong. */
export async function storeOfPosKey(sql: SqlClient, presented: string): Promise<string | null> {
  const key = parseApiKey(presented);
  if (!key || key.prefix !== 'pos') return null;
  const [row] = await sql.query<{ store_id: string; secret_sha256: Buffer }>(SELECT_POS_KEY, [key.keyId]);
  if (!row) return null;
  return secretMatches(row.secret_sha256, key.secret) ? row.store_id : null;
}
