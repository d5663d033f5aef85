/* fuzz_oci_layout.c - the input as an oci-archive (a tar of an OCI image
 * layout: image-spec image-layout.md, FORMATS-images.md 3.3), resolved by
 * source__open: tar index, index.json, nested indexes, platform choice,
 * manifest and config reading with digest checks. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "source/source.h"

static int memfd_of(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t off = 0;
	while (off < size) {
		ssize_t n = write(fd, data + off, size - off);
		if (n <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const platforms[] = {NULL, "linux/arm64", "linux/arm/v7"};
	char ref[64];
	int fd = memfd_of(data, size);
	if (fd < 0)
		return 0;
	snprintf(ref, sizeof(ref), "oci-archive:/proc/self/fd/%d", fd);
	/* the platform from the last byte, so platform matching is explored too */
	const char *plat = platforms[size ? data[size - 1] % 3 : 0];
	source_image img;
	memset(&img, 0, sizeof(img));
	if (source__open(&img, ref, plat) == 0) {
		/* what the pipeline relies on */
		if (!img.config_json || !img.manifest_digest || (img.nlayers && !img.layers))
			__builtin_trap();
	}
	source__release(&img);
	close(fd);
	return 0;
}
