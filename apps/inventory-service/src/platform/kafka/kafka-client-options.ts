import { readFileSync } from 'node:fs';
import type { ITopicConfig, KafkaConfig } from 'kafkajs';
import type { KafkaProductionSettings } from '../config';

/**
 * The TLS and SASL part of a kafkajs client's configuration, from the validated settings. The CA file
 * is read here, once per client: a missing or unreadable file stops start-up with its name.
 */
export function kafkaSecurityOptions(
  settings: Pick<KafkaProductionSettings, 'ssl' | 'sasl'>,
  readCaFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const options: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (settings.ssl) {
    const { caFile } = settings.ssl;
    if (caFile === null) options.ssl = true;
    else {
      let ca: string;
      try {
        ca = readCaFile(caFile);
      } catch (error) {
        throw new Error(
          `KAFKA_SSL_CA_FILE=${JSON.stringify(caFile)}: cannot be read (${error instanceof Error ? error.message : String(error)})`,
          {
            cause: error,
          },
        );
      }
      options.ssl = { ca: [ca] };
    }
  }
  if (settings.sasl) {
    const { username, password } = settings.sasl;
    switch (settings.sasl.mechanism) {
      case 'plain':
        options.sasl = { mechanism: 'plain', username, password };
        break;
      case 'scram-sha-256':
        options.sasl = { mechanism: 'scram-sha-256', username, password };
        break;
      case 'scram-sha-512':
        options.sasl = { mechanism: 'scram-sha-512', username, password };
        break;
    }
  }
  return options;
}

/** How a topic the service creates is replicated: min.insync.replicas only when one was asked for. */
export function createdTopicReplication(
  settings: Pick<KafkaProductionSettings, 'replicationFactor' | 'minInsyncReplicas'>,
): Pick<ITopicConfig, 'replicationFactor' | 'configEntries'> {
  return {
    replicationFactor: settings.replicationFactor,
    ...(settings.minInsyncReplicas === null
      ? {}
      : { configEntries: [{ name: 'min.insync.replicas', value: String(settings.minInsyncReplicas) }] }),
  };
}
