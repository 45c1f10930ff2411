#!/usr/bin/env bash
# The whole test suite, from nothing: npm dependencies, Chromium, PostgreSQL, a real Kafka broker, then
# type checks, unit, integration and end-to-end tests. Stops the broker if it started it.
set -euo pipefail
cd "$(dirname "$0")/.."

bash infra/install-node-deps.sh
# Chromium for the dashboard's browser test (the Debian package, only if /usr/bin/chromium is missing).
bash infra/install-chromium.sh
# The machine's PostgreSQL, unless the tests are pointed at another server.
if [ -z "${TEST_DATABASE_URL:-}" ]; then bash infra/postgres/ensure.sh; fi

started_kafka=0
if ! bash infra/kafka/kafka.sh status >/dev/null 2>&1; then
  bash infra/kafka/kafka.sh start
  started_kafka=1
fi
stop_kafka() {
  if [ "$started_kafka" = 1 ] && [ "${KEEP_KAFKA:-0}" != 1 ]; then bash infra/kafka/kafka.sh stop || true; fi
}
trap stop_kafka EXIT

echo "== type check"
npx tsc -p tsconfig.json --noEmit
npx tsc -p apps/inventory-service/src/operations/dashboard/page/tsconfig.json --noEmit

echo "== lint (ESLint, type-aware) and formatting (Prettier)"
npm run lint --silent

echo "== layering (dependency-cruiser's rules and no cycle between folders)"
npm run layering --silent

echo "== build (the end-to-end tests run the built service and CLI)"
npm run build --silent >/dev/null

echo "== tests (unit, int, e2e) on real PostgreSQL and Kafka"
mkdir -p .test-results
set +e
npx vitest run --reporter=default --reporter=json --outputFile.json=.test-results/vitest.json "$@"
status=$?
set -e
# One plain closing line, 'N passed, N failed', that any CI can read.
node -e '
  const r = require("./.test-results/vitest.json");
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' || true
exit $status
