/* SPDX-License-Identifier: GPL-2.0-or-later
 * The registrar's statistics (docs/registrar.md, "Statistics"): counters
 * bumped where things happen (registrar.c), gauges read from the store
 * when someone asks (/metrics, core.stats). The read functions run on the
 * admin API's threads: they hold reg_admin_lock shared, and the store's
 * counts are kept as it changes, so a read costs one line per domain and
 * never walks the bindings (1M bindings are as cheap as ten). */
#include <stdint.h>
#include <tandem/stats.h>
#include "persist.h"
#include "reg.h"

struct reg_counters reg_st;

static int domain_sample(const struct tdm_str *domain, unsigned long bindings,
			 unsigned long aors, void *arg)
{
	(void)aors;
	/* domain->s is NUL-terminated (usrloc.h); "" is the overflow */
	tdm_stat_sample(arg, (double)bindings, "domain",
			domain->len ? domain->s : "_other", NULL);
	return 0;
}

/* registrar_registered_contacts{domain=...} */
static void read_contacts(struct tdm_stat_out *o)
{
	pthread_rwlock_rdlock(&reg_admin_lock);
	if (reg_ul_main)
		reg_ul_domains(reg_ul_main, domain_sample, o);
	pthread_rwlock_unlock(&reg_admin_lock);
}

/* registrar_registered_aors */
static void read_aors(struct tdm_stat_out *o)
{
	unsigned long n = 0;

	pthread_rwlock_rdlock(&reg_admin_lock);
	if (reg_ul_main)
		n = reg_ul_aor_count(reg_ul_main);
	pthread_rwlock_unlock(&reg_admin_lock);
	tdm_stat_sample(o, (double)n, NULL);
}

/* registrar_persist_pending, registrar_persist_dropped_total: 0 when the
 * bindings are not persisted. */
static void persist_counts(unsigned *pending, uint64_t *dropped)
{
	*pending = 0;
	*dropped = 0;
	pthread_rwlock_rdlock(&reg_admin_lock);
	reg_persist_counts(pending, dropped);
	pthread_rwlock_unlock(&reg_admin_lock);
}

static void read_persist_pending(struct tdm_stat_out *o)
{
	unsigned pending;
	uint64_t dropped;

	persist_counts(&pending, &dropped);
	tdm_stat_sample(o, (double)pending, NULL);
}

static void read_persist_dropped(struct tdm_stat_out *o)
{
	unsigned pending;
	uint64_t dropped;

	persist_counts(&pending, &dropped);
	tdm_stat_sample(o, (double)dropped, NULL);
}

const struct tdm_stat_def reg_stat_defs[] = {
	{ "registrar_registered_contacts", TDM_STAT_GAUGE,
	  "Bindings currently stored, by domain of their AOR",
	  .read = read_contacts },
	{ "registrar_registered_aors", TDM_STAT_GAUGE,
	  "Addresses of record with at least one binding", .read = read_aors },
	{ "registrar_registrations_total", TDM_STAT_COUNTER,
	  "REGISTERs answered 200 by registrar.save()", .value = &reg_st.reg_ok },
	{ "registrar_registrations_failed_total", TDM_STAT_COUNTER,
	  "REGISTERs answered with an error by registrar.save()",
	  .value = &reg_st.reg_fail },
	{ "registrar_lookups_total", TDM_STAT_COUNTER,
	  "registrar.lookup() calls", .value = &reg_st.lookups },
	{ "registrar_lookups_found_total", TDM_STAT_COUNTER,
	  "registrar.lookup() calls that set targets",
	  .value = &reg_st.lookup_found },
	{ "registrar_expired_total", TDM_STAT_COUNTER,
	  "Bindings removed because they expired", .value = &reg_st.expired },
	{ "registrar_flow_failures_total", TDM_STAT_COUNTER,
	  "Bindings removed because their connection closed (RFC 5626)",
	  .value = &reg_st.flow_failed },
	{ "registrar_natpings_total", TDM_STAT_COUNTER, "NAT keep-alives sent",
	  .value = &reg_st.pings },
	{ "registrar_persist_pending", TDM_STAT_GAUGE,
	  "Binding changes waiting to be written to the location table",
	  .read = read_persist_pending },
	{ "registrar_persist_dropped_total", TDM_STAT_COUNTER,
	  "Binding changes not persisted because the journal was full",
	  .read = read_persist_dropped },
	TDM_STAT_END
};
