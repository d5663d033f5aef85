/* owners.c - which distro package installed a language package: the
 * analyzers' "installed_by" link (through the copies merge), the matcher's
 * "covered by" and the SBOM writers' installed-by share one file index.
 * Also what a deb was built with: its Built-Using field (Debian Policy
 * §7.8), which decides the Go stdlib embedded in its binaries. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/owners.h"
#include "model/model.h"
#include "util/util.h"

static int is_distro(const char *t)
{
	return t && (!strcmp(t, "deb") || !strcmp(t, "rpm") || !strcmp(t, "apk"));
}

static const char *meta(const customs_package *p, const char *key)
{
	return p->metadata ? json_string_value(json_object_get(p->metadata, key)) : NULL;
}

/* index + 1 as a map value, so that index 0 is not NULL */
#define IDX(i) ((void *)(uintptr_t)((i) + 1))
#define UNIDX(v) ((long)(uintptr_t)(v)-1)

static void free_index(void *p)
{
	customs_strmap_release(p);
	free(p);
}

/* Every file of a visible distro package -> the first such package (its
 * index in a->packages) that lists it.  Built once per analysis and kept
 * with it (each language analyzer's finish and every writer ask): the key
 * is the list of distro packages it was made from, which the analyzers that
 * run after the distro ones do not change.  An analysis that cannot keep
 * it (made by hand) leaves it in *owned, for the caller to free_index(). */
static int index_files(const customs_analysis *a, const customs_strmap **out, customs_strmap **owned)
{
	size_t key = 0x9e3779b9;
	for (size_t k = 0; k < a->npackages; k++) {
		const customs_package *q = a->packages[k];
		if (q->visible && is_distro(q->type))
			key = (key ^ (k + 1) ^ q->files.n) * 0x100000001b3ull;
	}
	if ((*out = customs__analysis_cache(a, key)))
		return 0;
	customs_strmap *files = calloc(1, sizeof(*files));
	if (!files)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	for (size_t k = 0; k < a->npackages; k++) {
		const customs_package *q = a->packages[k];
		if (!q->visible || !is_distro(q->type))
			continue;
		for (size_t f = 0; f < q->files.n; f++)
			if (!customs_strmap_get(files, q->files.v[f], NULL) &&
			    customs_strmap_put(files, q->files.v[f], IDX(k)) < 0) {
				free_index(files);
				return customs__error(CUSTOMS_ENOMEM, "out of memory");
			}
	}
	if (!customs__analysis_set_cache(a, files, free_index, key))
		*owned = files;
	*out = files;
	return 0;
}

/* The owner of an image path ("usr/lib/x" or "/usr/lib/x"), or -1. */
static long owner_of(const customs_strmap *files, const char *path)
{
	char buf[4096];
	if (!path || !*path || !files->n)
		return -1;
	snprintf(buf, sizeof(buf), "%s%s", path[0] == '/' ? "" : "/", path);
	void *v = customs_strmap_get(files, buf, NULL);
	return v ? UNIDX(v) : -1;
}

int customs__owners_link(const customs_analysis *a, customs_package **pkgs, size_t n)
{
	const customs_strmap *files = NULL;
	customs_strmap *owned = NULL;
	size_t nvis = 0;
	for (size_t i = 0; i < n; i++)
		nvis += pkgs[i]->visible != 0;
	int err = nvis ? index_files(a, &files, &owned) : 0;
	for (size_t i = 0; i < n && err == 0 && files && files->n; i++) {
		customs_package *p = pkgs[i];
		long k = p->visible ? owner_of(files, p->db_path) : -1;
		if (k < 0 || !a->packages[k]->name || meta(p, "installed_by"))
			continue;
		if ((!p->metadata && !(p->metadata = json_object())) ||
		    json_object_set_new(p->metadata, "installed_by", json_string(a->packages[k]->name)) < 0)
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	if (owned)
		free_index(owned);
	return err;
}

int customs_analysis_owners(const customs_analysis *a, long **out)
{
	customs_strmap names = {0}, linked = {0};
	const customs_strmap *files = NULL;
	customs_strmap *owned = NULL;
	int err = 0;
	long *own;

	*out = NULL;
	if (!a->npackages)
		return 0;
	if (!(own = malloc(a->npackages * sizeof(*own))))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	for (size_t i = 0; i < a->npackages; i++) {
		const customs_package *q = a->packages[i];
		own[i] = -1;
		/* the first visible distro package of a name owns the name */
		if (q->visible && is_distro(q->type) && q->name && !customs_strmap_get(&names, q->name, NULL) &&
		    customs_strmap_put(&names, q->name, IDX(i)) < 0)
			goto oom;
		/* analyzers that link owners themselves: for those, no
		 * installed_by means no owner */
		if (q->found_by && meta(q, "installed_by") && customs_strmap_put(&linked, q->found_by, IDX(0)) < 0)
			goto oom;
	}
	for (size_t i = 0; i < a->npackages; i++) {
		const customs_package *p = a->packages[i];
		const char *by = meta(p, "installed_by");
		if (is_distro(p->type))
			continue;
		if (by) {
			void *v = customs_strmap_get(&names, by, NULL);
			own[i] = v ? UNIDX(v) : -1;
			continue;
		}
		if (p->found_by && customs_strmap_get(&linked, p->found_by, NULL))
			continue;
		if (!files && index_files(a, &files, &owned) < 0)
			goto oom;
		own[i] = owner_of(files, p->db_path);
		if (own[i] < 0)
			own[i] = owner_of(files, meta(p, "location"));
	}
	goto done;
oom:
	err = customs__error(CUSTOMS_ENOMEM, "out of memory");
	free(own);
	own = NULL;
done:
	customs_strmap_release(&names);
	customs_strmap_release(&linked);
	if (owned)
		free_index(owned);
	*out = own;
	return err;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static const char *skip_blanks(const char *p, const char *e)
{
	while (p < e && is_blank(*p))
		p++;
	return p;
}

/* A word up to a blank, a parenthesis or (for a name) '='. */
static const char *word_end(const char *p, const char *e, int name)
{
	while (p < e && !is_blank(*p) && *p != '(' && *p != ')' && !(name && *p == '='))
		p++;
	return p;
}

/* One item between commas: "name (= version)", blanks around each part. */
static int relation(const char *s, const char *e, const char **name, size_t *nlen, const char **ver, size_t *vlen)
{
	const char *p = word_end(s, e, 1);
	*name = s;
	*nlen = (size_t)(p - s);
	p = skip_blanks(p, e);
	if (!*nlen || p == e || *p++ != '(')
		return 0;
	p = skip_blanks(p, e);
	if (p == e || *p++ != '=')
		return 0;
	*ver = p = skip_blanks(p, e);
	p = word_end(p, e, 0);
	*vlen = (size_t)(p - *ver);
	p = skip_blanks(p, e);
	if (!*vlen || p == e || *p++ != ')')
		return 0;
	return skip_blanks(p, e) == e;
}

int customs__built_using(const char *field, int (*cb)(void *ud, const char *name, size_t nlen, const char *version,
						      size_t vlen),
			 void *ud, size_t *malformed)
{
	size_t bad = 0;
	int rc = 0;

	for (const char *s = field; s && *s && !rc;) {
		const char *e = strchr(s, ','), *name, *ver;
		size_t nlen, vlen;
		if (!e)
			e = s + strlen(s);
		s = skip_blanks(s, e);
		if (s < e) {
			if (relation(s, e, &name, &nlen, &ver, &vlen))
				rc = cb(ud, name, nlen, ver, vlen);
			else
				bad++;
		}
		s = *e ? e + 1 : e;
	}
	if (malformed)
		*malformed = bad;
	return rc;
}
