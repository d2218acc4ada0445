#!/usr/bin/env bash
# Runs bench/lithops_bench.py (Lithops 3.8.0's own oracle_f/oracle_oss backends against oraclefn, on one
# emulator) in the benchmark's own venv, made here when missing: lithops 3.8.0 with oci 2.186.0, the last oci
# SDK whose CreateFunctionDetails still takes the `image` Lithops' deploy_runtime passes (2.187 dropped it),
# plus fdk and cloudpickle for the workers. Needs the release build (swift build -c release, or --bin DIR).
#
#   bench/lithops_bench.sh [--repeat N] [--cases ...] [--json FILE]     (see --help)
#
# Environment: OFN_BENCH_VENV (default .venv-bench-lithops), PYTHON (the interpreter that makes it, 3.11 or 3.12,
# the versions Lithops' oracle_f runs).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=${OFN_BENCH_VENV:-$root/.venv-bench-lithops}
requirements=(lithops==3.8.0 oci==2.186.0 fdk cloudpickle)
if ! "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('lithops') != '3.8.0' or m.version('oci') != '2.186.0')" 2>/dev/null; then
    [ -x "$venv/bin/python" ] || "${PYTHON:-python3}" -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "${requirements[@]}"
fi
exec "$venv/bin/python" "$root/bench/lithops_bench.py" "$@"
