import { DEAD_LETTER_HEADERS } from '@app/contracts';
import type { Logger } from '@nestjs/common';
import { headersForStorage } from '../../platform/kafka';
import { inboundCorrelationId } from '../../platform/logging';
import { withLogContext } from '../../platform/logging';
import type { OutboxMessage } from '../../outbox';
import type { InboundMessage } from '../record-inbound-batch.command';

const DEAD_LETTER_HEADER_NAMES: ReadonlySet<string> = new Set(Object.values(DEAD_LETTER_HEADERS));

/** A message for retail.dlq, with the reason its headers carry. */
export type DeadLetter = OutboxMessage & { reason: string };

/** The dead letter of an inbound message (logged with its correlation id): the message as it arrived, and where from and why. */
export function deadLetterOf(message: InboundMessage, reason: string, deadLetterTopic: string, logger: Logger): DeadLetter {
  withLogContext({ correlationId: inboundCorrelationId(message.value) }, () =>
    logger.warn(`dead letter from ${message.topic}[${message.partition}]@${message.offset}: ${reason}`),
  );
  return {
    reason,
    topic: deadLetterTopic,
    key: message.key,
    value: message.value,
    // The headers it arrived with (any names, any bytes, repeats in order), then ours, which replace any of the same name.
    headers: [
      ...headersForStorage(message.headers, DEAD_LETTER_HEADER_NAMES),
      ...headersForStorage({
        [DEAD_LETTER_HEADERS.sourceTopic]: message.topic,
        [DEAD_LETTER_HEADERS.sourcePartition]: String(message.partition),
        [DEAD_LETTER_HEADERS.sourceOffset]: message.offset,
        [DEAD_LETTER_HEADERS.reason]: reason,
        [DEAD_LETTER_HEADERS.failedAt]: new Date().toISOString(),
      }),
    ],
  };
}
