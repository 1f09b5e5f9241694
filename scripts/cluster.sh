#!/usr/bin/env bash
# A whole newsdex cluster on loopback, on Xapian's own servers, for trying it
# and for the tests (docs/deployment.md explains every process):
#
#   scripts/cluster.sh start DIR [--shards N] [--replicas R] [--base-port P]
#                                [--interval S] [--reader-time S]
#   scripts/cluster.sh stop DIR            TERM everything, KILL what is left after 10 s
#   scripts/cluster.sh status DIR          one line per process: name, pid, state, port
#   scripts/cluster.sh kill DIR NAME [SIG] one process (default SIGKILL: a crash)
#   scripts/cluster.sh restart DIR NAME    start it again as it was started
#
# Per shard sI (I = 0..N-1):
#   sI-primary    xapian-tcpsrv --writable on DIR/primaries/sI (writes go here;
#                 XAPIAN_MAX_CHANGESETS set so it writes changesets)
#   sI-rJ-sync    xapian-replicate keeping DIR/replicas/sI-rJ current
#   sI-rJ         xapian-tcpsrv (read-only) on DIR/replicas/sI-rJ
# and one `replicate` (xapian-replicate-server) serving DIR/primaries.
# Ports: replicate = P; sI-primary = P+1+I*(R+1); sI-rJ = P+2+I*(R+1)+J.
# DIR/cluster.conf names the primaries and replicas (tcp://127.0.0.1:PORT);
# DIR/run/NAME.{pid,cmd,port} and DIR/log/NAME.log keep each process.
#
# Every process leads its own process group (setsid), so kill and stop reach
# the children xapian-tcpsrv forks per connection too.
#
# newsdex-index (to create the primaries empty, stamped with our schema
# version, before any replica copies them): $NEWSDEX_INDEX, else the build
# directory's, else the one on PATH.
set -euo pipefail

die() { echo "cluster.sh: $*" >&2; exit 2; }
usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

max_changesets=100  # as indexer::kClusterMaxChangesets

find_index() {
  if [[ -n "${NEWSDEX_INDEX:-}" ]]; then echo "$NEWSDEX_INDEX"; return; fi
  local here; here=$(cd "$(dirname "$0")/.." && pwd)
  for b in "$here/build/indexer/newsdex-index" "$here/build-release/indexer/newsdex-index"; do
    [[ -x "$b" ]] && { echo "$b"; return; }
  done
  command -v newsdex-index || die "newsdex-index not found (set NEWSDEX_INDEX)"
}

port_answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

alive() {  # NAME: its process is running (a zombie child of this shell is not)
  local pid state
  pid=$(cat "$dir/run/$1.pid" 2>/dev/null) || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ -n "$state" && "$state" != Z ]]
}

# launch NAME COMMAND...: starts COMMAND in its own session, logs, records it.
launch() {
  local name=$1; shift
  printf '%q ' "$@" >"$dir/run/$name.cmd"
  setsid "$@" >>"$dir/log/$name.log" 2>&1 </dev/null &
  echo $! >"$dir/run/$name.pid"
}

# wait_for NAME TEST...: polls TEST (every 50 ms, up to 20 s) while NAME runs.
wait_for() {
  local name=$1; shift
  for _ in $(seq 400); do
    "$@" && return 0
    alive "$name" || { tail -5 "$dir/log/$name.log" >&2; die "$name exited (log: $dir/log/$name.log)"; }
    sleep 0.05
  done
  die "$name: timed out waiting for: $*"
}

replica_ready() { [[ -f "$1/XAPIANDB" ]] && xapian-delve "$1" >/dev/null 2>&1; }

# start_process NAME: runs its recorded command and waits until it serves.
start_process() {
  local name=$1
  eval "launch $name $(cat "$dir/run/$name.cmd")"
  if [[ -f "$dir/run/$name.port" ]]; then
    wait_for "$name" port_answers "$(cat "$dir/run/$name.port")"
  fi
  alive "$name" || die "$name exited at start (log: $dir/log/$name.log)"
}

# define NAME PORT|- COMMAND...: records a process without starting it.
define() {
  local name=$1 port=$2; shift 2
  printf '%q ' "$@" >"$dir/run/$name.cmd"
  [[ "$port" == - ]] || echo "$port" >"$dir/run/$name.port"
}

cmd_start() {
  local shards=2 replicas=1 base=7100 interval=1 reader_time=1
  while (($#)); do
    case $1 in
      --shards) shards=${2:?}; shift 2 ;;
      --replicas) replicas=${2:?}; shift 2 ;;
      --base-port) base=${2:?}; shift 2 ;;
      --interval) interval=${2:?}; shift 2 ;;
      --reader-time) reader_time=${2:?}; shift 2 ;;
      *) die "start: unknown option $1" ;;
    esac
  done
  [[ "$shards" =~ ^[1-9][0-9]*$ ]] || die "--shards: expected a whole number >= 1, got $shards"
  [[ "$replicas" =~ ^[0-9]+$ ]] || die "--replicas: expected a whole number >= 0, got $replicas"
  [[ "$base" =~ ^[0-9]+$ ]] && ((base > 0 && base + 1 + shards * (replicas + 1) <= 65535)) ||
    die "--base-port: $base leaves no room for $((1 + shards * (replicas + 1))) ports"
  for f in "$dir"/run/*.pid; do
    [[ -f "$f" ]] && alive "$(basename "$f" .pid)" && die "$dir: already running (stop it first)"
  done
  local last=$((base + shards * (replicas + 1)))
  for ((p = base; p <= last; ++p)); do
    port_answers "$p" && die "port $p is in use (choose another --base-port)"
  done
  local index; index=$(find_index)
  mkdir -p "$dir/primaries" "$dir/replicas" "$dir/run" "$dir/log"
  rm -f "$dir"/run/*
  # A start that fails half-way stops what it started.
  trap 'echo "cluster.sh: start failed; stopping what was started" >&2; cmd_stop >/dev/null' EXIT
  local conf="newsdex-cluster 1"$'\n'
  for ((i = 0; i < shards; ++i)); do
    local s="s$i" pport=$((base + 1 + i * (replicas + 1)))
    # Empty and stamped before a replica copies it: a replica of a database
    # without our schema version would be refused by the readers.
    XAPIAN_MAX_CHANGESETS=$max_changesets "$index" --db "$dir/primaries/$s" --init --no-facets --quiet
    define "$s-primary" "$pport" env "XAPIAN_MAX_CHANGESETS=$max_changesets" \
      xapian-tcpsrv --writable --quiet --interface 127.0.0.1 --port "$pport" "$dir/primaries/$s"
    conf+="shard $s"$'\n'"primary tcp://127.0.0.1:$pport"$'\n'
    for ((j = 0; j < replicas; ++j)); do
      local r="$s-r$j" rport=$((pport + 1 + j))
      define "$r-sync" - xapian-replicate -h 127.0.0.1 -p "$base" -m "$s" -i "$interval" \
        -r "$reader_time" -q "$dir/replicas/$r"
      define "$r" "$rport" xapian-tcpsrv --quiet --interface 127.0.0.1 --port "$rport" "$dir/replicas/$r"
      conf+="replica tcp://127.0.0.1:$rport"$'\n'
    done
  done
  define replicate "$base" xapian-replicate-server -I 127.0.0.1 -p "$base" "$dir/primaries"
  printf '%s' "$conf" >"$dir/cluster.conf"
  start_process replicate
  for ((i = 0; i < shards; ++i)); do start_process "s$i-primary"; done
  for ((i = 0; i < shards; ++i)); do
    for ((j = 0; j < replicas; ++j)); do
      start_process "s$i-r$j-sync"
      # xapian-tcpsrv opens its database at start: wait for the first copy.
      wait_for "s$i-r$j-sync" replica_ready "$dir/replicas/s$i-r$j"
      start_process "s$i-r$j"
    done
  done
  trap - EXIT
  echo "cluster.sh: started $shards shards x $replicas replicas; cluster file: $dir/cluster.conf"
}

names() { for f in "$dir"/run/*.cmd; do [[ -f "$f" ]] && basename "$f" .cmd; done; }

# signal_process NAME SIG: the whole process group of NAME.
signal_process() {
  local pid; pid=$(cat "$dir/run/$1.pid" 2>/dev/null) || return 0
  kill "-$2" -- "-$pid" 2>/dev/null || true
}

cmd_stop() {
  local name running=()
  for name in $(names); do
    alive "$name" && running+=("$name") && signal_process "$name" TERM
  done
  for _ in $(seq 200); do  # up to 10 s for a clean exit
    local left=()
    for name in "${running[@]}"; do alive "$name" && left+=("$name"); done
    running=("${left[@]}")
    ((${#running[@]} == 0)) && break
    sleep 0.05
  done
  for name in "${running[@]}"; do
    echo "cluster.sh: $name ignored SIGTERM; killing it" >&2
    signal_process "$name" KILL
  done
  rm -f "$dir"/run/*.pid
  echo "cluster.sh: stopped"
}

cmd_status() {
  local name all_up=0
  printf '%-16s %-8s %-8s %s\n' NAME PID STATE PORT
  for name in $(names); do
    local pid=- state=stopped port=-
    [[ -f "$dir/run/$name.pid" ]] && pid=$(cat "$dir/run/$name.pid")
    [[ -f "$dir/run/$name.port" ]] && port=$(cat "$dir/run/$name.port")
    if alive "$name"; then state=running; else all_up=1; fi
    printf '%-16s %-8s %-8s %s\n' "$name" "$pid" "$state" "$port"
  done
  return $all_up
}

known() { [[ -f "$dir/run/$1.cmd" ]] || die "no process named \"$1\" in $dir (see status)"; }

cmd=${1:-}; dir=${2:-}
[[ -n "$cmd" && -n "$dir" ]] || usage
shift 2
if [[ "$cmd" == start ]]; then mkdir -p "$dir"; fi
[[ -d "$dir" ]] || die "$dir: no such directory"
dir=$(cd "$dir" && pwd)
case $cmd in
  start) cmd_start "$@" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  kill)
    known "${1:?kill DIR NAME [SIGNAL]}"
    signal_process "$1" "${2:-KILL}"
    for _ in $(seq 200); do alive "$1" || exit 0; sleep 0.05; done
    die "$1 still runs after SIG${2:-KILL}" ;;
  restart)
    known "${1:?restart DIR NAME}"
    if alive "$1"; then signal_process "$1" TERM; fi
    for _ in $(seq 200); do alive "$1" || break; sleep 0.05; done
    alive "$1" && signal_process "$1" KILL
    start_process "$1" ;;
  *) usage ;;
esac
