/* SPDX-License-Identifier: GPL-2.0-or-later
 * CANCEL (RFC 3261 §9, §16.10): an incoming CANCEL is answered 200 by
 * its own server transaction and cancels every pending branch of the
 * INVITE it names; branches are cancelled with a CANCEL built from the
 * request they sent, only once they have a provisional response (§9.1);
 * Timer C (§16.6 step 11) cancels a branch that rings too long. */
#include <string.h>
#include "proxy/proxy_impl.h"

void px_cancel_branch(struct px_branch *b)
{
	struct tdm_sip_msg *r;
	struct tdm_buf msg = { 0 };
	struct tdm_str branch;
	struct tdm_cli *c;

	if (b->done || b->cancel_cli || !b->cli || !b->px->invite)
		return;
	if (!b->provisional) {
		b->cancel_wanted = true; /* sent with the first provisional */
		return;
	}
	b->cancel_wanted = false;
	r = tdm_cli_request_msg(b->cli);
	branch = tdm_cli_branch(b->cli);
	if (r && !tdm_txn_build_hop(r, "CANCEL", r, &msg) &&
	    !tdm_cli_new(b->px->p->txns, TDM_SIP_CANCEL, &branch,
			 tdm_cli_dest(b->cli), msg.data, msg.len, b, &c)) {
		b->cancel_cli = c;
		px_ref(b->px);
	}
	tdm_buf_free(&msg);
}

void px_cancel_all(struct px *px)
{
	for (struct px_branch *b = px->branches; b; b = b->next)
		if (!b->done)
			px_cancel_branch(b);
}

bool px_cancel_request(struct tdm_proxy *p, struct tdm_sip_msg *req,
		       const struct tdm_rcv *rcv)
{
	struct tdm_srv *inv = tdm_srv_find_invite(p->txns, req);
	struct tdm_srv *s;
	struct px *px;

	if (!inv)
		return false; /* the script decides (stateless forward) */
	if (tdm_srv_new(p->txns, req, rcv, &s)) {
		tdm_sip_msg_free(req);
		return true;
	}
	tdm_srv_reply(s, 200, NULL, NULL);
	if (tdm_srv_status(inv) >= 200)
		return true;
	px = tdm_srv_user(inv);
	if (!px) {
		tdm_srv_reply(inv, 487, NULL, NULL);
		return true;
	}
	px->cancelled = true;
	px_cancel_all(px);
	/* branches not yet sent (resolving) or without a provisional
	 * answer end as cancelled when they answer; with none pending the
	 * INVITE is answered now */
	if (!px_pending(px)) {
		px->final_sent = true;
		tdm_srv_reply(inv, 487, NULL, NULL);
	}
	return true;
}

void px_timer_c(void *arg)
{
	struct px_branch *b = arg;

	if (b->done)
		return;
	if (b->provisional) {
		px_cancel_branch(b);
		return;
	}
	b->cancel_wanted = true;
	px_branch_final(b, 408, NULL);
	px_check_done(b->px);
}
