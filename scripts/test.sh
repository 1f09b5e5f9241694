#!/usr/bin/env bash
# Installs dependencies, builds newsdex (Release, and a second AddressSanitizer +
# UBSan configuration), and runs every test with ctest. Exit status is ctest's.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$jobs"
(cd build && ctest --output-on-failure -j "$jobs" --timeout 600)

if [[ "${NEWSDEX_SKIP_SANITIZERS:-0}" != "1" ]]; then
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNEWSDEX_SANITIZE=ON >/dev/null
  cmake --build build-asan -j "$jobs"
  # Unit tests only under the sanitizers; end-to-end runs are labelled "e2e".
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j "$jobs" \
     --timeout 900 -LE e2e)
fi
