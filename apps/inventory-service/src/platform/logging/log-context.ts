import { AsyncLocalStorage } from 'node:async_hooks';

/** Fields added to every log line written inside a piece of work (a Kafka batch, say). */
export type LogFields = Readonly<Record<string, string | number>>;

const context = new AsyncLocalStorage<LogFields>();

/**
 * Run `work` with these fields on every log line it writes, however deep (any `new Logger(X.name)`
 * included): the root logger's mixin reads them. Nested calls add to, and may override, the outer
 * fields; undefined values are left out.
 */
export function withLogContext<T>(fields: Readonly<Record<string, string | number | undefined>>, work: () => T): T {
  const merged: Record<string, string | number> = { ...context.getStore() };
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) merged[key] = value;
  return context.run(merged, work);
}

/** The fields of the work in progress, as a fresh object (pino merges the call's own fields into it). */
export function currentLogFields(): Record<string, string | number> {
  const fields = context.getStore();
  return fields ? { ...fields } : {};
}
