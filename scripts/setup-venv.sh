#!/usr/bin/env bash
# Creates .venv with the Python test peers (the real oci SDK, the oci CLI and fdk among them)
# and the oraclefn package installed in editable mode. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
py=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$py" -m venv .venv
if ! .venv/bin/python -c 'import oci, oci_cli, fdk, cloudpickle, pytest, matplotlib' 2>/dev/null; then
    .venv/bin/pip install --quiet --disable-pip-version-check -r scripts/requirements-test.txt
fi
if ! .venv/bin/python -c 'import oraclefn' 2>/dev/null; then
    .venv/bin/pip install --quiet --disable-pip-version-check --no-build-isolation -e bindings/python
fi
