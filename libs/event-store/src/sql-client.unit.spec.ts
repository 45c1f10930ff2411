import { describe, expect, it } from 'vitest';
import { isDataFault, isRetriableConflict, isTransientDatabaseFault } from './sql-client';

/** What pg's DatabaseError looks like to the code that catches it. */
function pgError(code: string, message = `error ${code}`): Error & { code: string } {
  return Object.assign(new Error(message), { code });
}

describe('isTransientDatabaseFault', () => {
  it.each([
    ['40001', 'serialization failure'],
    ['40P01', 'deadlock detected'],
    ['55P03', 'lock not available (lock_timeout)'],
    ['57014', 'query canceled (statement_timeout)'],
    ['57P01', 'admin shutdown'],
    ['57P02', 'crash shutdown'],
    ['57P03', 'cannot connect now'],
    ['25006', 'read-only transaction on a standby during failover'],
    ['25P03', 'idle in transaction timeout'],
    ['08006', 'connection failure'],
    ['08003', 'connection does not exist'],
    ['53300', 'too many connections'],
    ['53100', 'disk full'],
  ])('%s (%s) is transient', (code) => {
    expect(isTransientDatabaseFault(pgError(code))).toBe(true);
  });

  it.each(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT'])('a socket error %s is transient', (code) => {
    expect(isTransientDatabaseFault(pgError(code, `connect ${code} 127.0.0.1:5432`))).toBe(true);
  });

  it.each([
    'Connection terminated unexpectedly',
    'Connection terminated',
    'timeout exceeded when trying to connect',
    'Client has encountered a connection error and is not queryable',
  ])('pg saying "%s" without a code is transient', (message) => {
    expect(isTransientDatabaseFault(new Error(message))).toBe(true);
  });

  it('looks through TypeORM driverError and cause', () => {
    expect(isTransientDatabaseFault(Object.assign(new Error('QueryFailedError'), { driverError: pgError('57P01') }))).toBe(true);
    expect(isTransientDatabaseFault(new Error('wrapped', { cause: pgError('40001') }))).toBe(true);
  });

  it.each([
    ['22003', 'numeric value out of range'],
    ['22008', 'datetime field overflow'],
    ['23505', 'unique violation'],
    ['42P01', 'undefined table'],
    ['XX000', 'internal error'],
    ['P0001', 'raise exception'],
  ])('%s (%s) is not transient', (code) => {
    expect(isTransientDatabaseFault(pgError(code))).toBe(false);
  });

  it('a domain error, a plain value or nothing is not transient', () => {
    expect(isTransientDatabaseFault(new Error('reservation of 3 exceeds available 2'))).toBe(false);
    expect(isTransientDatabaseFault('57014')).toBe(false);
    expect(isTransientDatabaseFault(null)).toBe(false);
    expect(isTransientDatabaseFault(undefined)).toBe(false);
  });
});

describe('isRetriableConflict and isDataFault', () => {
  it('conflicts are the two concurrency codes only', () => {
    expect(isRetriableConflict(pgError('40001'))).toBe(true);
    expect(isRetriableConflict(pgError('40P01'))).toBe(true);
    expect(isRetriableConflict(pgError('57014'))).toBe(false);
  });

  it('data faults are classes 22 and 23', () => {
    expect(isDataFault(pgError('22003'))).toBe(true);
    expect(isDataFault(pgError('22007'))).toBe(true);
    expect(isDataFault(pgError('23514'))).toBe(true);
    expect(isDataFault(pgError('57014'))).toBe(false);
    expect(isDataFault(new Error('no code'))).toBe(false);
  });
});
