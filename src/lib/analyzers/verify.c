/* verify.c - the dpkg-verify analyzer (opt-in): what `dpkg --verify`
 * checks, from the image.  Every regular file's MD5 is taken as it streams
 * past; each package's var/lib/dpkg/info/PKG[:ARCH].md5sums (md5sum(1)
 * lines, paths relative to /) is then held against the files a container
 * sees: a listed file that is missing, or whose digest differs, is a
 * package check (the packages gate's verify trigger reads them). */
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "analyzers/analyzers.h"
#include "model/model.h"
#include "util/util.h"

#define INFO        "var/lib/dpkg/info/"
#define MAX_MD5SUMS (16u << 20)

typedef struct digest {
	const char *path; /* in the arena */
	int layer;
	unsigned char md5[16];
} digest;

typedef struct sums {
	char *path;
	int layer;
	char *data;
	size_t len;
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
	EVP_MD_CTX *md;
	customs_buf sums; /* a md5sums file's content */
	int is_sums;
} vfile;

static int is_md5sums(const char *path)
{
	return !strncmp(path, INFO, sizeof(INFO) - 1) && customs_str_has_suffix(path, ".md5sums") &&
	       !strchr(path + sizeof(INFO) - 1, '/');
}

static int want(void *self, const char *path, uint32_t mode, uint64_t size)
{
	(void)self, (void)path, (void)mode, (void)size;
	return 1;
}

static void *stream_open(void *self, const customs_afile *f)
{
	vfile *v = customs__stream_ctx_new(sizeof(*v), f, "dpkg-verify");
	if (!v)
		return NULL;
	v->is_sums = is_md5sums(f->path);
	v->sums = (customs_buf)CUSTOMS_BUF_INIT(MAX_MD5SUMS);
	if (!(v->md = EVP_MD_CTX_new()) || !EVP_DigestInit_ex(v->md, EVP_md5(), NULL)) {
		EVP_MD_CTX_free(v->md);
		free(v);
		return NULL;
	}
	return v;
}

static int stream_write(void *self, void *ctx, const unsigned char *data, size_t len)
{
	vfile *v = ctx;
	EVP_DigestUpdate(v->md, data, len);
	if (v->is_sums && customs_buf_put(&v->sums, data, len) < 0)
		v->is_sums = 0; /* over the cap: warned at close */
	return 0;
}

static void stream_close(void *self, void *ctx, int ok)
{
	state *s = self;
	vfile *v = ctx;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	if (ok && EVP_DigestFinal_ex(v->md, md, &mdlen) && mdlen == 16) {
		pthread_mutex_lock(&s->mu);
		if (CUSTOMS_ARRAY_GROW(s->d, s->nd, s->capd) == 0) {
			digest *d = &s->d[s->nd];
			d->path = customs_arena_strdup(&s->arena, v->w.path);
			d->layer = v->w.layer;
			memcpy(d->md5, md, 16);
			s->nd += d->path != NULL;
		}
		if (v->is_sums && CUSTOMS_ARRAY_GROW(s->s, s->ns, s->caps) == 0) {
			sums *x = &s->s[s->ns];
			x->path = customs_strdup(v->w.path);
			x->layer = v->w.layer;
			x->len = v->sums.len;
			x->data = customs_buf_detach(&v->sums);
			if (x->path && x->data)
				s->ns++;
			else
				free(x->path), free(x->data);
		}
		pthread_mutex_unlock(&s->mu);
	}
	if (is_md5sums(v->w.path) && !v->is_sums)
		customs_analysis_warn(v->w.a, CUSTOMS_WARN, v->w.layer, v->w.path,
				      "dpkg-verify: over %u bytes: not read", MAX_MD5SUMS);
	EVP_MD_CTX_free(v->md);
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

static int finish(void *self, customs_analysis *a)
{
	state *s = self;
	int err;
	a->collected |= CUSTOMS_COLLECTED_VERIFY;
	err = 0;
	if (s->nd)
		qsort(s->d, s->nd, sizeof(*s->d), by_path_layer);
	for (size_t i = 0; i < s->ns && !err; i++)
		if (customs__analysis_visible(a, s->s[i].path, s->s[i].layer))
			err = check_package(s, a, &s->s[i]);
	return err;
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
	.name = "dpkg-verify",
	.description = "files of dpkg packages checked against their md5sums (opt-in)",
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
