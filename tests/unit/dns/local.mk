# tests/unit/dns: the RFC 3263 resolver against a real dnsmasq on
# 127.0.0.1 (dnsmasq.c starts it), plus the cache and SRV ordering alone.
tests_unit_unit_tests_SOURCES += \
	%reldir%/dnsmasq.c \
	%reldir%/dnsmasq.h \
	%reldir%/test_cache.c \
	%reldir%/test_srv_order.c \
	%reldir%/test_resolve.c
