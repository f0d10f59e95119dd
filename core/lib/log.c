/* SPDX-License-Identifier: GPL-2.0-or-later
 * Structured logging. A line is assembled in a stack buffer (no malloc,
 * so logging works when memory is out) and leaves in one write(2), so
 * threads never interleave. The subsystem registry is a short list under
 * a spin lock: it is touched at start-up and by "set level" commands. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <tandem/log.h>
#include <tandem/str.h>

/* Room kept free at the end of every line for the truncation marker,
 * the closing brace and the newline. */
#define RESERVE 24

TDM_LOG_SUBSYS(tdm_log_core, "core");

static atomic_flag reg_lock = ATOMIC_FLAG_INIT;
static struct tdm_log_subsys *registry = &tdm_log_core; /* under reg_lock */
static _Atomic int default_level = TDM_LOG_DEFAULT_LEVEL;

static _Atomic int out_fd = 2;  /* -1: syslog */
static _Atomic int out_fmt = TDM_LOG_TEXT;
static _Atomic unsigned out_flags;

/* The Call-ID of the message this thread is working on: borrowed, the
 * setter clears it before the message goes (no copy per message). */
static _Thread_local const char *ctx_call_id;
static _Thread_local size_t ctx_call_id_len;

void tdm_log_context_call_id(const char *s, size_t len)
{
	ctx_call_id = s;
	ctx_call_id_len = s ? len : 0;
}

static const char *const level_names[] = {
	[TDM_LOG_ERROR] = "error", [TDM_LOG_WARN] = "warn",
	[TDM_LOG_NOTICE] = "notice", [TDM_LOG_INFO] = "info",
	[TDM_LOG_DEBUG] = "debug",
};

static bool level_ok(int level)
{
	return level >= TDM_LOG_ERROR && level <= TDM_LOG_DEBUG;
}

static void lock(void)
{
	while (atomic_flag_test_and_set_explicit(&reg_lock, memory_order_acquire))
		;
}

static void unlock(void)
{
	atomic_flag_clear_explicit(&reg_lock, memory_order_release);
}

/* Registered subsystem called name; caller holds the lock. */
static struct tdm_log_subsys *lookup(const char *name)
{
	for (struct tdm_log_subsys *s = registry; s; s = s->next)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

int tdm_log_subsys_register(struct tdm_log_subsys *ss)
{
	struct tdm_log_subsys *other;
	int err = 0;

	if (!ss || !ss->name || !ss->name[0])
		return -EINVAL;
	lock();
	other = lookup(ss->name);
	if (other && other != ss) {
		err = -EEXIST;
	} else if (!other) {
		ss->explicit_level = false;
		atomic_store_explicit(&ss->level, atomic_load(&default_level),
				      memory_order_relaxed);
		ss->next = registry;
		registry = ss;
	}
	unlock();
	return err;
}

void tdm_log_subsys_unregister(struct tdm_log_subsys *ss)
{
	lock();
	for (struct tdm_log_subsys **pp = &registry; *pp; pp = &(*pp)->next) {
		if (*pp == ss) {
			*pp = ss->next;
			ss->next = NULL;
			break;
		}
	}
	unlock();
}

int tdm_log_set_level(const char *name, int level)
{
	struct tdm_log_subsys *s;

	if (!level_ok(level))
		return -EINVAL;
	lock();
	s = lookup(name);
	if (s) {
		s->explicit_level = true;
		atomic_store_explicit(&s->level, level, memory_order_relaxed);
	}
	unlock();
	return s ? 0 : -ENOENT;
}

int tdm_log_get_level(const char *name)
{
	struct tdm_log_subsys *s;
	int level = -ENOENT;

	lock();
	s = lookup(name);
	if (s)
		level = atomic_load_explicit(&s->level, memory_order_relaxed);
	unlock();
	return level;
}

int tdm_log_set_default_level(int level)
{
	if (!level_ok(level))
		return -EINVAL;
	lock();
	atomic_store(&default_level, level);
	for (struct tdm_log_subsys *s = registry; s; s = s->next)
		if (!s->explicit_level)
			atomic_store_explicit(&s->level, level,
					      memory_order_relaxed);
	unlock();
	return 0;
}

int tdm_log_get_default_level(void)
{
	return atomic_load(&default_level);
}

void tdm_log_foreach(void (*fn)(const char *name, int level,
				bool explicit_level, void *arg),
		     void *arg)
{
	lock();
	for (struct tdm_log_subsys *s = registry; s; s = s->next)
		fn(s->name, atomic_load_explicit(&s->level, memory_order_relaxed),
		   s->explicit_level, arg);
	unlock();
}

int tdm_log_level_parse(const char *name)
{
	if (!name)
		return -EINVAL;
	if (strcasecmp(name, "warning") == 0)
		return TDM_LOG_WARN;
	for (int l = TDM_LOG_ERROR; l <= TDM_LOG_DEBUG; l++)
		if (strcasecmp(name, level_names[l]) == 0)
			return l;
	return -EINVAL;
}

const char *tdm_log_level_name(int level)
{
	return level_ok(level) ? level_names[level] : "?";
}

void tdm_log_to_fd(int fd, enum tdm_log_format fmt, unsigned flags)
{
	atomic_store(&out_fmt, (int)fmt);
	atomic_store(&out_flags, flags);
	atomic_store(&out_fd, fd);
	closelog();
}

void tdm_log_to_syslog(const char *ident, int facility,
		       enum tdm_log_format fmt)
{
	openlog(ident, LOG_PID | LOG_NDELAY, facility);
	atomic_store(&out_fmt, (int)fmt);
	atomic_store(&out_flags, 0u);
	atomic_store(&out_fd, -1);
}

/* ---- line assembly ---------------------------------------------------- */

/* Appends n raw bytes if they fit before the reserve. */
static bool put_raw(struct tdm_log_rec *r, const char *s, size_t n)
{
	if (n > TDM_LOG_LINE_MAX - RESERVE - r->len)
		return false;
	memcpy(r->buf + r->len, s, n);
	r->len += n;
	return true;
}


/* The escaped form of the unit starting at p: writes it to out (at
 * least 8 bytes) and returns its length; *used gets the bytes consumed. */
static size_t escape_unit(const unsigned char *p, size_t n, bool json,
			  char *out, size_t *used)
{
	unsigned char c = p[0];
	size_t ulen;

	*used = 1;
	switch (c) {
	case '"':  memcpy(out, "\\\"", 2); return 2;
	case '\\': memcpy(out, "\\\\", 2); return 2;
	case '\n': memcpy(out, "\\n", 2); return 2;
	case '\r': memcpy(out, "\\r", 2); return 2;
	case '\t': memcpy(out, "\\t", 2); return 2;
	}
	if (c < 0x20 || c == 0x7f)
		return (size_t)snprintf(out, 8, json ? "\\u%04x" : "\\x%02x", c);
	if (c < 0x80 || !json) {
		out[0] = (char)c;
		return 1;
	}
	ulen = tdm_utf8_seq(p, n);
	if (!ulen) {
		memcpy(out, "\\ufffd", 6);
		return 6;
	}
	memcpy(out, p, ulen);
	*used = ulen;
	return ulen;
}

/* Appends "value" quoted and escaped, cutting it (at a unit boundary) to
 * keep room for the closing quote; a cut marks the line truncated. */
static bool put_quoted(struct tdm_log_rec *r, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	char unit[8];
	size_t i = 0, used, ulen;

	if (TDM_LOG_LINE_MAX - RESERVE - r->len < 2)
		return false;
	r->buf[r->len++] = '"';
	while (i < n) {
		ulen = escape_unit(p + i, n - i, r->fmt == TDM_LOG_JSON, unit,
				   &used);
		if (ulen + 1 > TDM_LOG_LINE_MAX - RESERVE - r->len) {
			r->truncated = true;
			break;
		}
		memcpy(r->buf + r->len, unit, ulen);
		r->len += ulen;
		i += used;
	}
	r->buf[r->len++] = '"'; /* room kept by the check above */
	return true;
}

/* logfmt needs quotes around empty values and anything with separators,
 * quotes or control bytes. */
static bool needs_quotes(const char *s, size_t n)
{
	if (!n)
		return true;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f)
			return true;
	}
	return false;
}

/* Appends the separator (none before the first field) and the key:
 * ` key=` or `,"key":`. */
static bool put_key(struct tdm_log_rec *r, const char *key)
{
	size_t n = strlen(key);

	if (r->fmt == TDM_LOG_JSON)
		return (!r->nfields || put_raw(r, ",", 1)) &&
		       put_quoted(r, key, n) && put_raw(r, ":", 1);
	if (r->nfields && !put_raw(r, " ", 1))
		return false;
	if (!n)
		return put_raw(r, "_=", 2);
	for (size_t i = 0; i < n; i++) {
		char c = key[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '_' || c == '.' ||
			  c == '-';
		if (!put_raw(r, ok ? &c : "_", 1))
			return false;
	}
	return put_raw(r, "=", 1);
}

enum val_kind {
	VAL_AUTO,   /* string; quoted in text mode only when needed */
	VAL_QUOTED, /* string; always quoted (msg: it is prose) */
	VAL_NUMBER, /* never quoted, a JSON number */
};

/* Appends one field. A field that does not fit even cut short (its key
 * and quotes) is dropped whole; either way the line is marked. */
static void put_field(struct tdm_log_rec *r, const char *key, const char *v,
		      size_t n, enum val_kind kind)
{
	size_t mark = r->len;
	bool raw, ok;

	if (!r->on)
		return;
	raw = kind == VAL_NUMBER ||
	      (kind == VAL_AUTO && r->fmt == TDM_LOG_TEXT && !needs_quotes(v, n));
	if (key && !strcmp(key, "call_id"))
		r->has_call_id = true;
	ok = put_key(r, key ? key : "");
	if (ok && raw)
		ok = put_raw(r, v, n);
	if (ok && !raw)
		ok = put_quoted(r, v, n);
	if (!ok) {
		r->len = mark;
		r->truncated = true;
		return;
	}
	r->nfields++;
}

/* ts=2024-05-01T12:00:00.123Z */
static size_t format_time(char *out, size_t size)
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(out, size, "%Y-%m-%dT%H:%M:%S", &tm);
	n += (size_t)snprintf(out + n, size - n, ".%03ldZ",
			      ts.tv_nsec / 1000000);
	return n;
}

/* Starts a record: prefix, ts, level, subsys and the formatted msg. */
static bool vbegin(struct tdm_log_rec *r, const struct tdm_log_subsys *ss,
		   int level, const char *fmt, va_list ap)
{
	char tmp[TDM_LOG_VALUE_MAX];
	unsigned flags;
	int n;

	r->on = level_ok(level) && TDM_LOG_ENABLED(ss, level);
	if (!r->on)
		return false;
	r->ss = ss;
	r->level = level;
	r->len = 0;
	r->truncated = false;
	r->has_call_id = false;
	r->nfields = 0;
	r->fmt = atomic_load(&out_fmt) == TDM_LOG_JSON ? TDM_LOG_JSON
							: TDM_LOG_TEXT;
	r->fd = atomic_load(&out_fd);
	flags = r->fd < 0 ? 0 : atomic_load(&out_flags);
	if (flags & TDM_LOG_F_PRIO)
		r->len = (size_t)snprintf(r->buf, 8, "<%d>", level);
	if (r->fmt == TDM_LOG_JSON)
		put_raw(r, "{", 1);
	if (flags & TDM_LOG_F_TIME) {
		n = (int)format_time(tmp, sizeof(tmp));
		put_field(r, "ts", tmp, (size_t)n, VAL_AUTO);
	}
	put_field(r, "level", level_names[level], strlen(level_names[level]),
		  VAL_AUTO);
	put_field(r, "subsys", ss->name, strlen(ss->name), VAL_AUTO);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(tmp)) {
		n = sizeof(tmp) - 1;
		r->truncated = true;
	}
	put_field(r, "msg", tmp, (size_t)n, VAL_QUOTED);
	return true;
}

bool tdm_log_begin(struct tdm_log_rec *r, const struct tdm_log_subsys *ss,
		   int level, const char *fmt, ...)
{
	va_list ap;
	bool on;

	va_start(ap, fmt);
	on = vbegin(r, ss, level, fmt, ap);
	va_end(ap);
	return on;
}

void tdm_log_kv(struct tdm_log_rec *r, const char *key, const char *fmt, ...)
{
	char tmp[TDM_LOG_VALUE_MAX];
	va_list ap;
	int n;

	if (!r->on)
		return;
	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(tmp)) {
		n = sizeof(tmp) - 1;
		r->truncated = true;
	}
	put_field(r, key, tmp, (size_t)n, VAL_AUTO);
}

void tdm_log_str(struct tdm_log_rec *r, const char *key,
		 const struct tdm_str *val)
{
	if (val && val->len)
		put_field(r, key, val->s, val->len, VAL_AUTO);
	else
		put_field(r, key, "", 0, VAL_AUTO);
}

void tdm_log_cstr(struct tdm_log_rec *r, const char *key, const char *val)
{
	put_field(r, key, val ? val : "", val ? strlen(val) : 0, VAL_AUTO);
}

void tdm_log_int(struct tdm_log_rec *r, const char *key, long long val)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof(tmp), "%lld", val);

	put_field(r, key, tmp, (size_t)n, VAL_NUMBER);
}

/* write(2) the whole line, retrying only on EINTR and short writes. */
static void write_line(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

void tdm_log_end(struct tdm_log_rec *r)
{
	int saved = errno;

	if (!r->on)
		return;
	if (!r->has_call_id && ctx_call_id_len)
		put_field(r, "call_id", ctx_call_id, ctx_call_id_len, VAL_AUTO);
	r->on = false; /* a second end writes nothing */
	/* RESERVE guarantees the room for what follows. */
	if (r->truncated) {
		const char *m = r->fmt == TDM_LOG_JSON ? ",\"truncated\":true"
						       : " truncated=1";
		memcpy(r->buf + r->len, m, strlen(m));
		r->len += strlen(m);
	}
	if (r->fmt == TDM_LOG_JSON)
		r->buf[r->len++] = '}';
	if (r->fd < 0) {
		syslog(r->level, "%.*s", (int)r->len, r->buf);
	} else {
		r->buf[r->len++] = '\n';
		write_line(r->fd, r->buf, r->len);
	}
	errno = saved;
}

void tdm_log_pairs(const struct tdm_log_subsys *ss, int level, const char *msg,
		   ...)
{
	struct tdm_log_rec r;
	const char *key;
	va_list ap;

	if (!tdm_log_begin(&r, ss, level, "%s", msg ? msg : ""))
		return;
	va_start(ap, msg);
	while ((key = va_arg(ap, const char *)))
		tdm_log_cstr(&r, key, va_arg(ap, const char *));
	va_end(ap);
	tdm_log_end(&r);
}

void tdm_log_msg(const struct tdm_log_subsys *ss, int level, const char *fmt,
		 ...)
{
	struct tdm_log_rec r;
	va_list ap;
	bool on;

	va_start(ap, fmt);
	on = vbegin(&r, ss, level, fmt, ap);
	va_end(ap);
	if (on)
		tdm_log_end(&r);
}

const char *tdm_strerror(int negerr)
{
	static _Thread_local char buf[128];
	int e = negerr < 0 ? -negerr : negerr;

#if defined(__GLIBC__) && defined(_GNU_SOURCE)
	return strerror_r(e, buf, sizeof(buf));
#else
	if (strerror_r(e, buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "Unknown error %d", e);
	return buf;
#endif
}
