/* verify.c - the package-verify analyzer (opt-in): what `dpkg --verify`
 * and `rpm --verify` check of file contents, from the image.  Every regular
 * file's MD5 and SHA-256 are taken as it streams past; then each dpkg
 * package's var/lib/dpkg/info/PKG[:ARCH].md5sums (md5sum(1) lines, paths
 * relative to /), and each package of the image's rpm database (its
 * FILEDIGESTS in the header's FILEDIGESTALGO: MD5 or SHA-256; directories,
 * links, %ghost and %config files left out, as dpkg leaves conffiles out of
 * md5sums) is held against the files a container sees: a listed file that
 * is missing, or whose digest differs, is a package check (the packages
 * gate's verify trigger reads them). */
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "analyzers/analyzers.h"
#include "analyzers/rpmdb.h"
#include "model/model.h"
#include "util/util.h"

#define INFO        "var/lib/dpkg/info/"
#define MAX_MD5SUMS (16u << 20)

typedef struct digest {
	const char *path; /* in the arena */
	int layer;
	unsigned char md5[16];
	unsigned char sha256[32];
} digest;

/* a kept database: a dpkg md5sums file, or an rpm database */
typedef struct sums {
	char *path;
	int layer;
	char *data;
	size_t len;
	int rpm;
} sums;

typedef struct state {
	pthread_mutex_t mu;
	customs_arena arena;
	digest *d;
	size_t nd, capd;
	sums *s;
	size_t ns, caps;
} state;

typedef struct vfile {
	customs_file_warn w;
	EVP_MD_CTX *md, *sha;
	customs_buf sums; /* a md5sums file's or an rpm database's content */
	int is_sums;      /* 1 md5sums, 2 rpm database; 0 when over the cap */
	int kind;         /* what is_sums was at open */
} vfile;

static int is_md5sums(const char *path)
{
	return !strncmp(path, INFO, sizeof(INFO) - 1) && customs_str_has_suffix(path, ".md5sums") &&
	       !strchr(path + sizeof(INFO) - 1, '/');
}

static int is_rpmdb(const char *path)
{
	for (size_t i = 0; customs__rpmdb_paths[i]; i++)
		if (!strcmp(path, customs__rpmdb_paths[i]))
			return 1;
	return 0;
}

static int want(void *self, const char *path, uint32_t mode, uint64_t size)
{
	(void)self, (void)path, (void)mode, (void)size;
	return 1;
}

static void *stream_open(void *self, const customs_afile *f)
{
	vfile *v = customs__stream_ctx_new(sizeof(*v), f, "package-verify");
	if (!v)
		return NULL;
	v->kind = v->is_sums = is_md5sums(f->path) ? 1 : is_rpmdb(f->path) ? 2 : 0;
	v->sums = (customs_buf)CUSTOMS_BUF_INIT(v->kind == 2 ? CUSTOMS__MAX_RPMDB : MAX_MD5SUMS);
	if (!(v->md = EVP_MD_CTX_new()) || !EVP_DigestInit_ex(v->md, EVP_md5(), NULL) || !(v->sha = EVP_MD_CTX_new()) ||
	    !EVP_DigestInit_ex(v->sha, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(v->md);
		EVP_MD_CTX_free(v->sha);
		free(v);
		return NULL;
	}
	return v;
}

static int stream_write(void *self, void *ctx, const unsigned char *data, size_t len)
{
	vfile *v = ctx;
	EVP_DigestUpdate(v->md, data, len);
	EVP_DigestUpdate(v->sha, data, len);
	if (v->is_sums && customs_buf_put(&v->sums, data, len) < 0)
		v->is_sums = 0; /* over the cap: warned at close */
	return 0;
}

static void stream_close(void *self, void *ctx, int ok)
{
	state *s = self;
	vfile *v = ctx;
	unsigned char md[EVP_MAX_MD_SIZE], sha[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, shalen = 0;
	if (ok && EVP_DigestFinal_ex(v->md, md, &mdlen) && mdlen == 16 && EVP_DigestFinal_ex(v->sha, sha, &shalen) &&
	    shalen == 32) {
		pthread_mutex_lock(&s->mu);
		if (CUSTOMS_ARRAY_GROW(s->d, s->nd, s->capd) == 0) {
			digest *d = &s->d[s->nd];
			d->path = customs_arena_strdup(&s->arena, v->w.path);
			d->layer = v->w.layer;
			memcpy(d->md5, md, 16);
			memcpy(d->sha256, sha, 32);
			s->nd += d->path != NULL;
		}
		if (v->is_sums && CUSTOMS_ARRAY_GROW(s->s, s->ns, s->caps) == 0) {
			sums *x = &s->s[s->ns];
			x->path = customs_strdup(v->w.path);
			x->layer = v->w.layer;
			x->len = v->sums.len;
			x->rpm = v->is_sums == 2;
			x->data = customs_buf_detach(&v->sums);
			if (x->path && (x->data || !x->len))
				s->ns++;
			else
				free(x->path), free(x->data);
		}
		pthread_mutex_unlock(&s->mu);
	}
	if (v->kind && !v->is_sums)
		customs_analysis_warn(v->w.a, CUSTOMS_WARN, v->w.layer, v->w.path,
				      "package-verify: over %u bytes: not read, its packages' files not checked",
				      v->kind == 2 ? CUSTOMS__MAX_RPMDB : MAX_MD5SUMS);
	EVP_MD_CTX_free(v->md);
	EVP_MD_CTX_free(v->sha);
	customs_buf_release(&v->sums);
	free(v);
}

static int by_path_layer(const void *x, const void *y)
{
	const digest *a = x, *b = y;
	int c = strcmp(a->path, b->path);
	return c ? c : (a->layer > b->layer) - (a->layer < b->layer);
}

static const digest *digest_of(state *s, const char *path, int layer)
{
	digest key = {.path = path, .layer = layer};
	return bsearch(&key, s->d, s->nd, sizeof(*s->d), by_path_layer);
}

/* One visible md5sums file against the files a container sees. */
static int check_package(state *s, customs_analysis *a, const sums *x)
{
	const char *base = x->path + sizeof(INFO) - 1;
	char *pkg = customs_strndup(base, strlen(base) - strlen(".md5sums"));
	const char *p = x->data, *end = x->data + x->len, *line;
	size_t len;
	int err = 0;
	if (!pkg)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	if (strchr(pkg, ':'))
		*strchr(pkg, ':') = '\0'; /* "libc6:amd64" is the package libc6 */
	while (!err && customs_next_line(&p, end, &line, &len, 1)) {
		char want[33], got[33], path[4096];
		if (len < 35 || line[32] != ' ' || len - 34 >= sizeof(path) - 1)
			continue;
		memcpy(want, line, 32);
		want[32] = '\0';
		memcpy(path, line + 34, len - 34);
		path[len - 34] = '\0';
		const customs_file *f = customs_analysis_lookup(a, path, 1);
		customs_package_check c = {
			.package = pkg, .type = "deb", .path = path, .algorithm = "md5", .expected = want};
		if (!f) {
			c.state = "missing";
		} else {
			const digest *d = digest_of(s, f->path, f->layer);
			if (!d)
				continue; /* not a regular file, or not read */
			customs_hex(got, d->md5, 16);
			if (!strcasecmp(got, want))
				continue;
			c.state = "changed";
			c.actual = got;
		}
		err = customs__analysis_add_package_check(a, &c);
	}
	free(pkg);
	return err;
}

/* ---- rpm ---- */

typedef struct rpm_ctx {
	state *s;
	customs_analysis *a;
	size_t unsupported; /* files listed with a digest algorithm not checked */
	uint32_t algo;
} rpm_ctx;

static void rpm_warn(void *ud, int level, uint64_t off, const char *msg)
{
	/* the rpm cataloger reads the same database and says what is wrong
	 * with it; a header it cannot read has no files to check here */
	(void)ud, (void)level, (void)off, (void)msg;
}

/* One package's files against the files a container sees. */
static int rpm_check(rpm_ctx *c, const customs__rpm_header *h)
{
	int err = 0;
	for (size_t i = 0; i < h->nfiles && !err; i++) {
		const customs__rpm_file *f = &h->files[i];
		char got[65];
		size_t dlen = h->digest_algo == 8 ? 32 : 16;
		if (!f->digest || !*f->digest || (f->flags & (CUSTOMS__RPMFILE_GHOST | CUSTOMS__RPMFILE_CONFIG)) ||
		    f->path[0] != '/')
			continue;
		if (h->digest_algo != 1 && h->digest_algo != 8) {
			c->unsupported++, c->algo = h->digest_algo;
			continue;
		}
		const customs_file *cf = customs_analysis_lookup(c->a, f->path + 1, 1);
		customs_package_check k = {.package = (char *)h->name,
					   .type = "rpm",
					   .path = (char *)f->path + 1,
					   .algorithm = h->digest_algo == 8 ? "sha256" : "md5",
					   .expected = (char *)f->digest};
		if (!cf) {
			k.state = "missing";
		} else {
			const digest *d = digest_of(c->s, cf->path, cf->layer);
			if (!d)
				continue; /* not a regular file, or not read */
			customs_hex(got, h->digest_algo == 8 ? d->sha256 : d->md5, dlen);
			if (!strcasecmp(got, f->digest))
				continue;
			k.state = "changed";
			k.actual = got;
		}
		err = customs__analysis_add_package_check(c->a, &k);
	}
	return err;
}

static int rpm_blob(void *ud, uint32_t instance, const unsigned char *blob, size_t len, uint64_t offset)
{
	rpm_ctx *c = ud;
	customs__rpm_header h;
	(void)instance, (void)offset;
	int err = customs__rpm_header_parse(&h, blob, len, rpm_warn, c);
	if (err == 0 && h.name && strcmp(h.name, "gpg-pubkey"))
		err = rpm_check(c, &h);
	customs__rpm_header_release(&h);
	return err == CUSTOMS_ENOMEM ? err : 0;
}

/* The image's rpm database (the first of rpm's locations a container
 * sees) against the files. */
static int check_rpm(state *s, customs_analysis *a)
{
	for (size_t p = 0; customs__rpmdb_paths[p]; p++)
		for (size_t i = 0; i < s->ns; i++) {
			const sums *x = &s->s[i];
			if (!x->rpm || strcmp(x->path, customs__rpmdb_paths[p]) ||
			    !customs__analysis_visible(a, x->path, x->layer))
				continue;
			rpm_ctx c = {.s = s, .a = a};
			int err = customs__rpmdb_parse((const unsigned char *)x->data, x->len, rpm_blob, rpm_warn, &c);
			if (err == CUSTOMS_ENOMEM)
				return err;
			if (err < 0)
				customs_analysis_warn(a, CUSTOMS_WARN, x->layer, x->path,
						      "package-verify: the rpm database cannot be read: its packages' "
						      "files not checked");
			if (c.unsupported)
				customs_analysis_warn(
					a, CUSTOMS_WARN, x->layer, x->path,
					"package-verify: %zu files listed with digest algorithm %u (not MD5 "
					"or SHA-256): not checked",
					c.unsupported, c.algo);
			return 0;
		}
	return 0;
}

static int finish(void *self, customs_analysis *a)
{
	state *s = self;
	int err;
	a->collected |= CUSTOMS_COLLECTED_VERIFY;
	err = 0;
	if (s->nd)
		qsort(s->d, s->nd, sizeof(*s->d), by_path_layer);
	for (size_t i = 0; i < s->ns && !err; i++)
		if (!s->s[i].rpm && customs__analysis_visible(a, s->s[i].path, s->s[i].layer))
			err = check_package(s, a, &s->s[i]);
	return err ? err : check_rpm(s, a);
}

static int create(void **out, const customs_analyzer_type *type)
{
	(void)type;
	return customs__locked_state_new(out, sizeof(state), offsetof(state, mu));
}

static void destroy(void *self)
{
	state *s = self;
	for (size_t i = 0; i < s->ns; i++)
		free(s->s[i].path), free(s->s[i].data);
	free(s->s);
	free(s->d);
	customs_arena_release(&s->arena);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

static int configure(void *self, const customs_options *o)
{
	(void)self;
	return o->verify_packages != 0;
}

const customs_analyzer_type customs__verify_analyzer = {
	.version = CUSTOMS_ANALYZER_VERSION,
	.name = "package-verify",
	.description = "files of dpkg and rpm packages checked against their databases' digests (opt-in)",
	.analyzer_version = "1",
	.flags = CUSTOMS_ANALYZER_THREADSAFE | CUSTOMS_ANALYZER_OPTIONAL,
	.want = want,
	.create = create,
	.destroy = destroy,
	.stream_open = stream_open,
	.stream_write = stream_write,
	.stream_close = stream_close,
	.finish = finish,
	.configure = configure,
};
