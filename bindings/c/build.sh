#!/usr/bin/env bash
# Builds the C smoke tests and examples against a built liboraclefn.so.
#   bindings/c/build.sh [debug|release]
# scripts/sanitize.sh builds them against a sanitized library with:
#   OFN_LIB_DIR  the directory holding liboraclefn.so (default: the SwiftPM build's)
#   OFN_OUT      where the programs go (default: bindings/c/build)
#   CC, OFN_CFLAGS  the compiler and extra compile and link flags (e.g. -fsanitize=address)
set -euo pipefail
cd "$(dirname "$0")"
config=${1:-debug}
bin=${OFN_LIB_DIR:-$(cd ../.. && swift build -c "$config" --show-bin-path)}
out=${OFN_OUT:-build}
cc=${CC:-gcc}
mkdir -p "$out"
read -r -a extra <<< "${OFN_CFLAGS:-}"
flags=(-std=c99 -Wall -Wextra -pedantic -Werror -g -I../../include "${extra[@]}")
link=(-L"$bin" -loraclefn -Wl,-rpath,"$bin")
# The library's SONAME is liboraclefn.so.<major>, the name the programs look for at run time: link it to the
# build's liboraclefn.so, as scripts/install.sh does in an installed SDK.
soname=$(readelf -d "$bin/liboraclefn.so" | sed -nE 's/.*SONAME.*\[(.*)\]/\1/p')
[ "$soname" = liboraclefn.so ] || ln -sf liboraclefn.so "$bin/$soname"
"$cc" "${flags[@]}" tests/smoke.c "${link[@]}" -ljansson -lpthread -o "$out/smoke"
"$cc" "${flags[@]}" tests/storage_smoke.c "${link[@]}" -ljansson -lpthread -o "$out/storage_smoke"
"$cc" "${flags[@]}" tests/engine_smoke.c "${link[@]}" -lpthread -o "$out/engine_smoke"
"$cc" "${flags[@]}" tests/hostile.c "${link[@]}" -lpthread -o "$out/hostile"
"$cc" "${flags[@]}" tests/transfer.c "${link[@]}" -o "$out/transfer"
for src in examples/*.c; do
    "$cc" "${flags[@]}" "$src" "${link[@]}" -o "$out/$(basename "$src" .c)"
done
