export * from './send-without-loss';
export * from './idle-request-queue';
