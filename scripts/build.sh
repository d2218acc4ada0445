#!/usr/bin/env bash
# Release build of liboraclefn.so and the oraclefn tool; installs the tool as
# bin/oraclefn and puts a copy of the library beside the Python package, with
# the tool (which runs the embedded emulator for Python) linked next to it.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release
bin=$(swift build -c release --show-bin-path)
mkdir -p bin
ln -sf "$bin/oraclefn-cli" bin/oraclefn
cp "$bin/liboraclefn.so" bindings/python/oraclefn/liboraclefn.so
ln -sf "$bin/oraclefn-cli" bindings/python/oraclefn/oraclefn-cli
