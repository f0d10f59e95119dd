# core/sip: framing, parser, URIs, headers, SDP, edit list and serialiser.
core_libtandemcore_la_SOURCES += \
	%reldir%/frame.c \
	%reldir%/hdr.c \
	%reldir%/method.c \
	%reldir%/parse.c \
	%reldir%/parse_via.c \
	%reldir%/parse_cseq.c \
	%reldir%/parse_addr.c \
	%reldir%/param.c \
	%reldir%/msg.c \
	%reldir%/validate.c \
	%reldir%/uri.c \
	%reldir%/parse_auth.c \
	%reldir%/digest.c \
	%reldir%/sdp.c \
	%reldir%/edit.c \
	%reldir%/build.c \
	%reldir%/reply.c \
	%reldir%/reason.c
noinst_HEADERS += %reldir%/sip_impl.h %reldir%/edit_impl.h
EXTRA_DIST += %reldir%/reason.def
tandeminclude_HEADERS += \
	core/include/tandem/sip.h \
	core/include/tandem/sip_hdr.def \
	core/include/tandem/uri.h \
	core/include/tandem/sdp.h \
	core/include/tandem/frame.h \
	core/include/tandem/digest.h
