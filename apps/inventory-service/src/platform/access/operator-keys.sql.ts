/** Operator keys: only the hash of each secret is kept; scopes NULL = every operator scope. */
export const INSERT_OPERATOR_KEY = `INSERT INTO operator_keys (key_id, name, scopes, secret_sha256) VALUES ($1, $2, $3, $4)`;
/** Asked on every request that presents an operator key, so a revocation holds from the next request on. */
export const SELECT_ACTIVE_OPERATOR_KEY = `SELECT name, scopes, secret_sha256 FROM operator_keys WHERE key_id = $1 AND revoked_at IS NULL`;
/** By key id first; by name only when no active key has that id. */
export const REVOKE_OPERATOR_KEY = `
  UPDATE operator_keys SET revoked_at = now()
   WHERE revoked_at IS NULL
     AND (key_id = $1 OR (name = $1 AND NOT EXISTS (SELECT 1 FROM operator_keys k WHERE k.key_id = $1 AND k.revoked_at IS NULL)))
  RETURNING key_id, name`;
export const SELECT_OPERATOR_KEYS = `SELECT key_id, name, scopes, created_at, revoked_at FROM operator_keys ORDER BY created_at, key_id`;
