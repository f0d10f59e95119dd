/* SPDX-License-Identifier: GPL-2.0-or-later
 * Request methods: name <-> id. Method names are case-sensitive
 * (RFC 3261 §7.1), so this is a plain length switch and compare. */
#include <string.h>
#include <tandem/sip.h>

static const char *const method_names[] = {
	[TDM_SIP_METHOD_OTHER] = "",
	[TDM_SIP_INVITE] = "INVITE",       [TDM_SIP_ACK] = "ACK",
	[TDM_SIP_BYE] = "BYE",             [TDM_SIP_CANCEL] = "CANCEL",
	[TDM_SIP_REGISTER] = "REGISTER",   [TDM_SIP_OPTIONS] = "OPTIONS",
	[TDM_SIP_INFO] = "INFO",           [TDM_SIP_UPDATE] = "UPDATE",
	[TDM_SIP_PRACK] = "PRACK",         [TDM_SIP_SUBSCRIBE] = "SUBSCRIBE",
	[TDM_SIP_NOTIFY] = "NOTIFY",       [TDM_SIP_PUBLISH] = "PUBLISH",
	[TDM_SIP_MESSAGE] = "MESSAGE",     [TDM_SIP_REFER] = "REFER",
};

static bool is(const struct tdm_str *n, enum tdm_sip_method m)
{
	return !memcmp(n->s, method_names[m], n->len);
}

enum tdm_sip_method tdm_sip_method_id(const struct tdm_str *n)
{
	switch (n->len) {
	case 3:
		if (is(n, TDM_SIP_ACK)) return TDM_SIP_ACK;
		if (is(n, TDM_SIP_BYE)) return TDM_SIP_BYE;
		break;
	case 4:
		if (is(n, TDM_SIP_INFO)) return TDM_SIP_INFO;
		break;
	case 5:
		if (is(n, TDM_SIP_PRACK)) return TDM_SIP_PRACK;
		if (is(n, TDM_SIP_REFER)) return TDM_SIP_REFER;
		break;
	case 6:
		if (is(n, TDM_SIP_INVITE)) return TDM_SIP_INVITE;
		if (is(n, TDM_SIP_CANCEL)) return TDM_SIP_CANCEL;
		if (is(n, TDM_SIP_UPDATE)) return TDM_SIP_UPDATE;
		if (is(n, TDM_SIP_NOTIFY)) return TDM_SIP_NOTIFY;
		break;
	case 7:
		if (is(n, TDM_SIP_OPTIONS)) return TDM_SIP_OPTIONS;
		if (is(n, TDM_SIP_PUBLISH)) return TDM_SIP_PUBLISH;
		if (is(n, TDM_SIP_MESSAGE)) return TDM_SIP_MESSAGE;
		break;
	case 8:
		if (is(n, TDM_SIP_REGISTER)) return TDM_SIP_REGISTER;
		break;
	case 9:
		if (is(n, TDM_SIP_SUBSCRIBE)) return TDM_SIP_SUBSCRIBE;
		break;
	}
	return TDM_SIP_METHOD_OTHER;
}

const char *tdm_sip_method_name(enum tdm_sip_method m)
{
	if ((unsigned)m >= sizeof(method_names) / sizeof(method_names[0]))
		return "";
	return method_names[m];
}
