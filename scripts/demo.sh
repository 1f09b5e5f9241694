#!/usr/bin/env bash
# The main job on the bundled sample corpus: installs dependencies, builds
# newsdex (Release), indexes data/sample/ into build/demo-db and prints what it
# indexed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)" --target newsdex-index
rm -rf build/demo-db
build/indexer/newsdex-index --db build/demo-db data/sample
build/indexer/newsdex-index --stats --db build/demo-db
