/* layers.h - the single pass over an image's layers: blob stream (hash +
 * inflate), tar walk with analyzer dispatch, and the top-down squash. */
#ifndef CUSTOMS_LAYERS_H
#define CUSTOMS_LAYERS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "layers/analyzer_run.h"
#include "customs/analysis.h"
#include "source/source.h"
#include "util/util.h"

enum { ENTRY_FILE = 0, ENTRY_WHITEOUT = 1, ENTRY_OPAQUE = 2 };

/* One tar entry of one layer, as walked. */
typedef struct lentry {
	const char *path;      /* normalised; for whiteouts: the path it deletes;
	                        * for opaque markers: the opaque directory */
	const char *link;
	uint64_t size;
	uint32_t mode, uid, gid;
	uint8_t type;          /* customs_file_type */
	uint8_t kind;          /* ENTRY_* */
	uint8_t has_digest;
	unsigned char sha256[32];
} lentry;

typedef struct layer_result {
	customs_arena arena;
	lentry *e;
	size_t n, cap;
	uint64_t tar_bytes;
	size_t skipped;
	int complete;
	int diff_id_verified;  /* verified, and reported so (--verify-diff-ids, docker-archive) */
	int diff_id_checked;   /* the uncompressed stream hashed to the config's diff_id */
	char *blob_digest;     /* computed sha256 of the blob */
} layer_result;

/* Dispatch tables built once from every analyzer's declaration. */
typedef struct suffix_rule {
	const char *s;
	size_t len;
	uint64_t mask;
} suffix_rule;

typedef struct dispatch {
	analyzer_run *an;
	size_t n;
	pthread_mutex_t *locks;
	customs_strmap paths;     /* path → mask */
	customs_strmap basenames; /* basename → mask */
	suffix_rule *suffixes;
	size_t nsuffixes;
	uint64_t want_mask;       /* analyzers with a want() predicate */
} dispatch;

int layers__dispatch_init(dispatch *d, analyzer_run *an, size_t n);
void layers__dispatch_release(dispatch *d);
uint64_t layers__dispatch_match(dispatch *d, const char *path, uint32_t mode, uint64_t size);

/* Everything a layer task needs. */
typedef struct engine {
	customs_analysis *a;
	source_image *img;
	dispatch *d;
	layer_result *results;
	uint64_t max_layer_bytes;
	uint64_t max_ratio;
	uint64_t max_entries;
	int verify_diff_ids;
	int file_digests;
	/* hash every layer's uncompressed stream against its diff_id, without
	 * reporting it as verified unless verify_diff_ids: a layer whose
	 * results are kept under its diff_id must have been checked */
	int check_diff_ids;
	const uint8_t *skip;      /* per layer: 1 when its results came from elsewhere (not walked), or NULL */
	_Atomic uint64_t bytes_read;
	uint64_t bytes_total;
	void (*progress)(void *ud, uint64_t done, uint64_t total);
	void *progress_ud;
} engine;

/* Walk layer i (blob → inflate → tar → analyzers) into e->results[i]. */
void layers__walk_layer(engine *e, size_t i);
/* Walk the dir source's root directory as layer 0. */
void layers__walk_dir(engine *e, const char *root);
/* Run all layer tasks on `threads` threads, largest first. */
void layers__walk_all(engine *e, int threads);

/* Merge the walked layers top-down into a->files. */
int layers__squash(customs_analysis *a, layer_result *res, size_t nlayers);
/* The last step of the squash, for a catalog built some other way (a
 * stored one): sort a->files by path, then layer (ties keep the order they
 * came in: a layer's entries last first, as the squash adds them), and
 * give each hard link its target's size and digest; warn: report links
 * whose target is missing or not a regular file. */
int layers__catalog_finish(customs_analysis *a, int warn);

/* Shared by tar and dir walkers: record an entry, deliver content. */
typedef struct entry_sink {
	engine *e;
	size_t layer;
	layer_result *r;
} entry_sink;

/* A content source for one entry: read returns >0 bytes, 0 at end, <0 error. */
typedef ssize_t (*content_read_fn)(void *ctx, const void **buf, uint64_t *offset);

/* Add the entry described by (raw path, ...) and feed its content to the
 * analyzers that want it. Returns < 0 only on fatal stream errors. */
int layers__add_entry(entry_sink *s, const char *rawpath, uint8_t type, const char *link, uint64_t size,
		      uint32_t mode, uint32_t uid, uint32_t gid, content_read_fn rd, void *rdctx);

/* Apply whiteout naming rules to a normalised path: returns ENTRY_FILE,
 * ENTRY_WHITEOUT (target written to out), ENTRY_OPAQUE (directory written
 * to out), or -1 for names that must be dropped (AUFS metadata, bare .wh.). */
int layers__whiteout_kind(const char *path, char *out, size_t outlen);

#endif
