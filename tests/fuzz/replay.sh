#!/bin/sh
# Replays the seed corpus through every fuzz target (the build made without
# --enable-fuzzing links them with replay_main.c). Any crash, sanitizer
# report or leak fails the test. Prints "N passed, N failed".
set -u
dir=$(dirname "$0")
src=${srcdir:-.}/tests/fuzz/corpus
pass=0 fail=0
for t in sip_parse uri sdp; do
	bin=$dir/fuzz_$t
	[ -x "$bin" ] || bin=./tests/fuzz/fuzz_$t
	if "$bin" "$src/$t"/*; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "fuzz_$t: FAILED"; fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
