/* gobin.c - the go-binary analyzer: the build info of every executable
 * (go_buildinfo.c reads it as the file streams past), one copy per layer
 * (core/copies.c), and the licenses of the modules it names where their
 * source is in the image:
 *   - the module cache: <GOPATH>/pkg/mod/<escaped path>@<version>/LICENSE
 *     (Go's module cache layout, "!x" escaping an upper-case X);
 *   - a vendor directory: <dir>/vendor/<path>/LICENSE for the "# <path>
 *     <version>" lines of <dir>/vendor/modules.txt (go mod vendor);
 *   - the main module's source: a directory whose go.mod declares it, with
 *     its LICENSE (any version: the binary was built from such a tree);
 *   - the standard library: a GOROOT (a "go" or "go-*" directory) whose
 *     VERSION is the binary's Go version, with its LICENSE.
 * A license file is LICENSE, LICENCE or COPYING (.txt, .md), read through
 * the text classifier (license/classify.c); a module whose source is not
 * in the image gets no license (none is guessed from its name).  The
 * callbacks keep no state but the copies (under their mutex), so the
 * analyzer runs on every layer thread at once. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyzers/analyzers.h"
#include "core/copies.h"
#include "license/license.h"
#include "util/util.h"

#define GO_MAX_SIDE (1u << 20) /* bytes of a LICENSE, go.mod, modules.txt, VERSION */

/* The copies kept: executables' packages, license files (their licenses,
 * '\n'-joined), and go.mod, vendor/modules.txt and GOROOT VERSION files. */
enum { BIN, LICENSES, SIDE };

static int nomem(void)
{
	return customs__error(CUSTOMS_ENOMEM, "out of memory");
}

/* ---- which files ---- */

static const char *const license_names[] = {"LICENSE",     "LICENCE",    "COPYING",     "LICENSE.txt", "LICENSE.md",
					    "LICENCE.txt", "LICENCE.md", "COPYING.txt", "COPYING.md",  NULL};

static const char *base_of(const char *path)
{
	const char *b = strrchr(path, '/');
	return b ? b + 1 : path;
}

static int is_license_name(const char *b)
{
	for (int i = 0; license_names[i]; i++)
		if (!strcasecmp(b, license_names[i]))
			return 1;
	return 0;
}

/* Does path have the directory component comp ("node_modules")? */
static int has_component(const char *path, const char *comp)
{
	size_t cl = strlen(comp);
	for (const char *s = path; (s = strstr(s, comp)); s++)
		if ((s == path || s[-1] == '/') && s[cl] == '/')
			return 1;
	return 0;
}

enum { K_NONE, K_LICENSE, K_SIDE };

static int side_kind(const char *path)
{
	const char *b = base_of(path);
	size_t dl = b > path ? (size_t)(b - path) - 1 : 0;
	if (is_license_name(b))
		return has_component(path, "node_modules") ? K_NONE : K_LICENSE;
	if (!strcmp(b, "go.mod"))
		return has_component(path, "mod") || has_component(path, "vendor") ? K_NONE : K_SIDE;
	if (!strcmp(b, "modules.txt"))
		return dl >= 6 && !strncmp(path + dl - 6, "vendor", 6) && (dl == 6 || path[dl - 7] == '/') ? K_SIDE
													   : K_NONE;
	if (!strcmp(b, "VERSION")) {
		const char *d = path + dl;
		while (d > path && d[-1] != '/')
			d--;
		return (path + dl - d == 2 && !strncmp(d, "go", 2)) || !strncmp(d, "go-", 3) ? K_SIDE : K_NONE;
	}
	return K_NONE;
}

static int want(void *state, const char *path, uint32_t mode, uint64_t size)
{
	return side_kind(path) != K_NONE || customs__exe_want(state, path, mode, size);
}

/* ---- the analyzer ---- */

/* One file as it streams: where it is, and the scanner or the bytes. */
typedef struct gofile {
	customs_file_warn w;
	customs_goscan *scan; /* an executable */
	int kind;             /* else K_LICENSE or K_SIDE: bytes in buf */
	customs_buf buf;
	int done, over;
} gofile;

static void *stream_open(void *self, const customs_afile *f)
{
	int kind = side_kind(f->path);
	gofile *g = customs__stream_ctx_new(sizeof(*g), f, "Go build info");
	if (!g)
		return NULL;
	g->kind = kind;
	if (kind == K_NONE && !(g->scan = customs__goscan_new(f->size))) {
		free(g);
		return NULL;
	}
	return g;
}

static int stream_write(void *self, void *ctx, const unsigned char *data, size_t len)
{
	gofile *g = ctx;
	if (g->kind != K_NONE) {
		if (g->buf.len + len > GO_MAX_SIDE) {
			g->over = 1;
			return CUSTOMS_EINVAL; /* not read: stop the deliveries */
		}
		return customs_buf_put(&g->buf, data, len);
	}
	int rc = customs__goscan_write(g->scan, data, len);
	if (rc == 1) {
		g->done = 1;
		return CUSTOMS_EINVAL; /* nothing more wanted: stop the deliveries */
	}
	return rc;
}

/* A license file's licenses, '\n'-joined, as its copy. */
static int add_license_copy(copies *s, const gofile *g)
{
	customs_strlist l = {0};
	customs_buf b = CUSTOMS_BUF_INIT(0);
	int err = customs__license_classify(&l, g->buf.len ? g->buf.ptr : "", g->buf.len);
	for (size_t i = 0; i < l.n && err == 0; i++)
		err = customs_buf_printf(&b, "%s%s", i ? "\n" : "", l.v[i]);
	if (err == 0)
		err = copies__add_data(&s[LICENSES], g->w.path, g->w.layer, b.len ? b.ptr : "", b.len);
	customs_strlist_release(&l);
	customs_buf_release(&b);
	return err;
}

static void stream_close(void *self, void *ctx, int ok)
{
	copies *s = self;
	gofile *g = ctx;
	int err = 0;
	if (g->kind == K_LICENSE && ok && !g->over)
		err = add_license_copy(s, g);
	else if (g->kind == K_SIDE && ok && !g->over)
		err = copies__add_data(&s[SIDE], g->w.path, g->w.layer, g->buf.len ? g->buf.ptr : "", g->buf.len);
	else if (g->kind == K_NONE && (ok || g->done)) {
		customs_package **pkgs = NULL;
		size_t n = 0;
		int rc = customs__goscan_finish(g->scan, &pkgs, &n, customs__file_warn, &g->w);
		err = customs__copies_take(&s[BIN], g->w.path, g->w.layer, rc, pkgs, n);
	}
	if (g->over)
		customs_analysis_warn(g->w.a, CUSTOMS_WARN, g->w.layer, g->w.path,
				      "over the 1 MiB limit of a Go license or module file: not read");
	if (err == CUSTOMS_ENOMEM)
		customs_analysis_warn(g->w.a, CUSTOMS_ERROR, g->w.layer, g->w.path, "Go build info: out of memory");
	if (g->scan)
		customs__goscan_free(g->scan);
	customs_buf_release(&g->buf);
	free(g);
}

/* ---- module sources in the image ---- */

/* "module path@version" (or "main path" for a source tree, "stdlib@go1.x")
 * -> its licenses, from the visible copies. */
typedef struct modlic {
	customs_strmap map; /* key -> licenses ('\n'-joined, in owned) */
	customs_strlist owned;
	copies *s;
	customs_analysis *a;
} modlic;

static int put(modlic *m, const char *key, const char *licenses)
{
	int found, err;
	customs_strmap_get(&m->map, key, &found);
	if (found || !*licenses)
		return 0;
	if ((err = customs_strlist_add(&m->owned, key)) < 0 || (err = customs_strlist_add(&m->owned, licenses)) < 0)
		return err;
	return customs_strmap_put(&m->map, m->owned.v[m->owned.n - 2], m->owned.v[m->owned.n - 1]);
}

/* The visible side file dir/name, NUL-terminated, or NULL. */
static const copies_copy *side_file(modlic *m, const char *dir, size_t dl, const char *name)
{
	char *p = customs_asprintf("%.*s%s%s", (int)dl, dir, dl ? "/" : "", name);
	const copies_copy *c = p ? copies__visible(&m->s[SIDE], m->a, p, 0) : NULL;
	free(p);
	return c;
}

/* The first line of text, trimmed, into out (size n). */
static void first_line(char *out, size_t n, const char *text, size_t len)
{
	size_t k = 0;
	while (k < len && text[k] != '\n' && text[k] != '\r' && k + 1 < n)
		k++;
	while (k && (text[k - 1] == ' ' || text[k - 1] == '\t'))
		k--;
	memcpy(out, text, k);
	out[k] = '\0';
}

/* "module example.com/m" of a go.mod, into out. */
static int gomod_module(char *out, size_t n, const char *text, size_t len)
{
	const char *at = text, *end = text + len, *p;
	size_t ln;
	while (customs_next_line(&at, end, &p, &ln, 1)) {
		while (ln && (*p == ' ' || *p == '\t'))
			p++, ln--;
		if (ln > 7 && !strncmp(p, "module", 6) && (p[6] == ' ' || p[6] == '\t')) {
			p += 7, ln -= 7;
			while (ln && (*p == ' ' || *p == '\t' || *p == '"'))
				p++, ln--;
			size_t k = 0;
			while (k < ln && p[k] != ' ' && p[k] != '\t' && p[k] != '"' && k + 1 < n)
				k++;
			memcpy(out, p, k);
			out[k] = '\0';
			return k > 0;
		}
	}
	return 0;
}

/* A license file at dir: the module it belongs to, by where dir is. */
static int license_dir(modlic *m, const copies_copy *c, const char *dir, size_t dl)
{
	char key[1024], line[256];
	const copies_copy *side;
	const char *lic = c->data ? c->data : "";
	/* <GOPATH>/pkg/mod/<escaped path>@<version> */
	for (const char *s = dir; (s = strstr(s, "pkg/mod/")) && (size_t)(s - dir) < dl; s++) {
		if (s != dir && s[-1] != '/')
			continue;
		const char *mp = s + 8, *at = memchr(mp, '@', dl - (size_t)(mp - dir));
		if (!at || memchr(at, '/', dl - (size_t)(at - dir)) || !strncmp(mp, "cache/", 6))
			break;
		size_t k = 0;
		for (const char *q = mp; q < at && k + 2 < sizeof(key); q++)
			key[k++] = *q == '!' && q + 1 < at && q[1] >= 'a' && q[1] <= 'z' ? (char)(*++q - 32) : *q;
		snprintf(key + k, sizeof(key) - k, "@%.*s", (int)(dl - (size_t)(at + 1 - dir)), at + 1);
		return put(m, key, lic);
	}
	/* a GOROOT: VERSION beside it names the toolchain */
	if ((side = side_file(m, dir, dl, "VERSION")) && side->data) {
		first_line(line, sizeof(line), side->data, side->len);
		if (!strncmp(line, "go", 2)) {
			snprintf(key, sizeof(key), "stdlib@%s", line);
			return put(m, key, lic);
		}
	}
	/* a module's source tree: its go.mod declares it */
	if ((side = side_file(m, dir, dl, "go.mod")) && side->data &&
	    gomod_module(line, sizeof(line), side->data, side->len)) {
		snprintf(key, sizeof(key), "main %s", line);
		return put(m, key, lic);
	}
	return 0;
}

/* Every visible vendor/modules.txt: "# path version" lines whose vendored
 * folder holds a license file.  A replaced module ("=> ...") is vendored
 * from its replacement, not from path@version: skipped. */
static int vendored(modlic *m)
{
	copies *side = &m->s[SIDE];
	int err = 0;
	copies__sort(side);
	for (size_t i = 0; i < side->n && err == 0; i++) {
		const copies_copy *c = &side->c[i];
		if (!c->data || strcmp(base_of(c->path), "modules.txt") ||
		    copies__visible_layer(m->a, c->path) != c->layer)
			continue;
		size_t vl = (size_t)(base_of(c->path) - c->path) - 1; /* <dir>/vendor */
		const char *at = c->data, *end = c->data + c->len, *p;
		size_t n;
		while (err == 0 && customs_next_line(&at, end, &p, &n, 1)) {
			if (n < 5 || p[0] != '#' || p[1] != ' ' || memmem(p, n, "=>", 2))
				continue;
			const char *sp = memchr(p + 2, ' ', n - 2);
			if (!sp || sp == p + 2)
				continue;
			size_t ml = (size_t)(sp - p - 2), verl = n - (size_t)(sp + 1 - p);
			for (int k = 0; license_names[k] && err == 0; k++) {
				char *lp = customs_asprintf("%.*s/%.*s/%s", (int)vl, c->path, (int)ml, p + 2,
							    license_names[k]);
				const copies_copy *l = lp ? copies__visible(&m->s[LICENSES], m->a, lp, 0) : NULL;
				free(lp);
				if (!l || !l->data)
					continue;
				char *key = customs_asprintf("%.*s@%.*s", (int)ml, p + 2, (int)verl, sp + 1);
				err = key ? put(m, key, l->data) : nomem();
				free(key);
				break;
			}
		}
	}
	return err;
}

static int collect(modlic *m)
{
	copies *l = &m->s[LICENSES];
	int err = vendored(m);
	copies__sort(l);
	for (size_t i = 0; i < l->n && err == 0; i++) {
		const copies_copy *c = &l->c[i];
		if (copies__visible_layer(m->a, c->path) != c->layer)
			continue;
		size_t dl = (size_t)(base_of(c->path) - c->path);
		err = license_dir(m, c, c->path, dl ? dl - 1 : 0);
	}
	return err;
}

static int add_lines(customs_strlist *l, const char *s)
{
	while (*s) {
		size_t n = strcspn(s, "\n");
		if (n && customs_strlist_addn(l, s, n) < 0)
			return nomem();
		s += n + (s[n] == '\n');
	}
	return 0;
}

static int fill(void *ud, customs_analysis *a, customs_package *p, const copies_copy *listed)
{
	modlic *m = ud;
	(void)a, (void)listed;
	if (!m->map.n || p->licenses.n)
		return 0;
	char *key = customs_asprintf("%s@%s", p->name, p->version);
	if (!key)
		return nomem();
	const char *lic = customs_strmap_get(&m->map, key, NULL);
	free(key);
	if (!lic && json_is_true(json_object_get(p->metadata, "main_module"))) {
		if (!(key = customs_asprintf("main %s", p->name)))
			return nomem();
		lic = customs_strmap_get(&m->map, key, NULL);
		free(key);
	}
	return lic ? add_lines(&p->licenses, lic) : 0;
}

static int finish(void *self, customs_analysis *a)
{
	modlic m = {.s = self, .a = a};
	int err = collect(&m);
	if (err == 0)
		err = copies__merge(&m.s[BIN], a,
				    &(copies_merge){.found_by = "go-binary",
						    .flags = COPIES_HARDLINKS | COPIES_OWNERS,
						    .fill = fill,
						    .ud = &m});
	customs_strmap_release(&m.map);
	customs_strlist_release(&m.owned);
	return err;
}

const customs_analyzer_type customs__gobin_analyzer = {
	.version = CUSTOMS_ANALYZER_VERSION,
	.name = "go-binary",
	.description = "Go modules and toolchain from the build info of Go executables, licenses from module sources",
	.analyzer_version = "2",
	.flags = CUSTOMS_ANALYZER_THREADSAFE,
	.want = want,
	.create = customs__copies_create,
	.destroy = customs__copies_destroy,
	.stream_open = stream_open,
	.stream_write = stream_write,
	.stream_close = stream_close,
	.finish = finish,
};
