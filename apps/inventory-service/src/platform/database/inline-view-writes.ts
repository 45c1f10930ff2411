/** What a write that its caller must read back at once changed in the views. */
export type ViewWrite = { kind: 'location'; locationId: string } | { kind: 'skuPolicy'; sku: string; locationId: string };

export type ViewWriteListener = (write: ViewWrite) => Promise<void>;

/**
 * Read-your-writes for the writes an HTTP caller makes itself (a location's profile, a SKU's policy):
 * the handler, once its transaction has committed, tells the in-process views here and answers only
 * when they have caught up with it, so the caller's next read on this instance shows the change.
 * Other instances learn it from the stock change feed. A listener that fails does not fail the
 * write (it is committed): the views then catch up through the feed.
 */
export class InlineViewWrites {
  private readonly listeners: ViewWriteListener[] = [];

  listen(listener: ViewWriteListener): void {
    this.listeners.push(listener);
  }

  async written(write: ViewWrite): Promise<void> {
    await Promise.allSettled(this.listeners.map((listener) => listener(write)));
  }
}
