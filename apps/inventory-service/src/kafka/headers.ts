import type { IHeaders } from 'kafkajs';

/** Kafka headers as text (a repeated header's values joined with ','). */
export function headersAsText(headers: IHeaders | undefined): Record<string, string> {
  const text: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    text[name] = Array.isArray(value) ? value.map(String).join(',') : String(value);
  }
  return text;
}
