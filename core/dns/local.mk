# core/dns: RFC 3263 next-hop resolution (NAPTR -> SRV -> A/AAAA) with
# c-ares on the worker loops and one process-wide TTL cache.
core_libtandemcore_la_SOURCES += \
	%reldir%/cache.c \
	%reldir%/parse.c \
	%reldir%/query.c \
	%reldir%/resolve.c \
	%reldir%/srv_order.c
noinst_HEADERS += \
	%reldir%/dns.h \
	%reldir%/dns_impl.h
