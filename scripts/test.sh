#!/usr/bin/env bash
# Installs dependencies, builds newsdex (Release, and a second AddressSanitizer +
# UBSan configuration with clang that also builds the libFuzzer harnesses of
# tests/fuzz/), runs every test with ctest, then each fuzz harness for a short
# time from its seed corpus. Exit status is ctest's.
#   NEWSDEX_SKIP_SANITIZERS=1  no sanitizer build (and so no fuzzing)
#   NEWSDEX_SKIP_FUZZ=1        sanitizer build and tests, but no fuzz runs
#   NEWSDEX_FUZZ_SECONDS=n     seconds per harness (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$jobs"
(cd build && ctest --output-on-failure -j "$jobs" --timeout 600)

if [[ "${NEWSDEX_SKIP_SANITIZERS:-0}" != "1" ]]; then
  # clang (installed by install-deps.sh): libFuzzer needs it, and one build
  # then serves both the sanitizer tests and the fuzz harnesses. A build-asan
  # left configured with another compiler is started afresh.
  if [[ -f build-asan/CMakeCache.txt ]] &&
     ! grep -q '^CMAKE_CXX_COMPILER:[A-Z]*=.*clang++' build-asan/CMakeCache.txt; then
    rm -rf build-asan
  fi
  CC=clang CXX=clang++ cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DNEWSDEX_SANITIZE=ON -DNEWSDEX_FUZZ=ON >/dev/null
  cmake --build build-asan -j "$jobs"
  # Unit tests only under the sanitizers; end-to-end runs are labelled "e2e",
  # fuzz runs "fuzz" (next).
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j "$jobs" \
     --timeout 900 -LE 'e2e|fuzz')
  if [[ "${NEWSDEX_SKIP_FUZZ:-0}" != "1" ]]; then
    # Each harness NEWSDEX_FUZZ_SECONDS (default 60) from its seed corpus;
    # a crash fails the test and its input is kept in
    # build-asan/tests/fuzz/artifacts/<harness>/ (docs/reliability.md, "Fuzzing").
    (cd build-asan && ctest --output-on-failure -j "$jobs" -L fuzz)
  fi
fi
