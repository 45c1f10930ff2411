import { describe, expect, it } from 'vitest';
import { kafkajsRequestQueue, stopIdleRequestQueuePolling } from './idle-request-queue';

/** A RequestQueue as kafkajs makes one per broker connection (its logger and options as kafkajs passes them). */
function requestQueue() {
  const noop = () => {};
  const logger = { debug: noop, info: noop, warn: noop, error: noop, namespace: () => logger };
  return new (kafkajsRequestQueue())({
    instrumentationEmitter: null,
    maxInFlightRequests: 1,
    requestTimeout: 30_000,
    enforceRequestTimeout: true,
    clientId: 'test',
    broker: 'localhost:9092',
    logger,
    isConnected: () => true,
  });
}

describe('kafkajs request queue, idle', () => {
  it('schedules no check while nothing is pending and nothing throttles it (kafkajs 2.2.4 re-armed a 1 ms timer forever)', () => {
    stopIdleRequestQueuePolling();
    const queue = requestQueue();
    queue.checkPendingRequests(); // what kafkajs runs after every response
    expect(queue.throttleCheckTimeoutId).toBeFalsy();
  });

  it('still checks a pending request again later, and wakes when a throttle ends', () => {
    stopIdleRequestQueuePolling();
    const queue = requestQueue();
    queue.pending.push({ correlationId: 1 });
    queue.canSendSocketRequestImmediately = () => false;
    queue.scheduleCheckPendingRequests();
    expect(queue.throttleCheckTimeoutId).toBeTruthy();
    clearTimeout(queue.throttleCheckTimeoutId!);
    queue.throttleCheckTimeoutId = null;
    queue.pending.length = 0;
    queue.throttledUntil = Date.now() + 1000;
    queue.scheduleCheckPendingRequests();
    expect(queue.throttleCheckTimeoutId).toBeTruthy();
    clearTimeout(queue.throttleCheckTimeoutId!);
  });
});
