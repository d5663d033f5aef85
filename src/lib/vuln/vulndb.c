/* vulndb.c - the vulnerability database file: its SQLite schema, the writer
 * the feed importers fill, and the queries the matcher asks (vuln.h).
 * Ecosystem names follow the OSV schema's "Defined ecosystems"; CVSS v3
 * scores follow the FIRST CVSS v3.1 specification, §7.1 and Appendix A. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/sha.h>

#include "util/util.h"
#include "vuln/vulndb.h"

/* ====================================================================== */
/* Small public helpers                                                    */
/* ====================================================================== */

static const char *const fix_names[] = {"unknown", "fixed", "not-fixed", "wont-fix", "not-affected"};

const char *customs_fix_state_name(customs_fix_state s)
{
	return (unsigned)s < sizeof(fix_names) / sizeof(fix_names[0]) ? fix_names[s] : "unknown";
}

customs_fix_state customs_fix_state_parse(const char *name)
{
	for (size_t i = 0; name && i < sizeof(fix_names) / sizeof(fix_names[0]); i++)
		if (!strcmp(name, fix_names[i]))
			return (customs_fix_state)i;
	return CUSTOMS_FIX_UNKNOWN;
}

int customs_vulndb_default_path(char **out)
{
	const char *e = getenv("CUSTOMS_DB"), *x = getenv("XDG_DATA_HOME"), *h = getenv("HOME");

	if (!out)
		return customs__error(CUSTOMS_EINVAL, "vulndb: out is NULL");
	if (e && *e)
		*out = strdup(e);
	else if (x && *x == '/')
		*out = customs_asprintf("%s/customs/vulndb.sqlite", x);
	else if (h && *h)
		*out = customs_asprintf("%s/.local/share/customs/vulndb.sqlite", h);
	else
		return customs__error(CUSTOMS_EINVAL, "vulndb: no default database path: set CUSTOMS_DB, XDG_DATA_HOME or HOME");
	return *out ? 0 : customs__error(CUSTOMS_ENOMEM, "out of memory");
}

/* ====================================================================== */
/* Ecosystems and names                                                    */
/* ====================================================================== */

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* 1 if s[0..n) equals word ignoring ASCII case. */
static int eqi(const char *s, size_t n, const char *word)
{
	size_t i = 0;
	for (; i < n && word[i]; i++)
		if (lower((unsigned char)s[i]) != lower((unsigned char)word[i]))
			return 0;
	return i == n && !word[i];
}

static int release_ok(const char *s, size_t n)
{
	if (!n || n > 32)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '-' ||
		      c == '_'))
			return 0;
	}
	return 1;
}

/* The first "N" or "N.N" run of digits in s (a release number). */
static int first_number(const char *s, size_t *off, size_t *len, int with_minor)
{
	for (size_t i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9')
			continue;
		size_t j = i;
		while (s[j] >= '0' && s[j] <= '9')
			j++;
		if (with_minor && s[j] == '.' && s[j + 1] >= '0' && s[j + 1] <= '9') {
			j++;
			while (s[j] >= '0' && s[j] <= '9')
				j++;
		}
		*off = i, *len = j - i;
		return j - i <= 16;
	}
	return 0;
}

int vulndb__namespace(char *ns, size_t cap, const char **scheme, const char *eco)
{
	static const struct {
		const char *osv, *ns, *scheme;
	} plain[] = {
		{"npm", "npm", "semver"},         {"PyPI", "pypi", "pep440"},       {"Maven", "maven", "maven"},
		{"Go", "go", "go"},               {"crates.io", "crates.io", "cargo"}, {"RubyGems", "rubygems", "gem"},
		{"Packagist", "packagist", "composer"}, {"NuGet", "nuget", "nuget"},
	};
	static const struct {
		const char *osv, *ns, *scheme;
	} distro[] = {
		{"Debian", "debian", "dpkg"},   {"Alpine", "alpine", "apk"},     {"Ubuntu", "ubuntu", "dpkg"},
		{"AlmaLinux", "almalinux", "rpm"}, {"Rocky Linux", "rocky", "rpm"}, {"Red Hat", "rhel", "rpm"},
	};
	const char *colon;
	size_t bn, off, len;

	if (!eco || !*eco)
		return customs__error(CUSTOMS_EFORMAT, "empty ecosystem");
	colon = strchr(eco, ':');
	bn = colon ? (size_t)(colon - eco) : strlen(eco);
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		if (eqi(eco, bn, plain[i].osv)) {
			if (colon)
				break; /* "npm:x" is not an ecosystem */
			*scheme = plain[i].scheme;
			snprintf(ns, cap, "%s", plain[i].ns);
			return 0;
		}
	for (size_t i = 0; i < sizeof(distro) / sizeof(distro[0]); i++) {
		if (!eqi(eco, bn, distro[i].osv))
			continue;
		*scheme = distro[i].scheme;
		if (!colon || !colon[1]) {
			snprintf(ns, cap, "%s", distro[i].ns);
			return 0;
		}
		const char *rel = colon + 1;
		size_t rn = strlen(rel);
		if (!strcmp(distro[i].ns, "alpine")) {
			if (rel[0] == 'v')
				rel++, rn--;
		} else if (!strcmp(distro[i].ns, "ubuntu")) {
			/* "22.04:LTS", "Pro:18.04:LTS", "24.10" */
			int pro = !strncmp(rel, "Pro:", 4);
			if (!first_number(rel, &off, &len, 1))
				break;
			snprintf(ns, cap, "%s:%.*s", pro ? "ubuntu-pro" : "ubuntu", (int)len, rel + off);
			return 0;
		} else if (!strcmp(distro[i].ns, "rhel")) {
			/* "enterprise_linux:9::appstream", "rhel_eus:9.2::baseos": the major */
			if (!first_number(rel, &off, &len, 0))
				break;
			snprintf(ns, cap, "rhel:%.*s", (int)len, rel + off);
			return 0;
		} else if (strchr(rel, ':')) {
			rn = (size_t)(strchr(rel, ':') - rel);
		}
		if (!release_ok(rel, rn))
			break;
		snprintf(ns, cap, "%s:%.*s", distro[i].ns, (int)rn, rel);
		for (char *p = ns; *p; p++)
			*p = (char)lower((unsigned char)*p);
		return 0;
	}
	return customs__error(CUSTOMS_EUNSUPPORTED, "ecosystem \"%.64s\" is not one the database holds", eco);
}

int vulndb__normalize(char *buf, size_t cap, const char *ns, const char *name)
{
	size_t n = name ? strlen(name) : 0, o = 0;
	int pypi = ns && !strcmp(ns, "pypi");
	int low = pypi || (ns && (!strcmp(ns, "npm") || !strcmp(ns, "packagist") || !strcmp(ns, "nuget")));

	if (!n)
		return customs__error(CUSTOMS_EFORMAT, "empty package name");
	if (n >= cap || n > VULNDB__MAX_NAME)
		return customs__error(CUSTOMS_EFORMAT, "package name longer than %d bytes", VULNDB__MAX_NAME);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c < 0x20 || c == 0x7f)
			return customs__error(CUSTOMS_EFORMAT, "control character in package name");
		if (pypi && (c == '-' || c == '_' || c == '.')) {
			/* PEP 503: runs of -_. become one - */
			while (i + 1 < n && (name[i + 1] == '-' || name[i + 1] == '_' || name[i + 1] == '.'))
				i++;
			buf[o++] = '-';
			continue;
		}
		buf[o++] = (char)(low ? lower(c) : c);
	}
	buf[o] = '\0';
	return 0;
}

int customs_vulndb_normalize_name(char **out, const char *ns, const char *name)
{
	char buf[VULNDB__MAX_NAME + 1];
	int err;

	if (!out || !ns || !name)
		return customs__error(CUSTOMS_EINVAL, "vulndb: NULL argument");
	if ((err = vulndb__normalize(buf, sizeof(buf), ns, name)) < 0)
		return err;
	return (*out = strdup(buf)) ? 0 : customs__error(CUSTOMS_ENOMEM, "out of memory");
}

int vulndb__valid_id(const char *id)
{
	size_t n = 0;
	if (!id || !*id)
		return 0;
	for (; id[n]; n++)
		if ((unsigned char)id[n] <= 0x20 || (unsigned char)id[n] >= 0x7f || n >= VULNDB__MAX_ID)
			return 0;
	return 1;
}

int vulndb__is_cve(const char *id)
{
	if (!id || strncmp(id, "CVE-", 4))
		return 0;
	const char *p = id + 4;
	for (int i = 0; i < 4; i++, p++)
		if (*p < '0' || *p > '9')
			return 0;
	if (*p++ != '-')
		return 0;
	size_t d = 0;
	for (; *p >= '0' && *p <= '9'; p++)
		d++;
	return !*p && d >= 4 && d <= 19;
}

/* ====================================================================== */
/* CVSS v3.x base score                                                    */
/* ====================================================================== */

static double roundup(double x)
{
	long long i = llround(x * 100000.0);
	if (i % 10000 == 0)
		return (double)i / 100000.0;
	return (floor((double)i / 10000.0) + 1.0) / 10.0;
}

double vulndb__cvss3_score(const char *v)
{
	/* metric values, -1 = absent */
	double av = -1, ac = -1, pr = -1, ui = -1, c = -1, in = -1, a = -1;
	int scope = -1; /* 0 unchanged, 1 changed */
	char prv = 0;

	if (!v || strncmp(v, "CVSS:3.", 7) || (v[7] != '0' && v[7] != '1') || v[8] != '/')
		return -1;
	for (const char *p = v + 9; *p;) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		const char *colon = memchr(p, ':', n);
		if (!colon || colon + 2 != p + n)
			return -1;
		size_t kn = (size_t)(colon - p);
		char val = colon[1];
#define K(s) (kn == sizeof(s) - 1 && !memcmp(p, s, kn))
		if (K("AV"))
			av = val == 'N' ? 0.85 : val == 'A' ? 0.62 : val == 'L' ? 0.55 : val == 'P' ? 0.2 : -2;
		else if (K("AC"))
			ac = val == 'L' ? 0.77 : val == 'H' ? 0.44 : -2;
		else if (K("PR"))
			prv = val, pr = (val == 'N' || val == 'L' || val == 'H') ? 0 : -2;
		else if (K("UI"))
			ui = val == 'N' ? 0.85 : val == 'R' ? 0.62 : -2;
		else if (K("S"))
			scope = val == 'U' ? 0 : val == 'C' ? 1 : -2;
		else if (K("C") || K("I") || K("A")) {
			double x = val == 'H' ? 0.56 : val == 'L' ? 0.22 : val == 'N' ? 0 : -2;
			if (K("C"))
				c = x;
			else if (K("I"))
				in = x;
			else
				a = x;
		}
#undef K
		/* temporal and environmental metrics are ignored */
		p += n;
		if (*p == '/')
			p++;
	}
	if (av < 0 || ac < 0 || pr < 0 || ui < 0 || scope < 0 || c < 0 || in < 0 || a < 0)
		return -1;
	pr = prv == 'N' ? 0.85 : prv == 'L' ? (scope ? 0.68 : 0.62) : (scope ? 0.5 : 0.27);
	double iss = 1.0 - (1.0 - c) * (1.0 - in) * (1.0 - a);
	double impact = scope ? 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15) : 6.42 * iss;
	double expl = 8.22 * av * ac * pr * ui;
	if (impact <= 0)
		return 0;
	double s = scope ? 1.08 * (impact + expl) : impact + expl;
	return roundup(s < 10 ? s : 10);
}

/* ====================================================================== */
/* JSON helpers                                                            */
/* ====================================================================== */

#define JSON_SCAN_MAX_DEPTH 512

static size_t jws(const char *b, size_t n, size_t i)
{
	while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r'))
		i++;
	return i;
}

static int jskip_string(const char *b, size_t n, size_t *i)
{
	size_t j = *i + 1;
	while (j < n && b[j] != '"') {
		if (b[j] == '\\')
			j++;
		j++;
	}
	if (j >= n)
		return customs__error(CUSTOMS_EFORMAT, "unterminated string at byte %zu", *i);
	*i = j + 1;
	return 0;
}

/* Skip one value starting at *i (after whitespace). Structural only:
 * jansson validates the value when it is parsed. */
static int jskip_value(const char *b, size_t n, size_t *i)
{
	int depth = 0, err;
	size_t j = jws(b, n, *i);

	if (j >= n)
		return customs__error(CUSTOMS_EFORMAT, "value expected at byte %zu", j);
	for (;;) {
		j = jws(b, n, j);
		if (j >= n)
			return customs__error(CUSTOMS_EFORMAT, "truncated JSON at byte %zu", j);
		char c = b[j];
		if (c == '"') {
			if ((err = jskip_string(b, n, &j)) < 0)
				return err;
		} else if (c == '{' || c == '[') {
			if (++depth > JSON_SCAN_MAX_DEPTH)
				return customs__error(CUSTOMS_EFORMAT, "JSON nested deeper than %d at byte %zu", JSON_SCAN_MAX_DEPTH, j);
			j++;
			continue;
		} else if (c == '}' || c == ']') {
			if (--depth < 0)
				return customs__error(CUSTOMS_EFORMAT, "unbalanced '%c' at byte %zu", c, j);
			j++;
		} else if (c == ',' || c == ':') {
			if (!depth)
				return customs__error(CUSTOMS_EFORMAT, "unexpected '%c' at byte %zu", c, j);
			j++;
			continue;
		} else {
			size_t s = j;
			while (j < n && b[j] != ',' && b[j] != ']' && b[j] != '}' && b[j] != ':' && b[j] != ' ' &&
			       b[j] != '\t' && b[j] != '\n' && b[j] != '\r' && b[j] != '"' && b[j] != '{' && b[j] != '[')
				j++;
			if (j == s)
				return customs__error(CUSTOMS_EFORMAT, "unexpected byte 0x%02x at byte %zu", (unsigned char)c, j);
		}
		if (!depth)
			break;
	}
	*i = j;
	return 0;
}

int vulndb__json_members(const char *b, size_t n, int (*cb)(void *, const char *, const char *, size_t), void *ud)
{
	size_t i = jws(b, n, 0);
	char key[VULNDB__MAX_NAME + 1];
	int err;

	if (i >= n || b[i] != '{')
		return customs__error(CUSTOMS_EFORMAT, "a JSON object expected");
	i = jws(b, n, i + 1);
	if (i < n && b[i] == '}')
		return 0;
	for (;;) {
		i = jws(b, n, i);
		if (i >= n || b[i] != '"')
			return customs__error(CUSTOMS_EFORMAT, "object key expected at byte %zu", i);
		size_t ks = i;
		if ((err = jskip_string(b, n, &i)) < 0)
			return err;
		size_t kn = i - ks - 2;
		if (memchr(b + ks + 1, '\\', kn)) {
			/* rare: let jansson unescape it */
			json_t *s = json_loadb(b + ks, i - ks, JSON_DECODE_ANY, NULL);
			if (!json_is_string(s) || json_string_length(s) >= sizeof(key)) {
				json_decref(s);
				return customs__error(CUSTOMS_EFORMAT, "bad object key at byte %zu", ks);
			}
			memcpy(key, json_string_value(s), json_string_length(s) + 1);
			json_decref(s);
		} else {
			if (kn >= sizeof(key))
				return customs__error(CUSTOMS_EFORMAT, "object key longer than %zu bytes at byte %zu",
						      sizeof(key) - 1, ks);
			memcpy(key, b + ks + 1, kn);
			key[kn] = '\0';
		}
		i = jws(b, n, i);
		if (i >= n || b[i] != ':')
			return customs__error(CUSTOMS_EFORMAT, "':' expected at byte %zu", i);
		i = jws(b, n, i + 1);
		size_t vs = i;
		if ((err = jskip_value(b, n, &i)) < 0)
			return err;
		if ((err = cb(ud, key, b + vs, i - vs)) < 0)
			return err;
		i = jws(b, n, i);
		if (i < n && b[i] == ',') {
			i++;
			continue;
		}
		if (i < n && b[i] == '}')
			return 0;
		return customs__error(CUSTOMS_EFORMAT, "',' or '}' expected at byte %zu", i);
	}
}

int vulndb__json_elements(const char *b, size_t n, int (*cb)(void *, const char *, size_t), void *ud)
{
	size_t i = jws(b, n, 0);
	int err;

	if (i >= n || b[i] != '[')
		return customs__error(CUSTOMS_EFORMAT, "a JSON array expected");
	i = jws(b, n, i + 1);
	if (i < n && b[i] == ']')
		return 0;
	for (;;) {
		i = jws(b, n, i);
		size_t vs = i;
		if ((err = jskip_value(b, n, &i)) < 0)
			return err;
		if ((err = cb(ud, b + vs, i - vs)) < 0)
			return err;
		i = jws(b, n, i);
		if (i < n && b[i] == ',') {
			i++;
			continue;
		}
		if (i < n && b[i] == ']')
			return 0;
		return customs__error(CUSTOMS_EFORMAT, "',' or ']' expected at byte %zu", i);
	}
}

json_t *vulndb__json_load(vulndb__writer *w, const char *record, const char *buf, size_t len)
{
	json_error_t je;
	json_t *j = json_loadb(buf, len, JSON_DECODE_ANY, &je);
	if (!j)
		vulndb__warn(w, VULNDB__W_MALFORMED, record, "not valid JSON: %s (line %d, column %d)", je.text, je.line,
			     je.column);
	return j;
}

const char *vulndb__jstr(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* ====================================================================== */
/* Schema                                                                  */
/* ====================================================================== */

/* Indexes on affected are created after the bulk load (vulndb__writer_finish). */
static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;\n"
	"CREATE TABLE IF NOT EXISTS sources(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,\n"
	"  url TEXT, etag TEXT, last_modified TEXT, imported_at TEXT, records INTEGER NOT NULL DEFAULT 0,\n"
	"  affected INTEGER NOT NULL DEFAULT 0, newest TEXT);\n"
	"CREATE TABLE IF NOT EXISTS vulns(id TEXT NOT NULL, source INTEGER NOT NULL, summary TEXT, details TEXT,\n"
	"  published TEXT, modified TEXT, withdrawn TEXT, severity TEXT, cvss3_score REAL, cvss3_vector TEXT,\n"
	"  cvss4_score REAL, cvss4_vector TEXT, cwes TEXT, nrefs INTEGER, UNIQUE(id, source));\n"
	/* alias and related links are stored both ways, upstream one way; kind: 0 alias, 1 related, 2 upstream */
	"CREATE TABLE IF NOT EXISTS links(id TEXT NOT NULL, other TEXT NOT NULL, kind INTEGER NOT NULL,\n"
	"  source INTEGER NOT NULL, PRIMARY KEY(id, other, kind, source)) WITHOUT ROWID;\n"
	/* ranges and versions are ids of blobs; fix_state is customs_fix_state (0 unknown, 1 fixed,
	 * 2 not-fixed, 3 wont-fix, 4 not-affected) */
	"CREATE TABLE IF NOT EXISTS affected(vuln TEXT NOT NULL, source INTEGER NOT NULL, ns TEXT NOT NULL,\n"
	"  package TEXT NOT NULL, ecosystem TEXT NOT NULL, ranges INTEGER, versions INTEGER,\n"
	"  fix_state INTEGER NOT NULL, status TEXT, urgency TEXT, severity TEXT);\n"
	/* compact JSON (ranges, versions lists) shared by content: the id is a SHA-256 prefix */
	"CREATE TABLE IF NOT EXISTS blobs(hash INTEGER PRIMARY KEY, body TEXT NOT NULL);\n"
	"CREATE TABLE IF NOT EXISTS nvd(cve TEXT PRIMARY KEY, source INTEGER NOT NULL, cvss3_score REAL,\n"
	"  cvss3_vector TEXT, cvss4_score REAL, cvss4_vector TEXT, cwes TEXT, published TEXT, modified TEXT) WITHOUT ROWID;\n"
	"CREATE TABLE IF NOT EXISTS epss(cve TEXT PRIMARY KEY, source INTEGER NOT NULL, score REAL,\n"
	"  percentile REAL) WITHOUT ROWID;\n"
	"CREATE TABLE IF NOT EXISTS kev(cve TEXT PRIMARY KEY, source INTEGER NOT NULL, date_added TEXT,\n"
	"  due_date TEXT, ransomware TEXT) WITHOUT ROWID;\n"
	"CREATE TABLE IF NOT EXISTS namespaces(ns TEXT PRIMARY KEY, affected INTEGER NOT NULL,\n"
	"  packages INTEGER NOT NULL, vulns INTEGER NOT NULL) WITHOUT ROWID;\n";

static const char index_sql[] =
	"CREATE INDEX IF NOT EXISTS affected_pkg ON affected(ns, package);\n"
	"CREATE INDEX IF NOT EXISTS affected_vuln ON affected(vuln);\n";

static int sqlerr(sqlite3 *db, const char *what)
{
	int rc = sqlite3_errcode(db);
	return customs__error(rc == SQLITE_NOMEM ? CUSTOMS_ENOMEM : CUSTOMS_EIO, "vulndb: %s: %s", what,
			      sqlite3_errmsg(db));
}

static int exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int err = customs__error(CUSTOMS_EIO, "vulndb: %s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return err;
	}
	return 0;
}

static void now_rfc3339(char *buf, size_t cap)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ====================================================================== */
/* Writer                                                                  */
/* ====================================================================== */

enum {
	ST_VULN,
	ST_VULN_OTHER,
	ST_VULN_SAME,
	ST_DEL_VULN,
	ST_DEL_AFF,
	ST_DEL_LINKS,
	ST_LINK,
	ST_AFF,
	ST_BLOB,
	ST_NVD,
	ST_EPSS,
	ST_KEV,
	ST_N,
};

static const char *const writer_sql[ST_N] = {
	"INSERT INTO vulns(id, source, summary, details, published, modified, withdrawn, severity, cvss3_score,"
	" cvss3_vector, cvss4_score, cvss4_vector, cwes, nrefs) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	"SELECT s.name FROM vulns v JOIN sources s ON s.id = v.source WHERE v.id = ?1 AND v.source <> ?2 LIMIT 1",
	"SELECT coalesce(modified, '') FROM vulns WHERE id = ?1 AND source = ?2",
	"DELETE FROM vulns WHERE id = ?1 AND source = ?2",
	/* the rows of one record are consecutive: no index needed while loading */
	"DELETE FROM affected WHERE rowid BETWEEN ?3 AND ?4 AND vuln = ?1 AND source = ?2",
	"DELETE FROM links WHERE source = ?2 AND (id = ?1 OR (other = ?1 AND id IN"
	" (SELECT other FROM links WHERE id = ?1 AND source = ?2)))",
	"INSERT OR IGNORE INTO links(id, other, kind, source) VALUES(?,?,?,?)",
	"INSERT INTO affected(vuln, source, ns, package, ecosystem, ranges, versions, fix_state, status, urgency,"
	" severity) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
	"INSERT OR IGNORE INTO blobs(hash, body) VALUES(?,?)",
	"INSERT OR REPLACE INTO nvd(cve, source, cvss3_score, cvss3_vector, cvss4_score, cvss4_vector, cwes,"
	" published, modified) VALUES(?,?,?,?,?,?,?,?,?)",
	"INSERT OR REPLACE INTO epss(cve, source, score, percentile) VALUES(?,?,?,?)",
	"INSERT OR REPLACE INTO kev(cve, source, date_added, due_date, ransomware) VALUES(?,?,?,?,?)",
};

/* The affected rows a record stored (rowids), to replace them when the
 * same id comes again. */
struct rec_rows {
	int64_t first, last;
};

struct wsource {
	int64_t id;
	char *name, *kind;
	vulndb__stats st;
	customs_strmap recs; /* id → struct rec_rows, keys in ar */
	customs_arena ar;
};

struct vulndb__writer {
	sqlite3 *db;
	sqlite3_stmt *st[ST_N];
	struct wsource *src;
	size_t nsrc, cur;
	char *file;
	unsigned wcount[VULNDB__W_NKINDS];
	void (*warn)(void *, const char *);
	void *ud;
	int64_t nwarnings;
	int finished;
	struct rec_rows *cur_rec; /* the record being stored, its id: */
	const char *cur_rec_id;
	uint64_t *blobset;        /* hashes of blobs stored by this writer */
	size_t nblobs, blobcap;
};

static struct wsource *cursrc(vulndb__writer *w) { return w->nsrc ? &w->src[w->cur] : NULL; }

int vulndb__writer_open(vulndb__writer **out, const char *path, void (*warn)(void *, const char *), void *ud)
{
	vulndb__writer *w = calloc(1, sizeof(*w));
	int err;

	*out = NULL;
	if (!w)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	w->warn = warn;
	w->ud = ud;
	if (sqlite3_open_v2(path, &w->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		err = customs__error(CUSTOMS_EIO, "vulndb: cannot create %s: %s", path,
				     w->db ? sqlite3_errmsg(w->db) : "out of memory");
		goto fail;
	}
	/* A temporary file renamed into place at the end: no journal needed. */
	if ((err = exec(w->db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE;"
			       "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-131072; PRAGMA foreign_keys=OFF;")) < 0 ||
	    (err = exec(w->db, schema_sql)) < 0 || (err = exec(w->db, "BEGIN")) < 0)
		goto fail;
	for (int i = 0; i < ST_N; i++)
		if (sqlite3_prepare_v3(w->db, writer_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &w->st[i], NULL) != SQLITE_OK) {
			err = sqlerr(w->db, "prepare");
			goto fail;
		}
	*out = w;
	return 0;
fail:
	vulndb__writer_free(w);
	return err;
}

sqlite3 *vulndb__writer_db(vulndb__writer *w) { return w->db; }

static void flush_warn_caps(vulndb__writer *w)
{
	static const char *const what[VULNDB__W_NKINDS] = {
		"malformed-record", "bad-version", "duplicate-id", "ecosystem", "range", "file",
	};
	for (int k = 0; k < VULNDB__W_NKINDS; k++) {
		if (w->wcount[k] > VULNDB__WARN_PER_KIND && w->warn) {
			char *m = customs_asprintf("feed %s: %u more %s warnings not shown",
						   w->nsrc ? w->src[w->cur].name : "?", w->wcount[k] - VULNDB__WARN_PER_KIND,
						   what[k]);
			if (m)
				w->warn(w->ud, m);
			free(m);
		}
		w->wcount[k] = 0;
	}
}

void vulndb__writer_file(vulndb__writer *w, const char *display)
{
	free(w->file);
	w->file = customs_strdup(display);
}

const char *vulndb__writer_filename(const vulndb__writer *w) { return w->file ? w->file : "?"; }

void vulndb__warn(vulndb__writer *w, enum vulndb__warn_kind kind, const char *record, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	w->nwarnings++;
	if (++w->wcount[kind] > VULNDB__WARN_PER_KIND || !w->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* never pass feed bytes that are not printable to a terminal */
	for (char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	char *line = record ? customs_asprintf("%s: %.200s: %s", vulndb__writer_filename(w), record, msg)
			    : customs_asprintf("%s: %s", vulndb__writer_filename(w), msg);
	if (line) {
		for (char *p = line; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
		w->warn(w->ud, line);
	}
	free(line);
}

int64_t vulndb__writer_warnings(const vulndb__writer *w) { return w->nwarnings; }

int vulndb__writer_source(vulndb__writer *w, const char *name, const char *kind, const char *url, const char *etag,
			  const char *last_modified, vulndb__stats **stats)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int err = 0;

	if (w->nsrc && strcmp(w->src[w->cur].name, name))
		flush_warn_caps(w);
	w->cur_rec = NULL;
	for (size_t i = 0; i < w->nsrc; i++)
		if (!strcmp(w->src[i].name, name)) {
			w->cur = i;
			if (stats)
				*stats = &w->src[i].st;
			return 0;
		}
	struct wsource *n = realloc(w->src, (w->nsrc + 1) * sizeof(*n));
	if (!n)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	w->src = n;
	memset(&n[w->nsrc], 0, sizeof(*n));
	if (!(n[w->nsrc].name = strdup(name)) || !(n[w->nsrc].kind = strdup(kind ? kind : "unknown"))) {
		free(n[w->nsrc].name);
		free(n[w->nsrc].kind);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	now_rfc3339(now, sizeof(now));
	if (sqlite3_prepare_v2(w->db,
			       "INSERT INTO sources(name, kind, url, etag, last_modified, imported_at) VALUES(?,?,?,?,?,?)",
			       -1, &st, NULL) != SQLITE_OK) {
		err = sqlerr(w->db, "prepare");
		goto done;
	}
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, n[w->nsrc].kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, url, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, etag, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, last_modified, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		err = sqlerr(w->db, "adding a source");
		goto done;
	}
	n[w->nsrc].id = sqlite3_last_insert_rowid(w->db);
	w->cur = w->nsrc++;
	if (stats)
		*stats = &w->src[w->cur].st;
done:
	if (err < 0) {
		free(n[w->nsrc].name);
		free(n[w->nsrc].kind);
	}
	sqlite3_finalize(st);
	return err;
}

const char *vulndb__writer_kind(const vulndb__writer *w) { return w->nsrc ? w->src[w->cur].kind : NULL; }

int vulndb__writer_set_kind(vulndb__writer *w, const char *kind)
{
	struct wsource *s = cursrc(w);
	sqlite3_stmt *st = NULL;
	char *k;

	if (!s || !strcmp(s->kind, kind))
		return 0;
	if (!(k = strdup(kind)))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	free(s->kind);
	s->kind = k;
	if (sqlite3_prepare_v2(w->db, "UPDATE sources SET kind = ?1 WHERE id = ?2", -1, &st, NULL) != SQLITE_OK)
		return sqlerr(w->db, "prepare");
	sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, s->id);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : sqlerr(w->db, "updating a source");
}

vulndb__stats *vulndb__writer_stats(vulndb__writer *w)
{
	struct wsource *s = cursrc(w);
	return s ? &s->st : NULL;
}

size_t vulndb__writer_nsources(const vulndb__writer *w) { return w->nsrc; }

void vulndb__writer_source_at(const vulndb__writer *w, size_t i, const char **name, const char **kind,
			      const vulndb__stats **stats)
{
	*name = w->src[i].name;
	*kind = w->src[i].kind;
	*stats = &w->src[i].st;
}

void vulndb__newest(vulndb__writer *w, const char *date)
{
	struct wsource *s = cursrc(w);
	size_t n;

	/* "YYYY-MM-DD..." only; Go's "0001-01-01T00:00:00Z" placeholder is no date */
	if (!s || !date || (n = strlen(date)) < 10 || n >= sizeof(s->st.newest) || date[4] != '-' || date[7] != '-' ||
	    !strncmp(date, "0001-", 5))
		return;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (date[i] < '0' || date[i] > '9'))
			return;
	if (strcmp(date, s->st.newest) > 0)
		memcpy(s->st.newest, date, n + 1);
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static void bind_score(sqlite3_stmt *st, int i, double d)
{
	if (d >= 0)
		sqlite3_bind_double(st, i, d);
	else
		sqlite3_bind_null(st, i);
}

static int step_done(vulndb__writer *w, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	int err = rc == SQLITE_DONE ? 0 : sqlerr(w->db, what);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return err;
}

int vulndb__put_vuln(vulndb__writer *w, const vulndb__vuln *v)
{
	struct wsource *s = cursrc(w);
	sqlite3_stmt *st;
	int rc;

	if (!s)
		return customs__error(CUSTOMS_EINTERNAL, "vulndb: no current source");
	st = w->st[ST_VULN_OTHER];
	sqlite3_bind_text(st, 1, v->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, s->id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		s->st.duplicates++;
		vulndb__warn(w, VULNDB__W_DUPLICATE, v->id, "duplicate id: also in feed \"%s\"; both kept",
			     (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqlerr(w->db, "looking up a vulnerability");

	/* the same id twice in one feed (osv zips have such files): the more
	 * recently modified record wins, on a tie the first */
	st = w->st[ST_VULN_SAME];
	sqlite3_bind_text(st, 1, v->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, s->id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char old[64];
		snprintf(old, sizeof(old), "%s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_reset(st);
		s->st.duplicates++;
		if (!v->modified || strcmp(v->modified, old) <= 0) {
			w->cur_rec = NULL;
			vulndb__warn(w, VULNDB__W_DUPLICATE, v->id,
				     "duplicate id in feed \"%s\"; the record read first (modified %s) is kept", s->name,
				     *old ? old : "?");
			return 1;
		}
		vulndb__warn(w, VULNDB__W_DUPLICATE, v->id,
			     "duplicate id in feed \"%s\"; this record (modified %.40s) replaces the one read first", s->name,
			     v->modified);
		struct rec_rows *rr = customs_strmap_get(&s->recs, v->id, NULL);
		for (int k = ST_DEL_VULN; k <= ST_DEL_LINKS; k++) {
			int err;
			sqlite3_bind_text(w->st[k], 1, v->id, -1, SQLITE_STATIC);
			sqlite3_bind_int64(w->st[k], 2, s->id);
			if (k == ST_DEL_AFF) {
				sqlite3_bind_int64(w->st[k], 3, rr ? rr->first : 0);
				sqlite3_bind_int64(w->st[k], 4, rr ? rr->last : INT64_MAX);
			}
			if ((err = step_done(w, w->st[k], "replacing a duplicate record")) < 0)
				return err;
			if (k == ST_DEL_AFF)
				s->st.affected -= sqlite3_changes(w->db);
		}
		s->st.records--;
	} else {
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return sqlerr(w->db, "looking up a vulnerability");
	}

	st = w->st[ST_VULN];
	bind_text(st, 1, v->id);
	sqlite3_bind_int64(st, 2, s->id);
	bind_text(st, 3, v->summary);
	bind_text(st, 4, v->details);
	bind_text(st, 5, v->published);
	bind_text(st, 6, v->modified);
	bind_text(st, 7, v->withdrawn);
	bind_text(st, 8, v->severity);
	bind_score(st, 9, v->cvss3_score);
	bind_text(st, 10, v->cvss3_vector);
	bind_score(st, 11, v->cvss4_score);
	bind_text(st, 12, v->cvss4_vector);
	bind_text(st, 13, v->cwes && *v->cwes ? v->cwes : NULL);
	sqlite3_bind_int(st, 14, v->nrefs);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return sqlerr(w->db, "storing a vulnerability");
	s->st.records++;
	/* remember where its affected rows go */
	struct rec_rows *r = customs_strmap_get(&s->recs, v->id, NULL);
	if (!r) {
		char *key = customs_arena_strdup(&s->ar, v->id);
		if (!key || !(r = customs_arena_alloc(&s->ar, sizeof(*r))) || customs_strmap_put(&s->recs, key, r) < 0)
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		w->cur_rec_id = key;
	} else {
		w->cur_rec_id = NULL;
		for (size_t i = 0; i < s->recs.cap; i++)
			if (s->recs.vals[i] == r)
				w->cur_rec_id = s->recs.keys[i];
	}
	r->first = r->last = 0;
	w->cur_rec = r;
	return 0;
}

int vulndb__put_link(vulndb__writer *w, const char *id, const char *other, enum vulndb__link_kind kind)
{
	struct wsource *s = cursrc(w);
	sqlite3_stmt *st = w->st[ST_LINK];
	int err;

	if (!s || !strcmp(id, other))
		return 0;
	for (int dir = 0; dir < (kind == VULNDB__UPSTREAM ? 1 : 2); dir++) {
		sqlite3_bind_text(st, 1, dir ? other : id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, dir ? id : other, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, (int)kind);
		sqlite3_bind_int64(st, 4, s->id);
		if ((err = step_done(w, st, "storing an alias")) < 0)
			return err;
	}
	return 0;
}

static int64_t blob_hash(const char *body)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	uint64_t h = 0;
	SHA256((const unsigned char *)body, strlen(body), md);
	for (int i = 0; i < 8; i++)
		h = h << 8 | md[i];
	return (int64_t)(h >> 1);
}

/* 1 if h was added to the writer's set of stored blobs, 0 if it was there. */
static int blobset_add(vulndb__writer *w, uint64_t h)
{
	h |= 1; /* 0 marks an empty slot */
	if ((w->nblobs + 1) * 2 > w->blobcap) {
		size_t cap = w->blobcap ? w->blobcap * 2 : 65536;
		uint64_t *n = calloc(cap, sizeof(*n));
		if (!n)
			return 1; /* no cache: the INSERT OR IGNORE still dedups */
		for (size_t i = 0; i < w->blobcap; i++) {
			if (!w->blobset[i])
				continue;
			size_t j = (size_t)(w->blobset[i] >> 7) & (cap - 1);
			while (n[j])
				j = (j + 1) & (cap - 1);
			n[j] = w->blobset[i];
		}
		free(w->blobset);
		w->blobset = n;
		w->blobcap = cap;
	}
	size_t j = (size_t)(h >> 7) & (w->blobcap - 1);
	while (w->blobset[j]) {
		if (w->blobset[j] == h)
			return 0;
		j = (j + 1) & (w->blobcap - 1);
	}
	w->blobset[j] = h;
	w->nblobs++;
	return 1;
}

/* Store body once (by content); *id is its key. */
static int put_blob(vulndb__writer *w, const char *body, int64_t *id)
{
	sqlite3_stmt *st = w->st[ST_BLOB];
	*id = blob_hash(body);
	if (!blobset_add(w, (uint64_t)*id))
		return 0;
	sqlite3_bind_int64(st, 1, *id);
	sqlite3_bind_text(st, 2, body, -1, SQLITE_STATIC);
	return step_done(w, st, "storing ranges or versions");
}

int vulndb__put_affected(vulndb__writer *w, const vulndb__affected *a)
{
	struct wsource *s = cursrc(w);
	sqlite3_stmt *st;
	int64_t rh = 0, vh = 0;
	int err;

	if (!s)
		return customs__error(CUSTOMS_EINTERNAL, "vulndb: no current source");
	if ((a->ranges && (err = put_blob(w, a->ranges, &rh)) < 0) || (a->versions && (err = put_blob(w, a->versions, &vh)) < 0))
		return err;
	st = w->st[ST_AFF];
	bind_text(st, 1, a->vuln_id);
	sqlite3_bind_int64(st, 2, s->id);
	bind_text(st, 3, a->ns);
	bind_text(st, 4, a->package);
	bind_text(st, 5, a->ecosystem);
	if (a->ranges)
		sqlite3_bind_int64(st, 6, rh);
	else
		sqlite3_bind_null(st, 6);
	if (a->versions)
		sqlite3_bind_int64(st, 7, vh);
	else
		sqlite3_bind_null(st, 7);
	sqlite3_bind_int(st, 8, (int)a->fix_state);
	bind_text(st, 9, a->status);
	bind_text(st, 10, a->urgency);
	bind_text(st, 11, a->severity);
	if ((err = step_done(w, st, "storing an affected entry")) < 0)
		return err;
	if (w->cur_rec && w->cur_rec_id && !strcmp(w->cur_rec_id, a->vuln_id)) {
		int64_t rowid = sqlite3_last_insert_rowid(w->db);
		if (!w->cur_rec->first)
			w->cur_rec->first = rowid;
		w->cur_rec->last = rowid;
	}
	s->st.affected++;
	if (a->fix_state == CUSTOMS_FIX_NOT_AFFECTED)
		s->st.not_affected++;
	return 0;
}

int vulndb__put_nvd(vulndb__writer *w, const char *cve, double cvss3, const char *cvss3_vector, double cvss4,
		    const char *cvss4_vector, const char *cwes, const char *published, const char *modified)
{
	struct wsource *s = cursrc(w);
	sqlite3_stmt *st = w->st[ST_NVD];
	int err;

	if (!s)
		return customs__error(CUSTOMS_EINTERNAL, "vulndb: no current source");
	bind_text(st, 1, cve);
	sqlite3_bind_int64(st, 2, s->id);
	bind_score(st, 3, cvss3);
	bind_text(st, 4, cvss3_vector);
	bind_score(st, 5, cvss4);
	bind_text(st, 6, cvss4_vector);
	bind_text(st, 7, cwes && *cwes ? cwes : NULL);
	bind_text(st, 8, published);
	bind_text(st, 9, modified);
	if ((err = step_done(w, st, "storing NVD data")) < 0)
		return err;
	s->st.records++;
	return 0;
}

int vulndb__put_epss(vulndb__writer *w, const char *cve, double score, double percentile)
{
	struct wsource *s = cursrc(w);
	sqlite3_stmt *st = w->st[ST_EPSS];
	int err;

	if (!s)
		return customs__error(CUSTOMS_EINTERNAL, "vulndb: no current source");
	bind_text(st, 1, cve);
	sqlite3_bind_int64(st, 2, s->id);
	sqlite3_bind_double(st, 3, score);
	sqlite3_bind_double(st, 4, percentile);
	if ((err = step_done(w, st, "storing EPSS data")) < 0)
		return err;
	s->st.records++;
	return 0;
}

int vulndb__put_kev(vulndb__writer *w, const char *cve, const char *date_added, const char *due_date,
		    const char *ransomware)
{
	struct wsource *s = cursrc(w);
	sqlite3_stmt *st = w->st[ST_KEV];
	int err;

	if (!s)
		return customs__error(CUSTOMS_EINTERNAL, "vulndb: no current source");
	bind_text(st, 1, cve);
	sqlite3_bind_int64(st, 2, s->id);
	bind_text(st, 3, date_added);
	bind_text(st, 4, due_date);
	bind_text(st, 5, ransomware);
	if ((err = step_done(w, st, "storing KEV data")) < 0)
		return err;
	s->st.records++;
	return 0;
}

int vulndb__writer_finish(vulndb__writer *w)
{
	sqlite3_stmt *st = NULL;
	char now[32], meta[256];
	int err;

	flush_warn_caps(w);
	if (sqlite3_prepare_v2(w->db, "UPDATE sources SET records = ?1, affected = ?2, newest = ?3 WHERE id = ?4", -1,
			       &st, NULL) != SQLITE_OK)
		return sqlerr(w->db, "prepare");
	for (size_t i = 0; i < w->nsrc; i++) {
		sqlite3_bind_int64(st, 1, w->src[i].st.records);
		sqlite3_bind_int64(st, 2, w->src[i].st.affected);
		bind_text(st, 3, w->src[i].st.newest[0] ? w->src[i].st.newest : NULL);
		sqlite3_bind_int64(st, 4, w->src[i].id);
		if ((err = step_done(w, st, "updating a source")) < 0) {
			sqlite3_finalize(st);
			return err;
		}
	}
	sqlite3_finalize(st);
	now_rfc3339(now, sizeof(now));
	snprintf(meta, sizeof(meta),
		 "INSERT OR REPLACE INTO meta(key, value) VALUES('schema_version', '%d'), ('built_at', '%s'),"
		 " ('generator', 'customs %s');",
		 CUSTOMS_VULNDB_SCHEMA_VERSION, now, CUSTOMS_VERSION);
	if ((err = exec(w->db, meta)) < 0 || (err = exec(w->db, index_sql)) < 0 ||
	    (err = exec(w->db, "DELETE FROM namespaces; INSERT INTO namespaces(ns, affected, packages, vulns)"
			       " SELECT ns, count(*), count(DISTINCT package), count(DISTINCT vuln) FROM affected GROUP BY ns;")) < 0 ||
	    (err = exec(w->db, "COMMIT")) < 0)
		return err;
	w->finished = 1;
	return 0;
}

void vulndb__writer_free(vulndb__writer *w)
{
	if (!w)
		return;
	for (int i = 0; i < ST_N; i++)
		sqlite3_finalize(w->st[i]);
	if (w->db) {
		if (!w->finished && !sqlite3_get_autocommit(w->db))
			sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_close(w->db);
	}
	for (size_t i = 0; i < w->nsrc; i++) {
		free(w->src[i].name);
		free(w->src[i].kind);
		customs_strmap_release(&w->src[i].recs);
		customs_arena_release(&w->src[i].ar);
	}
	free(w->src);
	free(w->file);
	free(w->blobset);
	free(w);
}

/* ====================================================================== */
/* Reader                                                                  */
/* ====================================================================== */

enum {
	Q_AFF_PKG,
	Q_AFF_ID,
	Q_LINKS,
	Q_VULN,
	Q_NVD,
	Q_EPSS,
	Q_KEV,
	Q_NS,
	Q_KNOWN,
	Q_N,
};

#define AFF_COLS                                                                                                   \
	"SELECT a.vuln, a.source, a.ns, a.package, a.ecosystem, r.body, v.body, a.fix_state, a.status, a.urgency,"   \
	" a.severity FROM affected a LEFT JOIN blobs r ON r.hash = a.ranges LEFT JOIN blobs v ON v.hash = a.versions "

static const char *const reader_sql[Q_N] = {
	AFF_COLS "WHERE a.ns = ?1 AND a.package = ?2 ORDER BY a.vuln, a.source, a.rowid",
	AFF_COLS "WHERE a.vuln = ?1 ORDER BY a.ns, a.package, a.source, a.rowid",
	"SELECT other, kind FROM links WHERE id = ?1 ORDER BY kind, other",
	"SELECT v.id, s.name, v.summary, v.details, v.published, v.modified, v.withdrawn, v.severity, v.cvss3_score,"
	" v.cvss3_vector, v.cvss4_score, v.cvss4_vector, v.cwes, v.nrefs FROM vulns v JOIN sources s ON s.id = v.source"
	" WHERE v.id = ?1 ORDER BY (s.name IS ?2) DESC, v.modified DESC, s.name LIMIT 1",
	"SELECT cvss3_score, cvss3_vector, cvss4_score, cvss4_vector, cwes, published FROM nvd WHERE cve = ?1",
	"SELECT e.score, e.percentile, s.newest FROM epss e JOIN sources s ON s.id = e.source WHERE e.cve = ?1",
	"SELECT date_added, due_date, ransomware FROM kev WHERE cve = ?1",
	"SELECT 1 FROM namespaces WHERE ns = ?1",
	"SELECT 1 WHERE EXISTS(SELECT 1 FROM affected WHERE vuln = ?1) OR EXISTS(SELECT 1 FROM links WHERE id = ?1)"
	" OR EXISTS(SELECT 1 FROM nvd WHERE cve = ?1) OR EXISTS(SELECT 1 FROM epss WHERE cve = ?1)"
	" OR EXISTS(SELECT 1 FROM kev WHERE cve = ?1)",
};

struct customs_vulndb {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *q[Q_N];
	int64_t *src_ids;
	char **src_names;
	size_t nsrc;
};

void customs_vulndb_free(customs_vulndb *db)
{
	if (!db)
		return;
	for (int i = 0; i < Q_N; i++)
		sqlite3_finalize(db->q[i]);
	sqlite3_close(db->db);
	for (size_t i = 0; i < db->nsrc; i++)
		free(db->src_names[i]);
	free(db->src_ids);
	free(db->src_names);
	free(db->path);
	free(db);
}

static int load_sources(customs_vulndb *db)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db->db, "SELECT id, name FROM sources ORDER BY id", -1, &st, NULL) != SQLITE_OK)
		return sqlerr(db->db, "reading sources");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t *ids = realloc(db->src_ids, (db->nsrc + 1) * sizeof(*ids));
		if (ids)
			db->src_ids = ids;
		char **names = realloc(db->src_names, (db->nsrc + 1) * sizeof(*names));
		if (names)
			db->src_names = names;
		if (!ids || !names || !(names[db->nsrc] = strdup((const char *)sqlite3_column_text(st, 1)))) {
			sqlite3_finalize(st);
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		}
		ids[db->nsrc++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : sqlerr(db->db, "reading sources");
}

static const char *source_name(const customs_vulndb *db, int64_t id)
{
	for (size_t i = 0; i < db->nsrc; i++)
		if (db->src_ids[i] == id)
			return db->src_names[i];
	return "?";
}

int customs_vulndb_open(customs_vulndb **out, const char *path, int readonly)
{
	customs_vulndb *db;
	sqlite3_stmt *st = NULL;
	struct stat sb;
	int err = 0;

	if (!out || !path)
		return customs__error(CUSTOMS_EINVAL, "vulndb: NULL argument");
	*out = NULL;
	if (readonly && stat(path, &sb) != 0)
		return customs__error(errno == ENOENT ? CUSTOMS_ENOTFOUND : CUSTOMS_EIO,
				      "vulnerability database %s: %s%s", path, strerror(errno),
				      errno == ENOENT ? " (build it with `customs db import` or `customs db update`)" : "");
	if (!(db = calloc(1, sizeof(*db))) || !(db->path = strdup(path))) {
		free(db);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &db->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		err = customs__error(CUSTOMS_EIO, "vulnerability database %s: %s", path,
				     db->db ? sqlite3_errmsg(db->db) : "out of memory");
		goto done;
	}
	sqlite3_busy_timeout(db->db, 5000);
	if (!readonly) {
		char *msg = NULL;
		if (sqlite3_exec(db->db, schema_sql, NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(db->db, index_sql, NULL, NULL, &msg) != SQLITE_OK) {
			err = customs__error(CUSTOMS_EIO, "vulnerability database %s: %s", path, msg ? msg : "?");
			sqlite3_free(msg);
			goto done;
		}
		sqlite3_free(msg);
	}
	/* the schema version, when the file has one */
	if (sqlite3_prepare_v2(db->db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &st, NULL) !=
	    SQLITE_OK) {
		err = customs__error(CUSTOMS_EFORMAT, "%s is not a customs vulnerability database: %s", path,
				     sqlite3_errmsg(db->db));
		goto done;
	}
	if (sqlite3_step(st) == SQLITE_ROW && atoi((const char *)sqlite3_column_text(st, 0)) != CUSTOMS_VULNDB_SCHEMA_VERSION) {
		err = customs__error(CUSTOMS_EUNSUPPORTED,
				     "%s has database schema %s, this customs reads schema %d: rebuild it with `customs db "
				     "import` or `customs db update`",
				     path, (const char *)sqlite3_column_text(st, 0), CUSTOMS_VULNDB_SCHEMA_VERSION);
		goto done;
	}
	for (int i = 0; i < Q_N; i++)
		if (sqlite3_prepare_v3(db->db, reader_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &db->q[i], NULL) != SQLITE_OK) {
			err = customs__error(CUSTOMS_EFORMAT, "%s is not a customs vulnerability database: %s", path,
					     sqlite3_errmsg(db->db));
			goto done;
		}
	err = load_sources(db);
done:
	sqlite3_finalize(st);
	if (err < 0)
		customs_vulndb_free(db);
	else
		*out = db;
	return err;
}

/* ---- affected rows ---- */

static const char *col(sqlite3_stmt *st, int i) { return (const char *)sqlite3_column_text(st, i); }

static const char *adup(customs_arena *a, const char *s) { return s ? customs_arena_strdup(a, s) : NULL; }

/* A JSON array of strings → arena array. */
static int str_array(customs_arena *ar, const char *json, const char *const **out, size_t *n)
{
	json_t *j;
	const char **v;

	*out = NULL;
	*n = 0;
	if (!json)
		return 0;
	if (!(j = json_loads(json, 0, NULL)) || !json_is_array(j)) {
		json_decref(j);
		return customs__error(CUSTOMS_EFORMAT, "vulndb: bad stored list");
	}
	if (!(v = customs_arena_alloc(ar, (json_array_size(j) + 1) * sizeof(*v)))) {
		json_decref(j);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < json_array_size(j); i++) {
		const char *s = json_string_value(json_array_get(j, i));
		if (s && !(v[(*n)++] = customs_arena_strdup(ar, s))) {
			json_decref(j);
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		}
	}
	v[*n] = NULL;
	json_decref(j);
	*out = v;
	return 0;
}

static int parse_ranges(customs_arena *ar, const char *json, const customs_vuln_range **out, size_t *n)
{
	static const char *const kinds[] = {"introduced", "fixed", "last_affected", "limit"};
	json_t *j;
	customs_vuln_range *r;
	int err = 0;

	*out = NULL;
	*n = 0;
	if (!json)
		return 0;
	if (!(j = json_loads(json, 0, NULL)) || !json_is_array(j)) {
		json_decref(j);
		return customs__error(CUSTOMS_EFORMAT, "vulndb: bad stored ranges");
	}
	if (!(r = customs_arena_alloc(ar, (json_array_size(j) + 1) * sizeof(*r)))) {
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < json_array_size(j); i++) {
		json_t *jr = json_array_get(j, i), *ev = json_object_get(jr, "events");
		customs_vuln_event *e = customs_arena_alloc(ar, (json_array_size(ev) + 1) * sizeof(*e));
		if (!e || !(r[i].type = customs_arena_strdup(ar, vulndb__jstr(jr, "type") ? vulndb__jstr(jr, "type") : ""))) {
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
			goto done;
		}
		r[i].events = e;
		r[i].nevents = 0;
		for (size_t k = 0; k < json_array_size(ev); k++) {
			json_t *o = json_array_get(ev, k);
			for (int t = 0; t < 4; t++) {
				const char *v = vulndb__jstr(o, kinds[t]);
				if (!v)
					continue;
				e[r[i].nevents].kind = (customs_vuln_event_kind)t;
				if (!(e[r[i].nevents].version = customs_arena_strdup(ar, v))) {
					err = customs__error(CUSTOMS_ENOMEM, "out of memory");
					goto done;
				}
				r[i].nevents++;
				break;
			}
		}
		(*n)++;
	}
	*out = r;
done:
	json_decref(j);
	return err;
}

/* The fixed events of the ranges, without "0" and duplicates. */
static int fixed_of(customs_arena *ar, const customs_vuln_range *r, size_t nr, const char *const **out, size_t *n)
{
	size_t cap = 0;
	const char **v;

	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < nr; i++)
		cap += r[i].nevents;
	if (!(v = customs_arena_alloc(ar, (cap + 1) * sizeof(*v))))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	for (size_t i = 0; i < nr; i++)
		for (size_t k = 0; k < r[i].nevents; k++) {
			const char *f = r[i].events[k].version;
			int dup = r[i].events[k].kind != CUSTOMS_EVENT_FIXED || !strcmp(f, "0");
			for (size_t j = 0; !dup && j < *n; j++)
				dup = !strcmp(v[j], f);
			if (!dup)
				v[(*n)++] = f;
		}
	v[*n] = NULL;
	*out = v;
	return 0;
}

static int run_affected(customs_vulndb *db, sqlite3_stmt *st, int (*cb)(void *, const customs_vuln_affected *),
			void *ud)
{
	customs_arena ar = {0};
	int rc, ret = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		customs_vuln_affected a;
		char ns[64];
		memset(&a, 0, sizeof(a));
		/* column texts stay valid until the next step; the callback may keep
		 * nothing, but copy anyway so that re-entrant queries are safe */
		a.vuln_id = adup(&ar, col(st, 0));
		a.source = source_name(db, sqlite3_column_int64(st, 1));
		a.ns = adup(&ar, col(st, 2));
		a.package = adup(&ar, col(st, 3));
		a.ecosystem = adup(&ar, col(st, 4));
		a.ranges_json = adup(&ar, col(st, 5));
		a.fix_state = (customs_fix_state)sqlite3_column_int(st, 7);
		a.status = adup(&ar, col(st, 8));
		a.urgency = adup(&ar, col(st, 9));
		a.severity = adup(&ar, col(st, 10));
		if (!a.ecosystem || vulndb__namespace(ns, sizeof(ns), &a.scheme, a.ecosystem) < 0)
			a.scheme = "";
		if ((ret = parse_ranges(&ar, a.ranges_json, &a.ranges, &a.nranges)) < 0 ||
		    (ret = str_array(&ar, col(st, 6), &a.versions, &a.nversions)) < 0 ||
		    (ret = fixed_of(&ar, a.ranges, a.nranges, &a.fixed, &a.nfixed)) < 0)
			break;
		if (!a.vuln_id || !a.ns || !a.package) {
			ret = customs__error(CUSTOMS_ENOMEM, "out of memory");
			break;
		}
		ret = cb(ud, &a);
		customs_arena_release(&ar);
		if (ret)
			break;
	}
	customs_arena_release(&ar);
	if (!ret && rc != SQLITE_DONE && rc != SQLITE_ROW)
		ret = sqlerr(db->db, "reading affected entries");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return ret;
}

int customs_vulndb_affected(customs_vulndb *db, const char *ns, const char *package,
			    int (*cb)(void *, const customs_vuln_affected *), void *ud)
{
	char name[VULNDB__MAX_NAME + 1];
	int err;

	if (!db || !ns || !package || !cb)
		return customs__error(CUSTOMS_EINVAL, "vulndb: NULL argument");
	if ((err = vulndb__normalize(name, sizeof(name), ns, package)) < 0)
		return err == CUSTOMS_EFORMAT ? 0 : err; /* a name no feed can hold has no entries */
	sqlite3_stmt *st = db->q[Q_AFF_PKG];
	sqlite3_bind_text(st, 1, ns, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	return run_affected(db, st, cb, ud);
}

int customs_vulndb_affected_by_id(customs_vulndb *db, const char *vuln_id,
				  int (*cb)(void *, const customs_vuln_affected *), void *ud)
{
	if (!db || !vuln_id || !cb)
		return customs__error(CUSTOMS_EINVAL, "vulndb: NULL argument");
	sqlite3_stmt *st = db->q[Q_AFF_ID];
	sqlite3_bind_text(st, 1, vuln_id, -1, SQLITE_STATIC);
	return run_affected(db, st, cb, ud);
}

int customs_vulndb_has_namespace(customs_vulndb *db, const char *ns, int *out)
{
	if (!db || !ns || !out)
		return customs__error(CUSTOMS_EINVAL, "vulndb: NULL argument");
	sqlite3_stmt *st = db->q[Q_NS];
	sqlite3_bind_text(st, 1, ns, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sqlerr(db->db, "reading namespaces");
}

/* ---- groups ---- */

#define GROUP_MAX 4096

struct group_build {
	customs_arena *ar;
	customs_strmap seen;
	customs_vuln_ref *refs;
	size_t n, cap;
};

static int group_add(struct group_build *g, const char *id, customs_vuln_relation rel)
{
	if (customs_strmap_get(&g->seen, id, NULL) || g->n >= GROUP_MAX)
		return 0;
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 16;
		customs_vuln_ref *r = realloc(g->refs, cap * sizeof(*r));
		if (!r)
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		g->refs = r, g->cap = cap;
	}
	char *copy = customs_arena_strdup(g->ar, id);
	if (!copy)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	g->refs[g->n].id = copy;
	g->refs[g->n].relation = rel;
	g->n++;
	return customs_strmap_put(&g->seen, copy, (void *)1);
}

/* Fill g: id, its alias closure, then related/upstream of every member. */
static int group_build(customs_vulndb *db, struct group_build *g, const char *id)
{
	sqlite3_stmt *st = db->q[Q_LINKS];
	int err, rc;
	size_t nalias;

	if ((err = group_add(g, id, CUSTOMS_VULN_SELF)) < 0)
		return err;
	for (size_t i = 0; i < g->n; i++) {
		sqlite3_bind_text(st, 1, g->refs[i].id, -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			if (sqlite3_column_int(st, 1) == VULNDB__ALIAS && (err = group_add(g, col(st, 0), CUSTOMS_VULN_ALIAS)) < 0)
				break;
		sqlite3_reset(st);
		if (err < 0)
			return err;
		if (rc != SQLITE_DONE && rc != SQLITE_ROW)
			return sqlerr(db->db, "reading aliases");
	}
	nalias = g->n;
	for (size_t i = 0; i < nalias; i++) {
		sqlite3_bind_text(st, 1, g->refs[i].id, -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			int k = sqlite3_column_int(st, 1);
			if (k != VULNDB__ALIAS &&
			    (err = group_add(g, col(st, 0), k == VULNDB__RELATED ? CUSTOMS_VULN_RELATED : CUSTOMS_VULN_UPSTREAM)) < 0)
				break;
		}
		sqlite3_reset(st);
		if (err < 0)
			return err;
		if (rc != SQLITE_DONE && rc != SQLITE_ROW)
			return sqlerr(db->db, "reading related ids");
	}
	return 0;
}

/* Objects returned to callers: the struct first, its arena after it. */
struct owned_group {
	customs_vuln_group g;
	customs_arena ar;
	customs_vuln_ref *refs;
};

int customs_vulndb_group(customs_vulndb *db, const char *id, customs_vuln_group **out)
{
	struct owned_group *o;
	struct group_build b = {0};
	int err;

	if (!db || !id || !out)
		return customs__error(CUSTOMS_EINVAL, "vulndb: NULL argument");
	*out = NULL;
	if (!(o = calloc(1, sizeof(*o))))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	b.ar = &o->ar;
	err = group_build(db, &b, id);
	customs_strmap_release(&b.seen);
	o->refs = b.refs;
	o->g.refs = b.refs;
	o->g.n = b.n;
	if (err < 0) {
		customs_vuln_group_free(&o->g);
		return err;
	}
	*out = &o->g;
	return 0;
}

void customs_vuln_group_free(customs_vuln_group *g)
{
	struct owned_group *o = (struct owned_group *)g;
	if (!o)
		return;
	free(o->refs);
	customs_arena_release(&o->ar);
	free(o);
}

/* ---- enrichment ---- */

static int split_csv(customs_arena *ar, const char *s, const char *const **out, size_t *n)
{
	size_t k = 1;
	const char **v;

	*out = NULL;
	*n = 0;
	if (!s || !*s)
		return 0;
	for (const char *p = s; *p; p++)
		k += *p == ',';
	if (!(v = customs_arena_alloc(ar, (k + 1) * sizeof(*v))))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	for (const char *p = s;;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len && !(v[(*n)++] = customs_arena_strndup(ar, p, len)))
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		if (!e)
			break;
		p = e + 1;
	}
	v[*n] = NULL;
	*out = v;
	return 0;
}

static double col_score(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : sqlite3_column_double(st, i);
}

/* Fill e for cve; *found = 1 when any source has it. */
static int enrich(customs_vulndb *db, customs_arena *ar, const char *cve, customs_vuln_enrichment *e, int *found)
{
	sqlite3_stmt *st;
	int rc, err = 0;

	memset(e, 0, sizeof(*e));
	e->nvd_cvss3_score = e->nvd_cvss4_score = e->epss_score = e->epss_percentile = -1;
	*found = 0;
	if (!(e->cve = customs_arena_strdup(ar, cve)))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");

	st = db->q[Q_NVD];
	sqlite3_bind_text(st, 1, cve, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		e->has_nvd = 1;
		e->nvd_cvss3_score = col_score(st, 0);
		e->nvd_cvss3_vector = adup(ar, col(st, 1));
		e->nvd_cvss4_score = col_score(st, 2);
		e->nvd_cvss4_vector = adup(ar, col(st, 3));
		err = split_csv(ar, col(st, 4), &e->nvd_cwes, &e->nnvd_cwes);
		e->nvd_published = adup(ar, col(st, 5));
	}
	sqlite3_reset(st);
	if (err < 0)
		return err;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqlerr(db->db, "reading NVD data");

	st = db->q[Q_EPSS];
	sqlite3_bind_text(st, 1, cve, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		e->has_epss = 1;
		e->epss_score = col_score(st, 0);
		e->epss_percentile = col_score(st, 1);
		e->epss_date = adup(ar, col(st, 2));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqlerr(db->db, "reading EPSS data");

	st = db->q[Q_KEV];
	sqlite3_bind_text(st, 1, cve, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		e->kev = 1;
		e->kev_date_added = adup(ar, col(st, 0));
		e->kev_due_date = adup(ar, col(st, 1));
		e->kev_ransomware = adup(ar, col(st, 2));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqlerr(db->db, "reading KEV data");
	*found = e->has_nvd || e->has_epss || e->kev;
	return 0;
}

struct owned_enrichment {
	customs_vuln_enrichment e;
	customs_arena ar;
};

int customs_vulndb_enrichment(customs_vulndb *db, const char *cve, customs_vuln_enrichment **out)
{
	struct owned_enrichment *o;
	int found = 0, err;

	if (!db || !cve || !out)
		return customs__error(CUSTOMS_EINVAL, "vulndb: NULL argument");
	*out = NULL;
	if (!(o = calloc(1, sizeof(*o))))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	if ((err = enrich(db, &o->ar, cve, &o->e, &found)) < 0 || !found) {
		customs_vuln_enrichment_free(&o->e);
		return err < 0 ? err : customs__error(CUSTOMS_ENOTFOUND, "%s: no NVD, EPSS or KEV data", cve);
	}
	*out = &o->e;
	return 0;
}

void customs_vuln_enrichment_free(customs_vuln_enrichment *e)
{
	struct owned_enrichment *o = (struct owned_enrichment *)e;
	if (!o)
		return;
	customs_arena_release(&o->ar);
	free(o);
}

/* ---- records ---- */

struct owned_record {
	customs_vuln_record r;
	customs_arena ar;
	customs_vuln_ref *refs;
	customs_vuln_enrichment *enr;
};

void customs_vuln_record_free(customs_vuln_record *r)
{
	struct owned_record *o = (struct owned_record *)r;
	if (!o)
		return;
	free(o->refs);
	free(o->enr);
	customs_arena_release(&o->ar);
	free(o);
}

int customs_vulndb_vuln_from(customs_vulndb *db, const char *id, const char *source, customs_vuln_record **out)
{
	struct owned_record *o;
	struct group_build g = {0};
	customs_vuln_record *r;
	sqlite3_stmt *st;
	int err = 0, rc, known = 0;

	if (!db || !id || !out)
		return customs__error(CUSTOMS_EINVAL, "vulndb: NULL argument");
	*out = NULL;
	if (!(o = calloc(1, sizeof(*o))))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	r = &o->r;
	r->cvss3_score = r->cvss4_score = -1;

	st = db->q[Q_VULN];
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	bind_text(st, 2, source);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		customs_arena *ar = &o->ar;
		known = 1;
		r->source = adup(ar, col(st, 1));
		r->summary = adup(ar, col(st, 2));
		r->details = adup(ar, col(st, 3));
		r->published = adup(ar, col(st, 4));
		r->modified = adup(ar, col(st, 5));
		r->withdrawn = adup(ar, col(st, 6));
		r->severity = adup(ar, col(st, 7));
		r->cvss3_score = col_score(st, 8);
		r->cvss3_vector = adup(ar, col(st, 9));
		r->cvss4_score = col_score(st, 10);
		r->cvss4_vector = adup(ar, col(st, 11));
		err = split_csv(ar, col(st, 12), &r->cwes, &r->ncwes);
		r->nreferences = sqlite3_column_int(st, 13);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (err < 0)
		goto fail;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		err = sqlerr(db->db, "reading a vulnerability");
		goto fail;
	}
	if (!known) {
		st = db->q[Q_KNOWN];
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		known = rc == SQLITE_ROW;
		sqlite3_reset(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
			err = sqlerr(db->db, "looking up a vulnerability");
			goto fail;
		}
		if (!known) {
			err = customs__error(CUSTOMS_ENOTFOUND, "%s: not in the vulnerability database %s", id, db->path);
			goto fail;
		}
	}
	if (!(r->id = customs_arena_strdup(&o->ar, id))) {
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		goto fail;
	}

	g.ar = &o->ar;
	err = group_build(db, &g, id);
	customs_strmap_release(&g.seen);
	o->refs = g.refs;
	r->group = g.refs;
	r->ngroup = g.n;
	if (err < 0)
		goto fail;

	for (size_t i = 0; i < g.n; i++) {
		int found;
		if (g.refs[i].relation > CUSTOMS_VULN_ALIAS || !vulndb__is_cve(g.refs[i].id))
			continue;
		customs_vuln_enrichment *e = realloc(o->enr, (r->nenrichment + 1) * sizeof(*e));
		if (!e) {
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
			goto fail;
		}
		o->enr = e;
		r->enrichment = e;
		if ((err = enrich(db, &o->ar, g.refs[i].id, &e[r->nenrichment], &found)) < 0)
			goto fail;
		if (found)
			r->nenrichment++;
	}
	*out = r;
	return 0;
fail:
	customs_vuln_record_free(r);
	return err;
}

int customs_vulndb_vuln(customs_vulndb *db, const char *id, customs_vuln_record **out)
{
	return customs_vulndb_vuln_from(db, id, NULL, out);
}

/* ---- status ---- */

struct owned_status {
	customs_vulndb_info s;
	customs_arena ar;
	customs_vulndb_source *src;
	customs_vulndb_namespace *ns;
};

void customs_vulndb_info_free(customs_vulndb_info *s)
{
	struct owned_status *o = (struct owned_status *)s;
	if (!o)
		return;
	free(o->src);
	free(o->ns);
	customs_arena_release(&o->ar);
	free(o);
}

static int64_t count(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int64_t n = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

int customs_vulndb_status(customs_vulndb *db, customs_vulndb_info **out)
{
	struct owned_status *o;
	customs_vulndb_info *s;
	sqlite3_stmt *st = NULL;
	customs_arena *ar;
	int rc, err = 0;

	if (!db || !out)
		return customs__error(CUSTOMS_EINVAL, "vulndb: NULL argument");
	*out = NULL;
	if (!(o = calloc(1, sizeof(*o))))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	s = &o->s;
	ar = &o->ar;
	s->path = adup(ar, db->path);
	s->schema_version = CUSTOMS_VULNDB_SCHEMA_VERSION;
	if (sqlite3_prepare_v2(db->db, "SELECT value FROM meta WHERE key = 'built_at'", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		s->built_at = adup(ar, col(st, 0));
	sqlite3_finalize(st);
	st = NULL;
	s->vulns = count(db->db, "SELECT count(*) FROM vulns");
	s->affected = count(db->db, "SELECT count(*) FROM affected");
	s->aliases = count(db->db, "SELECT count(*) FROM links");
	s->nvd = count(db->db, "SELECT count(*) FROM nvd");
	s->epss = count(db->db, "SELECT count(*) FROM epss");
	s->kev = count(db->db, "SELECT count(*) FROM kev");

	if (sqlite3_prepare_v2(db->db,
			       "SELECT name, kind, url, etag, last_modified, imported_at, records, affected, newest"
			       " FROM sources ORDER BY name",
			       -1, &st, NULL) != SQLITE_OK) {
		err = sqlerr(db->db, "reading sources");
		goto done;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		customs_vulndb_source *n = realloc(o->src, (s->nsources + 1) * sizeof(*n));
		if (!n) {
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
			goto done;
		}
		o->src = n;
		s->sources = n;
		customs_vulndb_source *x = &n[s->nsources++];
		x->name = adup(ar, col(st, 0));
		x->kind = adup(ar, col(st, 1));
		x->url = adup(ar, col(st, 2));
		x->etag = adup(ar, col(st, 3));
		x->last_modified = adup(ar, col(st, 4));
		x->imported_at = adup(ar, col(st, 5));
		x->records = sqlite3_column_int64(st, 6);
		x->affected = sqlite3_column_int64(st, 7);
		x->newest = adup(ar, col(st, 8));
	}
	if (rc != SQLITE_DONE) {
		err = sqlerr(db->db, "reading sources");
		goto done;
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db->db, "SELECT ns, affected, packages, vulns FROM namespaces ORDER BY ns", -1, &st, NULL) !=
	    SQLITE_OK) {
		err = sqlerr(db->db, "reading namespaces");
		st = NULL;
		goto done;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		customs_vulndb_namespace *n = realloc(o->ns, (s->nnamespaces + 1) * sizeof(*n));
		if (!n) {
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
			goto done;
		}
		o->ns = n;
		s->namespaces = n;
		n[s->nnamespaces].ns = adup(ar, col(st, 0));
		n[s->nnamespaces].affected = sqlite3_column_int64(st, 1);
		n[s->nnamespaces].packages = sqlite3_column_int64(st, 2);
		n[s->nnamespaces].vulns = sqlite3_column_int64(st, 3);
		s->nnamespaces++;
	}
	if (rc != SQLITE_DONE)
		err = sqlerr(db->db, "reading namespaces");
done:
	sqlite3_finalize(st);
	if (err < 0) {
		customs_vulndb_info_free(s);
		return err;
	}
	*out = s;
	return 0;
}
