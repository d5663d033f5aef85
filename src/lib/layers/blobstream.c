/* blobstream.c - reader/hasher thread + bounded chunk ring + inflater.
 * gzip: RFC 1952 (multi-member), zstd: RFC 8878 (multi-frame, skippable
 * frames), both decoded to the end of the blob. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <isa-l/igzip_lib.h>
#include <openssl/evp.h>
#include <zstd.h>

#include "layers/blobstream.h"
#include "util/util.h"

#define NSLOT 8
#define CHUNK (256u << 10)
#define OUTBUF (256u << 10)
#define RATIO_FLOOR (64ull << 20)

enum { COMP_UNKNOWN, COMP_NONE, COMP_GZIP, COMP_ZSTD };

struct blobstream {
	customs_blob_reader *r;
	pthread_t th;
	int th_started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned char *slot[NSLOT];
	size_t slen[NSLOT];
	size_t head, count;   /* ring: filled slots [head, head+count) */
	int held;             /* consumer holds slot head */
	int eof, rerr, stop;
	uint64_t raw_total;   /* bytes the reader got from the source, drained ones included */
	char rmsg[512];
	EVP_MD_CTX *in_md;
	char in_digest[80];
	_Atomic uint64_t *progress;
	void (*tick)(void *ud);
	void *tick_ud;

	/* consumer side */
	int comp;
	const unsigned char *in;
	size_t in_len;
	uint64_t in_total, out_total, max_out, max_ratio;
	struct inflate_state *gz;
	int gz_done;          /* current member finished */
	ZSTD_DStream *zs;
	size_t zs_last;       /* last ZSTD_decompressStream hint; 0 = frame boundary */
	unsigned char *out;
	EVP_MD_CTX *out_md;
	char out_digest[80];
	int ended, failed;
	char msg[512];
};

static void *reader_main(void *arg)
{
	blobstream *b = arg;
	for (;;) {
		pthread_mutex_lock(&b->mu);
		while (b->count == NSLOT && !b->stop)
			pthread_cond_wait(&b->cv, &b->mu);
		if (b->stop) {
			pthread_mutex_unlock(&b->mu);
			return NULL;
		}
		size_t idx = (b->head + b->count) % NSLOT;
		pthread_mutex_unlock(&b->mu);

		/* fill the slot outside the lock: it is not in the ring yet */
		size_t got = 0;
		ssize_t n = 1;
		while (got < CHUNK) {
			n = b->r->read(b->r, b->slot[idx] + got, CHUNK - got);
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		if (got) {
			EVP_DigestUpdate(b->in_md, b->slot[idx], got);
			if (b->progress) {
				uint64_t before = atomic_fetch_add(b->progress, got);
				if (b->tick && (before >> 23) != ((before + got) >> 23))
					b->tick(b->tick_ud);
			}
		}
		pthread_mutex_lock(&b->mu);
		if (got) {
			b->slen[idx] = got;
			b->count++;
			b->raw_total += got;
		}
		if (n < 0) {
			b->rerr = 1;
			snprintf(b->rmsg, sizeof(b->rmsg), "%s", customs_error_last());
		} else if (n == 0) {
			unsigned char md[32];
			unsigned int mdlen;
			char hex[65];
			EVP_DigestFinal_ex(b->in_md, md, &mdlen);
			customs_hex(hex, md, 32);
			snprintf(b->in_digest, sizeof(b->in_digest), "sha256:%s", hex);
			b->eof = 1;
		}
		pthread_cond_broadcast(&b->cv);
		int done = n <= 0;
		pthread_mutex_unlock(&b->mu);
		if (done)
			return NULL;
	}
}

/* Consumer: get the next raw chunk (releasing the held one). 1 ok, 0 end, -1 error. */
static int next_chunk(blobstream *b)
{
	pthread_mutex_lock(&b->mu);
	if (b->held) {
		b->head = (b->head + 1) % NSLOT;
		b->count--;
		b->held = 0;
		pthread_cond_broadcast(&b->cv);
	}
	while (b->count == 0 && !b->eof && !b->rerr)
		pthread_cond_wait(&b->cv, &b->mu);
	int rc;
	if (b->count > 0) {
		b->held = 1;
		b->in = b->slot[b->head];
		b->in_len = b->slen[b->head];
		b->in_total += b->in_len;
		rc = 1;
	} else if (b->rerr) {
		snprintf(b->msg, sizeof(b->msg), "%s", b->rmsg);
		rc = -1;
	} else {
		rc = 0;
	}
	pthread_mutex_unlock(&b->mu);
	return rc;
}

int blobstream_open(blobstream **out, customs_blob_reader *r, const blobstream_opts *o)
{
	blobstream *b = calloc(1, sizeof(*b));
	if (!b) {
		r->close(r);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	b->r = r;
	pthread_mutex_init(&b->mu, NULL);
	pthread_cond_init(&b->cv, NULL);
	b->max_out = o->max_out;
	b->max_ratio = o->max_ratio;
	b->progress = o->progress;
	b->tick = o->tick;
	b->tick_ud = o->tick_ud;
	b->in_md = EVP_MD_CTX_new();
	b->out = malloc(OUTBUF);
	int ok = b->in_md && b->out && EVP_DigestInit_ex(b->in_md, EVP_sha256(), NULL);
	for (int i = 0; i < NSLOT && ok; i++)
		ok = (b->slot[i] = malloc(CHUNK)) != NULL;
	if (ok && o->hash_out)
		ok = (b->out_md = EVP_MD_CTX_new()) && EVP_DigestInit_ex(b->out_md, EVP_sha256(), NULL);
	if (!ok || pthread_create(&b->th, NULL, reader_main, b) != 0) {
		blobstream_free(b);
		return customs__error(CUSTOMS_ENOMEM, "cannot start the blob reader");
	}
	b->th_started = 1;
	*out = b;
	return 0;
}

static ssize_t fail(blobstream *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static ssize_t fail(blobstream *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b->msg, sizeof(b->msg), fmt, ap);
	va_end(ap);
	b->failed = 1;
	return -1;
}

static const char *isal_err(int rc)
{
	switch (rc) {
	case ISAL_INVALID_BLOCK: return "invalid deflate block";
	case ISAL_INVALID_SYMBOL: return "invalid deflate symbol";
	case ISAL_INVALID_LOOKBACK: return "invalid deflate distance";
	case ISAL_INVALID_WRAPPER: return "invalid gzip header";
	case ISAL_UNSUPPORTED_METHOD: return "unsupported gzip compression method";
	case ISAL_INCORRECT_CHECKSUM: return "gzip CRC or length mismatch";
	default: return "gzip decode error";
	}
}

static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static ssize_t check_limits(blobstream *b, size_t produced)
{
	b->out_total += produced;
	if (b->max_out && b->out_total > b->max_out)
		return fail(b, "uncompressed layer exceeds the limit of %llu bytes (--max-layer-bytes)",
			    (unsigned long long)b->max_out);
	if (b->max_ratio && b->out_total > RATIO_FLOOR && b->out_total / (b->in_total ? b->in_total : 1) > b->max_ratio)
		return fail(b, "decompression bomb: layer expands more than %llu times (%llu bytes from %llu; --max-ratio)",
			    (unsigned long long)b->max_ratio, (unsigned long long)b->out_total,
			    (unsigned long long)b->in_total);
	if (b->out_md && produced)
		EVP_DigestUpdate(b->out_md, b->out, produced);
	return (ssize_t)produced;
}

static ssize_t read_gzip(blobstream *b, const void **buf)
{
	struct inflate_state *g = b->gz;
	for (;;) {
		if (g->avail_in == 0) {
			int rc = next_chunk(b);
			if (rc < 0)
				return fail(b, "%s", b->rmsg);
			if (rc == 0) {
				if (!b->gz_done)
					return fail(b, "truncated gzip stream: blob ends inside compressed data after %llu bytes",
						    (unsigned long long)b->in_total);
				return 0;
			}
			g->next_in = (uint8_t *)b->in;
			g->avail_in = (uint32_t)b->in_len;
		}
		if (b->gz_done) {
			/* between members: another member, zero padding, or garbage */
			if (g->avail_in && g->next_in[0] == 0x1f) {
				isal_inflate_reset(g);
				g->crc_flag = ISAL_GZIP;
				b->gz_done = 0;
			} else if (all_zero(g->next_in, g->avail_in)) {
				g->avail_in = 0;
				continue;
			} else {
				return fail(b, "unexpected data after the end of the gzip stream at byte %llu",
					    (unsigned long long)(b->in_total - g->avail_in));
			}
		}
		g->next_out = b->out;
		g->avail_out = OUTBUF;
		int rc = isal_inflate(g);
		if (rc < 0)
			return fail(b, "corrupt gzip data: %s near byte %llu", isal_err(rc),
				    (unsigned long long)(b->in_total - g->avail_in));
		if (rc == ISAL_NEED_DICT)
			return fail(b, "corrupt gzip data: stream needs a preset dictionary");
		if (g->block_state == ISAL_BLOCK_FINISH)
			b->gz_done = 1;
		size_t produced = OUTBUF - g->avail_out;
		if (produced) {
			*buf = b->out;
			return check_limits(b, produced);
		}
	}
}

static ssize_t read_zstd(blobstream *b, const void **buf)
{
	for (;;) {
		if (b->in_len == 0) {
			int rc = next_chunk(b);
			if (rc < 0)
				return fail(b, "%s", b->rmsg);
			if (rc == 0) {
				if (b->zs_last != 0)
					return fail(b, "truncated zstd stream: blob ends inside a frame after %llu bytes",
						    (unsigned long long)b->in_total);
				return 0;
			}
		}
		ZSTD_inBuffer in = {b->in, b->in_len, 0};
		ZSTD_outBuffer out = {b->out, OUTBUF, 0};
		size_t r = ZSTD_decompressStream(b->zs, &out, &in);
		b->in += in.pos;
		b->in_len -= in.pos;
		if (ZSTD_isError(r))
			return fail(b, "corrupt zstd data: %s", ZSTD_getErrorName(r));
		b->zs_last = r;
		if (out.pos) {
			*buf = b->out;
			return check_limits(b, out.pos);
		}
	}
}

static ssize_t read_plain(blobstream *b, const void **buf)
{
	if (b->in_len == 0) {
		int rc = next_chunk(b);
		if (rc < 0)
			return fail(b, "%s", b->rmsg);
		if (rc == 0)
			return 0;
	}
	*buf = b->in;
	size_t n = b->in_len;
	b->in_len = 0;
	b->out_total += n;
	if (b->max_out && b->out_total > b->max_out)
		return fail(b, "layer exceeds the limit of %llu bytes (--max-layer-bytes)", (unsigned long long)b->max_out);
	if (b->out_md)
		EVP_DigestUpdate(b->out_md, *buf, n);
	return (ssize_t)n;
}

static int sniff(blobstream *b)
{
	int rc = next_chunk(b);
	if (rc < 0)
		return fail(b, "%s", b->rmsg), -1;
	if (rc == 0) {
		b->comp = COMP_NONE;
		return 0;
	}
	const unsigned char *p = b->in;
	if (b->in_len >= 3 && p[0] == 0x1f && p[1] == 0x8b && p[2] == 8) {
		b->comp = COMP_GZIP;
		b->gz = calloc(1, sizeof(*b->gz));
		if (!b->gz)
			return fail(b, "out of memory"), -1;
		isal_inflate_init(b->gz);
		b->gz->crc_flag = ISAL_GZIP;
		b->gz->next_in = (uint8_t *)b->in;
		b->gz->avail_in = (uint32_t)b->in_len;
	} else if (b->in_len >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd) {
		b->comp = COMP_ZSTD;
		if (!(b->zs = ZSTD_createDStream()))
			return fail(b, "out of memory"), -1;
		/* window cap bounds decoder memory (zstd's default limit, 128 MiB) */
		ZSTD_DCtx_setParameter(b->zs, ZSTD_d_windowLogMax, 27);
		b->zs_last = 1;
	} else {
		b->comp = COMP_NONE;
	}
	return 0;
}

ssize_t blobstream_read(blobstream *b, const void **buf)
{
	ssize_t n;
	if (b->failed)
		return -1;
	if (b->ended)
		return 0;
	if (b->comp == COMP_UNKNOWN && sniff(b) < 0)
		return -1;
	switch (b->comp) {
	case COMP_GZIP: n = read_gzip(b, buf); break;
	case COMP_ZSTD: n = read_zstd(b, buf); break;
	default: n = read_plain(b, buf); break;
	}
	if (n == 0) {
		b->ended = 1;
		if (b->out_md) {
			unsigned char md[32];
			unsigned int mdlen;
			char hex[65];
			EVP_DigestFinal_ex(b->out_md, md, &mdlen);
			customs_hex(hex, md, 32);
			snprintf(b->out_digest, sizeof(b->out_digest), "sha256:%s", hex);
		}
	}
	return n;
}

void blobstream_drain(blobstream *b)
{
	for (;;) {
		pthread_mutex_lock(&b->mu);
		if (b->held) {
			b->head = (b->head + 1) % NSLOT;
			b->count--;
			b->held = 0;
		}
		b->head = (b->head + b->count) % NSLOT;
		b->count = 0;
		pthread_cond_broadcast(&b->cv);
		int done = b->eof || b->rerr;
		if (!done)
			pthread_cond_wait(&b->cv, &b->mu);
		done = (b->eof || b->rerr) && b->count == 0;
		pthread_mutex_unlock(&b->mu);
		if (done)
			break;
	}
	b->in_len = 0;
	if (b->gz)
		b->gz->avail_in = 0;
}

const char *blobstream_error(const blobstream *b)
{
	return b->msg[0] ? b->msg : "no error";
}

const char *blobstream_compression(const blobstream *b)
{
	return b->comp == COMP_GZIP ? "gzip" : b->comp == COMP_ZSTD ? "zstd" : "none";
}

const char *blobstream_digest(const blobstream *b)
{
	return b->in_digest[0] ? b->in_digest : NULL;
}

const char *blobstream_out_digest(const blobstream *b)
{
	return b->out_digest[0] ? b->out_digest : NULL;
}

uint64_t blobstream_in_bytes(const blobstream *b)
{
	/* what the reader read, not what the inflater consumed: after an
	 * error and a drain the two differ, and the blob size check wants the
	 * former.  Called after blobstream_drain, whose lock orders this read
	 * after the reader's last write. */
	return b->raw_total;
}

uint64_t blobstream_out_bytes(const blobstream *b)
{
	return b->out_total;
}

int blobstream_read_failed(const blobstream *b)
{
	return b->rerr;
}

void blobstream_free(blobstream *b)
{
	if (!b)
		return;
	if (b->th_started) {
		pthread_mutex_lock(&b->mu);
		b->stop = 1;
		pthread_cond_broadcast(&b->cv);
		pthread_mutex_unlock(&b->mu);
		pthread_join(b->th, NULL);
	}
	if (b->r)
		b->r->close(b->r);
	for (int i = 0; i < NSLOT; i++)
		free(b->slot[i]);
	free(b->out);
	free(b->gz);
	if (b->zs)
		ZSTD_freeDStream(b->zs);
	EVP_MD_CTX_free(b->in_md);
	EVP_MD_CTX_free(b->out_md);
	pthread_mutex_destroy(&b->mu);
	pthread_cond_destroy(&b->cv);
	free(b);
}
