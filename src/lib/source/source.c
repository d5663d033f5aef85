/* source.c - resolve an image reference to manifest, config and layer
 * locators: OCI image layouts (directory or tar), docker-archive
 * (`docker save`), and plain root filesystem directories.
 * Formats: OCI image-spec image-layout.md, image-index.md, manifest.md;
 * docker save variants per FORMATS-images.md §3. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "source/source.h"
#include "util/util.h"

#define MAX_INDEX (4u << 20)
#define MAX_MANIFEST (4u << 20)
#define MAX_CONFIG (16u << 20)
#define MAX_INDEX_DEPTH 4

/* media types: source.h */

/* ---- file-backed blob reader ---- */

typedef struct file_reader {
	customs_blob_reader base;
	int fd;
	uint64_t off, end;
	char *path;
} file_reader;

static ssize_t file_read(customs_blob_reader *r, void *buf, size_t len)
{
	file_reader *f = (file_reader *)r;
	if (f->off >= f->end)
		return 0;
	if (len > f->end - f->off)
		len = (size_t)(f->end - f->off);
	for (;;) {
		ssize_t n = pread(f->fd, buf, len, (off_t)f->off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return customs__error(CUSTOMS_EIO, "%s: %s", f->path, strerror(errno));
		if (n == 0)
			return customs__error(CUSTOMS_EFORMAT, "%s: file ends %llu bytes early", f->path,
					      (unsigned long long)(f->end - f->off));
		f->off += (uint64_t)n;
		return n;
	}
}

static void file_close(customs_blob_reader *r)
{
	file_reader *f = (file_reader *)r;
	close(f->fd);
	free(f->path);
	free(f);
}

int source__file_reader(customs_blob_reader **out, const char *path, uint64_t offset, uint64_t length)
{
	file_reader *f = calloc(1, sizeof(*f));
	if (!f)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0) {
		int e = errno;
		free(f);
		return customs__error(e == ENOENT ? CUSTOMS_ENOTFOUND : CUSTOMS_EIO, "%s: %s", path, strerror(e));
	}
	posix_fadvise(f->fd, (off_t)offset, (off_t)length, POSIX_FADV_SEQUENTIAL);
	f->base.read = file_read;
	f->base.close = file_close;
	f->off = offset;
	f->end = offset + length;
	f->path = customs_strdup(path);
	*out = &f->base;
	return 0;
}

int source__open_layer(source_image *img, const source_layer *l, customs_blob_reader **out)
{
	if (img->open_layer)
		return img->open_layer(img, l, out);
	if (l->missing || !l->file)
		return customs__error(CUSTOMS_ENOTFOUND, "blob %s is not in the image", l->digest ? l->digest : l->name);
	return source__file_reader(out, l->file, l->offset, l->length);
}

int source__read_small(char **out, size_t *len, const char *file, uint64_t offset, uint64_t length,
		       const char *digest, const char *what, size_t max)
{
	customs_blob_reader *r;
	char *buf;
	size_t got = 0;
	int err;

	*out = NULL;
	if (length > max)
		return customs__error(CUSTOMS_ELIMIT, "%s %s is %llu bytes, over the limit of %zu", what,
				      digest ? digest : file, (unsigned long long)length, max);
	if ((err = source__file_reader(&r, file, offset, length)) < 0)
		return err;
	if (!(buf = malloc(length + 1))) {
		r->close(r);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	while (got < length) {
		ssize_t n = r->read(r, buf + got, length - got);
		if (n <= 0) {
			r->close(r);
			free(buf);
			return n < 0 ? (int)n : customs__error(CUSTOMS_EFORMAT, "%s: short read", file);
		}
		got += (size_t)n;
	}
	r->close(r);
	buf[got] = '\0';
	if (digest) {
		unsigned char md[32];
		char hex[65];
		unsigned int mdlen;
		EVP_Digest(buf, got, md, &mdlen, EVP_sha256(), NULL);
		customs_hex(hex, md, 32);
		if (strcmp(hex, digest + 7) != 0) {
			free(buf);
			return customs__error(CUSTOMS_EDIGEST, "%s %s: digest mismatch: content hashes to sha256:%s",
					      what, digest, hex);
		}
	}
	*out = buf;
	if (len)
		*len = got;
	return 0;
}

/* ---- blob stores: an OCI layout as a directory or inside a tar ---- */

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

/* ---- platform ---- */

typedef struct platform {
	char os[32], arch[32], variant[32];
} platform;

static void norm_arch(platform *p)
{
	if (!strcmp(p->arch, "x86_64") || !strcmp(p->arch, "x86-64"))
		strcpy(p->arch, "amd64");
	else if (!strcmp(p->arch, "aarch64"))
		strcpy(p->arch, "arm64");
	else if (!strcmp(p->arch, "i386"))
		strcpy(p->arch, "386");
	else if (!strcmp(p->arch, "armhf"))
		strcpy(p->arch, "arm"), strcpy(p->variant, "v7");
	else if (!strcmp(p->arch, "armel"))
		strcpy(p->arch, "arm"), strcpy(p->variant, "v6");
	if (!strcmp(p->arch, "amd64") && !strcmp(p->variant, "v1"))
		p->variant[0] = '\0';
	if (!strcmp(p->arch, "arm64") && (!strcmp(p->variant, "v8") || !strcmp(p->variant, "8")))
		p->variant[0] = '\0';
	if (!strcmp(p->arch, "arm") && !p->variant[0])
		strcpy(p->variant, "v7");
}

static int parse_platform(platform *p, const char *s)
{
	memset(p, 0, sizeof(*p));
	if (!s || !*s)
		s = "linux/amd64";
	if (sscanf(s, "%31[^/]/%31[^/]/%31s", p->os, p->arch, p->variant) < 2)
		return customs__error(CUSTOMS_EUSAGE, "bad platform \"%s\": use OS/ARCH[/VARIANT], e.g. linux/arm64", s);
	norm_arch(p);
	return 0;
}

static int platform_match(const platform *want, json_t *plat)
{
	platform got;
	memset(&got, 0, sizeof(got));
	const char *os = json_string_value(json_object_get(plat, "os"));
	const char *arch = json_string_value(json_object_get(plat, "architecture"));
	const char *var = json_string_value(json_object_get(plat, "variant"));
	if (!os || !arch)
		return 0;
	snprintf(got.os, sizeof(got.os), "%s", os);
	snprintf(got.arch, sizeof(got.arch), "%s", arch);
	snprintf(got.variant, sizeof(got.variant), "%s", var ? var : "");
	norm_arch(&got);
	return !strcmp(got.os, want->os) && !strcmp(got.arch, want->arch) &&
	       (!want->variant[0] || !strcmp(got.variant, want->variant));
}

/* ---- OCI layout ---- */

static int is_index_type(const char *mt)
{
	return mt && (!strcmp(mt, MT_OCI_INDEX) || !strcmp(mt, MT_DOCKER_LIST));
}

static int is_manifest_type(const char *mt)
{
	return mt && (!strcmp(mt, MT_OCI_MANIFEST) || !strcmp(mt, MT_DOCKER_MANIFEST));
}

static int is_attestation(json_t *desc)
{
	json_t *ann = json_object_get(desc, "annotations");
	const char *t = json_string_value(json_object_get(ann, "vnd.docker.reference.type"));
	json_t *plat = json_object_get(desc, "platform");
	const char *arch = json_string_value(json_object_get(plat, "architecture"));
	return t != NULL || (arch && !strcmp(arch, "unknown"));
}

static const char *desc_ref_name(json_t *desc)
{
	return json_string_value(json_object_get(json_object_get(desc, "annotations"), "org.opencontainers.image.ref.name"));
}

static int load_json(json_t **out, const char *buf, size_t len, const char *what)
{
	json_error_t je;
	*out = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!*out)
		return customs__error(CUSTOMS_EFORMAT, "%s is not valid JSON: %s at line %d column %d", what, je.text,
				      je.line, je.column);
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return customs__error(CUSTOMS_EFORMAT, "%s is not a JSON object", what);
	}
	return 0;
}

static int oci_from_manifest(source_image *img, const store *s, json_t *desc, const char *mt_hint);

/* Choose a manifest descriptor among index entries: by platform when
 * entries carry one, else the only runnable one. */
static int pick_from_index(json_t **out, json_t *manifests, const platform *want, const char *where)
{
	size_t i, nrun = 0;
	json_t *d, *only = NULL, *first_noplat = NULL;
	char seen[512] = "";

	*out = NULL;
	json_array_foreach(manifests, i, d) {
		if (!json_is_object(d) || is_attestation(d))
			continue;
		const char *mt = json_string_value(json_object_get(d, "mediaType"));
		if (mt && !is_index_type(mt) && !is_manifest_type(mt))
			continue; /* unknown entry types are skipped, not errors */
		nrun++;
		only = d;
		json_t *plat = json_object_get(d, "platform");
		if (!plat) {
			if (!first_noplat)
				first_noplat = d;
			continue;
		}
		if (platform_match(want, plat)) {
			*out = d;
			return 0;
		}
		const char *os = json_string_value(json_object_get(plat, "os"));
		const char *ar = json_string_value(json_object_get(plat, "architecture"));
		const char *va = json_string_value(json_object_get(plat, "variant"));
		size_t l = strlen(seen);
		snprintf(seen + l, sizeof(seen) - l, "%s%s/%s%s%s", l ? ", " : "", os ? os : "?", ar ? ar : "?",
			 va ? "/" : "", va ? va : "");
	}
	if (first_noplat && nrun == 1) {
		*out = first_noplat;
		return 0;
	}
	if (nrun == 1 && !seen[0]) {
		*out = only;
		return 0;
	}
	if (seen[0])
		return customs__error(CUSTOMS_ENOTFOUND, "%s has no image for platform %s/%s%s%s (it has: %s); use --platform",
				      where, want->os, want->arch, want->variant[0] ? "/" : "", want->variant, seen);
	if (nrun == 0)
		return customs__error(CUSTOMS_ENOTFOUND, "%s lists no runnable image", where);
	*out = first_noplat;
	return 0;
}

int source__index_pick(json_t **out, json_t *manifests, const char *platform_s, const char *where)
{
	platform want;
	int err;
	*out = NULL;
	if ((err = parse_platform(&want, platform_s)) < 0)
		return err;
	return pick_from_index(out, manifests, &want, where);
}

static int oci_from_index_desc(source_image *img, const store *s, json_t *desc, const platform *want, int depth)
{
	const char *digest = json_string_value(json_object_get(desc, "digest"));
	json_t *sz = json_object_get(desc, "size");
	char *buf = NULL;
	size_t len;
	json_t *idx = NULL, *pick;
	int err;

	if (depth > MAX_INDEX_DEPTH)
		return customs__error(CUSTOMS_ELIMIT, "image indexes nested deeper than %d levels", MAX_INDEX_DEPTH);
	if ((err = store_read_blob(s, digest, json_is_integer(sz) ? json_integer_value(sz) : -1, "image index",
				   MAX_MANIFEST, &buf, &len)) < 0)
		return err;
	char what[128];
	snprintf(what, sizeof(what), "image index %.80s", digest);
	if ((err = load_json(&idx, buf, len, what)) < 0)
		goto done;
	json_t *mans = json_object_get(idx, "manifests");
	if (!json_is_array(mans)) {
		err = customs__error(CUSTOMS_EFORMAT, "%s has no \"manifests\" array", what);
		goto done;
	}
	if ((err = pick_from_index(&pick, mans, want, what)) < 0)
		goto done;
	const char *mt = json_string_value(json_object_get(pick, "mediaType"));
	if (is_index_type(mt))
		err = oci_from_index_desc(img, s, pick, want, depth + 1);
	else
		err = oci_from_manifest(img, s, pick, NULL);
done:
	json_decref(idx);
	free(buf);
	return err;
}

static int oci_from_manifest(source_image *img, const store *s, json_t *desc, const char *mt_hint)
{
	const char *digest = json_string_value(json_object_get(desc, "digest"));
	json_t *sz = json_object_get(desc, "size");
	const char *dmt = json_string_value(json_object_get(desc, "mediaType"));
	char *buf = NULL, what[128];
	size_t len;
	json_t *man = NULL;
	int err;

	if ((err = store_read_blob(s, digest, json_is_integer(sz) ? json_integer_value(sz) : -1, "manifest",
				   MAX_MANIFEST, &buf, &len)) < 0)
		return err;
	snprintf(what, sizeof(what), "manifest %.80s", digest);
	if ((err = load_json(&man, buf, len, what)) < 0)
		goto done;
	const char *mt = json_string_value(json_object_get(man, "mediaType"));
	if (!mt)
		mt = dmt ? dmt : mt_hint ? mt_hint : MT_OCI_MANIFEST;
	if (is_index_type(mt) || json_object_get(man, "manifests")) {
		err = customs__error(CUSTOMS_EFORMAT, "%s is an index where a manifest was expected", what);
		goto done;
	}
	json_t *cfg = json_object_get(man, "config");
	json_t *layers = json_object_get(man, "layers");
	if (!json_is_object(cfg) || !json_is_array(layers)) {
		err = customs__error(CUSTOMS_EFORMAT, "%s lacks \"config\" or \"layers\"", what);
		goto done;
	}
	const char *cmt = json_string_value(json_object_get(cfg, "mediaType"));
	if (cmt && strcmp(cmt, MT_OCI_CONFIG) && strcmp(cmt, MT_DOCKER_CONFIG)) {
		err = customs__error(CUSTOMS_EUNSUPPORTED, "%s is an artifact (config type %s), not a container image",
				     what, cmt);
		goto done;
	}
	const char *cdig = json_string_value(json_object_get(cfg, "digest"));
	json_t *csz = json_object_get(cfg, "size");
	if ((err = store_read_blob(s, cdig, json_is_integer(csz) ? json_integer_value(csz) : -1, "config",
				   MAX_CONFIG, &img->config_json, &img->config_len)) < 0)
		goto done;
	img->manifest_digest = customs_strdup(digest);
	img->manifest_media_type = customs_strdup(mt);
	img->config_digest = customs_strdup(cdig);

	size_t n = json_array_size(layers), i;
	json_t *l;
	img->layers = calloc(n ? n : 1, sizeof(*img->layers));
	if (!img->layers) {
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		goto done;
	}
	json_array_foreach(layers, i, l) {
		source_layer *sl = &img->layers[img->nlayers++];
		const char *ld = json_string_value(json_object_get(l, "digest"));
		json_t *lsz = json_object_get(l, "size");
		char name[128];
		sl->digest = customs_strdup(ld);
		sl->media_type = customs_strdup(json_string_value(json_object_get(l, "mediaType")));
		sl->size = json_is_integer(lsz) ? json_integer_value(lsz) : -1;
		if ((err = blob_name(name, sizeof(name), ld)) < 0) {
			char why[512]; /* copied: customs__error writes where it would read */
			snprintf(why, sizeof(why), "%s", customs_error_last());
			err = customs__error(err, "%s: layer %zu: %s", what, i, why);
			goto done;
		}
		sl->name = customs_strdup(ld);
		if (store_locate(s, name, &sl->file, &sl->offset, &sl->length) < 0) {
			sl->missing = 1; /* reported by the pipeline, which marks the image incomplete */
			continue;
		}
		if (sl->size >= 0 && (uint64_t)sl->size != sl->length) {
			/* a size lie is a digest failure waiting to happen: let the
			 * pipeline read what is there and report the mismatch */
		}
	}
done:
	json_decref(man);
	free(buf);
	return err;
}

static int oci_open(source_image *img, const store *s, const char *tag, const platform *want)
{
	char *buf = NULL, *file = NULL;
	size_t len;
	uint64_t off, blen;
	json_t *index = NULL, *pick = NULL, *d;
	size_t i;
	int err;

	if ((err = store_locate(s, "index.json", &file, &off, &blen)) < 0)
		return customs__error(err, "%s: not an OCI image layout (no index.json)", s->root);
	err = source__read_small(&buf, &len, file, off, blen, NULL, "index.json", MAX_INDEX);
	free(file);
	if (err < 0)
		return err;
	if ((err = load_json(&index, buf, len, "index.json")) < 0)
		goto done;
	json_t *mans = json_object_get(index, "manifests");
	if (!json_is_array(mans)) {
		err = customs__error(CUSTOMS_EFORMAT, "index.json has no \"manifests\" array");
		goto done;
	}
	if (tag) {
		json_array_foreach(mans, i, d) {
			const char *rn = desc_ref_name(d);
			const char *cn = json_string_value(json_object_get(json_object_get(d, "annotations"), "io.containerd.image.name"));
			if ((rn && !strcmp(rn, tag)) || (cn && !strcmp(cn, tag))) {
				pick = d;
				break;
			}
		}
		if (!pick) {
			char tags[512] = "";
			json_array_foreach(mans, i, d) {
				const char *rn = desc_ref_name(d);
				size_t l = strlen(tags);
				if (rn)
					snprintf(tags + l, sizeof(tags) - l, "%s%s", l ? ", " : "", rn);
			}
			err = customs__error(CUSTOMS_ENOTFOUND, "%s has no image tagged \"%s\" (tags: %s)", s->root, tag,
					     tags[0] ? tags : "none");
			goto done;
		}
	} else {
		/* no tag: the only image, else the one tagged latest, else by platform */
		size_t nref = 0;
		json_t *latest = NULL;
		json_array_foreach(mans, i, d) {
			const char *rn = desc_ref_name(d);
			if (rn) {
				nref++;
				if (!strcmp(rn, "latest"))
					latest = d;
			}
		}
		if (latest)
			pick = latest;
		else if (nref > 1) {
			char tags[512] = "";
			json_array_foreach(mans, i, d) {
				const char *rn = desc_ref_name(d);
				size_t l = strlen(tags);
				if (rn)
					snprintf(tags + l, sizeof(tags) - l, "%s%s", l ? ", " : "", rn);
			}
			err = customs__error(CUSTOMS_EUSAGE, "%s holds several images; choose one with oci:%s:TAG (tags: %s)",
					     s->root, s->root, tags);
			goto done;
		} else if ((err = pick_from_index(&pick, mans, want, "index.json")) < 0)
			goto done;
	}
	const char *rn = desc_ref_name(pick);
	if (rn)
		customs_strlist_add(&img->tags, rn);
	const char *mt = json_string_value(json_object_get(pick, "mediaType"));
	if (is_index_type(mt))
		err = oci_from_index_desc(img, s, pick, want, 1);
	else
		err = oci_from_manifest(img, s, pick, NULL);
done:
	json_decref(index);
	free(buf);
	return err;
}

/* ---- docker-archive (manifest.json) ---- */

static int docker_open(source_image *img, const tar_index *ix, const char *path, const char *tag)
{
	const tar_member *mm = source__tar_find(ix, "manifest.json");
	char *buf = NULL;
	size_t len, i;
	json_t *arr = NULL, *item = NULL, *e;
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
	json_array_foreach(arr, i, e) {
		json_t *tags = json_object_get(e, "RepoTags"), *t;
		size_t k;
		if (!tag) {
			item = e;
			break;
		}
		json_array_foreach(tags, k, t) {
			const char *s = json_string_value(t);
			size_t sl = s ? strlen(s) : 0, tl = strlen(tag);
			if (s && (!strcmp(s, tag) || (sl > tl && s[sl - tl - 1] == '/' && !strcmp(s + sl - tl, tag)) ||
				  (sl > tl && s[sl - tl - 1] == ':' && !strcmp(s + sl - tl, tag)))) {
				item = e;
				break;
			}
		}
		if (item)
			break;
	}
	if (!item) {
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
	if (named)
		img->config_digest = customs_strdup(cdig);
	else {
		unsigned char md[32];
		char hex[65];
		unsigned int mdlen;
		EVP_Digest(img->config_json, img->config_len, md, &mdlen, EVP_sha256(), NULL);
		customs_hex(hex, md, 32);
		img->config_digest = customs_asprintf("sha256:%s", hex);
	}
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

/* ---- reference parsing ---- */

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* "PATH[:TAG]": PATH as given if it exists, else split at the last ':'. */
static void split_tag(const char *s, char **path, char **tag, int want_dir)
{
	*tag = NULL;
	if ((want_dir ? is_dir(s) : is_file(s)) || !strrchr(s, ':')) {
		*path = customs_strdup(s);
		return;
	}
	const char *c = strrchr(s, ':');
	*path = customs_strndup(s, (size_t)(c - s));
	*tag = customs_strdup(c + 1);
}

static int open_archive(source_image *img, const char *path, const char *tag, const platform *want, const char *kind)
{
	tar_index ix;
	int err;
	if ((err = source__tar_index(&ix, path)) < 0)
		return err;
	if (source__tar_find(&ix, "index.json") && source__tar_find(&ix, "oci-layout")) {
		store s = {path, &ix};
		err = oci_open(img, &s, tag, want);
	} else if (!strcmp(kind, "oci-archive")) {
		err = customs__error(CUSTOMS_EFORMAT, "%s: not an OCI archive (no index.json and oci-layout)", path);
	} else {
		err = docker_open(img, &ix, path, tag);
	}
	source__tar_index_release(&ix);
	return err;
}

int source__open(source_image *img, const char *ref, const char *platform_s)
{
	customs_options o = CUSTOMS_OPTIONS_INIT;
	o.platform = platform_s;
	return source__open_opts(img, ref, &o);
}

int source__open_opts(source_image *img, const char *ref, const customs_options *opts)
{
	platform want;
	char *path = NULL, *tag = NULL;
	const char *kind = NULL, *rest = ref;
	int err;

	if ((err = parse_platform(&want, opts->platform)) < 0)
		return err;
	if (customs_str_has_prefix(ref, "docker-archive:"))
		kind = "docker-archive", rest = ref + 15;
	else if (customs_str_has_prefix(ref, "oci-archive:"))
		kind = "oci-archive", rest = ref + 12;
	else if (customs_str_has_prefix(ref, "oci-dir:"))
		kind = "oci", rest = ref + 8;
	else if (customs_str_has_prefix(ref, "oci:"))
		kind = "oci", rest = ref + 4;
	else if (customs_str_has_prefix(ref, "dir:"))
		kind = "dir", rest = ref + 4;
	else if (customs_str_has_prefix(ref, "registry://"))
		return source__registry_open(img, ref + 11, opts);
	else if (customs_str_has_prefix(ref, "registry:"))
		return source__registry_open(img, ref + 9, opts);
	else if (customs_str_has_prefix(ref, "docker://"))
		return source__registry_open(img, ref + 9, opts);

	if (!kind) {
		/* bare path: detect; not a path: a registry reference like debian:12 */
		struct stat st;
		if (stat(rest, &st) < 0) {
			if (source__registry_ref_plausible(rest)) {
				if ((err = source__registry_open(img, rest, opts)) < 0 && err == CUSTOMS_ENOTFOUND) {
					char why[768]; /* copied: customs__error writes where it would read */
					snprintf(why, sizeof(why), "%s", customs_error_last());
					err = customs__error(err, "%s (and no file or directory %s exists)", why, rest);
				}
				return err;
			}
			return customs__error(CUSTOMS_ENOTFOUND,
					      "image not found: %s (give a path, or docker-archive:FILE, oci-archive:FILE, oci:DIR[:TAG], dir:DIR, registry:HOST/REPO:TAG)",
					      ref);
		}
		if (S_ISDIR(st.st_mode)) {
			char *ol = customs_asprintf("%s/oci-layout", rest);
			kind = is_file(ol) ? "oci" : "dir";
			free(ol);
		} else {
			kind = "archive";
		}
	}
	if (!*rest)
		return customs__error(CUSTOMS_EUSAGE, "%s: missing path after the scheme", ref);

	if (!strcmp(kind, "dir")) {
		if (!is_dir(rest))
			return customs__error(CUSTOMS_ENOTFOUND, "image not found: %s is not a directory", rest);
		img->kind = customs_strdup("dir");
		img->path = customs_strdup(rest);
		img->rootfs = customs_strdup(rest);
		img->layers = calloc(1, sizeof(*img->layers));
		if (!img->layers)
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		img->nlayers = 1;
		img->layers[0].size = -1;
		img->layers[0].name = customs_strdup(rest);
		return 0;
	}
	if (!strcmp(kind, "oci")) {
		split_tag(rest, &path, &tag, 1);
		if (!is_dir(path)) {
			err = customs__error(CUSTOMS_ENOTFOUND, "image not found: %s is not a directory", path);
			goto done;
		}
		img->kind = customs_strdup("oci");
		img->path = customs_strdup(path);
		char *ol = customs_asprintf("%s/oci-layout", path);
		int ok = is_file(ol);
		free(ol);
		if (!ok) {
			err = customs__error(CUSTOMS_EFORMAT, "%s: not an OCI image layout (no oci-layout file)", path);
			goto done;
		}
		store s = {path, NULL};
		err = oci_open(img, &s, tag, &want);
		goto done;
	}
	/* archives */
	split_tag(rest, &path, &tag, 0);
	if (!is_file(path)) {
		err = customs__error(CUSTOMS_ENOTFOUND, "image not found: %s is not a file", path);
		goto done;
	}
	if (!strcmp(kind, "archive")) {
		tar_index ix;
		if ((err = source__tar_index(&ix, path)) < 0) {
			char why[512]; /* copied: customs__error writes where it would read */
			snprintf(why, sizeof(why), "%s", customs_error_last());
			err = customs__error(err, "%s is not an image (not a directory, docker-archive or oci-archive): %s", path,
					     why);
			goto done;
		}
		kind = (source__tar_find(&ix, "index.json") && source__tar_find(&ix, "oci-layout") &&
			!source__tar_find(&ix, "manifest.json"))
			       ? "oci-archive"
			       : "docker-archive";
		source__tar_index_release(&ix);
	}
	img->kind = customs_strdup(kind);
	img->path = customs_strdup(path);
	err = open_archive(img, path, tag, &want, kind);
done:
	free(path);
	free(tag);
	return err;
}

void source__release(source_image *img)
{
	for (size_t i = 0; i < img->nlayers; i++) {
		source_layer *l = &img->layers[i];
		free(l->digest), free(l->media_type), free(l->name), free(l->file);
	}
	free(img->layers);
	free(img->kind), free(img->path), free(img->manifest_digest), free(img->manifest_media_type);
	free(img->config_digest), free(img->config_json), free(img->rootfs);
	customs_strlist_release(&img->tags);
	if (img->priv_free)
		img->priv_free(img->priv);
	memset(img, 0, sizeof(*img));
}
