import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SqlClient } from '@app/event-store';

/**
 * A POS API key is `pos_<keyId>_<secret>`: the key id finds the row, the secret (32 random bytes)
 * proves possession. Only the secret's SHA-256 is stored; a high-entropy random secret needs no
 * slow hash. Each key belongs to one store and can post only that store's events.
 */
const KEY_PATTERN = /^pos_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export const INSERT_POS_KEY = `INSERT INTO pos_api_keys (key_id, store_id, secret_sha256) VALUES ($1, $2, $3)`;
export const SELECT_POS_KEY = `SELECT store_id, secret_sha256 FROM pos_api_keys WHERE key_id = $1 AND revoked_at IS NULL`;
export const REVOKE_POS_KEY = `UPDATE pos_api_keys SET revoked_at = now() WHERE key_id = $1 AND revoked_at IS NULL RETURNING store_id`;

const sha256 = (text: string) => createHash('sha256').update(text).digest();

export async function issuePosKey(sql: SqlClient, storeId: string): Promise<{ keyId: string; apiKey: string }> {
  const keyId = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12);
  const secret = randomBytes(32).toString('base64url');
  await sql.query(INSERT_POS_KEY, [keyId, storeId, sha256(secret)]);
  return { keyId, apiKey: `pos_${keyId}_${secret}` };
}

export async function revokePosKey(sql: SqlClient, keyId: string): Promise<string | null> {
  const [row] = await sql.query<{ store_id: string }>(REVOKE_POS_KEY, [keyId]);
  return row?.store_id ?? null;
}

/** The store a presented key belongs to, or null when it is malformed, unknown, revoked or wrong. */
export async function storeOfPosKey(sql: SqlClient, presented: string): Promise<string | null> {
  const match = KEY_PATTERN.exec(presented);
  if (!match) return null;
  const [, keyId, secret] = match;
  const [row] = await sql.query<{ store_id: string; secret_sha256: Buffer }>(SELECT_POS_KEY, [keyId]);
  if (!row) return null;
  return timingSafeEqual(row.secret_sha256, sha256(secret!)) ? row.store_id : null;
}
