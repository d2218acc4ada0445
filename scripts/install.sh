#!/usr/bin/env bash
# Installs the C SDK from the release build (scripts/release-build.sh: the Swift runtime linked in, so nothing
# of the Swift toolchain is needed at run time):
#   PREFIX/lib/liboraclefn.so.<version>, with SONAME liboraclefn.so.<major> and the links
#       liboraclefn.so.<major> and liboraclefn.so
#   PREFIX/include/oraclefn.h (and the two headers it includes: the types and the typed declarations)
#   PREFIX/lib/pkgconfig/oraclefn.pc        cc $(pkg-config --cflags --libs oraclefn) prog.c
#   PREFIX/bin/oraclefn                     the tool, with its emulator
#   PREFIX/libexec/oraclefn/oraclefn-fdk    the native handler the emulator runs (scripts/oraclefn-fdk: the
#                                           tool's `oraclefn fdk` mode, so one binary serves both)
#
#   scripts/install.sh --prefix DIR         (default /usr/local)
set -euo pipefail
usage() { echo "usage: $0 [--prefix DIR]" >&2; exit 2; }
prefix=/usr/local
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) [ $# -ge 2 ] || usage; prefix=$2; shift 2 ;;
        --prefix=*) prefix=${1#--prefix=}; shift ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) usage ;;
    esac
done
cd "$(dirname "$0")/.."
bin=$(scripts/release-build.sh)
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)
version=$(scripts/version.sh)
major=${version%%.*}
soname=$(readelf -d "$bin/liboraclefn.so" | sed -nE 's/.*\(SONAME\).*\[(.*)\]/\1/p')
[ "$soname" = "liboraclefn.so.$major" ] || { echo "install.sh: the library's SONAME is '$soname', not liboraclefn.so.$major" >&2; exit 1; }

install -d "$prefix/lib/pkgconfig" "$prefix/include" "$prefix/bin" "$prefix/libexec/oraclefn"
install -m 755 -s "$bin/liboraclefn.so" "$prefix/lib/liboraclefn.so.$version"
ln -sfn "liboraclefn.so.$version" "$prefix/lib/liboraclefn.so.$major"
ln -sfn "liboraclefn.so.$major" "$prefix/lib/liboraclefn.so"
install -m 644 include/oraclefn.h include/oraclefn_types.h include/oraclefn_api.h "$prefix/include/"
install -m 755 -s "$bin/oraclefn-cli" "$prefix/bin/oraclefn"
install -m 755 scripts/oraclefn-fdk "$prefix/libexec/oraclefn/oraclefn-fdk"

# Programs find the library through the run path pkg-config gives them, unless it is in the loader's own folders.
# The library is linked --no-as-needed so that `cc $(pkg-config --cflags --libs oraclefn) prog.c` works with the
# flags before the program, where a linker that drops unneeded libraries (gcc's default on Debian and Ubuntu)
# would otherwise drop it before seeing what prog.c needs.
rpath=' -Wl,-rpath,${libdir}'
case "$prefix" in /usr|/usr/local) rpath='' ;; esac
cat > "$prefix/lib/pkgconfig/oraclefn.pc" <<EOF
prefix=$prefix
exec_prefix=\${prefix}
libdir=\${exec_prefix}/lib
includedir=\${prefix}/include

Name: oraclefn
Description: Lithops-style map jobs on Oracle Cloud Functions (the C API of liboraclefn)
Version: $version
Libs: -L\${libdir}$rpath -Wl,--push-state,--no-as-needed -loraclefn -Wl,--pop-state
Cflags: -I\${includedir}
EOF
# /usr/local/lib is in the loader's cache, which learns of a new library from ldconfig
if [ "$prefix" = /usr/local ] && [ "$(id -u)" = 0 ] && command -v ldconfig >/dev/null; then ldconfig; fi
echo "installed oraclefn $version in $prefix: lib/liboraclefn.so.$version (SONAME $soname), include/oraclefn.h, lib/pkgconfig/oraclefn.pc, bin/oraclefn"
