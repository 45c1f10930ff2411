import type { Message, Producer, Transaction } from 'kafkajs';
import type { KafkaConnection } from '../../platform/kafka';

/**
 * One produce request's worth of stock changes: under the broker's default message.max.bytes
 * (1 MiB a record batch, one batch per partition of a request) whatever the keys' spread.
 */
const SEND_BYTES = 900 * 1024;

/**
 * A sender of one batch of retail.stock.changes, opened by the instance that holds the feed's lock
 * before it reads the batch's bodies: its producer takes the transactional id of the feed (one per
 * database, the same on every instance), and Kafka fences every producer that took it before (bumps
 * the epoch, aborts its open transaction, refuses its sends from then on).
 *
 * Why a batch whose instance lost the lock midway (its database session ended while the send was
 * on its way) cannot land after a later batch: the instance that took over opened its sender after
 * it took the lock, so after the first one's session ended, so after the first one read its bodies
 * (a read on an ended session fails) and opened its sender. That open fenced the first sender: what
 * the first batch had sent before it lies before the later batch on the topic, and nothing of it
 * lands after. A sender is therefore never reopened once the bodies are read: a failed send fails
 * the batch, which is read afresh and sent by a new sender.
 */
export class StockChangesSender {
  private constructor(
    private readonly producer: Producer,
    private readonly transaction: Transaction,
  ) {}

  /**
   * A connected transactional producer under `transactionalId` with its transaction begun. kafkajs
   * takes the transactional producer id (the step that fences the producers before it) at the
   * first `transaction()`, not at `connect()`: so that is done here, before the caller reads.
   */
  static async open(kafka: KafkaConnection, transactionalId: string): Promise<StockChangesSender> {
    const producer = kafka.createProducer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
    try {
      await producer.connect();
      return new StockChangesSender(producer, await producer.transaction());
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  /** Send these messages to `topic` in the sender's transaction and commit it (acks from all in-sync replicas). Once only. */
  async send(topic: string, messages: readonly Message[]): Promise<void> {
    try {
      for (const chunk of chunksOf(messages)) await this.transaction.sendBatch({ acks: -1, topicMessages: [{ topic, messages: chunk }] });
      await this.transaction.commit();
    } catch (error) {
      await this.transaction.abort().catch(() => undefined);
      throw error;
    }
  }

  /** Disconnect; a transaction neither committed nor aborted yet is aborted first. */
  async close(): Promise<void> {
    if (this.transaction.isActive()) await this.transaction.abort().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
  }
}

/** The messages in runs of at most SEND_BYTES (a larger message alone in its run). */
function* chunksOf(messages: readonly Message[]): Generator<Message[]> {
  let chunk: Message[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = byteLengthOf(message.key) + byteLengthOf(message.value) + 64;
    if (chunk.length > 0 && bytes + size > SEND_BYTES) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(message);
    bytes += size;
  }
  if (chunk.length > 0) yield chunk;
}

function byteLengthOf(part: Message['key'] | Message['value']): number {
  if (part === null || part === undefined) return 0;
  return typeof part === 'string' ? Buffer.byteLength(part) : part.length;
}
