/* owners.c - which distro package installed a language package: the
 * matcher's "covered by" and the SBOM writers' installed-by share it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "customs/analysis.h"
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

int customs_analysis_owners(const customs_analysis *a, long **out)
{
	customs_strmap names = {0}, linked = {0}, files = {0};
	int files_built = 0, err = 0;
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
		if (!files_built) {
			files_built = 1;
			for (size_t k = 0; k < a->npackages; k++) {
				const customs_package *q = a->packages[k];
				if (!q->visible || !is_distro(q->type))
					continue;
				for (size_t f = 0; f < q->files.n; f++)
					if (customs_strmap_put(&files, q->files.v[f], IDX(k)) < 0)
						goto oom;
			}
		}
		if (!files.n)
			continue;
		const char *paths[2] = {p->db_path, meta(p, "location")};
		for (int k = 0; k < 2 && own[i] < 0; k++) {
			char buf[4096];
			if (!paths[k] || !*paths[k])
				continue;
			snprintf(buf, sizeof(buf), "%s%s", paths[k][0] == '/' ? "" : "/", paths[k]);
			void *v = customs_strmap_get(&files, buf, NULL);
			if (v)
				own[i] = UNIDX(v);
		}
	}
	goto done;
oom:
	err = customs__error(CUSTOMS_ENOMEM, "out of memory");
	free(own);
	own = NULL;
done:
	customs_strmap_release(&names);
	customs_strmap_release(&linked);
	customs_strmap_release(&files);
	*out = own;
	return err;
}
