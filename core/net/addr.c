/* SPDX-License-Identifier: GPL-2.0-or-later
 * Transport addresses: parsing of listen addresses (literal IPs only),
 * text forms for Via and logs, comparison. inet_pton/inet_ntop do the
 * address work; this file only splits "proto:host:port" and explains
 * what was wrong. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <tandem/addr.h>

static const char *const proto_names[] = {
	[TDM_PROTO_NONE] = "none", [TDM_PROTO_UDP] = "udp",
	[TDM_PROTO_TCP] = "tcp",   [TDM_PROTO_TLS] = "tls",
	[TDM_PROTO_WS] = "ws",     [TDM_PROTO_WSS] = "wss",
};

const char *tdm_proto_name(enum tdm_proto p)
{
	if ((unsigned)p >= TDM_ARRAY_SIZE(proto_names))
		return "?";
	return proto_names[p];
}

enum tdm_proto tdm_proto_parse(const struct tdm_str *name)
{
	if (!name)
		return TDM_PROTO_NONE;
	for (unsigned i = TDM_PROTO_UDP; i < TDM_ARRAY_SIZE(proto_names); i++)
		if (tdm_str_caseeq_c(name, proto_names[i]))
			return (enum tdm_proto)i;
	return TDM_PROTO_NONE;
}

/* Sets *why (when wanted) and returns -EINVAL: every parse error path. */
static int fail(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -EINVAL;
}

static bool only_digits_and_dots(const struct tdm_str *s)
{
	for (size_t i = 0; i < s->len; i++)
		if (!(s->s[i] == '.' || (s->s[i] >= '0' && s->s[i] <= '9')))
			return false;
	return true;
}

static int parse_port(const struct tdm_str *p, uint16_t *port,
		      const char **why)
{
	uint32_t v;
	int err;

	if (p->len == 0)
		return fail(why, "missing port");
	err = tdm_str_to_u32(p, &v);
	if (err == -ERANGE || (!err && v > 65535))
		return fail(why, "port out of range (0-65535)");
	if (err)
		return fail(why, "port is not a number");
	*port = (uint16_t)v;
	return 0;
}

/* host is the text between the brackets for IPv6 (v6 true). */
static int parse_ip(struct tdm_addr *out, const struct tdm_str *host, bool v6,
		    const char **why)
{
	char tmp[INET6_ADDRSTRLEN];
	struct sockaddr_in *sin = (struct sockaddr_in *)&out->ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&out->ss;

	if (host->len == 0)
		return fail(why, v6 ? "empty IPv6 address" : "missing host");
	if (v6 && tdm_str_chr(host, '%') >= 0)
		return fail(why, "IPv6 zone index not supported");
	if (host->len >= sizeof(tmp)) {
		if (v6 || only_digits_and_dots(host))
			return fail(why, v6 ? "bad IPv6 address"
					    : "bad IPv4 address");
		return fail(why, "host must be a literal IP address, not a name");
	}
	memcpy(tmp, host->s, host->len);
	tmp[host->len] = '\0';
	if (v6) {
		if (inet_pton(AF_INET6, tmp, &sin6->sin6_addr) != 1)
			return fail(why, "bad IPv6 address");
		sin6->sin6_family = AF_INET6;
		out->len = sizeof(*sin6);
		return 0;
	}
	if (inet_pton(AF_INET, tmp, &sin->sin_addr) != 1) {
		if (only_digits_and_dots(host))
			return fail(why, "bad IPv4 address");
		return fail(why, "host must be a literal IP address, not a name");
	}
	sin->sin_family = AF_INET;
	out->len = sizeof(*sin);
	return 0;
}

/* Splits "[v6]:port" or "v4:port" into host and port text. */
static int split_host_port(const struct tdm_str *in, struct tdm_str *host,
			   struct tdm_str *port, bool *v6, const char **why)
{
	long i;

	if (in->len == 0)
		return fail(why, "empty address");
	if (in->s[0] == '[') {
		struct tdm_str rest = tdm_str_sub(in, 1, in->len);

		i = tdm_str_chr(&rest, ']');
		if (i < 0)
			return fail(why, "missing ']' after IPv6 address");
		*host = tdm_str_sub(&rest, 0, (size_t)i);
		rest = tdm_str_sub(&rest, (size_t)i + 1, rest.len);
		if (rest.len == 0)
			return fail(why, "missing port");
		if (rest.s[0] != ':')
			return fail(why, "expected ':' after ']'");
		*port = tdm_str_sub(&rest, 1, rest.len);
		*v6 = true;
		return 0;
	}
	i = tdm_str_chr(in, ':');
	if (i < 0)
		return fail(why, "missing port");
	*host = tdm_str_sub(in, 0, (size_t)i);
	*port = tdm_str_sub(in, (size_t)i + 1, in->len);
	if (tdm_str_chr(port, ':') >= 0)
		return fail(why, "IPv6 address must be in brackets");
	*v6 = false;
	return 0;
}

int tdm_addr_parse(struct tdm_addr *out, const struct tdm_str *in,
		   const char **why)
{
	struct tdm_str host, port;
	uint16_t pnum = 0;
	bool v6 = false;
	int err;

	if (!out)
		return fail(why, "no output address");
	memset(out, 0, sizeof(*out));
	if (!in || (!in->s && in->len))
		return fail(why, "no input");
	err = split_host_port(in, &host, &port, &v6, why);
	if (!err)
		err = parse_ip(out, &host, v6, why);
	if (!err)
		err = parse_port(&port, &pnum, why);
	if (err) {
		memset(out, 0, sizeof(*out));
		return err;
	}
	return tdm_addr_set_port(out, pnum);
}

int tdm_addr_parse_listen(enum tdm_proto *proto, struct tdm_addr *out,
			  const struct tdm_str *in, const char **why)
{
	struct tdm_str name, rest;
	enum tdm_proto p;
	long i;
	int err;

	if (proto)
		*proto = TDM_PROTO_NONE;
	if (!out)
		return fail(why, "no output address");
	memset(out, 0, sizeof(*out));
	if (!in || (!in->s && in->len))
		return fail(why, "no input");
	if (in->len == 0)
		return fail(why, "empty address");
	i = tdm_str_chr(in, ':');
	if (i < 0)
		return fail(why, "missing protocol (expected proto:ip:port)");
	name = tdm_str_sub(in, 0, (size_t)i);
	rest = tdm_str_sub(in, (size_t)i + 1, in->len);
	p = tdm_proto_parse(&name);
	if (p == TDM_PROTO_NONE)
		return fail(why, name.len ? "unknown protocol (udp, tcp, tls, ws, wss)"
					  : "missing protocol (expected proto:ip:port)");
	err = tdm_addr_parse(out, &rest, why);
	if (err)
		return err;
	if (proto)
		*proto = p;
	return 0;
}

int tdm_addr_from_sockaddr(struct tdm_addr *out, const struct sockaddr *sa,
			   socklen_t len)
{
	socklen_t need;

	if (!out || !sa || len < (socklen_t)sizeof(sa_family_t))
		return -EINVAL;
	if (sa->sa_family == AF_INET)
		need = sizeof(struct sockaddr_in);
	else if (sa->sa_family == AF_INET6)
		need = sizeof(struct sockaddr_in6);
	else
		return -EAFNOSUPPORT;
	if (len < need)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	memcpy(&out->ss, sa, need);
	out->len = need;
	return 0;
}

int tdm_addr_family(const struct tdm_addr *a)
{
	if (!a || a->len == 0)
		return 0;
	return a->ss.ss_family;
}

/* Copies the IP text (no brackets) into buf; returns its length or -errno. */
/* Dotted quad of b into buf (room for INET_ADDRSTRLEN): the proxy
 * formats every request's source address, and inet_ntop costs ~1,800
 * instructions against ~60 here. */
static int ipv4_text(const void *addr, char *buf)
{
	const unsigned char *b = addr;
	char *p = buf;

	for (int i = 0; i < 4; i++) {
		unsigned v = b[i];
		if (i)
			*p++ = '.';
		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
	}
	*p = '\0';
	return (int)(p - buf);
}

static int ip_text(const struct tdm_addr *a, char *buf, size_t size)
{
	char tmp[INET6_ADDRSTRLEN];
	const void *src;
	size_t n;

	switch (tdm_addr_family(a)) {
	case AF_INET:
		src = &((const struct sockaddr_in *)&a->ss)->sin_addr;
		if (buf && size >= INET_ADDRSTRLEN) /* per request: no inet_ntop */
			return ipv4_text(src, buf);
		break;
	case AF_INET6:
		src = &((const struct sockaddr_in6 *)&a->ss)->sin6_addr;
		break;
	default:
		return -EINVAL;
	}
	if (!inet_ntop(a->ss.ss_family, src, tmp, sizeof(tmp)))
		return -EINVAL;
	n = strlen(tmp);
	if (!buf || n >= size) {
		if (buf && size)
			buf[0] = '\0';
		return -ENOSPC;
	}
	memcpy(buf, tmp, n + 1);
	return (int)n;
}

int tdm_addr_format_ip(const struct tdm_addr *a, char *buf, size_t size)
{
	return ip_text(a, buf, size);
}

int tdm_addr_format(const struct tdm_addr *a, char *buf, size_t size)
{
	char ip[INET6_ADDRSTRLEN];
	int n;

	n = ip_text(a, ip, sizeof(ip));
	if (n < 0)
		return n;
	if (a->ss.ss_family == AF_INET6)
		n = snprintf(buf, buf ? size : 0, "[%s]:%u", ip,
			     (unsigned)tdm_addr_port(a));
	else
		n = snprintf(buf, buf ? size : 0, "%s:%u", ip,
			     (unsigned)tdm_addr_port(a));
	if (n < 0 || !buf || (size_t)n >= size) {
		if (buf && size)
			buf[0] = '\0';
		return -ENOSPC;
	}
	return n;
}

uint16_t tdm_addr_port(const struct tdm_addr *a)
{
	switch (tdm_addr_family(a)) {
	case AF_INET:
		return ntohs(((const struct sockaddr_in *)&a->ss)->sin_port);
	case AF_INET6:
		return ntohs(((const struct sockaddr_in6 *)&a->ss)->sin6_port);
	default:
		return 0;
	}
}

int tdm_addr_set_port(struct tdm_addr *a, uint16_t port)
{
	switch (tdm_addr_family(a)) {
	case AF_INET:
		((struct sockaddr_in *)&a->ss)->sin_port = htons(port);
		return 0;
	case AF_INET6:
		((struct sockaddr_in6 *)&a->ss)->sin6_port = htons(port);
		return 0;
	default:
		return -EINVAL;
	}
}

static int family_rank(const struct tdm_addr *a)
{
	switch (tdm_addr_family(a)) {
	case AF_INET:
		return 1;
	case AF_INET6:
		return 2;
	default:
		return 0;
	}
}

static int cmp_u32(uint32_t a, uint32_t b)
{
	return (a > b) - (a < b);
}

int tdm_addr_cmp(const struct tdm_addr *a, const struct tdm_addr *b)
{
	const struct sockaddr_in6 *a6, *b6;
	int ra = family_rank(a), rb = family_rank(b), c;

	if (ra != rb || ra == 0)
		return ra - rb;
	if (ra == 1) {
		c = memcmp(&((const struct sockaddr_in *)&a->ss)->sin_addr,
			   &((const struct sockaddr_in *)&b->ss)->sin_addr, 4);
		if (c)
			return c;
		return cmp_u32(tdm_addr_port(a), tdm_addr_port(b));
	}
	a6 = (const struct sockaddr_in6 *)&a->ss;
	b6 = (const struct sockaddr_in6 *)&b->ss;
	c = memcmp(&a6->sin6_addr, &b6->sin6_addr, 16);
	if (c)
		return c;
	c = cmp_u32(tdm_addr_port(a), tdm_addr_port(b));
	if (c)
		return c;
	return cmp_u32(a6->sin6_scope_id, b6->sin6_scope_id);
}

bool tdm_addr_eq(const struct tdm_addr *a, const struct tdm_addr *b)
{
	return tdm_addr_cmp(a, b) == 0;
}
