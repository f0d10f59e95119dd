/* SPDX-License-Identifier: GPL-2.0-or-later
 * Test module: exported as tdm_module_misnamed but calls itself "other"
 * (a copied descriptor whose name was not updated). */
#include <tandem/tandem.h>

TDM_MODULE_DESCRIPTOR(misnamed) = {
	TDM_MODULE_HEADER,
	.name = "other",
	.description = "copied and not renamed",
};
