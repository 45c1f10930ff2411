import { createHash } from 'node:crypto';

/**
 * Ids the service mints: fulfillments, transfers and the commands that name them. Each is
 * - deterministic: a function of what it names, so a retried decision names the same thing
 *   (exactly-once dispatch relies on it);
 * - at most 200 characters, the contract's rule for every id, so feedback that names it is valid;
 * - injective: two different things never share an id.
 *
 * A readable form is used while it fits, with a digest form beside it for long inputs. The two forms
 * of one kind never meet (they differ in their first characters), the readable forms decode
 * unambiguously, and the digest forms hash an unambiguous encoding of what they name (a JSON array
 * of strings), so two ids are equal only if their inputs are, or SHA-256 has a collision (a 256-bit
 * digest: about 2^128 ids before even odds of one).
 */
export const MINTED_ID_MAX_LENGTH = 200;
/** The longest suffix a command id adds to the id it names (`:dispatch`, `:transfer`). */
const LONGEST_COMMAND_SUFFIX = ':transfer'.length;
/** Room for the id itself, so that every command id naming it fits as well. */
const BASE_ID_MAX_LENGTH = MINTED_ID_MAX_LENGTH - LONGEST_COMMAND_SUFFIX;
/** Digits of the largest sequence number (Number.MAX_SAFE_INTEGER). */
const SEQUENCE_DIGITS = String(Number.MAX_SAFE_INTEGER).length;
/**
 * The longest order id whose fulfillment and transfer ids take the readable form `F-<orderId>-<n>`
 * for any sequence n. One rule per order id, so an order's ids take one form.
 */
export const READABLE_ORDER_ID_MAX_LENGTH = BASE_ID_MAX_LENGTH - 'F--'.length - SEQUENCE_DIGITS;

/** SHA-256, base64url (43 characters), of an unambiguous encoding of the parts. */
export function mintedDigest(parts: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(parts), 'utf8').digest('base64url');
}

/** The digest that stands for a long order id in its fulfillment and transfer ids. */
export const orderIdDigest = (orderId: string): string => mintedDigest(['order', orderId]);

/** Whether an order id is short enough for readable fulfillment and transfer ids. */
export const hasReadableOrderIds = (orderId: string): boolean => orderId.length <= READABLE_ORDER_ID_MAX_LENGTH;

/**
 * `F-<orderId>-<n>` (the sequence is the digits after the last dash, the order id all before it), or
 * `F~<digest of the order id>-<n>` when the order id is long.
 */
export const fulfillmentIdFor = (orderId: string, sequence: number): string =>
  hasReadableOrderIds(orderId) ? `F-${orderId}-${sequence}` : `F~${orderIdDigest(orderId)}-${sequence}`;

/** The order a fulfillment id names: its id (readable form) or its id's digest (digest form); null if not ours. */
export function orderOfFulfillment(fulfillmentId: string): { orderId: string } | { orderIdDigest: string } | null {
  const readable = /^F-(.+)-\d+$/s.exec(fulfillmentId);
  if (readable) return { orderId: readable[1]! };
  const digested = /^F~([A-Za-z0-9_-]{43})-\d+$/.exec(fulfillmentId);
  return digested ? { orderIdDigest: digested[1]! } : null;
}

/** `T-<orderId>-<n>`, or `T~<digest of the order id>-<n>` when the order id is long. */
export const orderTransferIdFor = (orderId: string, sequence: number): string =>
  hasReadableOrderIds(orderId) ? `T-${orderId}-${sequence}` : `T~${orderIdDigest(orderId)}-${sequence}`;

/** `~` only as the separator: every other character that is not URI-safe is percent-encoded. */
const escapePart = (part: string): string => encodeURIComponent(part).replace(/~/g, '%7E');

/**
 * A replenishment of a SKU at a location, at the stock item's version when it was asked for:
 * `T~R~<location>~<sku>~v<n>` (each part percent-encoded, so `~` separates and nothing else does),
 * or `T~D~<digest of location, SKU and version>` when that is too long. Ids minted before this rule,
 * `T-R-<location>-<sku>-v<n>`, stay in their streams and are found by the id stored there.
 */
export function replenishmentTransferIdFor(locationId: string, sku: string, version: number): string {
  const readable = `T~R~${escapePart(locationId)}~${escapePart(sku)}~v${version}`;
  return readable.length <= BASE_ID_MAX_LENGTH ? readable : `T~D~${mintedDigest(['replenishment', locationId, sku, String(version)])}`;
}

export const dispatchCommandIdFor = (fulfillmentId: string): string => `${fulfillmentId}:dispatch`;
export const cancelCommandIdFor = (fulfillmentId: string): string => `${fulfillmentId}:cancel`;
export const transferCommandIdFor = (transferId: string): string => `${transferId}:transfer`;
export const transferCancelCommandIdFor = (transferId: string): string => `${transferId}:cancel`;
