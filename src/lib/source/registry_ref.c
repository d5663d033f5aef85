/* registry_ref.c - image references as docker normalises them: an
 * optional registry host, "library/" for official images on Docker Hub,
 * "latest" when neither tag nor digest is given (FORMATS-images.md §5.7;
 * distribution/reference's grammar). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "source/backends.h"
#include "source/registry_ref.h"
#include "util/util.h"

/* [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* */
static int valid_component(const char *s, size_t n)
{
	size_t i = 0;
	for (;;) {
		size_t st = i;
		while (i < n && (islower((unsigned char)s[i]) || isdigit((unsigned char)s[i])))
			i++;
		if (i == st)
			return 0;
		if (i == n)
			return 1;
		if (s[i] == '.')
			i++;
		else if (s[i] == '_')
			i += (i + 1 < n && s[i + 1] == '_') ? 2 : 1;
		else if (s[i] == '-')
			while (i < n && s[i] == '-')
				i++;
		else
			return 0;
		if (i == n)
			return 0;
	}
}

/* [A-Za-z0-9_][A-Za-z0-9_.-]{0,127} */
int reg__tag_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 128 || s[0] == '.' || s[0] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '.' && s[i] != '-')
			return 0;
	return 1;
}

/* host[:port], host = DNS labels or an IPv4 address or [IPv6] */
static int valid_domain(const char *s, size_t n)
{
	size_t i = 0;
	if (n == 0 || n > 255)
		return 0;
	if (s[0] == '[') {
		while (i < n && s[i] != ']')
			i++;
		if (i == n)
			return 0;
		i++;
	} else {
		size_t st = i;
		while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '.' || s[i] == '-'))
			i++;
		if (i == st || s[st] == '.' || s[st] == '-' || s[i - 1] == '.' || s[i - 1] == '-')
			return 0;
	}
	if (i == n)
		return 1;
	if (s[i] != ':' || i + 1 == n)
		return 0;
	for (i++; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

void reg__ref_release(reg_ref *r)
{
	free(r->domain), free(r->host), free(r->repo), free(r->tag), free(r->digest);
	memset(r, 0, sizeof(*r));
}

int reg__ref_parse(reg_ref *out, const char *s, int want_repo)
{
	char buf[1024];
	char *rest, *at, *colon, *slash;
	int err = 0;

	memset(out, 0, sizeof(*out));
	if (!s || !*s || strlen(s) >= sizeof(buf))
		return customs__error(CUSTOMS_EUSAGE, "invalid image reference \"%.200s\": empty or too long", s ? s : "");
	snprintf(buf, sizeof(buf), "%s", s);
	if ((at = strchr(buf, '@'))) {
		*at = '\0';
		if (!customs_digest_valid(at + 1)) {
			err = customs__error(strncmp(at + 1, "sha256:", 7) && strchr(at + 1, ':') ? CUSTOMS_EUNSUPPORTED : CUSTOMS_EUSAGE,
					     "invalid image reference \"%.200s\": the digest must be sha256:<64 lowercase hex>", s);
			goto fail;
		}
		out->digest = customs_strdup(at + 1);
	}
	/* the first component is a registry iff it has '.' or ':', is localhost, or has uppercase */
	slash = strchr(buf, '/');
	int has_domain = 0;
	if (slash) {
		size_t dl = (size_t)(slash - buf);
		has_domain = memchr(buf, '.', dl) || memchr(buf, ':', dl) || (dl == 9 && !strncmp(buf, "localhost", 9));
		for (size_t i = 0; i < dl && !has_domain; i++)
			has_domain = isupper((unsigned char)buf[i]);
	}
	if (has_domain) {
		if (!valid_domain(buf, (size_t)(slash - buf))) {
			err = customs__error(CUSTOMS_EUSAGE, "invalid image reference \"%.200s\": bad registry host", s);
			goto fail;
		}
		out->domain = customs_strndup(buf, (size_t)(slash - buf));
		rest = slash + 1;
	} else {
		out->domain = customs_strdup("docker.io");
		rest = buf;
	}
	if ((colon = strrchr(rest, ':'))) {
		*colon = '\0';
		if (!reg__tag_valid(colon + 1)) {
			err = customs__error(CUSTOMS_EUSAGE, "invalid image reference \"%.200s\": bad tag \"%.130s\"", s, colon + 1);
			goto fail;
		}
		out->tag = customs_strdup(colon + 1);
	}
	/* every path component */
	for (const char *p = rest;;) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (!valid_component(p, n)) {
			err = customs__error(CUSTOMS_EUSAGE,
					     "invalid image reference \"%.200s\": repository names are lowercase letters, digits and . _ - separators",
					     s);
			goto fail;
		}
		if (!e)
			break;
		p = e + 1;
	}
	if (!strcmp(out->domain, "index.docker.io")) {
		free(out->domain);
		out->domain = customs_strdup("docker.io");
	}
	if (!strcmp(out->domain, "docker.io") && !strchr(rest, '/'))
		out->repo = customs_asprintf("library/%s", rest);
	else
		out->repo = customs_strdup(rest);
	if (strlen(out->domain) + 1 + strlen(out->repo) > 255) {
		err = customs__error(CUSTOMS_EUSAGE, "invalid image reference \"%.200s\": name longer than 255 characters", s);
		goto fail;
	}
	if (want_repo) {
		free(out->tag), out->tag = NULL;
		free(out->digest), out->digest = NULL;
	} else if (!out->tag && !out->digest) {
		out->tag = customs_strdup("latest");
	}
	out->host = customs_strdup(!strcmp(out->domain, "docker.io") ? "registry-1.docker.io" : out->domain);
	if (!out->domain || !out->repo || !out->host) {
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		goto fail;
	}
	return 0;
fail:
	reg__ref_release(out);
	return err;
}

char *reg__ref_string(const reg_ref *r)
{
	return customs_asprintf("%s/%s%s%s%s%s", r->domain, r->repo, r->tag ? ":" : "", r->tag ? r->tag : "",
				r->digest ? "@" : "", r->digest ? r->digest : "");
}

int source__registry_ref_plausible(const char *s)
{
	reg_ref r;
	if (!s || !*s || s[0] == '/' || s[0] == '.' || s[0] == '~')
		return 0;
	if (customs_str_has_suffix(s, ".tar") || customs_str_has_suffix(s, ".tar.gz") || customs_str_has_suffix(s, ".tgz") ||
	    customs_str_has_suffix(s, ".json"))
		return 0;
	if (reg__ref_parse(&r, s, 0) < 0) {
		customs_error_clear();
		return 0;
	}
	reg__ref_release(&r);
	return 1;
}

int source__registry_detect(const char *ref, const struct stat *st)
{
	return !st && source__registry_ref_plausible(ref);
}
