#!/usr/bin/env bash
# A real single-node Apache Kafka (KRaft, broker + controller) from Maven Central, no Docker.
#   kafka.sh fetch    resolve the broker's jars with Maven (cached in ~/.m2), write the classpath
#   kafka.sh start    start the broker (or reuse the running one) and wait until it answers
#   kafka.sh stop     stop it (SIGTERM, then SIGKILL after 30 s)
#   kafka.sh status   exit 0 when it runs and answers, 3 when not
#   kafka.sh reset    stop it and wipe its data
# Settings (environment): KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_NUM_PARTITIONS (4),
# KAFKA_HEAP_OPTS (-Xmx1G -Xms1G), KAFKA_START_TIMEOUT seconds (120), KAFKA_RUN_DIR (infra/kafka/.run).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
project="$(cd "$here/../.." && pwd)"
run_dir="${KAFKA_RUN_DIR:-$here/.run}"
port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-9093}"
partitions="${KAFKA_NUM_PARTITIONS:-4}"
heap="${KAFKA_HEAP_OPTS:--Xmx1G -Xms1G}"
start_timeout="${KAFKA_START_TIMEOUT:-120}"
classpath_file="$run_dir/classpath.txt"
data_dir="$run_dir/data"
logs_dir="$run_dir/logs"
pid_file="$run_dir/broker.pid"
config_file="$run_dir/server.properties"
console_log="$logs_dir/console.log"

log() { echo "kafka: $*"; }

fetch() {
  mkdir -p "$run_dir"
  if [ -s "$classpath_file" ] && [ "$classpath_file" -nt "$here/pom.xml" ] && all_jars_present; then return 0; fi
  command -v mvn >/dev/null || { echo "kafka: Maven (mvn) is needed to fetch the broker: apt-get install maven" >&2; exit 1; }
  command -v java >/dev/null || { echo "kafka: Java 17+ is needed to run the broker: apt-get install openjdk-17-jre-headless" >&2; exit 1; }
  log "fetching Apache Kafka $(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml") with Maven"
  local started=$SECONDS
  mvn -q -B -f "$here/pom.xml" dependency:build-classpath -Dmdep.outputFile="$classpath_file.tmp" >"$run_dir/maven.log" 2>&1 \
    || { cat "$run_dir/maven.log" >&2; echo "kafka: Maven could not fetch the broker (log above)" >&2; exit 1; }
  mv "$classpath_file.tmp" "$classpath_file"
  log "fetched in $((SECONDS - started)) s"
}

all_jars_present() {
  local jar
  IFS=':' read -r -a jars <"$classpath_file"
  for jar in "${jars[@]}"; do [ -f "$jar" ] || return 1; done
}

running_pid() {
  [ -f "$pid_file" ] || return 1
  local pid
  pid="$(cat "$pid_file")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q "kafka.Kafka" "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
}

answers() {
  node "$here/await-broker.cjs" "127.0.0.1:$port" "${1:-2}"
}

write_config() {
  mkdir -p "$data_dir" "$logs_dir"
  cat >"$config_file" <<PROPS
# Written by infra/kafka/kafka.sh: one combined broker + controller on 127.0.0.1.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$data_dir
num.partitions=$partitions
auto.create.topics.enable=true
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
log.retention.hours=168
PROPS
}

java_cmd() {
  echo java $heap -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dkafka.logs.dir="$logs_dir" -Dlog4j2.configurationFile="$here/log4j2.properties" \
    -cp "$(cat "$classpath_file")"
}

start() {
  local pid
  if pid="$(running_pid)"; then
    if answers 10; then
      log "already running (pid $pid) on 127.0.0.1:$port"
      return 0
    fi
    log "pid $pid does not answer; restarting it"
    stop
  fi
  if answers 1; then
    echo "kafka: something else already answers on 127.0.0.1:$port; stop it or set KAFKA_PORT" >&2
    exit 1
  fi
  [ -f "$project/node_modules/kafkajs/package.json" ] || { echo "kafka: run 'npm ci' first (the readiness check uses kafkajs)" >&2; exit 1; }
  fetch
  write_config
  if [ ! -f "$data_dir/meta.properties" ]; then
    local cluster_id
    cluster_id="$($(java_cmd) kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
    $(java_cmd) kafka.tools.StorageTool format --standalone -t "$cluster_id" -c "$config_file" >"$logs_dir/format.log" 2>&1 \
      || { cat "$logs_dir/format.log" >&2; echo "kafka: formatting the storage failed" >&2; exit 1; }
    log "formatted storage (cluster $cluster_id)"
  fi
  local started=$SECONDS
  # shellcheck disable=SC2046
  nohup $(java_cmd) kafka.Kafka "$config_file" >"$console_log" 2>&1 &
  echo $! >"$pid_file"
  log "starting broker (pid $(cat "$pid_file")) on 127.0.0.1:$port"
  if ! answers "$start_timeout"; then
    echo "kafka: the broker did not answer within ${start_timeout}s. Last lines of its logs:" >&2
    tail -n 60 "$logs_dir/server.log" "$console_log" >&2 2>/dev/null || true
    stop || true
    exit 1
  fi
  log "ready on 127.0.0.1:$port after $((SECONDS - started)) s"
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$pid_file"
    log "not running"
    return 0
  fi
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "still running after 30 s; killing pid $pid"
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pid_file"
  log "stopped"
}

status() {
  local pid
  if pid="$(running_pid)" && answers 5; then
    echo "kafka: running (pid $pid) on 127.0.0.1:$port"
    return 0
  fi
  echo "kafka: stopped"
  return 3
}

reset() {
  stop
  rm -rf "$data_dir" "$logs_dir" "$config_file"
  log "data wiped"
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  reset) reset ;;
  *)
    echo "usage: $0 fetch|start|stop|status|reset" >&2
    exit 2
    ;;
esac
