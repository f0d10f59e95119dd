# modules/nat: NAT detection and Contact fixing for routing scripts
# (docs/nat.md). nat_ip.c and nat_detect.c are pure and unit-tested in
# tests/module/nat/.
pkglib_LTLIBRARIES += modules/nat/nat.la
modules_nat_nat_la_SOURCES = %reldir%/nat.c %reldir%/nat_detect.c \
	%reldir%/nat_detect.h %reldir%/nat_ip.c %reldir%/nat_ip.h
modules_nat_nat_la_LDFLAGS = $(TDM_MODULE_LINK)
EXTRA_DIST += %reldir%/README.md

# Its unit tests (own program, see the fragment).
include $(srcdir)/tests/module/nat/local.mk
