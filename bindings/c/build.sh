#!/usr/bin/env bash
# Builds the C smoke tests and examples against a built liboraclefn.so.
#   bindings/c/build.sh [debug|release]
set -euo pipefail
cd "$(dirname "$0")"
config=${1:-debug}
bin=$(cd ../.. && swift build -c "$config" --show-bin-path)
mkdir -p build
flags=(-std=c99 -Wall -Wextra -pedantic -Werror -g -I../../include)
link=(-L"$bin" -loraclefn -Wl,-rpath,"$bin")
# The library's SONAME is liboraclefn.so.<major>, the name the programs look for at run time: link it to the
# build's liboraclefn.so, as scripts/install.sh does in an installed SDK.
soname=$(readelf -d "$bin/liboraclefn.so" | sed -nE 's/.*SONAME.*\[(.*)\]/\1/p')
[ "$soname" = liboraclefn.so ] || ln -sf liboraclefn.so "$bin/$soname"
gcc "${flags[@]}" tests/smoke.c "${link[@]}" -ljansson -lpthread -o build/smoke
gcc "${flags[@]}" tests/storage_smoke.c "${link[@]}" -ljansson -lpthread -o build/storage_smoke
gcc "${flags[@]}" tests/engine_smoke.c "${link[@]}" -lpthread -o build/engine_smoke
gcc "${flags[@]}" tests/transfer.c "${link[@]}" -o build/transfer
for src in examples/*.c; do
    gcc "${flags[@]}" "$src" "${link[@]}" -o "build/$(basename "$src" .c)"
done
