#!/usr/bin/env bash
# agreement.sh — tierbench's cache policies against libCacheSim, built from source outside the
# project: the same miss counts for LRU, CLOCK, ARC, S3-FIFO and SIEVE on one shared trace, and
# both simulators' throughput. A benchmark, not CI: it needs a libCacheSim checkout.
#   scripts/agreement.sh [--libcachesim DIR] [--tokens N] [--capacities "64 256 1024"]
# DIR (default data/libCacheSim) is a libCacheSim source tree (git clone of 1a1a11a/libCacheSim;
# it needs cmake, glib-2.0 and zstd headers); it is built in DIR/build on first use.
set -euo pipefail
cd "$(dirname "$0")/.."

lcs=data/libCacheSim
tokens=20000
layers=8 experts=512 k=4 zipf=0.8 reuse=0.2 seed=1   # 8 layers of the qwen3.5 geometry, global keys
capacities="32 128 512 2048"
repeats=5
while [ $# -gt 0 ]; do
  case "$1" in
    --libcachesim) lcs=$2; shift 2 ;;
    --tokens) tokens=$2; shift 2 ;;
    --capacities) capacities=$2; shift 2 ;;
    *) echo "agreement.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -f "$lcs/libCacheSim/include/libCacheSim.h" ] || {
  echo "agreement.sh: no libCacheSim source at $lcs (clone 1a1a11a/libCacheSim there, or pass --libcachesim DIR)" >&2
  exit 2
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ ! -f "$lcs/build/liblibCacheSim.a" ]; then
  echo "building libCacheSim in $lcs/build …" >&2
  cmake -S "$lcs" -B "$lcs/build" -DCMAKE_BUILD_TYPE=Release -DENABLE_TESTS=OFF > "$work/cmake.log"
  make -C "$lcs/build" -j"$(nproc)" libCacheSim > "$work/make.log"
fi
cc -O2 -I"$lcs/libCacheSim/include" $(pkg-config --cflags glib-2.0) -o "$work/libcachesim-replay" \
  scripts/agreement/libcachesim-replay.c "$lcs/build/liblibCacheSim.a" \
  $(pkg-config --libs glib-2.0) -lzstd -lm -lpthread -ldl 2> "$work/cc.log"
make -s -C engine-c bench > /dev/null
tb=engine-c/build/bench/replay_keys

"$tb" gen "$work/keys.u32" "$tokens" "$layers" "$experts" "$k" "$zipf" "$reuse" "$seed"
requests=$(( tokens * layers * k ))
echo "trace: synthetic routing, $tokens tokens × $layers layers × K=$k of $experts experts" \
     "(zipf $zipf, reuse $reuse, seed $seed) = $requests requests over one global cache; unit sizes"
echo "throughput: best of $repeats replays from memory, policy work only (million requests/s)"
printf '\n%-7s %9s %12s %12s %6s %10s %12s\n' policy capacity tierbench libCacheSim agree "tb Mreq/s" "lcs Mreq/s"

field() { sed -E "s/.*\"$1\":([0-9.]+).*/\1/" <<< "$2"; }
status=0
for policy in lru clock arc s3fifo sieve; do
  for cap in $capacities; do
    a=$("$tb" run "$work/keys.u32" $(( layers * experts )) "$policy" "$cap" "$repeats")
    b=$("$work/libcachesim-replay" "$work/keys.u32" "$policy" "$cap" "$repeats")
    ma=$(field misses "$a") mb=$(field misses "$b")
    agree=yes
    [ "$ma" = "$mb" ] || { agree=NO; status=1; }
    printf '%-7s %9s %12s %12s %6s %10s %12s\n' "$policy" "$cap" "$ma" "$mb" "$agree" \
      "$(field mreq_per_s "$a")" "$(field mreq_per_s "$b")"
  done
done
exit $status
