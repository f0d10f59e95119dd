/* SPDX-License-Identifier: GPL-2.0-or-later
 * Transport addresses: an IPv4 or IPv6 socket address with its length,
 * the transport protocols, and the text forms used in listen
 * directives ("udp:127.0.0.1:5060", "tcp:[::1]:5060"), Via sent-by,
 * Via received= and logs. Listen addresses are literal IPs: resolving a
 * name at start-up would make the bound set depend on DNS. */
#ifndef TANDEM_ADDR_H
#define TANDEM_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <tandem/compiler.h>
#include <tandem/str.h>

/* Transport protocols; 0 is "none". */
enum tdm_proto {
	TDM_PROTO_NONE = 0,
	TDM_PROTO_UDP,
	TDM_PROTO_TCP,
	TDM_PROTO_TLS,
	TDM_PROTO_WS,
	TDM_PROTO_WSS,
};

/* An AF_INET or AF_INET6 address. len == 0 means unset (the state after
 * zeroing); every function below that reads an address refuses an unset
 * one with -EINVAL. Plain value: copy it with =. */
struct tdm_addr {
	struct sockaddr_storage ss;
	socklen_t len;
};

/* Room for any tdm_addr_format() result, NUL included:
 * "[" + 45 (longest IPv6 text) + "]:" + 5 + NUL. */
#define TDM_ADDR_STRLEN 56

/* "udp", "tcp", "tls", "ws", "wss"; "none" for TDM_PROTO_NONE and "?" for
 * anything else. Static strings. */
TDM_API const char *tdm_proto_name(enum tdm_proto p);
/* The reverse, ASCII case-insensitive. Returns the protocol or
 * TDM_PROTO_NONE for an unknown name. */
TDM_API enum tdm_proto tdm_proto_parse(const struct tdm_str *name);

/* Parses "IP:PORT": "127.0.0.1:5060" or "[::1]:5060" (IPv6 always in
 * brackets). The IP must be a literal address; names such as
 * "localhost" are refused. PORT is 0..65535, 0 asking the kernel for a
 * free one at bind time. On success fills *out and returns 0. On error
 * returns -EINVAL, leaves *out zeroed and, when why is not NULL, sets
 * *why to a short static reason ("host must be a literal IP address,
 * not a name"). Thread-safe. */
TDM_API int tdm_addr_parse(struct tdm_addr *out, const struct tdm_str *in,
			   const char **why);
/* Parses a listen address "PROTO:IP:PORT" ("udp:127.0.0.1:5060",
 * "tcp:[::1]:5060"); PROTO is one of tdm_proto_name()'s names, any case.
 * proto may be NULL. Same contract as tdm_addr_parse(); on error *proto
 * is TDM_PROTO_NONE. */
TDM_API int tdm_addr_parse_listen(enum tdm_proto *proto, struct tdm_addr *out,
				  const struct tdm_str *in, const char **why);

/* Fills *out from a kernel socket address (recvmsg, getsockname).
 * Returns 0, or -EAFNOSUPPORT for a family other than AF_INET/AF_INET6,
 * -EINVAL when len is too short for the family. */
TDM_API int tdm_addr_from_sockaddr(struct tdm_addr *out,
				   const struct sockaddr *sa, socklen_t len);

/* Writes "127.0.0.1:5060" or "[::1]:5060" (sent-by form, RFC 3261
 * §20.42 / RFC 5118) NUL-terminated into buf. Returns the length without
 * the NUL, -EINVAL for an unset address, -ENOSPC when size is too small
 * (TDM_ADDR_STRLEN always suffices; buf then holds ""). */
TDM_API int tdm_addr_format(const struct tdm_addr *a, char *buf, size_t size);
/* Writes the IP alone, IPv6 without brackets ("::1"), as the Via
 * received= parameter wants it (RFC 3261 §18.2.1, RFC 5118 §4.5). Same
 * return codes as tdm_addr_format(). */
TDM_API int tdm_addr_format_ip(const struct tdm_addr *a, char *buf,
			       size_t size);

/* AF_INET, AF_INET6, or 0 for an unset address. */
TDM_API int tdm_addr_family(const struct tdm_addr *a);
/* The port in host order; 0 for an unset address. */
TDM_API uint16_t tdm_addr_port(const struct tdm_addr *a);
/* Sets the port (host order). Returns 0, or -EINVAL for an unset address. */
TDM_API int tdm_addr_set_port(struct tdm_addr *a, uint16_t port);

/* Total order for sorting and tables: family (IPv4 first), then the
 * address bytes, then the port, then (IPv6) the scope id. No
 * normalisation: ::ffff:127.0.0.1 differs from 127.0.0.1. Unset
 * addresses sort first. Returns <0, 0, >0. */
TDM_API int tdm_addr_cmp(const struct tdm_addr *a, const struct tdm_addr *b);
/* tdm_addr_cmp(a, b) == 0. */
TDM_API bool tdm_addr_eq(const struct tdm_addr *a, const struct tdm_addr *b);

#endif
