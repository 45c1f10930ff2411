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
 * A header value as the outbox keeps it (in jsonb): the text, when the bytes are UTF-8 without a
 * NUL (which jsonb cannot hold), else the bytes in base64. A repeated header keeps every value.
 */
export type StoredHeaderValue = string | { base64: string };
export type StoredHeaders = Record<string, StoredHeaderValue | StoredHeaderValue[]>;

/** Headers as they arrived, byte for byte, in a form the outbox can store. */
export function headersForStorage(headers: IHeaders | undefined): StoredHeaders {
  const stored: StoredHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    stored[name] = Array.isArray(value) ? value.map(storedValue) : storedValue(value);
  }
  return stored;
}

/** Stored headers back as Kafka headers, byte for byte. */
export function headersForKafka(stored: StoredHeaders): IHeaders {
  const headers: IHeaders = {};
  for (const [name, value] of Object.entries(stored)) headers[name] = Array.isArray(value) ? value.map(kafkaValue) : kafkaValue(value);
  return headers;
}

function storedValue(value: Buffer | string): StoredHeaderValue {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const text = bytes.toString('utf8');
  return !text.includes('\u0000') && Buffer.from(text, 'utf8').equals(bytes) ? text : { base64: bytes.toString('base64') };
}

function kafkaValue(value: StoredHeaderValue): Buffer | string {
  return typeof value === 'string' ? value : Buffer.from(value.base64, 'base64');
}
