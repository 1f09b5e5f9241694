#!/usr/bin/env bash
# The daemon benchmark (issue 5): newsdexd under wrk beside the query library's
# in-process throughput on the same cores, same queries, same run.
#
#   tools/bench/daemon_bench.sh DB QUERIES [--build DIR] [--seconds S] [--conns "1 8 64"]
#                               [--out FILE.tsv]
#   DB: a newsdex index; QUERIES: a benchmark query file (tools/make-queries).
#
# For facets off and on: the library's throughput with 2 threads (one Searcher
# each, the request newsdexd makes by default: top 10, highlighted snippets),
# then newsdexd (default options, access log off) under
# `wrk -t2 -cC -d S -s tools/bench/wrk_queries.lua` for each C. Prints a TSV:
#   facets connections requests_per_s p50_ms p99_ms errors ratio_to_library cpu_us
# wrk and the daemon share the machine, as the library's two threads do not:
# the ratio is a lower bound on what the HTTP layer leaves of the library.
# cpu_us is CPU time (user + system) per request: the daemon's, from
# /proc/PID/stat around the wrk run, and the library's per query (its warm-up
# pass over the query file included). Unlike requests/s it holds up on a
# shared, busy machine; the HTTP layer's cost is the difference.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
db=${1:?usage: daemon_bench.sh DB QUERIES [options]}
queries=${2:?usage: daemon_bench.sh DB QUERIES [options]}
shift 2
build="$repo/build" seconds=10 conns="1 8 64" out=""
while (($#)); do
  case $1 in
    --build) build=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --conns) conns=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "daemon_bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "daemon_bench.sh: wrk is missing (scripts/install-deps.sh --bench)" >&2; exit 1; }
port=$((18000 + RANDOM % 2000))
log=$(mktemp)
"$build/server/newsdexd" --db "$db" --listen "127.0.0.1:$port" --access_log off >"$log" 2>&1 &
daemon=$!
trap 'kill "$daemon" 2>/dev/null || true; wait "$daemon" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
  sleep 0.1
done
curl -sf "http://127.0.0.1:$port/health" >/dev/null || { cat "$log" >&2; exit 1; }

# utime + stime of the daemon, in clock ticks.
daemon_ticks() { awk '{print $14 + $15}' "/proc/$daemon/stat"; }
tck=$(getconf CLK_TCK)
nqueries=$(grep -cv '^[[:space:]]*\(#\|$\)' "$queries")
timefile=$(mktemp)
trap 'kill "$daemon" 2>/dev/null || true; wait "$daemon" 2>/dev/null || true; rm -f "$log" "$timefile"' EXIT

result=$(printf 'facets\tconnections\trequests_per_s\tp50_ms\tp99_ms\terrors\tratio_to_library\tcpu_us\n')
for facets in 0 1; do
  fflag=()
  ((facets)) && fflag=(--facets)
  timer=()
  [[ -x /usr/bin/time ]] && timer=(/usr/bin/time -f '%U %S' -o "$timefile")
  : >"$timefile"
  lib=$("${timer[@]}" "$build/tools/newsdex-query-bench" "$db" "$queries" --daemon-request \
          "${fflag[@]}" --threads 2 --seconds "$seconds" | tail -1)
  lib_qps=$(sed -n 's/.*"qps":\([0-9.]*\).*/\1/p' <<<"$lib")
  lib_requests=$(sed -n 's/.*"requests":\([0-9]*\).*/\1/p' <<<"$lib")
  lib_cpu=$(awk -v n=$((lib_requests + nqueries)) 'NF == 2 {printf "%.0f", ($1 + $2) / n * 1e6; ok = 1}
                                                   END {if (!ok) printf "-"}' "$timefile")
  result+=$(printf '\n%s\tlibrary (2 threads)\t%s\t-\t-\t0\t1.00\t%s' "$facets" "$lib_qps" "$lib_cpu")
  for c in $conns; do
    threads=2
    ((c < 2)) && threads=1
    if ! curl -sf "http://127.0.0.1:$port/health" >/dev/null; then
      echo "daemon_bench.sh: newsdexd stopped answering before facets=$facets c=$c; its log:" >&2
      cat "$log" >&2
      exit 1
    fi
    ticks_before=$(daemon_ticks)
    line=$(FACETS=$facets wrk -t"$threads" -c"$c" -d"${seconds}s" --timeout 10s \
             -s "$here/wrk_queries.lua" "http://127.0.0.1:$port" -- "$queries" | grep '^WRK')
    ticks=$(($(daemon_ticks) - ticks_before))
    # WRK requests rps p50_us p99_us socket_errors non2xx max_us
    result+=$(awk -v f="$facets" -v c="$c" -v lib="$lib_qps" -v ticks="$ticks" -v tck="$tck" -F'\t' \
      '{printf "\n%s\t%s\t%.0f\t%.2f\t%.2f\t%d\t%.2f\t%.0f", f, c, $3, $4/1000, $5/1000, $6+$7,
        $3/lib, ticks / tck / ($2 > 0 ? $2 : 1) * 1e6}' <<<"$line")
  done
done
echo "$result"
[[ -z $out ]] || echo "$result" >"$out"
