#!/usr/bin/env bash
# The main job, from nothing: npm dependencies, PostgreSQL, a real Kafka broker, the inventory
# service, then a short simulated omnichannel stream. Prints where to look and keeps serving
# until Ctrl-C (then stops the service, and the broker if this script started it).
set -euo pipefail
cd "$(dirname "$0")/.."
export PORT="${PORT:-3000}"
export HOST="${HOST:-127.0.0.1}"
run_dir=infra/.run
mkdir -p "$run_dir"

bash infra/install-node-deps.sh
# PostgreSQL: DATABASE_URL when set; else the machine's server (started if down); else, for a
# newcomer with no server (or DEMO_POSTGRES=embedded), a private one from the embedded-postgres package.
started_embedded_pg=0
if [ -z "${DATABASE_URL:-}" ]; then
  if [ "${DEMO_POSTGRES:-}" != embedded ] && bash infra/postgres/ensure.sh; then
    export DATABASE_URL="postgres://postgres@127.0.0.1:${PGPORT:-5432}/inventory"
  else
    echo "demo: using an embedded PostgreSQL (embedded-postgres)"
    DATABASE_URL="$(node infra/postgres/embedded.cjs start)"
    export DATABASE_URL
    started_embedded_pg=1
  fi
fi

started_kafka=0
if ! bash infra/kafka/kafka.sh status >/dev/null 2>&1; then
  bash infra/kafka/kafka.sh start
  started_kafka=1
fi

echo "demo: building the service, its CLI and the simulator"
npm run build --silent >/dev/null # the service, its dashboard page, the CLI and the simulator, as the tests build them

service_pid=""
cleanup() {
  if [ -n "$service_pid" ] && kill -0 "$service_pid" 2>/dev/null; then kill "$service_pid" && wait "$service_pid" 2>/dev/null || true; fi
  if [ "$started_kafka" = 1 ]; then bash infra/kafka/kafka.sh stop || true; fi
  if [ "$started_embedded_pg" = 1 ]; then node infra/postgres/embedded.cjs stop || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# As `npm start` and the Dockerfile run it: 64 MB semi-spaces (test/support/built-apps.ts says why).
node --max-semi-space-size=64 dist/apps/inventory-service/main.js >"$run_dir/inventory-service.log" 2>&1 &
service_pid=$!
base="http://$HOST:$PORT"
for _ in $(seq 1 120); do
  if curl -fsS "$base/health/ready" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$service_pid" 2>/dev/null; then
    echo "demo: the service exited; its log:" >&2
    tail -n 40 "$run_dir/inventory-service.log" >&2
    exit 1
  fi
  sleep 0.5
done
echo "demo: service ready at $base (log: $run_dir/inventory-service.log)"

# The demo's own operator key (the last demo's is revoked first: one active key per name).
node dist/apps/inventory-service/cli.js revoke-operator-key demo >/dev/null 2>&1 || true
operator_key="$(node dist/apps/inventory-service/cli.js issue-operator-key demo | tail -n 1)"

SIM_SERVICE_URL="$base" SIM_OPERATOR_KEY="$operator_key" node dist/apps/simulator/main.js || echo "demo: the simulator reported a problem (see above)"

cat <<EOT

The service keeps serving. Look at:
  $base/dashboard?sku=SKU-00001    the live dashboard: stock on the map, event rate, dispatches, alerts
      sign in with the demo's operator key: $operator_key
  $base/v1/stock/SKU-00001                 one SKU at every location
  $base/v1/stock?skus=SKU-00001,SKU-00002  several SKUs
  $base/v1/orders/<orderId>/fulfillment    where an online order ships from (ids: WEB-...), with
      curl -H "Authorization: Bearer $operator_key" ...
  $base/health/ready                       readiness
Service log: $run_dir/inventory-service.log.  Ctrl-C stops it.
EOT
wait "$service_pid"
