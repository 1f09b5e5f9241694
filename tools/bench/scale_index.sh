#!/usr/bin/env bash
# Indexes the generated corpus of a bench.sh run (W/corpus.jsonl) through the router into 4
# local shard primaries (--bulk), for scale_query.sh.   env: B (build dir), W (work dir)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
B=${B:-$here/../../build}; W=${W:-/tmp/newsdex-bench-generated}; S=$W/scale
mkdir -p $S
{ echo "newsdex-cluster 1"; for i in 0 1 2 3; do echo "shard s$i"; echo "primary $S/s$i"; done; } > $S/write.conf
rm -rf $S/s0 $S/s1 $S/s2 $S/s3
/usr/bin/time -f "wall=%e user=%U sys=%S maxrss_kb=%M" -o $S/index.time \
  $B/indexer/newsdex-index --cluster $S/write.conf --bulk --quiet --format jsonl $W/corpus.jsonl > $S/index.log 2>&1
cat $S/index.time; du -sb $S/s? 
