#!/bin/sh
# docs/settings.md must show the table tandemd prints (tandemd --settings):
# the documentation cannot drift from core/conf/settings.def.
set -u
top=${srcdir:-.}
doc=$top/docs/settings.md
out=$(./tandemd --settings) || { echo "tandemd --settings failed"; echo "0 passed, 1 failed"; exit 1; }
tail_lines=$(printf '%s\n' "$out" | wc -l)
if [ "$(tail -n "$tail_lines" "$doc")" = "$out" ]; then
	echo "settings table: ok"; echo "1 passed, 0 failed"; exit 0
fi
echo "docs/settings.md differs from 'tandemd --settings'; regenerate its table:"
printf '%s\n' "$out" | diff -u - "$doc" | head -20
echo "0 passed, 1 failed"
exit 1
