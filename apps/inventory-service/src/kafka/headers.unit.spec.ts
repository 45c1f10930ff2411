import { describe, expect, it } from 'vitest';
import { headersForKafka, headersForStorage } from './headers';

describe('headers kept in the outbox', () => {
  it('come back byte for byte: text, NUL, invalid UTF-8 and repeated headers alike', () => {
    const arrived = {
      vendor: Buffer.from('acme'),
      nul: Buffer.from([0x61, 0x00, 0x62]),
      latin1: Buffer.from([0xe9, 0x74, 0xe9]),
      hop: [Buffer.from('edge-1'), Buffer.from([0xff])],
    };
    const stored = headersForStorage(arrived);
    expect(stored).toEqual({ vendor: 'acme', nul: { base64: 'YQBi' }, latin1: { base64: '6XTp' }, hop: ['edge-1', { base64: '/w==' }] });
    const jsonb = JSON.parse(JSON.stringify(stored)) as typeof stored; // what PostgreSQL gives back
    expect(JSON.stringify(jsonb)).not.toContain('\\u0000');
    const sent = headersForKafka(jsonb);
    for (const [name, value] of Object.entries(arrived)) {
      const bytes = (v: unknown) => Buffer.from(v as Buffer | string);
      if (Array.isArray(value)) expect((sent[name] as unknown[]).map(bytes)).toEqual(value);
      else expect(bytes(sent[name])).toEqual(value);
    }
  });
});
