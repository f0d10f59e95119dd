/* SPDX-License-Identifier: GPL-2.0-or-later
 * tandemd: the Tandem node. For now it reports its version and build; the
 * transport, transaction and script layers attach here as they land. */
#include <config.h>
#include <stdio.h>
#include <string.h>
#include <tandem/tandem.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: tandemd [--version] [--help]\n"
		   "The SIP node itself arrives with the transport and "
		   "transaction layers; this build provides the SIP message "
		   "layer (see tandemctl sip parse).\n");
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--version") || !strcmp(argv[i], "-V")) {
			printf("tandemd %s (abi %d)\n", PACKAGE_VERSION,
			       TDM_ABI_VERSION);
			return 0;
		}
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		}
		fprintf(stderr, "tandemd: unknown option '%s'\n", argv[i]);
		usage(stderr);
		return 2;
	}
	usage(stderr);
	return 2;
}
