/* SPDX-License-Identifier: GPL-2.0-or-later
 * nat: script functions that detect a client behind NAT and fix its
 * Contact (issue 6, item 3). The registrar stores the source address of
 * a NATed binding by itself; these functions are for the rest of the
 * routing script: dialog-forming requests and their replies, whose
 * Contact is used by the far end for in-dialog requests. The tests live
 * in nat_detect.c and nat_ip.c; this file is the descriptor and glue.
 * docs/nat.md explains when to call what. */
#include <errno.h>
#include <tandem/tandem.h>
#include "nat_detect.h"
#include "nat_ip.h"

/* nat.detect([tests]): a literal mask is checked at load. */
static int nat_detect_prepare(struct tdm_scr_prep *p)
{
	const struct tdm_value *v = tdm_scr_prep_const(p, 0);

	if (v && v->type == TDM_T_INT &&
	    (v->u.i <= 0 || v->u.i > (int64_t)NAT_T_ALL)) {
		tdm_scr_prep_error(p, 0, "nat.detect(): tests must be 1..%u, "
				   "not %lld", NAT_T_ALL, (long long)v->u.i);
		return -EINVAL;
	}
	return 0;
}

/* nat.detect([tests]) -> bool: true when one of the tests (default
 * 1|2|16) finds NAT. False when the source is unknown (offline tests). */
static int nat_fn_detect(struct tdm_scr_call *c)
{
	const struct tdm_value *t = tdm_scr_arg(c, 0);
	struct tdm_sip_msg *m = tdm_scr_msg(c);
	unsigned tests = NAT_T_DEFAULT;
	struct tdm_scr_peer p;

	if (t)
		tests = (unsigned)t->u.i & NAT_T_ALL;
	if (!m || tdm_scr_peer(c, &p))
		return tdm_scr_ret_bool(c, false);
	return tdm_scr_ret_bool(c, nat_detect(m, &p, tests, tdm_scr_arena(c)) != 0);
}

/* nat.fixed_contact() -> str: the Contact value with host:port replaced
 * by the source; "" when the message has no Contact; the value unchanged
 * when the source is unknown. A malformed Contact is an error (500). */
static int nat_fn_fixed_contact(struct tdm_scr_call *c)
{
	struct tdm_sip_msg *m = tdm_scr_msg(c);
	struct tdm_buf out = TDM_BUF_INIT;
	struct tdm_scr_peer p;
	struct tdm_str s = { "", 0 };
	const struct tdm_sip_hdr *h;
	int rc;

	if (!m)
		return tdm_scr_ret_str(c, &s);
	if (tdm_scr_peer(c, &p)) {
		h = tdm_sip_msg_hdr(m, TDM_HDR_CONTACT);
		if (h)
			s = h->value;
		return tdm_scr_ret_str(c, &s);
	}
	rc = nat_fix_contact(m, &p, &out);
	if (rc == 0) {
		s.s = out.data;
		s.len = out.len;
	}
	if (rc == 0 || rc == -ENOENT)
		rc = tdm_scr_ret_str(c, &s);
	tdm_buf_free(&out);
	return rc;
}

/* nat.is_private(ip) -> bool: RFC 1918, RFC 6598 or fc00::/7. */
static int nat_fn_is_private(struct tdm_scr_call *c)
{
	struct tdm_str ip = tdm_scr_arg_str(c, 0);

	return tdm_scr_ret_bool(c, nat_ip_is_private(&ip));
}

static const struct tdm_fn_def nat_functions[] = {
	{ .name = "detect", .impl = nat_fn_detect,
	  .prepare = nat_detect_prepare, .ret = TDM_T_BOOL,
	  .args = TDM_ARGS({ "tests", TDM_T_INT, TDM_ARG_OPTIONAL }),
	  .routes = TDM_ROUTE_ANY,
	  .doc = "True when the message comes from behind a NAT. tests is a "
		 "mask: 1 Contact private, 2 Via address differs from the "
		 "source, 4 Via private, 8 SDP private, 16 Via port differs "
		 "(default 1|2|16 = 19)." },
	{ .name = "fixed_contact", .impl = nat_fn_fixed_contact,
	  .ret = TDM_T_STR, .routes = TDM_ROUTE_ANY,
	  .doc = "The Contact header value with each contact's host:port "
		 "replaced by the source address (parameters kept, "
		 ";transport= added for stream sources); \"\" when there is "
		 "no Contact." },
	{ .name = "is_private", .impl = nat_fn_is_private, .ret = TDM_T_BOOL,
	  .args = TDM_ARGS({ "ip", TDM_T_STR, 0 }),
	  .routes = TDM_ROUTE_ANY,
	  .doc = "True for an RFC 1918, RFC 6598 (100.64/10) or IPv6 unique "
		 "local (fc00::/7) address." },
	TDM_FN_END
};

TDM_MODULE_DESCRIPTOR(nat) = {
	TDM_MODULE_HEADER,
	.name = "nat",
	.description = "NAT detection and Contact fixing for routing scripts",
	.functions = nat_functions,
	.doc = "See docs/nat.md.",
};
