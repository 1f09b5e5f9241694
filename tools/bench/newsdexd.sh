# shellcheck shell=bash
# Sourced by the benchmarks that drive a running newsdexd (daemon_bench.sh):
# a directory for temporary files, and one daemon started, waited for and
# stopped, all cleaned up when the script exits.
#
#   $bench_dir              the directory for the script's temporary files
#   start_newsdexd BUILD DB PORT LOG [FLAG...]
#                           BUILD/server/newsdexd over DB on 127.0.0.1:PORT,
#                           access log off, its output in LOG; returns once
#                           GET /health answers (10 s at most), else prints LOG
#                           and exits 1. Sets $daemon to its pid.
#   daemon_ticks            the daemon's CPU time so far (user + system), in
#                           clock ticks (getconf CLK_TCK a second)

bench_dir=$(mktemp -d)
daemon=""
bench_cleanup() {
  if [[ -n $daemon ]]; then
    kill "$daemon" 2>/dev/null || true
    wait "$daemon" 2>/dev/null || true
  fi
  rm -rf "$bench_dir"
}
trap bench_cleanup EXIT

start_newsdexd() {
  local build=$1 db=$2 port=$3 log=$4
  shift 4
  "$build/server/newsdexd" --db "$db" --listen "127.0.0.1:$port" --access-log off "$@" >"$log" 2>&1 &
  daemon=$!
  for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$port/health" >/dev/null && return 0
    sleep 0.1
  done
  cat "$log" >&2
  exit 1
}

daemon_ticks() { awk '{print $14 + $15}' "/proc/$daemon/stat"; }
