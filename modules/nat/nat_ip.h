/* SPDX-License-Identifier: GPL-2.0-or-later
 * nat: IP address classes (private, shared, loopback, link-local, public)
 * and address comparison, the pure part of NAT detection, kept apart from
 * the script glue so the unit tests can check it table by table. */
#ifndef TDM_NAT_IP_H
#define TDM_NAT_IP_H

#include <stdbool.h>
#include <stdint.h>
#include <tandem/str.h>

/* What kind of network an address belongs to. */
enum nat_ip_class {
	NAT_IP_NONE = 0,   /* not an IP literal (a host name, garbage) */
	NAT_IP_PUBLIC,     /* everything below does not apply */
	NAT_IP_PRIVATE,    /* RFC 1918 10/8, 172.16/12, 192.168/16; RFC 4193
			    * unique local fc00::/7 */
	NAT_IP_SHARED,     /* RFC 6598 carrier-grade NAT 100.64/10 */
	NAT_IP_LOOPBACK,   /* 127/8, ::1 */
	NAT_IP_LINKLOCAL,  /* 169.254/16, fe80::/10 */
};

/* A parsed address: IPv4 as 4 bytes, IPv6 as 16; an IPv4-mapped IPv6
 * address (::ffff:a.b.c.d) is stored as the IPv4 address it maps. */
struct nat_ip {
	int family; /* AF_INET, AF_INET6 */
	uint8_t b[16];
};

/* Parses an IP literal, IPv6 with or without brackets. 0 or -EINVAL. */
int nat_ip_parse(const struct tdm_str *s, struct nat_ip *out);
/* The class of a parsed address. */
enum nat_ip_class nat_ip_class_of(const struct nat_ip *ip);
/* The class of a text address (NAT_IP_NONE when it is not one). */
enum nat_ip_class nat_ip_class(const struct tdm_str *s);
/* nat.is_private(): RFC 1918, RFC 6598 or IPv6 unique local. */
bool nat_ip_is_private(const struct tdm_str *s);
/* True when both texts are IP literals naming the same address
 * ("::ffff:10.0.0.1" equals "10.0.0.1", "[::1]" equals "::1"). */
bool nat_ip_same(const struct tdm_str *a, const struct tdm_str *b);
/* True when an address of class `c` seen where the packet came from an
 * address of class `src` betrays a NAT: c is a non-public class and src
 * is not of the same class (a private Contact from a public source; a
 * loopback Contact from anywhere but loopback). Two private addresses
 * are taken as one routed LAN. */
bool nat_ip_class_mismatch(enum nat_ip_class c, enum nat_ip_class src);

#endif
