/* squash.c - merge walked layers top-down into the file catalog
 * (DESIGN.md "Merge top-down"; image-spec layer.md "Whiteouts").
 *
 * Walking from the top layer down, a path is visible when no upper layer
 * wrote it and none hid it: a whiteout hides its target and everything
 * under it, an opaque marker everything under its directory, and a
 * non-directory hides whatever a lower layer had beneath its path.  Hiding
 * only ever applies to layers below the one that hides, so a layer's marks
 * are added after its own entries were judged. */
#include <stdlib.h>
#include <string.h>

#include "layers/layers.h"

enum { HIDE_SELF = 1, HIDE_BELOW = 2 };

/* The mark of path[0..len) given its hash: customs_strmap_getn without
 * rehashing the key, so that hidden() can hash every prefix of a path in one
 * pass.  Hashing each prefix anew costs O(depth * length) per path, and a
 * 10,000-deep directory then takes hours to squash. */
static uintptr_t mark_of(const customs_strmap *m, const char *key, size_t len, uint32_t h)
{
	if (!m->cap)
		return 0;
	h = h ? h : 1; /* as customs_hash */
	for (size_t j = h & (m->cap - 1); m->hashes[j]; j = (j + 1) & (m->cap - 1))
		if (m->hashes[j] == h && strncmp(m->keys[j], key, len) == 0 && m->keys[j][len] == '\0')
			return (uintptr_t)m->vals[j];
	return 0;
}

/* customs_hash (FNV-1a), one byte at a time */
#define FNV_INIT 2166136261u
#define FNV_STEP(h, c) (((h) ^ (unsigned char)(c)) * 16777619u)

static int hidden(const customs_strmap *hide, const char *path, int root_opaque)
{
	if (root_opaque)
		return 1;
	if (!hide->n)
		return 0;
	uint32_t h = FNV_INIT;
	size_t i;
	for (i = 0; path[i]; i++) {
		if (path[i] == '/' && (mark_of(hide, path, i, h) & (HIDE_SELF | HIDE_BELOW)))
			return 1;
		h = FNV_STEP(h, path[i]);
	}
	return (mark_of(hide, path, i, h) & HIDE_SELF) != 0;
}

/* Whether a layer below `layer` has path, or anything under it. files is
 * sorted by path; past a bounded scan, assume it does (no false alarms, and
 * no quadratic time on crafted layers). */
static int lower_has(const customs_file *files, size_t n, const char *path, unsigned layer)
{
	size_t len = strlen(path), lo = 0, hi = n, scanned = 0;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(files[mid].path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* paths starting with `path`: itself, then "path-x" and the like, "path/...", "path~x" */
	for (size_t i = lo; i < n && strncmp(files[i].path, path, len) == 0; i++) {
		unsigned char c = (unsigned char)files[i].path[len];
		if (++scanned > 4096)
			return 1;
		if ((c == '\0' || c == '/') && files[i].layer < layer)
			return 1;
		if (c > '/')
			break;
	}
	return 0;
}

static int mark(customs_strmap *hide, const char *path, uintptr_t flag)
{
	uintptr_t cur = (uintptr_t)customs_strmap_get(hide, path, NULL);
	return customs_strmap_put(hide, path, (void *)(cur | flag));
}

static int cmp_file(const void *a, const void *b)
{
	const customs_file *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	if (c)
		return c;
	return (int)x->layer - (int)y->layer;
}

/* The entry a hard link in `layer` refers to: the newest copy of target at
 * or below that layer. files is sorted by path, then layer. */
static const customs_file *link_target(const customs_file *files, size_t n, const char *target, unsigned layer)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(files[mid].path, target) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	const customs_file *best = NULL;
	for (size_t i = lo; i < n && !strcmp(files[i].path, target); i++)
		if (files[i].layer <= layer)
			best = &files[i];
	return best;
}

int layers__catalog_finish(customs_analysis *a, int warn)
{
	qsort(a->files, a->nfiles, sizeof(*a->files), cmp_file);

	/* a hard link is a file with its target's content (anchore/syft#5029) */
	for (size_t i = 0; i < a->nfiles; i++) {
		customs_file *f = &a->files[i];
		if (f->type != CUSTOMS_FILE_HARDLINK || !f->link)
			continue;
		const customs_file *t = link_target(a->files, a->nfiles, f->link, f->layer);
		for (int hop = 0; t && t->type == CUSTOMS_FILE_HARDLINK && t->link && hop < 8; hop++)
			t = link_target(a->files, a->nfiles, t->link, t->layer);
		if (!t) {
			/* no content for this path: the catalog is incomplete */
			if (warn)
				customs_analysis_warn(a, CUSTOMS_ERROR, f->layer, f->path,
						      "hard link to \"%s\", which is in neither this layer nor a lower one",
						      f->link);
			continue;
		}
		if (t->type != CUSTOMS_FILE_REG) {
			if (warn)
				customs_analysis_warn(a, CUSTOMS_WARN, f->layer, f->path,
						      "hard link to \"%s\", which is not a regular file", f->link);
			continue;
		}
		f->size = t->size;
		if (t->has_digest && !f->has_digest) {
			memcpy(f->sha256, t->sha256, 32);
			f->has_digest = 1;
		}
	}
	return 0;
}

int layers__squash(customs_analysis *a, layer_result *res, size_t nl)
{
	customs_strmap seen = {0}, hide = {0};
	size_t total = 0, k;
	int root_opaque = 0, err = 0;

	for (k = 0; k < nl; k++)
		for (size_t j = 0; j < res[k].n; j++)
			total += res[k].e[j].kind == ENTRY_FILE;
	a->files = calloc(total ? total : 1, sizeof(*a->files));
	if (!a->files)
		return customs__error(CUSTOMS_ENOMEM, "out of memory for %zu files", total);
	a->nfiles = 0;

	for (k = nl; k-- > 0;) {
		layer_result *r = &res[k];
		for (size_t j = r->n; j-- > 0;) {
			const lentry *le = &r->e[j];
			if (le->kind != ENTRY_FILE)
				continue;
			int found;
			customs_strmap_get(&seen, le->path, &found);
			int vis = !found && !hidden(&hide, le->path, root_opaque);
			if (!found && (err = customs_strmap_put(&seen, le->path, (void *)1)) < 0)
				goto done;
			customs_file *f = &a->files[a->nfiles++];
			f->path = le->path;
			f->link = le->link;
			f->size = le->size;
			f->mode = le->mode;
			f->uid = le->uid;
			f->gid = le->gid;
			f->type = le->type;
			f->layer = (uint16_t)k;
			f->visible = (uint8_t)vis;
			f->has_digest = le->has_digest;
			memcpy(f->sha256, le->sha256, 32);
		}
		/* this layer's marks hide things in the layers below it */
		for (size_t j = 0; j < r->n; j++) {
			const lentry *le = &r->e[j];
			if (le->kind == ENTRY_WHITEOUT)
				err = mark(&hide, le->path, HIDE_SELF);
			else if (le->kind == ENTRY_OPAQUE && le->path[0] == '\0')
				root_opaque = 1;
			else if (le->kind == ENTRY_OPAQUE)
				err = mark(&hide, le->path, HIDE_BELOW);
			else if (le->type != CUSTOMS_FILE_DIR)
				err = mark(&hide, le->path, HIDE_BELOW);
			if (err < 0)
				goto done;
		}
	}
	if ((err = layers__catalog_finish(a, 1)) < 0)
		goto done;

	/* a whiteout of a path no lower layer has deletes nothing: harmless to
	 * a container, but a sign of a layer built for another base, or made */
	for (k = 0; k < nl && err == 0; k++) {
		customs_strmap checked = {0};
		size_t nwarn = 0;
		for (size_t j = 0; j < res[k].n; j++) {
			const lentry *le = &res[k].e[j];
			int found;
			if (le->kind != ENTRY_WHITEOUT)
				continue;
			customs_strmap_get(&checked, le->path, &found);
			if (found)
				continue;
			if ((err = customs_strmap_put(&checked, le->path, (void *)1)) < 0)
				break;
			if (lower_has(a->files, a->nfiles, le->path, (unsigned)k))
				continue;
			if (++nwarn <= 20)
				customs_analysis_warn(a, CUSTOMS_WARN, (int)k, le->path,
						      "whiteout of a path that no lower layer has: nothing to delete");
		}
		if (nwarn > 20)
			customs_analysis_warn(a, CUSTOMS_WARN, (int)k, NULL,
					      "%zu more whiteouts of paths that no lower layer has", nwarn - 20);
		customs_strmap_release(&checked);
	}
done:
	customs_strmap_release(&seen);
	customs_strmap_release(&hide);
	return err;
}
