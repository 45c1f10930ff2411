#!/usr/bin/env bash
# Benchmarks, from nothing like the tests: npm run bench -- --suite append|all [flags]
set -euo pipefail
cd "$(dirname "$0")/.."
bash infra/install-node-deps.sh
bash infra/postgres/ensure.sh >/dev/null
started_kafka=0
if ! bash infra/kafka/kafka.sh status >/dev/null 2>&1; then
  bash infra/kafka/kafka.sh start
  started_kafka=1
fi
trap '[ "$started_kafka" = 1 ] && bash infra/kafka/kafka.sh stop >/dev/null || true' EXIT
npm run build --silent >/dev/null   # the ingest suite runs the built service as its own process
npx tsx bench/run.ts "$@"
