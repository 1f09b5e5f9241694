#!/usr/bin/env bash
# Scale-out reads on the 1M generated corpus: one local index, then 1, 2 and 4 shards over
# xapian-tcpsrv on loopback (the 4 router-written shards; 2 shards = a server over s0+s2 and one
# over s1+s3, which is where core::ShardOf's hash mod 2 would put them; 1 = the single index).
# Per config: top 10 with the exact total (a warm-up pass unless WARMUP=" "), all facets too
# when FACETS=1, then throughput at 8 threads for TPUT_S seconds (15). Output:
# $S/q-<config>-<mode>.out. The shards come from scale_index.sh.
#   tools/bench/scale_query.sh ["local r1 r2 r4"]     env: B (build dir), W (work dir), Q, PORT
set -u
here=$(cd "$(dirname "$0")" && pwd)
B=${B:-$here/../../build}; W=${W:-/tmp/newsdex-bench-generated}; S=$W/scale; Q=${Q:-$W/queries.txt}
SINGLE=${SINGLE:-$W/run1/newsdex}
PORT=${PORT:-47100}
pids=()
serve() {  # serve PORT DB...
  local port=$1; shift
  setsid xapian-tcpsrv --quiet --interface 127.0.0.1 --port "$port" "$@" > /dev/null 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$port) 2>/dev/null && return; sleep 0.1; done
  echo "tcpsrv on $port did not start" >&2; exit 1
}
stop_all() { for p in "${pids[@]}"; do kill -- -$p 2>/dev/null; done; pids=(); sleep 1; }
conf() {  # conf NAME PORT... -> a read cluster file
  local name=$1; shift; local i=0
  { echo "newsdex-cluster 1"; for p in "$@"; do echo "shard s$i"; echo "primary $S/s$i"; echo "replica tcp://127.0.0.1:$p"; i=$((i+1)); done; } > $S/$name.conf
}
run() {  # run CONFIG DBARG [--cluster]
  local name=$1 db=$2; shift 2
  $B/tools/newsdex-query-bench "$db" $Q ${WARMUP:---warmup} "$@" > $S/q-$name-top10.out 2>&1
  [[ -n ${FACETS:-} ]] && $B/tools/newsdex-query-bench "$db" $Q --facets "$@" > $S/q-$name-facets.out 2>&1
  $B/tools/newsdex-query-bench "$db" $Q --threads 8 --seconds ${TPUT_S:-15} "$@" > $S/q-$name-tput8.out 2>&1
  echo "$name: $(tail -1 $S/q-$name-top10.out | cut -c1-200)"
}
only=${1:-"local r1 r2 r4"}
for c in $only; do
  case $c in
    local) run local $SINGLE ;;
    r1) serve $PORT $SINGLE; conf r1 $PORT; run r1 $S/r1.conf --cluster; stop_all ;;
    r2) serve $PORT $S/s0 $S/s2; serve $((PORT+1)) $S/s1 $S/s3; conf r2 $PORT $((PORT+1))
        run r2 $S/r2.conf --cluster; stop_all ;;
    r4) for i in 0 1 2 3; do serve $((PORT+i)) $S/s$i; done; conf r4 $PORT $((PORT+1)) $((PORT+2)) $((PORT+3))
        run r4 $S/r4.conf --cluster; stop_all ;;
  esac
done
