/* lookup.c - customs_analysis_lookup(): a path resolved in the squashed view
 * of an analysis, following symlinks inside the image root the way the
 * kernel would inside a container (path_resolution(7)). */
#include <string.h>

#include "model/model.h"

/* The first visible file at key[0..len) followed by `next`: '\0' for the
 * path itself, '/' for anything under it.  a->files is sorted by path. */
static const customs_file *visible_at(const customs_analysis *a, const char *key, size_t len, char next)
{
	size_t lo = 0, hi = a->nfiles;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strncmp(a->files[mid].path, key, len);
		if (c == 0 && (unsigned char)a->files[mid].path[len] < (unsigned char)next)
			c = -1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < a->nfiles; i++) {
		const customs_file *f = &a->files[i];
		if (strncmp(f->path, key, len) != 0 || f->path[len] != next)
			break;
		if (f->visible)
			return f;
	}
	return NULL;
}

static const customs_file *find_visible(const customs_analysis *a, const char *path, size_t len)
{
	return visible_at(a, path, len, '\0');
}

/* A directory that no entry created but a visible file lies under (a layer
 * may omit parent directory entries: FORMATS-images.md 4.5 step 3). */
static int implicit_dir(const customs_analysis *a, const char *dir, size_t len)
{
	return visible_at(a, dir, len, '/') != NULL;
}

const customs_file *customs_analysis_lookup(const customs_analysis *a, const char *path, int follow)
{
	/* cur: resolved prefix; todo: components still to walk */
	customs_buf cur = CUSTOMS_BUF_INIT(1 << 20), todo = CUSTOMS_BUF_INIT(1 << 20);
	const customs_file *res = NULL;
	int hops = 0;

	if (customs_buf_puts(&todo, path) < 0 || customs_buf_puts(&cur, "") < 0)
		goto done;
	size_t pos = 0;
	while (pos < todo.len) {
		while (pos < todo.len && todo.ptr[pos] == '/')
			pos++;
		if (pos >= todo.len)
			break;
		size_t s = pos;
		while (pos < todo.len && todo.ptr[pos] != '/')
			pos++;
		size_t n = pos - s;
		if (n == 1 && todo.ptr[s] == '.')
			continue;
		if (n == 2 && todo.ptr[s] == '.' && todo.ptr[s + 1] == '.') {
			char *sl = strrchr(cur.ptr, '/');
			cur.len = sl ? (size_t)(sl - cur.ptr) : 0;
			cur.ptr[cur.len] = '\0';
			continue;
		}
		size_t save = cur.len;
		if ((cur.len && customs_buf_put(&cur, "/", 1) < 0) || customs_buf_put(&cur, todo.ptr + s, n) < 0)
			goto done;
		const customs_file *f = find_visible(a, cur.ptr, cur.len);
		int last = pos >= todo.len;
		if (!f && !last && implicit_dir(a, cur.ptr, cur.len))
			continue;
		if (!f)
			goto done;
		if (f->type == CUSTOMS_FILE_SYMLINK && f->link && (follow || !last)) {
			if (++hops > 40)
				goto done; /* symlink loop */
			/* replace the component by the target, relative to its directory */
			customs_buf next = CUSTOMS_BUF_INIT(1 << 20);
			/* todo.ptr + pos is "" (the link was the last component: it
			 * stays the last) or "/rest" */
			if (customs_buf_puts(&next, f->link) < 0 || customs_buf_put(&next, todo.ptr + pos, todo.len - pos) < 0) {
				customs_buf_release(&next);
				goto done;
			}
			customs_buf_release(&todo);
			todo = next;
			pos = 0;
			if (f->link[0] == '/')
				cur.len = 0;
			else
				cur.len = save;
			cur.ptr[cur.len] = '\0';
			continue;
		}
		if (!last && f->type != CUSTOMS_FILE_DIR)
			goto done;
	}
	res = cur.len ? find_visible(a, cur.ptr, cur.len) : NULL;
done:
	customs_buf_release(&cur);
	customs_buf_release(&todo);
	return res;
}

int customs__analysis_visible(const customs_analysis *a, const char *path, int layer)
{
	const customs_file *f = customs_analysis_lookup(a, path, 0);
	return f && f->layer == layer;
}
