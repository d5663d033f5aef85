/* walk.c - one task per layer: blob stream → libarchive tar reader (format
 * tar only, fed already-inflated bytes) → per entry a file record, then the
 * content of wanted files to the analyzers.  The dir source walks a real
 * directory into the same records. */
#include <errno.h>
#include <fcntl.h>
#include <fts.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "layers/blobstream.h"
#include "layers/layers.h"

#define MAX_PATH_BYTES (1u << 20)

static lentry *push_entry(layer_result *r)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 1024;
		lentry *e = realloc(r->e, cap * sizeof(*e));
		if (!e)
			return NULL;
		r->e = e;
		r->cap = cap;
	}
	lentry *e = &r->e[r->n++];
	memset(e, 0, sizeof(*e));
	return e;
}

static const char *layer_label(engine *e, size_t layer, char *buf, size_t n)
{
	const source_layer *l = &e->img->layers[layer];
	snprintf(buf, n, "%s", l->digest ? l->digest : l->name ? l->name : "?");
	return buf;
}

/* Feed an entry's content to the analyzers in mask (and the file digest). */
static int deliver(entry_sink *s, lentry *le, uint64_t mask, content_read_fn rd, void *rdctx)
{
	engine *e = s->e;
	dispatch *d = e->d;
	customs_afile af = {
		.path = le->path, .link = le->link, .size = le->size, .mode = le->mode, .type = le->type,
		.layer = (int)s->layer, .layer_digest = e->img->layers[s->layer].digest, .analysis = e->a,
	};
	void *sctx[64] = {0};
	uint64_t whole = 0, streams = 0;
	size_t cap = 0;
	unsigned char *buf = NULL;
	EVP_MD_CTX *md = NULL;
	int ok = 1;

	for (size_t i = 0; i < d->n; i++) {
		if (!(mask & (1ull << i)))
			continue;
		const customs_analyzer_type *an = d->an[i].type;
		if (an->stream_open) {
			if (!(an->flags & CUSTOMS_ANALYZER_THREADSAFE))
				pthread_mutex_lock(&d->locks[i]);
			sctx[i] = an->stream_open(d->an[i].state, &af);
			if (!(an->flags & CUSTOMS_ANALYZER_THREADSAFE))
				pthread_mutex_unlock(&d->locks[i]);
			if (sctx[i])
				streams |= 1ull << i;
		} else if (an->file) {
			if (le->size > an->max_size) {
				customs_analysis_warn(e->a, CUSTOMS_WARN, (int)s->layer, le->path,
						      "%llu bytes, over analyzer %s's limit of %zu: not analysed",
						      (unsigned long long)le->size, an->name, an->max_size);
				continue;
			}
			whole |= 1ull << i;
			if (le->size > cap)
				cap = (size_t)le->size;
		}
	}
	if (!whole && !streams && !e->file_digests)
		return 0;
	if (whole && !(buf = calloc(1, cap + 1)))
		return customs__error(CUSTOMS_ENOMEM, "out of memory reading %s", le->path);
	if (e->file_digests && (md = EVP_MD_CTX_new()))
		EVP_DigestInit_ex(md, EVP_sha256(), NULL);

	uint64_t got = 0;
	for (;;) {
		const void *blk;
		uint64_t off;
		ssize_t n = rd(rdctx, &blk, &off);
		if (n == 0)
			break;
		if (n < 0) {
			ok = 0;
			break;
		}
		if (off + (uint64_t)n > le->size) {
			ok = 0; /* content longer than its header says: never trust it */
			break;
		}
		if (whole)
			memcpy(buf + off, blk, (size_t)n);
		if (md)
			EVP_DigestUpdate(md, blk, (size_t)n);
		for (uint64_t m = streams; m; m &= m - 1) {
			size_t i = (size_t)__builtin_ctzll(m);
			const customs_analyzer_type *an = d->an[i].type;
			if (!(an->flags & CUSTOMS_ANALYZER_THREADSAFE))
				pthread_mutex_lock(&d->locks[i]);
			if (an->stream_write(d->an[i].state, sctx[i], blk, (size_t)n) < 0)
				streams &= ~(1ull << i), an->stream_close(d->an[i].state, sctx[i], 0);
			if (!(an->flags & CUSTOMS_ANALYZER_THREADSAFE))
				pthread_mutex_unlock(&d->locks[i]);
		}
		got = off + (uint64_t)n > got ? off + (uint64_t)n : got;
	}
	for (uint64_t m = streams; m; m &= m - 1) {
		size_t i = (size_t)__builtin_ctzll(m);
		const customs_analyzer_type *an = d->an[i].type;
		if (!(an->flags & CUSTOMS_ANALYZER_THREADSAFE))
			pthread_mutex_lock(&d->locks[i]);
		an->stream_close(d->an[i].state, sctx[i], ok);
		if (!(an->flags & CUSTOMS_ANALYZER_THREADSAFE))
			pthread_mutex_unlock(&d->locks[i]);
	}
	if (ok && whole) {
		for (uint64_t m = whole; m; m &= m - 1) {
			size_t i = (size_t)__builtin_ctzll(m);
			const customs_analyzer_type *an = d->an[i].type;
			if (!(an->flags & CUSTOMS_ANALYZER_THREADSAFE))
				pthread_mutex_lock(&d->locks[i]);
			int rc = an->file(d->an[i].state, &af, buf, (size_t)le->size);
			if (!(an->flags & CUSTOMS_ANALYZER_THREADSAFE))
				pthread_mutex_unlock(&d->locks[i]);
			if (rc < 0)
				customs_analysis_warn(e->a, CUSTOMS_WARN, (int)s->layer, le->path, "analyzer %s failed: %s",
						      an->name, customs_error_last());
		}
	}
	if (md) {
		unsigned int mdlen;
		if (ok) {
			EVP_DigestFinal_ex(md, le->sha256, &mdlen);
			le->has_digest = 1;
		}
		EVP_MD_CTX_free(md);
	}
	free(buf);
	return ok ? 0 : CUSTOMS_EFORMAT;
}

int layers__add_entry(entry_sink *s, const char *rawpath, uint8_t type, const char *link, uint64_t size,
		      uint32_t mode, uint32_t uid, uint32_t gid, content_read_fn rd, void *rdctx)
{
	layer_result *r = s->r;
	size_t plen = strlen(rawpath);
	char *norm, *wh;
	int kind;

	if (plen >= MAX_PATH_BYTES) {
		r->skipped++;
		customs_analysis_warn(s->e->a, CUSTOMS_WARN, (int)s->layer, NULL, "entry with a %zu-byte name skipped",
				      plen);
		return 0;
	}
	norm = malloc(plen + 1);
	wh = malloc(plen + 1);
	if (!norm || !wh) {
		free(norm), free(wh);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	if (customs__path_normalize(norm, rawpath) < 0) {
		/* the root entry "." / "./" is not a file; ".." is hostile */
		if (strstr(rawpath, "..")) {
			/* an error, not a warning: the catalog lacks what the tar holds */
			r->skipped++;
			customs_analysis_warn(s->e->a, CUSTOMS_ERROR, (int)s->layer, rawpath,
					      "entry escapes the root with \"..\": skipped");
		}
		free(norm), free(wh);
		return 0;
	}
	if (rawpath[0] == '/')
		customs_analysis_warn(s->e->a, CUSTOMS_WARN, (int)s->layer, rawpath,
				      "absolute entry name, read as relative to the image root");
	kind = layers__whiteout_kind(norm, wh, plen + 1);
	if (kind < 0 || strstr(norm, ".wh..wh.plnk/")) {
		if (kind < 0 && strncmp(strrchr(norm, '/') ? strrchr(norm, '/') + 1 : norm, ".wh..wh.", 8) != 0)
			customs_analysis_warn(s->e->a, CUSTOMS_WARN, (int)s->layer, norm, "invalid whiteout name: skipped");
		free(norm), free(wh);
		return 0;
	}
	lentry *le = push_entry(r);
	if (!le) {
		free(norm), free(wh);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	le->kind = (uint8_t)kind;
	le->path = customs_arena_strdup(&r->arena, kind == ENTRY_FILE ? norm : wh);
	free(norm), free(wh);
	if (!le->path)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	if (kind != ENTRY_FILE)
		return 0;
	le->type = type;
	le->size = (type == CUSTOMS_FILE_REG) ? size : 0;
	le->mode = mode & 07777;
	le->uid = uid;
	le->gid = gid;
	if (link) {
		if (type == CUSTOMS_FILE_HARDLINK) {
			/* hard link names are root-relative like entry names */
			char *hn = malloc(strlen(link) + 1);
			if (hn && customs__path_normalize(hn, link) == 0)
				le->link = customs_arena_strdup(&r->arena, hn);
			else
				customs_analysis_warn(s->e->a, CUSTOMS_ERROR, (int)s->layer, le->path,
						      "hard link to an invalid target \"%s\"", link);
			free(hn);
		} else {
			le->link = customs_arena_strdup(&r->arena, link);
		}
	}
	if (type != CUSTOMS_FILE_REG || !rd)
		return 0;
	uint64_t mask = layers__dispatch_match(s->e->d, le->path, le->mode, le->size);
	if (!mask && !s->e->file_digests)
		return 0;
	return deliver(s, le, mask, rd, rdctx);
}

/* ---- tar layers ---- */

typedef struct tar_ctx {
	blobstream *bs;
	struct archive *ar;
	int stream_failed;
} tar_ctx;

static la_ssize_t la_read(struct archive *ar, void *ud, const void **buf)
{
	tar_ctx *t = ud;
	ssize_t n = blobstream_read(t->bs, buf);
	if (n < 0) {
		t->stream_failed = 1;
		archive_set_error(ar, EIO, "%s", blobstream_error(t->bs));
		return -1;
	}
	return n;
}

static ssize_t tar_content(void *ctx, const void **buf, uint64_t *offset)
{
	tar_ctx *t = ctx;
	size_t size;
	la_int64_t off;
	for (;;) { /* a loop, not recursion: a sparse entry may yield many empty blocks */
		int rc = archive_read_data_block(t->ar, buf, &size, &off);
		if (rc == ARCHIVE_EOF)
			return 0;
		if (rc < ARCHIVE_WARN || off < 0)
			return -1;
		*offset = (uint64_t)off;
		if (size)
			return (ssize_t)size;
	}
}

static uint8_t entry_type(struct archive_entry *en)
{
	if (archive_entry_hardlink(en))
		return CUSTOMS_FILE_HARDLINK;
	switch (archive_entry_filetype(en)) {
	case AE_IFDIR: return CUSTOMS_FILE_DIR;
	case AE_IFLNK: return CUSTOMS_FILE_SYMLINK;
	case AE_IFCHR: return CUSTOMS_FILE_CHAR;
	case AE_IFBLK: return CUSTOMS_FILE_BLOCK;
	case AE_IFIFO: return CUSTOMS_FILE_FIFO;
	case AE_IFSOCK: return CUSTOMS_FILE_SOCKET;
	default: return CUSTOMS_FILE_REG;
	}
}

static void engine_tick(void *ud)
{
	engine *e = ud;
	e->progress(e->progress_ud, atomic_load(&e->bytes_read), e->bytes_total);
}

void layers__walk_layer(engine *e, size_t li)
{
	layer_result *r = &e->results[li];
	const source_layer *sl = &e->img->layers[li];
	customs_blob_reader *rd = NULL;
	blobstream *bs = NULL;
	struct archive *ar = NULL;
	struct archive_entry *en;
	entry_sink sink = {e, li, r};
	tar_ctx t = {0};
	char lbl[160];
	int complete = 1, err;

	layer_label(e, li, lbl, sizeof(lbl));
	if (sl->missing) {
		if (sl->digest)
			customs_analysis_warn(e->a, CUSTOMS_ERROR, (int)li, NULL,
					      "blob %s is referenced by the manifest but missing from the image", sl->name);
		else /* docker-archive: a member name, absent or resolving outside the archive */
			customs_analysis_warn(e->a, CUSTOMS_ERROR, (int)li, sl->name,
					      "layer file named by manifest.json is not in the archive, or leads outside it");
		return;
	}
	if ((err = source__open_layer(e->img, sl, &rd)) < 0) {
		customs_analysis_warn(e->a, CUSTOMS_ERROR, (int)li, NULL, "cannot open the blob: %s", customs_error_last());
		return;
	}
	/* the diff_id is the only digest a docker-archive layer has */
	const char *diff_id = e->a->layers[li].diff_id;
	int report_out_hash = e->verify_diff_ids || !sl->digest;
	int need_out_hash = report_out_hash || e->check_diff_ids;
	blobstream_opts bo = {
		.max_out = e->max_layer_bytes, .max_ratio = e->max_ratio,
		.hash_out = need_out_hash && diff_id, .progress = &e->bytes_read,
		.tick = e->progress ? engine_tick : NULL, .tick_ud = e,
	};
	if (blobstream_open(&bs, rd, &bo) < 0) {
		customs_analysis_warn(e->a, CUSTOMS_ERROR, (int)li, NULL, "%s", customs_error_last());
		return;
	}
	t.bs = bs;
	if (!(ar = archive_read_new()) || archive_read_support_format_tar(ar) != ARCHIVE_OK ||
	    archive_read_open(ar, &t, NULL, la_read, NULL) != ARCHIVE_OK) {
		if (t.stream_failed)
			customs_analysis_warn(e->a, CUSTOMS_ERROR, (int)li, NULL, "%s", blobstream_error(bs));
		else
			customs_analysis_warn(e->a, CUSTOMS_ERROR, (int)li, NULL, "not a tar archive: %s",
					      ar ? archive_error_string(ar) : "out of memory");
		complete = 0;
		goto finish;
	}
	t.ar = ar;
	for (;;) {
		int rc = archive_read_next_header(ar, &en);
		if (rc == ARCHIVE_EOF)
			break;
		if (rc == ARCHIVE_RETRY)
			continue;
		if (rc < ARCHIVE_WARN) {
			/* name the last entry: the data being skipped, or the header
			 * after it, is where the stream broke */
			const char *msg = t.stream_failed ? blobstream_error(bs) : archive_error_string(ar);
			customs_analysis_warn(e->a, CUSTOMS_ERROR, (int)li, r->n ? r->e[r->n - 1].path : NULL,
					      "%s, %s (%zu entries read)%s", msg ? msg : "corrupt tar",
					      r->n ? "in this entry's data or the header after it" : "in the first header",
					      r->n, t.stream_failed ? "" : "; corrupt or truncated tar");
			complete = 0;
			break;
		}
		if (r->n >= e->max_entries) {
			customs_analysis_warn(e->a, CUSTOMS_ERROR, (int)li, NULL,
					      "more than %llu entries in one layer (--max-entries): rest skipped",
					      (unsigned long long)e->max_entries);
			complete = 0;
			break;
		}
		const char *path = archive_entry_pathname_utf8(en);
		if (!path)
			path = archive_entry_pathname(en);
		if (!path) {
			r->skipped++;
			customs_analysis_warn(e->a, CUSTOMS_WARN, (int)li, NULL, "entry without a readable name skipped");
			continue;
		}
		uint8_t type = entry_type(en);
		const char *link = NULL;
		if (type == CUSTOMS_FILE_HARDLINK) {
			link = archive_entry_hardlink_utf8(en);
			if (!link)
				link = archive_entry_hardlink(en);
		} else if (type == CUSTOMS_FILE_SYMLINK) {
			link = archive_entry_symlink_utf8(en);
			if (!link)
				link = archive_entry_symlink(en);
			if (!link)
				link = "";
		}
		la_int64_t size = archive_entry_size(en);
		err = layers__add_entry(&sink, path, type, link, size > 0 ? (uint64_t)size : 0,
					(uint32_t)archive_entry_perm(en), (uint32_t)archive_entry_uid(en),
					(uint32_t)archive_entry_gid(en), tar_content, &t);
		if (err < 0) {
			const char *msg = t.stream_failed ? blobstream_error(bs)
					  : err == CUSTOMS_EFORMAT ? archive_error_string(ar) : customs_error_last();
			customs_analysis_warn(e->a, CUSTOMS_ERROR, (int)li, path, "%s while reading the file",
					      msg ? msg : "corrupt or truncated tar");
			complete = 0;
			break;
		}
	}
	/* the diff_id covers the trailer and padding too: read to the end */
	if (complete && !t.stream_failed) {
		const void *b;
		ssize_t n;
		while ((n = blobstream_read(bs, &b)) > 0)
			;
		if (n < 0) {
			customs_analysis_warn(e->a, CUSTOMS_ERROR, (int)li, NULL, "%s", blobstream_error(bs));
			complete = 0;
		}
	}
finish:
	if (ar)
		archive_read_free(ar);
	blobstream_drain(bs);
	r->tar_bytes = blobstream_out_bytes(bs);
	const char *got = blobstream_digest(bs);
	if (blobstream_read_failed(bs)) {
		if (complete)
			customs_analysis_warn(e->a, CUSTOMS_ERROR, (int)li, NULL, "%s", blobstream_error(bs));
		complete = 0;
	} else if (got) {
		r->blob_digest = customs_arena_strdup(&r->arena, got);
		if (sl->digest && strcmp(got, sl->digest) != 0) {
			customs_analysis_warn(e->a, CUSTOMS_ERROR, (int)li, NULL,
					      "blob digest mismatch: the manifest says %s, the blob hashes to %s", sl->digest, got);
			complete = 0;
		} else if (sl->digest && sl->size >= 0 && (uint64_t)sl->size != blobstream_in_bytes(bs)) {
			customs_analysis_warn(e->a, CUSTOMS_ERROR, (int)li, NULL,
					      "blob size mismatch: the manifest says %lld bytes, the blob has %llu",
					      (long long)sl->size, (unsigned long long)blobstream_in_bytes(bs));
			complete = 0;
		}
	}
	if (complete && diff_id && need_out_hash) {
		const char *od = blobstream_out_digest(bs);
		if (od && strcmp(od, diff_id) != 0) {
			customs_analysis_warn(e->a, CUSTOMS_ERROR, (int)li, NULL,
					      "diff_id mismatch: the config says %s, the uncompressed layer hashes to %s", diff_id, od);
			complete = 0;
		} else if (od) {
			r->diff_id_checked = 1;
			r->diff_id_verified = report_out_hash;
		}
	} else if (complete && !diff_id && !sl->digest) {
		customs_analysis_warn(e->a, CUSTOMS_WARN, (int)li, NULL, "layer has no digest to verify against");
	}
	r->complete = complete;
	blobstream_free(bs);
}

/* ---- a root filesystem directory as one layer ---- */

typedef struct dir_ctx {
	int fd;
	unsigned char buf[65536];
	uint64_t off;
} dir_ctx;

static ssize_t dir_content(void *ctx, const void **buf, uint64_t *offset)
{
	dir_ctx *d = ctx;
	for (;;) {
		ssize_t n = read(d->fd, d->buf, sizeof(d->buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -1 : 0;
		*buf = d->buf;
		*offset = d->off;
		d->off += (uint64_t)n;
		return n;
	}
}

void layers__walk_dir(engine *e, const char *root)
{
	layer_result *r = &e->results[0];
	entry_sink sink = {e, 0, r};
	char *const roots[] = {(char *)root, NULL};
	FTS *fts = fts_open(roots, FTS_PHYSICAL | FTS_NOCHDIR | FTS_XDEV, NULL);
	FTSENT *f;
	size_t rl = strlen(root);
	dir_ctx *dc = malloc(sizeof(*dc));
	int complete = 1;

	if (!fts || !dc) {
		customs_analysis_warn(e->a, CUSTOMS_ERROR, 0, NULL, "cannot walk %s: %s", root, strerror(errno));
		if (fts)
			fts_close(fts);
		free(dc);
		return;
	}
	while ((f = fts_read(fts)) != NULL) {
		if (f->fts_info == FTS_DP)
			continue;
		if (f->fts_level == 0)
			continue; /* the root itself */
		const char *rel = f->fts_path + rl;
		while (*rel == '/')
			rel++;
		if (f->fts_info == FTS_DNR || f->fts_info == FTS_ERR || f->fts_info == FTS_NS) {
			customs_analysis_warn(e->a, CUSTOMS_WARN, 0, rel, "unreadable: %s", strerror(f->fts_errno));
			r->skipped++;
			if (f->fts_info != FTS_DNR)
				continue;
		}
		const struct stat *st = f->fts_statp;
		uint8_t type;
		char target[4096];
		const char *link = NULL;
		switch (st->st_mode & S_IFMT) {
		case S_IFDIR: type = CUSTOMS_FILE_DIR; break;
		case S_IFLNK: {
			ssize_t n = readlink(f->fts_accpath, target, sizeof(target) - 1);
			target[n > 0 ? n : 0] = '\0';
			link = target;
			type = CUSTOMS_FILE_SYMLINK;
			break;
		}
		case S_IFCHR: type = CUSTOMS_FILE_CHAR; break;
		case S_IFBLK: type = CUSTOMS_FILE_BLOCK; break;
		case S_IFIFO: type = CUSTOMS_FILE_FIFO; break;
		case S_IFSOCK: type = CUSTOMS_FILE_SOCKET; break;
		default: type = CUSTOMS_FILE_REG; break;
		}
		if (r->n >= e->max_entries) {
			customs_analysis_warn(e->a, CUSTOMS_ERROR, 0, NULL, "more than %llu entries (--max-entries): rest skipped",
					      (unsigned long long)e->max_entries);
			complete = 0;
			break;
		}
		dc->fd = -1;
		dc->off = 0;
		if (type == CUSTOMS_FILE_REG) {
			dc->fd = open(f->fts_accpath, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
			e->bytes_read += (uint64_t)st->st_size;
		}
		int err = layers__add_entry(&sink, rel, type, link, (uint64_t)st->st_size, st->st_mode & 07777,
					    st->st_uid, st->st_gid, dc->fd >= 0 ? dir_content : NULL, dc);
		if (dc->fd >= 0)
			close(dc->fd);
		if (err == CUSTOMS_EFORMAT) {
			customs_analysis_warn(e->a, CUSTOMS_WARN, 0, rel, "read error: %s", strerror(errno));
		} else if (err < 0) {
			customs_analysis_warn(e->a, CUSTOMS_ERROR, 0, rel, "%s", customs_error_last());
			complete = 0;
			break;
		}
		r->tar_bytes += (uint64_t)st->st_size;
	}
	fts_close(fts);
	free(dc);
	r->complete = complete;
}

/* ---- the pool ---- */

typedef struct pool {
	engine *e;
	size_t *order;
	size_t n;
	_Atomic size_t next;
} pool;

static void *pool_main(void *arg)
{
	pool *p = arg;
	for (;;) {
		size_t k = atomic_fetch_add(&p->next, 1);
		if (k >= p->n)
			return NULL;
		layers__walk_layer(p->e, p->order[k]);
	}
}

static engine *sort_engine;
static int by_size_desc(const void *a, const void *b)
{
	const source_layer *la = &sort_engine->img->layers[*(const size_t *)a];
	const source_layer *lb = &sort_engine->img->layers[*(const size_t *)b];
	return la->length < lb->length ? 1 : la->length > lb->length ? -1 : 0;
}

static pthread_mutex_t sort_lock = PTHREAD_MUTEX_INITIALIZER;

void layers__walk_all(engine *e, int threads)
{
	size_t n = e->img->nlayers;
	pool p = {.e = e, .n = n};
	pthread_t th[64];
	int nt = threads < 1 ? 1 : threads > 64 ? 64 : threads;

	if (!(p.order = malloc((n ? n : 1) * sizeof(size_t)))) {
		for (size_t i = 0; i < n; i++)
			if (!e->skip || !e->skip[i])
				layers__walk_layer(e, i);
		return;
	}
	/* only the layers to walk: a thread per skipped layer would be idle */
	p.n = 0;
	for (size_t i = 0; i < n; i++)
		if (!e->skip || !e->skip[i])
			p.order[p.n++] = i;
	n = p.n;
	pthread_mutex_lock(&sort_lock);
	sort_engine = e;
	qsort(p.order, n, sizeof(size_t), by_size_desc);
	pthread_mutex_unlock(&sort_lock);
	if ((size_t)nt > n)
		nt = (int)n;
	int started = 0;
	for (int i = 1; i < nt; i++)
		if (pthread_create(&th[started], NULL, pool_main, &p) == 0)
			started++;
	pool_main(&p);
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	free(p.order);
}
