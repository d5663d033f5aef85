/* fuzz_tar_index.c - the header-only tar indexer (source/tar_index.c) on
 * arbitrary bytes, then member lookups through its symlink and hard link
 * resolution.  Format: POSIX ustar/pax, GNU long names (FORMATS-images.md 4.1). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "source/tar_index.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tar_index ix;
	if (source__tar_index_buf(&ix, data, size) < 0)
		return 0;
	/* the names archive readers ask for, then every member by its own name */
	static const char *const names[] = {"manifest.json", "index.json", "oci-layout", "repositories",
					    "blobs/sha256", "a/layer.tar", "../x", "/etc/passwd", NULL};
	for (int i = 0; names[i]; i++)
		(void)source__tar_find(&ix, names[i]);
	for (size_t i = 0; i < ix.n && i < 256; i++) {
		const tar_member *m = source__tar_find(&ix, ix.m[i].name);
		/* a lookup only ever yields a regular member inside the archive */
		if (m && ((m->type != '0' && m->type != '7') || m->size > size || m->offset > size - m->size))
			__builtin_trap();
		if (ix.m[i].link)
			(void)source__tar_find(&ix, ix.m[i].link);
	}
	source__tar_index_release(&ix);
	return 0;
}
