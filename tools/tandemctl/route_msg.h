/* SPDX-License-Identifier: GPL-2.0-or-later
 * tandemctl route test: the bytes of a test message, from the text an
 * engineer writes (inline in a case file, or a fixture with plain LF line
 * ends) or from a captured fixture used byte for byte. */
#ifndef TANDEM_CTL_ROUTE_MSG_H
#define TANDEM_CTL_ROUTE_MSG_H

#include <stddef.h>
#include <tandem/arena.h>

/* Turns lines of text into a message: leading and trailing blank lines
 * dropped, the first line's indentation removed from every line, lines
 * joined with CRLF; the first blank line ends the headers and the lines
 * after it are the body (each ended by CRLF). "Content-Length: auto" (or
 * "l: auto") becomes the body's length in bytes. The result is in a.
 * 0 or -ENOMEM. */
int rc_msg_from_text(struct tdm_arena *a, const char *text, size_t len,
		     const char **out, size_t *out_len);

/* Reads a fixture file: with a CR anywhere it is a capture, used as it
 * is; otherwise it is text for rc_msg_from_text(). 0, -EFBIG (over the
 * parser's message limit), -ENOMEM or the -errno of reading. */
int rc_msg_from_file(struct tdm_arena *a, const char *path,
		     const char **out, size_t *out_len);

#endif
