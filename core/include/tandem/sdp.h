/* SPDX-License-Identifier: GPL-2.0-or-later
 * SDP session descriptions (RFC 4566): a zero-copy parser and a rewriter
 * that produces a new body with changed addresses, ports and attributes,
 * copying every line it was not asked to change. Built for media anchoring:
 * "set every c= to 203.0.113.5 and media i's port to P_i". */
#ifndef TANDEM_SDP_H
#define TANDEM_SDP_H

#include <stdbool.h>
#include <stdint.h>
#include <tandem/arena.h>
#include <tandem/buf.h>
#include <tandem/compiler.h>
#include <tandem/sip.h>
#include <tandem/str.h>

/* Ownership: every tdm_str below points into the body given to
 * tdm_sdp_parse() (usually a message's body, living in the message's
 * arena); every struct is allocated from the arena given to it. Nothing is
 * freed separately: the description lives while both the body and the
 * arena do. Slices never include the line ending. */

/* Section numbers in struct tdm_sdp_line and the edit functions: the
 * session level, or media 0, 1, ...; TDM_SDP_ALL for edits of all. */
#define TDM_SDP_SESSION (-1)
#define TDM_SDP_ALL     (-2)

enum tdm_sdp_addrtype {
	TDM_SDP_ADDR_OTHER = 0, /* an extension address type */
	TDM_SDP_IP4,
	TDM_SDP_IP6,
};

/* Media direction (RFC 4566 §6, RFC 3264 §5.1). NONE: no direction
 * attribute at that level. */
enum tdm_sdp_dir {
	TDM_SDP_DIR_NONE = 0,
	TDM_SDP_SENDRECV,
	TDM_SDP_SENDONLY,
	TDM_SDP_RECVONLY,
	TDM_SDP_INACTIVE,
};

/* "c=IN IP4 224.2.1.1/127/3" (§5.7) */
struct tdm_sdp_conn {
	struct tdm_str nettype;   /* "IN" */
	struct tdm_str addrtype;  /* "IP4", "IP6" */
	enum tdm_sdp_addrtype type;
	struct tdm_str addr;      /* "224.2.1.1": without /ttl and /count */
	struct tdm_str suffix;    /* "/127/3", empty for unicast */
};

/* "o=jdoe 2890844526 2890842807 IN IP4 10.47.16.5" (§5.2) */
struct tdm_sdp_origin {
	struct tdm_str username, sess_id, sess_version;
	struct tdm_str nettype, addrtype, addr;
	enum tdm_sdp_addrtype type;
};

/* "a=name:value" or "a=name" (§5.13) */
struct tdm_sdp_attr {
	struct tdm_str name;
	struct tdm_str value;     /* empty for a property attribute */
	bool has_value;
};

/* "a=rtpmap:96 opus/48000/2" (§6) */
struct tdm_sdp_rtpmap {
	uint32_t pt;
	struct tdm_str encoding;  /* "opus" */
	uint32_t clock;           /* 48000 */
	struct tdm_str params;    /* "2", empty when absent */
};

/* One line of the body, as the rewriter sees it. */
struct tdm_sdp_line {
	char type;                /* 'v', 'o', 'c', 'm', 'a' ... */
	int section;              /* TDM_SDP_SESSION or the media index */
	struct tdm_str value;     /* after "x=", without the line ending */
	struct tdm_str raw;       /* the whole line, line ending included */
};

/* One media description: "m=" line and what follows up to the next. */
struct tdm_sdp_media {
	struct tdm_str media;      /* "audio", "video", "application" ... */
	uint16_t port;
	uint32_t port_count;       /* "/2" of "49170/2"; 1 when absent */
	struct tdm_str proto;      /* "RTP/AVP", "UDP/TLS/RTP/SAVPF" ... */
	unsigned fmt_count;
	const struct tdm_str *fmts; /* "0", "8", "101" */
	bool has_conn;             /* a media-level c= line exists */
	struct tdm_sdp_conn conn;  /* media-level c=, else a copy of the
				    * session-level one (zeroed if none) */
	unsigned attr_count;
	const struct tdm_sdp_attr *attrs; /* media-level a= lines, in order */
	enum tdm_sdp_dir dir;      /* media-level direction attribute */
	int32_t rtcp_port;         /* a=rtcp (RFC 3605) port, -1 absent */
	struct tdm_sdp_conn rtcp_conn; /* its address, zeroed when absent */
	unsigned rtpmap_count;
	const struct tdm_sdp_rtpmap *rtpmaps;
};

/* A parsed session description. */
struct tdm_sdp {
	struct tdm_str body;       /* the whole body parsed */
	struct tdm_sdp_origin origin;
	struct tdm_str session_name; /* s= (may be a single space) */
	bool has_conn;             /* session-level c= */
	struct tdm_sdp_conn conn;
	uint64_t start, stop;      /* first t= line; 0 0 when absent */
	unsigned attr_count;
	const struct tdm_sdp_attr *attrs; /* session-level a= lines */
	enum tdm_sdp_dir dir;      /* session-level direction attribute */
	unsigned media_count;
	const struct tdm_sdp_media *media;
	unsigned line_count;
	const struct tdm_sdp_line *lines; /* every non-empty line, in order */
};

/* Parses the SDP in body[0..len). Lines end in CRLF or a lone LF (the last
 * one may have neither); empty lines are tolerated. Checked (RFC 4566 §5):
 * v=0 comes first; o= (six fields) and s= are present once, before any
 * m=; every "x=" line has a lower-case letter type and no NUL or stray CR;
 * c= has three fields; t= two numbers; m= "media port[/count] proto fmt..."
 * with a port below 65536 and at least one format unless the port is 0;
 * a media with a non-zero port has a connection at media or session level;
 * a=rtcp and a=rtpmap values are well-formed. Unknown line types and
 * attributes are kept as they are. t= is not required (real endpoints
 * forget it; a relay gains nothing by refusing them).
 * Returns 0 with *out set, -EBADMSG with *err (may be NULL) giving the
 * byte offset and a static reason, or -ENOMEM. */
TDM_API int tdm_sdp_parse(struct tdm_sdp **out, struct tdm_arena *a,
			  const char *body, size_t len,
			  struct tdm_sip_error *err);

/* The direction in force for media i: its own attribute, else the
 * session-level one, else SENDRECV (RFC 3264 §5.1). */
TDM_API enum tdm_sdp_dir tdm_sdp_media_dir(const struct tdm_sdp *sdp, unsigned i);
/* "sendrecv", "sendonly", "recvonly", "inactive"; "" for NONE. */
TDM_API const char *tdm_sdp_dir_name(enum tdm_sdp_dir d);

/* ---- Rewriting ---------------------------------------------------------
 * A struct tdm_sdp_edits records changes against one parsed description;
 * tdm_sdp_write() then emits the new body in one pass, copying unchanged
 * lines byte for byte (their own line endings included) and giving new
 * lines the ending of the first line of the body. The edits live in the
 * arena given to tdm_sdp_edits_new(); every value passed in is copied
 * there, so callers may pass temporaries. Values must not contain CR, LF
 * or NUL (-EINVAL). Later edits of the same thing override earlier ones.
 *
 * Sections: TDM_SDP_SESSION is the session level, 0..media_count-1 the
 * media descriptions, TDM_SDP_ALL every section (see each function).
 *
 * A media relay anchoring a call does:
 *	tdm_sdp_edits_new(&e, sdp, arena);
 *	tdm_sdp_edit_set_conn(e, TDM_SDP_ALL, &TDM_STR("IP4"), &ip);
 *	tdm_sdp_edit_set_origin(e, &TDM_STR("IP4"), &ip);
 *	for (i = 0; i < sdp->media_count; i++)
 *		tdm_sdp_edit_set_port(e, i, port[i]);
 *	tdm_sdp_edit_del_attr(e, TDM_SDP_ALL, "candidate");
 *	tdm_sdp_edit_set_attr(e, 0, "rtcp", &rtcp_value);   (if wanted)
 *	tdm_sdp_write(e, &out);
 */


struct tdm_sdp_edits;

/* New empty edit list for sdp, allocated from a. 0 or -ENOMEM. */
TDM_API int tdm_sdp_edits_new(struct tdm_sdp_edits **out,
			      const struct tdm_sdp *sdp, struct tdm_arena *a);

/* Connection address of a section: its c= line becomes
 * "c=<nettype> <addrtype> <addr>" (any /ttl/count suffix dropped). A media
 * section without its own c= gets one (after m= and i=, before b=/k=/a=);
 * so does the session level (before b=/t=/.../a=). TDM_SDP_ALL changes the
 * session-level c= when there is one and every media section that has its
 * own c= or is not covered by a session-level one, so after it every
 * stream uses addr. 0, -EINVAL (bad section or value) or -ENOMEM. */
TDM_API int tdm_sdp_edit_set_conn(struct tdm_sdp_edits *e, int section,
				  const struct tdm_str *addrtype,
				  const struct tdm_str *addr);
/* Address type and address of the o= line (other fields kept). */
TDM_API int tdm_sdp_edit_set_origin(struct tdm_sdp_edits *e,
				    const struct tdm_str *addrtype,
				    const struct tdm_str *addr);
/* Port of media description `media` (the m= line; "/count" and the rest
 * are kept). 0 or -EINVAL (no such media). */
TDM_API int tdm_sdp_edit_set_port(struct tdm_sdp_edits *e, unsigned media,
				  uint16_t port);
/* Removes every "a=name" / "a=name:..." line of the section (TDM_SDP_ALL:
 * of every section), and forgets earlier set/add edits of that name
 * there. Names compare case-sensitively. 0, -EINVAL or -ENOMEM. */
TDM_API int tdm_sdp_edit_del_attr(struct tdm_sdp_edits *e, int section,
				  const char *name);
/* Replaces the section's a=name lines with one "a=name:value" (or
 * "a=name" when value is NULL), written where the first one was, or at
 * the end of the section when there was none. TDM_SDP_ALL: in every media
 * section (not the session level). 0, -EINVAL or -ENOMEM. */
TDM_API int tdm_sdp_edit_set_attr(struct tdm_sdp_edits *e, int section,
				  const char *name, const struct tdm_str *value);
/* Appends "a=name[:value]" at the end of the section, keeping existing
 * lines (for repeatable attributes: candidate, fmtp, ssrc ...).
 * TDM_SDP_ALL: to every media section. 0, -EINVAL or -ENOMEM. */
TDM_API int tdm_sdp_edit_add_attr(struct tdm_sdp_edits *e, int section,
				  const char *name, const struct tdm_str *value);
/* Sets the direction of a section: every sendrecv/sendonly/recvonly/
 * inactive line there is removed and the new one written where the first
 * was (or at the end). TDM_SDP_DIR_NONE just removes them. TDM_SDP_ALL: every
 * media section gets dir and the session level loses its direction lines.
 * 0, -EINVAL or -ENOMEM. */
TDM_API int tdm_sdp_edit_set_dir(struct tdm_sdp_edits *e, int section,
				 enum tdm_sdp_dir dir);

/* Appends the rewritten body to out. May be called again (for example
 * after more edits). 0 or -ENOMEM (out->err is set too). */
TDM_API int tdm_sdp_write(struct tdm_sdp_edits *e, struct tdm_buf *out);

#endif
