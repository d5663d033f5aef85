/* path.c - paths as images spell them (normalised, never escaping the root
 * with "..") and small questions about paths on the host. */
#include <string.h>
#include <sys/stat.h>

#include "util/util.h"

int customs__path_normalize(char *out, const char *in)
{
	char *o = out;
	const char *p = in;
	while (*p) {
		while (*p == '/')
			p++;
		const char *s = p;
		while (*p && *p != '/')
			p++;
		size_t n = (size_t)(p - s);
		if (n == 0 || (n == 1 && s[0] == '.'))
			continue;
		if (n == 2 && s[0] == '.' && s[1] == '.')
			return CUSTOMS_EFORMAT;
		if (o != out)
			*o++ = '/';
		memcpy(o, s, n);
		o += n;
	}
	*o = '\0';
	return o == out ? CUSTOMS_EFORMAT : 0;
}

int customs_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int customs_is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}
