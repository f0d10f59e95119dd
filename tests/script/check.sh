#!/bin/sh
# tandemd --check over the example scripts (each must compile) and over
# tests/script/mistakes.route, a script with a dozen distinct mistakes:
# exit 1 and exactly the diagnostics of mistakes.expect. Also
# --dump-program on every example. Prints "N passed, N failed".
set -u
src=${srcdir:-.}
tandemd=./tandemd
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok: $*"; }
bad() { fail=$((fail + 1)); echo "FAILED: $*"; }

for f in "$src"/routing-scripts/*.route; do
	if out=$($tandemd --check -f "$f" 2>&1); then ok "check $f"; else bad "check $f"; echo "$out"; fi
	if $tandemd --dump-program -f "$f" | grep -q '^route request'; then
		ok "dump $f"
	else
		bad "dump $f"
	fi
done

out=$(cd "$src/tests/script" && "$OLDPWD/$tandemd" --check -f mistakes.route 2>&1)
rc=$?
if [ "$rc" -eq 1 ]; then ok "mistakes.route exits 1"; else bad "mistakes.route exit $rc"; fi
if [ "$out" = "$(cat "$src/tests/script/mistakes.expect")" ]; then
	ok "mistakes.route diagnostics"
else
	bad "mistakes.route diagnostics"
	printf '%s\n' "$out" | diff -u "$src/tests/script/mistakes.expect" - | head -40
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
