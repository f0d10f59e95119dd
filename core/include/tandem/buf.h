/* SPDX-License-Identifier: GPL-2.0-or-later
 * Growable byte buffers, for building outgoing messages and JSON. */
#ifndef TANDEM_BUF_H
#define TANDEM_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <tandem/compiler.h>
#include <tandem/str.h>

struct tdm_buf {
	char *data;  /* owned; NUL-terminated after every append */
	size_t len;
	size_t cap;
	int err;     /* first -ENOMEM seen; later appends are no-ops */
};

#define TDM_BUF_INIT { NULL, 0, 0, 0 }

/* Make room for `extra` more bytes. Returns 0 or -ENOMEM. */
TDM_API int tdm_buf_reserve(struct tdm_buf *b, size_t extra);
/* Appends; on failure record -ENOMEM in b->err and return it. A chain of
 * appends can therefore be checked once at the end through b->err. */
TDM_API int tdm_buf_append(struct tdm_buf *b, const void *p, size_t len);
TDM_API int tdm_buf_append_str(struct tdm_buf *b, const struct tdm_str *s);
TDM_API int tdm_buf_append_c(struct tdm_buf *b, const char *cstr);
TDM_API int tdm_buf_append_ch(struct tdm_buf *b, char c);
TDM_API int tdm_buf_printf(struct tdm_buf *b, const char *fmt, ...)
	TDM_PRINTF(2, 3);
TDM_API int tdm_buf_vprintf(struct tdm_buf *b, const char *fmt, va_list ap);
/* Forget the content, keep the memory. */
TDM_API void tdm_buf_reset(struct tdm_buf *b);
/* Release the memory; the buffer may be reused after. */
TDM_API void tdm_buf_free(struct tdm_buf *b);
/* Gives back the unused capacity (for buffers kept a long time). */
TDM_API void tdm_buf_shrink(struct tdm_buf *b);
/* The content as a slice (valid until the next append). */
static inline struct tdm_str tdm_buf_str(const struct tdm_buf *b)
{
	return (struct tdm_str){ b->data, b->len };
}

#endif
