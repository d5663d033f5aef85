/* tar_index.h - the member index of an uncompressed tar (docker-archive,
 * oci-archive): name → data offset and size, one header-only pass
 * (libarchive has no way to report a member's data offset, which random
 * access needs). */
#ifndef CUSTOMS_TAR_INDEX_H
#define CUSTOMS_TAR_INDEX_H

#include <stddef.h>
#include <stdint.h>

typedef struct tar_member {
	char *name;           /* normalised */
	char *link;           /* symlink/hardlink target, normalised relative to the archive root */
	uint64_t offset;      /* data offset in the file */
	uint64_t size;
	char type;            /* '0' file, '1' hard link, '2' symlink, '5' dir, ... */
} tar_member;

typedef struct tar_index {
	tar_member *m;
	size_t n, cap;
} tar_index;

int source__tar_index(tar_index *out, const char *path);
/* Index bytes already in memory (the fuzz target's way in). */
int source__tar_index_buf(tar_index *out, const unsigned char *buf, size_t len);
/* Find a regular member by name, following symlinks/hard links inside the archive. */
const tar_member *source__tar_find(const tar_index *ix, const char *name);
void source__tar_index_release(tar_index *ix);

#endif
