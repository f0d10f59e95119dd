/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for core/lib/log.c: the exact key=value and JSON lines captured
 * from a pipe or a temporary file, quoting and escaping, truncation,
 * level filtering per subsystem, the registry, and tdm_strerror(). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <tandem/log.h>
#include "test.h"

static TDM_LOG_SUBSYS(log_t1, "t1");
static TDM_LOG_SUBSYS(log_t2, "t2");

static int cap[2] = { -1, -1 };
static char out[3 * TDM_LOG_LINE_MAX];

/* Sends log lines into a non-blocking pipe and registers t1, t2. */
static void capture(enum tdm_log_format fmt, unsigned flags)
{
	CU_ASSERT_EQUAL_FATAL(pipe(cap), 0);
	fcntl(cap[0], F_SETFL, O_NONBLOCK);
	tdm_log_to_fd(cap[1], fmt, flags);
	tdm_log_set_default_level(TDM_LOG_DEFAULT_LEVEL);
	CU_ASSERT_EQUAL(tdm_log_subsys_register(&log_t1), 0);
	CU_ASSERT_EQUAL(tdm_log_subsys_register(&log_t2), 0);
}

/* Everything written since the last call, NUL-terminated, in `out`. */
static const char *captured(void)
{
	ssize_t n = read(cap[0], out, sizeof(out) - 1);

	out[n > 0 ? n : 0] = '\0';
	return out;
}

static void release(void)
{
	tdm_log_to_fd(2, TDM_LOG_TEXT, 0);
	tdm_log_subsys_unregister(&log_t1);
	tdm_log_subsys_unregister(&log_t2);
	tdm_log_set_default_level(TDM_LOG_DEFAULT_LEVEL);
	close(cap[0]);
	close(cap[1]);
}

/* ---- a small JSON checker: one object of string/number/true values -- */

static const char *json_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	while (*p != '"') {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20)
			return NULL;
		if (c == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF",
						    p[i]) || !p[i])
						return NULL;
				p += 5;
				continue;
			}
			if (!*p || !strchr("\"\\/bfnrt", *p))
				return NULL;
			p++;
			continue;
		}
		if (c >= 0x80) {
			int len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
			if (!len || c > 0xf4)
				return NULL;
			for (int i = 1; i < len; i++)
				if (((unsigned char)p[i] & 0xc0) != 0x80)
					return NULL;
			p += len;
			continue;
		}
		p++;
	}
	return p + 1;
}

/* True when line is exactly one JSON object and a newline. */
static bool json_line_ok(const char *p)
{
	if (*p++ != '{')
		return false;
	for (;;) {
		if (!(p = json_string(p)) || *p++ != ':')
			return false;
		if (*p == '"') {
			p = json_string(p);
		} else if (strncmp(p, "true", 4) == 0) {
			p += 4;
		} else {
			const char *s = p += (*p == '-');
			while (*p >= '0' && *p <= '9')
				p++;
			if (p == s)
				return false;
		}
		if (!p)
			return false;
		if (*p == '}')
			return strcmp(p, "}\n") == 0;
		if (*p++ != ',')
			return false;
	}
}

/* ---- key=value ------------------------------------------------------ */

static void test_lib_log_text_line(void)
{
	struct tdm_log_rec r;
	struct tdm_str cid = TDM_STR("abc@host;x");

	capture(TDM_LOG_TEXT, 0);
	CU_ASSERT_TRUE(tdm_log_begin(&r, &log_t1, TDM_LOG_INFO, "parsed"));
	tdm_log_str(&r, "call_id", &(struct tdm_str){ cid.s, 8 });
	tdm_log_int(&r, "len", -42);
	tdm_log_kv(&r, "src", "%s:%u", "10.0.0.1", 5060u);
	tdm_log_cstr(&r, "none", NULL);
	tdm_log_end(&r);
	tdm_log_end(&r); /* second end: nothing */
	CU_ASSERT_STRING_EQUAL(captured(),
			       "level=info subsys=t1 msg=\"parsed\" "
			       "call_id=abc@host len=-42 src=10.0.0.1:5060 "
			       "none=\"\"\n");
	release();
}

static void test_lib_log_text_quoting(void)
{
	struct tdm_log_rec r;

	capture(TDM_LOG_TEXT, 0);
	tdm_log_begin(&r, &log_t1, TDM_LOG_WARN, "say \"%s\"\n", "hi");
	tdm_log_cstr(&r, "space", "a b");
	tdm_log_cstr(&r, "quote", "x\"y");
	tdm_log_cstr(&r, "eq", "a=b");
	tdm_log_cstr(&r, "bs", "c:\\dir");
	tdm_log_cstr(&r, "ctl", "1\r\n2\t3\x01\x7f");
	tdm_log_cstr(&r, "utf8", "caf\xc3\xa9");
	tdm_log_cstr(&r, "bad key!", "v");
	tdm_log_cstr(&r, "", "empty-key");
	tdm_log_end(&r);
	CU_ASSERT_STRING_EQUAL(captured(),
			       "level=warn subsys=t1 msg=\"say \\\"hi\\\"\\n\" "
			       "space=\"a b\" quote=\"x\\\"y\" eq=\"a=b\" "
			       "bs=\"c:\\\\dir\" ctl=\"1\\r\\n2\\t3\\x01\\x7f\" "
			       "utf8=caf\xc3\xa9 bad_key_=v _=empty-key\n");
	release();
}

static void test_lib_log_prio_prefix_and_time(void)
{
	const char *s;

	capture(TDM_LOG_TEXT, TDM_LOG_F_PRIO);
	tdm_log_set_level("t1", TDM_LOG_DEBUG);
	tdm_log_msg(&log_t1, TDM_LOG_DEBUG, "n=%d", 3);
	CU_ASSERT_STRING_EQUAL(captured(),
			       "<7>level=debug subsys=t1 msg=\"n=3\"\n");
	tdm_log_to_fd(cap[1], TDM_LOG_TEXT, TDM_LOG_F_TIME | TDM_LOG_F_PRIO);
	tdm_log_msg(&log_t1, TDM_LOG_ERROR, "x");
	s = captured();
	/* <3>ts=2024-05-01T12:00:00.123Z level=error ... */
	CU_ASSERT_EQUAL(strncmp(s, "<3>ts=", 6), 0);
	CU_ASSERT_EQUAL(strlen(s), 6 + 24 + strlen(" level=error subsys=t1 msg=\"x\"\n"));
	CU_ASSERT_EQUAL(s[6 + 4], '-');
	CU_ASSERT_EQUAL(s[6 + 10], 'T');
	CU_ASSERT_EQUAL(s[6 + 23], 'Z');
	CU_ASSERT_STRING_EQUAL(s + 6 + 24, " level=error subsys=t1 msg=\"x\"\n");
	release();
}

/* ---- JSON ----------------------------------------------------------- */

/* The thread's Call-ID context lands on every event that has none of
 * its own, in both formats, and only until cleared. */
static void test_lib_log_call_id_context(void)
{
	struct tdm_log_rec r;

	capture(TDM_LOG_TEXT, 0);
	tdm_log_context_call_id("ctx-1@h", 7);
	TDM_LOGW(&log_t1, "from a module");
	tdm_log_begin(&r, &log_t1, TDM_LOG_INFO, "own");
	tdm_log_cstr(&r, "call_id", "mine");
	tdm_log_end(&r);
	tdm_log_context_call_id(NULL, 0);
	TDM_LOGW(&log_t1, "after");
	CU_ASSERT_STRING_EQUAL(captured(),
			       "level=warn subsys=t1 msg=\"from a module\" call_id=ctx-1@h\n"
			       "level=info subsys=t1 msg=\"own\" call_id=mine\n"
			       "level=warn subsys=t1 msg=\"after\"\n");
	release();
	capture(TDM_LOG_JSON, 0);
	tdm_log_context_call_id("a \"b\"", 5);
	TDM_LOGW(&log_t1, "x");
	tdm_log_context_call_id(NULL, 0);
	CU_ASSERT_STRING_EQUAL(captured(), "{\"level\":\"warn\",\"subsys\":\"t1\","
					   "\"msg\":\"x\",\"call_id\":\"a \\\"b\\\"\"}\n");
	release();
}

static void test_lib_log_json_line(void)
{
	struct tdm_log_rec r;
	const char *s;

	capture(TDM_LOG_JSON, 0);
	tdm_log_begin(&r, &log_t2, TDM_LOG_NOTICE, "parsed");
	tdm_log_cstr(&r, "call_id", "abc");
	tdm_log_int(&r, "len", 1234);
	tdm_log_cstr(&r, "empty", "");
	tdm_log_end(&r);
	s = captured();
	CU_ASSERT_STRING_EQUAL(s, "{\"level\":\"notice\",\"subsys\":\"t2\","
				  "\"msg\":\"parsed\",\"call_id\":\"abc\","
				  "\"len\":1234,\"empty\":\"\"}\n");
	CU_ASSERT_TRUE(json_line_ok(s));
	release();
}

static void test_lib_log_json_escaping(void)
{
	struct tdm_log_rec r;
	const char *s;

	capture(TDM_LOG_JSON, TDM_LOG_F_TIME);
	tdm_log_begin(&r, &log_t1, TDM_LOG_ERROR, "a\"b\\c");
	tdm_log_cstr(&r, "ctl", "\n\r\t\x01\x1f\x7f");
	tdm_log_cstr(&r, "utf8", "\xe2\x82\xac \xf0\x9f\x98\x80");
	/* lone continuation, truncated sequence, overlong, surrogate,
	 * above U+10FFFF, 0xff */
	tdm_log_cstr(&r, "bad", "\x80|\xe2\x82|\xc0\xaf|\xed\xa0\x80|"
				"\xf4\x90\x80\x80|\xff");
	tdm_log_cstr(&r, "k\"ey", "v");
	tdm_log_end(&r);
	s = captured();
	CU_ASSERT_TRUE(json_line_ok(s));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"msg\":\"a\\\"b\\\\c\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"ctl\":\"\\n\\r\\t\\u0001\\u001f"
					 "\\u007f\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"utf8\":\"\xe2\x82\xac "
					 "\xf0\x9f\x98\x80\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"bad\":\"\\ufffd|\\ufffd\\ufffd|"
					 "\\ufffd\\ufffd|"
					 "\\ufffd\\ufffd\\ufffd|"
					 "\\ufffd\\ufffd\\ufffd\\ufffd|"
					 "\\ufffd\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"k\\\"ey\":\"v\""));
	CU_ASSERT_EQUAL(strncmp(s, "{\"ts\":\"", 7), 0);
	release();
}

static void test_lib_log_truncation_stays_valid(void)
{
	struct tdm_log_rec r;
	char *big = malloc(5000);
	const char *s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	memset(big, '"', 4999); /* worst case: every byte escapes */
	big[4999] = '\0';
	for (int fmt = TDM_LOG_TEXT; fmt <= TDM_LOG_JSON; fmt++) {
		capture((enum tdm_log_format)fmt, 0);
		tdm_log_begin(&r, &log_t1, TDM_LOG_INFO, "big");
		tdm_log_cstr(&r, "a", "first");
		tdm_log_cstr(&r, "v", big);
		tdm_log_cstr(&r, "after", "dropped");
		tdm_log_int(&r, "n", 7);
		tdm_log_end(&r);
		s = captured();
		CU_ASSERT_TRUE(strlen(s) <= TDM_LOG_LINE_MAX);
		CU_ASSERT_TRUE(strlen(s) > TDM_LOG_LINE_MAX - 40);
		CU_ASSERT_PTR_NULL(strstr(s, "dropped"));
		CU_ASSERT_PTR_NOT_NULL(strstr(s, "a"));
		if (fmt == TDM_LOG_JSON) {
			CU_ASSERT_TRUE(json_line_ok(s));
			CU_ASSERT_PTR_NOT_NULL(strstr(s, ",\"truncated\":true}\n"));
		} else {
			size_t n = strlen(s);
			CU_ASSERT_STRING_EQUAL(s + n - 13, " truncated=1\n");
			/* the cut value is still closed: ...\"" truncated */
			CU_ASSERT_EQUAL(s[n - 14], '"');
			CU_ASSERT_EQUAL(s[n - 15], '"'); /* last escaped \" */
			CU_ASSERT_EQUAL(s[n - 16], '\\');
		}
		release();
	}
	/* The message itself longer than TDM_LOG_VALUE_MAX. */
	capture(TDM_LOG_JSON, 0);
	tdm_log_msg(&log_t1, TDM_LOG_INFO, "%s", big);
	s = captured();
	CU_ASSERT_TRUE(json_line_ok(s));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"truncated\":true"));
	release();
	free(big);
}

/* ---- levels --------------------------------------------------------- */

static int side_effects;

static int count_call(void)
{
	return ++side_effects;
}

static void test_lib_log_level_filtering(void)
{
	struct tdm_log_rec r;

	capture(TDM_LOG_TEXT, 0);
	CU_ASSERT_FALSE(TDM_LOG_ENABLED(&log_t1, TDM_LOG_DEBUG));
	CU_ASSERT_TRUE(TDM_LOG_ENABLED(&log_t1, TDM_LOG_INFO));
	/* Disabled: the arguments are not even evaluated. */
	side_effects = 0;
	TDM_LOGD(&log_t1, "n=%d", count_call());
	CU_ASSERT_EQUAL(side_effects, 0);
	CU_ASSERT_FALSE(tdm_log_begin(&r, &log_t1, TDM_LOG_DEBUG, "x"));
	tdm_log_cstr(&r, "k", "v"); /* inert record: no-ops */
	tdm_log_end(&r);
	tdm_log_msg(&log_t1, TDM_LOG_DEBUG, "direct call, still filtered");
	CU_ASSERT_STRING_EQUAL(captured(), "");
	TDM_LOGI(&log_t1, "n=%d", count_call());
	CU_ASSERT_EQUAL(side_effects, 1);
	TDM_LOGE(&log_t1, "e");
	TDM_LOGW(&log_t1, "w");
	TDM_LOGN(&log_t1, "n");
	CU_ASSERT_STRING_EQUAL(captured(),
			       "level=info subsys=t1 msg=\"n=1\"\n"
			       "level=error subsys=t1 msg=\"e\"\n"
			       "level=warn subsys=t1 msg=\"w\"\n"
			       "level=notice subsys=t1 msg=\"n\"\n");
	/* Bad levels never log. */
	tdm_log_msg(&log_t1, 0, "emerg?");
	tdm_log_msg(&log_t1, 99, "?");
	CU_ASSERT_STRING_EQUAL(captured(), "");
	release();
}

static void test_lib_log_per_subsys_levels(void)
{
	capture(TDM_LOG_TEXT, 0);
	CU_ASSERT_EQUAL(tdm_log_set_level("t1", TDM_LOG_DEBUG), 0);
	CU_ASSERT_EQUAL(tdm_log_get_level("t1"), TDM_LOG_DEBUG);
	CU_ASSERT_EQUAL(tdm_log_get_level("t2"), TDM_LOG_INFO);
	TDM_LOGD(&log_t1, "one");
	TDM_LOGD(&log_t2, "two");
	CU_ASSERT_STRING_EQUAL(captured(),
			       "level=debug subsys=t1 msg=\"one\"\n");
	/* The default moves t2 (never set by name) but not t1. */
	CU_ASSERT_EQUAL(tdm_log_set_default_level(TDM_LOG_ERROR), 0);
	CU_ASSERT_EQUAL(tdm_log_get_level("t1"), TDM_LOG_DEBUG);
	CU_ASSERT_EQUAL(tdm_log_get_level("t2"), TDM_LOG_ERROR);
	CU_ASSERT_EQUAL(tdm_log_get_level("core"), TDM_LOG_ERROR);
	TDM_LOGW(&log_t2, "hidden");
	TDM_LOGW(&log_t1, "shown");
	CU_ASSERT_STRING_EQUAL(captured(),
			       "level=warn subsys=t1 msg=\"shown\"\n");
	CU_ASSERT_EQUAL(tdm_log_set_level("nope", TDM_LOG_DEBUG), -ENOENT);
	CU_ASSERT_EQUAL(tdm_log_get_level("nope"), -ENOENT);
	CU_ASSERT_EQUAL(tdm_log_set_level("t1", 2), -EINVAL);
	CU_ASSERT_EQUAL(tdm_log_set_level("t1", 8), -EINVAL);
	CU_ASSERT_EQUAL(tdm_log_set_default_level(0), -EINVAL);
	release();
	/* Re-registration starts from the default again. */
	CU_ASSERT_EQUAL(tdm_log_subsys_register(&log_t1), 0);
	CU_ASSERT_EQUAL(tdm_log_get_level("t1"), TDM_LOG_DEFAULT_LEVEL);
	tdm_log_subsys_unregister(&log_t1);
}

static void test_lib_log_registry(void)
{
	TDM_LOG_SUBSYS(dup, "t1");
	TDM_LOG_SUBSYS(noname, "");

	CU_ASSERT_EQUAL(tdm_log_subsys_register(&log_t1), 0);
	CU_ASSERT_EQUAL(tdm_log_subsys_register(&log_t1), 0); /* idempotent */
	CU_ASSERT_EQUAL(tdm_log_subsys_register(&dup), -EEXIST);
	CU_ASSERT_EQUAL(tdm_log_subsys_register(&noname), -EINVAL);
	CU_ASSERT_EQUAL(tdm_log_subsys_register(NULL), -EINVAL);
	CU_ASSERT_EQUAL(tdm_log_set_level("t1", TDM_LOG_WARN), 0);
	CU_ASSERT_EQUAL(log_t1.level, TDM_LOG_WARN);
	tdm_log_subsys_unregister(&log_t1);
	tdm_log_subsys_unregister(&log_t1); /* not registered: fine */
	CU_ASSERT_EQUAL(tdm_log_set_level("t1", TDM_LOG_WARN), -ENOENT);
	/* Now the name is free for the other declaration. */
	CU_ASSERT_EQUAL(tdm_log_subsys_register(&dup), 0);
	CU_ASSERT_EQUAL(tdm_log_set_level("t1", TDM_LOG_ERROR), 0);
	CU_ASSERT_EQUAL(dup.level, TDM_LOG_ERROR);
	tdm_log_subsys_unregister(&dup);
	/* The built-in one is always there. */
	CU_ASSERT_TRUE(tdm_log_get_level("core") >= TDM_LOG_ERROR);
}

static void test_lib_log_level_names(void)
{
	CU_ASSERT_EQUAL(tdm_log_level_parse("debug"), TDM_LOG_DEBUG);
	CU_ASSERT_EQUAL(tdm_log_level_parse("INFO"), TDM_LOG_INFO);
	CU_ASSERT_EQUAL(tdm_log_level_parse("Notice"), TDM_LOG_NOTICE);
	CU_ASSERT_EQUAL(tdm_log_level_parse("warn"), TDM_LOG_WARN);
	CU_ASSERT_EQUAL(tdm_log_level_parse("warning"), TDM_LOG_WARN);
	CU_ASSERT_EQUAL(tdm_log_level_parse("error"), TDM_LOG_ERROR);
	CU_ASSERT_EQUAL(tdm_log_level_parse("trace"), -EINVAL);
	CU_ASSERT_EQUAL(tdm_log_level_parse(""), -EINVAL);
	CU_ASSERT_EQUAL(tdm_log_level_parse(NULL), -EINVAL);
	CU_ASSERT_STRING_EQUAL(tdm_log_level_name(TDM_LOG_WARN), "warn");
	CU_ASSERT_STRING_EQUAL(tdm_log_level_name(42), "?");
}

/* ---- other outputs and helpers ------------------------------------- */

static void test_lib_log_pairs_to_tmpfile(void)
{
	FILE *f = tmpfile();
	char line[256] = "";

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(tdm_log_subsys_register(&log_t2), 0);
	tdm_log_to_fd(fileno(f), TDM_LOG_TEXT, 0);
	tdm_log_pairs(&log_t2, TDM_LOG_INFO, "reply sent", "code", "486",
		      "reason", "Busy Here", NULL);
	tdm_log_pairs(&log_t2, TDM_LOG_DEBUG, "filtered", "k", "v", NULL);
	tdm_log_pairs(&log_t2, TDM_LOG_ERROR, "no fields", NULL);
	tdm_log_to_fd(2, TDM_LOG_TEXT, 0);
	rewind(f);
	CU_ASSERT_PTR_NOT_NULL(fgets(line, sizeof(line), f));
	CU_ASSERT_STRING_EQUAL(line, "level=info subsys=t2 msg=\"reply sent\" "
				     "code=486 reason=\"Busy Here\"\n");
	CU_ASSERT_PTR_NOT_NULL(fgets(line, sizeof(line), f));
	CU_ASSERT_STRING_EQUAL(line, "level=error subsys=t2 msg=\"no fields\"\n");
	CU_ASSERT_PTR_NULL(fgets(line, sizeof(line), f));
	fclose(f);
	tdm_log_subsys_unregister(&log_t2);
}

#define THREADS 4
#define PER_THREAD 300

static void *log_worker(void *arg)
{
	long id = (long)arg;

	for (int i = 0; i < PER_THREAD; i++) {
		struct tdm_log_rec r;
		if (tdm_log_begin(&r, &log_t1, TDM_LOG_INFO, "worker line")) {
			tdm_log_int(&r, "thread", id);
			tdm_log_int(&r, "i", i);
			tdm_log_cstr(&r, "pad", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
						"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
			tdm_log_end(&r);
		}
	}
	return NULL;
}

static void test_lib_log_threads_whole_lines(void)
{
	FILE *f = tmpfile();
	pthread_t th[THREADS];
	char line[512];
	int count[THREADS] = { 0 }, lines = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(tdm_log_subsys_register(&log_t1), 0);
	tdm_log_to_fd(fileno(f), TDM_LOG_TEXT, 0);
	for (long i = 0; i < THREADS; i++)
		CU_ASSERT_EQUAL_FATAL(pthread_create(&th[i], NULL, log_worker,
						     (void *)i), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	tdm_log_to_fd(2, TDM_LOG_TEXT, 0);
	rewind(f);
	while (fgets(line, sizeof(line), f)) {
		int t, i;
		lines++;
		if (sscanf(line, "level=info subsys=t1 msg=\"worker line\" "
				 "thread=%d i=%d pad=", &t, &i) == 2 &&
		    t >= 0 && t < THREADS && strlen(line) > 100 &&
		    line[strlen(line) - 1] == '\n')
			count[t]++;
	}
	CU_ASSERT_EQUAL(lines, THREADS * PER_THREAD);
	for (int t = 0; t < THREADS; t++)
		CU_ASSERT_EQUAL(count[t], PER_THREAD);
	fclose(f);
	tdm_log_subsys_unregister(&log_t1);
}

static void test_lib_log_core_subsys(void)
{
	capture(TDM_LOG_TEXT, 0);
	TDM_LOGW(&tdm_log_core, "core says %s", "hello");
	CU_ASSERT_STRING_EQUAL(captured(),
			       "level=warn subsys=core msg=\"core says hello\"\n");
	release();
}

static void test_lib_log_strerror(void)
{
	CU_ASSERT_STRING_EQUAL(tdm_strerror(-ENOENT), "No such file or directory");
	CU_ASSERT_STRING_EQUAL(tdm_strerror(ENOMEM), "Cannot allocate memory");
	CU_ASSERT_PTR_NOT_NULL(tdm_strerror(-123456));
	CU_ASSERT_TRUE(strlen(tdm_strerror(-123456)) > 0);
}

static void test_lib_log_keeps_errno(void)
{
	capture(TDM_LOG_TEXT, 0);
	errno = EAGAIN;
	TDM_LOGI(&log_t1, "x");
	CU_ASSERT_EQUAL(errno, EAGAIN);
	captured();
	release();
}

TDM_TEST_SUITE(lib_log,
	       TDM_TEST(test_lib_log_call_id_context),
	       TDM_TEST(test_lib_log_text_line),
	       TDM_TEST(test_lib_log_text_quoting),
	       TDM_TEST(test_lib_log_prio_prefix_and_time),
	       TDM_TEST(test_lib_log_json_line),
	       TDM_TEST(test_lib_log_json_escaping),
	       TDM_TEST(test_lib_log_truncation_stays_valid),
	       TDM_TEST(test_lib_log_level_filtering),
	       TDM_TEST(test_lib_log_per_subsys_levels),
	       TDM_TEST(test_lib_log_registry),
	       TDM_TEST(test_lib_log_level_names),
	       TDM_TEST(test_lib_log_pairs_to_tmpfile),
	       TDM_TEST(test_lib_log_threads_whole_lines),
	       TDM_TEST(test_lib_log_core_subsys),
	       TDM_TEST(test_lib_log_strerror),
	       TDM_TEST(test_lib_log_keeps_errno))
