import { describe, expect, it } from 'vitest';
import { InvalidConfigurationError, loadServiceConfig } from '../config/service-config';
import { createdTopicReplication, kafkaSecurityOptions } from './kafka-client-options';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadServiceConfig(env);
  } catch (error) {
    if (error instanceof InvalidConfigurationError) return error.problems;
    throw error;
  }
  return [];
}

describe('Kafka production settings', () => {
  it('default to a plain connection and one replica, as on a laptop', () => {
    const { kafka } = loadServiceConfig({});
    expect(kafkaSecurityOptions(kafka)).toEqual({});
    expect(createdTopicReplication(kafka)).toEqual({ replicationFactor: 1 });
  });

  it('create topics with the replication factor and min.insync.replicas asked for', () => {
    const { kafka } = loadServiceConfig({ KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2' });
    expect(createdTopicReplication(kafka)).toEqual({ replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] });
    expect(createdTopicReplication(loadServiceConfig({ KAFKA_REPLICATION_FACTOR: '3' }).kafka)).toEqual({ replicationFactor: 3 });
  });

  it('pass TLS (with an optional CA file) and each SASL mechanism to kafkajs', () => {
    expect(kafkaSecurityOptions(loadServiceConfig({ KAFKA_SSL: 'true' }).kafka)).toEqual({ ssl: true });
    const withCa = loadServiceConfig({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem' }).kafka;
    expect(kafkaSecurityOptions(withCa, (path) => `PEM of ${path}`)).toEqual({ ssl: { ca: ['PEM of /etc/kafka/ca.pem'] } });
    for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512']) {
      const { kafka } = loadServiceConfig({
        KAFKA_SASL_MECHANISM: mechanism,
        KAFKA_SASL_USERNAME: 'inventory',
        KAFKA_SASL_PASSWORD: 's3cret',
      });
      expect(kafkaSecurityOptions(kafka)).toEqual({ sasl: { mechanism, username: 'inventory', password: 's3cret' } });
    }
  });

  it('name a CA file that cannot be read', () => {
    const { kafka } = loadServiceConfig({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/nonexistent/ca.pem' });
    expect(() => kafkaSecurityOptions(kafka)).toThrow(/^KAFKA_SSL_CA_FILE="\/nonexistent\/ca.pem": cannot be read/);
  });

  it('refuse settings that do not fit together, each named with what it needs', () => {
    expect(problemsOf({ KAFKA_MIN_INSYNC_REPLICAS: '2' })).toEqual([
      'KAFKA_MIN_INSYNC_REPLICAS="2": needs KAFKA_REPLICATION_FACTOR above 1 (with one replica there is nothing to wait for)',
    ]);
    expect(problemsOf({ KAFKA_REPLICATION_FACTOR: '2', KAFKA_MIN_INSYNC_REPLICAS: '3' })).toEqual([
      'KAFKA_MIN_INSYNC_REPLICAS="3": must be at most KAFKA_REPLICATION_FACTOR (2), or no write would ever succeed',
    ]);
    expect(problemsOf({ KAFKA_SSL_CA_FILE: '/ca.pem' })).toEqual(['KAFKA_SSL_CA_FILE="/ca.pem": needs KAFKA_SSL=true']);
    expect(problemsOf({ KAFKA_SASL_MECHANISM: 'scram-sha-256' })).toEqual([
      'KAFKA_SASL_USERNAME: must be set with KAFKA_SASL_MECHANISM=scram-sha-256',
      'KAFKA_SASL_PASSWORD: must be set with KAFKA_SASL_MECHANISM=scram-sha-256',
    ]);
    expect(problemsOf({ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })).toEqual([
      'KAFKA_SASL_MECHANISM: must be set (one of plain, scram-sha-256, scram-sha-512) when KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD is',
    ]);
    expect(problemsOf({ KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SSL: 'yes', KAFKA_REPLICATION_FACTOR: '0' })).toEqual([
      'KAFKA_REPLICATION_FACTOR="0": Too small: expected number to be >0',
      'KAFKA_SSL="yes": must be true or false',
      'KAFKA_SASL_MECHANISM="gssapi": must be one of plain, scram-sha-256, scram-sha-512',
    ]);
  });

  it('never show the SASL password in a problem', () => {
    expect(problemsOf({ KAFKA_SASL_PASSWORD: 'hunter2' }).join('\n')).not.toContain('hunter2');
  });
});
