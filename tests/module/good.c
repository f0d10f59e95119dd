/* SPDX-License-Identifier: GPL-2.0-or-later
 * Test module: a valid module loaded from a file by the unit tests. It
 * calls nothing in the core (the unit-test program does not export the
 * core's symbols to modules; load_run and tandemd do). */
#include <stdint.h>
#include <tandem/tandem.h>

static struct good_cfg {
	int64_t level;
	const char *label;
} good_cfg;

static const struct tdm_param_def good_params[] = {
	TDM_PARAM_INT("level", struct good_cfg, level, "5", 0, 10, "a level"),
	TDM_PARAM_STR("label", struct good_cfg, label, "good", "a label"),
	TDM_PARAM_END
};

static int good_nop(struct tdm_scr_call *c)
{
	(void)c;
	return 0;
}

static const struct tdm_fn_def good_functions[] = {
	{ "nop", good_nop, NULL, TDM_T_VOID, NULL, 0, TDM_ROUTE_ANY, "nothing" },
	TDM_FN_END
};

TDM_MODULE_DESCRIPTOR(good) = {
	TDM_MODULE_HEADER,
	.name = "good",
	.description = "a valid module",
	.params = good_params,
	.config = &good_cfg,
	.functions = good_functions,
};
