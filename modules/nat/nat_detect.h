/* SPDX-License-Identifier: GPL-2.0-or-later
 * nat: NAT detection and Contact fixing on a parsed message and the
 * address it came from. Pure functions of (message, peer), so the unit
 * tests run them without a node; nat.c turns them into script functions. */
#ifndef TDM_NAT_DETECT_H
#define TDM_NAT_DETECT_H

#include <tandem/arena.h>
#include <tandem/buf.h>
#include <tandem/script.h>
#include <tandem/sip.h>

/* The tests of nat.detect(tests), numbered as Kamailio's nat_uac_test. */
#define NAT_T_CONTACT_PRIVATE 1u  /* a Contact host is private/shared/
				   * loopback/link-local, the source not */
#define NAT_T_VIA_RECEIVED 2u     /* top Via host differs from the source IP */
#define NAT_T_VIA_PRIVATE 4u      /* top Via host is private, the source not */
#define NAT_T_SDP_PRIVATE 8u      /* an SDP c= address is private, the
				   * source not */
#define NAT_T_VIA_PORT 16u        /* top Via port differs from the source port */
#define NAT_T_ALL 31u
#define NAT_T_DEFAULT (NAT_T_CONTACT_PRIVATE | NAT_T_VIA_RECEIVED | \
		       NAT_T_VIA_PORT)

/* Runs the tests of mask `tests` on m as received from p. Returns the
 * subset that found NAT (0: none). The Via tests only look at requests:
 * the top Via of a response is this node's own. An SDP body is parsed in
 * arena a (may be NULL: test 8 is then skipped). Malformed headers count
 * as "no evidence", never as an error. */
unsigned nat_detect(struct tdm_sip_msg *m, const struct tdm_scr_peer *p,
		    unsigned tests, struct tdm_arena *a);

/* Appends to out the value of m's Contact header(s), comma-joined, with
 * the host:port of every sip:/sips: contact replaced by p's source
 * address; everything else (display name, user, URI and header
 * parameters) is kept byte for byte. When p's transport is not UDP and
 * the URI has no transport parameter, ";transport=<tcp|tls|ws|wss>" is
 * added (a name-addr form is used then). "*" and non-SIP URIs are kept
 * as they are. 0, -ENOENT (no Contact), -EBADMSG (a malformed Contact),
 * -ENOMEM. */
int nat_fix_contact(struct tdm_sip_msg *m, const struct tdm_scr_peer *p,
		    struct tdm_buf *out);

#endif
