import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { z } from 'zod';
import { logisticsEventSchema, offlineSalesEventSchema, onlineOrderEventSchema, stockMovementEventSchema } from './inbound-events';
import { logisticsCommandSchema, orderStatusMessageSchema, stockChangeSchema } from './outbound-messages';
import { DEFAULT_TOPICS, type TopicRole } from './topics';

/** docs/asyncapi.yaml is what partners read: it must say what the code does. */
const document = parse(readFileSync(resolve(__dirname, '../../../docs/asyncapi.yaml'), 'utf8')) as {
  channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>;
  components: { messages: Record<string, { examples?: Array<{ payload: unknown }> }> };
};

const schemaOfChannel: Partial<Record<TopicRole, z.ZodType>> = {
  offlineSales: offlineSalesEventSchema,
  onlineOrders: onlineOrderEventSchema,
  stockMovements: stockMovementEventSchema,
  logisticsEvents: logisticsEventSchema,
  logisticsCommands: logisticsCommandSchema,
  orderStatus: orderStatusMessageSchema,
  stockChanges: stockChangeSchema,
};

describe('docs/asyncapi.yaml', () => {
  it('documents every topic of the contract at its default name', () => {
    for (const [role, topic] of Object.entries(DEFAULT_TOPICS)) expect(document.channels[role]?.address, role).toBe(topic);
  });

  it("has examples that the service's own validation accepts, for every message of every topic", () => {
    for (const [role, schema] of Object.entries(schemaOfChannel)) {
      const messages = Object.values(document.channels[role]!.messages).map((m) => m.$ref.split('/').pop()!);
      expect(messages.length).toBeGreaterThan(0);
      for (const name of messages) {
        const examples = document.components.messages[name]?.examples ?? [];
        expect(examples.length, `${name} has an example`).toBeGreaterThan(0);
        for (const { payload } of examples) {
          const result = schema.safeParse(payload);
          expect(result.success, `${name}: ${result.success ? '' : JSON.stringify(result.error.issues)}`).toBe(true);
        }
      }
    }
  });
});
