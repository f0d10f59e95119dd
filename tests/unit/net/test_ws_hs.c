/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for core/net/ws_hs.c, the WebSocket opening handshake: the RFC
 * 6455 §1.3 key, header spelling and list forms, every refusal with the
 * answer it writes, incomplete and oversized heads (before a guard page),
 * the client side against our own server side, and OOM injection. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <tandem/alloc.h>
#include <tandem/buf.h>
#include "net/ws.h"
#include "net/ws_impl.h"
#include "test.h"

#define RFC_KEY "dGhlIHNhbXBsZSBub25jZQ=="
#define RFC_ACCEPT "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="

#define REQ_LINE "GET /ws HTTP/1.1\r\n"
#define REQ_HEADERS                                                          \
	"Host: sip.example.com\r\n"                                          \
	"Upgrade: websocket\r\n"                                             \
	"Connection: Upgrade\r\n"                                            \
	"Sec-WebSocket-Key: " RFC_KEY "\r\n"                                 \
	"Origin: http://www.example.com\r\n"                                 \
	"Sec-WebSocket-Protocol: sip\r\n"                                    \
	"Sec-WebSocket-Version: 13\r\n"
#define REQ REQ_LINE REQ_HEADERS "\r\n"

/* Runs tdm_ws_accept over a guard copy of req with limit max. */
static long accept_s(const char *req, size_t max, struct tdm_buf *resp,
		     const char **why)
{
	size_t n = strlen(req);
	const char *g = tdm_guard_copy(req, n);
	long r = tdm_ws_accept(g, n, max, resp, why);

	tdm_guard_free(g, n);
	return r;
}

/* The accept value in a key[32] array, as the API wants it. */
static const char rfc_acc[32] = RFC_ACCEPT;

static bool has(const struct tdm_buf *b, const char *s)
{
	return b->data && strstr(b->data, s) != NULL;
}

static void test_net_ws_hs_rfc_key(void)
{
	struct tdm_buf resp = TDM_BUF_INIT;
	const char *why = NULL;
	char acc[32];

	CU_ASSERT_EQUAL(tdm_ws_accept_value(RFC_KEY, 24, acc), 0);
	CU_ASSERT_STRING_EQUAL(acc, RFC_ACCEPT);
	CU_ASSERT_EQUAL(tdm_ws_accept_value(RFC_KEY, 23, acc), -EINVAL);
	CU_ASSERT_EQUAL(accept_s(REQ, 4096, &resp, &why), (long)strlen(REQ));
	CU_ASSERT_STRING_EQUAL(resp.data,
			       "HTTP/1.1 101 Switching Protocols\r\n"
			       "Upgrade: websocket\r\n"
			       "Connection: Upgrade\r\n"
			       "Sec-WebSocket-Accept: " RFC_ACCEPT "\r\n"
			       "Sec-WebSocket-Protocol: sip\r\n\r\n");
	CU_ASSERT_PTR_NULL(why);
	tdm_buf_free(&resp);
}

/* Header names in any case, list forms, repeated list headers, bare LF
 * line ends, frames right behind the head. */
static void test_net_ws_hs_spelling(void)
{
	static const char *const ok[] = {
		"GET / HTTP/1.1\r\nhost: x\r\nUPGRADE: WebSocket\r\n"
		"connection: keep-alive, Upgrade\r\nsec-websocket-key: " RFC_KEY
		"\r\nSEC-WEBSOCKET-VERSION:13\r\n"
		"sec-websocket-protocol: foo,  sip , bar\r\n\r\n",
		"GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: upgrade\r\n"
		"Connection: keep-alive\r\nSec-WebSocket-Key: " RFC_KEY "\r\n"
		"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: foo\r\n"
		"Sec-WebSocket-Protocol: SIP\r\n"
		"Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n",
		"GET /?a=b HTTP/1.1\nUpgrade: websocket\nConnection: Upgrade\n"
		"Sec-WebSocket-Key: " RFC_KEY "\nSec-WebSocket-Version: 13 \n"
		"Sec-WebSocket-Protocol: sip\n\n",
	};
	struct tdm_buf resp = TDM_BUF_INIT;
	char req[1024];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		CU_ASSERT_EQUAL(accept_s(ok[i], 4096, &resp, NULL),
				(long)strlen(ok[i]));
		CU_ASSERT_TRUE(has(&resp, "Sec-WebSocket-Accept: " RFC_ACCEPT "\r\n"));
		tdm_buf_reset(&resp);
	}
	snprintf(req, sizeof(req), "%s\x81\x85\x37\xfa", REQ);
	CU_ASSERT_EQUAL(accept_s(req, 4096, &resp, NULL), (long)strlen(REQ));
	tdm_buf_free(&resp);
}

/* Every strict prefix is incomplete; a limit below the head's length
 * is -EMSGSIZE, at it fine. */
static void test_net_ws_hs_incomplete(void)
{
	struct tdm_buf resp = TDM_BUF_INIT;
	const char *why = NULL;
	size_t n = strlen(REQ);
	char req[1024];

	for (size_t i = 0; i < n; i++) {
		memcpy(req, REQ, i);
		req[i] = '\0';
		CU_ASSERT_EQUAL(accept_s(req, 4096, &resp, &why), -EAGAIN);
	}
	CU_ASSERT_EQUAL(resp.len, 0);
	CU_ASSERT_EQUAL(accept_s(REQ, n - 1, &resp, &why), -EMSGSIZE);
	CU_ASSERT_STRING_EQUAL(why, "request too long");
	CU_ASSERT_EQUAL(resp.len, 0);
	memcpy(req, REQ, 20);
	req[20] = '\0';
	CU_ASSERT_EQUAL(accept_s(req, 20, &resp, &why), -EMSGSIZE);
	CU_ASSERT_EQUAL(accept_s(req, 21, &resp, &why), -EAGAIN);
	CU_ASSERT_EQUAL(accept_s(REQ, n, &resp, &why), (long)n);
	tdm_buf_free(&resp);
}

struct bad_req {
	const char *req;
	const char *why;
	int status;
};

#define H_UP "Upgrade: websocket\r\n"
#define H_CONN "Connection: Upgrade\r\n"
#define H_KEY "Sec-WebSocket-Key: " RFC_KEY "\r\n"
#define H_VER "Sec-WebSocket-Version: 13\r\n"
#define H_PROTO "Sec-WebSocket-Protocol: sip\r\n"
#define GET "GET / HTTP/1.1\r\n"

static const struct bad_req bad_reqs[] = {
	{ "POST / HTTP/1.1\r\n" H_UP H_CONN H_KEY H_VER H_PROTO "\r\n",
	  "method is not GET", 400 },
	{ "get / HTTP/1.1\r\n" H_UP H_CONN H_KEY H_VER H_PROTO "\r\n",
	  "method is not GET", 400 },
	{ "GET / HTTP/1.0\r\n" H_UP H_CONN H_KEY H_VER H_PROTO "\r\n",
	  "not HTTP/1.1", 400 },
	{ "GET /\r\n" H_UP H_CONN H_KEY H_VER H_PROTO "\r\n",
	  "malformed request line", 400 },
	{ "GET  / HTTP/1.1\r\n" H_UP H_CONN H_KEY H_VER H_PROTO "\r\n",
	  "malformed request line", 400 },
	{ "\r\n" GET H_UP "\r\n", "malformed header", 400 },
	{ GET "Upgrade websocket\r\n" H_CONN H_KEY H_VER H_PROTO "\r\n",
	  "malformed header", 400 },
	{ GET "Upgrade : websocket\r\n" H_CONN H_KEY H_VER H_PROTO "\r\n",
	  "malformed header", 400 },
	{ GET ": websocket\r\n" H_UP H_CONN H_KEY H_VER H_PROTO "\r\n",
	  "malformed header", 400 },
	{ GET H_UP " folded\r\n" H_CONN H_KEY H_VER H_PROTO "\r\n",
	  "malformed header", 400 },
	{ GET H_CONN H_KEY H_VER H_PROTO "\r\n", "no Upgrade: websocket", 400 },
	{ GET "Upgrade: h2c\r\n" H_CONN H_KEY H_VER H_PROTO "\r\n",
	  "no Upgrade: websocket", 400 },
	{ GET H_UP H_KEY H_VER H_PROTO "\r\n", "no Connection: Upgrade", 400 },
	{ GET H_UP "Connection: keep-alive\r\n" H_KEY H_VER H_PROTO "\r\n",
	  "no Connection: Upgrade", 400 },
	{ GET H_UP "Connection: Upgraded\r\n" H_KEY H_VER H_PROTO "\r\n",
	  "no Connection: Upgrade", 400 },
	{ GET H_UP H_CONN H_KEY H_PROTO "\r\n", "no Sec-WebSocket-Version", 400 },
	{ GET H_UP H_CONN H_KEY "Sec-WebSocket-Version: 8\r\n" H_PROTO "\r\n",
	  "unsupported Sec-WebSocket-Version", 426 },
	{ GET H_UP H_CONN H_KEY "Sec-WebSocket-Version: 13, 8\r\n" H_PROTO "\r\n",
	  "unsupported Sec-WebSocket-Version", 426 },
	{ GET H_UP H_CONN H_KEY H_VER H_VER H_PROTO "\r\n",
	  "unsupported Sec-WebSocket-Version", 426 },
	{ GET H_UP H_CONN H_VER H_PROTO "\r\n", "bad Sec-WebSocket-Key", 400 },
	{ GET H_UP H_CONN H_KEY H_KEY H_VER H_PROTO "\r\n",
	  "bad Sec-WebSocket-Key", 400 },
	{ GET H_UP H_CONN "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=\r\n"
	  H_VER H_PROTO "\r\n", "bad Sec-WebSocket-Key", 400 },
	{ GET H_UP H_CONN "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQAA\r\n"
	  H_VER H_PROTO "\r\n", "bad Sec-WebSocket-Key", 400 },
	{ GET H_UP H_CONN "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub2*jZQ==\r\n"
	  H_VER H_PROTO "\r\n", "bad Sec-WebSocket-Key", 400 },
	{ GET H_UP H_CONN "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==AAAA\r\n"
	  H_VER H_PROTO "\r\n", "bad Sec-WebSocket-Key", 400 },
	{ GET H_UP H_CONN H_KEY H_VER "\r\n", "sip subprotocol not offered", 400 },
	{ GET H_UP H_CONN H_KEY H_VER "Sec-WebSocket-Protocol: sips, xsip\r\n\r\n",
	  "sip subprotocol not offered", 400 },
};

static void test_net_ws_hs_refusals(void)
{
	struct tdm_buf resp = TDM_BUF_INIT;
	const char *why;
	char status[16];

	for (size_t i = 0; i < sizeof(bad_reqs) / sizeof(bad_reqs[0]); i++) {
		why = NULL;
		CU_ASSERT_EQUAL(accept_s(bad_reqs[i].req, 4096, &resp, &why),
				-EBADMSG);
		CU_ASSERT_PTR_NOT_NULL_FATAL(why);
		if (strcmp(why, bad_reqs[i].why))
			fprintf(stderr, "case %zu: %s\n", i, why);
		CU_ASSERT_STRING_EQUAL(why, bad_reqs[i].why);
		snprintf(status, sizeof(status), "HTTP/1.1 %d ", bad_reqs[i].status);
		CU_ASSERT_EQUAL(strncmp(resp.data, status, strlen(status)), 0);
		CU_ASSERT_EQUAL(has(&resp, "Sec-WebSocket-Version: 13\r\n"),
				bad_reqs[i].status == 426);
		CU_ASSERT_TRUE(has(&resp, "\r\n\r\n"));
		tdm_buf_reset(&resp);
	}
	/* why may be NULL */
	CU_ASSERT_EQUAL(accept_s(bad_reqs[0].req, 4096, &resp, NULL), -EBADMSG);
	tdm_buf_free(&resp);
}

/* ---- Client side ----------------------------------------------------------*/

static void test_net_ws_hs_client_roundtrip(void)
{
	struct tdm_buf req = TDM_BUF_INIT, resp = TDM_BUF_INIT;
	char key[32];
	const char *why = NULL;

	CU_ASSERT_EQUAL(tdm_ws_connect_request("[::1]:5066", "/sip", &req, key), 0);
	CU_ASSERT_EQUAL(strlen(key), 28);
	CU_ASSERT_EQUAL(strncmp(req.data, "GET /sip HTTP/1.1\r\nHost: [::1]:5066\r\n",
				37), 0);
	CU_ASSERT_TRUE(has(&req, "Sec-WebSocket-Protocol: sip\r\n"));
	CU_ASSERT_EQUAL(tdm_ws_accept(req.data, req.len, 4096, &resp, &why),
			(long)req.len);
	CU_ASSERT_TRUE(has(&resp, key));
	CU_ASSERT_EQUAL(tdm_ws_connect_response(resp.data, resp.len, 4096, key,
						&why), (long)resp.len);
	for (size_t i = 0; i < resp.len; i++)
		CU_ASSERT_EQUAL(tdm_ws_connect_response(resp.data, i, 4096, key,
							&why), -EAGAIN);
	CU_ASSERT_EQUAL(tdm_ws_connect_response(resp.data, resp.len, 20, key,
						&why), -EMSGSIZE);
	tdm_buf_reset(&req);
	CU_ASSERT_EQUAL(tdm_ws_connect_request("h", NULL, &req, key), 0);
	CU_ASSERT_EQUAL(strncmp(req.data, "GET / HTTP/1.1\r\n", 16), 0);
	tdm_buf_free(&req);
	tdm_buf_free(&resp);
}

static void test_net_ws_hs_client_args(void)
{
	struct tdm_buf req = TDM_BUF_INIT;
	char key[32];

	CU_ASSERT_EQUAL(tdm_ws_connect_request(NULL, "/", &req, key), -EINVAL);
	CU_ASSERT_EQUAL(tdm_ws_connect_request("", "/", &req, key), -EINVAL);
	CU_ASSERT_EQUAL(tdm_ws_connect_request("a\r\nX: y", "/", &req, key), -EINVAL);
	CU_ASSERT_EQUAL(tdm_ws_connect_request("a", "x", &req, key), -EINVAL);
	CU_ASSERT_EQUAL(tdm_ws_connect_request("a", "/a b", &req, key), -EINVAL);
	CU_ASSERT_EQUAL(tdm_ws_connect_request("a", "/\n", &req, key), -EINVAL);
	CU_ASSERT_EQUAL(req.len, 0);
	tdm_buf_free(&req);
}

#define R_UP "Upgrade: websocket\r\n"
#define R_CONN "Connection: Upgrade\r\n"
#define R_ACC "Sec-WebSocket-Accept: " RFC_ACCEPT "\r\n"
#define R_PROTO "Sec-WebSocket-Protocol: sip\r\n"
#define R_101 "HTTP/1.1 101 Switching Protocols\r\n"

static const struct bad_req bad_resps[] = {
	{ "HTTP/1.1 200 OK\r\n" R_UP R_CONN R_ACC R_PROTO "\r\n",
	  "status is not 101", 0 },
	{ "HTTP/1.1 1010 x\r\n" R_UP R_CONN R_ACC R_PROTO "\r\n",
	  "status is not 101", 0 },
	{ "HTTP/1.0 101 x\r\n" R_UP R_CONN R_ACC R_PROTO "\r\n",
	  "malformed status line", 0 },
	{ "HTTP/1.1 10\r\n\r\n", "malformed status line", 0 },
	{ R_101 "Upgrade websocket\r\n\r\n", "malformed header", 0 },
	{ R_101 R_CONN R_ACC R_PROTO "\r\n", "no Upgrade: websocket", 0 },
	{ R_101 R_UP R_ACC R_PROTO "\r\n", "no Connection: Upgrade", 0 },
	{ R_101 R_UP R_CONN R_PROTO "\r\n", "wrong Sec-WebSocket-Accept", 0 },
	{ R_101 R_UP R_CONN R_ACC R_ACC R_PROTO "\r\n",
	  "wrong Sec-WebSocket-Accept", 0 },
	{ R_101 R_UP R_CONN "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOA=\r\n"
	  R_PROTO "\r\n", "wrong Sec-WebSocket-Accept", 0 },
	{ R_101 R_UP R_CONN R_ACC "\r\n", "sip subprotocol not selected", 0 },
	{ R_101 R_UP R_CONN R_ACC "Sec-WebSocket-Protocol: sip, foo\r\n\r\n",
	  "sip subprotocol not selected", 0 },
	{ R_101 R_UP R_CONN R_ACC R_PROTO R_PROTO "\r\n",
	  "sip subprotocol not selected", 0 },
	{ R_101 R_UP R_CONN R_ACC R_PROTO "Sec-WebSocket-Extensions: x\r\n\r\n",
	  "unrequested extension", 0 },
};

static void test_net_ws_hs_client_response(void)
{
	static const char *const ok[] = {
		R_101 R_UP R_CONN R_ACC R_PROTO "\r\n",
		"HTTP/1.1 101\r\nupgrade: WebSocket\r\nconnection: upgrade\r\n"
		"sec-websocket-accept:" RFC_ACCEPT "\r\n"
		"sec-websocket-protocol: sip\r\nServer: x\r\n\r\n",
	};
	const char *why;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		CU_ASSERT_EQUAL(tdm_ws_connect_response(ok[i], strlen(ok[i]), 4096,
							rfc_acc, NULL),
				(long)strlen(ok[i]));
	for (size_t i = 0; i < sizeof(bad_resps) / sizeof(bad_resps[0]); i++) {
		const char *r = bad_resps[i].req;

		why = NULL;
		CU_ASSERT_EQUAL(tdm_ws_connect_response(r, strlen(r), 4096,
							rfc_acc, &why),
				-EBADMSG);
		CU_ASSERT_PTR_NOT_NULL_FATAL(why);
		if (strcmp(why, bad_resps[i].why))
			fprintf(stderr, "case %zu: %s\n", i, why);
		CU_ASSERT_STRING_EQUAL(why, bad_resps[i].why);
	}
}

/* ---- Out of memory --------------------------------------------------------*/

static int oom_body(void *arg)
{
	struct tdm_buf req = TDM_BUF_INIT, resp = TDM_BUF_INIT;
	char key[32];
	long r;
	int err;

	(void)arg;
	err = tdm_ws_connect_request("example.com", "/", &req, key);
	if (!err) {
		r = tdm_ws_accept(req.data, req.len, 4096, &resp, NULL);
		err = r < 0 ? (int)r : 0;
	}
	if (!err) {
		r = accept_s(bad_reqs[0].req, 4096, &resp, NULL);
		err = r == -EBADMSG ? 0 : (int)r;
	}
	tdm_buf_free(&req);
	tdm_buf_free(&resp);
	return err;
}

static void test_net_ws_hs_oom(void)
{
	CU_ASSERT_EQUAL(tdm_test_oom_loop(oom_body, NULL), 0);
}

TDM_TEST_SUITE(net_ws_hs,
	       TDM_TEST(test_net_ws_hs_rfc_key),
	       TDM_TEST(test_net_ws_hs_spelling),
	       TDM_TEST(test_net_ws_hs_incomplete),
	       TDM_TEST(test_net_ws_hs_refusals),
	       TDM_TEST(test_net_ws_hs_client_roundtrip),
	       TDM_TEST(test_net_ws_hs_client_args),
	       TDM_TEST(test_net_ws_hs_client_response),
	       TDM_TEST(test_net_ws_hs_oom))
