#!/usr/bin/env bash
# A real single-node Apache Kafka (KRaft, broker + controller in one JVM) from Maven Central, no Docker.
#   kafka.sh fetch    resolve the broker's jars with Maven (cached in ~/.m2), write the classpath
#   kafka.sh start    start the broker (or reuse the one already running) and wait until it answers
#   kafka.sh stop     stop it (SIGTERM, SIGKILL after 30 s)
#   kafka.sh status   print its state; exit 0 when it runs and answers, 3 when not
#   kafka.sh reset    stop it and wipe its data and logs
#   kafka.sh cluster start|stop|status|reset|kill N|controller
#                     the same for a three-node cluster (see cluster_main below); the single broker is the default
# Environment: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_NUM_PARTITIONS (4),
# KAFKA_HEAP_OPTS (-Xmx1G -Xms1G), KAFKA_START_TIMEOUT seconds (120), KAFKA_RUN_DIR (infra/kafka/.run).
# Cluster: KAFKA_CLUSTER_PORTS (19092,19093,19094), KAFKA_CLUSTER_CONTROLLER_PORTS (19192,19193,19194),
# KAFKA_CLUSTER_HEAP_OPTS (-Xmx384m -Xms384m), KAFKA_CLUSTER_RUN_DIR (infra/kafka/.run-cluster).
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
  local run_dir
  run_dir="$(dirname "$classpath_file")"
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

# Single mode: one voter found through bootstrap servers, every replication factor 1. Cluster mode
# (select_node) sets node_id, quorum_line, replication and min_isr for its node.
node_id=1
quorum_line="controller.quorum.bootstrap.servers=127.0.0.1:$controller_port"
replication=1
min_isr=1

write_config() {
  mkdir -p "$data_dir" "$logs_dir"
  cat >"$config_file" <<PROPS
# Written by infra/kafka/kafka.sh on every start: a combined broker + controller on 127.0.0.1.
process.roles=broker,controller
node.id=$node_id
$quorum_line
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$data_dir
num.partitions=$partitions
auto.create.topics.enable=true
default.replication.factor=$replication
min.insync.replicas=$min_isr
offsets.topic.replication.factor=$replication
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=$replication
transaction.state.log.min.isr=$min_isr
transaction.state.log.num.partitions=4
share.coordinator.state.topic.replication.factor=$replication
share.coordinator.state.topic.min.isr=$min_isr
unclean.leader.election.enable=false
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
# Single mode formats a standalone voter with a new cluster id; a cluster's nodes share the id in
# cluster_id_file and their static voter list (controller.quorum.voters), so they format without --standalone.
format_args=(--standalone)
cluster_id_file=""
format_once() {
  [ -f "$data_dir/meta.properties" ] && return 0
  local id
  if [ -n "$cluster_id_file" ]; then
    [ -s "$cluster_id_file" ] || cluster_id >"$cluster_id_file"
    id="$(cat "$cluster_id_file")"
  else
    id="$(cluster_id)"
  fi
  if ! "${java_cmd[@]}" kafka.tools.StorageTool format "${format_args[@]}" -t "$id" -c "$config_file" >"$logs_dir/format.log" 2>&1; then
    cat "$logs_dir/format.log" >&2
    die "formatting the storage failed (output above)"
  fi
  log "formatted storage of node $node_id (cluster id $id)"
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

# Starts this node's JVM without waiting for it; sets launched_pid and launched_log_from (server.log's size before).
launch() {
  launched_log_from=0
  [ -f "$server_log" ] && launched_log_from="$(stat -c %s "$server_log")"
  rm -f "$pid_file"
  # setsid: the broker leaves the caller's process group, so it outlives the shell or test run that started
  # it (reused by the next `start`). It inherits no descriptor but stdin/out/err: neither our lock (9) nor one
  # a caller holds, e.g. `flock some.lock bash kafka.sh start` (a broker keeping it would hold that lock forever).
  setsid nohup bash -c 'for fd in /proc/$$/fd/*; do n="${fd##*/}"; [ "$n" -gt 2 ] && eval "exec $n>&-"; done
    echo $$ >"$0"; exec "$@"' "$pid_file" "${java_cmd[@]}" kafka.Kafka "$config_file" \
    >"$console_log" 2>&1 </dev/null 9>&- &
  for _ in $(seq 1 50); do [ -s "$pid_file" ] && break; sleep 0.1; done
  launched_pid="$(cat "$pid_file" 2>/dev/null || true)"
  [ -n "$launched_pid" ] || die "node $node_id did not start (see $console_log)"
  log "started Apache Kafka $(kafka_version) node $node_id (pid $launched_pid) on 127.0.0.1:$port; waiting until it answers"
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

  local started=$SECONDS log_from
  launch
  pid="$launched_pid" log_from="$launched_log_from"

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

# ---- Cluster mode: three combined broker/controller nodes (node ids 1-3) from the same jars, each with its
# own ports, run folder, data and logs under KAFKA_CLUSTER_RUN_DIR, a static voter list of all three and
# replication factor 3 with min.insync.replicas=2 for every topic (internal ones too), so one node may die
# without losing an acknowledged write or stopping producers that ask for acks from all in-sync replicas.
cluster_dir="${KAFKA_CLUSTER_RUN_DIR:-$here/.run-cluster}"
IFS=',' read -r -a cluster_ports <<<"${KAFKA_CLUSTER_PORTS:-19092,19093,19094}"
IFS=',' read -r -a cluster_controller_ports <<<"${KAFKA_CLUSTER_CONTROLLER_PORTS:-19192,19193,19194}"
cluster_heap="${KAFKA_CLUSTER_HEAP_OPTS:--Xmx384m -Xms384m}"
cluster_nodes=(1 2 3)

cluster_lock() {
  mkdir -p "$cluster_dir"
  exec 9>"$cluster_dir/.lock"
  flock 9
}

# Point every per-node variable (the ones the single-node functions use) at node $1.
select_node() {
  local i=$(($1 - 1)) n voters=""
  [ "${#cluster_ports[@]}" -eq 3 ] && [ "${#cluster_controller_ports[@]}" -eq 3 ] \
    || die "KAFKA_CLUSTER_PORTS and KAFKA_CLUSTER_CONTROLLER_PORTS need three ports each"
  for n in "${cluster_nodes[@]}"; do voters+="${voters:+,}$n@127.0.0.1:${cluster_controller_ports[$((n - 1))]}"; done
  node_id="$1"
  run_dir="$cluster_dir/node-$1"
  port="${cluster_ports[$i]}"
  controller_port="${cluster_controller_ports[$i]}"
  heap="$cluster_heap"
  data_dir="$run_dir/data"
  logs_dir="$run_dir/logs"
  pid_file="$run_dir/broker.pid"
  config_file="$run_dir/server.properties"
  console_log="$logs_dir/console.log"
  server_log="$logs_dir/server.log"
  quorum_line="controller.quorum.voters=$voters"
  replication=3
  min_isr=2
  format_args=()
  cluster_id_file="$cluster_dir/cluster.id"
}

cluster_bootstrap() {
  local list="" p
  for p in "${cluster_ports[@]}"; do list+="${list:+,}127.0.0.1:$p"; done
  echo "$list"
}

# Starts the nodes that are not running (all three, or only the one a drill killed), then waits for each.
cluster_start() {
  cluster_lock
  (cd "$here" && node -e "require.resolve('kafkajs')" 2>/dev/null) \
    || die "kafkajs is not installed (the readiness check uses it): run 'npm ci' in the project root"
  fetch
  local n p pid started=$SECONDS
  local -A launched=() log_from=()
  for n in "${cluster_nodes[@]}"; do
    select_node "$n"
    running_pid >/dev/null && continue
    for p in "$port" "$controller_port"; do
      port_taken "$p" && die "something else listens on 127.0.0.1:$p (node $n); stop it or set KAFKA_CLUSTER_PORTS / KAFKA_CLUSTER_CONTROLLER_PORTS"
    done
    java_args
    write_config
    format_once
    launch
    launched[$n]="$launched_pid" log_from[$n]="$launched_log_from"
  done
  # A node answers once a quorum of controllers elected a leader, so all three are launched before any is awaited.
  for n in "${cluster_nodes[@]}"; do
    select_node "$n"
    pid="$(running_pid)" || die "node $n is not running (see $console_log)"
    local rc=0
    answers "$start_timeout" --pid "$pid" || rc=$?
    if [ "$rc" -ne 0 ]; then
      echo "kafka: node $n $([ "$rc" -eq 2 ] && echo "exited during start-up" || echo "did not answer within ${start_timeout} s")" >&2
      print_log_tails "${log_from[$n]:-0}"
      exit 1
    fi
    [ -n "${launched[$n]:-}" ] || log "node $n already running (pid $pid) on 127.0.0.1:$port"
  done
  log "cluster ready on $(cluster_bootstrap) after $((SECONDS - started)) s"
}

# SIGTERM to every node at once (one by one, the last would wait for a controller quorum that is gone), SIGKILL after 30 s.
cluster_stop() {
  cluster_lock
  local n pid pids=()
  for n in "${cluster_nodes[@]}"; do
    select_node "$n"
    if pid="$(running_pid)"; then pids+=("$pid"); kill -TERM "$pid" 2>/dev/null || true; fi
  done
  for _ in $(seq 1 300); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      log "pid $pid still running after 30 s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  for n in "${cluster_nodes[@]}"; do select_node "$n" && rm -f "$pid_file"; done
  log "cluster stopped (${#pids[@]} node(s) were running)"
}

# Exit 0 when all three nodes run and answer; 3 otherwise (one line per node either way).
cluster_status() {
  local n pid up=0
  for n in "${cluster_nodes[@]}"; do
    select_node "$n"
    if pid="$(running_pid)"; then
      if answers 5 --pid "$pid"; then
        echo "kafka: node $n running (pid $pid) on 127.0.0.1:$port"
        up=$((up + 1))
      else
        echo "kafka: node $n pid $pid is alive but does not answer on 127.0.0.1:$port (see $server_log)"
      fi
    else
      echo "kafka: node $n stopped (port $port)"
    fi
  done
  [ "$up" -eq 3 ] && echo "kafka: cluster running on $(cluster_bootstrap), Apache Kafka $(kafka_version)" && return 0
  return 3
}

# For failover drills: SIGKILL node $1 (no controlled shutdown); `cluster start` brings it back.
cluster_kill() {
  [[ "${1:-}" =~ ^[123]$ ]] || die "cluster kill needs a node id: 1, 2 or 3"
  cluster_lock
  select_node "$1"
  local pid
  pid="$(running_pid)" || die "node $1 is not running"
  kill -KILL "$pid"
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  rm -f "$pid_file"
  log "node $1 killed (pid $pid)"
}

# The node id of the active controller (the KRaft quorum's leader): the leaderId with the highest leaderEpoch
# in the quorum-state files of the nodes that run (each node rewrites its file on every election it sees).
cluster_controller() {
  local n best_epoch=-1 best_leader="" state epoch leader
  for n in "${cluster_nodes[@]}"; do
    select_node "$n"
    running_pid >/dev/null || continue
    state="$data_dir/__cluster_metadata-0/quorum-state"
    [ -s "$state" ] || continue
    epoch="$(sed -n 's/.*"leaderEpoch":\([0-9-]*\).*/\1/p' "$state")"
    leader="$(sed -n 's/.*"leaderId":\([0-9-]*\).*/\1/p' "$state")"
    if [ -n "$epoch" ] && [ -n "$leader" ] && [ "$leader" -ge 1 ] && [ "$epoch" -gt "$best_epoch" ]; then
      best_epoch="$epoch" best_leader="$leader"
    fi
  done
  [ -n "$best_leader" ] || die "no running node knows the controller quorum's leader yet"
  echo "$best_leader"
}

cluster_reset() {
  cluster_stop
  rm -rf "$cluster_dir"
  log "cluster data and logs wiped ($cluster_dir)"
}

cluster_main() {
  case "${1:-}" in
    start) cluster_start ;;
    stop) cluster_stop ;;
    status) cluster_status ;;
    reset) cluster_reset ;;
    kill) cluster_kill "${2:-}" ;;
    controller) cluster_controller ;;
    bootstrap) cluster_bootstrap ;;
    *)
      echo "usage: $0 cluster start|stop|status|reset|kill N|controller|bootstrap" >&2
      exit 2
      ;;
  esac
}

case "${1:-}" in
  fetch) lock && fetch ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  reset) reset ;;
  cluster) cluster_main "${@:2}" ;;
  *)
    echo "usage: $0 fetch|start|stop|status|reset|cluster ..." >&2
    exit 2
    ;;
esac
