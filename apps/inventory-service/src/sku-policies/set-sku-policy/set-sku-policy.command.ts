import type { SkuPolicyView } from '@app/contracts';
import type { SkuPolicy } from '@app/stock-domain';
import { Command } from '@nestjs/cqrs';

/** The policy as the HTTP API answers it (the contract's schema, in @app/contracts). */
export type { SkuPolicyView };

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
