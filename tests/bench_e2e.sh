#!/usr/bin/env bash
# End-to-end test of the benchmark tools on a tiny corpus (label e2e):
#   tests/bench_e2e.sh BIN_DIR SHARED_DIR SOURCE_DIR
# 1. gen-corpus: 300 docs, valid JSON Lines with the promised fields and no
#    actors/countries; same seed -> same bytes, other seed -> other bytes;
#    fails with a clear message when shared/ is missing.
# 2. make-queries + run_peers.sh: every peer built indexes the 300 docs and
#    answers every query.
# 3. Facets: a hand-written JSONL with countries; each peer's country: filter
#    and fts5-peer --facets give the counts we know.
# Exits 77 (skip) when SHARED_DIR is absent.
set -euo pipefail
bin=$1 shared=$2 src=$3
if [[ ! -d "$shared/corpora" ]]; then
  echo "SKIP: $shared/corpora not found (shared corpora absent)"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# 1. Generator.
"$bin/gen-corpus" 300 --seed 11 --out "$tmp/a.jsonl" 2>"$tmp/gen.log"
"$bin/gen-corpus" 300 --seed 11 --out "$tmp/b.jsonl" 2>/dev/null
"$bin/gen-corpus" 300 --seed 12 --out "$tmp/c.jsonl" 2>/dev/null
cmp -s "$tmp/a.jsonl" "$tmp/b.jsonl" || fail "same seed gave different output"
cmp -s "$tmp/a.jsonl" "$tmp/c.jsonl" && fail "different seeds gave identical output"
[[ $(wc -l <"$tmp/a.jsonl") -eq 300 ]] || fail "expected 300 lines"
# Article i depends only on (seed, i): a smaller N gives a prefix.
"$bin/gen-corpus" 120 --seed 11 2>/dev/null | cmp -s - <(head -120 "$tmp/a.jsonl") ||
  fail "gen-corpus 120 is not a prefix of gen-corpus 300"
python3 - "$tmp/a.jsonl" <<'PY' || fail "generated JSONL does not have the promised shape"
import json, sys, re
years, ids = set(), set()
for line in open(sys.argv[1], encoding="utf-8"):
    d = json.loads(line)
    assert set(d) == {"id", "title", "body", "date", "source", "language"}, sorted(d)
    assert d["language"] == "en" and d["title"] and len(d["body"].split()) >= 3
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", d["date"]), d["date"]
    years.add(int(d["date"][:4])); ids.add(d["id"])
assert len(ids) == 300, "ids not unique"
assert min(years) >= 1986 and max(years) <= 2025 and len(years) >= 20, sorted(years)
PY
grep -q '"generated_per_1000_words"' "$tmp/gen.log" || fail "no summary line on stderr"
if "$bin/gen-corpus" 5 --shared "$tmp/nowhere" >/dev/null 2>"$tmp/err.log"; then
  fail "gen-corpus succeeded without shared/"
fi
grep -q "shared corpora not found" "$tmp/err.log" || fail "unclear error without shared/: $(cat "$tmp/err.log")"

# 2. Queries and peers on the generated corpus.
"$bin/make-queries" "$tmp/a.jsonl" --count 100 --seed 5 --out "$tmp/q.txt" 2>/dev/null
[[ $(wc -l <"$tmp/q.txt") -eq 100 ]] || fail "expected 100 queries"
grep -q '"' "$tmp/q.txt" || fail "no phrase query drawn"
peers=(fts5 xapian)
[[ -x "$bin/lucene-peer" ]] && peers+=(lucene)
"$src/tools/bench/run_peers.sh" "$bin" "$tmp/a.jsonl" "$tmp/q.txt" "$tmp/work" "${peers[@]}" >"$tmp/peers.tsv"
cat "$tmp/peers.tsv"
[[ $(wc -l <"$tmp/peers.tsv") -eq $((${#peers[@]} + 1)) ]] || fail "expected one line per peer"
awk -F'\t' 'NR > 1 && ($2 != 300 || $10 != 100 || $8 <= 0) { bad = 1 } END { exit bad }' "$tmp/peers.tsv" ||
  fail "a peer did not index 300 docs and answer 100 queries"
for p in "${peers[@]}"; do
  [[ $(grep -c '^Q' "$tmp/work/$p.queries.tsv") -eq 100 ]] || fail "$p: expected 100 Q lines"
done

# 3. Filters and facets on records we wrote ourselves.
cat >"$tmp/f.jsonl" <<'J'
{"id":"f1","title":"Harbour cranes idle","body":"The harbour cranes stood idle all week.","date":"2001-05-02","countries":["fr","de"],"actors":["Ann Smith"]}
{"id":"f2","title":"Cranes return","body":"Harbour cranes returned to work on Monday.","date":"2002-06-03","countries":[{"code":"FR"}]}
{"id":"f3","title":"Quiet week","body":"Nothing moved in the harbour.","date":"2002-07-04","countries":["it"]}
J
printf 'harbour country:fr\nharbour\n"harbour cranes" year:2002\n' >"$tmp/fq.txt"
expect_totals() {  # FILE TOTALS...
  local got
  got=$(grep '^Q' "$1" | cut -f4 | paste -sd' ')
  [[ "$got" == "$2" ]] || fail "$1: totals '$got', expected '$2'"
}
"$bin/fts5-peer" index "$tmp/f.db" "$tmp/f.jsonl" >/dev/null
"$bin/fts5-peer" query "$tmp/f.db" "$tmp/fq.txt" --facets >"$tmp/f.fts5"
expect_totals "$tmp/f.fts5" "2 3 1"
grep -qP '^F\t2\tcountry\tfr:2,de:1,it:1$' "$tmp/f.fts5" || fail "fts5 facet counts: $(grep '^F' "$tmp/f.fts5")"
"$bin/jsonl-to-scriptindex" "$tmp/f.jsonl" "$tmp/f.si" 2>/dev/null
scriptindex --overwrite "$tmp/f.xapian" "$src/tools/peers/scriptindex.idx" "$tmp/f.si" >/dev/null
"$bin/xapian-query" "$tmp/f.xapian" "$tmp/fq.txt" >"$tmp/f.xq"
expect_totals "$tmp/f.xq" "2 3 1"
if [[ -x "$bin/lucene-peer" ]]; then
  "$bin/lucene-peer" index "$tmp/f.lucene" "$tmp/f.jsonl" >/dev/null
  "$bin/lucene-peer" query "$tmp/f.lucene" "$tmp/fq.txt" >"$tmp/f.lq"
  expect_totals "$tmp/f.lq" "2 3 1"
fi
echo "PASS"
