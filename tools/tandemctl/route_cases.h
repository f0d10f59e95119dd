/* SPDX-License-Identifier: GPL-2.0-or-later
 * tandemctl route test: a case file in memory (route_cases.c reads it,
 * route_run.c runs it). The format is docs/routing-tests.md; every
 * string here lives in the file's arena and every position is the line
 * of the case file that wrote it, so failures can point back at it. */
#ifndef TANDEM_CTL_ROUTE_CASES_H
#define TANDEM_CTL_ROUTE_CASES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <tandem/arena.h>
#include <tandem/script.h>
#include "script/ctx.h"

struct rc_regex; /* a compiled /pattern/ (PCRE2) */

/* An expected text: exact ("...") or a pattern (/.../, unanchored). */
struct rc_match {
	const char *text;         /* the string, or the pattern's source */
	size_t len;
	struct rc_regex *re;      /* NULL: exact */
};

/* A value of a transaction variable (given or expected). */
struct rc_value {
	enum tdm_type type;       /* TDM_T_STR, TDM_T_INT or TDM_T_BOOL */
	struct tdm_str s;
	int64_t i;
	bool b;
};

enum rc_kind {
	RC_ACTION,          /* expect reply|relay|forward|drop|none */
	RC_RURI,            /* expect ruri URI */
	RC_RURI_UNCHANGED,  /* expect ruri unchanged */
	RC_RECORD_ROUTE,    /* expect record-route yes|no */
	RC_BRANCH,          /* expect branch URI (the list, in order) */
	RC_NO_BRANCHES,     /* expect branches none */
	RC_HDR_ADDED,       /* expect header-added NAME ["value"|/re/] */
	RC_HDR_REMOVED,     /* expect header-removed NAME */
	RC_HDRS_UNCHANGED,  /* expect headers unchanged */
	RC_LOG,             /* expect log LEVEL "text"|/re/ (in order) */
	RC_NO_LOGS,         /* expect logs none */
	RC_TXN,             /* expect txn.NAME = VALUE */
	RC_REPLY_HDR,       /* expect reply-header NAME ["value"|/re/] */
	RC_REPLY_BODY,      /* expect reply-body "text"|/re/ */
	RC_TARGET,          /* expect target URI [dst URI] [path "P"]
			     * [conn ID] [q Q] (the list, in order) */
};

struct rc_expect {
	enum rc_kind kind;
	unsigned line;
	/* RC_ACTION */
	enum tdm_scr_action action;
	unsigned code;             /* reply: 100..699 */
	bool has_reason;           /* reply: the reason is checked */
	struct tdm_str reason;
	bool has_target;           /* relay/forward "to URI" */
	/* RC_ACTION target, RC_RURI, RC_BRANCH, header and txn names */
	struct tdm_str text;
	/* RC_HDR_ADDED (optional), RC_LOG */
	bool has_match;
	struct rc_match match;
	int level;                 /* RC_LOG: enum tdm_log_level */
	bool yes;                  /* RC_RECORD_ROUTE */
	struct rc_value value;     /* RC_TXN */
	/* RC_TARGET: the attributes listed (only those are checked) */
	bool has_dst, has_path, has_conn, has_q;
	struct tdm_str dst, path;
	uint64_t conn_id;
	int q;
	struct rc_expect *next;
};

/* given txn.NAME = VALUE: a transaction variable's value before the run
 * (as an earlier route of the same transaction would have left it). */
struct rc_given {
	struct tdm_str name;
	struct rc_value value;
	unsigned line;
	struct rc_given *next;
};

/* A message: the bytes to parse, and where they were written. */
struct rc_msg {
	const char *data;          /* NULL: not given */
	size_t len;
	unsigned line;             /* the request/response line */
	bool in_case;              /* given by the case, not the file */
};

struct rc_case {
	const char *name;
	unsigned line;             /* the "case" line */
	enum tdm_route_type route;
	struct rc_msg request, response;
	struct tdm_scr_source source;
	struct tdm_scr_source_net net; /* conn, local, listen of source */
	struct rc_given *given;
	struct rc_expect *expect;  /* in file order */
	struct rc_case *next;
};

struct rc_file {
	const char *path;          /* as given on the command line */
	struct tdm_arena *arena;   /* everything below */
	struct rc_case *cases;     /* in file order */
	unsigned ncases;
	struct rc_regex *regexes;  /* every pattern, freed with the file */
};

/* Reads and checks the case file at path. Errors are printed to errs as
 * "path:line: message" (all of them, not only the first). Returns 0 with
 * *out, -EBADMSG when the file had errors (*out NULL), -ENOMEM, or the
 * -errno of reading the file (reported too). */
int rc_file_load(const char *path, FILE *errs, struct rc_file **out);
void rc_file_free(struct rc_file *f);

/* 1 when m matches s (exact, or the pattern found anywhere), else 0. */
int rc_match(const struct rc_match *m, const struct tdm_str *s);

#endif
