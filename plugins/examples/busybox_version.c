/* busybox_version.c - an example analyzer plugin in C, loaded with
 * `customs --plugin busybox_version.so` (docs/plugins.md "C plugins"):
 * the version of a busybox binary by the "BusyBox vX.Y.Z" string in it,
 * as a package of type binary.  Built against include/customs/sys/analyzer.h
 * only; the customs_* functions come from the program that loads it.
 *
 *   cc -shared -fPIC -I include $(pkg-config --cflags jansson) \
 *      -o busybox_version.so plugins/examples/busybox_version.c
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "customs/errors.h"
#include "customs/sys/analyzer.h"

#define MAX_BUSYBOX (8u << 20)
#define MAX_FOUND 64

typedef struct found {
	char path[512];
	int layer;
	char version[32];
} found;

typedef struct state {
	found v[MAX_FOUND];
	size_t n;
} state;

static const char *const basenames[] = {"busybox", NULL};

static int create(void **out, const customs_analyzer_type *type)
{
	(void)type;
	*out = calloc(1, sizeof(state));
	return *out ? 0 : CUSTOMS_ENOMEM;
}

static void destroy(void *s)
{
	free(s);
}

/* "BusyBox v1.36.1 (...)": the version after the first "BusyBox v". */
static int version_of(const unsigned char *data, size_t len, char *out, size_t cap)
{
	static const char tag[] = "BusyBox v";
	const unsigned char *p = memmem(data, len, tag, sizeof(tag) - 1);
	size_t n = 0;
	if (!p)
		return 0;
	p += sizeof(tag) - 1;
	while (p + n < data + len && n + 1 < cap && ((p[n] >= '0' && p[n] <= '9') || p[n] == '.'))
		n++;
	if (!n || p[0] == '.')
		return 0;
	memcpy(out, p, n);
	out[n] = '\0';
	return 1;
}

/* Called with the engine's lock for this analyzer held (no THREADSAFE flag). */
static int file(void *self, const customs_afile *f, const unsigned char *data, size_t len)
{
	state *s = self;
	found *x = &s->v[s->n];
	if (s->n == MAX_FOUND || strlen(f->path) >= sizeof(x->path) || !version_of(data, len, x->version, sizeof(x->version)))
		return 0;
	snprintf(x->path, sizeof(x->path), "%s", f->path);
	x->layer = f->layer;
	s->n++;
	return 0;
}

static int finish(void *self, customs_analysis *a)
{
	state *s = self;
	for (size_t i = 0; i < s->n; i++) {
		const customs_file *vis = customs_analysis_lookup(a, s->v[i].path, 0);
		if (!vis || vis->layer != s->v[i].layer)
			continue; /* a copy a later layer replaced or deleted */
		customs_package *p = customs_package_new();
		char purl[128];
		if (!p)
			return CUSTOMS_ENOMEM;
		snprintf(purl, sizeof(purl), "pkg:generic/busybox@%s", s->v[i].version);
		p->name = strdup("busybox");
		p->version = strdup(s->v[i].version);
		p->type = strdup("binary");
		p->purl = strdup(purl);
		p->found_by = strdup("busybox-version");
		p->db_path = strdup(s->v[i].path);
		p->layer = s->v[i].layer;
		p->visible = 1;
		p->removed_in_layer = -1;
		if (!p->name || !p->version || !p->type || !p->purl || !p->found_by || !p->db_path ||
		    customs_analysis_add_package(a, p) < 0) {
			customs_package_free(p);
			return CUSTOMS_ENOMEM;
		}
	}
	return 0;
}

static const customs_analyzer_type busybox_version = {
	.version = CUSTOMS_ANALYZER_VERSION,
	.name = "busybox-version",
	.description = "busybox binaries, by the version string in them (example C plugin)",
	.analyzer_version = "1.0",
	.basenames = basenames,
	.create = create,
	.destroy = destroy,
	.max_size = MAX_BUSYBOX,
	.file = file,
	.finish = finish,
};

static const customs_analyzer_type *const tables[] = {&busybox_version, NULL};

CUSTOMS_EXTERN const customs_analyzer_type *const *customs_analyzers(void)
{
	return tables;
}
