import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mintApiKey, parseApiKey, redactSecrets, secretMatches } from './api-keys';

// Property runs: 300 each, a few milliseconds in all.
const RUNS = { numRuns: 300 };

describe('API keys', () => {
  it('mint keys that parse back to their prefix, id and secret, and whose secret matches only its own hash', () => {
    for (const prefix of ['op', 'pos'] as const) {
      const a = mintApiKey(prefix);
      const b = mintApiKey(prefix);
      const parsed = parseApiKey(a.apiKey)!;
      expect(parsed).toMatchObject({ prefix, keyId: a.keyId });
      expect(secretMatches(a.secretSha256, parsed.secret)).toBe(true);
      expect(secretMatches(b.secretSha256, parsed.secret)).toBe(false);
      expect(secretMatches(Buffer.alloc(3), parsed.secret)).toBe(false);
      expect(a.apiKey).not.toBe(b.apiKey);
    }
  });

  it('parse whatever is presented without throwing, and take only the exact shape', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (text) => {
        const parsed = parseApiKey(text);
        if (parsed) expect(`${parsed.prefix}_${parsed.keyId}_${parsed.secret}`).toBe(text);
      }),
      RUNS,
    );
    const { apiKey } = mintApiKey('op');
    for (const near of [` ${apiKey}`, `${apiKey}x`, apiKey.slice(0, -1), apiKey.replace('op_', 'OP_'), apiKey.replace('op_', 'pos')])
      expect(parseApiKey(near)).toBeNull();
  });

  it('leave no key and no bearer credential in a text, whatever surrounds it', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 60 }),
        fc.string({ maxLength: 60 }),
        fc.constantFrom('op', 'pos') as fc.Arbitrary<'op' | 'pos'>,
        fc.boolean(),
        (before, after, prefix, asHeader) => {
          const { apiKey } = mintApiKey(prefix);
          const { secret } = parseApiKey(apiKey)!;
          const text = `${before}${asHeader ? `Bearer ${apiKey}` : apiKey}${after}`;
          const redacted = redactSecrets(text);
          expect(redacted).not.toContain(secret);
          expect(redacted).toContain('[redacted]');
        },
      ),
      RUNS,
    );
    expect(redactSecrets('Authorization: Bearer abc.def-123')).toBe('Authorization: Bearer [redacted]');
    expect(redactSecrets('nothing secret here: pos_ op_ 42')).toBe('nothing secret here: pos_ op_ 42');
  });
});
