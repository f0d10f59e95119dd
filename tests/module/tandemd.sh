#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make check: tandemd --load finds modules/example in the build tree (the
# build tree's modules/ comes first when tandemd runs uninstalled), and
# refuses a missing or a broken module with one line and exit status 1.
# Prints "N passed, N failed".
set -u
pass=0 fail=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# expect NAME STATUS PATTERN ARGS...: tandemd ARGS exits STATUS and its
# output (one line) matches the grep -E PATTERN.
expect() {
	name=$1 want=$2 pattern=$3
	shift 3
	./tandemd "$@" >"$tmp/out" 2>&1
	got=$?
	lines=$(wc -l <"$tmp/out")
	if [ "$got" -eq "$want" ] && [ "$lines" -eq 1 ] &&
	   grep -Eq -- "$pattern" "$tmp/out"; then
		echo "ok   $name"
		pass=$((pass + 1))
	else
		echo "FAIL $name (exit $got, want $want):"
		sed 's/^/    /' "$tmp/out"
		fail=$((fail + 1))
	fi
}

mods=$(pwd)/tests/module/.libs
expect "load example from the build tree" 0 \
	'^loaded example: .*/modules/example/\.libs/example\.so\)$' --load example
expect "not found" 1 \
	'^tandemd: module "nosuch" not found \(searched: .*/modules, /nowhere' \
	--module-path /nowhere --load nosuch
expect "already loaded" 1 '^tandemd: module "example" is already loaded$' \
	--load example --load example
expect "ABI mismatch" 1 \
	'^tandemd: module "bad_abi": ABI version [0-9]+, this tandemd has [0-9]+$' \
	--module-path "$mods" --load bad_abi
expect "missing dependency" 1 \
	'^tandemd: module "needs_db" needs module "db", which is not loaded$' \
	--module-path "$mods" --load needs_db

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
