/* image.c - the parts every source kind shares: releasing a source_image,
 * blob readers over files (the default open_layer) with the digest check
 * for small blobs, and the "PATH[:TAG]" references of the file-backed kinds. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source/image.h"
#include "util/util.h"

/* ---- file-backed blob reader ---- */

typedef struct file_reader {
	customs_blob_reader base;
	int fd;
	uint64_t off, end;
	char *path;
} file_reader;

static ssize_t file_read(customs_blob_reader *r, void *buf, size_t len)
{
	file_reader *f = (file_reader *)r;
	if (f->off >= f->end)
		return 0;
	if (len > f->end - f->off)
		len = (size_t)(f->end - f->off);
	for (;;) {
		ssize_t n = pread(f->fd, buf, len, (off_t)f->off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return customs__error(CUSTOMS_EIO, "%s: %s", f->path, strerror(errno));
		if (n == 0)
			return customs__error(CUSTOMS_EFORMAT, "%s: file ends %llu bytes early", f->path,
					      (unsigned long long)(f->end - f->off));
		f->off += (uint64_t)n;
		return n;
	}
}

static void file_close(customs_blob_reader *r)
{
	file_reader *f = (file_reader *)r;
	close(f->fd);
	free(f->path);
	free(f);
}

int source__file_reader(customs_blob_reader **out, const char *path, uint64_t offset, uint64_t length)
{
	file_reader *f = calloc(1, sizeof(*f));
	if (!f)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0) {
		int e = errno;
		free(f);
		return customs__error(e == ENOENT ? CUSTOMS_ENOTFOUND : CUSTOMS_EIO, "%s: %s", path, strerror(e));
	}
	posix_fadvise(f->fd, (off_t)offset, (off_t)length, POSIX_FADV_SEQUENTIAL);
	f->base.read = file_read;
	f->base.close = file_close;
	f->off = offset;
	f->end = offset + length;
	f->path = customs_strdup(path);
	*out = &f->base;
	return 0;
}

int source__open_layer(source_image *img, const source_layer *l, customs_blob_reader **out)
{
	if (img->open_layer)
		return img->open_layer(img, l, out);
	if (l->missing || !l->file)
		return customs__error(CUSTOMS_ENOTFOUND, "blob %s is not in the image", l->digest ? l->digest : l->name);
	return source__file_reader(out, l->file, l->offset, l->length);
}

int source__read_small(char **out, size_t *len, const char *file, uint64_t offset, uint64_t length,
		       const char *digest, const char *what, size_t max)
{
	customs_blob_reader *r;
	char *buf;
	size_t got = 0;
	int err;

	*out = NULL;
	if (length > max)
		return customs__error(CUSTOMS_ELIMIT, "%s %s is %llu bytes, over the limit of %zu", what,
				      digest ? digest : file, (unsigned long long)length, max);
	if ((err = source__file_reader(&r, file, offset, length)) < 0)
		return err;
	if (!(buf = malloc(length + 1))) {
		r->close(r);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	while (got < length) {
		ssize_t n = r->read(r, buf + got, length - got);
		if (n <= 0) {
			r->close(r);
			free(buf);
			return n < 0 ? (int)n : customs__error(CUSTOMS_EFORMAT, "%s: short read", file);
		}
		got += (size_t)n;
	}
	r->close(r);
	buf[got] = '\0';
	if (digest) {
		char hashed[72];
		customs_sha256_digest(hashed, buf, got);
		if (strcmp(hashed, digest) != 0) {
			free(buf);
			return customs__error(CUSTOMS_EDIGEST, "%s %s: digest mismatch: content hashes to %s", what, digest,
					      hashed);
		}
	}
	*out = buf;
	if (len)
		*len = got;
	return 0;
}

void source__release(source_image *img)
{
	for (size_t i = 0; i < img->nlayers; i++) {
		source_layer *l = &img->layers[i];
		free(l->digest), free(l->media_type), free(l->name), free(l->file);
	}
	free(img->layers);
	free(img->kind), free(img->path), free(img->manifest_digest), free(img->manifest_media_type);
	free(img->config_digest), free(img->config_json), free(img->rootfs);
	customs_strlist_release(&img->tags);
	if (img->priv_free)
		img->priv_free(img->priv);
	memset(img, 0, sizeof(*img));
}

/* ---- references to files ---- */

int source__split_tag(char **path, char **tag, const char *s, int want_dir)
{
	const char *c = strrchr(s, ':');
	*tag = NULL;
	if ((want_dir ? customs_is_dir(s) : customs_is_file(s)) || !c)
		*path = customs_strdup(s);
	else if ((*path = customs_strndup(s, (size_t)(c - s))) && !(*tag = customs_strdup(c + 1))) {
		free(*path);
		*path = NULL;
	}
	return *path ? 0 : customs__error(CUSTOMS_ENOMEM, "out of memory");
}

int source__archive_index(tar_index *ix, char **path, char **tag, const char *s)
{
	int err;
	memset(ix, 0, sizeof(*ix));
	if ((err = source__split_tag(path, tag, s, 0)) < 0)
		return err;
	if (!customs_is_file(*path))
		return customs__error(CUSTOMS_ENOTFOUND, "image not found: %s is not a file", *path);
	return source__tar_index(ix, *path);
}
