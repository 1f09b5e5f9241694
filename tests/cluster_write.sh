#!/usr/bin/env bash
# Routed writes and replication on a real local cluster (scripts/cluster.sh,
# 2 shards x 1 replica on loopback): newsdex-index --cluster writes
# data/sample through the shards' xapian-tcpsrv --writable primaries; then
#   - the shards' document counts sum to the sample's article count, and
#     every id is on the shard core::ShardOf names (checked against an
#     independent FNV-1a in Python) and on no other;
#   - newsdex-index --cluster --stats reports each shard and the sum;
#   - each replica reaches its primary's count; an add and a delete, by
#     newsdex-index and by newsdexd's write API, reach the replica, and the
#     time they took is printed ("replica lag");
#   - two writers at once both succeed (the second waits for the lock);
#   - a bad cluster file is refused naming file:line, and a primary that does
#     not answer is named with its address.
# The cluster is stopped at the end, whatever happens (trap).
#
#   tests/cluster_write.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "${1:?usage: tests/cluster_write.sh BUILD_DIR SOURCE_DIR}" && pwd)
src=$(cd "${2:?usage: tests/cluster_write.sh BUILD_DIR SOURCE_DIR}" && pwd)
index="$build/indexer/newsdex-index"
cluster_sh="$src/scripts/cluster.sh"
for tool in xapian-tcpsrv xapian-replicate xapian-replicate-server xapian-delve python3 curl; do
  command -v "$tool" >/dev/null || { echo "cluster_write: $tool missing" >&2; exit 1; }
done
export NEWSDEX_INDEX="$index"
work=$(mktemp -d)
daemon_pid=
cleanup() {
  [[ -n "$daemon_pid" ]] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
  "$cluster_sh" stop "$work/cluster" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# A random port range; another one if something else holds a port of it.
for attempt in 1 2 3; do
  base=$((10000 + RANDOM % 22000))  # below the ephemeral ports (32768-60999) of other tests
  "$cluster_sh" start "$work/cluster" --shards 2 --replicas 1 --base-port "$base" && break
  "$cluster_sh" stop "$work/cluster" >/dev/null 2>&1 || true
  rm -rf "$work/cluster"
  ((attempt < 3)) || { echo "FAIL: the cluster did not start" >&2; exit 1; }
done
conf="$work/cluster/cluster.conf"
primary() { echo "$work/cluster/primaries/s$1"; }
replica() { echo "$work/cluster/replicas/s$1-r0"; }

# Document count of a local database or replica ("" while it cannot be read,
# e.g. during a replica's update).
doccount() { xapian-delve "$1" 2>/dev/null | sed -n 's/^number of documents = //p'; }
now_ms() { date +%s%3N; }
# wait_until SECONDS COMMAND...: polls every 20 ms; false on timeout.
wait_until() {
  local deadline=$(($(now_ms) + $1 * 1000)); shift
  until "$@"; do (($(now_ms) < deadline)) || return 1; sleep 0.02; done
}

# Facets are not what this test is about (and need the gazetteers).
"$index" --cluster "$conf" --no-facets --quiet "$src/data/sample"
expected=$(find "$src/data/sample" -type f | wc -l)

# Every id on exactly its ShardOf shard.
for s in 0 1; do xapian-delve -1 -A Q "$(primary "$s")" | sed -n 's/^Q//p' >"$work/ids$s"; done
python3 - "$work/ids0" "$work/ids1" "$expected" <<'EOF' || fail "routing (see above)"
import sys
def shard_of(text, n):  # FNV-1a 64-bit, as core::ShardOf
    h = 14695981039346656037
    for b in text.encode():
        h = ((h ^ b) * 1099511628211) % (1 << 64)
    return h % n
ids = [open(p).read().split() for p in sys.argv[1:3]]
ok = sum(map(len, ids)) == int(sys.argv[3]) and not set(ids[0]) & set(ids[1])
for shard, shard_ids in enumerate(ids):
    for i in shard_ids:
        if shard_of(i, 2) != shard:
            print(f"{i} is on shard {shard}, ShardOf says {shard_of(i, 2)}"); ok = False
print(f"shard sizes {len(ids[0])} + {len(ids[1])}, expected {sys.argv[3]} in all")
sys.exit(0 if ok else 1)
EOF

stats=$("$index" --cluster "$conf" --stats)
total=$(sed -n 's/^total documents: *//p' <<<"$stats" | tr -d ,)
[[ "$total" == "$expected" ]] || fail "--stats total $total, expected $expected"
[[ $(grep -c '^shard:' <<<"$stats") == 2 ]] || fail "--stats does not show both shards"

replica_matches() { [[ "$(doccount "$(replica "$1")")" == "$(doccount "$(primary "$1")")" ]]; }
for s in 0 1; do
  wait_until 30 replica_matches "$s" || fail "replica of s$s never reached its primary's count"
done

# Lag of an add and of a delete: from newsdex-index's return (committed) to
# the replica showing it.
on_replica() { [[ -n "$(xapian-delve -1 -A "Q$2" "$(replica "$1")" 2>/dev/null | grep -x "Q$2")" ]]; }
absent_on_replica() { [[ -n "$(doccount "$(replica "$1")")" ]] && ! on_replica "$@"; }
printf '{"id":"lag-probe","title":"Lag probe","body":"Oil and wheat.","language":"en"}\n' \
  >"$work/probe.jsonl"
shard_of() {  # ID: its shard of 2, by an FNV-1a of our own (as core::ShardOf)
  python3 -c 'import sys
h = 14695981039346656037
for b in sys.argv[1].encode(): h = ((h ^ b) * 1099511628211) % (1 << 64)
print(h % 2)' "$1"
}
shard=$(shard_of lag-probe)
start=$(now_ms)
"$index" --cluster "$conf" --no-facets --quiet "$work/probe.jsonl"
wait_until 30 on_replica "$shard" lag-probe || fail "the added article never reached the replica"
echo "replica lag (add): $(($(now_ms) - start)) ms"
xapian-delve -1 -A Qlag-probe "$(primary $((1 - shard)))" | grep -qx Qlag-probe &&
  fail "lag-probe was written to the wrong shard too"
start=$(now_ms)
"$index" --cluster "$conf" --quiet --delete lag-probe
wait_until 30 absent_on_replica "$shard" lag-probe || fail "the delete never reached the replica"
echo "replica lag (delete): $(($(now_ms) - start)) ms"

# The same through newsdexd's write API (server/article_writer.h over the
# cluster): the article lands on its shard's replica, and so does its delete.
daemon="$build/server/newsdexd"
port=$((base + 50))
"$daemon" --cluster "$conf" --listen "127.0.0.1:$port" --admin-token cw --access-log off \
  >"$work/daemon.log" 2>&1 &
daemon_pid=$!
answers() { curl -sf -o /dev/null "http://127.0.0.1:$port/health"; }
wait_until 30 answers || fail "newsdexd --cluster did not start: $(cat "$work/daemon.log")"
shard=$(shard_of daemon-probe)
start=$(now_ms)
curl -sf -H 'Authorization: Bearer cw' "http://127.0.0.1:$port/articles" --data-binary \
  '{"id":"daemon-probe","title":"Daemon probe","body":"Oil and wheat.","language":"en"}' \
  >/dev/null || fail "POST /articles"
wait_until 30 on_replica "$shard" daemon-probe || fail "the POSTed article never reached the replica"
echo "replica lag (POST /articles): $(($(now_ms) - start)) ms"
start=$(now_ms)
curl -sf -X DELETE -H 'Authorization: Bearer cw' "http://127.0.0.1:$port/articles/daemon-probe" \
  >/dev/null || fail "DELETE /articles/daemon-probe"
wait_until 30 absent_on_replica "$shard" daemon-probe || fail "the DELETE never reached the replica"
echo "replica lag (DELETE /articles): $(($(now_ms) - start)) ms"
kill "$daemon_pid"; wait "$daemon_pid" 2>/dev/null || true; daemon_pid=

# Two writers at once: a remote primary's write lock is held by the first
# connection, and the second writer waits for it (--lock-timeout, default 60 s)
# instead of failing.
for w in a b; do
  for n in $(seq 150); do
    printf '{"id":"%s-%d","title":"Writer %s %d","body":"Oil and wheat %d.","language":"en"}\n' \
      "$w" "$n" "$w" "$n" "$n"
  done >"$work/$w.jsonl"
done
before=$(doccount "$(primary 0)")
"$index" --cluster "$conf" --no-facets --quiet --batch 10 "$work/a.jsonl" & writer_a=$!
a_has_committed() { (($(doccount "$(primary 0)" || echo 0) > before)); }
wait_until 30 a_has_committed || fail "the first writer never committed"
"$index" --cluster "$conf" --no-facets --quiet --batch 10 "$work/b.jsonl" || fail "second writer"
wait "$writer_a" || fail "first writer"
total=$("$index" --cluster "$conf" --stats | sed -n 's/^total documents: *//p' | tr -d ,)
[[ "$total" == $((expected + 300)) ]] || fail "after two writers: $total, expected $((expected + 300))"

# Errors name what is wrong.
printf 'newsdex-cluster 1\nshard a\nprimary /x\nshard a\n' >"$work/bad.conf"
if out=$("$index" --cluster "$work/bad.conf" --stats 2>&1); then fail "bad cluster file accepted"; fi
grep -q 'bad.conf:4: shard "a" named twice' <<<"$out" || fail "bad cluster file message: $out"
"$cluster_sh" kill "$work/cluster" s1-primary
if out=$("$index" --cluster "$conf" --no-facets --quiet "$work/probe.jsonl" 2>&1); then
  fail "indexing succeeded with a primary down"
fi
grep -q "shard \"s1\" (primary tcp://127.0.0.1:$((base + 3)))" <<<"$out" ||
  fail "a primary that does not answer is not named: $out"
"$cluster_sh" restart "$work/cluster" s1-primary
"$cluster_sh" status "$work/cluster" >/dev/null || fail "not every process runs after restart"

if ((failures > 0)); then echo "cluster_write: $failures check(s) failed" >&2; exit 1; fi
echo "cluster_write: all checks passed"
