# Routing scripts: the examples compile and dump, and a script full of
# mistakes gets exactly its diagnostics (tandemd --check).
TESTS += %reldir%/check.sh
EXTRA_DIST += %reldir%/check.sh %reldir%/mistakes.route \
	%reldir%/mistakes.expect routing-scripts
# Checker tests written as annotated scripts (# expect error: ...).
TESTS += %reldir%/annotations.sh
EXTRA_DIST += %reldir%/annotations.sh %reldir%/checker
# tandemctl route test: each example script with its .cases file, and the
# runner's own failure paths (docs/routing-tests.md).
TESTS += %reldir%/cases.sh
EXTRA_DIST += %reldir%/cases.sh
