/* dir.c - a root filesystem directory as an image (dir:DIR): one layer, the
 * directory itself, walked by the layer stage; no manifest or config. */
#include <stdlib.h>
#include <sys/stat.h>

#include "source/backends.h"
#include "util/util.h"

int source__dir_detect(const char *path, const struct stat *st)
{
	return st && S_ISDIR(st->st_mode);
}

int source__dir_open(source_image *img, const char *rest, const customs_options *opts)
{
	if (!customs_is_dir(rest))
		return customs__error(CUSTOMS_ENOTFOUND, "image not found: %s is not a directory", rest);
	img->path = customs_strdup(rest);
	img->rootfs = customs_strdup(rest);
	img->layers = calloc(1, sizeof(*img->layers));
	if (!img->layers)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	img->nlayers = 1;
	img->layers[0].size = -1;
	img->layers[0].name = customs_strdup(rest);
	return 0;
}
