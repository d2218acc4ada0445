#!/usr/bin/env bash
# Runs the tests under a sanitizer, each in its own build directory (docs/sanitizers.md):
#   scripts/sanitize.sh address   [OPTIONS]  XCTests, then the C smoke tests, under AddressSanitizer
#   scripts/sanitize.sh undefined [OPTIONS]  XCTests with the package's C code under UBSan, then the C smoke
#                                            tests under ASan+UBSan
#   scripts/sanitize.sh thread    [OPTIONS]  XCTests under ThreadSanitizer (default: --filter "OFEngineTests|OFTransportTests")
# OPTIONS go to swift test (--filter, --skip); --c-only skips the XCTests and runs the C smoke tests alone.
set -euo pipefail
cd "$(dirname "$0")/.."
sanitizer=${1:?"usage: scripts/sanitize.sh address|undefined|thread [--c-only | swift test options]"}
shift
xctest=(--disable-swift-testing "$@")
toolchain=$(dirname "$(readlink -f "$(command -v swift)")")
export SWIFT_BACKTRACE=enable=no  # the sanitizer's report names the fault; Swift's backtracer would race it

suppressions=$PWD/scripts/sanitizers
case $sanitizer in
address)
    scratch=.build-asan
    swift_flags=(--sanitize=address)
    c_flags="-fsanitize=address -fno-omit-frame-pointer"
    ;;
undefined)
    # swiftc has no -sanitize=undefined on Linux: Swift code has its own checks (overflow, bounds, unwrapping)
    # that trap in every debug build. UBSan covers the C code the package compiles (its dependencies' C targets).
    scratch=.build-ubsan
    swift_flags=(-Xcc -fsanitize=undefined -Xcc -fno-sanitize-recover=undefined
        -Xswiftc -Xclang-linker -Xswiftc -fsanitize=undefined)
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:suppressions=$suppressions/ubsan.supp
    # The C hosts are built against the ASan library with both sanitizers, as a C user would build a debug host.
    c_flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
    ;;
thread)
    scratch=.build-tsan
    swift_flags=(--sanitize=thread)
    [ $# -gt 0 ] || xctest+=(--filter "OFEngineTests|OFTransportTests")
    # The engine tests' emulator runs as an ordinary build in a process of its own (Tests/OFEngineTests/
    # EngineFixture.swift): its NIO and Hummingbird tasks are not what is under test, and their hand-offs
    # between threads are what ThreadSanitizer cannot follow on Linux (docs/sanitizers.md).
    swift build --product oraclefn-cli
    export ORACLEFN_TEST_EMULATOR="$(swift build --show-bin-path)/oraclefn-cli"
    # Every process (the tests and the CLI they start) logs its reports to a file of its own and runs on;
    # tsan-triage.py reads them all after the tests and fails on any but the runtime's hand-offs of a task's
    # own async frame (docs/sanitizers.md).
    reports=$PWD/$scratch/tsan-reports
    rm -rf "$reports" && mkdir -p "$reports"
    export TSAN_OPTIONS=halt_on_error=0:exitcode=0:second_deadlock_stack=1:log_path=$reports/tsan:suppressions=$suppressions/tsan.supp
    c_flags=
    ;;
*) echo "unknown sanitizer '$sanitizer': use address, undefined or thread" >&2; exit 2 ;;
esac

# LeakSanitizer is off in the Swift processes (the XCTests, and the emulator, CLI and handlers they start):
# Swift keeps references inside multi-payload enums with tag bits in the pointer's spare bits, which LeakSanitizer
# does not read as pointers, so objects still in use when a process exits are reported as leaked. Leaks are
# checked where the library meets C: LeakSanitizer in the C smoke tests below, and valgrind in scripts/test.sh.
export ASAN_OPTIONS=detect_leaks=0:halt_on_error=1:suppressions=$suppressions/asan.supp
export LSAN_OPTIONS=suppressions=$suppressions/lsan.supp:print_suppressions=0

if [ "${1:-}" != --c-only ]; then
    echo "== XCTest under $sanitizer: ${xctest[*]}"
    swift build --build-tests --scratch-path "$scratch" "${swift_flags[@]}"
    swift test --skip-build --scratch-path "$scratch" "${swift_flags[@]}" "${xctest[@]}"
    [ "$sanitizer" != thread ] || python3 scripts/sanitizers/tsan-triage.py "$reports"
fi

[ -n "$c_flags" ] || exit 0
export ASAN_OPTIONS=${ASAN_OPTIONS/detect_leaks=0/detect_leaks=1}
echo "== C smoke tests under ${c_flags%% -fno-omit*}"
# The library under AddressSanitizer; the C hosts link the ASan runtime statically (clang's default), which the
# library needs, built by the toolchain's clang so that runtime is the library's own. The emulator the storage test
# starts is a separate process and stays an ordinary build.
swift build --scratch-path .build-asan --sanitize=address --product oraclefn
lib=$(swift build --scratch-path .build-asan --sanitize=address --show-bin-path)
if [ -z "${ORACLEFN_CLI:-}" ]; then
    swift build --product oraclefn-cli
    ORACLEFN_CLI=$(swift build --show-bin-path)/oraclefn-cli
fi
out=$scratch/c
# (gold warns once per ASan helper symbol it cannot export; harmless, and it buries real messages)
CC="$toolchain/clang" OFN_CFLAGS="$c_flags" OFN_LIB_DIR="$lib" OFN_OUT="$PWD/$out" bindings/c/build.sh debug 2>&1 \
    | { grep -v "Cannot export local symbol" || true; }
"$out/smoke" Tests/Fixtures
"$out/storage_smoke" Tests/Fixtures "$ORACLEFN_CLI"
