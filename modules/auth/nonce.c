/* SPDX-License-Identifier: GPL-2.0-or-later
 * Self-validating nonces and nonce-count replay protection.
 *
 * A nonce carries its own timestamp, a sequence number and an HMAC over
 * both with the server secret (auth.h has the layout), so validating it
 * needs no per-nonce state, and nodes behind a balancer that share the
 * secret accept each other's nonces. Replay protection (RFC 7616 §3.4:
 * nc must increase) needs a little state: a fixed array of 64-bit slots,
 * one per sequence number modulo its size, each holding the generation
 * (seq / slots) of the nonce that owns it and the last nc seen, updated
 * with compare-and-swap: no lock on the request path. */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <tandem/alloc.h>
#include "auth.h"

#define KEY_MAX 64

static uint64_t real_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec;
}

uint64_t (*auth_clock)(void) = real_clock;

static struct {
	unsigned char key[KEY_MAX];
	size_t keylen;
	uint32_t instance;
	_Atomic uint64_t *slots;
	size_t nslots;
	atomic_uint_fast64_t seq;
} nc;

int auth_nonce_init(const char *secret, size_t slots)
{
	if (!slots)
		return -EINVAL;
	if (secret && *secret) {
		/* Long secrets are hashed down, as HMAC itself would do. */
		size_t len = strlen(secret);

		if (len > KEY_MAX) {
			unsigned int n = 0;

			if (!EVP_Digest(secret, len, nc.key, &n, EVP_sha256(),
					NULL))
				return -EIO;
			nc.keylen = n;
		} else {
			memcpy(nc.key, secret, len);
			nc.keylen = len;
		}
	} else {
		if (RAND_bytes(nc.key, 32) != 1)
			return -EIO;
		nc.keylen = 32;
	}
	if (RAND_bytes((unsigned char *)&nc.instance, sizeof(nc.instance)) != 1)
		return -EIO;
	nc.slots = tdm_calloc(slots, sizeof(*nc.slots));
	if (!nc.slots)
		return -ENOMEM;
	nc.nslots = slots;
	atomic_store(&nc.seq, 0);
	return 0;
}

void auth_nonce_fini(void)
{
	tdm_free((void *)nc.slots);
	nc.slots = NULL;
	nc.nslots = 0;
	OPENSSL_cleanse(nc.key, sizeof(nc.key));
	nc.keylen = 0;
}

static const char b64url[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* base64url without padding; out gets ceil(len * 4 / 3) characters. */
static size_t b64_encode(const unsigned char *in, size_t len, char *out)
{
	size_t o = 0, i = 0;

	for (; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 |
			     in[i + 2];
		out[o++] = b64url[v >> 18];
		out[o++] = b64url[(v >> 12) & 63];
		out[o++] = b64url[(v >> 6) & 63];
		out[o++] = b64url[v & 63];
	}
	if (i < len) {
		uint32_t v = (uint32_t)in[i] << 16;

		if (i + 1 < len)
			v |= (uint32_t)in[i + 1] << 8;
		out[o++] = b64url[v >> 18];
		out[o++] = b64url[(v >> 12) & 63];
		if (i + 1 < len)
			out[o++] = b64url[(v >> 6) & 63];
	}
	return o;
}

static int b64_val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

/* Decodes exactly AUTH_NONCE_LEN characters into AUTH_NONCE_RAW bytes. */
static int b64_decode_nonce(const struct tdm_str *in, unsigned char *out)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t o = 0;

	if (in->len != AUTH_NONCE_LEN)
		return -EINVAL;
	for (size_t i = 0; i < in->len; i++) {
		int v = b64_val(in->s[i]);

		if (v < 0)
			return -EINVAL;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o < AUTH_NONCE_RAW)
				out[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/* 43 characters carry 258 bits: the last 2 must be zero (canonical). */
	return o == AUTH_NONCE_RAW && acc == 0 ? 0 : -EINVAL;
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* HMAC-SHA-256 of the 16-byte header, cut to 16 bytes, into mac. */
static int nonce_mac(const unsigned char *hdr, unsigned char *mac)
{
	unsigned char full[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (!HMAC(EVP_sha256(), nc.key, (int)nc.keylen, hdr, 16, full, &n) ||
	    n < 16)
		return -EIO;
	memcpy(mac, full, 16);
	return 0;
}

int auth_nonce_make(char *out)
{
	unsigned char raw[AUTH_NONCE_RAW];
	uint64_t seq = atomic_fetch_add_explicit(&nc.seq, 1,
						 memory_order_relaxed);
	size_t n;

	if (!nc.slots)
		return -EIO;
	/* Claim the slot first: from now on older nonces of this slot are
	 * stale, and this one starts with no nonce-count seen. */
	atomic_store_explicit(&nc.slots[seq % nc.nslots],
			      (uint64_t)(uint32_t)(seq / nc.nslots) << 32,
			      memory_order_relaxed);
	put32(raw, (uint32_t)auth_clock());
	put32(raw + 4, nc.instance);
	put32(raw + 8, (uint32_t)(seq >> 32));
	put32(raw + 12, (uint32_t)seq);
	if (nonce_mac(raw, raw + 16))
		return -EIO;
	n = b64_encode(raw, sizeof(raw), out);
	out[n] = '\0';
	return 0;
}

int auth_nonce_check(const struct tdm_str *nonce, struct auth_nonce *out)
{
	unsigned char raw[AUTH_NONCE_RAW], mac[16];
	uint64_t now, expires = (uint64_t)auth_cfg.nonce_expires;

	if (!nc.keylen || b64_decode_nonce(nonce, raw) || nonce_mac(raw, mac))
		return -EINVAL;
	if (CRYPTO_memcmp(mac, raw + 16, sizeof(mac)) != 0)
		return -EINVAL;
	out->ts = get32(raw);
	out->instance = get32(raw + 4);
	out->seq = (uint64_t)get32(raw + 8) << 32 | get32(raw + 12);
	now = auth_clock();
	/* Expired, or minted by a node whose clock runs far ahead. */
	if (now > (uint64_t)out->ts + expires || (uint64_t)out->ts > now + expires)
		return -ESTALE;
	return 0;
}

int auth_nonce_nc_update(const struct auth_nonce *n, uint32_t count)
{
	_Atomic uint64_t *slot;
	uint64_t cur, gen;

	if (n->instance != nc.instance || !nc.slots)
		return 0; /* another node's nonce: expiry is our only guard */
	slot = &nc.slots[n->seq % nc.nslots];
	gen = (uint64_t)(uint32_t)(n->seq / nc.nslots) << 32;
	cur = atomic_load_explicit(slot, memory_order_relaxed);
	do {
		if ((cur & 0xffffffff00000000ull) != gen)
			return -ESTALE;
		if (count <= (uint32_t)cur)
			return -EALREADY;
	} while (!atomic_compare_exchange_weak_explicit(
		slot, &cur, gen | count, memory_order_relaxed,
		memory_order_relaxed));
	return 0;
}
