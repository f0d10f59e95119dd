# core/net UDP sockets and transport addresses (batched recvmmsg/sendmmsg).
core_libtandemcore_la_SOURCES += \
	%reldir%/addr.c \
	%reldir%/udp.c
noinst_HEADERS += %reldir%/udp_impl.h
tandeminclude_HEADERS += \
	core/include/tandem/addr.h \
	core/include/tandem/udp.h
