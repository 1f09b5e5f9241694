#!/usr/bin/env bash
# Runs the benchmark peers (scriptindex + xapian-query, fts5-peer, lucene-peer)
# on one JSONL corpus and one query file, side by side.
#   tools/bench/run_peers.sh BIN_DIR CORPUS.jsonl QUERIES.txt WORK_DIR [peer...]
# peers: newsdex newsdex-facets xapian fts5 lucene (default: the last three;
# newsdex-facets reuses newsdex's index and adds exact counts of every facet). Indexes go to WORK_DIR/<peer>.
# Stdout: a TSV header, then one line per peer:
#   peer docs index_wall_s index_cpu_s docs_per_s docs_per_cpu_s mb_per_s index_bytes
#   index_peak_rss_kb queries p50_us p95_us p99_us query_peak_rss_kb zero_hit_queries
# (docs_per_s and mb_per_s use wall time; index_cpu_s is user + system CPU time,
# which is the steadier figure on a shared machine).
# Wall time and peak RSS come from /usr/bin/time -v (the whole process,
# including the JSONL -> scriptindex conversion for xapian); latencies from the
# peers' own JSON summaries. Per-query lines are kept in WORK_DIR/<peer>.queries.tsv.
# BENCH_REUSE_INDEXES=1 keeps an index (and its .index.time) already in
# WORK_DIR from an earlier run and re-runs only the queries: at 1M documents the
# indexing takes hours in all, the queries minutes.
# Exit status: non-zero if any step fails.
set -euo pipefail
if (($# < 4)); then
  sed -n '2,12p' "$0" >&2
  exit 2
fi
bin=$1 corpus=$2 queries=$3 work=$4
# What the other engines index: the corpus, or PEER_CORPUS (bench.sh sets it
# for a generated corpus: the same articles with countries).
peer_corpus=${PEER_CORPUS:-$corpus}
shift 4
peers=("$@")
((${#peers[@]})) || peers=(xapian fts5 lucene)
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work"
input_bytes=$(stat -c %s "$corpus")
docs=$(grep -c . "$corpus" || true)

# timed LOG CMD...: runs CMD under /usr/bin/time -v, time report in LOG.
timed() {
  local log=$1; shift
  if [[ $reuse == 1 && $log == *.index.time ]]; then return 0; fi
  /usr/bin/time -v -o "$log" "$@"
}
wall_of() {  # "Elapsed (wall clock) time (h:mm:ss or m:ss): 0:01.23" -> seconds
  awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$1"
}
cpu_of() { awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$1"; }
rss_of() { awk -F': ' '/Maximum resident set size/ {print $2}' "$1"; }
json_field() { sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p" <<<"$1" | tail -1; }

printf 'peer\tdocs\tindex_wall_s\tindex_cpu_s\tdocs_per_s\tdocs_per_cpu_s\tmb_per_s\tindex_bytes\tindex_peak_rss_kb\tqueries\tp50_us\tp95_us\tp99_us\tquery_peak_rss_kb\tzero_hit_queries\n'
for peer in "${peers[@]}"; do
  db="$work/$peer"
  reuse=0
  if [[ ${BENCH_REUSE_INDEXES:-0} == 1 && -e $db && -s $work/$peer.index.time ]]; then
    reuse=1
  else
    rm -rf "$db"
  fi
  case $peer in
    newsdex|newsdex-facets)
      # Indexing includes facet extraction (countries, actors, dates).
      if [[ $peer == newsdex ]]; then
        timed "$work/$peer.index.time" "$bin/newsdex-index" --quiet --bulk --format jsonl --db "$db" "$corpus"
      else
        if ((reuse)); then
          :
        elif [[ -d "$work/newsdex" ]]; then
          rm -f "$work/$peer.index.time"
          cp -r "$work/newsdex" "$db"
          cp "$work/newsdex.index.time" "$work/$peer.index.time"
        else
          timed "$work/$peer.index.time" "$bin/newsdex-index" --quiet --bulk --format jsonl --db "$db" "$corpus"
        fi
      fi
      qcmd=("$bin/newsdex-query-bench" "$db" "$queries" --warmup)
      [[ $peer == newsdex-facets ]] && qcmd+=(--facets)
      ;;
    xapian)
      timed "$work/$peer.index.time" bash -c \
        '"$1/jsonl-to-scriptindex" "$2" - 2>/dev/null | scriptindex --overwrite "$3" "$4" >/dev/null' \
        _ "$bin" "$peer_corpus" "$db" "$here/../peers/scriptindex.idx"
      qcmd=("$bin/xapian-query" "$db" "$queries" --warmup) ;;
    fts5)
      timed "$work/$peer.index.time" "$bin/fts5-peer" index "$db" "$peer_corpus" >/dev/null
      qcmd=("$bin/fts5-peer" query "$db" "$queries" --warmup) ;;
    lucene)
      timed "$work/$peer.index.time" "$bin/lucene-peer" index "$db" "$peer_corpus" >/dev/null
      qcmd=("$bin/lucene-peer" query "$db" "$queries" --warmup) ;;
    *) echo "run_peers.sh: unknown peer $peer" >&2; exit 2 ;;
  esac
  timed "$work/$peer.query.time" "${qcmd[@]}" >"$work/$peer.queries.tsv"
  summary=$(tail -1 "$work/$peer.queries.tsv")
  wall=$(wall_of "$work/$peer.index.time")
  size=$(du -sb "$db" | cut -f1)
  awk -v p="$peer" -v d="$docs" -v w="$wall" -v c="$(cpu_of "$work/$peer.index.time")" -v b="$input_bytes" -v s="$size" \
      -v r="$(rss_of "$work/$peer.index.time")" -v q="$(json_field "$summary" queries)" \
      -v p50="$(json_field "$summary" p50_us)" -v p95="$(json_field "$summary" p95_us)" \
      -v p99="$(json_field "$summary" p99_us)" -v qr="$(rss_of "$work/$peer.query.time")" \
      -v z="$(json_field "$summary" zero_hit_queries)" \
      'BEGIN { printf "%s\t%d\t%.2f\t%.2f\t%.0f\t%.0f\t%.2f\t%.0f\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", p, d, w, c, d/w, d/c, b/1e6/w, s, r, q, p50, p95, p99, qr, z }'
done
