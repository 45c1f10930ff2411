export * from './stock-item';
export * from './stock-position';
export * from './location';
export * from './geo';
export * from './pickup';
export * from './profile';
export * from './sku-policy';
