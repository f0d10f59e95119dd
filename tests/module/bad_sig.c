/* SPDX-License-Identifier: GPL-2.0-or-later
 * Test module: same ABI version, but built against a struct tdm_sip_msg
 * 8 bytes larger (as if sip.h had changed without an ABI bump). */
#include <tandem/tandem.h>

TDM_MODULE_DESCRIPTOR(bad_sig) = {
	.abi = TDM_ABI_VERSION,
	.signature = { TDM_ABI_VERSION, sizeof(struct tdm_value),
		       sizeof(struct tdm_sip_msg) + 8, sizeof(struct tdm_module),
		       TDM_HDR__COUNT, TDM_BUILD_SANITIZERS },
	.name = "bad_sig",
	.description = "stale headers",
};
