/* SPDX-License-Identifier: GPL-2.0-or-later
 * Test module: claims the next ABI version; the loader must refuse it
 * before reading anything else. */
#include <tandem/tandem.h>

TDM_MODULE_DESCRIPTOR(bad_abi) = {
	.abi = TDM_ABI_VERSION + 1,
	.signature = TDM_BUILD_SIGNATURE,
	.name = "bad_abi",
	.description = "from the future",
};
