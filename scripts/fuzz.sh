#!/usr/bin/env bash
# Builds one libFuzzer target (Fuzz/, docs/fuzzing.md) with Swift's -sanitize=fuzzer and AddressSanitizer, then
# fuzzes it for SECONDS (default 600) from the seed corpus Fuzz/corpus/TARGET.
#   scripts/fuzz.sh TARGET [SECONDS] [libFuzzer options...]
#   TARGET: config | signing | emulator-request | job-protocol
# New inputs go to .build-fuzz/corpus/TARGET (kept between runs), crashes to .build-fuzz/crashes/TARGET/,
# the log to .build-fuzz/logs/TARGET.log. The exit status is libFuzzer's: non-zero when it found a crash.
set -euo pipefail
cd "$(dirname "$0")/.."
targets="config signing emulator-request job-protocol"
target=${1:?"usage: scripts/fuzz.sh TARGET [SECONDS]; TARGET is one of: $targets"}
seconds=${2:-600}
shift $(($# < 2 ? $# : 2))
[[ " $targets " == *" $target "* ]] || { echo "unknown fuzz target '$target'; use one of: $targets" >&2; exit 2; }

scratch=.build-fuzz
# The fuzz targets are in the package only with ORACLEFN_FUZZ=1 (see Package.swift). --sanitize fuzzer makes
# SwiftPM leave main to libFuzzer; the swiftc driver keeps only the last -sanitize= it is given, so the combined
# one comes last (two --sanitize options would leave the Swift code without coverage instrumentation).
ORACLEFN_FUZZ=1 swift build -c debug --scratch-path "$scratch" --sanitize fuzzer --sanitize address \
    -Xswiftc -sanitize=fuzzer,address --product "fuzz-$target" 2>&1 | { grep -v "Cannot export local symbol" >&2 || true; }
bin=$(ORACLEFN_FUZZ=1 swift build -c debug --scratch-path "$scratch" --show-bin-path)

mkdir -p "$scratch/corpus/$target" "$scratch/crashes/$target" "$scratch/logs"
# Swift's own crash handler would report a trap before libFuzzer could save the input that caused it.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
# -timeout: an input that runs longer than 10 s is a hang, reported like a crash.
"$bin/fuzz-$target" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$scratch/crashes/$target/" "$@" "$scratch/corpus/$target" "Fuzz/corpus/$target" \
    2>&1 | tee "$scratch/logs/$target.log" \
    | { grep -E "^#[0-9]+ +(INITED|DONE|pulse)|ERROR|SUMMARY|stat::|Test unit|fuzz property" >&2 || true; }
