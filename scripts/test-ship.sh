#!/usr/bin/env bash
# The test that proves what ships runs without the Swift toolchain. It builds the wheel (scripts/wheel.sh) and
# installs the C SDK (scripts/install.sh) into a temporary folder, then, in a mount namespace where the
# toolchain's folder is hidden under an empty tmpfs and with LD_LIBRARY_PATH unset:
#   - runs README.md's "Python: the wheel" block as written: a fresh venv installs the wheel, `oraclefn hello`,
#     a map; then a 100-call FunctionExecutor().map in that venv (no configuration: the embedded emulator);
#   - runs README.md's "C: the SDK" block as written: map.c built with pkg-config from the installed SDK maps a
#     job on `oraclefn emulator` (the installed one); then the same program maps 100 inputs, and every example
#     of bindings/c/examples builds with pkg-config;
#   - checks that ldd of every shipped binary resolves everything, and nothing into the toolchain;
#   - builds bench/load_bench.c and reports the time to load the installed library.
# Prints "N passed, N failed" and exits non-zero when a check failed. Needs root (or unprivileged user
# namespaces), python3 with venv, a C compiler, pkg-config, and PyPI (or pip's cache) for the wheel's
# dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
repository=$PWD

if [ "${1:-}" != --hidden-toolchain ]; then
    toolchain=$(dirname "$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")")
    [ -d "$toolchain/usr/lib/swift" ] || { echo "test-ship.sh: cannot tell the Swift toolchain's folder ($toolchain)" >&2; exit 1; }
    work=$(mktemp -d "${TMPDIR:-/tmp}/oraclefn-ship.XXXXXX")
    start=$(date +%s)
    echo "== building the wheel and the SDK (release, Swift runtime linked in)"
    scripts/wheel.sh
    scripts/install.sh --prefix "$work/home/oraclefn-sdk"     # where README.md installs it (HOME is $work/home)
    echo "== built in $(( $(date +%s) - start )) s; testing with $toolchain hidden"
    # pip's cache stays where it was (the tests give HOME a folder of their own)
    export PIP_CACHE_DIR=${PIP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pip}
    namespace=(unshare --mount)
    [ "$(id -u)" = 0 ] || namespace=(unshare --mount --map-root-user)
    status=0
    env -u LD_LIBRARY_PATH "${namespace[@]}" "$0" --hidden-toolchain "$toolchain" "$work" || status=$?
    if [ $status = 0 ]; then rm -rf "$work"; else echo "test-ship.sh: the tests' files are in $work"; fi
    echo "test-ship.sh took $(( $(date +%s) - start )) s"
    exit $status
fi

# Inside the namespace.
toolchain=$2 work=$3
mount -t tmpfs -o size=1m,mode=755 tmpfs "$toolchain"
unset LD_LIBRARY_PATH LD_PRELOAD ORACLEFN_LIBRARY ORACLEFN_CLI ORACLEFN_PYTHON ORACLEFN_FDK_HANDLER LITHOPS_CONFIG_FILE \
    PYTHONPATH PYTHONHOME VIRTUAL_ENV PKG_CONFIG_PATH
export HOME=$work/home
mkdir -p "$HOME" "$work/logs" "$work/checkout"
# README's blocks run in a checkout of their own: the repository's files, and what the blocks write kept apart
ln -s "$repository/bindings" "$repository/dist" "$work/checkout/"
passed=0 failed=0

check() {  # check NAME COMMAND...: runs it in a subshell under set -e, its output in $work/logs/NAME.log
    local name=$1 log=$work/logs/$1.log started=$SECONDS status=0
    shift
    # in the background rather than in an `if`, so that set -e holds inside it
    ( "$@" ) > "$log" 2>&1 &
    wait $! || status=$?
    if [ $status = 0 ]; then
        passed=$((passed + 1)); echo "ok    $name ($((SECONDS - started)) s)"
    else
        failed=$((failed + 1)); echo "FAIL  $name ($((SECONDS - started)) s); the end of $log:"
        tail -n 25 "$log" | sed 's/^/      /'
    fi
}

readme_block() {  # the shell block after `<!-- NAME -->` in README.md
    python3 -c '
import re
import sys
found = re.search(r"<!-- %s -->\n```sh\n(.*?)```" % re.escape(sys.argv[2]), open(sys.argv[1]).read(), re.S)
if not found:
    sys.exit("README.md has no block marked " + sys.argv[2])
print(found.group(1), end="")
' "$repository/README.md" "$1"
}

toolchain_hidden() {
    [ -z "$(ls -A "$toolchain")" ] && [ -z "${LD_LIBRARY_PATH:-}" ] && ! command -v swift
}

# ldd resolves every library of every binary, none from the toolchain, and no run path points into it
resolves_outside_toolchain() {
    local binary bad=0
    for binary in "$@"; do
        echo "-- $binary"
        ldd "$binary" | tee "$work/ldd.out"
        if grep -E "not found|$toolchain/" "$work/ldd.out"; then bad=1; fi
        if readelf -d "$binary" | grep -E "R(UN)?PATH" | grep -F "$toolchain"; then bad=1; fi
    done
    return $bad
}

# the shipped oraclefn-fdk is a script that runs the tool's `fdk` mode (the READMEs' hello and the 100-call maps
# run it); asked for nothing, it answers with the handler's usage
handler_is_the_tool() {
    local handler status
    for handler in "$@"; do
        echo "-- $handler"
        head -n 1 "$handler" | grep -qx '#!/bin/sh'
        status=0
        "$handler" > "$work/handler.out" 2>&1 || status=$?
        cat "$work/handler.out"
        [ $status = 2 ] && grep -q '^usage: oraclefn-fdk <echo|hello|' "$work/handler.out"
    done
}

python_readme() {
    cd "$work/checkout"
    timeout 600 bash -euxo pipefail -c "$(readme_block install-python)" | tee "$work/python-readme.out"
    grep -q "Hello, world! Ran in function hello" "$work/python-readme.out"
    grep -q "Hello, Oracle Functions!" "$work/python-readme.out"
    grep -qx "\[1, 2, 3\]" "$work/python-readme.out"
}

python_map_100() {
    cd "$work"
    printf '%s\n' \
        'import oraclefn' \
        '' \
        'def square(x):' \
        '    return x * x' \
        '' \
        'assert "site-packages" in str(oraclefn.library_path), oraclefn.library_path' \
        'with oraclefn.FunctionExecutor() as fexec:' \
        '    results = fexec.get_result(fexec.map(square, range(100)))' \
        'assert results == [x * x for x in range(100)], results' \
        'print("100 calls mapped, results in order; library", oraclefn.library_path)' > map100.py
    timeout 300 "$HOME/oraclefn-env/bin/python" map100.py
}

c_readme() {
    cd "$work/checkout"
    # in a session of its own, so that the emulator it starts in the background stops with it, whatever happens
    setsid timeout 300 bash -euxo pipefail -c "$(readme_block install-c)" > "$work/c-readme.out" 2>&1 &
    local pid=$! status=0
    trap "kill -- -$pid 2>/dev/null || true" EXIT
    wait $pid || status=$?
    cat "$work/c-readme.out"
    [ $status = 0 ]
    grep -qx "0: hello" "$work/c-readme.out"
    grep -qx "1: world" "$work/c-readme.out"
}

c_map_100() {
    cd "$work"
    export PATH=$HOME/oraclefn-sdk/bin:$PATH
    setsid oraclefn emulator --state "$work/emulator" > "$work/emulator.log" 2>&1 &
    trap "kill -- -$! 2>/dev/null || true" EXIT
    local tries=0 function i
    until grep -q '^configuration:' "$work/emulator.log"; do
        tries=$((tries + 1)); [ $tries -lt 300 ] || { cat "$work/emulator.log"; return 1; }; sleep 0.1
    done
    cp "$work/emulator/lithops_config.yaml" config.yaml
    echo '  storage_bucket: ship' >> config.yaml
    timeout 60 oraclefn storage mb -c config.yaml
    function=$(timeout 120 oraclefn runtime deploy oraclefn/worker -c config.yaml --json | grep -o 'ocid1\.fnfunc[^"]*')
    # shellcheck disable=SC2046 # one argument per input
    timeout 120 "$work/checkout/map" config.yaml "$function" $(seq -f 'input-%g' 0 99) > map100.out
    for i in $(seq 0 99); do echo "$i: input-$i"; done > map100.want
    diff map100.want map100.out
    echo "100 inputs mapped, results in order"
}

c_examples() {  # every example builds with pkg-config, strictly; sign_request signs with c-map-100's configuration
    local src
    export PKG_CONFIG_PATH=$HOME/oraclefn-sdk/lib/pkgconfig
    for src in "$repository"/bindings/c/examples/*.c; do
        echo "-- $src"
        # shellcheck disable=SC2046 # pkg-config's flags are words
        cc -std=c99 -Wall -Wextra -pedantic -Werror $(pkg-config --cflags --libs oraclefn) "$src" \
            -o "$work/$(basename "$src" .c)"
    done
    "$work/sign_request" "$work/config.yaml" GET "https://objectstorage.eu-madrid-1.oraclecloud.com/n/" | tee "$work/signed.out"
    grep -q '"authorization":"Signature algorithm=' "$work/signed.out"
}

load_time() {
    cc -std=c99 -O2 -Wall -Wextra -pedantic -Werror -o "$work/load_bench" "$repository/bench/load_bench.c" -ldl
    "$work/load_bench" "$HOME/oraclefn-sdk/lib/liboraclefn.so.0" 101
}

check toolchain-hidden toolchain_hidden
check python-readme python_readme
check python-map-100 python_map_100
check c-readme c_readme
check c-map-100 c_map_100
check c-examples c_examples
site=$(echo "$HOME"/oraclefn-env/lib/python3*/site-packages/oraclefn)
check ldd-shipped resolves_outside_toolchain "$site/liboraclefn.so" "$site/oraclefn-cli" \
    "$HOME/oraclefn-sdk/lib/liboraclefn.so.0.1.0" "$HOME/oraclefn-sdk/bin/oraclefn" "$work/checkout/map"
check native-handler-is-the-tool handler_is_the_tool "$site/oraclefn-fdk" "$HOME/oraclefn-sdk/libexec/oraclefn/oraclefn-fdk"
check load-time load_time

wheel=$(ls "$repository"/dist/oraclefn-*.whl)
echo "-- $(basename "$wheel"): $(du -k "$wheel" | cut -f1) KB; liboraclefn.so.0.1.0: $(du -k "$HOME/oraclefn-sdk/lib/liboraclefn.so.0.1.0" | cut -f1) KB"
sed -n 's/^dlopen + ofn_version */-- load time (dlopen + ofn_version): /p' "$work/logs/load-time.log"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
