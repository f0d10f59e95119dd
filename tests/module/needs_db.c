/* SPDX-License-Identifier: GPL-2.0-or-later
 * Test module: requires a module "db" that no test provides. Loads; the
 * start of the modules refuses it. */
#include <tandem/tandem.h>

TDM_MODULE_DESCRIPTOR(needs_db) = {
	TDM_MODULE_HEADER,
	.name = "needs_db",
	.description = "needs a database",
	.requires = (const char *const[]){ "db", NULL },
};
