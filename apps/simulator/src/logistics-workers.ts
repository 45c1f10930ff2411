import { logisticsCommandSchema, orderBackorderedSchema, type LogisticsCommand, type TopicNames } from '@app/contracts';
import type { Consumer, Kafka } from 'kafkajs';
import type { OmnichannelDay, SimulatedMessage } from './omnichannel-day';

interface PendingWork {
  command: LogisticsCommand;
  dueAt: number;
}

/** A transfer this worker moved, and when: what it records by hand if the service calls it off after all. */
interface MovedTransfer {
  command: Extract<LogisticsCommand, { type: 'TransferStock' }>;
  shippedAt: string;
  receivedAt: string;
}

/**
 * The city's logistics workers: they take the service's commands from retail.logistics.commands,
 * pick and ship after a short while (sometimes a pick comes up short), hand pickups over, and move
 * transfers; each answer goes back on retail.logistics.events, and the physical movement goes into
 * the day's ledger at the same instant of the day's clock.
 */
export class SimulatedLogisticsWorkers {
  readonly counts = {
    dispatches: 0,
    shipped: 0,
    collected: 0,
    failedPicks: 0,
    cancelledBeforePick: 0,
    transfers: 0,
    transfersCalledOff: 0,
    transfersCalledOffAfterLeaving: 0,
    repeatsDropped: 0,
    backorders: 0,
  };
  private readonly pending = new Map<string, PendingWork>();
  private readonly seenCommandIds = new Set<string>();
  private readonly movedTransfers = new Map<string, MovedTransfer>();
  private commandsConsumer: Consumer | null = null;
  private statusConsumer: Consumer | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: TopicNames,
    private readonly day: OmnichannelDay,
    private readonly random: () => number,
    private readonly settings: { pickDelayMs: number; failedPickRate: number },
  ) {}

  /** Join from the end of the topics: commands of earlier runs are not ours to answer. */
  async start(): Promise<void> {
    const runGroup = `simulator-${this.day.runId}`;
    this.commandsConsumer = this.kafka.consumer({ groupId: `${runGroup}-logistics` });
    this.statusConsumer = this.kafka.consumer({ groupId: `${runGroup}-status` });
    const joined = Promise.all(
      [this.commandsConsumer, this.statusConsumer].map((c) => new Promise<void>((resolve) => c.on(c.events.GROUP_JOIN, () => resolve()))),
    );
    await Promise.all([this.commandsConsumer.connect(), this.statusConsumer.connect()]);
    await this.commandsConsumer.subscribe({ topic: this.topics.logisticsCommands, fromBeginning: false });
    await this.statusConsumer.subscribe({ topic: this.topics.orderStatus, fromBeginning: false });
    await this.commandsConsumer.run({
      eachMessage: async ({ message }) => this.take(logisticsCommandSchema.parse(JSON.parse(message.value!.toString()))),
    });
    await this.statusConsumer.run({
      eachMessage: async ({ message }) => {
        if (orderBackorderedSchema.safeParse(JSON.parse(message.value!.toString())).success) this.counts.backorders += 1;
      },
    });
    await joined;
  }

  get busy(): boolean {
    return this.pending.size > 0;
  }

  /** Answers for the work that is due now; call it every tick and send what it returns. */
  due(now = Date.now()): SimulatedMessage[] {
    const messages: SimulatedMessage[] = [];
    for (const [id, work] of this.pending) {
      if (work.dueAt > now) continue;
      this.pending.delete(id);
      messages.push(...this.answer(work.command));
    }
    return messages;
  }

  async stop(): Promise<void> {
    await Promise.all([this.commandsConsumer?.disconnect(), this.statusConsumer?.disconnect()]);
  }

  private take(command: LogisticsCommand): void {
    // A stable commandId lets a worker drop a repeat, if one ever slips through.
    if (this.seenCommandIds.has(command.commandId)) {
      this.counts.repeatsDropped += 1;
      return;
    }
    this.seenCommandIds.add(command.commandId);
    const dueAt = Date.now() + this.settings.pickDelayMs * (0.5 + this.random());
    switch (command.type) {
      case 'DispatchFulfillment':
        this.counts.dispatches += 1;
        this.pending.set(command.fulfillmentId, { command, dueAt });
        return;
      case 'CancelFulfillment':
        // Stopped before the pick: say so (FulfillmentFailed, nothing short), which releases the units the cancel still holds.
        if (this.pending.delete(command.fulfillmentId)) {
          this.counts.cancelledBeforePick += 1;
          this.pending.set(command.fulfillmentId, { command, dueAt: Date.now() });
        }
        return;
      case 'TransferStock':
        this.counts.transfers += 1;
        this.pending.set(command.transferId, { command, dueAt });
        return;
      case 'CancelTransfer':
        // Called off before it left: nothing moves (the ledger saw nothing of it yet).
        if (this.pending.delete(command.transferId)) this.counts.transfersCalledOff += 1;
        // Called off after it left (the order was cancelled as the truck went): the service refuses the
        // transfer's feedback (two dead letters), so the worker records what moved as movements.
        else if (this.movedTransfers.has(command.transferId)) {
          this.counts.transfersCalledOffAfterLeaving += 1;
          this.pending.set(command.commandId, { command, dueAt: Date.now() });
        }
        return;
    }
  }

  private answer(command: LogisticsCommand): SimulatedMessage[] {
    switch (command.type) {
      case 'DispatchFulfillment': {
        const { fromLocationId, fulfillmentId } = command;
        if (this.random() < this.settings.failedPickRate) {
          this.counts.failedPicks += 1;
          const short = { sku: command.lines[0]!.sku, quantity: 1 };
          const occurredAt = this.day.tick();
          this.day.recordMovement(fromLocationId, short.sku, -short.quantity); // it was never on the shelf
          return [this.feedback(fulfillmentId, { type: 'FulfillmentFailed', occurredAt, fulfillmentId, shortLines: [short] })];
        }
        const occurredAt = this.day.tick();
        for (const line of command.lines) this.day.recordMovement(fromLocationId, line.sku, -line.quantity);
        const collected = command.delivery.mode === 'pickup';
        if (collected) this.counts.collected += 1;
        else this.counts.shipped += 1;
        return [this.feedback(fulfillmentId, { type: collected ? 'PickupCollected' : 'FulfillmentShipped', occurredAt, fulfillmentId })];
      }
      case 'TransferStock': {
        const shippedAt = this.day.tick();
        for (const line of command.lines) this.day.recordMovement(command.fromLocationId, line.sku, -line.quantity);
        const receivedAt = this.day.tick();
        for (const line of command.lines) this.day.recordMovement(command.toLocationId, line.sku, line.quantity);
        this.movedTransfers.set(command.transferId, { command, shippedAt, receivedAt });
        return [
          this.feedback(command.transferId, { type: 'TransferShipped', occurredAt: shippedAt, transferId: command.transferId }),
          this.feedback(command.transferId, {
            type: 'TransferReceived',
            occurredAt: receivedAt,
            transferId: command.transferId,
            lines: command.lines,
          }),
        ];
      }
      case 'CancelFulfillment': {
        const { fulfillmentId } = command;
        return [this.feedback(fulfillmentId, { type: 'FulfillmentFailed', occurredAt: this.day.tick(), fulfillmentId, shortLines: [] })];
      }
      case 'CancelTransfer':
        return this.recordMovedByHand(command.transferId);
    }
  }

  /**
   * What a called-off transfer moved, as the dead letters' reason asks: a correction off its source
   * and a receipt at its destination, each dated when it happened (so a count taken since already
   * includes it). The ledger moved when the goods did: nothing more to record there.
   */
  private recordMovedByHand(transferId: string): SimulatedMessage[] {
    const moved = this.movedTransfers.get(transferId);
    if (!moved) return [];
    const { fromLocationId, toLocationId, lines } = moved.command;
    const movement = (locationId: string, body: Record<string, unknown> & { type: string; occurredAt: string }): SimulatedMessage => ({
      topic: 'stockMovements',
      key: locationId,
      value: { eventId: this.day.nextEventId('lx'), ...body },
      lines: lines.length,
    });
    return [
      movement(fromLocationId, {
        type: 'StockAdjusted',
        occurredAt: moved.shippedAt,
        locationId: fromLocationId,
        reason: 'correction',
        lines: lines.map((line) => ({ sku: line.sku, delta: -line.quantity })),
      }),
      movement(toLocationId, { type: 'StockReceived', occurredAt: moved.receivedAt, locationId: toLocationId, lines }),
    ];
  }

  private feedback(key: string, body: Record<string, unknown> & { type: string; occurredAt: string }): SimulatedMessage {
    return { topic: 'logisticsEvents', key, value: { eventId: this.day.nextEventId('lx'), ...body }, lines: 1 };
  }
}
