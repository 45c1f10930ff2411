// The public face of platform/kafka: what other areas may import. Inside platform/kafka, files import each other directly.
export { headersForKafka, type StoredHeaders } from './headers';
export { KafkaConnection } from './kafka-connection';
export { readPartitionTailHeaders } from './partition-tails';
export { KafkaModule } from './kafka.module';
export { headersForStorage, headersAsText } from './headers';
export { kafkaSecurityOptions } from './kafka-client-options';
