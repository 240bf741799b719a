#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs every libFuzzer target in BUILD for SECONDS each over a scratch copy of its corpus.
set -e
BUILD=${1:-build-fuzz}; SECONDS_EACH=${2:-60}
for f in "$BUILD"/fuzz_*; do
    [ -x "$f" ] || continue
    name=$(basename "$f" | sed 's/^fuzz_//')
    work=$(mktemp -d)
    cp -r "fuzz/corpus/$name/." "$work/" 2>/dev/null || true
    dict=""; [ -f "fuzz/$name.dict" ] && dict="-dict=fuzz/$name.dict"
    echo "fuzz: $name for ${SECONDS_EACH}s"
    "$f" $dict -max_total_time="$SECONDS_EACH" -max_len=65536 "$work" >/dev/null 2>"$work.log" \
        || { tail -40 "$work.log"; exit 1; }
    rm -rf "$work" "$work.log"
done
