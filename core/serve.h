/* SPDX-License-Identifier: GPL-2.0-or-later
 * tandemd's node mode (see serve.c). */
#ifndef TDM_SERVE_H
#define TDM_SERVE_H

/* Loads file, applies --set KEY=VALUE (sets) and --listen (listens), and
 * runs the node until SIGTERM. Returns the exit status. */
int tdm_main_serve(const char *file, char **sets, int nsets, char **listens,
		   int nlistens);

#endif
