/* SPDX-License-Identifier: GPL-2.0-or-later
 * Test module: a shared object without a descriptor (not a module). */
#include <tandem/compiler.h>

TDM_API int tdm_nosym_answer(void);
TDM_API int tdm_nosym_answer(void)
{
	return 42;
}
