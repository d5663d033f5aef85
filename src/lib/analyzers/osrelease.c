/* osrelease.c - which distribution the image is: os-release(5) from
 * /etc/os-release or /usr/lib/os-release, else /etc/debian_version,
 * /etc/alpine-release, /etc/redhat-release (and its siblings). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/analyzers.h"
#include "core/copies.h"
#include "util/util.h"

#define MAX_RELEASE_FILE (64u << 10)

static const char *const wanted[] = {
	"etc/os-release", "usr/lib/os-release", "etc/debian_version", "etc/alpine-release",
	"etc/redhat-release", "etc/centos-release", "etc/rocky-release", "etc/almalinux-release",
	"etc/fedora-release", "etc/system-release", NULL,
};

static int on_file(void *self, const customs_afile *f, const unsigned char *data, size_t len)
{
	return copies__add_data(self, f->path, f->layer, data ? data : (const unsigned char *)"", len);
}

/* The content of the visible copy of path (symlinks followed), or NULL. */
static const copies_copy *visible_copy(copies *o, customs_analysis *a, const char *path)
{
	return copies__visible(o, a, path, 1);
}

/* os-release value: unquote "..." (with \ escapes) or '...'. */
static char *unquote(const char *v, size_t n)
{
	char *out = malloc(n + 1), *o = out;
	if (!out)
		return NULL;
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		char q = v[0];
		for (size_t i = 1; i + 1 < n; i++) {
			if (q == '"' && v[i] == '\\' && i + 2 < n)
				i++;
			*o++ = v[i];
		}
	} else {
		memcpy(o, v, n);
		o += n;
	}
	*o = '\0';
	return out;
}

int customs__osrelease_parse(customs_distro *d, const char *text)
{
	const char *p = text;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		while (len && (p[len - 1] == '\r' || p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		const char *eq = memchr(p, '=', len);
		if (eq && p[0] != '#') {
			size_t kl = (size_t)(eq - p);
			char **dst = NULL;
			if (kl == 2 && !memcmp(p, "ID", 2))
				dst = &d->id;
			else if (kl == 10 && !memcmp(p, "VERSION_ID", 10))
				dst = &d->version_id;
			else if (kl == 16 && !memcmp(p, "VERSION_CODENAME", 16))
				dst = &d->version_codename;
			else if (kl == 11 && !memcmp(p, "PRETTY_NAME", 11))
				dst = &d->pretty_name;
			else if (kl == 7 && !memcmp(p, "ID_LIKE", 7))
				dst = &d->id_like;
			if (dst) {
				free(*dst);
				*dst = unquote(eq + 1, len - kl - 1);
			}
		}
		if (!eol)
			break;
		p = eol + 1;
	}
	return d->id ? 0 : CUSTOMS_EFORMAT;
}

static char *first_line(const char *s)
{
	size_t n = strcspn(s, "\r\n");
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return customs_strndup(s, n);
}

/* "Rocky Linux release 9.3 (Blue Onyx)" and friends. */
static int parse_redhat_release(customs_distro *d, const char *text)
{
	static const struct {
		const char *prefix, *id;
	} names[] = {
		{"Red Hat Enterprise Linux", "rhel"}, {"CentOS Stream", "centos"}, {"CentOS", "centos"},
		{"Rocky Linux", "rocky"}, {"AlmaLinux", "almalinux"}, {"Fedora", "fedora"},
		{"Oracle Linux", "ol"}, {"Amazon Linux", "amzn"}, {NULL, NULL},
	};
	char *line = first_line(text);
	if (!line)
		return CUSTOMS_ENOMEM;
	int rc = CUSTOMS_EFORMAT;
	for (int i = 0; names[i].prefix; i++) {
		if (!customs_str_has_prefix(line, names[i].prefix))
			continue;
		const char *r = strstr(line, "release ");
		d->id = customs_strdup(names[i].id);
		if (r) {
			r += 8;
			size_t n = strspn(r, "0123456789.");
			d->version_id = customs_strndup(r, n);
		}
		d->pretty_name = customs_strdup(line);
		rc = 0;
		break;
	}
	free(line);
	return rc;
}

static int finish(void *self, customs_analysis *a)
{
	copies *o = self;
	customs_distro *d = &a->distro;
	const copies_copy *c, *tried = NULL;

	/* source_path is the file read: etc/os-release is usually a symlink
	 * to ../usr/lib/os-release, which is then tried once, not twice */
	for (int i = 0; i < 2; i++) {
		const char *p = i == 0 ? "etc/os-release" : "usr/lib/os-release";
		if ((c = visible_copy(o, a, p)) == tried && c)
			continue;
		tried = c;
		if (c && customs__osrelease_parse(d, c->data) == 0) {
			d->source_path = customs_strdup(c->path);
			return 0;
		}
		free(d->id), free(d->version_id), free(d->version_codename), free(d->pretty_name), free(d->id_like);
		memset(d, 0, sizeof(*d));
		if (c)
			customs_analysis_warn(a, CUSTOMS_WARN, c->layer, c->path, "os-release has no ID= line");
	}
	if ((c = visible_copy(o, a, "etc/alpine-release"))) {
		d->id = customs_strdup("alpine");
		d->version_id = first_line(c->data);
		d->source_path = customs_strdup(c->path);
		return 0;
	}
	static const char *const rh[] = {"etc/redhat-release", "etc/centos-release", "etc/rocky-release",
					 "etc/almalinux-release", "etc/fedora-release", "etc/system-release", NULL};
	for (int i = 0; rh[i]; i++)
		if ((c = visible_copy(o, a, rh[i])) && parse_redhat_release(d, c->data) == 0) {
			d->source_path = customs_strdup(c->path);
			return 0;
		}
	if ((c = visible_copy(o, a, "etc/debian_version"))) {
		/* "12.5" → 12; "trixie/sid" is a codename */
		char *v = first_line(c->data);
		d->id = customs_strdup("debian");
		if (v && isdigit((unsigned char)v[0])) {
			d->version_id = customs_strndup(v, strcspn(v, "."));
			free(v);
		} else {
			d->version_codename = v;
		}
		d->source_path = customs_strdup(c->path);
	}
	return 0;
}

const customs_analyzer_type customs__osrelease_analyzer = {
	.version = CUSTOMS_ANALYZER_VERSION,
	.name = "os-release",
	.description = "distribution from os-release and release files",
	.analyzer_version = "2",
	.paths = wanted,
	.create = customs__copies_create,
	.destroy = customs__copies_destroy,
	.max_size = MAX_RELEASE_FILE,
	.file = on_file,
	.finish = finish,
};
