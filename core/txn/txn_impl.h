/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private to core/txn: the transaction objects and the engine's tables. */
#ifndef TDM_TXN_IMPL_H
#define TDM_TXN_IMPL_H

#include <tandem/hash.h>
#include <tandem/log.h>
#include "txn/txn.h"

extern struct tdm_log_subsys tdm_log_txn;

enum tdm_srv_state {
	SRV_TRYING,      /* non-INVITE, no response yet */
	SRV_PROCEEDING,  /* a provisional response was sent (INVITE: from start) */
	SRV_COMPLETED,   /* final non-2xx sent (or any final, non-INVITE) */
	SRV_CONFIRMED,   /* INVITE: ACK received */
	SRV_ACCEPTED,    /* INVITE: 2xx sent (RFC 6026) */
	SRV_TERMINATED,
};

/* What matching a server transaction needs (§17.2.3), as slices: into
 * the request while the transaction keeps it, into `copy` once it was
 * compacted. */
struct tdm_srv_key {
	struct tdm_str branch, host, call_id, from_tag, to_tag, ruri,
		via_value, method_name;
	uint16_t port;
	uint32_t cseq;
	enum tdm_sip_method method;
	char *copy;                /* owned, after compaction */
};

struct tdm_srv {
	struct tdm_hash_node hn;
	struct tdm_txns *t;
	struct tdm_sip_msg *req;   /* owned; NULL once compacted */
	struct tdm_srv_key key;
	struct tdm_rcv rcv;
	struct tdm_dest reply_to;
	enum tdm_srv_state state;
	bool invite, reliable;
	bool rfc2543;              /* matched by the old rules */
	bool active;               /* counted in tdm_txns.active */
	unsigned status;           /* last response sent */
	struct tdm_buf last;       /* its bytes, for retransmission */
	unsigned g_ms;             /* current Timer G interval */
	struct tdm_timer retx;     /* G */
	struct tdm_timer end;      /* H, I, J, Accepted linger */
	char to_tag[20];
	bool key_in_last;          /* the key's strings follow last's bytes
				    * in its block (compacted) */
	void *user;
};

enum tdm_cli_state {
	CLI_CALLING,     /* INVITE: sent, no response / non-INVITE: Trying */
	CLI_PROCEEDING,
	CLI_COMPLETED,
	CLI_TERMINATED,
};

struct tdm_cli {
	struct tdm_hash_node hn;
	struct tdm_hash_node hc;   /* by cookie */
	struct tdm_txns *t;
	enum tdm_cli_state state;
	enum tdm_sip_method method;
	bool invite, reliable;
	bool active;               /* counted in tdm_txns.active */
	unsigned status;
	struct tdm_dest dest;
	struct tdm_buf req;        /* the request as sent */
	struct tdm_sip_msg *req_msg; /* req parsed, on demand */
	struct tdm_buf ack;        /* INVITE: the ACK for a non-2xx final */
	char branch[TDM_TXN_BRANCH_MAX];
	size_t branch_len;
	char *sni;                 /* owned copy of dest.sni */
	uint64_t cookie;
	unsigned retx_ms;
	struct tdm_timer retx;     /* A, E */
	struct tdm_timer end;      /* B, F, D, K */
	void *user;
};

struct tdm_txns {
	struct tdm_loop *loop;
	unsigned worker;
	struct tdm_txn_cfg cfg;
	tdm_txn_send_fn *send;
	void *send_arg;
	struct tdm_txn_user user;
	void *user_arg;
	struct tdm_hash srv;       /* by branch (or Call-ID for RFC 2543) */
	struct tdm_hash cli;       /* by our branch */
	struct tdm_hash cli_cookie;
	uint64_t next_id;
	uint64_t active;           /* transactions not yet completed */
	struct tdm_txn_stats st;
	struct tdm_buf scratch;    /* responses built here, reused (the send
				    * copies them) */
};

static inline struct tdm_wheel *txn_wheel(const struct tdm_txns *t)
{
	return tdm_loop_wheel(t->loop);
}

/* Hashing of the matching keys (match.c). */
/* The server-table hash of request m; *rfc2543 tells which rules apply. */
uint32_t tdm_txn_srv_hash(const struct tdm_sip_msg *m, bool *rfc2543);
/* Does server transaction s hold request m, read as a request of method
 * `as` (INVITE for an ACK or a CANCEL looking for its INVITE)? */
bool tdm_txn_srv_eq(const struct tdm_srv *s, const struct tdm_sip_msg *m,
		    enum tdm_sip_method as);

void tdm_txn_srv_key(struct tdm_srv_key *k, const struct tdm_sip_msg *m);
int tdm_txn_srv_key_own(struct tdm_srv_key *k);
/* The bytes of the key's strings, and copying them to p (the key then
 * points there). */
size_t tdm_txn_srv_key_len(struct tdm_srv_key *k);
void tdm_txn_srv_key_copy(struct tdm_srv_key *k, char *p);

/* v in lower-case hex, NUL-terminated (at most 16 digits); returns the
 * number of digits (engine.c). */
size_t tdm_txn_hex(char *buf, uint64_t v);

void tdm_srv_free(struct tdm_srv *s);
void tdm_cli_free(struct tdm_cli *c);

#endif
