#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs every libFuzzer target in BUILD for SECONDS each over a scratch copy of its corpus.
# Crash files land in fuzz/artifacts/ (kept out of git); add them to the corpus once fixed.
set -e
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build-fuzz}" && pwd); SECONDS_EACH=${2:-60}
mkdir -p "$ROOT/fuzz/artifacts"
for f in "$BUILD"/fuzz_*; do
    [ -x "$f" ] || continue
    name=$(basename "$f" | sed 's/^fuzz_//')
    [ -d "$ROOT/fuzz/corpus/$name" ] || { echo "fuzz: no corpus for $name" >&2; exit 1; }
    work=$(mktemp -d)
    cp -r "$ROOT/fuzz/corpus/$name/." "$work/"
    dict=""; [ -f "$ROOT/fuzz/$name.dict" ] && dict="-dict=$ROOT/fuzz/$name.dict"
    echo "fuzz: $name for ${SECONDS_EACH}s"
    "$f" $dict -max_total_time="$SECONDS_EACH" -max_len=65536 \
        -artifact_prefix="$ROOT/fuzz/artifacts/$name-" "$work" >/dev/null 2>"$work.log" \
        || { tail -40 "$work.log"; exit 1; }
    rm -rf "$work" "$work.log"
done
