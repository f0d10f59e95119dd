/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private to core/script: the context one run of a route works on (the
 * message, where it came from, the edits the script makes) and the
 * decision it leaves behind. The transaction layer fills a context, runs
 * the program, and acts on the decision; `tandemctl route test` does the
 * same without a network and compares the decision with the expected one. */
#ifndef TANDEM_SCRIPT_CTX_H
#define TANDEM_SCRIPT_CTX_H

#include <stdbool.h>
#include <stdint.h>
#include <tandem/script.h>
#include <tandem/sip.h>
#include <tandem/uri.h>

/* Where the message came from. An empty ip means "no network" (a
 * context set up without a source): tdm_scr_peer() is then -ENOENT. */
struct tdm_scr_source {
	struct tdm_str ip;        /* textual address, no brackets */
	uint16_t port;
	struct tdm_str transport; /* "udp", "tcp", "tls", "ws", "wss" */
};

/* More of where it came from (tdm_scr_peer()): kept apart from
 * struct tdm_scr_source so that the many three-field initialisers of a
 * source stay complete. All zero: not known. */
struct tdm_scr_source_net {
	enum tdm_proto proto;     /* 0: derived from the source's transport */
	uint64_t conn_id;         /* stream connection, 0: none / unknown */
	struct tdm_str local_ip;  /* the listen address it arrived on */
	uint16_t local_port;
	unsigned listen_index;
};

enum tdm_scr_action {
	TDM_SCR_ACT_NONE = 0, /* the route ended without answering */
	TDM_SCR_ACT_REPLY,    /* reply(code, reason) */
	TDM_SCR_ACT_RELAY,    /* relay(): stateful, to every branch */
	TDM_SCR_ACT_FORWARD,  /* forward(): stateless */
	TDM_SCR_ACT_DROP,     /* drop */
};

/* How a branch is sent when tdm_scr_set_targets() named more than its
 * Request-URI (all empty / 0: resolve the URI as usual). */
struct tdm_scr_hop {
	struct tdm_str dst;       /* send here (a SIP URI) instead */
	struct tdm_str path;      /* Path values, inserted as Route headers */
	uint64_t conn_id;         /* this stream connection while it is open */
	int q;                    /* thousandths, -1: none */
};

/* One extra branch added by append_branch(uri) or tdm_scr_set_targets(). */
struct tdm_scr_branch {
	struct tdm_str uri;
	struct tdm_scr_hop hop;
	struct tdm_scr_branch *next;
};

/* One log(level, text) line, kept for offline tests (tandemctl route test)
 * as well as written to the log. */
struct tdm_scr_logline {
	int level;                      /* enum tdm_log_level */
	struct tdm_str text;
	struct tdm_scr_logline *next;
};

/* What a route run decided. Strings live in the context's arena. */
struct tdm_scr_decision {
	enum tdm_scr_action action;
	uint16_t code;                  /* REPLY */
	struct tdm_str reason;          /* REPLY */
	struct tdm_str reply_hdrs;      /* REPLY by tdm_scr_reply(): extra
					 * header lines, each ending in CRLF */
	struct tdm_str reply_ctype;     /* ... its body's Content-Type */
	struct tdm_str reply_body;      /* ... and body (empty: none) */
	struct tdm_scr_hop ruri_hop;    /* the Request-URI branch's, set by
					 * tdm_scr_set_targets() */
	bool targets_set;               /* tdm_scr_set_targets() was called */
	struct tdm_str target;          /* RELAY/FORWARD to an explicit URI */
	struct tdm_scr_branch *branches; /* in the order they were added */
	struct tdm_scr_branch **branches_tail;
	bool record_route;
	struct tdm_scr_logline *logs;   /* in order, when keep_logs is set */
	struct tdm_scr_logline **logs_tail;
};

struct tdm_scr_ctx {
	enum tdm_route_type route;      /* the top-level route being run */
	struct tdm_sip_msg *request;    /* the request (every route type) */
	struct tdm_sip_msg *reply;      /* reply and failure routes, else NULL */
	struct tdm_scr_source source;
	struct tdm_scr_source_net net;  /* set after tdm_scr_ctx_init() */
	struct tdm_arena *arena;        /* scratch: the request's arena */
	struct tdm_sip_edits *edits;    /* edits to the request, made on demand */
	struct tdm_sip_edits *reply_edits; /* reply route: edits to the response */

	/* The Request-URI as the script sees it: changed by writes to
	 * request.uri (and its parts); parsed on demand. */
	struct tdm_str ruri;
	bool ruri_changed;
	bool ruri_parsed;
	int ruri_err;                   /* result of parsing ruri */
	/* From and To URIs, parsed on first read (0: not yet, 1: ok,
	 * <0: the parse error) */
	int from_state, to_state;

	struct tdm_value *txn_vars;     /* per-transaction variables, owned
					 * by the transaction; may be NULL
					 * when the script declares none */
	struct tdm_scr_decision decision;
	bool keep_logs;                 /* record log lines in the decision */

	/* Parse caches, valid only when their flag above says so: left
	 * out of the zeroing at set-up (they are large). */
	struct tdm_uri ruri_uri;
	struct tdm_uri from_uri, to_uri;
};

/* Records a REPLY decision (reply() and tdm_scr_reply()): checks code
 * (100..699), reason (one line), headers (complete lines, each ending in
 * CRLF, no bare CR or LF, no empty line) and copies everything into the
 * arena. NULL reason: the standard phrase. 0, -EINVAL or -ENOMEM. */
int tdm_scr_ctx_reply(struct tdm_scr_ctx *x, unsigned code,
		      const struct tdm_str *reason, const struct tdm_str *headers,
		      const struct tdm_str *content_type,
		      const struct tdm_str *body);

/* Replaces the destinations (tdm_scr_set_targets()). */
int tdm_scr_ctx_set_targets(struct tdm_scr_ctx *x,
			    const struct tdm_scr_target *t, unsigned n);

/* Sets up a context for one route run over `request` (and `reply` for the
 * reply and failure routes). Strings are not copied: the messages and
 * `source` must outlive the run. */
void tdm_scr_ctx_init(struct tdm_scr_ctx *x, enum tdm_route_type route,
		      struct tdm_sip_msg *request, struct tdm_sip_msg *reply,
		      const struct tdm_scr_source *source);

/* The current Request-URI, parsed (cached until the next write). 0,
 * -EBADMSG / -EPROTONOSUPPORT when it is not a sip/sips/tel URI. */
int tdm_scr_ctx_ruri(struct tdm_scr_ctx *x, const struct tdm_uri **out);
/* Replaces the Request-URI (copied into the arena) and records the edit. */
int tdm_scr_ctx_set_ruri(struct tdm_scr_ctx *x, const struct tdm_str *uri);

/* Same, for a URI the caller rebuilt from `old` with a new user and/or
 * host at the given offsets in `uri`, and ";params?headers" copied
 * unchanged from tail_off on: the parsed form is derived from `old`
 * instead of parsing the new text again. */
int tdm_scr_ctx_set_ruri_parts(struct tdm_scr_ctx *x, const struct tdm_str *uri,
			       const struct tdm_uri *old, size_t user_off,
			       size_t user_len, size_t host_off, size_t host_len,
			       size_t tail_off);

#endif
