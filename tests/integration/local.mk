# tests/integration: end-to-end tests of tandemd as a SIP proxy, with SIPp
# UACs and UASes (and a dnsmasq, openssl s_client) on 127.0.0.1. Each t_*.sh
# starts what it needs in a temporary folder, on ports of its own, and prints
# PASS/FAIL per case and "N passed, N failed". They run from the top build
# folder and find ./tandemd there ($TANDEMD overrides it) and the sources
# through $srcdir, which the test driver exports. Without sipp they are
# skipped (77), unless TANDEM_REQUIRE_ALL is set. lib.sh has the helpers.
integration_tests = \
	%reldir%/t_basic.sh \
	%reldir%/t_cancel.sh \
	%reldir%/t_fork.sh \
	%reldir%/t_retrans.sh \
	%reldir%/t_errors.sh \
	%reldir%/t_dns.sh \
	%reldir%/t_load.sh \
	%reldir%/t_register.sh \
	%reldir%/t_nat.sh
TESTS += $(integration_tests)
EXTRA_DIST += $(integration_tests) %reldir%/lib.sh \
	%reldir%/routes/proxy.route.in \
	%reldir%/sipp/uac_call.xml \
	%reldir%/sipp/uac_cancel.xml \
	%reldir%/sipp/uac_maxfwd.xml \
	%reldir%/sipp/uac_options.xml \
	%reldir%/sipp/uas_busy.xml \
	%reldir%/sipp/uas_call.xml \
	%reldir%/sipp/uas_call_lossy.xml \
	%reldir%/sipp/uas_cancelled.xml \
	%reldir%/sipp/uas_unavailable.xml \
	%reldir%/sipp/reg_auth.xml \
	%reldir%/sipp/reg_badpw.xml \
	%reldir%/sipp/reg_423.xml \
	%reldir%/sipp/reg_stale.xml \
	%reldir%/sipp/reg_unreg.xml \
	%reldir%/sipp/reg_unreg_all.xml \
	%reldir%/sipp/uac_msg.xml \
	%reldir%/sipp/uac_msg_404.xml \
	%reldir%/sipp/uac_msg_480.xml \
	%reldir%/sipp/uas_message.xml \
	%reldir%/sipp/uas_ping.xml
