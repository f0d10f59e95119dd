/* SPDX-License-Identifier: GPL-2.0-or-later
 * tandemctl route test: checking a case file against a compiled script,
 * and running its cases (route_run.c). */
#ifndef TANDEM_CTL_ROUTE_RUN_H
#define TANDEM_CTL_ROUTE_RUN_H

#include <stdio.h>
#include <tandem/buf.h>
#include "route_cases.h"
#include "script/program.h"

/* What the case file can only get wrong against this script: unknown
 * transaction variables and values of the wrong type. Prints each as
 * "file:line: message" to errs; returns how many. */
unsigned rc_file_check(const struct rc_file *f, const struct tdm_scr_program *p,
		       FILE *errs);

/* Runs case c over p and compares the decision with its expectations.
 * Mismatches are appended to diff, indented, "expected"/"got" pairs;
 * *run_error tells whether the route stopped with a run-time error (its
 * position is in the log). Returns 1 (passed), 0 (failed) or -ENOMEM.
 * The script's log lines go to the log output as set by the caller. */
int rc_case_run(const struct rc_file *f, const struct rc_case *c,
		const struct tdm_scr_program *p, struct tdm_buf *diff,
		bool *run_error);

#endif
