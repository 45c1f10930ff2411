#!/usr/bin/env bash
# The tests that need a three-node Kafka cluster, kept out of infra/test.sh (they take minutes and three
# more JVMs): a broker SIGKILLed under load (test/broker-failover.e2e.spec.ts) and service instances
# coming and going (test/instances-come-and-go.e2e.spec.ts). Starts the cluster (`infra/kafka/kafka.sh
# cluster start`, ports 19092-19094 and 19192-19194 by default, beside the single broker on 9092) and
# stops it afterwards if it started it (KEEP_KAFKA=1 keeps it). Builds first. Extra arguments go to vitest.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${TEST_DATABASE_URL:-}" ]; then bash infra/postgres/ensure.sh; fi

started_cluster=0
if ! bash infra/kafka/kafka.sh cluster status >/dev/null 2>&1; then
  bash infra/kafka/kafka.sh cluster start
  started_cluster=1
fi
stop_cluster() {
  if [ "$started_cluster" = 1 ] && [ "${KEEP_KAFKA:-0}" != 1 ]; then bash infra/kafka/kafka.sh cluster stop || true; fi
}
trap stop_cluster EXIT

echo "== build (the tests run the built service and CLI)"
npm run build --silent >/dev/null

echo "== cluster tests on $(bash infra/kafka/kafka.sh cluster bootstrap)"
KAFKA_CLUSTER_TESTS=1 KAFKA_BROKERS="$(bash infra/kafka/kafka.sh cluster bootstrap)" npx vitest run --project cluster "$@"
