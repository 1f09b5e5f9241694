#!/usr/bin/env bash
# Runs tools/bench/bench.sh on 300 generated articles, one run, and checks that
# every engine produced a row with plausible numbers. Exit 77 (skip) when the
# shared corpora (which gen-corpus learns from) are absent.
set -euo pipefail
src=$1 build=$2 shared=$3
if [[ ! -d "$shared/corpora" ]]; then
  echo "SKIP: $shared/corpora is absent (gen-corpus learns from it)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
peers="newsdex newsdex-facets xapian fts5"
[[ -x "$build/tools/lucene-peer" ]] && peers+=" lucene"
"$src/tools/bench/bench.sh" generated --docs 300 --runs 1 --queries 100 --peers "$peers" \
  --build "$build" --work "$work" >"$work/out.txt"
cat "$work/out.txt"
python3 - "$work/results.csv" "$peers" <<'PY'
import csv, sys
rows = {r["peer"]: r for r in csv.DictReader(open(sys.argv[1]))}
for peer in sys.argv[2].split():
    r = rows.get(peer)
    assert r is not None, f"no row for {peer}"
    assert float(r["docs"]) >= 290, f"{peer}: indexed {r['docs']} docs"
    assert float(r["queries"]) == 100, f"{peer}: ran {r['queries']} queries"
    assert float(r["p50_us"]) > 0, f"{peer}: no latency"
print("harness rows ok:", ", ".join(sorted(rows)))
PY
