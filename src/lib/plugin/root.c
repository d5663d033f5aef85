/* root.c - the files an analyzer plugin asks for: its globs, kept inside
 * the image, and the private directory it reads them from
 * (CUSTOMS_ROOT): made 0700 under $TMPDIR, filled with each
 * file under its image path through openat() one component at a time,
 * O_NOFOLLOW and O_EXCL (no "..", no symlink followed, nothing written
 * outside it), removed afterwards without following symlinks. */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plugin/plugin_int.h"

int plugin__glob_ok(const char *g)
{
	if (!*g || *g == '/' || g[strlen(g) - 1] == '/')
		return -1;
	for (const char *p = g; *p;) {
		size_t n = strcspn(p, "/");
		if (!n || (n == 2 && !memcmp(p, "..", 2)) || (n == 1 && *p == '.'))
			return -1;
		p += n + (p[n] == '/');
	}
	return 0;
}

/* The glob's literal start and end (before its first and after its last
 * special character) must be the path's: checked first, for fnmatch(3) is
 * slow in a UTF-8 locale (it widens both strings) and asked about every
 * regular file of every layer. */
static int could_match(const char *g, const char *path, size_t plen)
{
	size_t pre = strcspn(g, "*?[\\"), glen = strlen(g), post = 0;
	if (strncmp(g, path, pre))
		return 0;
	if (pre == glen)
		return !path[pre];
	while (post < glen - pre && !strchr("*?[]\\", g[glen - 1 - post]))
		post++;
	return post <= plen && !memcmp(g + glen - post, path + plen - post, post);
}

int plugin__glob_match(const customs_strlist *globs, const char *path)
{
	size_t plen = strlen(path);
	for (size_t i = 0; i < globs->n; i++)
		if (could_match(globs->v[i], path, plen) && !fnmatch(globs->v[i], path, 0))
			return 1;
	return 0;
}

int plugin__root_make(char **out)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = customs_asprintf("%s/customs-plugin-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	*out = NULL;
	if (!dir)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	if (!mkdtemp(dir)) { /* mkdtemp makes it 0700 */
		int err = customs__error(CUSTOMS_EIO, "cannot make a directory for plugin files (%s): %s", dir,
					 strerror(errno));
		free(dir);
		return err;
	}
	*out = dir;
	return 0;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int plugin__root_write(const char *root, const char *path, const void *data, size_t len)
{
	int dfd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), err = 0;
	char name[4096];
	if (dfd < 0)
		return customs__error(CUSTOMS_EIO, "%s: %s", root, strerror(errno));
	if (plugin__glob_ok(path) < 0) { /* the same rule: relative, no "." or ".." */
		err = customs__error(CUSTOMS_EFORMAT, "path %s climbs out of the image root", path);
		goto done;
	}
	for (const char *p = path;;) {
		size_t n = strcspn(p, "/");
		if (n >= sizeof(name)) {
			err = customs__error(CUSTOMS_ELIMIT, "path %s: a component longer than %zu bytes", path,
					     sizeof(name) - 1);
			goto done;
		}
		memcpy(name, p, n);
		name[n] = '\0';
		if (!p[n]) {
			int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
			if (fd < 0 || write_all(fd, data, len) < 0)
				err = customs__error(CUSTOMS_EIO, "cannot write %s for the plugin: %s", path,
						     strerror(errno));
			if (fd >= 0)
				close(fd);
			goto done;
		}
		if (mkdirat(dfd, name, 0700) < 0 && errno != EEXIST) {
			err = customs__error(CUSTOMS_EIO, "cannot make the directory of %s: %s", path, strerror(errno));
			goto done;
		}
		int next = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			err = customs__error(CUSTOMS_EIO, "cannot write %s: %.*s is not a directory", path,
					     (int)(p - path + n), path);
			goto done;
		}
		close(dfd);
		dfd = next;
		p += n + 1;
	}
done:
	close(dfd);
	return err;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void plugin__root_remove(const char *root)
{
	/* the plugin may have made a directory unreadable: make it ours again */
	chmod(root, 0700);
	nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}
