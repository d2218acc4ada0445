#!/usr/bin/env bash
# Sets up a fresh machine: Debian packages, the release build, the Python
# virtual environment (.venv) with the oraclefn package installed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
scripts/setup-venv.sh
