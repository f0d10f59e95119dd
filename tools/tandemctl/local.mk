# tandemctl: provisioning and control CLI. One file per command family.
bin_PROGRAMS += tandemctl
tandemctl_SOURCES = \
	%reldir%/main.c \
	%reldir%/cmd_sip.c \
	%reldir%/sip_json.c \
	%reldir%/ctl.h \
	%reldir%/cmd_route.c \
	%reldir%/route_cases.c \
	%reldir%/route_cases.h \
	%reldir%/route_expect.c \
	%reldir%/route_read.h \
	%reldir%/route_msg.c \
	%reldir%/route_msg.h \
	%reldir%/route_run.c \
	%reldir%/route_run.h \
	%reldir%/ctl_db.c \
	%reldir%/ctl_args.c \
	%reldir%/ctl_validate.c \
	%reldir%/cmd_db.c \
	%reldir%/cmd_domain.c \
	%reldir%/cmd_user.c \
	%reldir%/cmd_alias.c \
	%reldir%/cmd_address.c \
	%reldir%/ctl_api.h \
	%reldir%/ctl_api.c \
	%reldir%/ctl_api_opts.c \
	%reldir%/cmd_node.c \
	%reldir%/cmd_reg.c \
	%reldir%/cmd_log.c \
	%reldir%/cmd_rpc.c
tandemctl_CPPFLAGS = $(AM_CPPFLAGS) $(JANSSON_CFLAGS)
tandemctl_LDADD = core/libtandemcore.la $(JANSSON_LIBS)
# Like tandemd: "route test" loads the script's modules with dlopen(), and
# they resolve every TDM_API symbol against this binary.
tandemctl_DEPENDENCIES = core/libtandemcore.la
tandemctl_LDFLAGS = -export-dynamic \
	-Wl,--whole-archive,core/.libs/libtandemcore.a,--no-whole-archive
