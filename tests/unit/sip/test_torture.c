/* SPDX-License-Identifier: GPL-2.0-or-later
 * Table-driven torture test of the SIP message parser over real messages:
 * RFC 4475 (torture messages, byte-exact), RFC 3665 (call flows) and our
 * own realistic messages. Each folder below tests/unit/sip/msgs/ has a
 * MANIFEST, one line a message:
 *
 *     <name> <valid|invalid> <parse|reject|parse-semantic> # comment
 *
 * parse / parse-semantic: tdm_sip_msg_parse() and tdm_sip_msg_parse_all()
 * must both succeed (parse-semantic messages are refused only by later
 * layers); reject: one of them must fail with -EBADMSG or -EMSGSIZE.
 * Every message is parsed from a guarded copy, so a read past its end
 * crashes the suite. A mismatch is reported on stderr with the file,
 * the result, the error offset and reason, and the next file is tried. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tandem/sip.h>
#include "test.h"

#define MSGS_DIR "unit/sip/msgs"
#define MAX_ENTRIES 256

enum expect { EXPECT_PARSE, EXPECT_REJECT, EXPECT_SEMANTIC };

struct entry {
	char name[64];
	enum expect expect;
};

struct manifest {
	unsigned n;
	struct entry e[MAX_ENTRIES];
};

static const char *expect_name(enum expect x)
{
	return x == EXPECT_REJECT ? "reject" :
	       x == EXPECT_SEMANTIC ? "parse-semantic" : "parse";
}

/* Reads dir/MANIFEST; 0, or -1 after reporting why. */
static int manifest_load(const char *dir, struct manifest *mf)
{
	char path[256];
	size_t len = 0;
	char *buf, *line, *save = NULL;

	mf->n = 0;
	snprintf(path, sizeof(path), MSGS_DIR "/%s/MANIFEST", dir);
	buf = tdm_test_read(path, &len);
	if (!buf) {
		fprintf(stderr, "  torture: cannot read %s\n", path);
		return -1;
	}
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char name[64], validity[16], expect[32];
		char *hash = strchr(line, '#');

		if (hash)
			*hash = '\0';
		if (sscanf(line, "%63s %15s %31s", name, validity, expect) != 3) {
			if (strspn(line, " \t\r") != strlen(line))
				fprintf(stderr, "  torture: %s: bad line '%s'\n",
					path, line);
			continue;
		}
		if (mf->n == MAX_ENTRIES) {
			fprintf(stderr, "  torture: %s: too many entries\n", path);
			free(buf);
			return -1;
		}
		if (strcmp(validity, "valid") && strcmp(validity, "invalid"))
			fprintf(stderr, "  torture: %s: %s: bad validity '%s'\n",
				path, name, validity);
		struct entry *e = &mf->e[mf->n++];
		snprintf(e->name, sizeof(e->name), "%s", name);
		if (!strcmp(expect, "parse")) {
			e->expect = EXPECT_PARSE;
		} else if (!strcmp(expect, "reject")) {
			e->expect = EXPECT_REJECT;
		} else if (!strcmp(expect, "parse-semantic")) {
			e->expect = EXPECT_SEMANTIC;
		} else {
			fprintf(stderr, "  torture: %s: %s: bad expectation '%s'\n",
				path, name, expect);
			free(buf);
			return -1;
		}
	}
	free(buf);
	return 0;
}

/* Invariants of every message that parsed. Returns a description of the
 * first broken one, or NULL. */
static const char *check_invariants(const struct tdm_sip_msg *m)
{
	if (m->hdr_count == 0)
		return "hdr_count is 0";
	if (m->call_id.len == 0)
		return "empty Call-ID";
	if (m->cseq.method_name.len == 0)
		return "CSeq not parsed";
	if (m->is_request && m->method_name.len == 0)
		return "empty request method";
	if (!m->is_request && (m->status < 100 || m->status > 699))
		return "status code out of range";
	if (m->content_length >= 0 &&
	    m->body.len != (size_t)m->content_length)
		return "body length differs from Content-Length";
	if (m->body.len && (m->body.s < m->buf ||
			    m->body.s + m->body.len > m->buf + m->len))
		return "body outside the message";
	return NULL;
}

/* Parses one message and checks the expectation. Returns true when the
 * outcome is the expected one; reports otherwise. */
static bool run_one(const char *dir, const struct entry *e)
{
	char path[256];
	size_t len = 0;
	char *raw;
	const char *buf;
	struct tdm_sip_msg *m = NULL;
	struct tdm_sip_error err = { 0, NULL };
	const char *stage = "parse", *broken = NULL;
	bool ok;
	int rc;

	snprintf(path, sizeof(path), MSGS_DIR "/%s/%s.sip", dir, e->name);
	raw = tdm_test_read(path, &len);
	if (!raw) {
		fprintf(stderr, "  torture: %s: listed in MANIFEST but missing\n",
			path);
		return false;
	}
	buf = tdm_guard_copy(raw, len);
	free(raw);

	rc = tdm_sip_msg_parse(&m, NULL, buf, len, NULL, &err);
	if (rc == 0) {
		broken = check_invariants(m);
		stage = "parse_all";
		rc = tdm_sip_msg_parse_all(m, &err);
	}
	if (e->expect == EXPECT_REJECT)
		ok = rc == -EBADMSG || rc == -EMSGSIZE;
	else
		ok = rc == 0 && !broken;
	if (!ok) {
		if (rc == 0 && broken)
			fprintf(stderr, "  torture: %s: expected %s, parsed but "
				"invariant broken: %s\n", path,
				expect_name(e->expect), broken);
		else if (rc == 0)
			fprintf(stderr, "  torture: %s: expected %s, but parse "
				"and parse_all succeeded\n", path,
				expect_name(e->expect));
		else
			fprintf(stderr, "  torture: %s: expected %s, %s "
				"returned %d (%s) at offset %u: %s\n", path,
				expect_name(e->expect), stage, rc, strerror(-rc),
				err.offset, err.reason ? err.reason : "(no reason)");
	}
	tdm_sip_msg_free(m);
	tdm_guard_free(buf, len);
	return ok;
}

static void run_dir(const char *dir)
{
	struct manifest *mf = calloc(1, sizeof(*mf));
	unsigned good = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mf);
	if (manifest_load(dir, mf)) {
		CU_FAIL("MANIFEST unreadable");
		free(mf);
		return;
	}
	CU_ASSERT(mf->n > 0);
	for (unsigned i = 0; i < mf->n; i++) {
		bool ok = run_one(dir, &mf->e[i]);
		good += ok;
		if (!ok)
			CU_FAIL("torture message did not behave as its MANIFEST says");
	}
	printf("  torture: %s: %u of %u messages as expected\n", dir, good,
	       mf->n);
	free(mf);
}

static void test_sip_torture_rfc4475(void)
{
	run_dir("rfc4475");
}

static void test_sip_torture_rfc3665(void)
{
	run_dir("rfc3665");
}

static void test_sip_torture_misc(void)
{
	run_dir("misc");
}

/* Every .sip file of a folder is in its MANIFEST and every MANIFEST entry
 * exists: no message is skipped silently. */
static void check_listing(const char *dir)
{
	struct manifest *mf = calloc(1, sizeof(*mf));
	char rel[256], abs[1024], path[512];
	struct dirent *de;
	DIR *d;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mf);
	if (manifest_load(dir, mf)) {
		CU_FAIL("MANIFEST unreadable");
		free(mf);
		return;
	}
	snprintf(rel, sizeof(rel), MSGS_DIR "/%s", dir);
	snprintf(abs, sizeof(abs), "%s", tdm_test_path(rel));
	d = opendir(abs);
	CU_ASSERT_PTR_NOT_NULL(d);
	while (d && (de = readdir(d))) {
		size_t n = strlen(de->d_name);
		bool listed = false;

		if (n < 5 || strcmp(de->d_name + n - 4, ".sip"))
			continue;
		for (unsigned i = 0; i < mf->n && !listed; i++)
			listed = strlen(mf->e[i].name) == n - 4 &&
				 !strncmp(mf->e[i].name, de->d_name, n - 4);
		if (!listed) {
			fprintf(stderr, "  torture: %s/%s is not in its MANIFEST\n",
				rel, de->d_name);
			CU_FAIL("fixture not listed in MANIFEST");
		}
	}
	if (d)
		closedir(d);
	for (unsigned i = 0; i < mf->n; i++) {
		size_t len = 0;
		char *raw;

		for (unsigned j = 0; j < i; j++)
			if (!strcmp(mf->e[i].name, mf->e[j].name)) {
				fprintf(stderr, "  torture: %s: %s listed twice\n",
					rel, mf->e[i].name);
				CU_FAIL("MANIFEST entry listed twice");
			}
		snprintf(path, sizeof(path), "%s/%s.sip", rel, mf->e[i].name);
		raw = tdm_test_read(path, &len);
		if (!raw) {
			fprintf(stderr, "  torture: %s: listed but missing\n", path);
			CU_FAIL("MANIFEST entry without a file");
		}
		free(raw);
	}
	free(mf);
}

static void test_sip_torture_listing(void)
{
	check_listing("rfc4475");
	check_listing("rfc3665");
	check_listing("misc");
}

/* The RFC 4475 files are byte-exact copies of the RFC's archive; their
 * sizes guard against an editor or a checkout rewriting line ends. */
static void test_sip_torture_rfc4475_sizes(void)
{
	static const struct {
		const char *name;
		size_t len;
	} sizes[] = {
		{ "wsinv", 1001 },   { "intmeth", 641 }, { "esc01", 543 },
		{ "escnull", 359 },  { "esc02", 439 },   { "lwsdisp", 255 },
		{ "longreq", 3515 }, { "dblreq", 750 },  { "semiuri", 380 },
		{ "transports", 503 }, { "mpart01", 1290 },
		{ "unreason", 526 }, { "noreason", 274 },
	};

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char path[256];
		size_t len = 0;
		char *raw;

		snprintf(path, sizeof(path), MSGS_DIR "/rfc4475/%s.sip",
			 sizes[i].name);
		raw = tdm_test_read(path, &len);
		CU_ASSERT_PTR_NOT_NULL(raw);
		if (raw && len != sizes[i].len) {
			fprintf(stderr, "  torture: %s: %zu bytes, expected %zu\n",
				path, len, sizes[i].len);
			CU_FAIL("RFC 4475 fixture changed size");
		}
		free(raw);
	}
}

/* Our own fixtures (RFC 3665, misc) use CRLF everywhere in the header
 * section: a bare LF means an editor converted the file. */
static void check_crlf(const char *dir)
{
	struct manifest *mf = calloc(1, sizeof(*mf));

	CU_ASSERT_PTR_NOT_NULL_FATAL(mf);
	if (manifest_load(dir, mf)) {
		CU_FAIL("MANIFEST unreadable");
		free(mf);
		return;
	}
	for (unsigned i = 0; i < mf->n; i++) {
		char path[256];
		size_t len = 0;
		char *raw, *end;

		snprintf(path, sizeof(path), MSGS_DIR "/%s/%s.sip", dir,
			 mf->e[i].name);
		raw = tdm_test_read(path, &len);
		if (!raw)
			continue; /* reported by the listing test */
		end = strstr(raw, "\r\n\r\n");
		if (!end) {
			fprintf(stderr, "  torture: %s: no CRLF CRLF\n", path);
			CU_FAIL("fixture without an empty line");
		}
		for (char *p = raw; end && p < end; p++)
			if (*p == '\n' && (p == raw || p[-1] != '\r')) {
				fprintf(stderr, "  torture: %s: bare LF at %zu\n",
					path, (size_t)(p - raw));
				CU_FAIL("fixture with a bare LF");
				break;
			}
		free(raw);
	}
	free(mf);
}

static void test_sip_torture_crlf(void)
{
	check_crlf("rfc3665");
	check_crlf("misc");
}

TDM_TEST_SUITE(sip_torture,
	       TDM_TEST(test_sip_torture_listing),
	       TDM_TEST(test_sip_torture_rfc4475_sizes),
	       TDM_TEST(test_sip_torture_crlf),
	       TDM_TEST(test_sip_torture_rfc4475),
	       TDM_TEST(test_sip_torture_rfc3665),
	       TDM_TEST(test_sip_torture_misc))
