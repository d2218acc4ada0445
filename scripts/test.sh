#!/usr/bin/env bash
# Runs every test: XCTest, the ABI check, the C smoke tests and the sweep of
# every export with hostile arguments (also under valgrind), XCTests and C smoke
# tests under sanitizers (docs/sanitizers.md), pytest (the Python package and
# the emulator conformance suite),
# Lithops 3.8.0's own tests through oraclefn.lithops (scripts/lithops-tests.sh),
# and scripts/test-ship.sh (the wheel and the C SDK, with the Swift toolchain hidden).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/setup-venv.sh

echo "== XCTest"
swift build --build-tests
swift test --skip-build --disable-swift-testing

echo "== ABI"
scripts/check-abi.sh

echo "== C"
bin=$(swift build --show-bin-path)
bindings/c/build.sh debug
bindings/c/build/smoke Tests/Fixtures
valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
    --show-leak-kinds=definite bindings/c/build/smoke Tests/Fixtures > /dev/null
bindings/c/build/storage_smoke Tests/Fixtures "$bin/oraclefn-cli"
valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
    --show-leak-kinds=definite bindings/c/build/storage_smoke Tests/Fixtures "$bin/oraclefn-cli" > /dev/null
# every export with hostile arguments: each call within 10 s natively, 60 s under valgrind
bindings/c/build/hostile include/oraclefn_api.h Tests/Fixtures "$bin/oraclefn-cli"
valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
    --show-leak-kinds=definite --suppressions=bindings/c/tests/valgrind.supp \
    bindings/c/build/hostile include/oraclefn_api.h Tests/Fixtures "$bin/oraclefn-cli" 60 > /dev/null

echo "== Sanitizers (docs/sanitizers.md)"
# The XCTests under AddressSanitizer, less the 10,000-call scale tests that take a third of its time there
# (scripts/sanitize.sh address runs them all), then the C smoke tests under AddressSanitizer; every XCTest with
# the C code under UBSan, then the C smoke tests under ASan and UBSan. (ThreadSanitizer is run by hand: which of
# the runtime's hand-offs it misses changes from run to run; docs/sanitizers.md.)
export ORACLEFN_CLI="$bin/oraclefn-cli"
scripts/sanitize.sh address --skip EngineScaleTests
scripts/sanitize.sh undefined

echo "== pytest"
export ORACLEFN_LIBRARY="$bin/liboraclefn.so"
# One run per suite: each has its own conftest.py, and one interpreter would see only the first.
for suite in bindings/python/tests Tests/conformance Tests/cli; do
    echo "-- $suite"
    .venv/bin/python -m pytest -q -p no:cacheprovider "$suite"
done

echo "== Lithops 3.8.0's own tests, through oraclefn.lithops"
scripts/lithops-tests.sh 2>&1 | grep -v "^oraclefn DEBUG"

echo "== ship"
scripts/test-ship.sh
