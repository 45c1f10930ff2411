/** The part of kafkajs's RequestQueue (one per broker connection, not exported by kafkajs) this file touches. */
export interface KafkajsRequestQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
  canSendSocketRequestImmediately(): boolean;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

type RequestQueueClass = new (options: Record<string, unknown>) => KafkajsRequestQueue;

/**
 * kafkajs's RequestQueue class, the very one its connections use (the same module instance). A plain
 * require of a literal path: the bundler leaves it to Node, as it does `kafkajs` itself.
 */
export function kafkajsRequestQueue(): RequestQueueClass {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- kafkajs neither exports nor types this class
  return require('kafkajs/src/network/requestQueue') as RequestQueueClass;
}

/** kafkajs's own interval for looking at pending requests again (CHECK_PENDING_REQUESTS_INTERVAL). */
const CHECK_PENDING_REQUESTS_MS = 10;

/**
 * kafkajs 2.2.4's RequestQueue.scheduleCheckPendingRequests, less its idle loop: with nothing pending
 * and no throttle (throttledUntil -1), it armed a timer of a negative delay (1 ms), whose check armed
 * it again, forever, on every broker connection: ~1,500 event-loop wake-ups a second in an idle
 * service, 3.7 % of a core (kafkajs issues 1556 and 1704). Here nothing is scheduled then: a request
 * pushed later is sent at once or schedules its own check (RequestQueue.push), and a response checks
 * the queue (fulfillRequest). With requests pending, or a throttle running, it is kafkajs's code.
 */
function scheduleCheckPendingRequests(this: KafkajsRequestQueue): void {
  let scheduleAt = this.throttledUntil - Date.now();
  if (this.throttleCheckTimeoutId) return;
  if (this.pending.length > 0) scheduleAt = scheduleAt > 0 ? scheduleAt : CHECK_PENDING_REQUESTS_MS;
  else if (scheduleAt <= 0) return;
  this.throttleCheckTimeoutId = setTimeout(() => {
    this.throttleCheckTimeoutId = null;
    this.checkPendingRequests();
  }, scheduleAt);
}

/** Replace kafkajs's idle-looping scheduler (see above) in this process; idempotent. Call before connecting. */
export function stopIdleRequestQueuePolling(): void {
  kafkajsRequestQueue().prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
}
