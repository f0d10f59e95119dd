/* SPDX-License-Identifier: GPL-2.0-or-later
 * Event loop, one per worker thread (Redis ae, nginx's posted events):
 * fd readiness over epoll, timers on the loop's own wheel, a deferred-work
 * queue so callbacks never re-enter each other, a thread-safe post queue
 * woken by an eventfd, and before-sleep hooks where workers flush their
 * batched sends. */
#ifndef TANDEM_LOOP_H
#define TANDEM_LOOP_H

#include <stdint.h>
#include <tandem/compiler.h>
#include <tandem/wheel.h>

/* Thread-safety, unless a function says otherwise: a loop belongs to the
 * thread that runs it. Every call on it must come from that thread (from
 * its callbacks, or before the loop runs / after it returned). Only
 * tdm_loop_post() and tdm_loop_stop() may be called from other threads.
 *
 * One iteration (tdm_loop_run_once):
 *   1. deferred work left over from the previous iteration
 *   2. before-sleep hooks, in the order they were added
 *   3. epoll_wait, for at most the caller's timeout, the next timer's due
 *      time, or not at all when deferred work is pending
 *   4. the clock is read (tdm_loop_now) and the timer wheel moved to it:
 *      due timers run, in expiry order
 *   5. deferred work
 *   6. fd callbacks of the batch epoll returned (posted work included)
 *   7. deferred work
 * (Timers run before the fd callbacks so that the wheel's clock is
 * current when a callback starts a timer.)
 * Each callback runs to completion before the next starts; none is ever
 * called from inside another. */

struct tdm_loop;

/* Events: what the fd is watched for, and what a callback is told. */
#define TDM_LOOP_READ  0x1u
#define TDM_LOOP_WRITE 0x2u
/* Only ever reported, never watched for: error or hang-up on the fd
 * (EPOLLERR / EPOLLHUP). It comes with every watched direction set, so a
 * callback that only tests READ / WRITE still tries the I/O and sees the
 * error (EOF, EPIPE, ...) there. */
#define TDM_LOOP_ERROR 0x4u

/* fd is ready for `events` (TDM_LOOP_* bits, only watched ones plus
 * TDM_LOOP_ERROR). Level-triggered: it is called again next iteration
 * while the fd stays ready. */
typedef void tdm_loop_fd_fn(struct tdm_loop *l, int fd, unsigned events,
			    void *arg);
/* Deferred, posted and before-sleep work; runs on the loop's thread. */
typedef void tdm_loop_fn(struct tdm_loop *l, void *arg);

/* New loop: an epoll instance, an eventfd for wake-ups and a timer wheel
 * whose clock starts at CLOCK_MONOTONIC now. Returns 0, -ENOMEM, or the
 * -errno of epoll_create1 / eventfd (-EMFILE, ...). *out is set on
 * success only. Any thread; the loop then belongs to the caller of run. */
TDM_API int tdm_loop_new(struct tdm_loop **out);
/* Closes the loop's own fds and frees it (NULL is fine). Watched fds are
 * not closed. Pending timers are left idle, not fired (their owners may
 * still tdm_timer_stop() them). Deferred and posted work still queued is
 * dropped without being called: whoever queues work that owns memory
 * must drain the loop (stop, then run_once(l, 0)) before freeing it. Not
 * from a callback of l, not while another thread may still post to l. */
TDM_API void tdm_loop_free(struct tdm_loop *l);

/* Watches fd for `events` (TDM_LOOP_READ and/or TDM_LOOP_WRITE; 0 means
 * registered but paused, see tdm_loop_modify) and calls fn(l, fd, events,
 * arg) when it is ready. fn must not be NULL; arg is not owned. Returns
 * 0, -EBADF (fd < 0 or not open), -EEXIST (fd is already watched on l),
 * -EINVAL (NULL fn, unknown event bits), -EPERM (fd does not support
 * epoll, e.g. a regular file), -ENOMEM. Unwatch before close(): epoll
 * forgets a closed fd by itself, the loop does not. */
TDM_API int tdm_loop_watch(struct tdm_loop *l, int fd, unsigned events,
			   tdm_loop_fd_fn *fn, void *arg);
/* Changes what a watched fd is watched for. 0 pauses it (no callbacks,
 * not even for errors, until modified again: read back-pressure); an
 * event already returned by epoll in the current batch is delivered only
 * for the bits still watched. Returns 0, -ENOENT (not watched), -EINVAL,
 * or an epoll_ctl -errno. Safe from any callback. */
TDM_API int tdm_loop_modify(struct tdm_loop *l, int fd, unsigned events);
/* Stops watching fd. Safe from any callback, for any fd: an event for fd
 * already returned by epoll in the current batch is not delivered (nor
 * to a new watch of the same fd number made later in the batch). Returns
 * 0, -ENOENT when fd is not watched. Does not close fd. */
TDM_API int tdm_loop_unwatch(struct tdm_loop *l, int fd);

/* The loop's timer wheel: start timers on it with tdm_timer_start(); they
 * fire at step 4 of an iteration. Its clock is tdm_loop_now(). */
TDM_API struct tdm_wheel *tdm_loop_wheel(struct tdm_loop *l);
/* CLOCK_MONOTONIC in ms, read once per iteration after epoll_wait (and
 * by tdm_loop_new): the same value for every callback of one iteration. */
TDM_API uint64_t tdm_loop_now(const struct tdm_loop *l);

/* Queues fn(l, arg) to run after the current batch of callbacks (step 5
 * or 7); from outside a callback, at the start of the next iteration.
 * FIFO. Work deferred by deferred work runs at the next drain point, so
 * a function that keeps deferring itself cannot starve the loop; the
 * loop does not sleep while work is queued. Returns 0, -EINVAL (NULL
 * fn), -ENOMEM. No allocation once the queue has grown to its peak. */
TDM_API int tdm_loop_defer(struct tdm_loop *l, tdm_loop_fn *fn, void *arg);
/* Thread-safe: queues fn(l, arg) to run on the loop's thread, in an fd
 * callback batch (step 6), and wakes the loop. Posts from one thread run
 * in the order they were made. Lock-free: a node is pushed on an atomic
 * stack (one tdm_malloc per post, freed before fn runs) and the eventfd
 * is written only when the stack was empty; the loop thread takes the
 * whole stack with one atomic exchange. Returns 0, -EINVAL, -ENOMEM. The
 * loop must outlive every post to it. */
TDM_API int tdm_loop_post(struct tdm_loop *l, tdm_loop_fn *fn, void *arg);

/* Adds a hook called every iteration before the loop may sleep (step 2),
 * after every hook added before it. Meant for flushing batches (sendmmsg,
 * write-behind). A hook may defer work (the loop then does not sleep) and
 * may add or remove hooks; a hook added during step 2 first runs in the
 * next iteration. The same (fn, arg) may be added twice and then runs
 * twice. Returns 0, -EINVAL (NULL fn), -ENOMEM. */
TDM_API int tdm_loop_before_sleep(struct tdm_loop *l, tdm_loop_fn *fn,
				  void *arg);
/* Removes the first hook added with this (fn, arg). Returns 0 or
 * -ENOENT. Safe from a hook (a removed hook that has not run yet in this
 * step does not run). */
TDM_API int tdm_loop_before_sleep_remove(struct tdm_loop *l, tdm_loop_fn *fn,
					 void *arg);

/* Runs iterations until tdm_loop_stop(). Returns 0 once stopped, -EBUSY
 * from inside a callback of l, or the -errno of a failed epoll_wait
 * (EINTR is retried). A stop requested before run is called makes it
 * return at once; each stop ends one run. */
TDM_API int tdm_loop_run(struct tdm_loop *l);
/* One iteration, sleeping at most timeout_ms (-1: until something
 * happens; 0: do not sleep). Returns the number of callbacks it ran (fd,
 * posted, deferred, timers; hooks not counted), -EBUSY from inside a
 * callback of l, or the -errno of epoll_wait (an EINTR is an iteration
 * that ran 0 callbacks). Does not look at or clear a pending stop. */
TDM_API int tdm_loop_run_once(struct tdm_loop *l, int timeout_ms);
/* Thread-safe, also from callbacks of l: makes
 * tdm_loop_run() return after the iteration in progress (waking it if it
 * sleeps). Returns 0. */
TDM_API int tdm_loop_stop(struct tdm_loop *l);

#endif
