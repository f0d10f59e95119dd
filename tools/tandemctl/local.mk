# tandemctl: provisioning and control CLI. One file per command family.
bin_PROGRAMS += tandemctl
tandemctl_SOURCES = \
	%reldir%/main.c \
	%reldir%/cmd_sip.c \
	%reldir%/sip_json.c \
	%reldir%/ctl.h
tandemctl_CPPFLAGS = $(AM_CPPFLAGS) $(JANSSON_CFLAGS)
tandemctl_LDADD = core/libtandemcore.la $(JANSSON_LIBS)
