/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private to core: the node's settings. One table names every setting,
 * its type, range and default; the script's `settings { }` block and
 * `tandemd --set key=value` are both checked against it, and
 * tdm_node_cfg holds the resulting values (defaults, then the script,
 * then the command line). */
#ifndef TDM_CONF_SETTINGS_H
#define TDM_CONF_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <tandem/str.h>

enum tdm_setting_type {
	TDM_SET_INT,
	TDM_SET_BOOL,
	TDM_SET_STR,
	TDM_SET_LIST, /* list of strings; on the command line comma-separated */
};

enum tdm_setting_id {
#define TDM_SETTING(id, name, type, min, max, def, help) TDM_SETTING_##id,
#include "conf/settings.def"
#undef TDM_SETTING
	TDM_SETTING__COUNT
};

struct tdm_setting_def {
	const char *name;
	enum tdm_setting_type type;
	int64_t min, max;  /* TDM_SET_INT */
	const char *def;   /* default, in --set syntax */
	const char *help;
};

/* One setting's value. Strings and lists point into memory that outlives
 * the node's configuration (the script program, argv, or the table). */
struct tdm_setting_val {
	bool set;          /* given by the script or the command line */
	int64_t i;         /* INT, BOOL */
	struct tdm_str s;  /* STR */
	const struct tdm_str *list; /* LIST */
	unsigned count;
	char *cstr;        /* STR: NUL-terminated copy made on demand */
};

/* The table (TDM_SETTING__COUNT rows) and lookup by name (NULL). */
extern const struct tdm_setting_def tdm_settings[TDM_SETTING__COUNT];
const struct tdm_setting_def *tdm_setting_find(const struct tdm_str *name,
					       enum tdm_setting_id *id);

/* Parses text (the --set value, or a default) into *v for setting id.
 * Lists are split on commas into tdm_malloc'd arrays that live for the
 * process (the command line is parsed once). Returns 0, or -EINVAL with
 * a reason in err ("workers must be an integer from 1 to 256"). */
int tdm_setting_parse(enum tdm_setting_id id, const char *text,
		      struct tdm_setting_val *v, char *err, size_t errlen);

/* The table as Markdown (docs/settings.md, tandemd --settings). */
void tdm_settings_markdown(FILE *f);

/* The whole configuration of a node. */
struct tdm_node_cfg {
	struct tdm_setting_val v[TDM_SETTING__COUNT];
};

/* Fills every setting with its default. 0 or -ENOMEM. */
int tdm_node_cfg_defaults(struct tdm_node_cfg *c);
/* Applies "key=value" (tandemd --set). 0, or -EINVAL with the reason. */
int tdm_node_cfg_set(struct tdm_node_cfg *c, const char *kv, char *err,
		     size_t errlen);
/* Frees the lists parsed from text. */
void tdm_node_cfg_free(struct tdm_node_cfg *c);

static inline int64_t tdm_cfg_int(const struct tdm_node_cfg *c,
				  enum tdm_setting_id id)
{
	return c->v[id].i;
}

/* A NUL-terminated copy of a string setting, or NULL when empty; owned
 * by the configuration. */
const char *tdm_cfg_cstr(struct tdm_node_cfg *c, enum tdm_setting_id id);

#endif
