#!/usr/bin/env bash
# The search page against the JSON answer for the same requests
# (docs/benchmarks.md, "Search page"). One newsdexd; every benchmark query is
# asked with every facet and the date histogram (what the page always asks
# for), once as GET /search (JSON) and once as GET / (the HTML page).
#
#   tools/bench/page_bench.sh DB QUERIES [--build DIR] [--reps N] [--seconds S] [--runs N]
#                             [--conns C] [--no-wrk] [--callgrind N]
#
# 1. Cost per query, side by side: each query as JSON and as the page, one
#    after the other on one keep-alive connection (which goes first alternates),
#    --reps times (default 3). The daemon's access log gives each request's
#    handler time (parameters, search, rendering; not the socket). Per query:
#    the median time of each; printed: the median over the queries of the
#    page/JSON ratio, and the ratio of the median times.
# 2. Under load (unless --no-wrk): wrk cycling the queries as JSON, then as the
#    page, --runs times (default 3) of --seconds each (default 8) with --conns
#    connections (default 1), alternating; medians of requests/s, p50, p99, the
#    daemon's CPU per request (user + system from /proc/PID/stat around the
#    wrk run) and bytes per answer.
# 3. Page weight: every query's page that has ten hits, with app.css and
#    app.js, plain and gzip.
# --callgrind N instead counts instructions, which a busy machine does not
# change: newsdexd (one serving thread) under valgrind's callgrind answers the
# first N queries once as JSON and once as the page; printed per request: the
# instructions of each handler (NewsServer::HandleSearch for JSON,
# HandleSearchPage for the page), of the search and of the page's rendering.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
db=${1:?usage: page_bench.sh DB QUERIES [options]}
queries=${2:?usage: page_bench.sh DB QUERIES [options]}
shift 2
build="$repo/build" reps=3 seconds=8 runs=3 conns=1 use_wrk=1 callgrind=0
while (($#)); do
  case $1 in
    --build) build=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --conns) conns=$2; shift 2 ;;
    --no-wrk) use_wrk=0; shift ;;
    --callgrind) callgrind=$2; shift 2 ;;
    *) echo "page_bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
if ((use_wrk && !callgrind)) && ! command -v wrk >/dev/null; then
  echo "page_bench.sh: wrk is missing (scripts/install-deps.sh --bench), or use --no-wrk" >&2
  exit 1
fi
port=$((20000 + RANDOM % 2000))
work=$(mktemp -d)
daemon=""
cleanup() {
  if [[ -n $daemon ]]; then
    kill "$daemon" 2>/dev/null || true
    wait "$daemon" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
if ((callgrind)); then
  valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" \
    "$build/server/newsdexd" --db "$db" --listen "127.0.0.1:$port" --access-log off --threads 1 \
    >"$work/daemon.log" 2>&1 &
else
  "$build/server/newsdexd" --db "$db" --listen "127.0.0.1:$port" \
    --access-log "$work/access.log" >"$work/daemon.log" 2>&1 &
fi
daemon=$!
for _ in $(seq 600); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
  sleep 0.1
done
curl -sf "http://127.0.0.1:$port/health" >/dev/null || { cat "$work/daemon.log" >&2; exit 1; }

# Steps 1 and 3 (and the access log's reading) in Python: one place turns the
# query file into requests, as tools/bench/wrk_queries.lua does for wrk.
bench_py() {
  python3 - "$@" <<'PY'
import gzip, http.client, json, re, statistics, sys, time, urllib.parse
step, port, queries, log, reps = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
first = int(sys.argv[6]) if len(sys.argv) > 6 else None  # only the first N queries

def requests():
    for line in open(queries):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        params = [("limit", "10")]
        line = re.sub(r"country:([a-z]{2})", lambda m: params.append(("country", m[1])) or "", line)
        line = re.sub(r"year:(\d{4})", lambda m: params.extend(
            [("from", m[1] + "-01-01"), ("to", m[1] + "-12-31")]) or "", line)
        params.append(("facets", "actor,country,about,lang,source,date"))
        yield urllib.parse.urlencode([("q", line.strip())] + params)

conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
def get(target, headers={}):
    conn.request("GET", target, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()

if step == "replay":
    for query in list(requests())[:first]:
        for path in ("/search?", "/?"):
            status, _ = get(path + query)
            assert status == 200, (path + query, status)
elif step == "cost":
    asked = list(requests())
    for rep in range(reps):
        for i, query in enumerate(asked):
            for path in (("/search?", "/?") if (i + rep) % 2 == 0 else ("/?", "/search?")):
                get(path + query)
    time.sleep(0.5)  # the access log is written every 100 ms
    times = {}
    for line in open(log):
        entry = json.loads(line)
        path, _, query = entry["target"].partition("?")
        kind = {"/search": "json", "/": "page"}.get(path)
        if kind and entry["status"] == 200:
            times.setdefault(query, {}).setdefault(kind, []).append(entry["latency_ms"])
    ratios, json_ms, page_ms = [], [], []
    for t in times.values():
        if "json" in t and "page" in t:
            json_ms.append(statistics.median(t["json"]))
            page_ms.append(statistics.median(t["page"]))
            ratios.append(page_ms[-1] / json_ms[-1])
    ratios.sort()
    print(f"cost per query ({len(ratios)} distinct queries, {reps} reps, handler time from the access log):")
    print(f"  median json {statistics.median(json_ms):.3f} ms, page {statistics.median(page_ms):.3f} ms, "
          f"ratio of medians {statistics.median(page_ms) / statistics.median(json_ms):.2f}")
    print(f"  page/json per query: median {statistics.median(ratios):.2f}, "
          f"p25 {ratios[len(ratios) // 4]:.2f}, p75 {ratios[3 * len(ratios) // 4]:.2f}, "
          f"p90 {ratios[9 * len(ratios) // 10]:.2f}")
elif step == "weight":
    assets = [get(f"/static/{f}")[1] for f in ("app.css", "app.js")]
    plain, packed = [], []
    for query in requests():
        status, html = get("/?" + query)
        if status == 200 and html.count(b'<li class="hit">') == 10:
            plain.append(len(html) + sum(len(a) for a in assets))
            packed.append(len(gzip.compress(html)) + sum(len(gzip.compress(a)) for a in assets))
    kb = lambda v: f"{v / 1000:.1f} KB"
    print(f"page weight, {len(plain)} pages with ten hits, HTML + app.css + app.js "
          f"({kb(sum(len(a) for a in assets))}):")
    for name, v in (("plain", sorted(plain)), ("gzip", sorted(packed))):
        print(f"  {name}: median {kb(statistics.median(v))}, p90 {kb(v[len(v) * 9 // 10])}, max {kb(v[-1])}")
PY
}

if ((callgrind)); then
  bench_py replay "$port" "$queries" - 1 "$callgrind"
  kill "$daemon"
  wait "$daemon" || true
  daemon=""
  echo "instructions per request (callgrind, first $callgrind queries, each as JSON and as the page):"
  callgrind_annotate --inclusive=yes "$work/callgrind.out" | awk -v n="$callgrind" '
    /NewsServer::HandleSearchPage\(/ { page = $1 } /NewsServer::HandleSearch\(/ { json = $1 }
    /query::Searcher::Search\(/ { search = $1 } /server::RenderSearchPage/ { render = $1 }
    function per(x) { gsub(",", "", x); return x / n }
    END {
      printf "  json handler %.0f, page handler %.0f, ratio %.2f\n", per(json), per(page), per(page) / per(json)
      printf "  of which: search %.0f (each), page rendering %.0f\n", per(search) / 2, per(render)
    }'
  exit 0
fi

bench_py cost "$port" "$queries" "$work/access.log" "$reps"

if ((use_wrk)); then
  daemon_ticks() { awk '{print $14 + $15}' "/proc/$daemon/stat"; }
  tck=$(getconf CLK_TCK)
  threads=$((conns < 2 ? 1 : 2))
  for ((run = 1; run <= runs; run++)); do
    for endpoint in /search /; do
      before=$(daemon_ticks)
      line=$(FACETS=1 ENDPOINT=$endpoint wrk -t"$threads" -c"$conns" -d"${seconds}s" --timeout 10s \
               -s "$here/wrk_queries.lua" "http://127.0.0.1:$port" -- "$queries" | grep '^WRK')
      ticks=$(($(daemon_ticks) - before))
      # WRK requests rps p50_us p99_us socket_errors non2xx max_us bytes
      awk -v e="$endpoint" -v ticks="$ticks" -v tck="$tck" -F'\t' \
        '{printf "%s\t%.0f\t%.3f\t%.3f\t%d\t%.0f\t%.0f\n", e == "/" ? "page" : "json", $3,
          $4/1000, $5/1000, $6+$7, ticks / tck / ($2 > 0 ? $2 : 1) * 1e6, $9 / ($2 > 0 ? $2 : 1)}' \
        <<<"$line" >>"$work/wrk.tsv"
    done
  done
  echo "under load: wrk, $runs run(s) of ${seconds}s, $conns connection(s), medians:"
  sort -k1,1 "$work/wrk.tsv" | awk -F'\t' '
    function median(list,   n, a, i, j, t) {
      n = split(list, a, " ")
      for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    { for (c = 2; c <= 7; c++) col[$1, c] = col[$1, c] " " $c; errors[$1] += $5; seen[$1] = 1 }
    END {
      print "  endpoint\trequests_per_s\tp50_ms\tp99_ms\terrors (sum)\tcpu_us\tbytes"
      for (e in seen) {
        line = "  " e
        for (c = 2; c <= 7; c++) {
          m[e, c] = c == 5 ? errors[e] : median(col[e, c])
          line = line "\t" m[e, c]
        }
        print line
      }
      printf "  ratio page/json: cpu_us %.2f, p50 %.2f, requests_per_s %.2f\n",
        m["page", 6] / m["json", 6], m["page", 3] / m["json", 3], m["page", 2] / m["json", 2]
    }'
fi

bench_py weight "$port" "$queries" "$work/access.log" "$reps"
