/** How often an idle relay still opens a batch, and a sending one renews its lease: it is renewed once it is a second old. */
export const LEASE_RENEWAL_MS = 1000;
/** Another instance takes the lease over once it has not been renewed for this long (database clock). */
export const RELAY_LEASE_LAPSES_MS = 5000;
/** A send is given up once the lease could not be renewed for this long, 2 s before it can lapse. */
export const RELAY_FENCE_MS = 3000;
const FENCE_CHECK_MS = 100;

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What a send needs of the relay that holds the lease. */
export interface LeaseHolder {
  /** Renew the lease in a statement of its own: false when another instance holds it now. */
  renew(): Promise<boolean>;
  /** A renewal that failed (the database out of reach): the send goes on until the fence. */
  renewalFailed(error: Error): void;
  /** Stop everything of the send from leaving this process (the relay closes its producer). */
  abandonSend(): Promise<void>;
}

/**
 * Run a send while renewing the lease every second; give the send up (abandonSend, reject) if the
 * lease could not be renewed for RELAY_FENCE_MS since `renewedAt` (monotonic clock), or another
 * instance holds it. A failed send is abandoned too, so no request of it is still queued when the
 * tails are read.
 */
export async function sendWhileRenewingLease(holder: LeaseHolder, renewedAt: number, send: () => Promise<unknown>): Promise<void> {
  let lastRenewal = renewedAt;
  let lost = false;
  let done = false;
  const renewals = (async () => {
    while (!done) {
      await delay(LEASE_RENEWAL_MS);
      if (done) return;
      const startedAt = performance.now();
      try {
        if (await holder.renew()) lastRenewal = startedAt;
        else lost = true;
      } catch (error) {
        holder.renewalFailed(error as Error);
      }
    }
  })();
  let watch: NodeJS.Timeout | undefined;
  const fenced = new Promise<never>((_, reject) => {
    watch = setInterval(() => {
      const unrenewedMs = performance.now() - lastRenewal;
      if (lost || unrenewedMs > RELAY_FENCE_MS) {
        reject(
          new Error(
            lost
              ? 'another instance holds the outbox relay lease: send abandoned and producer closed; the next relay finds what arrived in the tails'
              : `outbox relay lease not renewed for ${Math.round(unrenewedMs)} ms during a send (limit ${RELAY_FENCE_MS} ms): send abandoned and producer closed before the lease lapses`,
          ),
        );
      }
    }, FENCE_CHECK_MS);
  });
  const sending = send();
  try {
    await Promise.race([sending, fenced]);
  } catch (error) {
    sending.catch(() => undefined); // an abandoned send's own failure is of no further interest
    await holder.abandonSend();
    throw error;
  } finally {
    done = true;
    clearInterval(watch);
    void renewals; // not awaited: with the database out of reach, a renewal may hang for a while
  }
}
