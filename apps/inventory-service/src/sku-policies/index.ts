// The public face of sku-policies: what other areas may import. Inside sku-policies, files import each other directly.
export { SkuPoliciesProjection, skuPoliciesReadModel } from './sku-policies.projection';
export { SkuPoliciesModule } from './sku-policies.module';
export { skuPolicyKind } from './sku-policy-stream';
export { type SkuPolicyRow } from './sku-policies.sql';
