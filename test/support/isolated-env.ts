import { TEST_DATABASE_URL, uniqueSchemaName } from './test-database';
import { TEST_KAFKA_BROKERS, uniqueTopicEnv } from './test-kafka';

/** Service settings of one test run's own: its schema, topics and consumer group, so runs never collide. */
export function isolatedServiceEnv(prefix: string, extra: Record<string, string> = {}) {
  const schema = extra.DATABASE_SCHEMA ?? uniqueSchemaName(prefix);
  const topicEnv = uniqueTopicEnv(schema.replace(/_/g, '-'));
  const env: Record<string, string> = {
    DATABASE_URL: TEST_DATABASE_URL,
    DATABASE_SCHEMA: schema,
    KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(','),
    KAFKA_GROUP_ID: `inventory-${schema}`,
    ...topicEnv,
    ...extra,
  };
  return { schema, topicEnv, env };
}
