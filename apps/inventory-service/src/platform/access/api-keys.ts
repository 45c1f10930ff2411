import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The service's API keys (POS store keys, operator keys) are `<prefix>_<keyId>_<secret>`: the key id
 * (12 letters and digits) finds the row, the secret (32 random bytes, base64url) proves possession.
 * Only the secret's SHA-256 is stored; a high-entropy random secret needs no slow hash. A presented
 * secret is compared with the stored hash in constant time.
 */
export type ApiKeyPrefix = 'pos' | 'op';

const KEY_PATTERN = /^(pos|op)_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

/** A new key: its id, the whole key (shown once) and the hash of its secret (stored). */
export function mintApiKey(prefix: ApiKeyPrefix): { keyId: string; apiKey: string; secretSha256: Buffer } {
  const keyId = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12);
  const secret = randomBytes(32).toString('base64url');
  return { keyId, apiKey: `${prefix}_${keyId}_${secret}`, secretSha256: sha256(secret) };
}

/** A presented key's prefix, id and secret, or null when it has not the shape of any key. */
export function parseApiKey(presented: string): { prefix: ApiKeyPrefix; keyId: string; secret: string } | null {
  const match = KEY_PATTERN.exec(presented);
  if (!match) return null;
  return { prefix: match[1] as ApiKeyPrefix, keyId: match[2]!, secret: match[3]! };
}

/** Whether a presented secret is the one whose hash was stored, in constant time. */
export function secretMatches(storedSha256: Buffer, secret: string): boolean {
  const presented = sha256(secret);
  return storedSha256.length === presented.length && timingSafeEqual(storedSha256, presented);
}

/**
 * Anything in a text that looks like one of the service's keys or a bearer credential, replaced by
 * `[redacted]`: the last line of defence of the log output (see logging/service-logger.ts). No word
 * boundary is asked for: a key glued to other text (`id=xop_...`) is still a key.
 */
export const SECRET_IN_TEXT = /(?:pos|op)_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}|(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
export function redactSecrets(text: string): string {
  return text.replace(SECRET_IN_TEXT, (_, scheme: string | undefined) => (scheme ? `${scheme} [redacted]` : '[redacted]'));
}
