/* SPDX-License-Identifier: GPL-2.0-or-later
 * What a module function sees of the routing-script engine: value types,
 * route types, and the call frame through which a script function gets
 * its arguments, the message being routed, and returns its result.
 *
 * Every script function has one C signature (tdm_fn_impl). Arguments
 * arrive already converted and type-checked against the function's
 * descriptor (module.h); constant arguments may have been pre-processed
 * once at load time by the function's prepare hook. */
#ifndef TANDEM_SCRIPT_H
#define TANDEM_SCRIPT_H

#include <stdbool.h>
#include <stdint.h>
#include <tandem/addr.h>
#include <tandem/arena.h>
#include <tandem/compiler.h>
#include <tandem/sip.h>
#include <tandem/str.h>

/* Value types of the language. */
enum tdm_type {
	TDM_T_VOID = 0, /* no value (function returns nothing) */
	TDM_T_BOOL,
	TDM_T_INT,      /* 64-bit signed */
	TDM_T_STR,
	TDM_T_REGEX,    /* a regex literal, compiled at load (PCRE2, JIT) */
	TDM_T_LIST,     /* a list of values (`in` operator, settings) */
	TDM_T_ANY,      /* in descriptors only: any type is accepted */
};

/* Name of a type as the checker prints it: "str", "int" ... */
TDM_API const char *tdm_type_name(enum tdm_type t);

struct tdm_regex; /* opaque: a compiled PCRE2 pattern */

struct tdm_value;
struct tdm_value_list {
	unsigned count;
	const struct tdm_value *items;
};

struct tdm_value {
	enum tdm_type type;
	union {
		bool b;
		int64_t i;
		struct tdm_str s;            /* not NUL-terminated */
		const struct tdm_regex *re;
		struct tdm_value_list list;
	} u;
};

/* Route types, as a mask: a function descriptor says where it may be
 * called; the checker refuses it elsewhere. Named routes take the types
 * of the routes that call them. */
enum tdm_route_type {
	TDM_ROUTE_REQUEST = 1u << 0, /* route request { } */
	TDM_ROUTE_REPLY = 1u << 1,   /* route reply { }: a response arrived */
	TDM_ROUTE_FAILURE = 1u << 2, /* route failure { }: all branches failed */
	TDM_ROUTE_BRANCH = 1u << 3,  /* route branch { }: per outgoing branch */
	TDM_ROUTE_ANY = 0xfu,
};

/* Name of a single route type: "request", "reply" ... */
TDM_API const char *tdm_route_type_name(enum tdm_route_type t);

/* ---- The call frame --------------------------------------------------- */

/* One call of a script function, valid only during that call. */
struct tdm_scr_call;

/* Argument i (0-based) as the descriptor typed it, or NULL when an
 * optional argument was not given. */
TDM_API const struct tdm_value *tdm_scr_arg(const struct tdm_scr_call *c,
					    unsigned i);
/* Typed shortcuts; the checker guarantees the type, so these only read. An
 * absent optional argument reads as false / 0 / "". */
TDM_API bool tdm_scr_arg_bool(const struct tdm_scr_call *c, unsigned i);
TDM_API int64_t tdm_scr_arg_int(const struct tdm_scr_call *c, unsigned i);
TDM_API struct tdm_str tdm_scr_arg_str(const struct tdm_scr_call *c, unsigned i);
/* What the prepare hook stored for constant argument i, or NULL. */
TDM_API void *tdm_scr_arg_prepared(const struct tdm_scr_call *c, unsigned i);

/* The message being routed (the request in request, failure and branch
 * routes; the response in reply routes), or NULL when there is none. */
TDM_API struct tdm_sip_msg *tdm_scr_msg(const struct tdm_scr_call *c);
/* The route type this call runs in. */
TDM_API enum tdm_route_type tdm_scr_route(const struct tdm_scr_call *c);
/* Scratch memory that lives as long as the message being routed. */
TDM_API struct tdm_arena *tdm_scr_arena(const struct tdm_scr_call *c);

/* Set the function's result; the type must match the descriptor's `ret`.
 * A string is copied into the message arena. Return 0 or -ENOMEM; the
 * function itself returns that value (0, or a -errno that makes the
 * script log the error and stop the route with a 500). */
TDM_API int tdm_scr_ret_bool(struct tdm_scr_call *c, bool v);
TDM_API int tdm_scr_ret_int(struct tdm_scr_call *c, int64_t v);
TDM_API int tdm_scr_ret_str(struct tdm_scr_call *c, const struct tdm_str *v);

/* ---- Where the request came from (SDK for registrar, auth, NAT) -------- */

/* The transport a request arrived through. Strings point into the
 * message's buffers or the node's listen table and live as long as the
 * message. */
struct tdm_scr_peer {
	struct tdm_str ip;           /* source address, text, no brackets */
	uint16_t port;               /* source port */
	enum tdm_proto proto;        /* TDM_PROTO_UDP ... TDM_PROTO_WSS */
	uint64_t conn_id;            /* stream connection (a flow, RFC 5626);
				      * 0 for UDP or when unknown */
	struct tdm_str local_ip;     /* the listen address it arrived on */
	uint16_t local_port;
	unsigned listen_index;       /* position of that listen address */
};

/* Fills *out for the request being routed. 0, or -ENOENT when the call
 * runs without a network (offline route tests fill what they know). */
TDM_API int tdm_scr_peer(const struct tdm_scr_call *c, struct tdm_scr_peer *out);

/* ---- Acting on the request --------------------------------------------- */

/* Answers the request (request routes): the route's decision becomes a
 * reply with code and reason (NULL: the standard phrase), and `headers`
 * (NULL or zero or more complete header lines, each ending in CRLF) are
 * added to the response; body (NULL: none) is sent with content_type.
 * Everything is copied. Replaces an earlier decision of the route, as a
 * later reply()/relay() replaces this one. 0, -EINVAL (code outside
 * 100..699, a header line without CRLF), -ENOMEM. */
TDM_API int tdm_scr_reply(struct tdm_scr_call *c, unsigned code,
			  const struct tdm_str *reason,
			  const struct tdm_str *headers,
			  const struct tdm_str *content_type,
			  const struct tdm_str *body);

/* One destination of the request, as a registrar's lookup finds it. */
struct tdm_scr_target {
	struct tdm_str uri;       /* the branch's Request-URI (the contact) */
	struct tdm_str dst;       /* send here instead of resolving uri: a SIP
				   * URI ("sip:198.51.100.7:40312;transport=udp",
				   * the NATed source), empty: resolve */
	struct tdm_str path;      /* Path values of the registration (RFC 3327),
				   * comma-separated; inserted as Route headers
				   * before ours; empty: none */
	uint64_t conn_id;         /* send over this connection while it is
				   * open (RFC 5626 flow, TCP/TLS/WS clients);
				   * 0: none. When it is gone the branch fails
				   * with 430 Flow Failed if dst is empty */
	int q;                    /* thousandths (0..1000), -1: none */
};

/* Replaces the request's destinations (request and failure routes): the
 * first target becomes the Request-URI (with its dst/path/conn_id) and the
 * others become branches, in this order; a later relay() forks to all of
 * them in parallel. n == 0 is -EINVAL. Everything is copied. */
TDM_API int tdm_scr_set_targets(struct tdm_scr_call *c,
				const struct tdm_scr_target *t, unsigned n);


/* ---- Load-time preparation of constant arguments ----------------------- */

/* One call site of a function, seen at compile time. */
struct tdm_scr_prep;

/* Argument i if it is a constant (literal) at this call site, else NULL. */
TDM_API const struct tdm_value *tdm_scr_prep_const(const struct tdm_scr_prep *p,
						   unsigned i);
/* Stores data for argument i, handed to every call through
 * tdm_scr_arg_prepared(); free_fn (may be NULL) runs when the compiled
 * program is released (after a reload, when no call uses it any more). */
TDM_API int tdm_scr_prep_set(struct tdm_scr_prep *p, unsigned i, void *data,
			     void (*free_fn)(void *data));
/* Reports an error about argument i at its file:line:col; the prepare hook
 * then returns -EINVAL and the script does not load. */
TDM_API void tdm_scr_prep_error(struct tdm_scr_prep *p, unsigned i,
				const char *fmt, ...) TDM_PRINTF(3, 4);

#endif
