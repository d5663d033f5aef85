/* docker_archive.c - `docker save` archives (docker-archive:FILE[:TAG]):
 * manifest.json's entry for the tag, its config and layer members, found
 * through the archive's symlinks but never outside it.  An archive that
 * also holds an OCI layout is read as one.  FORMATS-images.md §3. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "source/backends.h"
#include "util/util.h"

#define MAX_MANIFEST (4u << 20)
#define MAX_CONFIG (16u << 20)

/* Does RepoTags entry s name tag: the whole name, or its tail after '/' or ':'? */
static int tag_matches(const char *s, const char *tag)
{
	size_t sl = s ? strlen(s) : 0, tl = strlen(tag);
	return s && (!strcmp(s, tag) || (sl > tl && s[sl - tl - 1] == '/' && !strcmp(s + sl - tl, tag)) ||
		     (sl > tl && s[sl - tl - 1] == ':' && !strcmp(s + sl - tl, tag)));
}

/* manifest.json's entry for tag (NULL: the first). */
static json_t *find_item(json_t *arr, const char *tag)
{
	size_t i, k;
	json_t *e, *t;
	json_array_foreach(arr, i, e) {
		if (!tag)
			return e;
		json_array_foreach(json_object_get(e, "RepoTags"), k, t)
			if (tag_matches(json_string_value(t), tag))
				return e;
	}
	return NULL;
}

static int docker_open(source_image *img, const tar_index *ix, const char *path, const char *tag)
{
	const tar_member *mm = source__tar_find(ix, "manifest.json");
	char *buf = NULL;
	size_t len, i;
	json_t *arr = NULL, *item, *e;
	json_error_t je;
	int err = 0;

	if (!mm)
		return customs__error(CUSTOMS_EFORMAT, "%s: not a docker archive (no manifest.json or index.json)", path);
	if ((err = source__read_small(&buf, &len, path, mm->offset, mm->size, NULL, "manifest.json", MAX_MANIFEST)) < 0)
		return err;
	if (!(arr = json_loadb(buf, len, 0, &je)) || !json_is_array(arr) || json_array_size(arr) == 0) {
		err = customs__error(CUSTOMS_EFORMAT, "%s: manifest.json is %s%s", path,
				     arr ? "not a non-empty JSON array" : "not valid JSON: ", arr ? "" : je.text);
		goto done;
	}
	if (!(item = find_item(arr, tag))) {
		err = customs__error(CUSTOMS_ENOTFOUND, "%s holds no image tagged \"%s\"", path, tag);
		goto done;
	}
	json_t *tags = json_object_get(item, "RepoTags"), *t;
	json_array_foreach(tags, i, t)
		if (json_is_string(t))
			customs_strlist_add(&img->tags, json_string_value(t));
	const char *cfgname = json_string_value(json_object_get(item, "Config"));
	json_t *layers = json_object_get(item, "Layers");
	if (!cfgname || !json_is_array(layers)) {
		err = customs__error(CUSTOMS_EFORMAT, "%s: manifest.json entry lacks Config or Layers", path);
		goto done;
	}
	const tar_member *cm = source__tar_find(ix, cfgname);
	if (!cm) {
		err = customs__error(CUSTOMS_ENOTFOUND, "%s: config %s named by manifest.json is not in the archive", path,
				     cfgname);
		goto done;
	}
	/* the config's file name is its digest in every writer we know */
	char cdig[96] = "", base[80];
	const char *slash = strrchr(cm->name, '/');
	snprintf(base, sizeof(base), "%s", slash ? slash + 1 : cm->name);
	char *dot = strstr(base, ".json");
	if (dot)
		*dot = '\0';
	snprintf(cdig, sizeof(cdig), "sha256:%s", base);
	int named = customs_digest_valid(cdig);
	if ((err = source__read_small(&img->config_json, &img->config_len, path, cm->offset, cm->size,
				      named ? cdig : NULL, "config", MAX_CONFIG)) < 0)
		goto done;
	if (!named)
		customs_sha256_digest(cdig, img->config_json, img->config_len);
	img->config_digest = customs_strdup(cdig);
	size_t n = json_array_size(layers);
	img->layers = calloc(n ? n : 1, sizeof(*img->layers));
	if (!img->layers) {
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		goto done;
	}
	json_array_foreach(layers, i, e) {
		source_layer *sl = &img->layers[img->nlayers++];
		const char *ln = json_string_value(e);
		sl->size = -1;
		sl->name = customs_strdup(ln ? ln : "(invalid)");
		const tar_member *lm = ln ? source__tar_find(ix, ln) : NULL;
		if (!lm) {
			sl->missing = 1;
			continue;
		}
		sl->file = customs_strdup(path);
		sl->offset = lm->offset;
		sl->length = lm->size;
		sl->size = (int64_t)lm->size;
	}
done:
	json_decref(arr);
	free(buf);
	return err;
}

int source__docker_archive_detect(const char *path, const struct stat *st)
{
	return st && !S_ISDIR(st->st_mode);
}

int source__docker_archive_open(source_image *img, const char *rest, const customs_options *opts)
{
	return source__archive_open(img, rest, opts, docker_open);
}
