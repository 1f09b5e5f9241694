#!/usr/bin/env bash
# Installs the Debian 12 packages newsdex needs. Idempotent: when every package
# is already installed it only runs dpkg queries and returns in well under a second.
#   scripts/install-deps.sh          build + test dependencies
#   scripts/install-deps.sh --bench  also the peers used by tools/bench (Lucene++, wrk, ...)
set -euo pipefail
# shellcheck source=lib/apt.sh
source "$(dirname "$0")/lib/apt.sh"

# Chromium, Node.js and puppeteer-core for the search site's browser tests.
"$(dirname "$0")/install-browser-deps.sh"

packages=(
  build-essential cmake ninja-build pkg-config
  libxapian-dev xapian-tools
  libicu-dev libstemmer-dev libabsl-dev libcld2-dev zlib1g-dev
  nlohmann-json3-dev libcpp-httplib-dev
  libgtest-dev libgmock-dev
  liblinear-dev libjemalloc-dev
  xapian-omega sqlite3 libsqlite3-dev python3 curl time
  # The sanitizer build and the fuzz harnesses (tests/fuzz/). The sanitizer
  # runtimes (libclang-rt-14-dev) are only a recommendation of clang, and
  # recommendations are not installed below.
  clang libclang-rt-14-dev libfuzzer-14-dev
)
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(
    liblucene++-dev libboost-filesystem-dev libboost-thread-dev
    libboost-date-time-dev libboost-iostreams-dev
    hyperfine wrk linux-perf valgrind time
  )
fi

apt_install_missing "${packages[@]}"
