/* SPDX-License-Identifier: GPL-2.0-or-later
 * nat: IP address classes and comparison (see nat_ip.h). No allocation,
 * no state: called from every worker. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include "nat_ip.h"

int nat_ip_parse(const struct tdm_str *s, struct nat_ip *out)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					    0xff, 0xff };
	char buf[64];
	const char *p = s ? s->s : NULL;
	size_t len = s ? s->len : 0;

	memset(out, 0, sizeof(*out));
	if (len >= 2 && p[0] == '[' && p[len - 1] == ']') {
		p++;
		len -= 2;
	}
	if (!len || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, p, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET, buf, out->b) == 1) {
		out->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, buf, out->b) != 1)
		return -EINVAL;
	out->family = AF_INET6;
	if (!memcmp(out->b, mapped, sizeof(mapped))) {
		memmove(out->b, out->b + 12, 4);
		memset(out->b + 4, 0, 12);
		out->family = AF_INET;
	}
	return 0;
}

static enum nat_ip_class class4(const uint8_t *b)
{
	if (b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) ||
	    (b[0] == 192 && b[1] == 168))
		return NAT_IP_PRIVATE;
	if (b[0] == 100 && (b[1] & 0xc0) == 64)
		return NAT_IP_SHARED;
	if (b[0] == 127)
		return NAT_IP_LOOPBACK;
	if (b[0] == 169 && b[1] == 254)
		return NAT_IP_LINKLOCAL;
	return NAT_IP_PUBLIC;
}

static enum nat_ip_class class6(const uint8_t *b)
{
	static const uint8_t loop[16] = { [15] = 1 };

	if (!memcmp(b, loop, sizeof(loop)))
		return NAT_IP_LOOPBACK;
	if ((b[0] & 0xfe) == 0xfc)
		return NAT_IP_PRIVATE;
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
		return NAT_IP_LINKLOCAL;
	return NAT_IP_PUBLIC;
}

enum nat_ip_class nat_ip_class_of(const struct nat_ip *ip)
{
	if (ip->family == AF_INET)
		return class4(ip->b);
	if (ip->family == AF_INET6)
		return class6(ip->b);
	return NAT_IP_NONE;
}

enum nat_ip_class nat_ip_class(const struct tdm_str *s)
{
	struct nat_ip ip;

	if (nat_ip_parse(s, &ip))
		return NAT_IP_NONE;
	return nat_ip_class_of(&ip);
}

bool nat_ip_is_private(const struct tdm_str *s)
{
	enum nat_ip_class c = nat_ip_class(s);

	return c == NAT_IP_PRIVATE || c == NAT_IP_SHARED;
}

bool nat_ip_same(const struct tdm_str *a, const struct tdm_str *b)
{
	struct nat_ip x, y;

	if (nat_ip_parse(a, &x) || nat_ip_parse(b, &y))
		return false;
	return x.family == y.family && !memcmp(x.b, y.b, sizeof(x.b));
}

bool nat_ip_class_mismatch(enum nat_ip_class c, enum nat_ip_class src)
{
	if (c == NAT_IP_NONE || c == NAT_IP_PUBLIC)
		return false;
	return c != src;
}
