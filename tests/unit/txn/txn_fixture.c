/* SPDX-License-Identifier: GPL-2.0-or-later
 * Fixture for the core/txn tests (see txn_fixture.h): recording send and
 * callbacks, a hand-driven clock, SIP text builders. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tandem/addr.h>
#include <tandem/wheel.h>
#include "test.h"
#include "txn_fixture.h"

/* Appends one word to the event log. */
static void logf_(struct tx_env *e, const char *fmt, ...)
{
	size_t n = strlen(e->log);
	va_list ap;

	if (n + 1 >= sizeof(e->log))
		return;
	va_start(ap, fmt);
	vsnprintf(e->log + n, sizeof(e->log) - n, fmt, ap);
	va_end(ap);
}

static int rec_send(void *arg, const struct tdm_dest *d, const char *data,
		    size_t len, uint64_t cookie)
{
	struct tx_env *e = arg;
	struct tx_sent *s;

	CU_ASSERT_FATAL(e->nsent < TX_MAX_SENT);
	s = &e->sent[e->nsent++];
	s->dest = *d;
	s->data = malloc(len + 1);
	CU_ASSERT_FATAL(s->data != NULL);
	memcpy(s->data, data, len);
	s->data[len] = '\0';
	s->len = len;
	s->cookie = cookie;
	return e->send_rc;
}

static void rec_cli_response(void *u, struct tdm_cli *c,
			     struct tdm_sip_msg *resp)
{
	struct tx_env *e = u;
	struct tx_resp_call *r;

	CU_ASSERT_FATAL(e->nresp < TX_MAX_CALLS);
	r = &e->resp[e->nresp++];
	r->c = c;
	r->status = resp->status;
	snprintf(r->to_tag, sizeof(r->to_tag), "%.*s",
		 TDM_STR_FMT(&resp->to_tag));
	logf_(e, "resp:%u ", resp->status);
}

static void rec_cli_failed(void *u, struct tdm_cli *c, int err)
{
	struct tx_env *e = u;

	CU_ASSERT_FATAL(e->nfailed < TX_MAX_CALLS);
	e->failed[e->nfailed].c = c;
	e->failed[e->nfailed++].err = err;
	logf_(e, "failed:%d ", err);
}

static void rec_cli_gone(void *u, struct tdm_cli *c)
{
	struct tx_env *e = u;

	CU_ASSERT_FATAL(e->ncli_gone < TX_MAX_CALLS);
	e->cli_gone[e->ncli_gone++] = c;
	logf_(e, "cli_gone ");
}

static void rec_srv_gone(void *u, struct tdm_srv *s)
{
	struct tx_env *e = u;

	CU_ASSERT_FATAL(e->nsrv_gone < TX_MAX_CALLS);
	e->srv_gone[e->nsrv_gone++] = s;
	logf_(e, "srv_gone ");
}

static void rec_srv_request_gone(void *u, struct tdm_srv *s)
{
	struct tx_env *e = u;

	CU_ASSERT_FATAL(e->nsrv_req_gone < TX_MAX_CALLS);
	e->srv_req_gone[e->nsrv_req_gone++] = s;
}

static const struct tdm_txn_user rec_user = {
	.cli_response = rec_cli_response,
	.cli_failed = rec_cli_failed,
	.cli_gone = rec_cli_gone,
	.srv_gone = rec_srv_gone,
	.srv_request_gone = rec_srv_request_gone,
};

struct tdm_txn_cfg tx_cfg(void)
{
	return (struct tdm_txn_cfg){
		.t1 = TX_T1, .t2 = TX_T2, .t4 = TX_T4,
		.linger = TX_LINGER, .max_server = 64,
	};
}

void tx_env_init(struct tx_env *e, const struct tdm_txn_cfg *cfg)
{
	struct tdm_txn_cfg def = tx_cfg();

	memset(e, 0, sizeof(*e));
	CU_ASSERT_FATAL(tdm_loop_new(&e->loop) == 0);
	CU_ASSERT_FATAL(tdm_txns_new(&e->t, e->loop, 3, cfg ? cfg : &def,
				     rec_send, e, &rec_user, e) == 0);
}

void tx_sent_clear(struct tx_env *e)
{
	for (unsigned i = 0; i < e->nsent; i++)
		free(e->sent[i].data);
	e->nsent = 0;
}

void tx_env_free(struct tx_env *e)
{
	tdm_txns_free(e->t);
	e->t = NULL;
	tdm_loop_free(e->loop);
	e->loop = NULL;
	tx_sent_clear(e);
}

void tx_advance(struct tx_env *e, uint64_t ms)
{
	struct tdm_wheel *w = tdm_loop_wheel(e->loop);

	tdm_wheel_advance(w, tdm_wheel_now(w) + ms);
}

const char *tx_sent_line(const struct tx_env *e, unsigned i)
{
	static char line[256];
	const char *end;
	size_t n;

	line[0] = '\0';
	if (i >= e->nsent)
		return line;
	end = strstr(e->sent[i].data, "\r\n");
	n = end ? (size_t)(end - e->sent[i].data) : e->sent[i].len;
	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	memcpy(line, e->sent[i].data, n);
	line[n] = '\0';
	return line;
}

bool tx_sent_has(const struct tx_env *e, unsigned i, const char *s)
{
	return i < e->nsent && strstr(e->sent[i].data, s) != NULL;
}

bool tx_sent_same(const struct tx_env *e, unsigned i, unsigned j)
{
	return i < e->nsent && j < e->nsent && e->sent[i].len == e->sent[j].len &&
	       !memcmp(e->sent[i].data, e->sent[j].data, e->sent[i].len);
}

struct tdm_sip_msg *tx_sent_msg(const struct tx_env *e, unsigned i)
{
	struct tdm_sip_msg *m = NULL;

	if (i >= e->nsent ||
	    tdm_sip_msg_parse(&m, NULL, e->sent[i].data, e->sent[i].len, NULL,
			      NULL))
		return NULL;
	return m;
}

struct tdm_sip_msg *tx_parse(const char *text)
{
	struct tdm_sip_msg *m = NULL;
	struct tdm_sip_error err = { 0, NULL };
	int rc = tdm_sip_msg_parse(&m, NULL, text, strlen(text), NULL, &err);

	if (rc) {
		fprintf(stderr, "tx_parse: %d at %u (%s):\n%s\n", rc,
			(unsigned)err.offset, err.reason ? err.reason : "", text);
		return NULL;
	}
	return m;
}

#define DEF(x, d) ((x) ? (x) : (d))
#define DEF_VIA "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKa1"

struct tdm_sip_msg *tx_req_msg(const struct tx_req *r)
{
	char text[2048];
	const char *method = DEF(r->method, "INVITE");
	const char *to_tag = DEF(r->to_tag, "");

	snprintf(text, sizeof(text),
		 "%s %s SIP/2.0\r\n"
		 "Via: %s\r\n"
		 "Max-Forwards: 70\r\n"
		 "From: <sip:alice@127.0.0.1>;tag=%s\r\n"
		 "To: <sip:bob@127.0.0.1>%s%s\r\n"
		 "Call-ID: %s\r\n"
		 "CSeq: %u %s\r\n"
		 "%s"
		 "Content-Length: 0\r\n\r\n",
		 method, DEF(r->ruri, "sip:bob@127.0.0.1"), DEF(r->via, DEF_VIA),
		 DEF(r->from_tag, "ft1"), *to_tag ? ";tag=" : "", to_tag,
		 DEF(r->call_id, "c1@127.0.0.1"), r->cseq ? r->cseq : 1,
		 DEF(r->cseq_method, method), DEF(r->extra, ""));
	return tx_parse(text);
}

struct tdm_sip_msg *tx_resp_msg(const struct tx_resp *r)
{
	char text[2048];
	unsigned code = r->code ? r->code : 200;
	const char *to_tag = DEF(r->to_tag, "");

	snprintf(text, sizeof(text),
		 "SIP/2.0 %u %s\r\n"
		 "Via: %s\r\n"
		 "From: <sip:alice@127.0.0.1>;tag=ft1\r\n"
		 "To: <sip:bob@127.0.0.1>%s%s\r\n"
		 "Call-ID: %s\r\n"
		 "CSeq: %u %s\r\n"
		 "Content-Length: 0\r\n\r\n",
		 code, tdm_sip_reason_phrase(code), DEF(r->via, DEF_VIA),
		 *to_tag ? ";tag=" : "", to_tag, DEF(r->call_id, "c1@127.0.0.1"),
		 r->cseq ? r->cseq : 1, DEF(r->cseq_method, "INVITE"));
	return tx_parse(text);
}

struct tdm_rcv tx_rcv(enum tdm_proto proto, const char *src, uint64_t conn_id)
{
	struct tdm_rcv r;
	struct tdm_str s = tdm_str_c(src);

	memset(&r, 0, sizeof(r));
	r.proto = proto;
	CU_ASSERT(tdm_addr_parse(&r.src, &s, NULL) == 0);
	r.conn_id = conn_id;
	r.worker = 3;
	return r;
}

struct tdm_dest tx_dest(enum tdm_proto proto, const char *addr)
{
	struct tdm_dest d;
	struct tdm_str s = tdm_str_c(addr);

	memset(&d, 0, sizeof(d));
	d.proto = proto;
	CU_ASSERT(tdm_addr_parse(&d.addr, &s, NULL) == 0);
	return d;
}

struct tdm_srv *tx_srv_start(struct tx_env *e, struct tdm_sip_msg *req,
			     const struct tdm_rcv *rcv)
{
	struct tdm_srv *s = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(req);
	CU_ASSERT_EQUAL_FATAL(tdm_srv_match(e->t, req, rcv), TDM_SRV_NEW);
	CU_ASSERT_EQUAL_FATAL(tdm_srv_new(e->t, req, rcv, &s), 0);
	return s;
}

enum tdm_srv_match tx_srv_feed(struct tx_env *e, struct tdm_sip_msg *req,
			       const struct tdm_rcv *rcv)
{
	enum tdm_srv_match m;

	CU_ASSERT_PTR_NOT_NULL_FATAL(req);
	m = tdm_srv_match(e->t, req, rcv);
	tdm_sip_msg_free(req);
	return m;
}

size_t tx_cli_text(char *buf, size_t size, const char *method,
		   const char *branch)
{
	int n = snprintf(buf, size,
			 "%s sip:bob@127.0.0.1:5080;transport=udp SIP/2.0\r\n"
			 "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=%s;rport\r\n"
			 "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKup;received=127.0.0.1\r\n"
			 "Route: <sip:p1@127.0.0.1:5090;lr>\r\n"
			 "Route: <sip:p2@127.0.0.1:5091;lr>, <sip:p3@127.0.0.1;lr>\r\n"
			 "Max-Forwards: 69\r\n"
			 "From: \"Alice\" <sip:alice@127.0.0.1>;tag=ft1\r\n"
			 "To: <sip:bob@127.0.0.1>\r\n"
			 "Call-ID: c1@127.0.0.1\r\n"
			 "CSeq: 1 %s\r\n"
			 "Contact: <sip:alice@127.0.0.1:5070>\r\n"
			 "Content-Length: 0\r\n\r\n",
			 method, branch, method);
	return (size_t)n;
}

struct tdm_cli *tx_cli_start(struct tx_env *e, enum tdm_sip_method method,
			     enum tdm_proto proto, char *branch)
{
	char text[2048];
	struct tdm_dest d = tx_dest(proto, "127.0.0.1:5080");
	struct tdm_str b;
	struct tdm_cli *c = NULL;
	size_t len;

	b.len = tdm_txn_branch(e->t, 0x1234abcd, branch);
	b.s = branch;
	len = tx_cli_text(text, sizeof(text), tdm_sip_method_name(method), branch);
	CU_ASSERT_EQUAL_FATAL(tdm_cli_new(e->t, method, &b, &d, text, len, e, &c), 0);
	return c;
}

const char *tx_cli_via(const char *branch)
{
	static char via[256];

	snprintf(via, sizeof(via),
		 "SIP/2.0/UDP 127.0.0.1:5060;branch=%s;rport=5060, "
		 "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKup;received=127.0.0.1",
		 branch);
	return via;
}

int tx_cli_feed(struct tx_env *e, const char *branch, struct tx_resp r)
{
	struct tdm_sip_msg *m;
	int rc;

	r.via = tx_cli_via(branch);
	m = tx_resp_msg(&r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	rc = tdm_cli_match(e->t, m);
	tdm_sip_msg_free(m);
	return rc;
}
