#!/usr/bin/env node
// Waits until a Kafka broker answers a metadata request (kafkajs admin describeCluster).
// Usage: node infra/kafka/await-broker.cjs <host:port> <timeout seconds>. Exit 0 when it answers.
const { Kafka, logLevel } = require('kafkajs');

const broker = process.argv[2] || '127.0.0.1:9092';
const timeoutSeconds = Number(process.argv[3] || 120);

async function answers() {
  const admin = new Kafka({
    clientId: 'await-broker',
    brokers: [broker],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 2000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

(async () => {
  const deadline = Date.now() + timeoutSeconds * 1000;
  while (Date.now() < deadline) {
    if (await answers()) process.exit(0);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  process.exit(1);
})();
