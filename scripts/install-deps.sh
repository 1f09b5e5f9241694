#!/usr/bin/env bash
# Installs the Debian 12 packages newsdex needs. Idempotent: when every package
# is already installed it only runs dpkg queries and returns in well under a second.
#   scripts/install-deps.sh          build + test dependencies
#   scripts/install-deps.sh --bench  also the peers used by tools/bench (Lucene++, wrk, ...)
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libxapian-dev xapian-tools
  libicu-dev libstemmer-dev libabsl-dev libcld2-dev zlib1g-dev
  nlohmann-json3-dev libcpp-httplib-dev
  libgtest-dev libgmock-dev
  xapian-omega sqlite3 libsqlite3-dev python3 curl time
)
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(
    liblucene++-dev libboost-filesystem-dev libboost-thread-dev
    libboost-date-time-dev libboost-iostreams-dev
    hyperfine wrk linux-perf valgrind time
  )
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
