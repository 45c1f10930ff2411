import { Module } from '@nestjs/common';
import { SetSkuPolicyController } from './set-sku-policy/set-sku-policy.controller';
import { SetSkuPolicyHandler } from './set-sku-policy/set-sku-policy.handler';

/** SKU policies: reorder points and safety stock per SKU and location (an inline projection too). */
@Module({
  controllers: [SetSkuPolicyController],
  providers: [SetSkuPolicyHandler],
})
export class SkuPoliciesModule {}
