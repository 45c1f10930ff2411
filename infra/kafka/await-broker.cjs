#!/usr/bin/env node
// Waits until a Kafka broker answers a metadata request (kafkajs admin describeCluster) and its group
// coordinator is available (a FindCoordinator + DescribeGroups on a group nobody uses). The second check
// makes a freshly formatted broker create __consumer_offsets now rather than in the first test's consumer.
//
//   node infra/kafka/await-broker.cjs [host:port] [timeout seconds] [--pid <pid>]
//
// Defaults: 127.0.0.1:$KAFKA_PORT (9092), 120 s. With --pid it gives up as soon as that process is gone.
// Exit codes: 0 the broker answers, 1 timed out, 2 the watched process exited, 4 kafkajs not installed.
// kafkajs resolves from the project's node_modules (require walks up from infra/kafka) or NODE_PATH.
'use strict';

let kafkajs;
try {
  kafkajs = require('kafkajs');
} catch (error) {
  console.error(`await-broker: cannot load kafkajs (${error.message}); run 'npm ci' in the project root`);
  process.exit(4);
}
const { Kafka, logLevel } = kafkajs;

const args = process.argv.slice(2);
let pid;
const pidAt = args.indexOf('--pid');
if (pidAt >= 0) {
  pid = Number(args[pidAt + 1]);
  args.splice(pidAt, 2);
}
const broker = args[0] || `127.0.0.1:${process.env.KAFKA_PORT || 9092}`;
const timeoutSeconds = Number(args[1] || 120);

function processAlive(id) {
  try {
    process.kill(id, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

async function answers() {
  const admin = new Kafka({
    clientId: 'await-broker',
    brokers: [broker],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 3000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0 || cluster.controller === null || cluster.controller === -1) return false;
    await admin.describeGroups(['await-broker.readiness']);
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

(async () => {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    if (await answers()) process.exit(0);
    if (pid && !processAlive(pid)) process.exit(2);
    if (Date.now() >= deadline) process.exit(1);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
})();
