#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make check: builds tests/module/oot/hello.c the way a provider would,
# with nothing but `pkg-config --cflags tandem` (the uninstalled .pc of
# this build tree), then has load_run load and call it. Prints "N passed,
# N failed". $srcdir comes from the automake test driver; binaries are in
# the current (build) directory. CC, PKG_CONFIG and TDM_OOT_CFLAGS (the
# sanitizer flags of a --enable-sanitizers build: the build signature
# must match) come from AM_TESTS_ENVIRONMENT.
set -u
top_src=${srcdir:-$(dirname "$0")/../..}
pass=0 fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
ko() { echo "FAIL $1"; fail=$((fail + 1)); }

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

PKG_CONFIG_PATH=$(pwd)/core/include${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
export PKG_CONFIG_PATH
cflags=$(${PKG_CONFIG:-pkg-config} --cflags tandem)
incdir=${cflags#-I}
incdir=${incdir%% *}
if [ -n "$cflags" ] && [ -f "$incdir/tandem/tandem.h" ]; then
	ok "pkg-config --cflags tandem: $cflags"
else
	ko "pkg-config --cflags tandem (uninstalled .pc in core/include)"
	cflags=
fi

# shellcheck disable=SC2086 # word splitting of the flags is wanted
if ${CC:-cc} $cflags ${TDM_OOT_CFLAGS:-} -fPIC -shared -o "$tmp/hello.so" \
	"$top_src/tests/module/oot/hello.c" 2>"$tmp/cc.err"; then
	ok "build hello.so out of tree"
else
	cat "$tmp/cc.err"
	ko "build hello.so out of tree"
fi

if ./tests/module/load_run "$tmp" >"$tmp/run.out" 2>&1; then
	ok "load_run: load hello, set a parameter, call it"
else
	ko "load_run"
fi
sed 's/^/    /' "$tmp/run.out"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
