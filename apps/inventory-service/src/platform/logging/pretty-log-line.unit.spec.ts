import { describe, expect, it } from 'vitest';
import { prettyLogLine } from './pretty-log-line';

describe('prettyLogLine', () => {
  it('puts time, level, context and message first and the other fields after them', () => {
    const line = JSON.stringify({
      level: 'warn',
      time: '2026-11-11T08:09:10.123Z',
      pid: 1,
      hostname: 'h',
      correlationId: 'c-1',
      context: 'Relay',
      msg: 'slow',
    });
    expect(prettyLogLine(`${line}\n`)).toBe('08:09:10.123 WARN  [Relay] slow {"correlationId":"c-1"}\n');
  });

  it("prints an error's stack on the lines after it", () => {
    const line = JSON.stringify({
      level: 'error',
      time: '2026-11-11T08:09:10.123Z',
      msg: 'failed',
      err: { message: 'boom', stack: 'Error: boom\n    at x' },
    });
    expect(prettyLogLine(line)).toBe('08:09:10.123 ERROR failed\nError: boom\n    at x\n');
  });

  it('passes anything that is not a JSON object through', () => {
    expect(prettyLogLine('plain text\n')).toBe('plain text\n');
    expect(prettyLogLine('[1]\n')).toBe('[1]\n');
  });
});
