#!/usr/bin/env bash
# The benchmark harness: newsdex beside scriptindex (plain Xapian), SQLite FTS5
# and Lucene++ on one corpus, same documents, same queries, same run.
#
#   tools/bench/bench.sh CORPUS [--docs N] [--runs R] [--peers "newsdex newsdex-facets xapian fts5 lucene"]
#                        [--build DIR] [--work DIR] [--write-docs] [--queries N] [--reuse-indexes]
#   CORPUS: reuters | bbc | generated (gen-corpus N --seed 1; --docs, default 1000000)
#
# Prints a table of medians over R runs (default 3) with newsdex/peer ratios;
# writes WORK/results.csv and WORK/results.md; with --write-docs also replaces
# the CORPUS section of docs/benchmarks.md (between its bench markers).
# --reuse-indexes keeps the indexes of an earlier run in WORK and re-times only
# the queries (BENCH_REUSE_INDEXES in run_peers.sh).
# Needs scripts/install-deps.sh --bench and a Release build with the tools.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
corpus=${1:?usage: tools/bench/bench.sh reuters|bbc|generated [options]}
shift
options_text="$*"  # for the command line written into docs/benchmarks.md
docs=1000000 runs=3 peers="newsdex newsdex-facets xapian fts5 lucene" build="$repo/build"
work="" write_docs=0 nqueries=1000
while (($#)); do
  case $1 in
    --docs) docs=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --peers) peers=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --queries) nqueries=$2; shift 2 ;;
    --write-docs) write_docs=1; shift ;;
    --reuse-indexes) export BENCH_REUSE_INDEXES=1; shift ;;
    *) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
work=${work:-/tmp/newsdex-bench-$corpus}
build=$(cd "$build" && pwd)
shared=$(cd "$repo/../shared" 2>/dev/null && pwd || true)
mkdir -p "$work/bin"
for exe in indexer/newsdex-index tools/export-jsonl tools/newsdex-query-bench tools/gen-corpus \
           tools/make-queries tools/jsonl-to-scriptindex tools/xapian-query tools/fts5-peer \
           tools/lucene-peer; do
  [[ -x "$build/$exe" ]] && ln -sf "$build/$exe" "$work/bin/"
done

jsonl="$work/corpus.jsonl"
case $corpus in
  reuters)
    [[ -n $shared ]] || { echo "bench.sh: ../shared is missing" >&2; exit 1; }
    "$work/bin/export-jsonl" "$shared"/corpora/reuters21578/{dev,holdout}/*.sgm.gz >"$jsonl" ;;
  bbc)
    [[ -n $shared ]] || { echo "bench.sh: ../shared is missing" >&2; exit 1; }
    rm -rf "$work/bbc" && mkdir -p "$work/bbc"
    tar xzf "$shared/corpora/bbc/bbc.tar.gz" -C "$work/bbc" && rm -f "$work/bbc/README.TXT"
    "$work/bin/export-jsonl" "$work/bbc" >"$jsonl" ;;
  generated)
    if [[ ${BENCH_REUSE_INDEXES:-0} != 1 || ! -s $jsonl ]]; then
      "$work/bin/gen-corpus" "$docs" --seed 1 --out "$jsonl"
    fi ;;
  *) echo "bench.sh: unknown corpus $corpus" >&2; exit 2 ;;
esac
"$work/bin/make-queries" "$jsonl" --count "$nqueries" --seed 7 --out "$work/queries.txt" >/dev/null
# The peers of a generated corpus get newsdex's extracted countries (see
# peer_countries.py); newsdex itself reads the corpus as it is.
if [[ $corpus == generated ]]; then
  export PEER_CORPUS="$work/corpus-peers.jsonl"
  if [[ ${BENCH_REUSE_INDEXES:-0} != 1 || ! -s $PEER_CORPUS ]]; then
    "$work/bin/newsdex-index" --extract-only --format jsonl "$jsonl" |
      python3 "$here/peer_countries.py" "$jsonl" >"$PEER_CORPUS"
  fi
fi

for ((r = 1; r <= runs; r++)); do
  # shellcheck disable=SC2086
  "$here/run_peers.sh" "$work/bin" "$jsonl" "$work/queries.txt" "$work/run$r" $peers >"$work/run$r.tsv"
done

commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
python3 - "$work" "$runs" "$corpus" "$commit" "$*" <<'PY'
import csv, datetime, os, platform, statistics, sys
work, runs, corpus, commit = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
rows = {}
for r in range(1, runs + 1):
    with open(f"{work}/run{r}.tsv") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            rows.setdefault(row["peer"], []).append(row)
cols = ["docs", "index_wall_s", "index_cpu_s", "docs_per_s", "docs_per_cpu_s", "mb_per_s",
        "index_bytes", "index_peak_rss_kb", "queries", "p50_us", "p95_us", "p99_us",
        "query_peak_rss_kb", "zero_hit_queries"]
med = {p: {c: statistics.median(float(x[c]) for x in v) for c in cols} for p, v in rows.items()}
with open(f"{work}/results.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["peer"] + cols)
    for p, m in med.items():
        w.writerow([p] + [m[c] for c in cols])
cpu = "unknown"
try:
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip(); break
except OSError:
    pass
nd = med.get("newsdex")
lines = [f"Corpus **{corpus}**, {int(next(iter(med.values()))['docs']):,} documents, "
         f"{int(next(iter(med.values()))['queries']):,} queries; medians of {runs} run(s); "
         f"{datetime.date.today()}, commit {commit}, {os.cpu_count()} cores ({cpu}).", "",
         "| engine | index wall s | index CPU s | docs/s | MB/s | index MB | peak RSS MB | "
         "query p50 ms | p95 ms | p99 ms | docs/s ratio newsdex/peer | p50 ratio | p99 ratio |",
         "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
for p, m in med.items():
    ratio = lambda a, b: f"{a / b:.2f}" if b else "-"
    r_docs = ratio(nd["docs_per_s"], m["docs_per_s"]) if nd and p not in ("newsdex", "newsdex-facets") else "-"
    r50 = ratio(nd["p50_us"], m["p50_us"]) if nd and p not in ("newsdex", "newsdex-facets") else "-"
    r99 = ratio(nd["p99_us"], m["p99_us"]) if nd and p not in ("newsdex", "newsdex-facets") else "-"
    lines.append(f"| {p} | {m['index_wall_s']:.1f} | {m['index_cpu_s']:.1f} | {m['docs_per_s']:.0f} | "
                 f"{m['mb_per_s']:.2f} | {m['index_bytes']/1e6:.1f} | {m['index_peak_rss_kb']/1024:.0f} | "
                 f"{m['p50_us']/1000:.2f} | {m['p95_us']/1000:.2f} | {m['p99_us']/1000:.2f} | "
                 f"{r_docs} | {r50} | {r99} |")
lines += ["", "newsdex indexes with facet extraction on; `newsdex-facets` answers the same queries "
          "with exact counts of all facets (its index columns repeat newsdex's). Ratios: docs/s above 1 "
          "and latency below 1 favour newsdex."]
open(f"{work}/results.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY

if ((write_docs)); then
  python3 - "$repo/docs/benchmarks.md" "$corpus" "$work/results.md" "tools/bench/bench.sh $corpus $options_text" <<'PY'
import sys
path, corpus, results, command = sys.argv[1:5]
text = open(path).read()
begin, end = f"<!-- bench:{corpus}:begin -->", f"<!-- bench:{corpus}:end -->"
block = f"{begin}\n\nCommand: `{command}`\n\n{open(results).read()}\n{end}"
if begin in text and end in text:
    text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
else:
    text = text.rstrip() + f"\n\n### Results: {corpus}\n\n{block}\n"
open(path, "w").write(text)
PY
fi
