// What other folders use of ingestion/: its module, the consumer lag and stored offsets (operations), dead-letter replay (cli).
export { IngestionModule } from './ingestion.module';
export { ConsumerLagService, type ConsumerLag } from './consumer-lag.service';
export { StoredOffsetsHealthIndicator } from './stored-offsets.monitor';
export { replayDeadLetters, type ReplayFilter } from './dead-letters/replay-dead-letters';
