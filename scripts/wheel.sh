#!/usr/bin/env bash
# Writes dist/oraclefn-<version>-py3-none-manylinux_<glibc>_<arch>.whl: the Python package with the release
# liboraclefn.so and the oraclefn tool (the `oraclefn` command, with its embedded emulator) beside it, both with
# the Swift runtime linked in (scripts/release-build.sh), so `pip install` of the wheel needs no Swift toolchain.
# oraclefn-fdk, the native handler the emulator runs, is the tool too: scripts/oraclefn-fdk runs `oraclefn-cli fdk`.
# It is tagged for the newest glibc symbol version the binaries use; they also need the OS packages README.md
# names (libcurl4, libssl3, libyaml-0-2).
#   scripts/wheel.sh            (PYTHON picks the interpreter that builds it; default .venv's, else python3)
set -euo pipefail
cd "$(dirname "$0")/.."
repository=$PWD
version=$(scripts/version.sh)
declared=$(sed -nE 's/^version = "(.*)"/\1/p' bindings/python/pyproject.toml)
[ "$version" = "$declared" ] || { echo "wheel.sh: the library is $version but bindings/python/pyproject.toml says $declared" >&2; exit 1; }
python=${PYTHON:-}
[ -n "$python" ] || { [ -x .venv/bin/python ] && python=.venv/bin/python || python=python3; }

bin=$(scripts/release-build.sh)
stage=$(mktemp -d); trap 'rm -rf "$stage"' EXIT

# the package as the repository has it, without the development copies of the binaries
mkdir -p "$stage/src"
cp bindings/python/pyproject.toml bindings/python/README.md "$stage/src/"
tar -C bindings/python --exclude=__pycache__ --exclude='*.pyc' --exclude=liboraclefn.so --exclude=oraclefn-cli \
    --exclude=oraclefn-fdk -cf - oraclefn | tar -C "$stage/src" -xf -
for binary in liboraclefn.so oraclefn-cli; do
    strip -o "$stage/src/oraclefn/$binary" "$bin/$binary"
    chmod 755 "$stage/src/oraclefn/$binary"
done
install -m 755 scripts/oraclefn-fdk "$stage/src/oraclefn/oraclefn-fdk"
binaries=("$stage/src/oraclefn/liboraclefn.so" "$stage/src/oraclefn/oraclefn-cli")

toolchain=$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")
for binary in "${binaries[@]}"; do
    if ldd "$binary" | grep -F "$toolchain/"; then
        echo "wheel.sh: $(basename "$binary") loads libraries from the Swift toolchain ($toolchain)" >&2; exit 1
    fi
done

# manylinux_<major>_<minor>_<arch> of the newest GLIBC_ symbol version any binary needs
glibc=$(objdump -T "${binaries[@]}" | grep -oE '\(GLIBC_[0-9]+\.[0-9]+(\.[0-9]+)?\)' | tr -d '()' | sed 's/^GLIBC_//' \
    | sort -V | tail -n 1)
glibc_major=${glibc%%.*}; glibc_minor=${glibc#*.}; glibc_minor=${glibc_minor%%.*}
platform="manylinux_${glibc_major}_${glibc_minor}_$(uname -m)"

# setuptools builds the pure wheel (metadata, entry point, package data); it is then tagged for the platform
"$python" -m pip wheel --quiet --disable-pip-version-check --no-deps -w "$stage/out" "$stage/src" >&2
mkdir -p dist
rm -f dist/oraclefn-*.whl
"$python" - "$stage"/out/oraclefn-*.whl "$repository/dist" "$platform" <<'EOF'
"""Tags a pure wheel for a platform: WHEEL's Root-Is-Purelib and Tag, RECORD's hashes, the file's name."""
import base64
import hashlib
import sys
import zipfile
from pathlib import Path

source, destination, platform = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
name, version = source.name.split("-")[:2]
tag = "py3-none-" + platform
target = destination / f"{name}-{version}-{tag}.whl"
dist_info = f"{name}-{version}.dist-info"

with zipfile.ZipFile(source) as wheel_in:
    entries = [(info, wheel_in.read(info)) for info in wheel_in.infolist()]
record_lines = []
written = []
for info, data in entries:
    if info.filename == f"{dist_info}/RECORD":
        continue
    if info.filename == f"{dist_info}/WHEEL":
        lines = [line for line in data.decode().splitlines() if not line.startswith(("Root-Is-Purelib:", "Tag:"))]
        lines[1:1] = ["Root-Is-Purelib: false", "Tag: " + tag]
        data = ("\n".join(lines) + "\n").encode()
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    record_lines.append(f"{info.filename},sha256={digest},{len(data)}")
    written.append((info, data))
record_lines.append(f"{dist_info}/RECORD,,")
with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as wheel_out:
    for info, data in written:
        out = zipfile.ZipInfo(info.filename, info.date_time)
        out.external_attr = info.external_attr  # keeps the binaries executable
        out.compress_type = zipfile.ZIP_DEFLATED
        wheel_out.writestr(out, data, compresslevel=9)
    record = zipfile.ZipInfo(f"{dist_info}/RECORD", entries[-1][0].date_time)
    record.external_attr = 0o100644 << 16
    wheel_out.writestr(record, "\n".join(record_lines) + "\n", compress_type=zipfile.ZIP_DEFLATED)
EOF
wheel=$(ls dist/oraclefn-*.whl)
echo "wrote $wheel ($(du -k "$wheel" | cut -f1) KB; binaries need glibc $glibc)"
