/* shared.c - what the catalogers share: the state of an analyzer that
 * keeps only the copies of its files, the locked state of one that keeps
 * more, whether --analyzers names one, the stream contexts, the parsers'
 * warnings (formatted, the callback that names the file they are about,
 * and the rpmdb readers' with a level and a byte offset), and the names of
 * OS packages. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/analyzers.h"
#include "analyzers/rpmdb.h"
#include "customs/purl.h"
#include "util/util.h"

int customs__copies_create(void **out, const customs_analyzer_type *type)
{
	copies *s = malloc(CUSTOMS_COPIES_KINDS * sizeof(*s));
	if (!s)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	for (int i = 0; i < CUSTOMS_COPIES_KINDS; i++)
		copies__init(&s[i]);
	*out = s;
	return 0;
}

void customs__copies_destroy(void *state)
{
	copies *s = state;
	for (int i = 0; i < CUSTOMS_COPIES_KINDS; i++)
		copies__release(&s[i]);
	free(s);
}

int customs__copies_take(copies *s, const char *path, int layer, int rc, customs_package **pkgs, size_t n)
{
	if (rc == CUSTOMS_EFORMAT)
		return 0;
	if (rc < 0)
		return rc;
	rc = copies__add(s, path, layer, pkgs, n);
	free(pkgs);
	return rc;
}

int customs__analyzer_named(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; p && *p;) {
		const char *c = strchr(p, ',');
		size_t l = c ? (size_t)(c - p) : strlen(p);
		if (l == n && !strncmp(p, name, n))
			return 1;
		p += l + (c ? 1 : 0);
	}
	return 0;
}

int customs__locked_state_new(void **out, size_t size, size_t mu)
{
	char *s = calloc(1, size);
	if (!s)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	pthread_mutex_init((pthread_mutex_t *)(s + mu), NULL);
	*out = s;
	return 0;
}

void *customs__stream_ctx_new(size_t size, const customs_afile *f, const char *what)
{
	size_t pl = strlen(f->path);
	char *ctx = calloc(1, size + pl + 1);
	if (!ctx)
		return NULL;
	memcpy(ctx + size, f->path, pl + 1);
	*(customs_file_warn *)ctx = customs__file_warn_for(f, what, 0);
	((customs_file_warn *)ctx)->path = ctx + size;
	return ctx;
}

/* ---- warnings ---- */

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
	const char *what = w->what ? w->what : "", *sp = w->what ? " " : "";
	if (w->max && w->n++ >= w->max) {
		/* a hostile file could hold millions of bad lines */
		if (w->n == w->max + 1)
			customs_analysis_warn(w->a, CUSTOMS_WARN, w->layer, w->path,
					      "%s%sline %zu: more than %u problems: the rest are not reported", what, sp, line,
					      w->max);
		return;
	}
	if (line)
		customs_analysis_warn(w->a, CUSTOMS_WARN, w->layer, w->path, "%s%sline %zu: %s", what, sp, line, msg);
	else
		customs_analysis_warn(w->a, CUSTOMS_WARN, w->layer, w->path, "%s%s%s", what, w->what ? ": " : "", msg);
}

void customs__keep_first_warning(void *ud, size_t line, const char *msg)
{
	customs_first_warning *w = ud;
	if (!w->set) {
		snprintf(w->msg, sizeof(w->msg), "line %zu: %s", line, msg);
		w->set = 1;
	}
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

/* ---- identifiers ---- */

int customs__os_package_ids(customs_package *p, const customs_distro *d, const char *type, const char *ns)
{
	char *distro = d->id && d->version_id ? customs_asprintf("%s-%s", d->id, d->version_id) : NULL;
	const char *upstream = p->source_name && strcmp(p->source_name, p->name) ? p->source_name : NULL;
	const char *q[] = {"arch", p->arch, "distro", distro, "upstream", upstream, NULL, NULL};
	free(p->purl);
	/* NULL when a component breaks the purl rules: no purl, not fatal */
	p->purl = customs_purl_make(type, d->id ? d->id : ns, p->name, p->version, q, NULL);
	free(distro);
	char *cpe = customs_cpe23(p->name, p->name, p->version);
	int bad = !cpe || customs_strlist_add(&p->cpes, cpe) < 0;
	free(cpe);
	return bad ? customs__error(CUSTOMS_ENOMEM, "out of memory") : 0;
}
