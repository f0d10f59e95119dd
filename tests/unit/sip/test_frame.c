/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests of core/sip/frame.c: stream framing fed whole, split at every byte
 * position, with keep-alives, oversize and bad Content-Length. */
#include <errno.h>
#include <string.h>
#include <tandem/frame.h>
#include "test.h"

static const char two_msgs[] =
	"OPTIONS sip:a@example.com SIP/2.0\r\n"
	"Via: SIP/2.0/TCP h.example.com;branch=z9hG4bK1\r\n"
	"l: 5\r\n"
	"\r\n"
	"hello"
	"BYE sip:a@example.com SIP/2.0\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

static size_t first_len(void)
{
	return strstr(two_msgs, "BYE") - two_msgs;
}

static void test_sip_frame_whole(void)
{
	struct tdm_frame f;
	const char *buf = tdm_guard_copy(two_msgs, sizeof(two_msgs) - 1);

	tdm_frame_init(&f);
	CU_ASSERT_EQUAL(tdm_frame_check(&f, buf, sizeof(two_msgs) - 1, 65535),
			(long)first_len());
	tdm_frame_init(&f);
	CU_ASSERT_EQUAL(tdm_frame_check(&f, buf + first_len(),
					sizeof(two_msgs) - 1 - first_len(), 65535),
			(long)(sizeof(two_msgs) - 1 - first_len()));
	tdm_guard_free(buf, sizeof(two_msgs) - 1);
}

/* Feeds the stream in two pieces split at every offset: the first message
 * must be found exactly when its last byte has arrived, never before. */
static void test_sip_frame_split_every_byte(void)
{
	size_t total = sizeof(two_msgs) - 1, want = first_len();

	for (size_t cut = 0; cut <= total; cut++) {
		struct tdm_frame f;
		const char *part = tdm_guard_copy(two_msgs, cut);
		long r1, r2;

		tdm_frame_init(&f);
		r1 = tdm_frame_check(&f, part, cut, 65535);
		CU_ASSERT_EQUAL(r1, cut < want ? -EAGAIN : (long)want);
		tdm_guard_free(part, cut);
		/* then the whole buffer, continuing with the same state */
		part = tdm_guard_copy(two_msgs, total);
		r2 = tdm_frame_check(&f, part, total, 65535);
		CU_ASSERT_EQUAL(r2, (long)want);
		tdm_guard_free(part, total);
	}
}

/* Byte by byte growth of the same buffer, like a slow TCP peer. */
static void test_sip_frame_byte_by_byte(void)
{
	struct tdm_frame f;
	size_t want = first_len();
	long r = -EAGAIN;
	size_t n;

	tdm_frame_init(&f);
	for (n = 1; n <= sizeof(two_msgs) - 1; n++) {
		r = tdm_frame_check(&f, two_msgs, n, 65535);
		if (r != -EAGAIN)
			break;
	}
	CU_ASSERT_EQUAL(r, (long)want);
	CU_ASSERT_EQUAL(n, want);
}

static void test_sip_frame_keepalive(void)
{
	CU_ASSERT_EQUAL(tdm_frame_keepalive("\r\n\r\nINVITE", 10), 4);
	CU_ASSERT_EQUAL(tdm_frame_keepalive("\r\n", 2), 2);
	CU_ASSERT_EQUAL(tdm_frame_keepalive("INVITE", 6), 0);
	CU_ASSERT_EQUAL(tdm_frame_keepalive("", 0), 0);
}

static void test_sip_frame_too_large(void)
{
	struct tdm_frame f;
	static const char big_body[] =
		"MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 100000\r\n\r\nxx";
	char nohdr_end[200];

	tdm_frame_init(&f);
	CU_ASSERT_EQUAL(tdm_frame_check(&f, big_body, sizeof(big_body) - 1, 65535),
			-EMSGSIZE);
	/* headers that never end, longer than the limit */
	memset(nohdr_end, 'a', sizeof(nohdr_end));
	tdm_frame_init(&f);
	CU_ASSERT_EQUAL(tdm_frame_check(&f, nohdr_end, 100, 150), -EAGAIN);
	CU_ASSERT_EQUAL(tdm_frame_check(&f, nohdr_end, 200, 150), -EMSGSIZE);
}

static void test_sip_frame_bad_length(void)
{
	static const char *const bad[] = {
		"BYE sip:a@b SIP/2.0\r\nVia: x\r\n\r\n",            /* none */
		"BYE sip:a@b SIP/2.0\r\nContent-Length: -1\r\n\r\n",
		"BYE sip:a@b SIP/2.0\r\nContent-Length: 1x\r\n\r\n",
		"BYE sip:a@b SIP/2.0\r\nContent-Length: 99999999999\r\n\r\n",
		"BYE sip:a@b SIP/2.0\r\nl: 1\r\nContent-Length: 2\r\n\r\nab",
	};

	for (size_t i = 0; i < TDM_ARRAY_SIZE(bad); i++) {
		struct tdm_frame f;
		tdm_frame_init(&f);
		CU_ASSERT_EQUAL(tdm_frame_check(&f, bad[i], strlen(bad[i]), 65535),
				-EBADMSG);
	}
}

static void test_sip_frame_lf_only(void)
{
	static const char msg[] = "BYE sip:a@b SIP/2.0\nContent-Length: 2\n\nabX";
	struct tdm_frame f;

	tdm_frame_init(&f);
	CU_ASSERT_EQUAL(tdm_frame_check(&f, msg, sizeof(msg) - 1, 65535),
			(long)sizeof(msg) - 2);
}

TDM_TEST_SUITE(sip_frame,
	       TDM_TEST(test_sip_frame_whole),
	       TDM_TEST(test_sip_frame_split_every_byte),
	       TDM_TEST(test_sip_frame_byte_by_byte),
	       TDM_TEST(test_sip_frame_keepalive),
	       TDM_TEST(test_sip_frame_too_large),
	       TDM_TEST(test_sip_frame_bad_length),
	       TDM_TEST(test_sip_frame_lf_only))
