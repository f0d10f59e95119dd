/* SPDX-License-Identifier: GPL-2.0-or-later
 * The cross-worker send path of the stream transports: two workers, each
 * with its own loop on its own thread, listening on the same TCP port
 * (SO_REUSEPORT). A client's message arrives on one of them; the other
 * sends on that connection (by id, then by address), which posts the
 * bytes to the owner's loop. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "net/stream.h"
#include "test.h"
#include "test_stream_util.h"

struct worker {
	struct tdm_loop *loop;
	struct ts_srv v;
	pthread_t th;
};

static void *run(void *arg)
{
	struct worker *w = arg;

	tdm_loop_run(w->loop);
	return NULL;
}

/* Posted to the non-owner: sends there, on its thread. */
struct send_req {
	struct worker *w;
	struct tdm_dest d;
	char msg[512];
	size_t len;
	_Atomic int done;
	int err;
};

static void do_send(struct tdm_loop *l, void *arg)
{
	struct send_req *r = arg;

	(void)l;
	r->err = tdm_stream_send(r->w->v.s, &r->d, r->msg, r->len);
	atomic_store(&r->done, 1);
}

static void sleep_ms(int ms)
{
	struct timespec ts = { 0, ms * 1000000L };

	nanosleep(&ts, NULL);
}

static int wait_any(struct worker *w)
{
	for (int i = 0; i < TS_GUARD_MS / 5; i++) {
		for (int k = 0; k < 2; k++)
			if (ts_sink_count(&w[k].v.sink))
				return k;
		sleep_ms(5);
	}
	return -1;
}

static void send_from(struct worker *o, struct send_req *r)
{
	atomic_store(&r->done, 0);
	r->w = o;
	CU_ASSERT_EQUAL(tdm_loop_post(o->loop, do_send, r), 0);
	for (int i = 0; i < TS_GUARD_MS / 5 && !atomic_load(&r->done); i++)
		sleep_ms(5);
	CU_ASSERT(atomic_load(&r->done));
	CU_ASSERT_EQUAL(r->err, 0);
}

static void test_stream_cross_worker_send(void)
{
	struct tdm_stream_cfg cfg = { 0 };
	struct worker w[2];
	struct send_req r;
	struct tdm_stream_stats st;
	char m[512], buf[2048], err[128];
	size_t lm = ts_sip(m, sizeof(m), "OPTIONS", "");
	int fd, got, other;

	CU_ASSERT_EQUAL_FATAL(tdm_stream_global_init(&cfg, 2, err, sizeof(err)),
			      0);
	memset(w, 0, sizeof(w));
	for (int k = 0; k < 2; k++)
		CU_ASSERT_EQUAL_FATAL(tdm_loop_new(&w[k].loop), 0);
	CU_ASSERT_EQUAL_FATAL(ts_srv_open(&w[0].v, w[0].loop, 0, TDM_PROTO_TCP,
					  "127.0.0.1"), 0);
	CU_ASSERT_EQUAL_FATAL(ts_srv_open_addr(&w[1].v, w[1].loop, 1,
					       TDM_PROTO_TCP, &w[0].v.bound),
			      0);
	for (int k = 0; k < 2; k++)
		pthread_create(&w[k].th, NULL, run, &w[k]);

	fd = ts_connect(&w[0].v.bound);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(ts_send(fd, m, lm));
	got = wait_any(w);
	CU_ASSERT_FATAL(got >= 0);
	other = 1 - got;
	memset(&r, 0, sizeof(r));
	r.len = ts_sip(r.msg, sizeof(r.msg), "NOTIFY", "cross");
	r.d.proto = TDM_PROTO_TCP;
	r.d.no_connect = 1;
	/* By connection id. */
	pthread_mutex_lock(&w[got].v.sink.lock);
	r.d.conn_id = w[got].v.sink.msgs[0].rcv.conn_id;
	r.d.addr = w[got].v.sink.msgs[0].rcv.src;
	CU_ASSERT_EQUAL(w[got].v.sink.msgs[0].rcv.worker, (unsigned)got);
	pthread_mutex_unlock(&w[got].v.sink.lock);
	send_from(&w[other], &r);
	CU_ASSERT_EQUAL(ts_read_until(NULL, fd, buf, sizeof(buf), "\r\ncross"),
			(long)r.len);
	/* By address. */
	r.d.conn_id = 0;
	send_from(&w[other], &r);
	CU_ASSERT_EQUAL(ts_read_until(NULL, fd, buf, sizeof(buf), "\r\ncross"),
			(long)r.len);
	close(fd);
	tdm_stream_stats(&st);
	CU_ASSERT_EQUAL(st.accepted, 1);
	CU_ASSERT_EQUAL(st.msgs_out, 2);

	for (int k = 0; k < 2; k++) {
		tdm_loop_stop(w[k].loop);
		pthread_join(w[k].th, NULL);
	}
	for (int k = 0; k < 2; k++) {
		ts_drain(w[k].loop);
		ts_srv_close(&w[k].v);
		ts_drain(w[k].loop);
		tdm_loop_free(w[k].loop);
	}
	tdm_stream_global_free();
}

TDM_TEST_SUITE(net_stream_mt, TDM_TEST(test_stream_cross_worker_send))
