/* ruby.c - Ruby gems: the specifications/NAME-VERSION.gemspec files that
 * RubyGems writes for every installed gem (Gem::Specification#to_ruby: a
 * `Gem::Specification.new do |s|` block of `s.attr = value` lines, also in
 * Debian's rubygems-integration and default-gem directories), and
 * Gemfile.lock (Bundler's lockfile: GEM / GIT / PATH sections, each with an
 * indented "specs:" list of "name (version[-platform])").  The gemspec is
 * Ruby code; only the literal assignments RubyGems generates are read,
 * nothing is evaluated. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/analyzers.h"
#include "core/copies.h"
#include "customs/purl.h"
#include "util/util.h"

#define MAX_RUBY_FILE (8u << 20)

static int nomem(void)
{
	return customs__error(CUSTOMS_ENOMEM, "out of memory");
}

static customs_package *gem(const char *name, size_t nl, const char *version, size_t vl)
{
	customs_package *p = customs_package_new();
	if (!p)
		return NULL;
	if (!(p->type = customs_strdup("gem")) || !(p->name = customs_utf8_strndup(name, nl)) ||
	    !(p->version = customs_utf8_strndup(version, vl)) || !(p->metadata = json_object())) {
		customs_package_free(p);
		return NULL;
	}
	p->purl = customs_purl_make("gem", NULL, p->name, p->version, NULL, NULL);
	return p;
}

static int md_strn(customs_package *p, const char *key, const char *v, size_t n)
{
	if (!v || !n)
		return 0;
	char *u = customs_utf8_strndup(v, n);
	json_t *s = u ? json_string(u) : NULL;
	free(u);
	return json_object_set_new(p->metadata, key, s) < 0 ? nomem() : 0;
}

/* A gem name or version as RubyGems allows them: no spaces, quotes or
 * control characters. */
static int plain_token(const char *s, size_t n)
{
	if (!n || n > 256)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c == '"' || c == '\'' || c == '(' || c == ')' || c == ',' || c == 0x7f)
			return 0;
	}
	return 1;
}

/* ---- gemspec ---- */

/* A Ruby string literal at s: "..." (escapes), '...', %q{...} / %Q{...}
 * (and ( [ < | delimiters); the decoded text in out.  Returns the end, or
 * NULL when it is not one. */
static const char *ruby_string(const char *s, const char *e, customs_buf *out)
{
	char open, close;
	int escapes;
	out->len = 0;
	if (s < e && (*s == '"' || *s == '\'')) {
		open = close = *s++;
		escapes = open == '"';
	} else if (e - s >= 3 && s[0] == '%' && (s[1] == 'q' || s[1] == 'Q')) {
		escapes = s[1] == 'Q';
		open = s[2];
		close = open == '{' ? '}' : open == '(' ? ')' : open == '[' ? ']' : open == '<' ? '>' : open;
		s += 3;
	} else {
		return NULL;
	}
	int depth = 0;
	while (s < e) {
		char c = *s;
		if (c == '\\' && s + 1 < e && (escapes || s[1] == close || s[1] == '\\')) {
			char x = s[1];
			x = !escapes ? x : x == 'n' ? '\n' : x == 't' ? '\t' : x;
			if (customs_buf_put(out, &x, 1) < 0)
				return NULL;
			s += 2;
			continue;
		}
		if (c == close && depth == 0)
			break;
		if (open != close && c == open)
			depth++;
		else if (open != close && c == close)
			depth--;
		if (customs_buf_put(out, &c, 1) < 0)
			return NULL;
		s++;
	}
	if (s >= e || customs_buf_put(out, "", 0) < 0)
		return NULL;
	s++;
	if (e - s >= 7 && !memcmp(s, ".freeze", 7))
		s += 7;
	return s;
}

int customs__ruby_parse_gemspec(customs_package **out, const char *buf, size_t len, customs_parse_warn_fn warn,
				void *ud)
{
	customs_buf name = CUSTOMS_BUF_INIT(4096), version = CUSTOMS_BUF_INIT(4096), tmp = CUSTOMS_BUF_INIT(1 << 20);
	customs_strlist licenses = {0};
	char var[64] = "";
	char *homepage = NULL, *platform = NULL, *summary = NULL;
	const char *stub_name = NULL, *stub_ver = NULL;
	size_t stub_nl = 0, stub_vl = 0, lineno = 0;
	int block = 0, err = 0;
	const char *s = buf, *end = buf + len, *p;
	size_t ll;

	*out = NULL;
	while (customs_next_line(&s, end, &p, &ll, 0)) {
		const char *le = p + ll;
		lineno++;
		while (p < le && (*p == ' ' || *p == '\t'))
			p++;
		/* "# stub: rake 13.0.6 ruby lib": written on the first lines */
		if (le - p > 8 && !memcmp(p, "# stub: ", 8) && !stub_name) {
			const char *a = p + 8, *b = memchr(a, ' ', (size_t)(le - a));
			if (b) {
				const char *c = b + 1, *d = memchr(c, ' ', (size_t)(le - c));
				d = d ? d : le;
				if (plain_token(a, (size_t)(b - a)) && plain_token(c, (size_t)(d - c))) {
					stub_name = a, stub_nl = (size_t)(b - a);
					stub_ver = c, stub_vl = (size_t)(d - c);
				}
			}
			continue;
		}
		if (le - p > 27 && !memcmp(p, "Gem::Specification.new do |", 27)) {
			const char *v = p + 27, *bar = memchr(v, '|', (size_t)(le - v));
			if (bar && bar - v > 0 && (size_t)(bar - v) < sizeof(var)) {
				memcpy(var, v, (size_t)(bar - v));
				var[bar - v] = '\0';
				block = 1;
			}
			continue;
		}
		if (!block)
			continue;
		/* "<var>.<attr> = <literal>" */
		size_t vl = strlen(var);
		if ((size_t)(le - p) <= vl + 1 || memcmp(p, var, vl) != 0 || p[vl] != '.')
			continue;
		const char *attr = p + vl + 1, *ae = attr;
		while (ae < le && (isalnum((unsigned char)*ae) || *ae == '_'))
			ae++;
		const char *q = ae;
		while (q < le && *q == ' ')
			q++;
		if (q >= le || *q != '=' || (q + 1 < le && q[1] == '='))
			continue;
		q++;
		while (q < le && *q == ' ')
			q++;
		size_t al = (size_t)(ae - attr);
#define IS(lit) (al == sizeof(lit) - 1 && !memcmp(attr, lit, al))
		if (IS("name") || IS("version") || IS("homepage") || IS("platform") || IS("summary") || IS("license")) {
			const char *v = q;
			/* s.version = Gem::Version.new("1.0") in hand-written specs */
			if (le - v > 17 && !memcmp(v, "Gem::Version.new(", 17))
				v += 17;
			if (!ruby_string(v, le, &tmp)) {
				if (IS("name") || IS("version"))
					customs__parse_warnf(warn, ud, lineno, "%.*s is not a string literal: not read",
							     (int)al, attr);
				continue;
			}
			if (IS("name") || IS("version")) {
				customs_buf *dst = IS("name") ? &name : &version;
				dst->len = 0;
				if (customs_buf_put(dst, tmp.ptr, tmp.len) < 0 || customs_buf_put(dst, "", 0) < 0) {
					err = nomem();
					goto done;
				}
			} else if (IS("license")) {
				if (tmp.len && customs_strlist_add(&licenses, tmp.ptr) < 0) {
					err = nomem();
					goto done;
				}
			} else {
				char **dst = IS("homepage") ? &homepage : IS("platform") ? &platform : &summary;
				free(*dst);
				if (!(*dst = customs_strndup(tmp.ptr, tmp.len))) {
					err = nomem();
					goto done;
				}
			}
		} else if (IS("licenses") && q < le && *q == '[') {
			q++;
			for (;;) {
				while (q < le && (*q == ' ' || *q == ','))
					q++;
				if (q >= le || *q == ']')
					break;
				const char *after = ruby_string(q, le, &tmp);
				if (!after)
					break;
				if (tmp.len && !customs_strlist_contains(&licenses, tmp.ptr) &&
				    customs_strlist_add(&licenses, tmp.ptr) < 0) {
					err = nomem();
					goto done;
				}
				q = after;
			}
		}
#undef IS
	}
	const char *n = name.len ? name.ptr : stub_name, *v = version.len ? version.ptr : stub_ver;
	size_t nl = name.len ? name.len : stub_nl, vlen = version.len ? version.len : stub_vl;
	if (!n || !v) {
		customs__parse_warnf(warn, ud, 0, "no gem name and version (not a RubyGems specification)");
		err = CUSTOMS_EFORMAT;
		goto done;
	}
	if (!plain_token(n, nl) || !plain_token(v, vlen)) {
		customs__parse_warnf(warn, ud, 0, "gem name or version is not a plain token: skipped");
		err = CUSTOMS_EFORMAT;
		goto done;
	}
	customs_package *pk = gem(n, nl, v, vlen);
	if (!pk) {
		err = nomem();
		goto done;
	}
	for (size_t i = 0; i < licenses.n; i++) {
		char *u = customs_utf8_strndup(licenses.v[i], strlen(licenses.v[i]));
		if (!u || customs_strlist_add(&pk->licenses, u) < 0) {
			free(u);
			customs_package_free(pk);
			err = nomem();
			goto done;
		}
		free(u);
	}
	if ((homepage && md_strn(pk, "homepage", homepage, strlen(homepage)) < 0) ||
	    (summary && md_strn(pk, "summary", summary, strlen(summary)) < 0) ||
	    (platform && strcmp(platform, "ruby") && md_strn(pk, "platform", platform, strlen(platform)) < 0)) {
		customs_package_free(pk);
		err = nomem();
		goto done;
	}
	*out = pk;
done:
	customs_buf_release(&name);
	customs_buf_release(&version);
	customs_buf_release(&tmp);
	customs_strlist_release(&licenses);
	free(homepage), free(platform), free(summary);
	return err;
}

/* ---- Gemfile.lock ---- */

int customs__ruby_parse_gemfile_lock(customs_package ***out, size_t *n, const char *buf, size_t len,
				     customs_parse_warn_fn warn, void *ud)
{
	customs_pkgvec v = {0};
	size_t lineno = 0;
	char section[16] = "", *remote = NULL;
	int in_specs = 0, sections = 0, err = 0;
	const char *s = buf, *end = buf + len, *p;
	size_t ll;

	while (customs_next_line(&s, end, &p, &ll, 0)) {
		const char *le = p + ll;
		lineno++;
		while (le > p && (le[-1] == '\r' || le[-1] == ' '))
			le--;
		if (p == le)
			continue;
		size_t indent = 0;
		while (p + indent < le && p[indent] == ' ')
			indent++;
		if (indent == 0) {
			/* a section: GEM, GIT, PATH, PLUGIN SOURCE, PLATFORMS, ... */
			size_t l = (size_t)(le - p);
			snprintf(section, sizeof(section), "%.*s", (int)(l < 15 ? l : 15), p);
			in_specs = 0;
			free(remote);
			remote = NULL;
			if (!strcmp(section, "GEM") || !strcmp(section, "GIT") || !strcmp(section, "PATH"))
				sections++;
			continue;
		}
		int source = !strcmp(section, "GEM") || !strcmp(section, "GIT") || !strcmp(section, "PATH");
		if (!source)
			continue;
		const char *t = p + indent;
		size_t tl = (size_t)(le - t);
		if (indent == 2) {
			in_specs = tl == 6 && !memcmp(t, "specs:", 6);
			if (tl > 8 && !memcmp(t, "remote: ", 8)) {
				free(remote);
				if (!(remote = customs_utf8_strndup(t + 8, tl - 8))) {
					err = nomem();
					goto done;
				}
			}
			continue;
		}
		if (!in_specs || indent != 4)
			continue; /* 6: a spec's dependencies */
		/* "name (version)" or "name (version-platform)" */
		const char *sp = memchr(t, ' ', tl);
		if (!sp || le - sp < 4 || sp[1] != '(' || le[-1] != ')') {
			customs__parse_warnf(warn, ud, lineno, "spec line is not \"name (version)\": skipped");
			continue;
		}
		const char *ver = sp + 2;
		size_t verl = (size_t)(le - 1 - ver), nl = (size_t)(sp - t);
		if (!plain_token(t, nl) || !plain_token(ver, verl)) {
			customs__parse_warnf(warn, ud, lineno, "spec line with an odd name or version: skipped");
			continue;
		}
		/* the platform follows the first '-' (RubyGems versions have none) */
		const char *dash = memchr(ver, '-', verl);
		size_t vl = dash ? (size_t)(dash - ver) : verl;
		customs_package *pk = gem(t, nl, ver, vl);
		if (!pk) {
			err = nomem();
			goto done;
		}
		char sect_l[16];
		for (size_t i = 0; i < sizeof(sect_l); i++)
			sect_l[i] = (char)tolower((unsigned char)section[i]);
		if ((dash && md_strn(pk, "platform", dash + 1, verl - vl - 1) < 0) ||
		    md_strn(pk, "source", sect_l, strlen(sect_l)) < 0 ||
		    (remote && md_strn(pk, "remote", remote, strlen(remote)) < 0)) {
			customs_package_free(pk);
			err = nomem();
			goto done;
		}
		if ((err = customs__pkgvec_push(&v, pk)) < 0)
			goto done;
	}
	if (!sections) {
		customs__parse_warnf(warn, ud, 0, "no GEM, GIT or PATH section: not a Gemfile.lock");
		err = CUSTOMS_EFORMAT;
	}
done:
	free(remote);
	return customs__pkgvec_result(out, n, &v, err);
}

/* ---- the analyzer ---- */

static const char *const basenames[] = {"Gemfile.lock", NULL};
static const char *const suffixes[] = {".gemspec", NULL};

/* .../specifications/X.gemspec or .../specifications/default/X.gemspec:
 * where RubyGems records installed gems (a gem's own source tree has a
 * NAME.gemspec too, which is Ruby code to run, not a record) */
static int installed_spec(const char *path)
{
	const char *b = strrchr(path, '/');
	if (!b)
		return 0;
	size_t dl = (size_t)(b - path);
	if (dl >= 22 && !memcmp(b - 22, "specifications/default", 22) && (dl == 22 || b[-23] == '/'))
		return 1;
	return dl >= 14 && !memcmp(b - 14, "specifications", 14) && (dl == 14 || b[-15] == '/');
}

static int on_file(void *self, const customs_afile *f, const unsigned char *data, size_t len)
{
	customs_file_warn w = customs__file_warn_for(f, "Gemfile.lock", 0);
	customs_package **pkgs = NULL, *one = NULL;
	size_t n = 0;
	int rc;
	const char *b = strrchr(f->path, '/');
	if (!strcmp(b ? b + 1 : f->path, "Gemfile.lock")) {
		rc = customs__ruby_parse_gemfile_lock(&pkgs, &n, (const char *)data, len, customs__file_warn, &w);
		return customs__copies_take(self, f->path, f->layer, rc, pkgs, n);
	}
	if (!installed_spec(f->path))
		return 0;
	w.what = "gemspec";
	rc = customs__ruby_parse_gemspec(&one, (const char *)data, len, customs__file_warn, &w);
	if (rc < 0)
		return customs__copies_take(self, f->path, f->layer, rc, NULL, 0);
	return copies__add(self, f->path, f->layer, &one, 1);
}

static int finish(void *self, customs_analysis *a)
{
	return copies__merge(self, a, &(copies_merge){.found_by = "ruby", .flags = COPIES_OWNERS});
}

const customs_analyzer_type customs__ruby_analyzer = {
	.version = CUSTOMS_ANALYZER_VERSION,
	.name = "ruby",
	.description = "Ruby gems: installed specifications/*.gemspec and Gemfile.lock",
	.analyzer_version = "1",
	.basenames = basenames,
	.suffixes = suffixes,
	.create = customs__copies_create,
	.destroy = customs__copies_destroy,
	.max_size = MAX_RUBY_FILE,
	.file = on_file,
	.finish = finish,
};
