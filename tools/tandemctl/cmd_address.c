/* SPDX-License-Identifier: GPL-2.0-or-later
 * tandemctl address ...: trusted source addresses (Kamailio's
 * permissions "address" table), in groups that the routing script
 * checks. An entry is a network (IP/MASK), a port (0: any) and a tag the
 * script can read; the same network may be in several groups. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <tandem/tandem.h>
#include "ctl.h"

#define ADDRESS_HELP \
	"IP is an IPv4 or IPv6 address, stored in its canonical text form;\n" \
	"/MASK defaults to /32 (IPv4) or /128 (IPv6) and must leave no host\n" \
	"bits set (10.0.0.0/8, not 10.1.2.3/8). --port P (1-65535; default 0,\n" \
	"any port), --group G (0-2147483647; default 1).\n"

const char ctl_address_add_details[] =
	"Adds a trusted address. --tag T is free text for the script (at most\n"
	"64 bytes). Refused when the same IP/MASK, port and group exists.\n"
	ADDRESS_HELP CTL_DB_HELP;
const char ctl_address_list_details[] =
	"Lists the trusted addresses (of group G with --group G): GROUP, IP,\n"
	"MASK, PORT, TAG. --json prints an array of {group, ip, mask, port,\n"
	"tag}.\n" CTL_DB_HELP;
const char ctl_address_rm_details[] =
	"Removes the entry with this IP/MASK, port and group (the same defaults\n"
	"as address add).\n" ADDRESS_HELP CTL_DB_HELP;

struct addr_op {
	char ip[CTL_IP_MAX];
	unsigned mask, port, group;
	const char *tag;
};

/* IP[/MASK], --port and --group into op. CTL_OK or CTL_FAIL (reported). */
static int addr_args(const char *ipmask, const char *port, const char *group,
		     struct addr_op *op)
{
	char err[256];

	op->port = 0;
	op->group = 1;
	if (ctl_parse_address(ipmask, op->ip, &op->mask, err, sizeof(err)))
		return ctl_fail("%s", err);
	if (port && (ctl_parse_uint(port, 65535, &op->port) || !op->port))
		return ctl_fail("invalid port '%s': it must be a number from 1 to "
				"65535", port);
	if (group && ctl_parse_uint(group, 2147483647u, &op->group))
		return ctl_fail("invalid group '%s': it must be a number from 0 to "
				"2147483647", group);
	return CTL_OK;
}

static int add(struct tdm_db *db, void *arg)
{
	struct addr_op *op = arg;
	struct tdm_db_val p[] = {
		TDM_DB_INT_V(op->group), TDM_DB_TEXT_C(op->ip),
		TDM_DB_INT_V(op->mask), TDM_DB_INT_V(op->port),
		TDM_DB_TEXT_C(op->tag),
	};
	int rc = ctl_query(db, "INSERT INTO address (grp, ip_addr, mask, port, "
			   "tag) VALUES ($1, $2, $3, $4, $5)", p, 5, NULL, NULL);

	if (rc == -EEXIST)
		return ctl_fail("address %s/%u port %u is already in group %u",
				op->ip, op->mask, op->port, op->group);
	return rc ? ctl_db_fail(db, "cannot add the address", rc) : CTL_OK;
}

int ctl_address_add(int argc, char **argv)
{
	const char *port = NULL, *group = NULL, *tag = "", *pos[1];
	const struct ctl_opt opts[] = {
		{ "--port", &port, NULL },
		{ "--group", &group, NULL },
		{ "--tag", &tag, NULL },
		{ NULL, NULL, NULL },
	};
	struct addr_op op;
	struct ctl_dbopts o;
	char err[256];
	int rc = ctl_args(argc, argv, "address add", opts, false, &o, pos, 1, 1);

	if (rc)
		return rc;
	if (addr_args(pos[0], port, group, &op))
		return CTL_FAIL;
	if (ctl_check_text(tag, 64, "tag", err, sizeof(err)))
		return ctl_fail("%s", err);
	op.tag = tag;
	return ctl_db_change(&o, add, &op,
			     "added address %s/%u port %u to group %u",
			     op.ip, op.mask, op.port, op.group);
}

static const struct ctl_col address_cols[] = {
	{ "GROUP", "group", CTL_COL_INT },
	{ "IP", "ip", CTL_COL_TEXT },
	{ "MASK", "mask", CTL_COL_INT },
	{ "PORT", "port", CTL_COL_INT },
	{ "TAG", "tag", CTL_COL_TEXT },
};

#define ADDRESS_SELECT "SELECT grp, {ip:ip_addr}, mask, port, tag FROM address "

int ctl_address_list(int argc, char **argv)
{
	const char *group = NULL;
	const struct ctl_opt opts[] = {
		{ "--group", &group, NULL },
		{ NULL, NULL, NULL },
	};
	struct ctl_table t;
	struct ctl_dbopts o;
	struct tdm_db *db;
	unsigned g = 0;
	int rc = ctl_args(argc, argv, "address list", opts, true, &o, NULL, 0, 0);

	if (rc)
		return rc;
	if (group && ctl_parse_uint(group, 2147483647u, &g))
		return ctl_fail("invalid group '%s': it must be a number from 0 to "
				"2147483647", group);
	if (ctl_db_open(&o, true, &db))
		return CTL_FAIL;
	if (ctl_table_init(&t, address_cols, TDM_ARRAY_SIZE(address_cols))) {
		ctl_db_close(db);
		return ctl_fail("out of memory");
	}
	if (group) {
		struct tdm_db_val p[] = { TDM_DB_INT_V(g) };

		rc = ctl_query(db, ADDRESS_SELECT "WHERE grp = $1 ORDER BY grp, "
			       "ip_addr, mask, port", p, 1, ctl_table_row, &t);
	} else {
		rc = ctl_query(db, ADDRESS_SELECT "ORDER BY grp, ip_addr, mask, port",
			       NULL, 0, ctl_table_row, &t);
	}
	if (rc) {
		ctl_table_free(&t);
		rc = ctl_db_fail(db, "cannot list the addresses", rc);
	} else {
		rc = ctl_table_print(&t, o.json);
	}
	ctl_db_close(db);
	return rc;
}

static int rm(struct tdm_db *db, void *arg)
{
	struct addr_op *op = arg;
	struct tdm_db_val p[] = {
		TDM_DB_INT_V(op->group), TDM_DB_TEXT_C(op->ip),
		TDM_DB_INT_V(op->mask), TDM_DB_INT_V(op->port),
	};
	int rc = ctl_query(db, "DELETE FROM address WHERE grp = $1 AND ip_addr = $2 "
			   "AND mask = $3 AND port = $4", p, 4, NULL, NULL);

	if (rc)
		return ctl_db_fail(db, "cannot remove the address", rc);
	return tdm_db_changes(db) ? CTL_OK :
	       ctl_fail("no address %s/%u port %u in group %u", op->ip, op->mask,
			op->port, op->group);
}

int ctl_address_rm(int argc, char **argv)
{
	const char *port = NULL, *group = NULL, *pos[1];
	const struct ctl_opt opts[] = {
		{ "--port", &port, NULL },
		{ "--group", &group, NULL },
		{ NULL, NULL, NULL },
	};
	struct addr_op op;
	struct ctl_dbopts o;
	int rc = ctl_args(argc, argv, "address rm", opts, false, &o, pos, 1, 1);

	if (rc)
		return rc;
	if (addr_args(pos[0], port, group, &op))
		return CTL_FAIL;
	return ctl_db_change(&o, rm, &op,
			     "removed address %s/%u port %u from group %u",
			     op.ip, op.mask, op.port, op.group);
}
