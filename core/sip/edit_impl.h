/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private to core/sip/edit.c and build.c: the layout of an edit list, which
 * edit.c records and build.c applies. */
#ifndef TANDEM_SIP_EDIT_IMPL_H
#define TANDEM_SIP_EDIT_IMPL_H

#include <tandem/sip.h>

/* A header line to insert: "name: value" CRLF. */
struct sip_new_hdr {
	struct sip_new_hdr *next;
	struct tdm_str name, value; /* copies in the message's arena */
};

/* What a list does to one original header. */
enum { HDR_KEEP = 0, HDR_SET, HDR_DEL };

struct sip_hdr_edit {
	uint8_t op;            /* HDR_* */
	struct tdm_str value;  /* HDR_SET */
};

struct tdm_sip_edits {
	struct tdm_sip_msg *m;
	bool set_ruri, set_body;
	struct tdm_str ruri, body;
	struct sip_new_hdr *prepend;  /* newest first: the order of output */
	struct sip_new_hdr *append, **append_tail; /* oldest first */
	struct sip_hdr_edit *hdr;     /* m->hdr_count entries, NULL until the
				       * first del/set */
};

#endif
