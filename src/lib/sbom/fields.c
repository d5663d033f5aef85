/* fields.c - the small setters every SBOM reader shares (build.c for
 * customs' own facts, peers.c for other tools'): a string field, a path
 * made relative, a metadata string, a layer's field, a source rpm's name. */
#include <stdlib.h>
#include <string.h>

#include "sbom/sbom_int.h"

int customs__sbom_replace(char **dst, const char *v)
{
	char *c = customs_strdup(v);
	if (!c)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	free(*dst);
	*dst = c;
	return 1;
}

int customs__sbom_set_path(char **dst, const char *v)
{
	return customs__sbom_replace(dst, v + strspn(v, "/"));
}

int customs__sbom_meta(customs_package *p, const char *key, const char *v, int overwrite)
{
	json_t *j;
	if (!v)
		return 0;
	if (!p->metadata && !(p->metadata = json_object()))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	if (!overwrite && json_object_get(p->metadata, key))
		return 0;
	if (!(j = json_string(v)) || json_object_set_new(p->metadata, key, j) < 0)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	return 0;
}

int customs__sbom_set_layer_field(customs_analysis *a, size_t i, const char *field, const char *v)
{
	if (i >= SBOM_MAX_LAYERS)
		return 0;
	if (i >= a->nlayers) {
		customs_layer *l = realloc(a->layers, (i + 1) * sizeof(*l));
		if (!l)
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		memset(l + a->nlayers, 0, (i + 1 - a->nlayers) * sizeof(*l));
		for (size_t k = a->nlayers; k <= i; k++)
			l[k].complete = 1;
		a->layers = l;
		a->nlayers = i + 1;
	}
	customs_layer *l = &a->layers[i];
	char **dst = !strcmp(field, "digest")	      ? &l->digest
		     : !strcmp(field, "diff-id")     ? &l->diff_id
		     : !strcmp(field, "media-type")  ? &l->media_type
		     : !strcmp(field, "created-by")  ? &l->created_by
							: NULL;
	if (!strcmp(field, "size")) {
		l->size = strtoll(v, NULL, 10);
		return 1;
	}
	if (!dst)
		return 0;
	free(*dst);
	return (*dst = customs_strdup(v)) ? 1 : customs__error(CUSTOMS_ENOMEM, "out of memory");
}

/* the name is before the last two dashes */
char *customs__sbom_srpm_name(const char *srpm)
{
	char *name = customs_strdup(srpm), *at;
	if (!name || !customs_str_has_suffix(name, ".src.rpm"))
		return name;
	name[strlen(name) - 8] = '\0';
	for (int k = 0; k < 2; k++)
		if ((at = strrchr(name, '-')))
			*at = '\0';
	return name;
}
