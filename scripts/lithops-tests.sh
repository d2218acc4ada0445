#!/usr/bin/env bash
# Runs Lithops 3.8.0's own test suite on oraclefn: `import lithops` resolves to oraclefn through
# oraclefn.lithops.install() (the pytest plugin Tests/lithops/lithops_emulator.py calls it), and the tests run
# against `oraclefn-cli emulator`, which the plugin starts for the session unless `--config FILE` names another
# target. Lithops itself is installed into the venv for its test files only (they ship in its wheel). Offline,
# the plugin serves generated stand-ins for the data set test_map_reduce.py downloads (see the plugin).
#
#   scripts/lithops-tests.sh                 # the 69 tests of issue 13, minus Tests/lithops/deselected.txt
#   scripts/lithops-tests.sh -x -k map       # extra arguments go to pytest
#
# Environment: ORACLEFN_VENV (default .venv), ORACLEFN_LIBRARY and ORACLEFN_CLI (default: swift build's
# products, which must exist; nothing is built here).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=${ORACLEFN_VENV:-$root/.venv}
py="$venv/bin/python"
lithops_version=3.8.0

if ! "$py" -c "import importlib.metadata as m, sys; sys.exit(m.version('lithops') != '$lithops_version')" 2>/dev/null; then
    # pinned to the installed oci, which Lithops must not change
    oci_version=$("$py" -c "import importlib.metadata as m; print(m.version('oci'))")
    "$py" -m pip install --quiet --disable-pip-version-check "lithops==$lithops_version" "oci==$oci_version"
fi

if [ -z "${ORACLEFN_LIBRARY:-}" ] || [ -z "${ORACLEFN_CLI:-}" ]; then
    bin=$(cd "$root" && swift build --show-bin-path)
    export ORACLEFN_LIBRARY=${ORACLEFN_LIBRARY:-$bin/liboraclefn.so} ORACLEFN_CLI=${ORACLEFN_CLI:-$bin/oraclefn-cli}
fi

tests=$("$py" -c "import importlib.util, os; print(os.path.join(os.path.dirname(importlib.util.find_spec('lithops').origin), 'tests'))")
selected=(
    test_call_async.py
    test_map.py
    test_map_reduce.py
    test_storage.py
    test_future.py::test_fn_returns_obj_with_ambiguous_truth_value
    test_retries.py::test_success
    test_retries.py::test_failure
    test_executors.py::TestExecutorLocalhost
)
deselect=()
while read -r line; do
    line=${line%%#*}
    line=$(echo "$line" | xargs)
    [ -n "$line" ] && deselect+=(--deselect "$line")
done < "$root/Tests/lithops/deselected.txt"

# this checkout's oraclefn first, whatever the venv has installed; the plugin beside it
export PYTHONPATH="$root/bindings/python:$root/Tests/lithops${PYTHONPATH:+:$PYTHONPATH}"
cd "$tests"
exec "$py" -m pytest -p lithops_emulator -p no:cacheprovider --rootdir "$tests" -q -rfE \
    "${deselect[@]}" "${selected[@]/#/$tests/}" "$@"
