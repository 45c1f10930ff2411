import { INBOUND_TOPIC_ROLES } from '@app/contracts';
import { SqlReader } from '@app/event-store';
import { Inject, Injectable } from '@nestjs/common';
import { ServiceConfig } from '../platform/config';
import { KafkaConnection } from '../platform/kafka';
import { SELECT_GROUP_OFFSETS } from './ingestion.sql';

export interface ConsumerLag {
  /** Messages on the inbound topics not yet applied, summed over partitions. */
  total: number;
  byTopic: Record<string, number>;
}

/** How far ingestion is behind Kafka: each partition's end offset minus the next offset applied in PostgreSQL. */
@Injectable()
export class ConsumerLagService {
  constructor(
    @Inject(KafkaConnection) private readonly kafka: KafkaConnection,
    @Inject(SqlReader) private readonly reads: SqlReader,
    @Inject(ServiceConfig) private readonly config: ServiceConfig,
  ) {}

  async measure(): Promise<ConsumerLag> {
    const rows = await this.reads.query<{ topic: string; partition: number; next_offset: string }>(SELECT_GROUP_OFFSETS, [
      this.config.kafka.groupId,
    ]);
    const applied = new Map(rows.map((row) => [`${row.topic}:${row.partition}`, BigInt(row.next_offset)]));
    return this.kafka.withAdmin(async (admin) => {
      const byTopic: Record<string, number> = {};
      let total = 0;
      for (const role of INBOUND_TOPIC_ROLES) {
        const topic = this.config.kafka.topics[role];
        let lag = 0n;
        for (const partition of await admin.fetchTopicOffsets(topic)) {
          const next = applied.get(`${topic}:${partition.partition}`) ?? BigInt(partition.low);
          const behind = BigInt(partition.high) - next;
          if (behind > 0n) lag += behind;
        }
        byTopic[topic] = Number(lag);
        total += Number(lag);
      }
      return { total, byTopic };
    });
  }
}
