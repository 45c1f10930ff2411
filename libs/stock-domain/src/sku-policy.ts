import { decideProfile } from './profile';

/**
 * How one SKU is kept at one location: the safety stock held back from `available` (overriding the
 * location's default) and, for replenishment, the reorder point and quantity.
 */
export interface SkuPolicy {
  safetyStock: number;
  /** Replenish when available falls to this; null: no reorder point set. */
  reorderPoint: number | null;
  /** How much to order then; null: decided at replenishment time. */
  reorderQuantity: number | null;
}

interface PolicyFacts {
  locationId: string;
  sku: string;
  policy: SkuPolicy;
  occurredAt: string;
}

export type SkuPolicyEvent =
  { type: 'SkuPolicySet'; data: PolicyFacts } | { type: 'SkuPolicyChanged'; data: PolicyFacts & { changed: Array<keyof SkuPolicy> } };

export type SkuPolicyCommand = { type: 'SetSkuPolicy'; locationId: string; sku: string; policy: SkuPolicy; at: string };

export interface SkuPolicyState {
  policy: SkuPolicy | null;
}

export const skuPolicyDecider = {
  initialState: (): SkuPolicyState => ({ policy: null }),
  decide: ({ locationId, sku, policy, at }: SkuPolicyCommand, state: SkuPolicyState): SkuPolicyEvent[] =>
    decideProfile<SkuPolicy, SkuPolicyEvent, SkuPolicyEvent>(
      state.policy,
      policy,
      () => ({ type: 'SkuPolicySet', data: { locationId, sku, policy, occurredAt: at } }),
      (changed) => ({ type: 'SkuPolicyChanged', data: { locationId, sku, policy, changed, occurredAt: at } }),
    ),
  evolve: (_state: SkuPolicyState, event: SkuPolicyEvent): SkuPolicyState => ({ policy: event.data.policy }),
};

export const SKU_POLICY_STATE_VERSION = 1;

export const skuPolicyStreamId = (locationId: string, sku: string): string =>
  `sku-policy|${encodeURIComponent(locationId)}|${encodeURIComponent(sku)}`;
