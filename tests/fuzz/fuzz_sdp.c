/* SPDX-License-Identifier: GPL-2.0-or-later
 * libFuzzer target for core/sip/sdp.c: parse the input as an SDP body; when
 * it parses, writing it back without edits must give the same bytes, and a
 * media-relay rewrite (every address, every active port, ICE removed, RTCP
 * and direction replaced) must parse again with the new values in force. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tandem/tandem.h>
#include "fuzz_check.h"


static void touch_conn(const struct tdm_sdp_conn *c)
{
	touch(&c->nettype);
	touch(&c->addrtype);
	touch(&c->addr);
	touch(&c->suffix);
}

static void touch_sdp(const struct tdm_sdp *sdp)
{
	const struct tdm_sdp_origin *o = &sdp->origin;
	const struct tdm_str *f[] = { &o->username, &o->sess_id,
				      &o->sess_version, &o->nettype,
				      &o->addrtype, &o->addr,
				      &sdp->session_name };

	for (size_t i = 0; i < TDM_ARRAY_SIZE(f); i++)
		touch(f[i]);
	touch_conn(&sdp->conn);
	for (unsigned i = 0; i < sdp->line_count; i++) {
		touch(&sdp->lines[i].raw);
		touch(&sdp->lines[i].value);
	}
	for (unsigned i = 0; i < sdp->attr_count; i++) {
		touch(&sdp->attrs[i].name);
		touch(&sdp->attrs[i].value);
	}
	for (unsigned i = 0; i < sdp->media_count; i++) {
		const struct tdm_sdp_media *m = &sdp->media[i];

		touch(&m->media);
		touch(&m->proto);
		for (unsigned k = 0; k < m->fmt_count; k++)
			touch(&m->fmts[k]);
		touch_conn(&m->conn);
		touch_conn(&m->rtcp_conn);
		for (unsigned k = 0; k < m->attr_count; k++) {
			touch(&m->attrs[k].name);
			touch(&m->attrs[k].value);
		}
		for (unsigned k = 0; k < m->rtpmap_count; k++) {
			touch(&m->rtpmaps[k].encoding);
			touch(&m->rtpmaps[k].params);
		}
		fuzz_sink += tdm_sdp_media_dir(sdp, i);
	}
}

/* No edits: the bytes from the first line on come back unchanged (empty
 * lines before v= are the one thing dropped). */
static void check_identity(const struct tdm_sdp *sdp, struct tdm_arena *a)
{
	struct tdm_buf out = TDM_BUF_INIT;
	struct tdm_sdp_edits *e;
	const char *first = sdp->lines[0].raw.s;
	size_t len = sdp->body.len - (size_t)(first - sdp->body.s);

	CHECK(tdm_sdp_edits_new(&e, sdp, a) == 0);
	CHECK(tdm_sdp_write(e, &out) == 0);
	CHECK(out.len == len && memcmp(out.data, first, len) == 0);
	tdm_buf_free(&out);
}

static const struct tdm_str relay_ip = TDM_STR("203.0.113.5");

/* The relay rewrite; returns the edited body in out. */
static void relay(const struct tdm_sdp *sdp, struct tdm_arena *a,
		  struct tdm_buf *out)
{
	struct tdm_str ip4 = TDM_STR("IP4"), v;
	struct tdm_sdp_edits *e;
	char tmp[32];

	CHECK(tdm_sdp_edits_new(&e, sdp, a) == 0);
	CHECK(tdm_sdp_edit_set_conn(e, TDM_SDP_ALL, &ip4, &relay_ip) == 0);
	CHECK(tdm_sdp_edit_set_origin(e, &ip4, &relay_ip) == 0);
	for (unsigned i = 0; i < sdp->media_count; i++) {
		uint16_t port = (uint16_t)(20000 + 2 * i);

		if (!sdp->media[i].port) /* rejected streams stay rejected */
			continue;
		CHECK(tdm_sdp_edit_set_port(e, i, port) == 0);
		v.len = (size_t)snprintf(tmp, sizeof(tmp), "%u", port + 1u);
		v.s = tmp;
		CHECK(tdm_sdp_edit_set_attr(e, (int)i, "rtcp", &v) == 0);
	}
	CHECK(tdm_sdp_edit_del_attr(e, TDM_SDP_ALL, "candidate") == 0);
	CHECK(tdm_sdp_edit_set_dir(e, TDM_SDP_ALL, TDM_SDP_SENDRECV) == 0);
	CHECK(tdm_sdp_edit_add_attr(e, TDM_SDP_ALL, "x-relay", NULL) == 0);
	CHECK(tdm_sdp_write(e, out) == 0);
}

/* The rewritten body parses, with the relay's address and ports. */
static void check_relayed(const struct tdm_sdp *old, const struct tdm_buf *out)
{
	struct tdm_sip_error err;
	struct tdm_arena *a;
	struct tdm_sdp *sdp;
	int rc;

	CHECK(tdm_arena_new(&a, 0) == 0);
	rc = tdm_sdp_parse(&sdp, a, out->data, out->len, &err);
	if (rc) {
		fprintf(stderr, "rewrite refused at %u: %s\n%.*s\n",
			(unsigned)err.offset, err.reason, (int)out->len, out->data);
		abort();
	}
	CHECK(sdp->media_count == old->media_count);
	CHECK(tdm_str_eq(&sdp->origin.addr, &relay_ip));
	for (unsigned i = 0; i < sdp->media_count; i++) {
		const struct tdm_sdp_media *m = &sdp->media[i];

		CHECK(tdm_str_eq(&m->conn.addr, &relay_ip));
		CHECK(m->port == (old->media[i].port ? 20000 + 2 * i : 0));
		if (m->port)
			CHECK(m->rtcp_port == m->port + 1);
		CHECK(tdm_sdp_media_dir(sdp, i) == TDM_SDP_SENDRECV);
	}
	tdm_arena_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tdm_buf out = TDM_BUF_INIT;
	struct tdm_sip_error err;
	struct tdm_arena *a;
	struct tdm_sdp *sdp;
	int rc;

	if (size > 65535)
		return 0;
	CHECK(tdm_arena_new(&a, 0) == 0);
	rc = tdm_sdp_parse(&sdp, a, (const char *)data, size, &err);
	CHECK(rc == 0 || rc == -EBADMSG);
	if (rc == -EBADMSG) {
		CHECK(err.offset <= size && err.reason != NULL);
	} else {
		touch_sdp(sdp);
		check_identity(sdp, a);
		relay(sdp, a, &out);
		check_relayed(sdp, &out);
	}
	tdm_buf_free(&out);
	tdm_arena_free(a);
	return 0;
}
