export * from './stock-item';
export * from './stock-position';
export * from './location';
