/** The keys every line has, shown in fixed places (or, for pid and hostname, not at all). */
const PLACED = new Set(['level', 'time', 'msg', 'context', 'pid', 'hostname', 'err']);

/**
 * One JSON log line as one readable line, for LOG_FORMAT=pretty: `12:00:00.123 INFO  [Context] msg
 * {other fields}`, an error's stack on the lines after it. Anything that is not a JSON object passes
 * through unchanged.
 */
export function prettyLogLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return line;
    entry = parsed as Record<string, unknown>;
  } catch {
    return line;
  }
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 23) : String(entry.time ?? '');
  const level = String(entry.level ?? '')
    .toUpperCase()
    .padEnd(5);
  const context = entry.context === undefined ? '' : ` [${String(entry.context)}]`;
  const rest = Object.fromEntries(Object.entries(entry).filter(([key]) => !PLACED.has(key)));
  const fields = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
  const error = entry.err as { stack?: unknown; message?: unknown } | undefined;
  const stack = error ? `\n${String(error.stack ?? error.message ?? JSON.stringify(error))}` : '';
  return `${time} ${level}${context} ${String(entry.msg ?? '')}${fields}${stack}\n`;
}
