import type { IHeaders } from 'kafkajs';

/** Kafka headers as text (a repeated header's values joined with ','): for reading our own headers. */
export function headersAsText(headers: IHeaders | undefined): Record<string, string> {
  const text: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    text[name] = Array.isArray(value) ? value.map(String).join(',') : String(value);
  }
  return text;
}

/**
 * Bytes as the outbox keeps them (in jsonb): the text, when the bytes are UTF-8 without a NUL (which
 * jsonb cannot hold), else the bytes in base64.
 */
export type StoredBytes = string | { base64: string };
/** A header value as stored; null for a header that came with no value. */
export type StoredHeaderValue = StoredBytes | null;
/** One header as it arrived; names are stored like values, so any name can be stored. */
export interface StoredHeader {
  name: StoredBytes;
  value: StoredHeaderValue;
}
/**
 * Headers in the outbox: a list (what headersForStorage writes: any name, repeated names in order),
 * or an object keyed by name (rows written before the list, and our own headers, whose names are
 * plain text).
 */
export type StoredHeaders = StoredHeader[] | Record<string, StoredBytes | StoredBytes[]>;

/**
 * Headers as they arrived, in a form the outbox can always store, whatever their names and values.
 * kafkajs hands header names over already decoded as UTF-8 (bytes that are not UTF-8 became U+FFFD
 * before we see them: those original bytes cannot be recovered), and builds its object with names
 * as plain keys, so a name such as `constructor` or `__proto__` arrives with an inherited member in
 * front of its values: anything that is not bytes, text or null is dropped.
 */
export function headersForStorage(headers: IHeaders | undefined, omitNames: ReadonlySet<string> = new Set()): StoredHeader[] {
  const stored: StoredHeader[] = [];
  if (!headers) return stored;
  for (const name of Object.keys(headers)) {
    if (omitNames.has(name)) continue;
    const value: unknown = headers[name];
    for (const one of Array.isArray(value) ? value : [value]) {
      if (one === null) stored.push({ name: storedBytes(name), value: null });
      else if (typeof one === 'string' || Buffer.isBuffer(one)) stored.push({ name: storedBytes(name), value: storedBytes(one) });
    }
  }
  return stored;
}

/**
 * Stored headers back as Kafka headers, byte for byte. A header stored with no value is sent with
 * an empty one: kafkajs cannot write a header without a value.
 */
export function headersForKafka(stored: StoredHeaders): IHeaders {
  // No prototype: a header named `__proto__` is a header like any other.
  const headers = Object.create(null) as Record<string, Array<Buffer | string>>;
  const add = (name: string, value: Buffer | string) => (headers[name] ??= []).push(value);
  if (Array.isArray(stored)) {
    for (const { name, value } of stored) add(kafkaBytes(name).toString('utf8'), value === null ? Buffer.alloc(0) : kafkaBytes(value));
  } else {
    for (const [name, value] of Object.entries(stored))
      for (const one of Array.isArray(value) ? value : [value]) add(name, kafkaBytes(one));
  }
  const kafka: IHeaders = Object.create(null) as IHeaders;
  for (const name of Object.keys(headers)) {
    const values = headers[name]!;
    Object.defineProperty(kafka, name, {
      value: values.length === 1 ? values[0] : values,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return kafka;
}

function storedBytes(value: Buffer | string): StoredBytes {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const text = bytes.toString('utf8');
  return !text.includes('\u0000') && Buffer.from(text, 'utf8').equals(bytes) ? text : { base64: bytes.toString('base64') };
}

function kafkaBytes(value: StoredBytes): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value.base64, 'base64');
}
