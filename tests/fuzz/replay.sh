#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make check: replays each fuzz target's seed corpus, tests/fuzz/corpus/NAME
# (fuzz_sip_parse also gets every message fixture of tests/unit/sip/msgs).
# Targets built without --enable-fuzzing use replay_main.c; a libFuzzer build
# takes the same arguments (-runs=0: never start fuzzing). Any crash,
# sanitizer report or leak fails. Prints "N passed, N failed", one per
# target. Works in VPATH builds and make distcheck: the sources come from
# $srcdir (set by the automake test driver), the binaries from the build
# directory, which is the current directory under make check.
set -u
top_src=${srcdir:-$(dirname "$0")/../..}
pass=0 fail=0
for c in "$top_src"/tests/fuzz/fuzz_*.c; do
	[ -f "$c" ] || continue
	t=$(basename "$c" .c)
	t=${t#fuzz_}
	bin=./tests/fuzz/fuzz_$t
	[ -x "$bin" ] || bin=$(dirname "$0")/fuzz_$t
	if [ ! -x "$bin" ]; then
		echo "fuzz_$t: not built"
		fail=$((fail + 1))
		continue
	fi
	set -- "$top_src/tests/fuzz/corpus/$t"
	[ "$t" = sip_parse ] && set -- "$@" "$top_src/tests/unit/sip/msgs"
	for d in "$@"; do
		shift
		[ -d "$d" ] && set -- "$@" "$d"
	done
	# -exec ... + passes the file names intact (spaces included) and
	# fails when any run fails; with no file at all, the empty input runs.
	if [ $# -gt 0 ] && [ -n "$(find "$@" -type f | head -n 1)" ]; then
		find "$@" -type f ! -name '.*' -exec "$bin" -runs=0 {} +
	else
		echo "fuzz_$t: no seed corpus; running the empty input"
		"$bin" -runs=0
	fi
	if [ $? -eq 0 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "fuzz_$t: FAILED"
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
