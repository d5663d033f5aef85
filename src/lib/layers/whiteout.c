/* whiteout.c - OCI whiteout naming (image-spec layer.md "Whiteouts"):
 * ".wh.NAME" deletes NAME from lower layers, ".wh..wh..opq" makes its
 * directory opaque, other ".wh..wh." names are AUFS metadata. Matching is by
 * exact basename (FORMATS-images.md §4.3). */
#include <string.h>

#include "layers/layers.h"

int layers__whiteout_kind(const char *path, char *out, size_t outlen)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t dirlen = slash ? (size_t)(slash - path) : 0;

	if (strncmp(base, ".wh.", 4) != 0)
		return ENTRY_FILE;
	if (!strcmp(base, ".wh..wh..opq")) {
		if (dirlen + 1 > outlen)
			return -1;
		memcpy(out, path, dirlen);
		out[dirlen] = '\0';
		return ENTRY_OPAQUE; /* out == "" means the root is opaque */
	}
	if (!strncmp(base, ".wh..wh.", 8))
		return -1; /* AUFS metadata (.wh..wh.plnk, ...) */
	if (!base[4] || !strcmp(base + 4, ".") || !strcmp(base + 4, ".."))
		return -1; /* bare ".wh." (or ".wh.." ) names nothing */
	size_t n = strlen(base + 4);
	if (dirlen + 1 + n + 1 > outlen)
		return -1;
	if (dirlen) {
		memcpy(out, path, dirlen);
		out[dirlen] = '/';
		memcpy(out + dirlen + 1, base + 4, n + 1);
	} else {
		memcpy(out, base + 4, n + 1);
	}
	return ENTRY_WHITEOUT;
}
