/* shared.c - what the catalogers share: the state of an analyzer that
 * keeps only the copies of its files, and the parsers' warnings (formatted,
 * the callback that names the file they are about, and the rpmdb readers'
 * with a level and a byte offset). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "analyzers/analyzers.h"
#include "analyzers/rpmdb.h"
#include "core/copies.h"
#include "util/util.h"

int customs__copies_create(void **out, const customs_analyzer_type *type)
{
	copies *s = malloc(sizeof(*s));
	if (!s)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	copies__init(s);
	*out = s;
	return 0;
}

void customs__copies_destroy(void *state)
{
	copies__release(state);
	free(state);
}

void customs__parse_warnf(customs_parse_warn_fn warn, void *ud, size_t line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	if (!warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warn(ud, line, msg);
}

void customs__file_warn(void *ud, size_t line, const char *msg)
{
	customs_file_warn *w = ud;
	if (line)
		customs_analysis_warn(w->a, CUSTOMS_WARN, w->layer, w->path, "%s line %zu: %s", w->what, line, msg);
	else
		customs_analysis_warn(w->a, CUSTOMS_WARN, w->layer, w->path, "%s: %s", w->what, msg);
}

void customs__rpmdb_warnf(customs__rpmdb_warn_fn warn, void *ud, int level, uint64_t offset, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	if (!warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warn(ud, level, offset, msg);
}
