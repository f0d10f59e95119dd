# core: the tandemd program. The whole core library goes in (not only what
# main.c references) and is exported, so that modules loaded with dlopen()
# resolve every TDM_API symbol against the binary.
bin_PROGRAMS += tandemd
tandemd_SOURCES = core/main.c core/check.c core/check.h core/serve.c core/serve.h
# (libtool would move a plain .la after --no-whole-archive, so the archive
# it builds for the convenience library is named inside one -Wl option)
tandemd_DEPENDENCIES = core/libtandemcore.la
tandemd_LDFLAGS = -export-dynamic \
	-Wl,--whole-archive,core/.libs/libtandemcore.a,--no-whole-archive
tandeminclude_HEADERS += core/include/tandem/tandem.h
