/* SPDX-License-Identifier: GPL-2.0-or-later
 * tandemd's script checking entry point (core/check.c). */
#ifndef TANDEM_CORE_CHECK_H
#define TANDEM_CORE_CHECK_H

#include <stdbool.h>

/* Loads `file` as tandemd would at start-up, without sockets; prints the
 * diagnostics (and with dump, the compiled program). Exit status 0/1. */
int tdm_main_check(const char *file, bool dump);

#endif
