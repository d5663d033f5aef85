/* rust.c - Rust crates: Cargo.lock (lockfile versions 1-4: the TOML subset
 * Cargo writes, doc.rust-lang.org/cargo "Cargo.lock" and
 * cargo/src/cargo/core/resolver/encode.rs) and the dependency list that
 * `cargo auditable` embeds in binaries (a zlib stream of JSON in section
 * .dep-v0, FORMATS-images.md §7 and cargo-auditable's PARSING.md).  The
 * section is located by rust_auditable.c; this file inflates (isa-l, zlib
 * wrapper), validates and lists it.  Like the Go analyzer it runs on every
 * layer thread at once (the copies set has its own mutex). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <isa-l/igzip_lib.h>

#include "analyzers/analyzers.h"
#include "core/copies.h"
#include "customs/purl.h"
#include "util/util.h"

#define MAX_CARGO_LOCK (16u << 20)
#define MAX_AUDIT_JSON (8u << 20)  /* PARSING.md's suggested cap on the inflated JSON */

static int nomem(void)
{
	return customs__error(CUSTOMS_ENOMEM, "out of memory");
}

static customs_package *crate(const char *name, const char *version)
{
	customs_package *p = customs_package_new();
	if (!p)
		return NULL;
	if (!(p->type = customs_strdup("rust-crate")) || !(p->name = customs_utf8_strndup(name, strlen(name))) ||
	    !(p->version = customs_utf8_strndup(version, strlen(version))) || !(p->metadata = json_object())) {
		customs_package_free(p);
		return NULL;
	}
	p->purl = customs_purl_make("cargo", NULL, p->name, p->version, NULL, NULL);
	return p;
}

static int md_str(customs_package *p, const char *key, const char *v)
{
	if (!v || !*v)
		return 0;
	char *u = customs_utf8_strndup(v, strlen(v)); /* not UTF-8: bad bytes replaced */
	json_t *s = u ? json_string(u) : NULL;
	free(u);
	return json_object_set_new(p->metadata, key, s) < 0 ? nomem() : 0;
}

/* ---- Cargo.lock ---- */

typedef struct lockpkg {
	char *name, *version, *source, *checksum;
	size_t line;
} lockpkg;

static void lockpkg_release(lockpkg *p)
{
	free(p->name), free(p->version), free(p->source), free(p->checksum);
	memset(p, 0, sizeof(*p));
}

static const char *skip_ws(const char *s, const char *e)
{
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

/* A TOML basic ("...") or literal ('...') string at s; the decoded value in
 * *out (malloc'd), the end in *end.  -1 when malformed. */
static int toml_string(const char *s, const char *e, char **out, const char **end)
{
	customs_buf b = CUSTOMS_BUF_INIT(MAX_CARGO_LOCK);
	char q = *s++;
	while (s < e && *s != q) {
		if (q == '"' && *s == '\\') {
			if (++s >= e)
				goto bad;
			char c = *s++;
			switch (c) {
			case 'b': c = '\b'; break;
			case 't': c = '\t'; break;
			case 'n': c = '\n'; break;
			case 'f': c = '\f'; break;
			case 'r': c = '\r'; break;
			case '"': case '\\': break;
			case 'u': case 'U': {
				int nd = c == 'u' ? 4 : 8;
				uint32_t v = 0;
				if (e - s < nd)
					goto bad;
				for (int k = 0; k < nd; k++, s++) {
					int x = *s >= '0' && *s <= '9' ? *s - '0' : *s >= 'a' && *s <= 'f' ? *s - 'a' + 10
						: *s >= 'A' && *s <= 'F' ? *s - 'A' + 10 : -1;
					if (x < 0)
						goto bad;
					v = v << 4 | (uint32_t)x;
				}
				unsigned char u[4];
				size_t ul;
				if (v == 0 || v > 0x10ffff || (v >= 0xd800 && v < 0xe000))
					goto bad;
				if (v < 0x80)
					u[0] = (unsigned char)v, ul = 1;
				else if (v < 0x800)
					u[0] = (unsigned char)(0xc0 | v >> 6), u[1] = (unsigned char)(0x80 | (v & 0x3f)), ul = 2;
				else if (v < 0x10000)
					u[0] = (unsigned char)(0xe0 | v >> 12), u[1] = (unsigned char)(0x80 | ((v >> 6) & 0x3f)),
					u[2] = (unsigned char)(0x80 | (v & 0x3f)), ul = 3;
				else
					u[0] = (unsigned char)(0xf0 | v >> 18), u[1] = (unsigned char)(0x80 | ((v >> 12) & 0x3f)),
					u[2] = (unsigned char)(0x80 | ((v >> 6) & 0x3f)), u[3] = (unsigned char)(0x80 | (v & 0x3f)),
					ul = 4;
				if (customs_buf_put(&b, u, ul) < 0)
					goto bad;
				continue;
			}
			default:
				goto bad;
			}
			if (customs_buf_put(&b, &c, 1) < 0)
				goto bad;
			continue;
		}
		if (*s == '\0')
			goto bad;
		if (customs_buf_put(&b, s, 1) < 0)
			goto bad;
		s++;
	}
	if (s >= e || customs_buf_puts(&b, "") < 0)
		goto bad;
	*out = customs_buf_detach(&b);
	*end = s + 1;
	return 0;
bad:
	customs_buf_release(&b);
	return -1;
}

/* Skip an array or inline table value spanning lines; returns the new
 * position, or NULL when it never closes. */
static const char *skip_compound(const char *s, const char *end, size_t *line)
{
	int depth = 0;
	while (s < end) {
		char c = *s;
		if (c == '"' || c == '\'') {
			char *tmp;
			const char *after;
			const char *eol = memchr(s, '\n', (size_t)(end - s));
			if (toml_string(s, eol ? eol : end, &tmp, &after) < 0)
				return NULL;
			free(tmp);
			s = after;
			continue;
		}
		if (c == '#') {
			const char *eol = memchr(s, '\n', (size_t)(end - s));
			s = eol ? eol : end;
			continue;
		}
		if (c == '\n')
			(*line)++;
		if (c == '[' || c == '{')
			depth++;
		else if ((c == ']' || c == '}') && --depth == 0)
			return s + 1;
		s++;
	}
	return NULL;
}

static int sha256_hex(const char *s)
{
	size_t i = 0;
	for (; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return i == 64;
}

/* v1: [metadata] "checksum NAME VERSION (SOURCE)" = "HASH" */
static const char *v1_checksum(json_t *checksums, const lockpkg *p)
{
	if (!p->source)
		return NULL;
	char *key = customs_asprintf("checksum %s %s (%s)", p->name, p->version, p->source);
	const char *v = key ? json_string_value(json_object_get(checksums, key)) : NULL;
	free(key);
	return v && strcmp(v, "<none>") ? v : NULL;
}

int customs__rust_parse_cargo_lock(customs_package ***out, size_t *n, const char *buf, size_t len,
				   customs_parse_warn_fn warn, void *ud)
{
	enum { S_TOP, S_PACKAGE, S_METADATA, S_OTHER } sect = S_TOP;
	lockpkg *pk = NULL;
	size_t np = 0, capp = 0, line = 0, bad = 0;
	long version = 0;
	int v1 = 0;
	json_t *checksums = json_object();
	customs_pkgvec v = {0};
	int err = 0, saw_table = 0;
	const char *s = buf, *end = buf + len;

	*out = NULL;
	*n = 0;
	if (!checksums)
		return nomem();
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		s += 3;
	while (s < end) {
		const char *eol = memchr(s, '\n', (size_t)(end - s));
		const char *le = eol ? eol : end, *p = skip_ws(s, le);
		const char *next = eol ? eol + 1 : end;
		line++;
		while (le > p && (le[-1] == '\r' || le[-1] == ' ' || le[-1] == '\t'))
			le--;
		if (p == le || *p == '#') {
			s = next;
			continue;
		}
		if (*p == '[') {
			saw_table = 1;
			if (le - p == 11 && !memcmp(p, "[[package]]", 11)) {
				if (np == capp) {
					size_t nc = capp ? capp * 2 : 64;
					lockpkg *npk = realloc(pk, nc * sizeof(*npk));
					if (!npk) {
						err = nomem();
						goto done;
					}
					pk = npk;
					capp = nc;
				}
				memset(&pk[np], 0, sizeof(*pk));
				pk[np++].line = line;
				sect = S_PACKAGE;
			} else if (le - p == 10 && !memcmp(p, "[metadata]", 10)) {
				sect = S_METADATA;
			} else {
				sect = S_OTHER; /* [[patch.unused]] and the like */
			}
			s = next;
			continue;
		}
		/* key = value */
		char *key = NULL;
		const char *k_end;
		if (*p == '"' || *p == '\'') {
			if (toml_string(p, le, &key, &k_end) < 0)
				goto bad_line;
		} else {
			k_end = p;
			while (k_end < le && (((*k_end | 0x20) >= 'a' && (*k_end | 0x20) <= 'z') ||
					      (*k_end >= '0' && *k_end <= '9') || *k_end == '_' || *k_end == '-' || *k_end == '.'))
				k_end++;
			if (k_end == p || !(key = customs_strndup(p, (size_t)(k_end - p)))) {
				if (k_end != p) {
					err = nomem();
					goto done;
				}
				goto bad_line;
			}
		}
		const char *q = skip_ws(k_end, le);
		if (q >= le || *q != '=') {
			free(key);
			goto bad_line;
		}
		q = skip_ws(q + 1, le);
		char *val = NULL;
		long num = 0;
		int is_num = 0;
		if (q < le && (*q == '"' || *q == '\'')) {
			const char *after;
			if (toml_string(q, le, &val, &after) < 0) {
				free(key);
				goto bad_line;
			}
		} else if (q < le && (*q == '[' || *q == '{')) {
			size_t l0 = line;
			const char *after = skip_compound(q, end, &line);
			if (!after) {
				free(key);
				customs__parse_warnf(warn, ud, l0, "unterminated array or table: rest of file skipped");
				break;
			}
			const char *nl = memchr(after, '\n', (size_t)(end - after));
			next = nl ? nl + 1 : end;
		} else if (q < le && *q >= '0' && *q <= '9') {
			/* bounded by the line: the buffer need not be NUL-terminated */
			num = 0;
			for (const char *d = q; d < le && *d >= '0' && *d <= '9' && num < 100000000; d++)
				num = num * 10 + (*d - '0');
			is_num = 1;
		}
		if (sect == S_TOP && !strcmp(key, "version") && is_num) {
			version = num;
		} else if (sect == S_PACKAGE && val) {
			lockpkg *cur = &pk[np - 1];
			char **dst = !strcmp(key, "name") ? &cur->name : !strcmp(key, "version") ? &cur->version
				     : !strcmp(key, "source") ? &cur->source : !strcmp(key, "checksum") ? &cur->checksum : NULL;
			if (dst) {
				free(*dst);
				*dst = val;
				val = NULL;
			}
		} else if (sect == S_METADATA && val && !strncmp(key, "checksum ", 9)) {
			json_t *js = json_string(val); /* NULL (skipped) when not UTF-8 */
			if (js)
				json_object_set_new(checksums, key, js);
			v1 = 1;
		}
		free(key);
		free(val);
		s = next;
		continue;
bad_line:
		if (++bad <= 8)
			customs__parse_warnf(warn, ud, line, "not a TOML key = value line: skipped");
		s = next;
	}
	if (!saw_table) {
		customs__parse_warnf(warn, ud, line ? line : 1, "no [[package]] table: not a Cargo.lock");
		err = CUSTOMS_EFORMAT;
		goto done;
	}
	if (!version) /* v3 on say so; before, [metadata] checksums mean v1 */
		version = v1 ? 1 : 2;
	for (size_t i = 0; i < np; i++) {
		lockpkg *l = &pk[i];
		if (!l->name || !l->version || !*l->name || !*l->version) {
			customs__parse_warnf(warn, ud, l->line, "[[package]] without %s: skipped",
					     !l->name || !*l->name ? "name" : "version");
			continue;
		}
		customs_package *p = crate(l->name, l->version);
		if (!p || (err = customs__pkgvec_push(&v, p)) < 0) {
			err = err ? err : nomem();
			goto done;
		}
		const char *sum = l->checksum ? l->checksum : v1_checksum(checksums, l);
		if (sum && !sha256_hex(sum)) {
			/* Debian's vendored crates give "Could not get crate checksum" */
			customs__parse_warnf(warn, ud, l->line, "%s %s: checksum is not a SHA-256: dropped", l->name,
					     l->version);
			sum = NULL;
		}
		if (md_str(p, "source", l->source) < 0 || md_str(p, "checksum", sum) < 0 ||
		    json_object_set_new(p->metadata, "lockfile_version", json_integer(version)) < 0) {
			err = nomem();
			goto done;
		}
	}
done:
	for (size_t i = 0; i < np; i++)
		lockpkg_release(&pk[i]);
	free(pk);
	json_decref(checksums);
	if (err < 0) {
		customs__pkgvec_release(&v);
		return err;
	}
	*out = v.v;
	*n = v.n;
	return 0;
}

/* ---- cargo-auditable ---- */

static int inflate_zlib(unsigned char **out, size_t *outlen, const unsigned char *z, size_t zlen,
			customs_parse_warn_fn warn, void *ud)
{
	struct inflate_state *st = malloc(sizeof(*st));
	size_t cap = 4096, len = 0;
	unsigned char *buf = malloc(cap + 1);
	int rc = 0;
	if (!st || !buf) {
		free(st), free(buf);
		return nomem();
	}
	isal_inflate_init(st);
	st->crc_flag = ISAL_ZLIB;
	st->next_in = (uint8_t *)z;
	st->avail_in = (uint32_t)zlen;
	for (;;) {
		st->next_out = buf + len;
		st->avail_out = (uint32_t)(cap - len);
		int r = isal_inflate(st);
		len = cap - st->avail_out;
		if (r < 0 || r == ISAL_NEED_DICT) {
			customs__parse_warnf(warn, ud, 0, ".dep-v0 section: corrupt zlib data (isa-l error %d)", r);
			rc = CUSTOMS_EFORMAT;
			break;
		}
		if (st->block_state == ISAL_BLOCK_FINISH)
			break;
		if (len < cap) {
			if (st->avail_in == 0) {
				customs__parse_warnf(warn, ud, 0, ".dep-v0 section: zlib data ends early");
				rc = CUSTOMS_EFORMAT;
				break;
			}
			continue;
		}
		if (cap >= MAX_AUDIT_JSON) {
			customs__parse_warnf(warn, ud, 0, ".dep-v0 section inflates to more than %u MiB: skipped",
					     MAX_AUDIT_JSON >> 20);
			rc = CUSTOMS_EFORMAT;
			break;
		}
		size_t nc = cap * 2 > MAX_AUDIT_JSON ? MAX_AUDIT_JSON : cap * 2;
		unsigned char *nb = realloc(buf, nc + 1);
		if (!nb) {
			rc = nomem();
			break;
		}
		buf = nb;
		cap = nc;
	}
	free(st);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	buf[len] = 0;
	*out = buf;
	*outlen = len;
	return 0;
}

/* Dependency graph checks from PARSING.md: indices in range, one root, no
 * cycles (iterative DFS, colours 0 white, 1 on stack, 2 done). */
static const char *audit_validate(json_t *pkgs)
{
	size_t n = json_array_size(pkgs), roots = 0;
	unsigned char *col = calloc(n ? n : 1, 1);
	size_t *stack = malloc((n ? n : 1) * sizeof(*stack)), *pos = malloc((n ? n : 1) * sizeof(*pos));
	const char *why = NULL;
	if (!col || !stack || !pos) {
		why = "out of memory";
		goto done;
	}
	for (size_t i = 0; i < n && !why; i++) {
		json_t *p = json_array_get(pkgs, i), *deps = json_object_get(p, "dependencies"), *d;
		size_t k;
		if (!json_is_object(p) || !json_is_string(json_object_get(p, "name")) ||
		    !json_is_string(json_object_get(p, "version")) || !json_is_string(json_object_get(p, "source")))
			why = "a package without string name, version and source";
		else if (json_is_true(json_object_get(p, "root")))
			roots++;
		if (deps && !json_is_array(deps))
			why = "\"dependencies\" is not an array";
		json_array_foreach(deps, k, d) {
			if (!json_is_integer(d) || json_integer_value(d) < 0 || (uint64_t)json_integer_value(d) >= n) {
				why = "a dependency index out of range";
				break;
			}
		}
	}
	if (!why && roots != 1)
		why = roots ? "more than one root package" : "no root package";
	for (size_t s = 0; s < n && !why; s++) {
		if (col[s])
			continue;
		size_t sp = 0;
		stack[sp] = s, pos[sp] = 0, sp++;
		col[s] = 1;
		while (sp && !why) {
			size_t u = stack[sp - 1];
			json_t *deps = json_object_get(json_array_get(pkgs, u), "dependencies");
			if (pos[sp - 1] >= json_array_size(deps)) {
				col[u] = 2;
				sp--;
				continue;
			}
			size_t w = (size_t)json_integer_value(json_array_get(deps, pos[sp - 1]++));
			if (col[w] == 1)
				why = "a dependency cycle";
			else if (!col[w]) {
				col[w] = 1;
				stack[sp] = w, pos[sp] = 0, sp++;
			}
		}
	}
done:
	free(col), free(stack), free(pos);
	return why;
}

int customs__rust_parse_auditable(customs_package ***out, size_t *n, const unsigned char *z, size_t zlen,
				  customs_parse_warn_fn warn, void *ud)
{
	unsigned char *js = NULL;
	size_t jl = 0;
	json_error_t je;
	json_t *root = NULL, *pkgs, *e;
	customs_pkgvec v = {0};
	size_t i;
	int err;

	*out = NULL;
	*n = 0;
	if ((err = inflate_zlib(&js, &jl, z, zlen, warn, ud)) < 0)
		return err;
	if (!(root = json_loadb((const char *)js, jl, 0, &je))) {
		customs__parse_warnf(warn, ud, 0, ".dep-v0 section is not JSON (%s at line %d): skipped", je.text,
				     je.line);
		err = CUSTOMS_EFORMAT;
		goto done;
	}
	pkgs = json_object_get(root, "packages");
	if (!json_is_array(pkgs)) {
		customs__parse_warnf(warn, ud, 0, ".dep-v0 JSON has no \"packages\" array: skipped");
		err = CUSTOMS_EFORMAT;
		goto done;
	}
	const char *why = audit_validate(pkgs);
	if (why) {
		customs__parse_warnf(warn, ud, 0, ".dep-v0 dependency list is invalid (%s): skipped", why);
		err = CUSTOMS_EFORMAT;
		goto done;
	}
	json_array_foreach(pkgs, i, e) {
		customs_package *p = crate(json_string_value(json_object_get(e, "name")),
					   json_string_value(json_object_get(e, "version")));
		if (!p || (err = customs__pkgvec_push(&v, p)) < 0) {
			err = err ? err : nomem();
			goto done;
		}
		const char *kind = json_string_value(json_object_get(e, "kind"));
		if (md_str(p, "source", json_string_value(json_object_get(e, "source"))) < 0 ||
		    md_str(p, "kind", kind ? kind : "runtime") < 0 ||
		    (json_is_true(json_object_get(e, "root")) && json_object_set_new(p->metadata, "root", json_true()) < 0)) {
			err = nomem();
			goto done;
		}
	}
done:
	json_decref(root);
	free(js);
	if (err < 0) {
		customs__pkgvec_release(&v);
		return err;
	}
	*out = v.v;
	*n = v.n;
	return 0;
}

/* ---- the analyzer ---- */

/* One file as it streams: where it is, and a binary's scanner or a
 * Cargo.lock's bytes. */
typedef struct rustfile {
	customs_file_warn w;
	customs_depscan *scan;
	customs_buf lock;
	int is_lock, done, over;
} rustfile;

static const char *const basenames[] = {"Cargo.lock", NULL};

static void *stream_open(void *self, const customs_afile *f)
{
	const char *b = strrchr(f->path, '/');
	int is_lock = !strcmp(b ? b + 1 : f->path, "Cargo.lock");
	rustfile *r = customs__stream_ctx_new(sizeof(*r), f, is_lock ? "Cargo.lock" : "cargo-auditable");
	if (!r)
		return NULL;
	r->is_lock = is_lock;
	r->lock.max = MAX_CARGO_LOCK;
	if (!is_lock && !(r->scan = customs__depscan_new(f->size))) {
		free(r);
		return NULL;
	}
	return r;
}

static int stream_write(void *self, void *ctx, const unsigned char *data, size_t len)
{
	rustfile *r = ctx;
	if (r->is_lock) {
		if (customs_buf_put(&r->lock, data, len) < 0) {
			r->over = 1;
			return CUSTOMS_ELIMIT;
		}
		return 0;
	}
	int rc = customs__depscan_write(r->scan, data, len);
	if (rc == 1) {
		r->done = 1;
		return CUSTOMS_EINVAL; /* nothing more wanted */
	}
	return rc;
}

/* The packages of a finished stream: Cargo.lock's, or a .dep-v0 section's. */
static int parse(rustfile *r, customs_package ***pkgs, size_t *n)
{
	if (r->is_lock)
		return customs__rust_parse_cargo_lock(pkgs, n, r->lock.ptr ? r->lock.ptr : "", r->lock.len,
						      customs__file_warn, &r->w);
	unsigned char *z = NULL;
	size_t zl = 0;
	int rc = customs__depscan_finish(r->scan, &z, &zl, customs__file_warn, &r->w);
	if (rc == 0)
		rc = customs__rust_parse_auditable(pkgs, n, z, zl, customs__file_warn, &r->w);
	free(z);
	return rc;
}

static void stream_close(void *self, void *ctx, int ok)
{
	rustfile *r = ctx;
	customs_package **pkgs = NULL;
	size_t n = 0;
	if (r->is_lock && r->over) {
		customs_analysis_warn(r->w.a, CUSTOMS_WARN, r->w.layer, r->w.path,
				      "Cargo.lock over the %u MiB limit: not analysed", MAX_CARGO_LOCK >> 20);
	} else if (ok || (!r->is_lock && r->done)) {
		int rc = parse(r, &pkgs, &n);
		if (customs__copies_take(self, r->w.path, r->w.layer, rc, pkgs, n) == CUSTOMS_ENOMEM)
			customs_analysis_warn(r->w.a, CUSTOMS_ERROR, r->w.layer, r->w.path, "rust: out of memory");
	}
	customs__depscan_free(r->scan);
	customs_buf_release(&r->lock);
	free(r);
}

static int finish(void *self, customs_analysis *a)
{
	return copies__merge(self, a,
			     &(copies_merge){.found_by = "rust", .flags = COPIES_HARDLINKS | COPIES_OWNERS});
}

const customs_analyzer_type customs__rust_analyzer = {
	.version = CUSTOMS_ANALYZER_VERSION,
	.name = "rust",
	.description = "Rust crates from Cargo.lock and cargo-auditable binaries (.dep-v0)",
	.analyzer_version = "1",
	.flags = CUSTOMS_ANALYZER_THREADSAFE,
	.basenames = basenames,
	.want = customs__exe_want,
	.create = customs__copies_create,
	.destroy = customs__copies_destroy,
	.stream_open = stream_open,
	.stream_write = stream_write,
	.stream_close = stream_close,
	.finish = finish,
};
