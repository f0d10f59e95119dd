/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for core/dns/resolve.c and query.c against a real DNS server
 * (dnsmasq on 127.0.0.1, see dnsmasq.c): RFC 3263 numeric hosts, ports,
 * transports, NAPTR -> SRV -> A/AAAA and each fallback, the cache
 * (synchronous hits, negative answers), timeouts, cancel and free.
 * Waits are bounded safety nets; nothing asserts on elapsed time. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <tandem/alloc.h>
#include <tandem/loop.h>
#include "dns/dns.h"
#include "dns/dns_impl.h"
#include "dnsmasq.h"
#include "test.h"

struct got {
	int calls;
	struct tdm_dns_result res;
};

static struct {
	struct dnsmasq m;
	struct tdm_loop *loop;
	struct tdm_dns *d;
	int ok;
} fx;

static void on_result(void *arg, const struct tdm_dns_result *res)
{
	struct got *g = arg;

	g->calls++;
	g->res = *res;
}

/* Starts dnsmasq (unless servers is given), the global state with cfg
 * (servers filled in) and one worker's loop and resolver. */
static int setup(struct tdm_dns_cfg *cfg, const char *servers)
{
	char err[200] = "";

	memset(&fx, 0, sizeof(fx));
	if (!servers) {
		if (dnsmasq_start(&fx.m) != 0) {
			CU_FAIL("dnsmasq did not start");
			return -1;
		}
		servers = fx.m.servers;
	}
	cfg->servers = servers;
	if (tdm_dns_global_init(cfg, err, sizeof(err)) != 0) {
		CU_FAIL(err);
		dnsmasq_stop(&fx.m);
		return -1;
	}
	CU_ASSERT_EQUAL_FATAL(tdm_loop_new(&fx.loop), 0);
	CU_ASSERT_EQUAL_FATAL(tdm_dns_new(&fx.d, fx.loop), 0);
	fx.ok = 1;
	return 0;
}

static void teardown(void)
{
	tdm_dns_free(fx.d);
	tdm_loop_free(fx.loop);
	tdm_dns_global_free();
	dnsmasq_stop(&fx.m);
	tdm_dns_set_rand(NULL);
}

/* Runs the loop until g has its answer (30 s safety net). */
static void wait_for(struct got *g)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!g->calls) {
		tdm_loop_run_once(fx.loop, 100);
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 30)
			break;
	}
}

static int resolve(const char *text, struct got *g)
{
	static struct tdm_uri u;
	struct tdm_str in = tdm_str_c(text);

	memset(g, 0, sizeof(*g));
	if (tdm_uri_parse(&u, &in, NULL) != 0) {
		CU_FAIL("bad test URI");
		return -EINVAL;
	}
	return tdm_dns_resolve(fx.d, &u, on_result, g);
}

/* Resolves and waits; returns what tdm_dns_resolve() returned. */
static int resolve_wait(const char *text, struct got *g)
{
	int rc = resolve(text, g);

	if (rc == 0)
		wait_for(g);
	CU_ASSERT_EQUAL(g->calls, 1);
	return rc;
}

/* Checks target i: protocol and "ip:port". */
static void check_target(const struct got *g, unsigned i, enum tdm_proto p,
			 const char *addr)
{
	char buf[TDM_ADDR_STRLEN] = "";

	CU_ASSERT_TRUE_FATAL(i < g->res.n);
	CU_ASSERT_EQUAL(g->res.t[i].proto, p);
	tdm_addr_format(&g->res.t[i].addr, buf, sizeof(buf));
	if (strcmp(buf, addr) != 0)
		fprintf(stderr, "target %u: %s, expected %s\n", i, buf, addr);
	CU_ASSERT_STRING_EQUAL(buf, addr);
}

static void test_dns_resolve_numeric(void)
{
	struct tdm_dns_cfg cfg = { .have_udp = true, .have_tcp = true,
				   .have_tls = true };
	struct tdm_dns_stats st;
	struct got g;

	if (setup(&cfg, "127.0.0.1:9"))
		return;
	CU_ASSERT_EQUAL(resolve("sip:127.0.0.1", &g), 1);
	CU_ASSERT_EQUAL(g.calls, 1);
	CU_ASSERT_EQUAL(g.res.err, 0);
	CU_ASSERT_EQUAL(g.res.n, 1);
	check_target(&g, 0, TDM_PROTO_UDP, "127.0.0.1:5060");
	CU_ASSERT_STRING_EQUAL(g.res.t[0].host, "127.0.0.1");
	CU_ASSERT_EQUAL(resolve("sips:[::1]", &g), 1);
	check_target(&g, 0, TDM_PROTO_TLS, "[::1]:5061");
	CU_ASSERT_EQUAL(resolve("sip:alice@127.0.0.2:5070;transport=TCP", &g), 1);
	check_target(&g, 0, TDM_PROTO_TCP, "127.0.0.2:5070");
	/* sips + transport=tcp is TLS over TCP (RFC 3261 §26.2.2) */
	CU_ASSERT_EQUAL(resolve("sips:127.0.0.3;transport=tcp", &g), 1);
	check_target(&g, 0, TDM_PROTO_TLS, "127.0.0.3:5061");
	/* maddr wins over the host */
	CU_ASSERT_EQUAL(resolve("sip:x.invalid;maddr=127.0.0.4", &g), 1);
	check_target(&g, 0, TDM_PROTO_UDP, "127.0.0.4:5060");
	CU_ASSERT_EQUAL(resolve("sip:127.0.0.1;transport=ws", &g), 1);
	CU_ASSERT_EQUAL(g.res.err, -EPROTONOSUPPORT);
	CU_ASSERT_EQUAL(g.res.n, 0);
	tdm_dns_stats(&st);
	CU_ASSERT_EQUAL(st.queries, 0);
	teardown();
}

static void test_dns_resolve_explicit_port(void)
{
	struct tdm_dns_cfg cfg = { 0 };
	struct tdm_dns_stats st;
	struct got g;

	if (setup(&cfg, NULL))
		return;
	CU_ASSERT_EQUAL(resolve_wait("sip:naptr.test:5099", &g), 0);
	CU_ASSERT_EQUAL(g.res.err, -ENOENT);   /* naptr.test has no A */
	CU_ASSERT_EQUAL(resolve_wait("sip:h1.test:5099", &g), 0);
	CU_ASSERT_EQUAL(g.res.err, 0);
	CU_ASSERT_EQUAL(g.res.n, 1);
	check_target(&g, 0, TDM_PROTO_UDP, "127.0.0.11:5099");
	CU_ASSERT_STRING_EQUAL(g.res.t[0].host, "h1.test");
	tdm_dns_stats(&st);
	CU_ASSERT_EQUAL(st.queries, 4);         /* A + AAAA, twice: no NAPTR */
	teardown();
}

static void test_dns_resolve_transport_param(void)
{
	struct tdm_dns_cfg cfg = { 0 };
	struct got g;

	if (setup(&cfg, NULL))
		return;
	CU_ASSERT_EQUAL(resolve_wait("sip:srv.test;transport=tcp", &g), 0);
	CU_ASSERT_EQUAL(g.res.n, 1);
	check_target(&g, 0, TDM_PROTO_TCP, "127.0.0.23:5063");
	/* transport with no SRV: A at the default port */
	CU_ASSERT_EQUAL(resolve_wait("sip:plain.test;transport=tcp", &g), 0);
	CU_ASSERT_EQUAL(g.res.n, 1);
	check_target(&g, 0, TDM_PROTO_TCP, "127.0.0.5:5060");
	/* a transport the node does not have */
	CU_ASSERT_EQUAL(resolve("sip:srv.test;transport=tls", &g), 1);
	CU_ASSERT_EQUAL(g.res.err, -EPROTONOSUPPORT);
	teardown();
}

static void test_dns_resolve_naptr_srv_a(void)
{
	struct tdm_dns_cfg cfg = { .have_udp = true, .have_tcp = true };
	struct got g;

	if (setup(&cfg, NULL))
		return;
	/* SIPS+D2T (order 5) skipped: no TLS; then TCP (10), UDP (20) */
	CU_ASSERT_EQUAL(resolve_wait("sip:naptr.test", &g), 0);
	CU_ASSERT_EQUAL(g.res.err, 0);
	CU_ASSERT_EQUAL(g.res.n, 2);
	check_target(&g, 0, TDM_PROTO_TCP, "127.0.0.11:5070");
	check_target(&g, 1, TDM_PROTO_UDP, "127.0.0.12:5080");
	CU_ASSERT_STRING_EQUAL(g.res.t[0].host, "naptr.test");
	teardown();
}

static void test_dns_resolve_sips(void)
{
	struct tdm_dns_cfg cfg = { .have_udp = true, .have_tcp = true,
				   .have_tls = true };
	struct got g;

	if (setup(&cfg, NULL))
		return;
	/* NAPTR: only SIPS+ services for a sips: URI */
	CU_ASSERT_EQUAL(resolve_wait("sips:naptr.test", &g), 0);
	CU_ASSERT_EQUAL(g.res.n, 1);
	check_target(&g, 0, TDM_PROTO_TLS, "127.0.0.13:5090");
	/* no NAPTR: _sips._tcp */
	CU_ASSERT_EQUAL(resolve_wait("sips:sips.test", &g), 0);
	CU_ASSERT_EQUAL(g.res.n, 1);
	check_target(&g, 0, TDM_PROTO_TLS, "127.0.0.13:5091");
	/* no NAPTR, no SRV: TLS at 5061 */
	CU_ASSERT_EQUAL(resolve_wait("sips:plain.test", &g), 0);
	check_target(&g, 0, TDM_PROTO_TLS, "127.0.0.5:5061");
	teardown();
}

static void test_dns_resolve_srv_priority(void)
{
	struct tdm_dns_cfg cfg = { 0 };
	struct got g;

	if (setup(&cfg, NULL))
		return;
	/* no NAPTR: _sip._udp (priority 10 then 20: the failover order),
	 * then _sip._tcp */
	CU_ASSERT_EQUAL(resolve_wait("sip:srv.test", &g), 0);
	CU_ASSERT_EQUAL(g.res.err, 0);
	CU_ASSERT_EQUAL(g.res.n, 3);
	check_target(&g, 0, TDM_PROTO_UDP, "127.0.0.21:5061");
	check_target(&g, 1, TDM_PROTO_UDP, "127.0.0.22:5062");
	check_target(&g, 2, TDM_PROTO_TCP, "127.0.0.23:5063");
	teardown();
}

static void test_dns_resolve_weighted(void)
{
	struct tdm_dns_cfg cfg = { .have_udp = true };
	int first_a = 0, first_b = 0;
	struct got g;

	if (setup(&cfg, NULL))
		return;
	CU_ASSERT_EQUAL(resolve_wait("sip:weight.test", &g), 0);
	CU_ASSERT_EQUAL(g.res.n, 2);
	/* cached now: each resolve orders the SRV set afresh */
	for (int i = 0; i < 300; i++) {
		CU_ASSERT_EQUAL(resolve("sip:weight.test", &g), 1);
		CU_ASSERT_EQUAL_FATAL(g.res.n, 2);
		if (tdm_addr_port(&g.res.t[0].addr) == 5071)
			first_a++;
		else
			first_b++;
	}
	CU_ASSERT_TRUE(first_a > 0);
	CU_ASSERT_TRUE(first_b > 0);
	teardown();
}

static void test_dns_resolve_a_fallback_and_aaaa(void)
{
	struct tdm_dns_cfg cfg = { 0 };
	struct got g;

	if (setup(&cfg, NULL))
		return;
	CU_ASSERT_EQUAL(resolve_wait("sip:plain.test", &g), 0);
	CU_ASSERT_EQUAL(g.res.n, 1);
	check_target(&g, 0, TDM_PROTO_UDP, "127.0.0.5:5060");
	CU_ASSERT_EQUAL(resolve_wait("sip:v6.test", &g), 0);
	CU_ASSERT_EQUAL(g.res.n, 1);
	check_target(&g, 0, TDM_PROTO_UDP, "[::1]:5060");
	CU_ASSERT_EQUAL(resolve_wait("sip:dual.test", &g), 0);
	CU_ASSERT_EQUAL(g.res.n, 2);
	check_target(&g, 0, TDM_PROTO_UDP, "127.0.0.6:5060");
	check_target(&g, 1, TDM_PROTO_UDP, "[::1]:5060");
	teardown();

	cfg = (struct tdm_dns_cfg){ .prefer_ipv6 = true };
	if (setup(&cfg, NULL))
		return;
	CU_ASSERT_EQUAL(resolve_wait("sip:dual.test", &g), 0);
	CU_ASSERT_EQUAL(g.res.n, 2);
	check_target(&g, 0, TDM_PROTO_UDP, "[::1]:5060");
	check_target(&g, 1, TDM_PROTO_UDP, "127.0.0.6:5060");
	teardown();
}

static void test_dns_resolve_nxdomain_cached(void)
{
	struct tdm_dns_cfg cfg = { 0 };
	struct tdm_dns_stats st1, st2;
	struct got g;

	if (setup(&cfg, NULL))
		return;
	CU_ASSERT_EQUAL(resolve_wait("sip:nosuch.test", &g), 0);
	CU_ASSERT_EQUAL(g.res.err, -ENOENT);
	CU_ASSERT_EQUAL(g.res.n, 0);
	tdm_dns_stats(&st1);
	CU_ASSERT_TRUE(st1.failures > 0);
	/* every negative answer is cached: no query the second time */
	CU_ASSERT_EQUAL(resolve("sip:nosuch.test", &g), 1);
	CU_ASSERT_EQUAL(g.calls, 1);
	CU_ASSERT_EQUAL(g.res.err, -ENOENT);
	tdm_dns_stats(&st2);
	CU_ASSERT_EQUAL(st2.queries, st1.queries);
	CU_ASSERT_TRUE(st2.cache_hits > st1.cache_hits);
	teardown();
}

static void test_dns_resolve_cache_hit_sync(void)
{
	struct tdm_dns_cfg cfg = { 0 };
	struct tdm_dns_stats st1, st2;
	struct got g;

	if (setup(&cfg, NULL))
		return;
	CU_ASSERT_EQUAL(resolve_wait("sip:srv.test", &g), 0);
	CU_ASSERT_EQUAL(g.res.n, 3);
	tdm_dns_stats(&st1);
	CU_ASSERT_TRUE(st1.cached > 0);
	CU_ASSERT_EQUAL(resolve("sip:srv.test", &g), 1);
	CU_ASSERT_EQUAL(g.calls, 1);
	CU_ASSERT_EQUAL(g.res.n, 3);
	check_target(&g, 1, TDM_PROTO_UDP, "127.0.0.22:5062");
	tdm_dns_stats(&st2);
	CU_ASSERT_EQUAL(st2.queries, st1.queries);
	teardown();
}

static void test_dns_resolve_timeout(void)
{
	struct tdm_dns_cfg cfg = { .timeout_ms = 300, .tries = 1 };
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	char servers[32];
	struct tdm_dns_stats st;
	struct got g;
	/* a bound UDP socket nobody reads: queries vanish, no ICMP */
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	CU_ASSERT_TRUE_FATAL(fd >= 0);
	CU_ASSERT_EQUAL_FATAL(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	getsockname(fd, (struct sockaddr *)&a, &len);
	snprintf(servers, sizeof(servers), "127.0.0.1:%u", ntohs(a.sin_port));
	if (setup(&cfg, servers)) {
		close(fd);
		return;
	}
	CU_ASSERT_EQUAL(resolve_wait("sip:example.test", &g), 0);
	CU_ASSERT_EQUAL(g.res.err, -ETIMEDOUT);
	CU_ASSERT_EQUAL(g.res.n, 0);
	tdm_dns_stats(&st);
	CU_ASSERT_TRUE(st.timeouts > 0);
	/* failures are not cached */
	CU_ASSERT_EQUAL(resolve("sip:example.test", &g), 0);
	teardown();              /* with that resolve pending */
	CU_ASSERT_EQUAL(g.calls, 1);
	CU_ASSERT_EQUAL(g.res.err, -ECANCELED);
	close(fd);
}

static void test_dns_resolve_cancel_shared(void)
{
	struct tdm_dns_cfg cfg = { 0 };
	struct tdm_dns_stats one, two;
	struct got g1, g2;

	if (setup(&cfg, NULL))
		return;
	CU_ASSERT_EQUAL(resolve_wait("sip:srv.test", &g1), 0);
	tdm_dns_stats(&one);
	tdm_dns_cache_flush();
	/* two resolves of one name share the queries; one is cancelled */
	CU_ASSERT_EQUAL(resolve("sip:srv.test", &g1), 0);
	CU_ASSERT_EQUAL(resolve("sip:srv.test", &g2), 0);
	tdm_dns_cancel(fx.d, on_result, &g1);
	wait_for(&g2);
	CU_ASSERT_EQUAL(g1.calls, 0);
	CU_ASSERT_EQUAL(g2.calls, 1);
	CU_ASSERT_EQUAL(g2.res.n, 3);
	tdm_dns_stats(&two);
	CU_ASSERT_EQUAL(two.queries, 2 * one.queries);
	teardown();
}

static void test_dns_resolve_free_pending(void)
{
	struct tdm_dns_cfg cfg = { 0 };
	struct got g1, g2;

	if (setup(&cfg, NULL))
		return;
	CU_ASSERT_EQUAL(resolve("sip:naptr.test", &g1), 0);
	CU_ASSERT_EQUAL(resolve("sip:plain.test", &g2), 0);
	tdm_loop_run_once(fx.loop, 0);
	tdm_dns_free(fx.d);
	fx.d = NULL;
	CU_ASSERT_EQUAL(g1.calls, 1);
	CU_ASSERT_EQUAL(g1.res.err, -ECANCELED);
	CU_ASSERT_EQUAL(g2.calls, 1);
	CU_ASSERT_EQUAL(g2.res.err, -ECANCELED);
	teardown();
}

static void test_dns_resolve_bad_servers(void)
{
	struct tdm_dns_cfg cfg = { .servers = "not-an-address" };
	char err[200] = "";

	CU_ASSERT_EQUAL(tdm_dns_global_init(&cfg, err, sizeof(err)), -EINVAL);
	CU_ASSERT_TRUE(strstr(err, "not-an-address") != NULL);
	/* nothing left behind: a good init works after */
	cfg.servers = "127.0.0.1:9";
	CU_ASSERT_EQUAL(tdm_dns_global_init(&cfg, err, sizeof(err)), 0);
	tdm_dns_global_free();
}

TDM_TEST_SUITE(dns_resolve,
	       TDM_TEST(test_dns_resolve_bad_servers),
	       TDM_TEST(test_dns_resolve_numeric),
	       TDM_TEST(test_dns_resolve_explicit_port),
	       TDM_TEST(test_dns_resolve_transport_param),
	       TDM_TEST(test_dns_resolve_naptr_srv_a),
	       TDM_TEST(test_dns_resolve_sips),
	       TDM_TEST(test_dns_resolve_srv_priority),
	       TDM_TEST(test_dns_resolve_weighted),
	       TDM_TEST(test_dns_resolve_a_fallback_and_aaaa),
	       TDM_TEST(test_dns_resolve_nxdomain_cached),
	       TDM_TEST(test_dns_resolve_cache_hit_sync),
	       TDM_TEST(test_dns_resolve_timeout),
	       TDM_TEST(test_dns_resolve_cancel_shared),
	       TDM_TEST(test_dns_resolve_free_pending))
