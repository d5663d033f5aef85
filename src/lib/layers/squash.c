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

static int hidden(const customs_strmap *hide, const char *path, int root_opaque)
{
	if (root_opaque)
		return 1;
	if ((uintptr_t)customs_strmap_get(hide, path, NULL) & HIDE_SELF)
		return 1;
	for (const char *p = strchr(path, '/'); p; p = strchr(p + 1, '/'))
		if ((uintptr_t)customs_strmap_getn(hide, path, (size_t)(p - path), NULL) & (HIDE_SELF | HIDE_BELOW))
			return 1;
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
	qsort(a->files, a->nfiles, sizeof(*a->files), cmp_file);

	/* a hard link is a file with its target's content (anchore/syft#5029) */
	for (size_t i = 0; i < a->nfiles; i++) {
		customs_file *f = &a->files[i];
		if (f->type != CUSTOMS_FILE_HARDLINK || !f->link)
			continue;
		const customs_file *t = link_target(a->files, a->nfiles, f->link, f->layer);
		for (int hop = 0; t && t->type == CUSTOMS_FILE_HARDLINK && t->link && hop < 8; hop++)
			t = link_target(a->files, a->nfiles, t->link, t->layer);
		if (!t || t->type != CUSTOMS_FILE_REG) {
			customs_analysis_warn(a, CUSTOMS_WARN, f->layer, f->path, "hard link to \"%s\", which is not a file in this or a lower layer",
					      f->link);
			continue;
		}
		f->size = t->size;
		if (t->has_digest && !f->has_digest) {
			memcpy(f->sha256, t->sha256, 32);
			f->has_digest = 1;
		}
	}
done:
	customs_strmap_release(&seen);
	customs_strmap_release(&hide);
	return err;
}
