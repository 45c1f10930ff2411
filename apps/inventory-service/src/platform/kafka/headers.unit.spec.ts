import fc from 'fast-check';
import type { IHeaders } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { headersForKafka, headersForStorage, type StoredHeaders } from './headers';

/** What PostgreSQL's jsonb gives back, or the error it would raise (it holds no U+0000, no lone surrogate). */
function throughJsonb(stored: StoredHeaders): StoredHeaders {
  const json = JSON.stringify(stored);
  if (/\\u0000/.test(json) || /\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2}/i.test(json))
    throw new Error(`jsonb cannot hold ${json}`);
  return JSON.parse(json) as StoredHeaders;
}

/** kafkajs's own decoding of headers (recordBatch/record/v0/decoder.js): names as object keys, repeats as arrays. */
function asKafkajsDecodes(pairs: Array<[string, Buffer | null]>): IHeaders {
  return pairs.reduce<Record<string, unknown>>(
    (obj, [key, value]) => ({
      ...obj,
      [key]: obj[key] === undefined ? value : Array.isArray(obj[key]) ? (obj[key] as unknown[]).concat([value]) : [obj[key], value],
    }),
    {},
  ) as IHeaders;
}

const bytes = (v: unknown) => Buffer.from(v as Buffer | string);

describe('headers kept in the outbox', () => {
  it('come back byte for byte: text, NUL, invalid UTF-8 and repeated headers alike', () => {
    const arrived = {
      vendor: Buffer.from('acme'),
      nul: Buffer.from([0x61, 0x00, 0x62]),
      latin1: Buffer.from([0xe9, 0x74, 0xe9]),
      hop: [Buffer.from('edge-1'), Buffer.from([0xff])],
    };
    const stored = headersForStorage(arrived);
    expect(stored).toEqual([
      { name: 'vendor', value: 'acme' },
      { name: 'nul', value: { base64: 'YQBi' } },
      { name: 'latin1', value: { base64: '6XTp' } },
      { name: 'hop', value: 'edge-1' },
      { name: 'hop', value: { base64: '/w==' } },
    ]);
    const sent = headersForKafka(throughJsonb(stored));
    for (const [name, value] of Object.entries(arrived)) {
      if (Array.isArray(value)) expect((sent[name] as unknown[]).map(bytes)).toEqual(value);
      else expect(bytes(sent[name])).toEqual(value);
    }
  });

  it('store names jsonb cannot use as keys or hold as text: NUL, non-BMP, very long, prototype names, repeated', () => {
    const names = ['a\u0000b', '\u{1F9FE}𝄞', 'n'.repeat(100_000), '__proto__', 'constructor', 'toString', '\uFFFD', ''];
    const pairs: Array<[string, Buffer | null]> = names.flatMap((name, i): Array<[string, Buffer | null]> => [
      [name, Buffer.from([i, 0xff])],
      [name, Buffer.from(`again-${i}`)],
    ]);
    pairs.push(['no-value', null]);
    const stored = throughJsonb(headersForStorage(asKafkajsDecodes(pairs)));
    const sent = headersForKafka(stored);
    for (const name of names) {
      expect(Object.prototype.hasOwnProperty.call(sent, name)).toBe(true);
      expect((sent[name] as unknown[]).map(bytes)).toEqual(pairs.filter(([n]) => n === name).map(([, v]) => v));
    }
    expect(bytes(sent['no-value'])).toEqual(Buffer.alloc(0)); // kafkajs cannot send a header without a value
    expect(Object.keys(sent)).toHaveLength(names.length + 1);
  });

  it('reads rows stored before the list, keyed by name', () => {
    const sent = headersForKafka(throughJsonb({ vendor: 'acme', nul: { base64: 'YQBi' }, hop: ['edge-1', { base64: '/w==' }] }));
    expect(bytes(sent.vendor)).toEqual(Buffer.from('acme'));
    expect(bytes(sent.nul)).toEqual(Buffer.from([0x61, 0x00, 0x62]));
    expect((sent.hop as unknown[]).map(bytes)).toEqual([Buffer.from('edge-1'), Buffer.from([0xff])]);
  });

  it('always fit jsonb and come back as kafkajs gave them, whatever the names and values (fast-check, 300 runs)', () => {
    const name = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.constantFrom('__proto__', 'constructor', 'hasOwnProperty', 'valueOf', '\u0000'),
    );
    const value = fc.option(
      fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
      { nil: null, freq: 8 },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(name, value), { maxLength: 12 }), (pairs) => {
        // A name reaches us as kafkajs decoded its bytes: as UTF-8, lone surrogates and all turned into U+FFFD.
        const decoded = pairs.map(([n, v]): [string, Buffer | null] => [Buffer.from(n, 'utf8').toString('utf8'), v]);
        const sent = headersForKafka(throughJsonb(headersForStorage(asKafkajsDecodes(decoded))));
        const expected = new Map<string, Buffer[]>();
        for (const [n, v] of decoded) expected.set(n, [...(expected.get(n) ?? []), v ?? Buffer.alloc(0)]);
        expect(Object.keys(sent).sort()).toEqual([...expected.keys()].sort());
        for (const [n, values] of expected) {
          const got = sent[n];
          expect(Array.isArray(got) ? got.map(bytes) : [bytes(got)]).toEqual(values);
        }
      }),
      { numRuns: 300 },
    );
  });
});
