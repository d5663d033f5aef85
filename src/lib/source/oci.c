/* oci.c - the OCI image layout, as a directory (oci:DIR[:TAG]) or inside a
 * tar (oci-archive:FILE[:TAG], and the docker save archives that carry one):
 * index.json and its tags, then manifest, config and layer blobs under
 * blobs/sha256.  OCI image-spec image-layout.md; FORMATS-images.md §1, §3. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "source/backends.h"
#include "source/manifest.h"
#include "util/util.h"

#define MAX_INDEX (4u << 20)
#define MAX_MANIFEST (4u << 20)
#define MAX_CONFIG (16u << 20)

/* ---- blob stores: the layout as a directory or inside a tar ---- */

typedef struct store {
	const char *root;        /* directory, or the archive file */
	const tar_index *ix;     /* archive members, NULL for a directory */
} store;

static int store_locate(const store *s, const char *name, char **file, uint64_t *off, uint64_t *len)
{
	if (s->ix) {
		const tar_member *m = source__tar_find(s->ix, name);
		if (!m)
			return customs__error(CUSTOMS_ENOTFOUND, "%s: no member %s in the archive", s->root, name);
		*file = customs_strdup(s->root);
		*off = m->offset;
		*len = m->size;
		return 0;
	}
	char *p = customs_asprintf("%s/%s", s->root, name);
	struct stat st;
	if (!p)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	int rc = stat(p, &st);
	if (rc < 0 || !S_ISREG(st.st_mode)) {
		int e = errno; /* st is only set when stat succeeded */
		int code = customs__error(CUSTOMS_ENOTFOUND, "%s: %s", p,
					  rc < 0 ? strerror(e) : S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file");
		free(p);
		return code;
	}
	*file = p;
	*off = 0;
	*len = (uint64_t)st.st_size;
	return 0;
}

static int blob_name(char *out, size_t n, const char *digest)
{
	if (!customs_digest_valid(digest))
		return customs__error(CUSTOMS_EFORMAT, "invalid or unsupported digest \"%s\" (expected sha256:<64 hex>)",
				      digest ? digest : "(none)");
	snprintf(out, n, "blobs/sha256/%s", digest + 7);
	return 0;
}

static int store_read_blob(const store *s, const char *digest, int64_t size, const char *what, size_t max,
			   char **out, size_t *len)
{
	char name[128], *file = NULL;
	uint64_t off, blen;
	int err;
	if ((err = blob_name(name, sizeof(name), digest)) < 0)
		return err;
	if ((err = store_locate(s, name, &file, &off, &blen)) < 0)
		return customs__error(err, "%s %s is missing from %s", what, digest, s->root);
	if (size >= 0 && (uint64_t)size != blen) {
		free(file);
		return customs__error(CUSTOMS_EDIGEST, "%s %s: descriptor says %lld bytes, blob has %llu", what, digest,
				      (long long)size, (unsigned long long)blen);
	}
	err = source__read_small(out, len, file, off, blen, digest, what, max);
	free(file);
	return err;
}

static int64_t desc_size(json_t *desc)
{
	json_t *sz = json_object_get(desc, "size");
	return json_is_integer(sz) ? json_integer_value(sz) : -1;
}

/* ---- manifests and indexes ---- */

/* manifest_fetch_fn over a store: the descriptor's media type says whether
 * it names an index; anything else is read as a manifest. */
static int oci_fetch(void *ud, const manifest_doc *from, json_t *desc, manifest_doc *out)
{
	const store *s = ud;
	const char *digest = json_string_value(json_object_get(desc, "digest"));
	const char *dmt = json_string_value(json_object_get(desc, "mediaType"));
	int index = manifest__is_index_type(dmt);
	const char *kind = index ? "image index" : "manifest";
	char *buf = NULL;
	size_t len;
	int err;

	memset(out, 0, sizeof(*out));
	out->depth = from->depth + 1;
	if (index && out->depth > MANIFEST_MAX_DEPTH)
		return customs__error(CUSTOMS_ELIMIT, "image indexes nested deeper than %d levels", MANIFEST_MAX_DEPTH);
	if ((err = store_read_blob(s, digest, desc_size(desc), kind, MAX_MANIFEST, &buf, &len)) < 0)
		return err;
	snprintf(out->what, sizeof(out->what), "%s %.80s", kind, digest);
	snprintf(out->digest, sizeof(out->digest), "%s", digest);
	if ((err = manifest__load_json(&out->j, buf, len, out->what)) < 0)
		goto done;
	const char *mt = index ? dmt : json_string_value(json_object_get(out->j, "mediaType"));
	if (!mt)
		mt = dmt ? dmt : MT_OCI_MANIFEST;
	if (!index && (manifest__is_index_type(mt) || json_object_get(out->j, "manifests"))) {
		err = customs__error(CUSTOMS_EFORMAT, "%s is an index where a manifest was expected", out->what);
		goto done;
	}
	if (!(out->mt = customs_strdup(mt)))
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
done:
	free(buf);
	if (err < 0)
		manifest__doc_release(out);
	return err;
}

/* The image a manifest describes: its config read and checked, its layers
 * located (a missing one is the pipeline's to report: the image is then
 * incomplete, not unreadable). */
static int oci_image(source_image *img, const store *s, const manifest_doc *man)
{
	json_t *cfg = json_object_get(man->j, "config");
	json_t *layers = json_object_get(man->j, "layers"), *l;
	size_t i;
	int err;

	if (!json_is_object(cfg) || !json_is_array(layers))
		return customs__error(CUSTOMS_EFORMAT, "%s lacks \"config\" or \"layers\"", man->what);
	const char *cmt = json_string_value(json_object_get(cfg, "mediaType"));
	if (cmt && !manifest__is_config_type(cmt))
		return customs__error(CUSTOMS_EUNSUPPORTED, "%s is an artifact (config type %s), not a container image",
				      man->what, cmt);
	const char *cdig = json_string_value(json_object_get(cfg, "digest"));
	if ((err = store_read_blob(s, cdig, desc_size(cfg), "config", MAX_CONFIG, &img->config_json, &img->config_len)) < 0)
		return err;
	img->manifest_digest = customs_strdup(man->digest);
	img->manifest_media_type = customs_strdup(man->mt);
	img->config_digest = customs_strdup(cdig);
	if (!(img->layers = calloc(json_array_size(layers) ? json_array_size(layers) : 1, sizeof(*img->layers))))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	json_array_foreach(layers, i, l) {
		source_layer *sl = &img->layers[img->nlayers++];
		const char *ld = json_string_value(json_object_get(l, "digest"));
		char name[128];
		sl->digest = customs_strdup(ld);
		sl->media_type = customs_strdup(json_string_value(json_object_get(l, "mediaType")));
		sl->size = desc_size(l);
		if ((err = blob_name(name, sizeof(name), ld)) < 0) {
			char why[512]; /* copied: customs__error writes where it would read */
			snprintf(why, sizeof(why), "%s", customs_error_last());
			return customs__error(err, "%s: layer %zu: %s", man->what, i, why);
		}
		sl->name = customs_strdup(ld);
		/* a size that lies is left to the pipeline, which reads what is
		 * there and reports the digest mismatch */
		if (store_locate(s, name, &sl->file, &sl->offset, &sl->length) < 0)
			sl->missing = 1;
	}
	return 0;
}

/* ---- index.json ---- */

static const char *desc_ref_name(json_t *desc)
{
	return json_string_value(json_object_get(json_object_get(desc, "annotations"), "org.opencontainers.image.ref.name"));
}

/* "v1, v2": the tags of index.json's entries, for messages. */
static void ref_names(char *out, size_t n, json_t *mans)
{
	size_t i;
	json_t *d;
	out[0] = '\0';
	json_array_foreach(mans, i, d) {
		const char *rn = desc_ref_name(d);
		size_t l = strlen(out);
		if (rn)
			snprintf(out + l, n - l, "%s%s", l ? ", " : "", rn);
	}
}

/* The entry of index.json to read: the one tagged tag; without a tag the
 * only image, else the one tagged latest, else the one for the platform. */
static int pick_entry(json_t **out, json_t *mans, const char *root, const char *tag, const manifest_platform *want)
{
	size_t i, nref = 0;
	json_t *d, *latest = NULL;
	char tags[512];

	*out = NULL;
	if (tag) {
		json_array_foreach(mans, i, d) {
			const char *rn = desc_ref_name(d);
			const char *cn = json_string_value(json_object_get(json_object_get(d, "annotations"), "io.containerd.image.name"));
			if ((rn && !strcmp(rn, tag)) || (cn && !strcmp(cn, tag))) {
				*out = d;
				return 0;
			}
		}
		ref_names(tags, sizeof(tags), mans);
		return customs__error(CUSTOMS_ENOTFOUND, "%s has no image tagged \"%s\" (tags: %s)", root, tag,
				      tags[0] ? tags : "none");
	}
	json_array_foreach(mans, i, d) {
		const char *rn = desc_ref_name(d);
		if (rn) {
			nref++;
			if (!strcmp(rn, "latest"))
				latest = d;
		}
	}
	if (latest) {
		*out = latest;
		return 0;
	}
	if (nref > 1) {
		ref_names(tags, sizeof(tags), mans);
		return customs__error(CUSTOMS_EUSAGE, "%s holds several images; choose one with oci:%s:TAG (tags: %s)", root,
				      root, tags);
	}
	return manifest__index_pick(out, mans, want, "index.json");
}

int source__oci_layout_open(source_image *img, const char *root, const tar_index *ix, const char *tag,
			    const manifest_platform *want)
{
	store s = {root, ix};
	char *buf = NULL, *file = NULL;
	size_t len;
	uint64_t off, blen;
	manifest_doc doc = {.what = "index.json"}, next;
	json_t *pick;
	int err;

	if ((err = store_locate(&s, "index.json", &file, &off, &blen)) < 0)
		return customs__error(err, "%s: not an OCI image layout (no index.json)", root);
	err = source__read_small(&buf, &len, file, off, blen, NULL, "index.json", MAX_INDEX);
	free(file);
	if (err < 0)
		return err;
	if ((err = manifest__load_json(&doc.j, buf, len, "index.json")) < 0)
		goto done;
	json_t *mans = json_object_get(doc.j, "manifests");
	if (!json_is_array(mans)) {
		err = customs__error(CUSTOMS_EFORMAT, "index.json has no \"manifests\" array");
		goto done;
	}
	if ((err = pick_entry(&pick, mans, root, tag, want)) < 0)
		goto done;
	if (desc_ref_name(pick))
		customs_strlist_add(&img->tags, desc_ref_name(pick));
	if ((err = oci_fetch(&s, &doc, pick, &next)) < 0)
		goto done;
	manifest__doc_release(&doc);
	doc = next;
	if ((err = manifest__follow(&doc, want, oci_fetch, &s)) < 0)
		goto done;
	err = oci_image(img, &s, &doc);
done:
	manifest__doc_release(&doc);
	free(buf);
	return err;
}

/* ---- the backends ---- */

int source__oci_in_archive(const tar_index *ix)
{
	return source__tar_find(ix, "index.json") && source__tar_find(ix, "oci-layout");
}

static int has_layout_file(const char *dir)
{
	char *ol = customs_asprintf("%s/oci-layout", dir);
	int yes = ol && customs_is_file(ol);
	free(ol);
	return yes;
}

int source__oci_dir_detect(const char *path, const struct stat *st)
{
	return st && S_ISDIR(st->st_mode) && has_layout_file(path);
}

int source__oci_dir_open(source_image *img, const char *rest, const customs_options *opts)
{
	manifest_platform want;
	char *path = NULL, *tag = NULL;
	int err;

	if ((err = manifest__platform_parse(&want, opts->platform)) < 0 ||
	    (err = source__split_tag(&path, &tag, rest, 1)) < 0)
		return err;
	if (!customs_is_dir(path)) {
		err = customs__error(CUSTOMS_ENOTFOUND, "image not found: %s is not a directory", path);
		goto done;
	}
	img->path = customs_strdup(path);
	if (!has_layout_file(path)) {
		err = customs__error(CUSTOMS_EFORMAT, "%s: not an OCI image layout (no oci-layout file)", path);
		goto done;
	}
	err = source__oci_layout_open(img, path, NULL, tag, &want);
done:
	free(path);
	free(tag);
	return err;
}

int source__oci_archive_detect(const char *path, const struct stat *st)
{
	char *file = NULL, *tag = NULL;
	tar_index ix = {0};
	int err;

	if (!st || S_ISDIR(st->st_mode))
		return 0;
	if ((err = source__split_tag(&file, &tag, path, 0)) < 0)
		return err;
	if (!customs_is_file(file)) {
		err = 0; /* docker-archive's open says what is wrong with it */
	} else if ((err = source__tar_index(&ix, file)) < 0) {
		char why[512]; /* copied: customs__error writes where it would read */
		snprintf(why, sizeof(why), "%s", customs_error_last());
		err = customs__error(err, "%s is not an image (not a directory, docker-archive or oci-archive): %s", file,
				     why);
	} else {
		/* docker save writes an OCI layout beside its manifest.json since
		 * Docker 25: such an archive is still a docker-archive */
		err = source__oci_in_archive(&ix) && !source__tar_find(&ix, "manifest.json");
	}
	source__tar_index_release(&ix);
	free(file);
	free(tag);
	return err;
}

int source__archive_open(source_image *img, const char *rest, const customs_options *opts, source_archive_fn other)
{
	manifest_platform want;
	tar_index ix;
	char *path = NULL, *tag = NULL;
	int err;

	if ((err = manifest__platform_parse(&want, opts->platform)) < 0)
		return err;
	if ((err = source__archive_index(&ix, &path, &tag, rest)) < 0)
		goto done;
	img->path = customs_strdup(path);
	/* the layout carries media types: where an archive holds one beside
	 * docker's manifest.json, the layout is read (FORMATS-images.md §3.2) */
	if (source__oci_in_archive(&ix))
		err = source__oci_layout_open(img, path, &ix, tag, &want);
	else if (other)
		err = other(img, &ix, path, tag);
	else
		err = customs__error(CUSTOMS_EFORMAT, "%s: not an OCI archive (no index.json and oci-layout)", path);
done:
	source__tar_index_release(&ix);
	free(path);
	free(tag);
	return err;
}

int source__oci_archive_open(source_image *img, const char *rest, const customs_options *opts)
{
	return source__archive_open(img, rest, opts, NULL);
}
