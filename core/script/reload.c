/* SPDX-License-Identifier: GPL-2.0-or-later
 * Atomic script reload. The current program pointer is read under a
 * read lock just long enough to take a reference; a reload compiles
 * without any lock and takes the write lock only to swap the pointer.
 * (Workers will cache their reference per loop iteration so the lock is
 * not taken per message; see docs/architecture.md.) */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include "script/reload.h"

static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static struct tdm_scr_program *current;
static uint64_t generation;
/* Reloads that succeeded and failed (script_reloads_total{result}): a
 * load while a program runs; the first load (tandemd's start) is none. */
static atomic_ulong reloads_ok, reloads_failed;

void tdm_scr_reload_counts(uint64_t *ok, uint64_t *failed)
{
	*ok = atomic_load_explicit(&reloads_ok, memory_order_relaxed);
	*failed = atomic_load_explicit(&reloads_failed, memory_order_relaxed);
}

int tdm_scr_reload_diag(const char *path, struct tdm_scr_diag *d,
			struct tdm_buf *report)
{
	struct tdm_scr_program *p = NULL, *old;
	int rc;

	rc = tdm_scr_load_file(path, d, &p);
	tdm_scr_diag_format(d, report);
	if (rc) {
		tdm_buf_printf(report, "%s: not loaded; the running program is unchanged\n",
			       path);
		pthread_rwlock_rdlock(&lock);
		if (current)
			atomic_fetch_add_explicit(&reloads_failed, 1,
						  memory_order_relaxed);
		pthread_rwlock_unlock(&lock);
		return rc == -ENOMEM ? -ENOMEM : -EBADMSG;
	}
	pthread_rwlock_wrlock(&lock);
	old = current;
	current = p;
	generation++;
	pthread_rwlock_unlock(&lock);
	if (old)
		atomic_fetch_add_explicit(&reloads_ok, 1, memory_order_relaxed);
	tdm_buf_printf(report, "%s: loaded, sha256 %s\n", path, p->hash);
	tdm_scr_program_unref(old); /* freed when its last run ends */
	return 0;
}

int tdm_scr_reload(const char *path, struct tdm_buf *report)
{
	struct tdm_scr_diag d;
	int rc;

	tdm_scr_diag_init(&d);
	rc = tdm_scr_reload_diag(path, &d, report);
	tdm_scr_diag_fini(&d);
	return rc;
}

struct tdm_scr_program *tdm_scr_current(void)
{
	struct tdm_scr_program *p;

	pthread_rwlock_rdlock(&lock);
	p = current;
	if (p)
		tdm_scr_program_ref(p);
	pthread_rwlock_unlock(&lock);
	return p;
}

void tdm_scr_current_version(char hash[65], int64_t *loaded_at, uint64_t *gen)
{
	pthread_rwlock_rdlock(&lock);
	if (current) {
		memcpy(hash, current->hash, 65);
		*loaded_at = current->loaded_at;
	} else {
		hash[0] = '\0';
		*loaded_at = 0;
	}
	*gen = generation;
	pthread_rwlock_unlock(&lock);
}

void tdm_scr_current_clear(void)
{
	struct tdm_scr_program *old;

	pthread_rwlock_wrlock(&lock);
	old = current;
	current = NULL;
	pthread_rwlock_unlock(&lock);
	tdm_scr_program_unref(old);
}
