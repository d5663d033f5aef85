/* blobstream.h - a layer blob as a stream of uncompressed bytes.
 *
 * A reader thread pulls the raw blob from its source and hashes it (the
 * descriptor digest is the trust root) while the consumer inflates the
 * previous chunks: hashing runs beside inflating on a second core.
 * Compression is sniffed from the first bytes (gzip via isa-l, zstd via
 * libzstd, else plain tar); the media type is only a hint. */
#ifndef CUSTOMS_BLOBSTREAM_H
#define CUSTOMS_BLOBSTREAM_H

#include <stdint.h>
#include <sys/types.h>

#include "source/source.h"

typedef struct blobstream blobstream;

typedef struct blobstream_opts {
	uint64_t max_out;        /* uncompressed byte cap */
	uint64_t max_ratio;      /* out/in cap once out > 64 MiB */
	int hash_out;            /* sha256 of the uncompressed stream (diff_id) */
	_Atomic uint64_t *progress; /* raw bytes read, added as they go */
	void (*tick)(void *ud);     /* called from the reader thread every 8 MiB */
	void *tick_ud;
} blobstream_opts;

/* Takes ownership of r. */
int blobstream_open(blobstream **out, customs_blob_reader *r, const blobstream_opts *o);
/* Next block of uncompressed bytes: >0 length, 0 at end, <0 error
 * (message in blobstream_error). *buf stays valid until the next call. */
ssize_t blobstream_read(blobstream *b, const void **buf);
/* Read to the end of the raw blob, discarding (to finish the digest). */
void blobstream_drain(blobstream *b);
const char *blobstream_error(const blobstream *b);
const char *blobstream_compression(const blobstream *b); /* "gzip", "zstd", "none" */
/* After the raw blob was read to its end: "sha256:<hex>" of it, else NULL. */
const char *blobstream_digest(const blobstream *b);
/* After blobstream_read returned 0: sha256 of the uncompressed bytes. */
const char *blobstream_out_digest(const blobstream *b);
uint64_t blobstream_in_bytes(const blobstream *b);
uint64_t blobstream_out_bytes(const blobstream *b);
/* Raw read error (source I/O), distinct from decode errors. */
int blobstream_read_failed(const blobstream *b);
void blobstream_free(blobstream *b);

#endif
