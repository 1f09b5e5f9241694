#!/usr/bin/env bash
# Chaos run: newsdexd under steady query load while the daemon takes batch
# writes as fast as they come, newsdex-index commits small batches, is killed
# with -9 and started again. Afterwards: no search answered anything but 200,
# every article either writer acknowledged is there, and the database passes
# xapian-check.
#
#   tests/chaos.sh BUILD_DIR [SECONDS]     (default 20; docs/reliability.md uses 60)
#
# Exit status 0 when every check holds; 1 with the failed checks on stderr.
set -euo pipefail
build=$(cd "${1:?usage: tests/chaos.sh BUILD_DIR [SECONDS]}" && pwd)
seconds=${2:-20}
index="$build/indexer/newsdex-index"
daemon="$build/server/newsdexd"
command -v xapian-check >/dev/null || { echo "chaos: xapian-check missing" >&2; exit 1; }
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Articles written for this run: shared words so every search matches many.
article() {  # ID N
  printf '{"id":"%s","title":"Market report %s","body":"Trade talks on oil and wheat markets %s. Banks and rates moved as exporters met in Paris and Berlin.","date":"2024-0%d-1%d"}\n' \
    "$1" "$2" "$2" $((1 + $2 % 9)) $(($2 % 10))
}
for n in $(seq 1 2000); do article "seed-$n" "$n"; done >"$work/seed.jsonl"
for n in $(seq 1 600); do article "cli-$n" "$n"; done >"$work/cli.jsonl"
"$index" --db "$work/db" --quiet "$work/seed.jsonl"

# A port below the ephemeral range (32768-60999), where the outgoing
# connections of tests running beside this one may hold it; another port if
# the daemon cannot listen on this one.
for _ in $(seq 8); do
  port=$((10000 + RANDOM % 22000))
  "$daemon" --db "$work/db" --listen "127.0.0.1:$port" --admin-token chaos --access-log off \
    >"$work/daemon.log" 2>&1 &
  daemon_pid=$!
  base="http://127.0.0.1:$port"
  for _ in $(seq 100); do
    curl -sf "$base/health" >/dev/null && break
    kill -0 "$daemon_pid" 2>/dev/null || break
    sleep 0.1
  done
  curl -sf "$base/health" >/dev/null && break
  kill "$daemon_pid" 2>/dev/null; wait "$daemon_pid" 2>/dev/null || true
done
pids+=("$daemon_pid")
curl -sf "$base/health" >/dev/null || { cat "$work/daemon.log" >&2; exit 1; }

end=$((SECONDS + seconds))
reader() {  # OUT: one status code per search
  while ((SECONDS < end)); do
    curl -s -o /dev/null -w '%{http_code}\n' \
      "$base/search?q=market+OR+trade&limit=100&exact_total=true&facets=country,date" || echo 000
  done >"$1"
}
reader "$work/reads1" & pids+=($!)
reader "$work/reads2" & pids+=($!)

# The daemon's writer: batches of 10, as fast as they are answered.
(
  b=0
  while ((SECONDS < end)); do
    body=$(for k in $(seq 0 9); do article "post-$b-$k" $((b * 10 + k)); done)
    code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer chaos' \
      --data-binary "$body" "$base/articles" || echo 000)
    [[ $code == 200 ]] && echo "$b"
    b=$((b + 1))
  done >"$work/posted"
) & pids+=($!)

# newsdex-index: small batches, killed with -9 a third of the way in, then run
# again over the same file to the end (what it committed is kept; the rest is
# added).
sleep $((seconds / 3))
"$index" --db "$work/db" --batch 10 --threads 1 --quiet --lock-timeout 60s "$work/cli.jsonl" &
cli=$!
sleep $((seconds / 6 + 1))
kill -9 "$cli" 2>/dev/null || true
wait "$cli" 2>/dev/null || true
cli_status=0
"$index" --db "$work/db" --batch 10 --threads 1 --quiet --lock-timeout 60s "$work/cli.jsonl" ||
  cli_status=$?

while ((SECONDS < end)); do sleep 0.5; done
wait "${pids[1]}" "${pids[2]}" "${pids[3]}"

failed=0
fail() { echo "chaos: $*" >&2; failed=1; }
reads=$(cat "$work/reads1" "$work/reads2" | wc -l)
bad=$(cat "$work/reads1" "$work/reads2" | grep -cv '^200$' || true)
((bad == 0)) || fail "$bad of $reads searches were not 200: $(sort "$work/reads1" "$work/reads2" | uniq -c | tr '\n' ' ')"
((cli_status == 0)) || fail "newsdex-index's second run exited $cli_status"
posted=$(wc -l <"$work/posted")
missing=0
while read -r b; do
  for k in 0 9; do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$base/articles/post-$b-$k")
    [[ $code == 200 ]] || missing=$((missing + 1))
  done
done <"$work/posted"
for n in 1 300 600; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$base/articles/cli-$n")
  [[ $code == 200 ]] || missing=$((missing + 1))
done
((missing == 0)) || fail "$missing acknowledged articles are not searchable"
kill "${pids[0]}"
wait "${pids[0]}" 2>/dev/null || true
xapian-check "$work/db" >"$work/check.log" 2>&1 || fail "xapian-check: $(tail -3 "$work/check.log")"
echo "chaos: ${seconds}s, $reads searches ($bad not 200), $posted daemon batches of 10 acknowledged," \
  "newsdex-index killed -9 and rerun (exit $cli_status), $missing acknowledged articles missing"
exit "$failed"
