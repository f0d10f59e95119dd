/* SPDX-License-Identifier: GPL-2.0-or-later
 * Fixture for the core/txn tests: a transaction engine on a real event
 * loop whose timer wheel the tests advance by hand (the loop is never
 * run, so no test sleeps or depends on timing), a send function that
 * records every message, transaction-user callbacks that record every
 * call, and builders that turn SIP text into parsed messages. */
#ifndef TDM_TEST_TXN_FIXTURE_H
#define TDM_TEST_TXN_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tandem/loop.h>
#include <tandem/sip.h>
#include "txn/txn.h"

/* Timer values of the default configuration, ms. They are all distinct
 * so a test can tell which timer ended a transaction. */
#define TX_T1 500
#define TX_T2 4000
#define TX_T4 5000
#define TX_LINGER 20000
#define TX_64T1 (64 * TX_T1) /* B, F, H */

#define TX_MAX_SENT 64
#define TX_MAX_CALLS 32

/* One message handed to the send function. data is a NUL-terminated
 * copy (plain malloc, freed by tx_env_free / tx_sent_clear). */
struct tx_sent {
	struct tdm_dest dest;
	char *data;
	size_t len;
	uint64_t cookie;
};

struct tx_resp_call {
	struct tdm_cli *c;
	unsigned status;
	char to_tag[64];
};

struct tx_failed_call {
	struct tdm_cli *c;
	int err;
};

struct tx_env {
	struct tdm_loop *loop;
	struct tdm_txns *t;
	struct tx_sent sent[TX_MAX_SENT];
	unsigned nsent;
	int send_rc;                 /* what the send function returns */
	struct tx_resp_call resp[TX_MAX_CALLS];
	unsigned nresp;
	struct tx_failed_call failed[TX_MAX_CALLS];
	unsigned nfailed;
	struct tdm_cli *cli_gone[TX_MAX_CALLS];
	unsigned ncli_gone;
	struct tdm_srv *srv_gone[TX_MAX_CALLS];
	unsigned nsrv_gone;
	struct tdm_srv *srv_req_gone[TX_MAX_CALLS];
	unsigned nsrv_req_gone;
	char log[1024];              /* "resp:180 failed:-110 cli_gone ..." */
};

/* The configuration tx_env_init uses when cfg is NULL: the TX_* values,
 * timer_b/timer_f 0 (64*T1), max_server 64. */
struct tdm_txn_cfg tx_cfg(void);
/* Sets up e (loop, engine on worker 3). Fails the test when it cannot. */
void tx_env_init(struct tx_env *e, const struct tdm_txn_cfg *cfg);
/* Frees the engine (its gone callbacks are recorded), the loop and the
 * recorded messages. */
void tx_env_free(struct tx_env *e);

/* Moves the wheel's clock ms forward, firing the due timers. */
void tx_advance(struct tx_env *e, uint64_t ms);
/* Forgets the recorded messages. */
void tx_sent_clear(struct tx_env *e);
/* The first line of recorded message i, without CRLF (static buffer;
 * "" when there is no message i). */
const char *tx_sent_line(const struct tx_env *e, unsigned i);
/* Does recorded message i contain s? */
bool tx_sent_has(const struct tx_env *e, unsigned i, const char *s);
/* Are recorded messages i and j byte for byte the same? */
bool tx_sent_same(const struct tx_env *e, unsigned i, unsigned j);
/* Recorded message i parsed (free it with tdm_sip_msg_free), or NULL. */
struct tdm_sip_msg *tx_sent_msg(const struct tx_env *e, unsigned i);

/* Parses text (CRLF line ends) with its own arena; NULL on failure. */
struct tdm_sip_msg *tx_parse(const char *text);

/* A request. NULL / 0 fields take defaults: method "INVITE", ruri
 * "sip:bob@127.0.0.1", via "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKa1",
 * call_id "c1@127.0.0.1", from_tag "ft1", no To-tag, cseq 1, cseq_method
 * = method, no extra header lines (extra: complete lines with CRLF). */
struct tx_req {
	const char *method, *ruri, *via, *call_id, *from_tag, *to_tag;
	const char *cseq_method, *extra;
	unsigned cseq;
};
struct tdm_sip_msg *tx_req_msg(const struct tx_req *r);
#define TX_REQ(...) tx_req_msg(&(struct tx_req){ __VA_ARGS__ })

/* A response. Defaults: code 200, reason from the code, via as for
 * requests, call_id and from_tag as for requests, no To-tag, cseq 1,
 * cseq_method "INVITE". */
struct tx_resp {
	unsigned code;
	const char *via, *to_tag, *cseq_method, *call_id;
	unsigned cseq;
};
struct tdm_sip_msg *tx_resp_msg(const struct tx_resp *r);
#define TX_RESP(...) tx_resp_msg(&(struct tx_resp){ __VA_ARGS__ })

/* Where a request came from: proto, "IP:PORT" source, conn_id (streams). */
struct tdm_rcv tx_rcv(enum tdm_proto proto, const char *src, uint64_t conn_id);
/* A destination: proto, "IP:PORT". */
struct tdm_dest tx_dest(enum tdm_proto proto, const char *addr);

/* Server side: matches req (must be TDM_SRV_NEW) and creates its server
 * transaction, which takes req over. NULL on failure (test failed). */
struct tdm_srv *tx_srv_start(struct tx_env *e, struct tdm_sip_msg *req,
			     const struct tdm_rcv *rcv);
/* Matches req and frees it; returns the match result. */
enum tdm_srv_match tx_srv_feed(struct tx_env *e, struct tdm_sip_msg *req,
			       const struct tdm_rcv *rcv);

/* Client side: the text of a request with our Via (branch) on top, an
 * upstream Via below it, two Route headers, From/To/Call-ID of the
 * defaults and CSeq 1 method. Written to buf (size bytes). */
size_t tx_cli_text(char *buf, size_t size, const char *method,
		   const char *branch);
/* Starts a client transaction for method over proto to 127.0.0.1:5080
 * with a new branch of ours (copied to branch, TDM_TXN_BRANCH_MAX
 * bytes). NULL on failure (test failed). */
struct tdm_cli *tx_cli_start(struct tx_env *e, enum tdm_sip_method method,
			     enum tdm_proto proto, char *branch);
/* The top Via value of responses to a client transaction with branch. */
const char *tx_cli_via(const char *branch);
/* Feeds a response (tx_resp_msg of r, via taken from branch) to the
 * engine and frees it; returns tdm_cli_match's result. */
int tx_cli_feed(struct tx_env *e, const char *branch, struct tx_resp r);

#endif
