/* SPDX-License-Identifier: GPL-2.0-or-later
 * SIP messages (RFC 3261 §7, §20, §25): parsing, header access, edits and
 * serialisation.
 *
 * A struct tdm_sip_msg owns an arena holding a copy of the received bytes
 * and everything parsed from them; every tdm_str handed out points into
 * that arena and lives until tdm_sip_msg_free(). Parsing splits all header
 * lines once and decodes eagerly only what transaction matching needs (the
 * fields of the struct below); every other header is decoded on first use
 * by a caching accessor. Messages are never modified: changes are recorded
 * in an edit list (struct tdm_sip_edits) and applied when serialising.
 * A message belongs to one thread at a time. */
#ifndef TANDEM_SIP_H
#define TANDEM_SIP_H

#include <stdbool.h>
#include <stdint.h>
#include <tandem/arena.h>
#include <tandem/buf.h>
#include <tandem/compiler.h>
#include <tandem/str.h>
#include <tandem/uri.h>

enum tdm_sip_method {
	TDM_SIP_METHOD_OTHER = 0, /* an extension method: see method_name */
	TDM_SIP_INVITE,
	TDM_SIP_ACK,
	TDM_SIP_BYE,
	TDM_SIP_CANCEL,
	TDM_SIP_REGISTER,
	TDM_SIP_OPTIONS,
	TDM_SIP_INFO,
	TDM_SIP_UPDATE,
	TDM_SIP_PRACK,
	TDM_SIP_SUBSCRIBE,
	TDM_SIP_NOTIFY,
	TDM_SIP_PUBLISH,
	TDM_SIP_MESSAGE,
	TDM_SIP_REFER,
};

/* Method from its name (case-sensitive, RFC 3261 §7.1). */
TDM_API enum tdm_sip_method tdm_sip_method_id(const struct tdm_str *name);
/* Canonical name of a known method; "" for TDM_SIP_METHOD_OTHER. */
TDM_API const char *tdm_sip_method_name(enum tdm_sip_method m);

#define TDM_HDRF_LIST 0x1   /* comma-separated values are allowed (§7.3.1) */
#define TDM_HDRF_TOKENS 0x2 /* every value is a single token */
#define TDM_HDRF_ROUTES 0x4 /* Route, Record-Route, Path: tdm_sip_msg_routes */
#define TDM_HDRF_AUTH 0x8   /* Digest credentials/challenge: tdm_sip_msg_auth */

enum tdm_sip_hdr_id {
	TDM_HDR_OTHER = 0, /* not in sip_hdr.def; look it up by name */
#define TDM_HDR(id, name, compact, flags) TDM_HDR_##id,
#include <tandem/sip_hdr.def>
#undef TDM_HDR
	TDM_HDR__COUNT
};

/* Header id of a name, full or compact form, case-insensitive. */
TDM_API enum tdm_sip_hdr_id tdm_sip_hdr_id(const struct tdm_str *name);
/* Canonical (full) name of a known header id; NULL for TDM_HDR_OTHER. */
TDM_API const char *tdm_sip_hdr_name(enum tdm_sip_hdr_id id);
/* TDM_HDRF_* flags of a header id (0 for TDM_HDR_OTHER). */
TDM_API unsigned tdm_sip_hdr_flags(enum tdm_sip_hdr_id id);

#define TDM_SIP_NONE 0xffffu /* "no header" in index fields */

/* One header line, as split by the parser. */
struct tdm_sip_hdr {
	struct tdm_str name;  /* as on the wire (may be a compact form) */
	struct tdm_str value; /* without surrounding whitespace; folded lines
			       * (§7.3.1) are kept as they are, CRLF included */
	struct tdm_str line;  /* the whole line from name to CRLF inclusive
			       * (with its continuation lines), for edits */
	uint16_t id;          /* enum tdm_sip_hdr_id */
	uint16_t next;        /* index of the next header with the same id,
			       * or TDM_SIP_NONE (TDM_HDR_OTHER: not linked) */
};

/* A generic ";name=value" parameter (§25.1 generic-param). */
struct tdm_sip_param {
	struct tdm_str name;
	struct tdm_str value;  /* quotes kept if it was a quoted-string */
	bool has_value;
};

/* Steps through a parameter list such as "a=1;b;c=\"x;y\"" (the leading ';'
 * is optional). *cursor is advanced past the parameter. Returns 0 with *p
 * filled, -ENOENT at the end, -EBADMSG on malformed input. */
TDM_API int tdm_sip_param_next(struct tdm_str *cursor, struct tdm_sip_param *p);
/* Value of parameter `name` (case-insensitive) in a list: 0 and *value
 * (empty when the parameter has no value), or -ENOENT, or -EBADMSG. */
TDM_API int tdm_sip_param_find(const struct tdm_str *params, const char *name,
			       struct tdm_str *value);

/* One Via header value (§20.42), the top one decoded eagerly. */
struct tdm_sip_via {
	struct tdm_str transport; /* "UDP", "TCP", "TLS", "WS", ... */
	struct tdm_str host;      /* sent-by host; IPv6 without brackets */
	uint16_t port;            /* sent-by port, 0 when absent */
	bool host_ipv6;
	struct tdm_str branch;    /* empty when absent */
	struct tdm_str received;  /* empty when absent */
	struct tdm_str maddr;
	int32_t rport;            /* -1 absent, 0 present without value (§RFC 3581) */
	int32_t ttl;              /* -1 absent */
	struct tdm_str params;    /* every parameter, raw, without the first ';' */
	struct tdm_str value;     /* the whole via-parm */
	const struct tdm_sip_via *next; /* lazily built list (tdm_sip_msg_vias) */
};

struct tdm_sip_cseq {
	uint32_t num;
	enum tdm_sip_method method;
	struct tdm_str method_name;
};

/* name-addr or addr-spec with header parameters (§20.10, §20.20, §20.39):
 * From, To, Contact, Route, Record-Route, Path, Refer-To ... */
struct tdm_sip_addr {
	struct tdm_str display;  /* display name without quotes; raw escapes */
	struct tdm_str uri;      /* the URI text (inside <> when present) */
	struct tdm_str params;   /* header parameters after the URI, raw,
				  * without the first ';' */
	struct tdm_str tag;      /* value of ;tag=, empty when absent */
	bool angle;              /* written in name-addr form (<...>) */
};

/* Parses one name-addr / addr-spec from the start of *in and advances *in
 * past it (and its parameters), stopping before a ',' when list is true.
 * Returns 0 or -EBADMSG. */
TDM_API int tdm_sip_addr_parse(struct tdm_sip_addr *a, struct tdm_str *in,
			       bool list);

/* A list of addresses: Route, Record-Route, Path (every header of that
 * name, every comma-separated value, in order). */
struct tdm_sip_addr_list {
	struct tdm_sip_addr addr;
	const struct tdm_sip_addr_list *next;
};

struct tdm_sip_contact {
	struct tdm_sip_addr addr;
	int64_t expires;         /* ;expires=, -1 when absent */
	int32_t q;               /* ;q= in thousandths (q=0.5 -> 500), -1 absent */
	struct tdm_str instance; /* +sip.instance value, quotes and <> removed */
	int64_t reg_id;          /* ;reg-id=, -1 when absent */
	const struct tdm_sip_contact *next;
};

/* The Contact headers of a message. */
struct tdm_sip_contacts {
	bool star;    /* "Contact: *" (then list is NULL) */
	unsigned count;
	const struct tdm_sip_contact *list;
};

/* Digest credentials or challenge (RFC 3261 §22, §25; RFC 7616):
 * Authorization, Proxy-Authorization, WWW-Authenticate,
 * Proxy-Authenticate. Values have their quotes removed; backslash escapes
 * inside quoted strings are left as they were. Absent fields are empty. */
struct tdm_sip_auth {
	struct tdm_str scheme;   /* "Digest" */
	struct tdm_str username, realm, nonce, uri, response, algorithm;
	struct tdm_str cnonce, opaque, qop, nc, stale, domain, userhash;
	struct tdm_str params;   /* the whole auth-param list, raw */
};

/* Parses one credentials/challenge value. 0 or -EBADMSG. */
TDM_API int tdm_sip_auth_parse(struct tdm_sip_auth *a, const struct tdm_str *value);

/* Comma-separated tokens of every header with one id (Supported, Require,
 * Allow ...). */
struct tdm_sip_tokens {
	unsigned count;
	const struct tdm_str *v;
};

/* Content-Type (§20.15) */
struct tdm_sip_ctype {
	struct tdm_str type, subtype; /* "application", "sdp" */
	struct tdm_str params;        /* raw, without the first ';' */
};

/* Event (RFC 6665 §8.2.1) */
struct tdm_sip_event {
	struct tdm_str package; /* "presence", "message-summary" ... */
	struct tdm_str id;      /* ;id= or empty */
	struct tdm_str params;
};

/* Limits applied while parsing; every message over them is refused. */
struct tdm_sip_limits {
	uint32_t max_msg_size;  /* bytes in all, body included */
	uint32_t max_headers;   /* header lines */
	uint32_t max_line_len;  /* bytes in one line (after unfolding) */
};
/* 65535 bytes, 256 headers, 8192 bytes a line. */
TDM_API extern const struct tdm_sip_limits tdm_sip_default_limits;

/* Why a message was refused: the byte offset where the problem was found
 * and a short reason usable as a 400 reason phrase (a static string). */
struct tdm_sip_error {
	uint32_t offset;
	const char *reason;
};

struct tdm_sip_lazy; /* private: caches of the lazy accessors */

/* A parsed message. All fields are read-only for everyone but the parser. */
struct tdm_sip_msg {
	struct tdm_arena *arena; /* owns buf and all derived data */
	bool own_arena;          /* freed with the message */
	const char *buf;         /* copy of the message bytes */
	size_t len;

	bool is_request;
	enum tdm_sip_method method;  /* request method, or the CSeq method
				      * of a response */
	struct tdm_str method_name;  /* request: as on the start line */
	struct tdm_str ruri;         /* request: Request-URI text */
	uint16_t status;             /* response: status code */
	struct tdm_str reason;       /* response: reason phrase */
	struct tdm_str version;      /* "SIP/2.0" (others parse; the proxy
				      * answers them 505) */
	struct tdm_str start_line;   /* without CRLF */

	struct tdm_sip_hdr *hdrs;    /* hdr_count entries, in wire order */
	uint32_t hdr_count;
	uint16_t first[TDM_HDR__COUNT]; /* index of the first header of each
					 * id, or TDM_SIP_NONE */

	/* Eagerly decoded: what transaction matching needs. */
	struct tdm_sip_via via1;     /* top Via (required) */
	struct tdm_sip_cseq cseq;    /* required */
	struct tdm_str call_id;      /* required */
	struct tdm_str from_tag;     /* empty when absent */
	struct tdm_str to_tag;       /* empty when absent */
	int32_t max_forwards;        /* -1 when absent */
	int64_t content_length;      /* -1 when absent */
	struct tdm_str body;         /* what follows the blank line, cut to
				      * Content-Length when it is present */
	struct tdm_sip_lazy *lazy;
};

/* Parses one complete message from data[0..len) (a UDP datagram, or what
 * tdm_frame_check() delimited on a stream). The bytes are copied into the
 * message's arena. With arena == NULL the message gets its own arena,
 * freed by tdm_sip_msg_free(); otherwise it is allocated from `arena`
 * and lives as long as that arena (tdm_sip_msg_free() then only runs
 * nothing; reset the arena instead). lim NULL means the default limits.
 * Returns 0, -EBADMSG with *err filled (err may be NULL), -EMSGSIZE (over
 * a limit, *err filled too) or -ENOMEM. */
TDM_API int tdm_sip_msg_parse(struct tdm_sip_msg **out, struct tdm_arena *arena,
			      const char *data, size_t len,
			      const struct tdm_sip_limits *lim,
			      struct tdm_sip_error *err);
TDM_API void tdm_sip_msg_free(struct tdm_sip_msg *m);

/* ---- Header lookup ------------------------------------------------------ */

/* The first header with this id, or NULL. */
TDM_API const struct tdm_sip_hdr *tdm_sip_msg_hdr(const struct tdm_sip_msg *m,
						  enum tdm_sip_hdr_id id);
/* The next header after h with the same id (or, for unknown headers, the
 * same name), or NULL. */
TDM_API const struct tdm_sip_hdr *tdm_sip_msg_hdr_next(const struct tdm_sip_msg *m,
						       const struct tdm_sip_hdr *h);
/* First header with this name (full, compact, or unknown), or NULL. */
TDM_API const struct tdm_sip_hdr *tdm_sip_msg_hdr_by_name(const struct tdm_sip_msg *m,
							  const struct tdm_str *name);

/* ---- Caching accessors --------------------------------------------------
 * Each parses its header(s) on first use and returns the cached result
 * afterwards. Return 0, -ENOENT (the message has no such header), -EBADMSG
 * (malformed) or -ENOMEM. Results live as long as the message. */

TDM_API int tdm_sip_msg_ruri_uri(struct tdm_sip_msg *m, const struct tdm_uri **out);
TDM_API int tdm_sip_msg_from(struct tdm_sip_msg *m, const struct tdm_sip_addr **out);
TDM_API int tdm_sip_msg_to(struct tdm_sip_msg *m, const struct tdm_sip_addr **out);
/* Every Via value, top first (out->next ...). */
TDM_API int tdm_sip_msg_vias(struct tdm_sip_msg *m, const struct tdm_sip_via **out);
TDM_API int tdm_sip_msg_contacts(struct tdm_sip_msg *m,
				 const struct tdm_sip_contacts **out);
/* Route, Record-Route or Path, by id. */
TDM_API int tdm_sip_msg_routes(struct tdm_sip_msg *m, enum tdm_sip_hdr_id id,
			       const struct tdm_sip_addr_list **out);
/* Authorization, Proxy-Authorization, WWW-Authenticate, Proxy-Authenticate:
 * the first header of that id. Use tdm_sip_auth_parse() for the others. */
TDM_API int tdm_sip_msg_auth(struct tdm_sip_msg *m, enum tdm_sip_hdr_id id,
			     const struct tdm_sip_auth **out);
TDM_API int tdm_sip_msg_expires(struct tdm_sip_msg *m, uint32_t *out);
TDM_API int tdm_sip_msg_event(struct tdm_sip_msg *m, const struct tdm_sip_event **out);
/* Supported, Require, Proxy-Require, Unsupported, Allow, Accept, ... */
TDM_API int tdm_sip_msg_tokens(struct tdm_sip_msg *m, enum tdm_sip_hdr_id id,
			       const struct tdm_sip_tokens **out);
TDM_API int tdm_sip_msg_ctype(struct tdm_sip_msg *m, const struct tdm_sip_ctype **out);
/* User-Agent (or any single-value header): the raw value. */
TDM_API int tdm_sip_msg_value(struct tdm_sip_msg *m, enum tdm_sip_hdr_id id,
			      struct tdm_str *out);
/* Parses every header the core knows, so that a malformed one is found
 * now rather than later (tandemctl sip parse, fuzzing, the torture tests).
 * 0, or -EBADMSG with *err naming the header's offset. */
TDM_API int tdm_sip_msg_parse_all(struct tdm_sip_msg *m, struct tdm_sip_error *err);

/* ---- Edits and serialisation (RFC 3261 §16.6) --------------------------
 * An edit list records changes against one message without touching it;
 * tdm_sip_build() copies the unchanged runs and splices the edits once.
 * Several lists may be layered (the script's edits, then one per branch). */

struct tdm_sip_edits;

/* New empty list allocated in the message's arena. 0 or -ENOMEM. */
TDM_API int tdm_sip_edits_new(struct tdm_sip_edits **out, struct tdm_sip_msg *m);
/* Replace the Request-URI (requests only). */
TDM_API int tdm_sip_edit_set_ruri(struct tdm_sip_edits *e, const struct tdm_str *uri);
/* Insert a header line "Name: value" before every other header (prepend, as
 * a proxy does for Via and Record-Route) or after the last one. */
TDM_API int tdm_sip_edit_add_hdr(struct tdm_sip_edits *e, const struct tdm_str *name,
				 const struct tdm_str *value, bool prepend);
/* Remove header number `index` (its whole line, folding included). */
TDM_API int tdm_sip_edit_del_hdr(struct tdm_sip_edits *e, uint32_t index);
/* Replace the value of header number `index`. */
TDM_API int tdm_sip_edit_set_hdr(struct tdm_sip_edits *e, uint32_t index,
				 const struct tdm_str *value);
/* Replace the body; Content-Length is rewritten (or added) to match. */
TDM_API int tdm_sip_edit_set_body(struct tdm_sip_edits *e, const struct tdm_str *body);
/* Serialises m with the edits of lists[0..n) applied, into out (appended).
 * Content-Length always matches the body sent. 0, -EINVAL (conflicting
 * edits) or -ENOMEM. */
TDM_API int tdm_sip_build(const struct tdm_sip_msg *m,
			  struct tdm_sip_edits *const *lists, unsigned n,
			  struct tdm_buf *out);

/* ---- Responses (RFC 3261 §8.2.6) --------------------------------------- */

/* Default reason phrase for a status code ("Not Found"), or "Unknown". */
TDM_API const char *tdm_sip_reason_phrase(unsigned code);

/* Builds a response to request `req` into out: status line, all Via headers,
 * From, To (adding ;tag=to_tag when the request's To has none and to_tag
 * is not empty), Call-ID, CSeq, then `extra` (complete header lines, each
 * ending in CRLF, may be empty), Content-Length and body (may be empty).
 * reason NULL uses tdm_sip_reason_phrase(). 0, -EINVAL or -ENOMEM. */
TDM_API int tdm_sip_reply_build(const struct tdm_sip_msg *req, unsigned code,
				const struct tdm_str *reason,
				const struct tdm_str *to_tag,
				const struct tdm_str *extra,
				const struct tdm_str *body, struct tdm_buf *out);

#endif
