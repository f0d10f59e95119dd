/* SPDX-License-Identifier: GPL-2.0-or-later
 * The auth module's admin commands: how many failures a source address
 * has (what a script's auth.failures() sees), and forgetting them — the
 * operator's way to let an address in again after a lockout rule in the
 * script. */
#include <arpa/inet.h>
#include <string.h>
#include "auth.h"

/* The address parameter in the form the counters key it (inet_ntop's,
 * as sources are formatted) into buf; NULL after answering -32602. */
static const char *ip_param(struct tdm_rpc *r, char buf[INET6_ADDRSTRLEN])
{
	const char *ip = tdm_rpc_str(r, 0);
	unsigned char a[16];
	int af = strchr(ip, ':') ? AF_INET6 : AF_INET;

	if (inet_pton(af, ip, a) != 1 || !inet_ntop(af, a, buf, INET6_ADDRSTRLEN)) {
		tdm_rpc_fail(r, TDM_RPC_INVALID_PARAMS,
			     "Invalid params: '%s' is not an IP address", ip);
		return NULL;
	}
	return buf;
}

static int auth_rpc_failures(struct tdm_rpc *r)
{
	char buf[INET6_ADDRSTRLEN];
	const char *ip = ip_param(r, buf);
	struct tdm_rpc_val *o;

	if (!ip)
		return -1;
	o = tdm_rpc_result_object(r);
	tdm_rpc_add_str(o, "ip", ip);
	tdm_rpc_add_int(o, "failures", auth_failures_get(&(struct tdm_str){ ip, strlen(ip) }));
	return 0;
}

static int auth_rpc_clear(struct tdm_rpc *r)
{
	char buf[INET6_ADDRSTRLEN];
	const char *ip = ip_param(r, buf);
	struct tdm_rpc_val *o;
	unsigned before;

	if (!ip)
		return -1;
	before = auth_failures_get(&(struct tdm_str){ ip, strlen(ip) });
	auth_failures_clear(&(struct tdm_str){ ip, strlen(ip) });
	o = tdm_rpc_result_object(r);
	tdm_rpc_add_str(o, "ip", ip);
	tdm_rpc_add_int(o, "cleared", before);
	return 0;
}

const struct tdm_rpc_def auth_rpcs[] = {
	{ "auth.failures", auth_rpc_failures, "ip:str",
	  "Decayed authentication-failure count of a source address" },
	{ "auth.clear", auth_rpc_clear, "ip:str",
	  "Forgets the failures of a source address" },
	TDM_RPC_END
};
