/* SPDX-License-Identifier: GPL-2.0-or-later
 * tandemd --check / --dump-program: the start-up pipeline of a routing
 * script (parse, load its modules, set their parameters, check, compile,
 * run the modules' load hooks) without opening any socket. */
#include <stdio.h>
#include <tandem/buf.h>
#include "check.h"
#include "module/mod.h"
#include "script/program.h"

int tdm_main_check(const char *file, bool dump)
{
	struct tdm_scr_program *p = NULL;
	struct tdm_scr_diag d;
	char err[512];
	int rc;

	tdm_scr_diag_init(&d);
	rc = tdm_scr_load_file(file, &d, &p);
	tdm_scr_diag_print(&d, stderr);
	if (!rc && (rc = tdm_mod_start_all(err, sizeof(err))))
		fprintf(stderr, "%s: error: %s\n", file, err);
	if (!rc && dump) {
		struct tdm_buf b = TDM_BUF_INIT;
		tdm_scr_program_dump(p, &b);
		fwrite(b.data, 1, b.len, stdout);
		tdm_buf_free(&b);
	} else if (!rc) {
		printf("%s: ok (%u warning%s, sha256 %s)\n", file, d.warnings,
		       d.warnings == 1 ? "" : "s", p->hash);
	} else if (d.errors) {
		fprintf(stderr, "%s: %u error%s\n", file, d.errors,
			d.errors == 1 ? "" : "s");
	}
	tdm_scr_program_unref(p);
	tdm_scr_diag_fini(&d);
	tdm_mod_unload_all();
	tdm_mod_path_clear();
	return rc ? 1 : 0;
}
