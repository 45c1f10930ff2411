import { createHash } from 'node:crypto';
import { logisticsCommandSchema, type LogisticsCommand, type TopicNames } from '@app/contracts';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { connectedProducer, sendJson } from './test-kafka';

/** A logistics event the worker sends back (the contract's retail.logistics.events). */
export type LogisticsFeedback = Record<string, unknown> & { type: string };

/**
 * A logistics worker inside the test: consumes retail.logistics.commands (each validated against
 * the contract), remembers every one, and answers with whatever feedback `respond` returns.
 */
export class TestLogisticsWorker {
  readonly commands: LogisticsCommand[] = [];
  /** Raw deliveries, repeats included: the exactly-once checks count these. */
  deliveries = 0;
  private consumer: Consumer | null = null;
  private producer: Producer | null = null;
  private feedbackCount = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: TopicNames,
    private respond: (command: LogisticsCommand) => LogisticsFeedback[] = () => [],
  ) {}

  answerWith(respond: (command: LogisticsCommand) => LogisticsFeedback[]): void {
    this.respond = respond;
  }

  async start(): Promise<void> {
    this.producer = await connectedProducer(this.kafka);
    this.consumer = this.kafka.consumer({ groupId: `logistics-worker-${Date.now()}-${Math.random().toString(36).slice(2)}` });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topics.logisticsCommands, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        this.deliveries += 1;
        const command = logisticsCommandSchema.parse(JSON.parse(message.value!.toString()));
        if (message.key?.toString() !== command.fromLocationId)
          throw new Error(`command ${command.commandId} keyed ${message.key?.toString()}, not by fromLocationId`);
        this.commands.push(command);
        const feedback = this.respond(command);
        if (feedback.length === 0) return;
        await sendJson(
          this.producer!,
          this.topics.logisticsEvents,
          feedback.map((event) => ({
            key: String(event.fulfillmentId ?? event.transferId),
            value: {
              eventId: feedbackEventId(command.commandId, (this.feedbackCount += 1)),
              occurredAt: new Date().toISOString(),
              ...event,
            },
          })),
        );
      },
    });
  }

  /** Send feedback by hand (for a fulfillment the worker was told to hold). */
  async send(events: LogisticsFeedback[]): Promise<void> {
    await sendJson(
      this.producer!,
      this.topics.logisticsEvents,
      events.map((event) => ({
        key: String(event.fulfillmentId ?? event.transferId),
        value: {
          eventId: `worker-manual-${(this.feedbackCount += 1)}-${Math.random().toString(36).slice(2)}`,
          occurredAt: new Date().toISOString(),
          ...event,
        },
      })),
    );
  }

  of<T extends LogisticsCommand['type']>(type: T): Array<Extract<LogisticsCommand, { type: T }>> {
    return this.commands.filter((c): c is Extract<LogisticsCommand, { type: T }> => c.type === type);
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }
}

/** The worker's own event id for feedback to a command: the commandId in it while that fits 200 characters. */
function feedbackEventId(commandId: string, count: number): string {
  const readable = `worker-${commandId}-${count}`;
  return readable.length <= 200 ? readable : `worker-${createHash('sha256').update(commandId).digest('hex')}-${count}`;
}
