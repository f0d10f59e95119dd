/* SPDX-License-Identifier: GPL-2.0-or-later
 * Structured logging: one line per event, `level=info subsys=sip
 * msg="parsed" call_id=abc` (logfmt) or one JSON object per line, to an
 * fd (stderr by default, optionally with journald's <N> prefix) or to
 * syslog(3). Levels are set per subsystem at run time; a disabled call
 * costs one integer compare. */
#ifndef TANDEM_LOG_H
#define TANDEM_LOG_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <tandem/compiler.h>
#include <tandem/str.h>

/* The syslog priorities, so they map 1:1 on syslog(3) and <N>. */
enum tdm_log_level {
	TDM_LOG_ERROR = 3,
	TDM_LOG_WARN = 4,
	TDM_LOG_NOTICE = 5,
	TDM_LOG_INFO = 6,
	TDM_LOG_DEBUG = 7,
};

/* The level of a subsystem that nobody has configured. */
#define TDM_LOG_DEFAULT_LEVEL TDM_LOG_INFO

/* A named log source. Declare one per subsystem with TDM_LOG_SUBSYS()
 * (static storage; the name must outlive it), register it at start-up
 * or module load so that tdm_log_set_level() can find it by name, and
 * unregister it before its module is unloaded. It logs at its initial
 * level even while unregistered. Fields are private to log.c. */
struct tdm_log_subsys {
	const char *name;
	_Atomic int level;          /* events with level <= this are written */
	bool explicit_level;        /* set by name: ignores the default */
	struct tdm_log_subsys *next; /* registry link */
};

/* TDM_LOG_SUBSYS(log_sip, "sip"); declares `struct tdm_log_subsys log_sip`
 * (prefix with static or extern as needed). */
#define TDM_LOG_SUBSYS(var, sname)                                            \
	struct tdm_log_subsys var = { .name = (sname),                        \
				      .level = TDM_LOG_DEFAULT_LEVEL }

/* Always registered: for code that has no subsystem of its own. */
TDM_API extern struct tdm_log_subsys tdm_log_core;

/* Adds ss to the registry and gives it the current default level.
 * Returns 0 (also when ss itself is already registered), -EEXIST when
 * another subsystem has the same name, -EINVAL for a NULL or empty name.
 * Thread-safe, like everything below. */
TDM_API int tdm_log_subsys_register(struct tdm_log_subsys *ss);
/* Removes ss from the registry; not registered is fine. */
TDM_API void tdm_log_subsys_unregister(struct tdm_log_subsys *ss);

/* Sets the level of the subsystem called `name`. Returns 0, -ENOENT when
 * no registered subsystem has that name, -EINVAL for a bad level. */
TDM_API int tdm_log_set_level(const char *name, int level);
/* Level of `name`, or -ENOENT. */
TDM_API int tdm_log_get_level(const char *name);
/* Sets the default level and applies it to every registered subsystem
 * whose level was not set by name. Returns 0 or -EINVAL. */
TDM_API int tdm_log_set_default_level(int level);
/* The default level. */
TDM_API int tdm_log_get_default_level(void);
/* Calls fn for every registered subsystem, under the registry lock (fn
 * must not log or change levels). */
TDM_API void tdm_log_foreach(void (*fn)(const char *name, int level,
					bool explicit_level, void *arg),
			     void *arg);
/* "error", "warn" (or "warning"), "notice", "info", "debug" to a level,
 * case-insensitively; -EINVAL otherwise. */
TDM_API int tdm_log_level_parse(const char *name);
/* "error" ... "debug", or "?" for a bad level. */
TDM_API const char *tdm_log_level_name(int level);

/* Output line format. */
enum tdm_log_format {
	TDM_LOG_TEXT, /* level=info subsys=sip msg="parsed" key=value ... */
	TDM_LOG_JSON, /* {"level":"info","subsys":"sip","msg":"parsed",...} */
};

/* tdm_log_to_fd() flags. */
#define TDM_LOG_F_PRIO 0x1u /* "<6>" before each line: journald's level */
#define TDM_LOG_F_TIME 0x2u /* a ts= / "ts" field, UTC ISO 8601 with ms */

/* Writes every line to fd with one write(2) (lines never exceed
 * TDM_LOG_LINE_MAX <= PIPE_BUF, so concurrent lines never interleave).
 * The fd is not owned. The default is fd 2, TDM_LOG_TEXT, no flags. For
 * tests: a pipe or fileno(tmpfile()). Reconfigure before worker threads
 * log, or accept that a line racing the change goes to either output. */
TDM_API void tdm_log_to_fd(int fd, enum tdm_log_format fmt, unsigned flags);
/* Sends lines to syslog(3) at their level (opens it with `ident`, which
 * must stay valid, and `facility`, e.g. LOG_DAEMON); no <N>, no ts. */
TDM_API void tdm_log_to_syslog(const char *ident, int facility,
			       enum tdm_log_format fmt);

/* Bytes per line, newline included; longer events are truncated, the
 * line stays well-formed and ends with truncated=1 ("truncated":true). */
#define TDM_LOG_LINE_MAX 2048
/* Longest formatted value before escaping; longer values are cut. */
#define TDM_LOG_VALUE_MAX 1024

/* True when ss writes events of level lvl. */
#define TDM_LOG_ENABLED(ss, lvl)                                              \
	((int)(lvl) <= atomic_load_explicit(&(ss)->level, memory_order_relaxed))

/* An event with fields, built on the stack (no allocation, usable when
 * out of memory):
 *
 *	struct tdm_log_rec r;
 *	if (tdm_log_begin(&r, &log_sip, TDM_LOG_DEBUG, "parsed")) {
 *		tdm_log_str(&r, "call_id", &callid);
 *		tdm_log_int(&r, "len", len);
 *		tdm_log_kv(&r, "src", "%s:%u", ip, port);
 *		tdm_log_end(&r);
 *	}
 *
 * Keys should be [A-Za-z0-9_.-]; in text mode other bytes become '_'.
 * Text values are quoted when they are empty or contain a space, '=',
 * '"', '\' or a control byte; inside quotes \" \\ \n \r \t and \xHH
 * escape. JSON values are JSON strings (numbers for tdm_log_int), with
 * invalid UTF-8 replaced by U+FFFD. Fields are private to log.c. */
struct tdm_log_rec {
	const struct tdm_log_subsys *ss;
	int level;
	int fmt;       /* enum tdm_log_format captured at begin */
	int fd;        /* output captured at begin; -1 for syslog */
	bool on;       /* false: every call is a no-op */
	bool truncated;
	bool has_call_id; /* a call_id field was added */
	unsigned nfields;
	size_t len;
	char buf[TDM_LOG_LINE_MAX];
};

/* Starts an event whose msg is the printf-formatted text. Returns false
 * (and the record is inert) when the level is disabled for ss, so the
 * fields need not be computed; the other calls accept an inert record. */
TDM_API bool tdm_log_begin(struct tdm_log_rec *r,
			   const struct tdm_log_subsys *ss, int level,
			   const char *fmt, ...) TDM_PRINTF(4, 5);
/* Adds key=value, the value printf-formatted. */
TDM_API void tdm_log_kv(struct tdm_log_rec *r, const char *key,
			const char *fmt, ...) TDM_PRINTF(3, 4);
/* Adds key=value from a slice / a C string (NULL logs as empty) / an
 * integer. */
TDM_API void tdm_log_str(struct tdm_log_rec *r, const char *key,
			 const struct tdm_str *val);
TDM_API void tdm_log_cstr(struct tdm_log_rec *r, const char *key,
			  const char *val);
TDM_API void tdm_log_int(struct tdm_log_rec *r, const char *key, long long val);
/* Writes the line. */
TDM_API void tdm_log_end(struct tdm_log_rec *r);

/* One-call event with string fields: key, value, key, value, ..., NULL.
 *	tdm_log_pairs(&log_sip, TDM_LOG_INFO, "parsed",
 *		      "call_id", cid, "method", "INVITE", NULL); */
TDM_API void tdm_log_pairs(const struct tdm_log_subsys *ss, int level,
			   const char *msg, ...) __attribute__((sentinel));
/* Event without fields, msg printf-formatted. Prefer the macros below,
 * which skip argument evaluation when the level is off. */
TDM_API void tdm_log_msg(const struct tdm_log_subsys *ss, int level,
			 const char *fmt, ...) TDM_PRINTF(3, 4);

#define TDM_LOG(ss, lvl, ...)                                                 \
	do {                                                                  \
		if (TDM_UNLIKELY(TDM_LOG_ENABLED((ss), (lvl))))                \
			tdm_log_msg((ss), (lvl), __VA_ARGS__);                \
	} while (0)
/* Short forms: TDM_LOGD(&log_sip, "dropped %zu bytes", n); */
#define TDM_LOGE(ss, ...) TDM_LOG(ss, TDM_LOG_ERROR, __VA_ARGS__)
#define TDM_LOGW(ss, ...) TDM_LOG(ss, TDM_LOG_WARN, __VA_ARGS__)
#define TDM_LOGN(ss, ...) TDM_LOG(ss, TDM_LOG_NOTICE, __VA_ARGS__)
#define TDM_LOGI(ss, ...) TDM_LOG(ss, TDM_LOG_INFO, __VA_ARGS__)
#define TDM_LOGD(ss, ...) TDM_LOG(ss, TDM_LOG_DEBUG, __VA_ARGS__)

/* The Call-ID of the message the calling thread works on (NULL: none):
 * until cleared, every event this thread logs carries it as call_id,
 * unless the event has its own — so a module's log line says which call
 * it is about without passing the message around. The core sets it
 * while a routing script runs for a message. s is borrowed: clear it
 * (NULL) before s goes away. */
TDM_API void tdm_log_context_call_id(const char *s, size_t len);

/* Text for a negative (or positive) errno value: tdm_strerror(-ENOENT)
 * is "No such file or directory". The string is static or thread-local;
 * valid until the thread's next call. Thread-safe. */
TDM_API const char *tdm_strerror(int negerr);

#endif
