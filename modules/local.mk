# Modules: each modules/NAME/local.mk adds NAME.la to pkglib_LTLIBRARIES and
# links it with $(TDM_MODULE_LINK), so only the descriptor symbol
# (tdm_module_NAME) is exported. Include new module fragments here.
TDM_MODULE_LINK = -module -avoid-version -shared \
	-export-symbols-regex '^tdm_module_'
include $(srcdir)/modules/example/local.mk
include $(srcdir)/modules/db_sqlite/local.mk
include $(srcdir)/modules/db_postgres/local.mk
include $(srcdir)/modules/nat/local.mk
include $(srcdir)/modules/auth/local.mk
include $(srcdir)/modules/registrar/local.mk
include $(srcdir)/modules/http/local.mk
