/* SPDX-License-Identifier: GPL-2.0-or-later
 * tandemctl: what the provisioning commands accept — logins, domains,
 * passwords, free text, trusted addresses. Checked before the database is
 * touched so that a refused command changes nothing, and written down in
 * docs/tandemctl.md ("Provisioning", rules). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "ctl.h"

static bool login_char(unsigned char c)
{
	return isalnum(c) || c == '.' || c == '_' || c == '-' || c == '+' ||
	       c == '~';
}

int ctl_check_login(const char *s, char *err, size_t errlen)
{
	size_t n = strlen(s);

	if (!n || n > CTL_LOGIN_MAX) {
		snprintf(err, errlen, "invalid login '%.80s': it must have 1 to %d "
			 "characters", s, CTL_LOGIN_MAX);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++)
		if (!login_char((unsigned char)s[i]) || (unsigned char)s[i] > 127) {
			snprintf(err, errlen, "invalid login '%.80s': only letters, "
				 "digits and . _ - + ~ are allowed", s);
			return -EINVAL;
		}
	if (!isalnum((unsigned char)s[0]) && s[0] != '+') {
		snprintf(err, errlen, "invalid login '%.80s': it must start with "
			 "a letter, a digit or +", s);
		return -EINVAL;
	}
	return 0;
}

/* One label of a host name: 1-63 letters, digits and hyphens, not
 * starting or ending with a hyphen. */
static bool label_ok(const char *s, size_t n)
{
	if (!n || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return false;
	return true;
}

int ctl_check_domain(char *s, char *err, size_t errlen)
{
	size_t n = strlen(s);
	char v6[INET6_ADDRSTRLEN + 2];
	unsigned char bin[16];

	for (char *p = s; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (n > 2 && s[0] == '[' && s[n - 1] == ']' && n - 2 < sizeof(v6)) {
		memcpy(v6, s + 1, n - 2);
		v6[n - 2] = '\0';
		if (inet_pton(AF_INET6, v6, bin) == 1)
			return 0;
	}
	if (n && n <= CTL_DOMAIN_MAX) {
		const char *p = s, *end = s + n;
		bool ok = true;

		while (ok && p <= end) {
			const char *dot = memchr(p, '.', (size_t)(end - p));
			size_t len = dot ? (size_t)(dot - p) : (size_t)(end - p);

			ok = label_ok(p, len);
			p += len + 1;
		}
		if (ok)
			return 0;
	}
	snprintf(err, errlen, "invalid domain '%.80s': it must be a host name "
		 "(letters, digits and -, dot-separated, at most %d characters), "
		 "an IPv4 address or an IPv6 address in brackets", s,
		 CTL_DOMAIN_MAX);
	return -EINVAL;
}

int ctl_parse_aor(char *s, char **login, char **domain, char *err,
		  size_t errlen)
{
	char *at = strrchr(s, '@');

	if (!at) {
		snprintf(err, errlen, "'%.80s' is not LOGIN@DOMAIN", s);
		return -EINVAL;
	}
	*at = '\0';
	*login = s;
	*domain = at + 1;
	if (ctl_check_login(s, err, errlen) ||
	    ctl_check_domain(at + 1, err, errlen)) {
		*at = '@';
		return -EINVAL;
	}
	return 0;
}

int ctl_copy_domain(const char *arg, char *out, char *err, size_t errlen)
{
	size_t n = strlen(arg);

	if (n > CTL_DOMAIN_MAX) {
		snprintf(err, errlen, "invalid domain '%.80s...': longer than %d "
			 "characters", arg, CTL_DOMAIN_MAX);
		return -EINVAL;
	}
	memcpy(out, arg, n + 1);
	return ctl_check_domain(out, err, errlen);
}

int ctl_copy_aor(const char *arg, char *out, char **login, char **domain,
		 char *err, size_t errlen)
{
	size_t n = strlen(arg);

	if (n >= CTL_AOR_MAX) {
		snprintf(err, errlen, "'%.80s...' is too long for LOGIN@DOMAIN", arg);
		return -EINVAL;
	}
	memcpy(out, arg, n + 1);
	return ctl_parse_aor(out, login, domain, err, errlen);
}

/* Passwords every attacker tries first (compared without case). Longer
 * than the minimum length: shorter ones are refused anyway. */
static const char *const common_passwords[] = {
	"password", "password1", "password12", "password123", "passw0rd",
	"p@ssw0rd", "p@ssword", "12345678", "123456789", "1234567890",
	"87654321", "qwertyui", "qwertyuiop", "qwerty123", "qwerty12",
	"1q2w3e4r", "1q2w3e4r5t", "1qaz2wsx", "zaq12wsx", "asdfghjk",
	"asdfghjkl", "zxcvbnm1", "abcd1234", "abc12345", "abcdefgh",
	"iloveyou", "iloveyou1", "sunshine", "princess", "football",
	"baseball", "superman", "starwars", "whatever", "trustno1",
	"welcome1", "welcome123", "letmein1", "letmein123", "changeme",
	"changeme1", "default1", "administrator", "admin123", "admin1234",
	"root1234", "secret12", "secret123", "sipphone", "voip1234",
	"asterisk", "kamailio", "opensips", "freeswitch", "tandem123",
	"11111111", "00000000", "88888888", "monkey123", "dragon123",
};

/* True when s contains needle, ignoring case. */
static bool contains_nocase(const char *s, const char *needle)
{
	size_t n = strlen(needle);

	for (; *s; s++)
		if (!strncasecmp(s, needle, n))
			return true;
	return false;
}

int ctl_check_password(const char *pw, const char *login, char *err,
		       size_t errlen)
{
	size_t n = strlen(pw);
	bool digits = true, same = true;

	if (!n) {
		snprintf(err, errlen, "the password is empty");
		return -EINVAL;
	}
	if (n < CTL_PASSWORD_MIN || n > CTL_PASSWORD_MAX) {
		snprintf(err, errlen, "weak password: it must have %d to %d "
			 "characters", CTL_PASSWORD_MIN, CTL_PASSWORD_MAX);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)pw[i];

		if (c < 0x20 || c == 0x7f) {
			snprintf(err, errlen, "the password contains a control "
				 "character");
			return -EINVAL;
		}
		digits = digits && isdigit(c);
		same = same && pw[i] == pw[0];
	}
	if (digits) {
		snprintf(err, errlen, "weak password: it must not be digits only");
		return -EINVAL;
	}
	if (same) {
		snprintf(err, errlen, "weak password: it must not repeat one "
			 "character");
		return -EINVAL;
	}
	if (login && strlen(login) >= 3 && contains_nocase(pw, login)) {
		snprintf(err, errlen, "weak password: it must not contain the login");
		return -EINVAL;
	}
	for (size_t i = 0; i < sizeof(common_passwords) / sizeof(*common_passwords);
	     i++)
		if (!strcasecmp(pw, common_passwords[i])) {
			snprintf(err, errlen, "weak password: it is one of the most "
				 "common passwords");
			return -EINVAL;
		}
	return 0;
}

int ctl_check_text(const char *s, size_t max, const char *what, char *err,
		   size_t errlen)
{
	size_t n = strlen(s);

	if (n > max) {
		snprintf(err, errlen, "the %s is longer than %zu bytes", what, max);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			snprintf(err, errlen, "the %s contains a control character",
				 what);
			return -EINVAL;
		}
	return 0;
}

int ctl_parse_uint(const char *s, unsigned max, unsigned *out)
{
	unsigned long v;
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

int ctl_parse_address(const char *s, char *ip, unsigned *mask, char *err,
		      size_t errlen)
{
	const char *slash = strchr(s, '/');
	size_t len = slash ? (size_t)(slash - s) : strlen(s);
	unsigned char bin[16];
	char text[INET6_ADDRSTRLEN];
	int af = AF_INET;
	unsigned bits;

	if (len >= sizeof(text))
		goto bad;
	memcpy(text, s, len);
	text[len] = '\0';
	if (inet_pton(AF_INET, text, bin) != 1) {
		af = AF_INET6;
		if (inet_pton(AF_INET6, text, bin) != 1)
			goto bad;
	}
	bits = af == AF_INET ? 32 : 128;
	*mask = bits;
	if (slash && ctl_parse_uint(slash + 1, bits, mask)) {
		snprintf(err, errlen, "invalid mask in '%.80s': it must be a number "
			 "from 0 to %u", s, bits);
		return -EINVAL;
	}
	for (unsigned b = *mask; b < bits; b++)
		if (bin[b / 8] & (0x80 >> (b % 8))) {
			snprintf(err, errlen, "'%.80s' has bits set outside the "
				 "/%u mask", s, *mask);
			return -EINVAL;
		}
	if (!inet_ntop(af, bin, ip, CTL_IP_MAX))
		goto bad;
	return 0;
bad:
	snprintf(err, errlen, "invalid address '%.80s': it must be an IPv4 or "
		 "IPv6 address, optionally with /MASK", s);
	return -EINVAL;
}
