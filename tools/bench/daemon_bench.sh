#!/usr/bin/env bash
# The daemon benchmark: newsdexd under wrk beside the query library's
# in-process throughput on the same cores, same queries, same run.
#
#   tools/bench/daemon_bench.sh DB QUERIES [--build DIR] [--seconds S] [--conns "1 8 64"]
#                               [--runs N] [--daemon-flags "FLAGS"] [--out FILE.tsv]
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
# --runs N repeats the whole sequence N times (library and daemon rows
# interleaved, so drifts in the machine hit both) and prints the median of
# each column; ratio_to_library is then median daemon / median library.
# --out FILE.tsv also keeps every run's rows in FILE.runs.tsv.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
db=${1:?usage: daemon_bench.sh DB QUERIES [options]}
queries=${2:?usage: daemon_bench.sh DB QUERIES [options]}
shift 2
build="$repo/build" seconds=10 conns="1 8 64" out="" runs=1 daemon_flags=""
while (($#)); do
  case $1 in
    --build) build=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --conns) conns=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --daemon-flags) daemon_flags=$2; shift 2 ;;
    *) echo "daemon_bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "daemon_bench.sh: wrk is missing (scripts/install-deps.sh --bench)" >&2; exit 1; }
port=$((18000 + RANDOM % 2000))
# shellcheck source=tools/bench/newsdexd.sh
. "$here/newsdexd.sh"
log=$bench_dir/newsdexd.log timefile=$bench_dir/time raw=$bench_dir/raw.tsv
# shellcheck disable=SC2086  # --daemon-flags is a list of flags
start_newsdexd "$build" "$db" "$port" "$log" $daemon_flags
tck=$(getconf CLK_TCK)
nqueries=$(grep -cv '^[[:space:]]*\(#\|$\)' "$queries")

# raw lines: facets order row requests_per_s p50_ms p99_ms errors cpu_us
for ((run = 1; run <= runs; run++)); do
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
  printf '%s\t0\tlibrary (2 threads)\t%s\t-\t-\t0\t%s\n' "$facets" "$lib_qps" "$lib_cpu" >>"$raw"
  order=0
  for c in $conns; do
    order=$((order + 1))
    threads=${WRK_THREADS:-2}
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
    awk -v f="$facets" -v o="$order" -v c="$c" -v ticks="$ticks" -v tck="$tck" -F'\t' \
      '{printf "%s\t%s\t%s\t%.0f\t%.2f\t%.2f\t%d\t%.0f\n", f, o, c, $3, $4/1000, $5/1000, $6+$7,
        ticks / tck / ($2 > 0 ? $2 : 1) * 1e6}' <<<"$line" >>"$raw"
  done
done
done
# Medians per (facets, row); errors are summed over the runs.
result=$(printf 'facets\tconnections\trequests_per_s\tp50_ms\tp99_ms\terrors\tratio_to_library\tcpu_us\n'
  sort -t$'\t' -k1,1n -k2,2n "$raw" | awk -F'\t' '
    function median(list,   n, a, i, j, t) {
      n = split(list, a, " ")
      for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
      if (a[1] == "-") return "-"
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    { key = $1 "\t" $2; if (!(key in name)) { keys[++nk] = key; name[key] = $3 }
      rps[key] = rps[key] " " $4; p50[key] = p50[key] " " $5; p99[key] = p99[key] " " $6
      err[key] += $7; cpu[key] = cpu[key] " " $8 }
    END {
      for (k = 1; k <= nk; k++) {
        key = keys[k]; split(key, kf, "\t")
        r = median(rps[key]); if (kf[2] == 0) lib[kf[1]] = r
        m50 = median(p50[key]); m99 = median(p99[key])
        printf "%s\t%s\t%.0f\t%s\t%s\t%d\t%.2f\t%s\n", kf[1], name[key], r,
          m50 == "-" ? "-" : sprintf("%.2f", m50), m99 == "-" ? "-" : sprintf("%.2f", m99),
          err[key], r / lib[kf[1]], median(cpu[key]) == "-" ? "-" : sprintf("%.0f", median(cpu[key]))
      }
    }')
echo "$result"
[[ -z $out ]] || echo "$result" >"$out"
# Every run's rows too (facets, row order, connections, requests/s, p50, p99,
# errors, cpu_us), for the spread behind the medians.
[[ -z $out ]] || cp "$raw" "${out%.tsv}.runs.tsv"
