#!/bin/sh
# Script tests with expected-output annotations (style rule 19): every
# tests/script/checker/*.route marks the diagnostics it must produce on
# the line that produces them,
#     if (request.uri.user == 123) { }   # expect error: cannot compare str with int
# and `tandemd --check` must report exactly those (same line, a message
# that starts with the annotation, errors and warnings), nothing more. Prints "N passed, N failed".
set -u
src=${srcdir:-.}
tandemd=$PWD/tandemd
pass=0 fail=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

for f in "$src"/tests/script/checker/*.route; do
	name=$(basename "$f")
	# expected: "LINE: error: MESSAGE" from the annotations
	awk '{ if (match($0, /# expect (error|warning): /)) {
		print NR ": " substr($0, RSTART + 9) } }' "$f" | sort >"$tmp/want"
	# actual: the first line of each diagnostic, without the column
	(cd "$(dirname "$f")" && "$tandemd" --check -f "$name" 2>&1) |
		sed -n "s/^$name:\([0-9]*\):[0-9]*: \(error\|warning\): /\1: \2: /p" |
		sort >"$tmp/got"
	# each reported message must start with its annotation (a message may
	# go on with details such as the directories searched)
	if [ -s "$tmp/want" ] && awk 'NR == FNR { want[++nw] = $0; next }
		{ got[++ng] = $0 }
		END { if (nw != ng) exit 1
		      for (i = 1; i <= nw; i++) if (index(got[i], want[i]) != 1) exit 1 }' \
		"$tmp/want" "$tmp/got"; then
		pass=$((pass + 1)); echo "ok: $name"
	else
		fail=$((fail + 1)); echo "FAILED: $name"
		diff -u "$tmp/want" "$tmp/got" | sed 's/^/    /'
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
