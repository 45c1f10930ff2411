#!/usr/bin/env bash
# A real single-node Apache Kafka (KRaft, broker + controller in one JVM) from Maven Central, no Docker.
#   kafka.sh fetch    resolve the broker's jars with Maven (cached in ~/.m2), write the classpath
#   kafka.sh start    start the broker (or reuse the one already running) and wait until it answers
#   kafka.sh stop     stop it (SIGTERM, SIGKILL after 30 s)
#   kafka.sh status   print its state; exit 0 when it runs and answers, 3 when not
#   kafka.sh reset    stop it and wipe its data and logs
# Environment: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_NUM_PARTITIONS (4),
# KAFKA_HEAP_OPTS (-Xmx1G -Xms1G), KAFKA_START_TIMEOUT seconds (120), KAFKA_RUN_DIR (infra/kafka/.run).
# Needs: java 17+, mvn, node, and kafkajs in the project's node_modules (the readiness check uses it).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
run_dir="${KAFKA_RUN_DIR:-$here/.run}"
port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-9093}"
partitions="${KAFKA_NUM_PARTITIONS:-4}"
heap="${KAFKA_HEAP_OPTS:--Xmx1G -Xms1G}"
start_timeout="${KAFKA_START_TIMEOUT:-120}"

pom="$here/pom.xml"
classpath_file="$run_dir/classpath.txt"
data_dir="$run_dir/data"
logs_dir="$run_dir/logs"
pid_file="$run_dir/broker.pid"
config_file="$run_dir/server.properties"
console_log="$logs_dir/console.log"
server_log="$logs_dir/server.log"

log() { echo "kafka: $*"; }
die() { echo "kafka: $*" >&2; exit 1; }

kafka_version() { sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$pom"; }

# One kafka.sh at a time per run folder (parallel test runners may all call `start`).
lock() {
  mkdir -p "$run_dir"
  exec 9>"$run_dir/.lock"
  flock 9
}

all_jars_present() {
  local jar jars
  IFS=':' read -r -a jars <"$classpath_file"
  [ "${#jars[@]}" -gt 0 ] || return 1
  for jar in "${jars[@]}"; do [ -f "$jar" ] || return 1; done
}

fetch() {
  mkdir -p "$run_dir"
  if [ -s "$classpath_file" ] && [ "$classpath_file" -nt "$pom" ] && all_jars_present; then return 0; fi
  command -v mvn >/dev/null || die "Maven (mvn) is needed to fetch the broker: apt-get install maven"
  command -v java >/dev/null || die "Java 17+ is needed to run the broker: apt-get install openjdk-17-jre-headless"
  log "fetching Apache Kafka $(kafka_version) with Maven"
  local started=$SECONDS
  if ! mvn -q -B -f "$pom" dependency:build-classpath -Dmdep.outputFile="$classpath_file.tmp" >"$run_dir/maven.log" 2>&1; then
    cat "$run_dir/maven.log" >&2
    die "Maven could not fetch the broker (output above)"
  fi
  mv "$classpath_file.tmp" "$classpath_file"
  log "fetched in $((SECONDS - started)) s"
}

# The pid of this run folder's broker, if it is alive (and really is that broker, not a reused pid).
running_pid() {
  [ -f "$pid_file" ] || return 1
  local pid
  pid="$(cat "$pid_file")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "kafka.Kafka $config_file" || return 1
  echo "$pid"
}

# Waits up to $1 seconds for a metadata answer (extra arguments go to await-broker.cjs).
answers() {
  local timeout="$1"
  shift
  node "$here/await-broker.cjs" "127.0.0.1:$port" "$timeout" "$@"
}

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

java_args() {
  local heap_args
  read -r -a heap_args <<<"$heap"
  java_cmd=(java "${heap_args[@]}" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
    -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true
    "-Dkafka.logs.dir=$logs_dir" "-Dlog4j2.configurationFile=$here/log4j2.properties"
    -cp "$(cat "$classpath_file")")
}

write_config() {
  mkdir -p "$data_dir" "$logs_dir"
  cat >"$config_file" <<PROPS
# Written by infra/kafka/kafka.sh on every start: one combined broker + controller on 127.0.0.1.
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

# A Kafka Uuid: 16 random bytes, base64url without padding; Kafka never hands out one starting with '-'.
cluster_id() {
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
    [ "${id:0:1}" != "-" ] && echo "$id" && return 0
  done
}

# Once per data folder. (Changing KAFKA_PORT / KAFKA_CONTROLLER_PORT later is fine for this one-node quorum.)
format_once() {
  [ -f "$data_dir/meta.properties" ] && return 0
  local id
  id="$(cluster_id)"
  if ! "${java_cmd[@]}" kafka.tools.StorageTool format --standalone -t "$id" -c "$config_file" >"$logs_dir/format.log" 2>&1; then
    cat "$logs_dir/format.log" >&2
    die "formatting the storage failed (output above)"
  fi
  log "formatted storage (cluster id $id)"
}

# The last 60 lines this start wrote to server.log (which is appended to across runs) and the console log.
print_log_tails() {
  local from="$1"
  if [ -s "$server_log" ] && [ "$(stat -c %s "$server_log")" -gt "$from" ]; then
    echo "---- last 60 lines of $server_log" >&2
    tail -c +"$((from + 1))" "$server_log" | tail -n 60 >&2
  fi
  if [ -s "$console_log" ]; then
    echo "---- last 60 lines of $console_log" >&2
    tail -n 60 "$console_log" >&2
  fi
}

start() {
  lock
  local pid
  if pid="$(running_pid)"; then
    if answers "$start_timeout" --pid "$pid"; then  # it may still be starting: give it the full timeout
      log "already running (pid $pid) on 127.0.0.1:$port"
      return 0
    fi
    log "pid $pid did not answer on 127.0.0.1:$port within ${start_timeout} s; restarting it"
    stop_unlocked
  fi
  rm -f "$pid_file"
  (cd "$here" && node -e "require.resolve('kafkajs')" 2>/dev/null) \
    || die "kafkajs is not installed (the readiness check uses it): run 'npm ci' in the project root"
  # A broker started from another checkout (another clone, a CI run) answers on the port: use it.
  if port_taken "$port" && answers 5; then
    log "a Kafka broker not started from this folder already answers on 127.0.0.1:$port; using it"
    return 0
  fi
  local p
  for p in "$port" "$controller_port"; do
    port_taken "$p" && die "something else listens on 127.0.0.1:$p; stop it or set KAFKA_PORT / KAFKA_CONTROLLER_PORT"
  done

  fetch
  java_args
  write_config
  format_once

  local started=$SECONDS log_from=0
  [ -f "$server_log" ] && log_from="$(stat -c %s "$server_log")"
  # setsid: the broker leaves the caller's process group, so it outlives the shell or test run that started
  # it (reused by the next `start`); 9>&- keeps the lock from being inherited.
  setsid nohup bash -c 'echo $$ >"$0"; exec "$@"' "$pid_file" "${java_cmd[@]}" kafka.Kafka "$config_file" \
    >"$console_log" 2>&1 </dev/null 9>&- &
  for _ in $(seq 1 50); do [ -s "$pid_file" ] && break; sleep 0.1; done
  pid="$(cat "$pid_file" 2>/dev/null || true)"
  [ -n "$pid" ] || die "the broker process did not start (see $console_log)"
  log "started Apache Kafka $(kafka_version) (pid $pid) on 127.0.0.1:$port; waiting until it answers"

  local rc=0
  answers "$start_timeout" --pid "$pid" || rc=$?
  if [ "$rc" -ne 0 ]; then
    if [ "$rc" -eq 2 ]; then
      echo "kafka: the broker exited during start-up" >&2
    else
      echo "kafka: the broker did not answer within ${start_timeout} s" >&2
    fi
    print_log_tails "$log_from"
    stop_unlocked >&2 || true
    exit 1
  fi
  log "ready on 127.0.0.1:$port after $((SECONDS - started)) s"
}

stop_unlocked() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$pid_file"
    log "not running"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid still running after 30 s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$pid_file"
  log "stopped (pid $pid)"
}

stop() {
  lock
  stop_unlocked
}

status() {
  local pid
  if pid="$(running_pid)"; then
    if answers 5 --pid "$pid"; then
      echo "kafka: running (pid $pid) on 127.0.0.1:$port, Apache Kafka $(kafka_version)"
      return 0
    fi
    echo "kafka: pid $pid is alive but does not answer on 127.0.0.1:$port (starting, or stuck: see $server_log)"
    return 3
  fi
  if port_taken "$port" && answers 5; then
    echo "kafka: running on 127.0.0.1:$port, not started from this folder (kafka.sh stop here leaves it alone)"
    return 0
  fi
  echo "kafka: stopped (port $port)"
  return 3
}

reset() {
  lock
  stop_unlocked
  rm -rf "$data_dir" "$logs_dir" "$config_file"
  log "data and logs wiped ($run_dir)"
}

case "${1:-}" in
  fetch) lock && fetch ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  reset) reset ;;
  *)
    echo "usage: $0 fetch|start|stop|status|reset" >&2
    exit 2
    ;;
esac
