#!/usr/bin/env bash
# One short libFuzzer run of a newsdex harness, for ctest (tests/fuzz/CMakeLists.txt)
# and scripts/test.sh:
#   run_fuzzer.sh <harness> <seed corpus dir> <artifact dir> [<dictionary>]
# Runs NEWSDEX_FUZZ_SECONDS seconds (default 60). New inputs go to a temporary
# directory that is removed afterwards; the seed corpus in the repository is
# only read. Exits non-zero when the harness found a crash, a sanitizer report,
# a leak, a timeout (an input over 30 s) or an out-of-memory (over 2 GiB); the
# input is then saved in the artifact dir, and the message says how to replay it.
set -euo pipefail
harness=$1 seeds=$2 artifacts=$3 dict=${4:-}
seconds=${NEWSDEX_FUZZ_SECONDS:-60}

work=$(mktemp -d "${TMPDIR:-/tmp}/newsdex-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$artifacts"
args=(-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=30 -print_final_stats=1
      -artifact_prefix="$artifacts/")
if [[ -n "$dict" ]]; then args+=(-dict="$dict"); fi

# The first corpus directory receives new inputs; the seeds are read only.
status=0
"$harness" "${args[@]}" "$work" "$seeds" || status=$?
if ((status != 0)); then
  echo "run_fuzzer: $(basename "$harness") failed (exit $status); inputs saved in $artifacts:" >&2
  ls -l "$artifacts" >&2 || true
  echo "run_fuzzer: replay with: $harness <input file>" >&2
fi
exit "$status"
