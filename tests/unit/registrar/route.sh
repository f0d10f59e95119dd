#!/bin/sh
# The registrar's script functions end to end, offline: tandemctl route
# test runs route/registrar.cases through route/registrar.route with the
# freshly built module (save, 423, outbound flow, NAT dst, q order, GRUU,
# registered, unregister). Run from the build directory by make check.
set -u
src=$(cd "${srcdir:-.}" && pwd)
out=$(./tandemctl route test "$src/tests/unit/registrar/route/registrar.route" \
	"$src/tests/unit/registrar/route/registrar.cases" 2>&1)
rc=$?
printf '%s\n' "$out" | grep -v '^level='
exit $rc
