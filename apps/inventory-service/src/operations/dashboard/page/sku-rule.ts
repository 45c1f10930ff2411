/**
 * The contract's SKU rule (SKU_PATTERN and SKU_RULE in libs/contracts), copied for the browser, which
 * loads nothing but this folder's files; dashboard-files.unit.spec.ts checks the copy is exact.
 */
export const SKU_PATTERN = /^[^\s,]{1,100}$/;
export const SKU_RULE = 'a SKU is 1 to 100 characters with no spaces or commas';
