import { describe, expect, it } from 'vitest';
import { InvalidConfigurationError, loadServiceConfig } from './service-config';

describe('logging settings', () => {
  it('default to JSON lines at info', () => {
    expect(loadServiceConfig({}).logging).toEqual({ level: 'info', format: 'json' });
  });

  it('take any pino level and either format', () => {
    expect(loadServiceConfig({ LOG_LEVEL: 'debug', LOG_FORMAT: 'pretty' }).logging).toEqual({ level: 'debug', format: 'pretty' });
  });

  it('name a bad LOG_LEVEL or LOG_FORMAT with what it must be', () => {
    let problems: string[] = [];
    try {
      loadServiceConfig({ LOG_LEVEL: 'verbose', LOG_FORMAT: 'xml' });
    } catch (error) {
      if (error instanceof InvalidConfigurationError) problems = error.problems;
    }
    expect(problems).toEqual([
      'LOG_LEVEL="verbose": must be one of fatal, error, warn, info, debug, trace',
      'LOG_FORMAT="xml": must be one of json, pretty',
    ]);
  });
});
