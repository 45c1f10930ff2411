export * from './send-without-loss';
