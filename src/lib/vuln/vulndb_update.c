/* vulndb_update.c - customs_vulndb_update(): download the configured feeds
 * with conditional requests (RFC 9110 §13.1: If-None-Match with the stored
 * ETag, If-Modified-Since with the stored Last-Modified), then import what
 * changed through customs_vulndb_import().  Feeds that answer 304 keep
 * their records untouched. */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "util/util.h"
#include "vuln/vulndb.h"

#define OSV_BASE "https://osv-vulnerabilities.storage.googleapis.com/"
#define SECDB_BASE "https://secdb.alpinelinux.org/"
#define NVD_BASE "https://nvd.nist.gov/feeds/json/cve/2.0/nvdcve-2.0-"
#define NVD_FIRST_YEAR 2002
#define MAX_FEEDS 4096

/* ---- the built-in list ---- */

static const customs_vulndb_feed fixed_feeds[] = {
	{"osv-debian", OSV_BASE "Debian/all.zip", "osv"},
	{"osv-alpine", OSV_BASE "Alpine/all.zip", "osv"},
	{"osv-almalinux", OSV_BASE "AlmaLinux/all.zip", "osv"},
	{"osv-go", OSV_BASE "Go/all.zip", "osv"},
	{"osv-pypi", OSV_BASE "PyPI/all.zip", "osv"},
	{"osv-npm", OSV_BASE "npm/all.zip", "osv"},
	{"osv-maven", OSV_BASE "Maven/all.zip", "osv"},
	{"osv-crates.io", OSV_BASE "crates.io/all.zip", "osv"},
	{"osv-rubygems", OSV_BASE "RubyGems/all.zip", "osv"},
	{"osv-packagist", OSV_BASE "Packagist/all.zip", "osv"},
	{"osv-nuget", OSV_BASE "NuGet/all.zip", "osv"},
	{"alpine-secdb-v3.19-main", SECDB_BASE "v3.19/main.json", "alpine-secdb"},
	{"alpine-secdb-v3.19-community", SECDB_BASE "v3.19/community.json", "alpine-secdb"},
	{"alpine-secdb-v3.20-main", SECDB_BASE "v3.20/main.json", "alpine-secdb"},
	{"alpine-secdb-v3.20-community", SECDB_BASE "v3.20/community.json", "alpine-secdb"},
	{"alpine-secdb-v3.21-main", SECDB_BASE "v3.21/main.json", "alpine-secdb"},
	{"alpine-secdb-v3.21-community", SECDB_BASE "v3.21/community.json", "alpine-secdb"},
	{"alpine-secdb-v3.22-main", SECDB_BASE "v3.22/main.json", "alpine-secdb"},
	{"alpine-secdb-v3.22-community", SECDB_BASE "v3.22/community.json", "alpine-secdb"},
	{"debian-tracker", "https://security-tracker.debian.org/tracker/data/json", "debian-tracker"},
	{"epss", "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz", "epss"},
	{"kev", "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json", "kev"},
};

#define NFIXED (sizeof(fixed_feeds) / sizeof(fixed_feeds[0]))
#define MAX_NVD_YEARS 200

static customs_vulndb_feed default_list[NFIXED + MAX_NVD_YEARS + 1];
static char nvd_names[MAX_NVD_YEARS][16], nvd_urls[MAX_NVD_YEARS][96];
static pthread_once_t defaults_once = PTHREAD_ONCE_INIT;

static void build_defaults(void)
{
	time_t t = time(NULL);
	struct tm tm;
	size_t n = 0;

	gmtime_r(&t, &tm);
	for (size_t i = 0; i < NFIXED; i++)
		default_list[n++] = fixed_feeds[i];
	/* NVD's yearly JSON 2.0 feeds, one source each */
	for (int y = NVD_FIRST_YEAR, k = 0; y <= tm.tm_year + 1900 && k < MAX_NVD_YEARS; y++, k++) {
		snprintf(nvd_names[k], sizeof(nvd_names[k]), "nvd-%d", y);
		snprintf(nvd_urls[k], sizeof(nvd_urls[k]), NVD_BASE "%d.json.gz", y);
		default_list[n].name = nvd_names[k];
		default_list[n].url = nvd_urls[k];
		default_list[n].kind = "nvd";
		n++;
	}
	default_list[n].name = NULL;
}

const customs_vulndb_feed *customs_vulndb_default_feeds(void)
{
	pthread_once(&defaults_once, build_defaults);
	return default_list;
}

/* ---- feed list files ---- */

void customs_vulndb_feeds_free(customs_vulndb_feed *feeds, size_t n)
{
	for (size_t i = 0; feeds && i < n; i++) {
		free((char *)feeds[i].name);
		free((char *)feeds[i].url);
		free((char *)feeds[i].kind);
	}
	free(feeds);
}

int customs_vulndb_feeds_load(customs_vulndb_feed **out, size_t *nout, const char *path)
{
	customs_vulndb_feed *v = NULL;
	size_t n = 0, lineno = 0;
	char *data, *save = NULL;
	int err = 0;

	if (!out || !nout || !path)
		return customs__error(CUSTOMS_EINVAL, "vulndb: NULL argument");
	*out = NULL;
	*nout = 0;
	if ((err = customs_read_file(&data, NULL, path, 1 << 20)) < 0)
		return err;
	for (char *line = data, *next; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *f[4];
		int nf = 0;
		for (char *tok = strtok_r(line, " \t\r", &save); tok; tok = strtok_r(NULL, " \t\r", &save)) {
			if (nf == 3) {
				nf = 4;
				break;
			}
			f[nf++] = tok;
		}
		if (!nf)
			continue;
		if (nf < 2 || nf > 3) {
			err = customs__error(CUSTOMS_EFORMAT, "%s:%zu: want \"NAME URL [KIND]\"", path, lineno);
			goto done;
		}
		if (strlen(f[0]) > 128 || !strstr(f[1], "://")) {
			err = customs__error(CUSTOMS_EFORMAT, "%s:%zu: bad feed name or URL (want \"NAME URL [KIND]\")", path, lineno);
			goto done;
		}
		for (size_t i = 0; i < n; i++)
			if (!strcmp(v[i].name, f[0])) {
				err = customs__error(CUSTOMS_EFORMAT, "%s:%zu: feed name \"%s\" used twice (each URL is its own feed)",
						     path, lineno, f[0]);
				goto done;
			}
		if (n >= MAX_FEEDS) {
			err = customs__error(CUSTOMS_ELIMIT, "%s: more than %d feeds", path, MAX_FEEDS);
			goto done;
		}
		customs_vulndb_feed *nv = realloc(v, (n + 1) * sizeof(*nv));
		if (!nv) {
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
			goto done;
		}
		v = nv;
		v[n].name = strdup(f[0]);
		v[n].url = strdup(f[1]);
		v[n].kind = nf == 3 ? strdup(f[2]) : NULL;
		n++;
		if (!v[n - 1].name || !v[n - 1].url || (nf == 3 && !v[n - 1].kind)) {
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
			goto done;
		}
	}
	if (!n)
		err = customs__error(CUSTOMS_EFORMAT, "%s: no feeds", path);
done:
	free(data);
	if (err < 0) {
		customs_vulndb_feeds_free(v, n);
		return err;
	}
	*out = v;
	*nout = n;
	return 0;
}

/* ---- downloading ---- */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_rc;
static void curl_init(void) { curl_rc = curl_global_init(CURL_GLOBAL_DEFAULT); }

struct dl {
	FILE *f;
	size_t got, max;
	int over;
	char etag[512], last_modified[128];
};

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	struct dl *d = ud;
	size_t len = size * n;
	if (d->got + len > d->max) {
		d->over = 1;
		return 0;
	}
	d->got += len;
	return fwrite(p, 1, len, d->f) == len ? len : 0;
}

/* Copy a header's value (trimmed) when line is "name: value". */
static void header_value(char *dst, size_t cap, const char *line, size_t n, const char *name)
{
	size_t k = strlen(name);
	if (n <= k + 1 || strncasecmp(line, name, k) || line[k] != ':')
		return;
	const char *v = line + k + 1, *e = line + n;
	while (v < e && (*v == ' ' || *v == '\t'))
		v++;
	while (e > v && (e[-1] == '\r' || e[-1] == '\n' || e[-1] == ' '))
		e--;
	if ((size_t)(e - v) < cap) {
		memcpy(dst, v, (size_t)(e - v));
		dst[e - v] = '\0';
	}
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	struct dl *d = ud;
	size_t len = size * n;
	if (len > 5 && !strncmp(p, "HTTP/", 5)) {
		/* a new response (redirect): forget the previous one's headers */
		d->etag[0] = d->last_modified[0] = '\0';
		return len;
	}
	header_value(d->etag, sizeof(d->etag), p, len, "ETag");
	header_value(d->last_modified, sizeof(d->last_modified), p, len, "Last-Modified");
	return len;
}

struct stored {
	char *url, *etag, *last_modified;
};

/* What the database remembers of source `name`. */
static void lookup_stored(customs_vulndb_info *info, const char *name, struct stored *s)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; info && i < info->nsources; i++)
		if (!strcmp(info->sources[i].name, name)) {
			s->url = (char *)info->sources[i].url;
			s->etag = (char *)info->sources[i].etag;
			s->last_modified = (char *)info->sources[i].last_modified;
		}
}

static void progress(const customs_vulndb_update_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void progress(const customs_vulndb_update_opts *o, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	if (!o || !o->progress)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	o->progress(o->ud, msg);
}

/* 1: downloaded to path, 0: not modified, <0: failed (error set). */
static int fetch(const customs_vulndb_feed *f, const struct stored *s, const char *path,
		 const customs_vulndb_update_opts *o, struct dl *d)
{
	CURL *h = curl_easy_init();
	struct curl_slist *hdrs = NULL;
	char errbuf[CURL_ERROR_SIZE] = "", *hdr = NULL;
	long status = 0;
	int err = 0;

	if (!h)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	memset(d, 0, sizeof(*d));
	d->max = o && o->max_download_bytes ? o->max_download_bytes : ((size_t)4 << 30);
	if (!(d->f = fopen(path, "wb"))) {
		err = customs__error(CUSTOMS_EIO, "%s: %s", path, strerror(errno));
		goto done;
	}
	/* conditional only when the stored validators belong to this URL */
	if (s->url && !strcmp(s->url, f->url)) {
		if (s->etag && *s->etag && (hdr = customs_asprintf("If-None-Match: %s", s->etag)))
			hdrs = curl_slist_append(hdrs, hdr);
		free(hdr);
		hdr = NULL;
		if (s->last_modified && *s->last_modified &&
		    (hdr = customs_asprintf("If-Modified-Since: %s", s->last_modified)))
			hdrs = curl_slist_append(hdrs, hdr);
		free(hdr);
	}
	curl_easy_setopt(h, CURLOPT_URL, f->url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "customs/" CUSTOMS_VERSION);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, d);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, d);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1024L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, o && o->timeout > 0 ? o->timeout : 1800L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, ""); /* transfer compression, decoded by curl */
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https,file");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#endif
	if (o && o->ca_file)
		curl_easy_setopt(h, CURLOPT_CAINFO, o->ca_file);
	CURLcode rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	if (fclose(d->f) != 0 && rc == CURLE_OK)
		rc = CURLE_WRITE_ERROR;
	d->f = NULL;
	if (d->over) {
		err = customs__error(CUSTOMS_ELIMIT, "%s: larger than the limit of %zu bytes", f->url, d->max);
	} else if (rc != CURLE_OK) {
		err = customs__error(CUSTOMS_ENETWORK, "%s: %s", f->url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
	} else if (status == 304) {
		err = 0;
	} else if (status != 0 && (status < 200 || status > 299)) {
		err = customs__error(CUSTOMS_ENETWORK, "%s: HTTP status %ld", f->url, status);
	} else {
		err = 1;
	}
done:
	if (d->f)
		fclose(d->f);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	return err;
}

void customs_vulndb_update_summary_free(customs_vulndb_update_summary *s)
{
	if (!s)
		return;
	customs_vulndb_import_summary_free(s->import);
	free(s);
}

int customs_vulndb_update(const char *dbpath, const customs_vulndb_feed *feeds, size_t nfeeds,
			  const customs_vulndb_update_opts *o, customs_vulndb_update_summary **out)
{
	customs_vulndb *db = NULL;
	customs_vulndb_info *info = NULL;
	customs_vulndb_update_summary *sum = NULL;
	customs_vulndb_input *inputs = NULL;
	char *tmpdir = NULL, **paths = NULL, **etags = NULL, **lms = NULL;
	size_t ninputs = 0;
	struct stat sb;
	int err = 0;

	if (out)
		*out = NULL;
	if (!dbpath || (!feeds && nfeeds))
		return customs__error(CUSTOMS_EINVAL, "vulndb update: NULL argument");
	if (o && o->version != CUSTOMS_VULNDB_IMPORT_OPTS_VERSION)
		return customs__error(CUSTOMS_EINVAL, "vulndb update: options version %u, this library has %d", o->version,
				      CUSTOMS_VULNDB_IMPORT_OPTS_VERSION);
	pthread_once(&curl_once, curl_init);
	if (curl_rc != CURLE_OK)
		return customs__error(CUSTOMS_ENETWORK, "curl_global_init: %s", curl_easy_strerror(curl_rc));
	for (size_t i = 0; i < nfeeds; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(feeds[i].name, feeds[j].name))
				return customs__error(CUSTOMS_EINVAL, "vulndb update: feed name \"%s\" used twice", feeds[i].name);

	/* the validators of the last download, if there is a database */
	if (stat(dbpath, &sb) == 0 && sb.st_size > 0) {
		if ((err = customs_vulndb_open(&db, dbpath, 1)) < 0 || (err = customs_vulndb_status(db, &info)) < 0)
			goto done;
	}
	if (!(sum = calloc(1, sizeof(*sum))) || !(inputs = calloc(nfeeds + 1, sizeof(*inputs))) ||
	    !(paths = calloc(nfeeds + 1, sizeof(*paths))) || !(etags = calloc(nfeeds + 1, sizeof(*etags))) ||
	    !(lms = calloc(nfeeds + 1, sizeof(*lms))) || !(tmpdir = customs_asprintf("%s.dl-XXXXXX", dbpath))) {
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		goto done;
	}
	{
		/* the directory of the database must exist for the download directory */
		char *d = strdup(dbpath), *slash = d ? strrchr(d, '/') : NULL;
		if (slash && slash != d) {
			*slash = '\0';
			for (char *p = d + 1; *p; p++)
				if (*p == '/') {
					*p = '\0';
					mkdir(d, 0755);
					*p = '/';
				}
			mkdir(d, 0755);
		}
		free(d);
	}
	if (!mkdtemp(tmpdir)) {
		err = customs__error(CUSTOMS_EIO, "%s: %s", tmpdir, strerror(errno));
		free(tmpdir);
		tmpdir = NULL;
		goto done;
	}

	for (size_t i = 0; i < nfeeds; i++) {
		const customs_vulndb_feed *f = &feeds[i];
		struct stored s;
		struct dl d;
		char *path = customs_asprintf("%s/%04zu", tmpdir, i);
		if (!path) {
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
			goto done;
		}
		lookup_stored(info, f->name, &s);
		int r = fetch(f, &s, path, o, &d);
		if (r < 0) {
			sum->failed++;
			progress(o, "%s: failed: %s (its records are kept)", f->name, customs_error_last());
			unlink(path);
			free(path);
			continue;
		}
		if (r == 0) {
			sum->not_modified++;
			progress(o, "%s: not modified", f->name);
			unlink(path);
			free(path);
			continue;
		}
		sum->fetched++;
		progress(o, "%s: downloaded %zu bytes", f->name, d.got);
		paths[ninputs] = path;
		etags[ninputs] = d.etag[0] ? strdup(d.etag) : NULL;
		lms[ninputs] = d.last_modified[0] ? strdup(d.last_modified) : NULL;
		inputs[ninputs].path = path;
		inputs[ninputs].name = f->name;
		inputs[ninputs].url = f->url;
		inputs[ninputs].etag = etags[ninputs];
		inputs[ninputs].last_modified = lms[ninputs];
		ninputs++;
	}
	/* the old database is replaced below: let go of it */
	customs_vulndb_info_free(info);
	info = NULL;
	customs_vulndb_free(db);
	db = NULL;

	if (nfeeds && sum->failed == nfeeds) {
		err = customs__error(CUSTOMS_ENETWORK, "every feed failed to download; the database is unchanged");
		goto done;
	}
	if (ninputs) {
		customs_vulndb_import_opts io = {CUSTOMS_VULNDB_IMPORT_OPTS_VERSION, NULL, NULL, 0, 0, NULL};
		if (o)
			io = o->import;
		io.version = CUSTOMS_VULNDB_IMPORT_OPTS_VERSION;
		if ((err = customs_vulndb_import(dbpath, inputs, ninputs, &io, &sum->import)) < 0)
			goto done;
	}
done:
	for (size_t i = 0; paths && i < ninputs; i++) {
		unlink(paths[i]);
		free(paths[i]);
		free(etags[i]);
		free(lms[i]);
	}
	if (tmpdir) {
		rmdir(tmpdir);
		free(tmpdir);
	}
	free(paths);
	free(etags);
	free(lms);
	free(inputs);
	customs_vulndb_info_free(info);
	customs_vulndb_free(db);
	if (err < 0 || !out)
		customs_vulndb_update_summary_free(sum);
	else
		*out = sum;
	return err;
}
