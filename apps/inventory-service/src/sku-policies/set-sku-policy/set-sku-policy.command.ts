import type { SkuPolicy } from '@app/stock-domain';
import { Command } from '@nestjs/cqrs';

export interface SkuPolicyView extends SkuPolicy {
  locationId: string;
  sku: string;
  version: number;
  updatedAt: string;
}

/** Set how one SKU is kept at one location (PUT semantics: the whole policy). */
export class SetSkuPolicy extends Command<{ created: boolean; policy: SkuPolicyView }> {
  constructor(
    readonly locationId: string,
    readonly sku: string,
    readonly policy: SkuPolicy,
  ) {
    super();
  }
}
