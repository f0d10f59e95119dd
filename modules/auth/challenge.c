/* SPDX-License-Identifier: GPL-2.0-or-later
 * Which digest algorithms a realm offers, in which order, and the
 * challenges built from that: one WWW-Authenticate (or Proxy-Authenticate)
 * header per algorithm (RFC 7616 §3.7, RFC 8760 §2.4), each with its own
 * fresh nonce. The order matters: many deployed clients read only the
 * first challenge, so MD5 comes first unless a domain says otherwise. */
#include <errno.h>
#include <string.h>
#include <tandem/alloc.h>
#include <tandem/script.h>
#include "auth.h"

struct domain_algs {
	char *domain;
	struct auth_algs algs;
};

static struct {
	struct auth_algs def;
	struct domain_algs *doms;
	size_t ndoms;
} pol;

static bool is_sep(char c)
{
	return c == ' ' || c == ',' || c == '\t';
}

int auth_algs_parse(const struct tdm_str *text, struct auth_algs *out)
{
	size_t i = 0;

	out->n = 0;
	while (i < text->len) {
		size_t start;
		struct tdm_str name;
		int alg;
		bool dup = false;

		while (i < text->len && is_sep(text->s[i]))
			i++;
		start = i;
		while (i < text->len && !is_sep(text->s[i]))
			i++;
		if (i == start)
			break;
		name = (struct tdm_str){ text->s + start, i - start };
		alg = tdm_digest_alg_parse(&name);
		if (alg < 0)
			return -EINVAL;
		for (unsigned k = 0; k < out->n; k++)
			dup |= out->alg[k] == (enum tdm_digest_alg)alg;
		if (dup)
			continue;
		out->alg[out->n++] = (enum tdm_digest_alg)alg;
	}
	return out->n ? 0 : -EINVAL;
}

void auth_policy_fini(void)
{
	for (size_t i = 0; i < pol.ndoms; i++)
		tdm_free(pol.doms[i].domain);
	tdm_free(pol.doms);
	pol.doms = NULL;
	pol.ndoms = 0;
}

/* One "domain=ALG,ALG" entry of domain_algorithms. */
static int add_domain(const struct tdm_str *entry)
{
	long eq = tdm_str_chr(entry, '=');
	struct tdm_str dom, algs;
	struct domain_algs *d;

	if (eq <= 0)
		return -EINVAL;
	dom = tdm_str_trim(tdm_str_sub(entry, 0, (size_t)eq));
	algs = tdm_str_sub(entry, (size_t)eq + 1, entry->len - (size_t)eq - 1);
	if (!dom.len)
		return -EINVAL;
	d = tdm_realloc(pol.doms, (pol.ndoms + 1) * sizeof(*d));
	if (!d)
		return -ENOMEM;
	pol.doms = d;
	d = &pol.doms[pol.ndoms];
	if (auth_algs_parse(&algs, &d->algs))
		return -EINVAL;
	d->domain = tdm_strndup(dom.s, dom.len);
	if (!d->domain)
		return -ENOMEM;
	pol.ndoms++;
	return 0;
}

int auth_policy_init(const char *algorithms, const char *domain_algorithms)
{
	struct tdm_str all = tdm_str_c(algorithms ? algorithms : "");
	struct tdm_str rest = tdm_str_c(domain_algorithms ? domain_algorithms
							   : "");

	auth_policy_fini();
	if (auth_algs_parse(&all, &pol.def)) {
		TDM_LOGE(&auth_log, "auth: algorithms \"%s\": expected MD5, "
				    "SHA-256 and/or SHA-512-256", algorithms);
		return -EINVAL;
	}
	while (rest.len) {
		long semi = tdm_str_chr(&rest, ';');
		size_t cut = semi < 0 ? rest.len : (size_t)semi;
		struct tdm_str entry = tdm_str_trim(tdm_str_sub(&rest, 0, cut));
		int rc;

		rest = tdm_str_sub(&rest, cut < rest.len ? cut + 1 : cut,
				   rest.len - (cut < rest.len ? cut + 1 : cut));
		if (!entry.len)
			continue;
		rc = add_domain(&entry);
		if (rc) {
			if (rc == -EINVAL)
				TDM_LOGE(&auth_log, "auth: domain_algorithms: bad "
						    "entry \"%.*s\"",
					 TDM_STR_FMT(&entry));
			auth_policy_fini();
			return rc;
		}
	}
	return 0;
}

const struct auth_algs *auth_policy_for(const struct tdm_str *realm)
{
	for (size_t i = 0; i < pol.ndoms; i++)
		if (tdm_str_caseeq_c(realm, pol.doms[i].domain))
			return &pol.doms[i].algs;
	return &pol.def;
}

/* A realm goes into a quoted-string: refuse what would need escaping
 * or could end the header. */
static bool realm_ok(const struct tdm_str *r)
{
	for (size_t i = 0; i < r->len; i++) {
		unsigned char ch = (unsigned char)r->s[i];

		if (ch < 0x20 || ch == 0x7f || ch == '"' || ch == '\\')
			return false;
	}
	return r->len > 0;
}

int auth_challenge_build(struct tdm_buf *out, bool proxy,
			 const struct tdm_str *realm, unsigned flags,
			 bool stale)
{
	const struct auth_algs *algs = auth_policy_for(realm);
	unsigned n = (flags & AUTH_CH_FIRST_ONLY) ? 1 : algs->n;

	if (!realm_ok(realm))
		return -EINVAL;
	for (unsigned i = 0; i < n; i++) {
		char nonce[AUTH_NONCE_LEN + 1];
		int rc = auth_nonce_make(nonce);

		if (rc)
			return rc;
		tdm_buf_printf(out, "%s: Digest realm=\"%.*s\", nonce=\"%s\", "
				    "algorithm=%s%s%s\r\n",
			       proxy ? "Proxy-Authenticate" : "WWW-Authenticate",
			       TDM_STR_FMT(realm), nonce,
			       tdm_digest_alg_name(algs->alg[i]),
			       (flags & AUTH_CH_NO_QOP) ? "" : ", qop=\"auth\"",
			       stale ? ", stale=true" : "");
	}
	return out->err;
}

/* www_challenge / proxy_challenge ([realm [, flags]]): reply 401/407 with
 * the realm's challenges; stale=true when the request's nonce expired. */
static int challenge(struct tdm_scr_call *c, bool proxy)
{
	struct tdm_sip_msg *m = tdm_scr_msg(c);
	struct tdm_str realm = tdm_scr_arg_str(c, 0), hdrs;
	unsigned flags = (unsigned)tdm_scr_arg_int(c, 1);
	struct tdm_buf b = TDM_BUF_INIT;
	int rc;

	if (!m || !m->is_request)
		return -EINVAL;
	if (!realm.len && auth_default_realm(m, &realm)) {
		TDM_LOGW(&auth_log, "auth: no realm for the challenge (no host "
				    "in To, From or Request-URI)");
		return -EINVAL;
	}
	if ((flags & AUTH_CH_NO_QOP) && !auth_cfg.allow_no_qop)
		flags &= ~(unsigned)AUTH_CH_NO_QOP;
	rc = auth_challenge_build(&b, proxy, &realm, flags,
				  auth_request_stale(c, proxy, &realm));
	if (!rc) {
		hdrs = (struct tdm_str){ b.data, b.len };
		rc = tdm_scr_reply(c, proxy ? 407 : 401, NULL, &hdrs, NULL, NULL);
	}
	tdm_buf_free(&b);
	if (!rc)
		atomic_fetch_add_explicit(&auth_stat_challenges, 1,
					  memory_order_relaxed);
	return rc;
}

int auth_fn_www_challenge(struct tdm_scr_call *c)
{
	return challenge(c, false);
}

int auth_fn_proxy_challenge(struct tdm_scr_call *c)
{
	return challenge(c, true);
}
