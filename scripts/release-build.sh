#!/usr/bin/env bash
# The release build of what ships (liboraclefn.so, and the oraclefn tool, whose `fdk` command is the native
# handler its emulator runs: the shipped oraclefn-fdk is scripts/oraclefn-fdk), with the Swift runtime,
# Foundation and Dispatch linked in statically: the binaries need no Swift toolchain at run time, only the OS
# libraries (libcurl, libssl, libyaml, libstdc++, glibc).
# Builds in .build-ship (OFN_SHIP_SCRATCH moves it), away from the dynamic builds the tests use, and prints
# the folder that holds the binaries. scripts/wheel.sh and scripts/install.sh package them.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=${OFN_SHIP_SCRATCH:-.build-ship}
# -static-stdlib for the library product (SwiftPM's --static-swift-stdlib only reaches executables), and
# --static-swift-stdlib for the executables; never for test builds (XCTest has no static module).
flags=(-c release --scratch-path "$scratch" -Xswiftc -static-stdlib --static-swift-stdlib)
for product in oraclefn oraclefn-cli; do
    swift build "${flags[@]}" --product "$product" >&2
done
swift build "${flags[@]}" --show-bin-path
