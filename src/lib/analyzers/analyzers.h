/* analyzers.h - the built-in analyzers (one file each, registered by
 * registry.c) and the parsers behind them, for tests and fuzz targets. */
#ifndef CUSTOMS_ANALYZERS_H
#define CUSTOMS_ANALYZERS_H

#include "core/copies.h"
#include "core/pkgvec.h"
#include "customs/sys/analyzer.h"

extern const customs_analyzer_type customs__osrelease_analyzer;
extern const customs_analyzer_type customs__rpm_analyzer;
int customs__osrelease_parse(customs_distro *d, const char *text);

extern const customs_analyzer_type customs__dpkg_analyzer;
extern const customs_analyzer_type customs__apk_analyzer;

/* Package-database parsers (dpkg.c, apk.c), separate from their analyzers
 * for tests and fuzz targets.  They return the packages they could read in
 * *out (an array of *n customs_package, both malloc'd: free each with
 * customs_package_free, then the array) and report what they skipped
 * through warn (1-based line number, message without the path), which may
 * be NULL.  Returns 0, or CUSTOMS_ENOMEM with nothing in *out. */
typedef void (*customs_parse_warn_fn)(void *ud, size_t line, const char *msg);
/* warn(ud, line, the formatted message) when warn is set (shared.c). */
void customs__parse_warnf(customs_parse_warn_fn warn, void *ud, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

enum {
	CUSTOMS_DPKG_STATUS_D = 1, /* distroless status.d stanza: no Status field needed */
};
int customs__dpkg_parse_status(customs_package ***out, size_t *n, const char *buf, size_t len, int flags,
			       customs_parse_warn_fn warn, void *ud);
/* Licenses of a usr/share/doc/<pkg>/copyright file in *out, mapped to SPDX
 * ids where known: those of its License fields when it is DEP-5
 * (copyright-format 1.0; returns 1), else the short names of its
 * "License:" lines and the license texts and notices it holds (returns
 * 0); CUSTOMS_ENOMEM. */
int customs__dpkg_parse_copyright(customs_strlist *out, const char *buf, size_t len);
/* A DEP-5 short name as an SPDX id ("GPL-2+" -> "GPL-2.0-or-later"), or
 * NULL when it has none; malloc'd. */
char *customs__dpkg_license_spdx(const char *name, size_t len);
int customs__apk_parse_installed(customs_package ***out, size_t *n, const char *buf, size_t len,
				 customs_parse_warn_fn warn, void *ud);

/* Language catalogers (python.c, npm.c); they run after the OS package
 * analyzers, whose packages the copies merge links them to (metadata
 * "installed_by"). */
extern const customs_analyzer_type customs__python_analyzer;
extern const customs_analyzer_type customs__npm_analyzer;
/* PEP 503 normalised project name ("Friendly_Bard" -> "friendly-bard"), as
 * PyPI and OSV key it; malloc'd, NULL when out of memory. */
char *customs__pep503_normalize(const char *name);
/* One METADATA / PKG-INFO file (PyPA core metadata, email-header syntax)
 * into *out: type "python", name, version, purl, licenses, metadata
 * (author, home_page, summary, requires_dist).  CUSTOMS_EFORMAT with
 * *out NULL when Name or Version is missing (warn says which). */
int customs__python_parse_metadata(customs_package **out, const char *buf, size_t len, customs_parse_warn_fn warn,
				   void *ud);
/* RECORD rows as absolute image paths ("/usr/lib/..."), each relative to
 * site_dir (normalised, no leading slash) unless absolute; rows that climb
 * above the root are dropped. */
int customs__python_parse_record(customs_strlist *out, const char *site_dir, const char *buf, size_t len);
/* egg-info requires.txt appended to arr as Requires-Dist strings (sections
 * become markers, as importlib.metadata reads them). */
int customs__python_parse_requires(json_t *arr, const char *buf, size_t len);

/* npm (npm.c).  package.json of an installed package: *out gets name,
 * version, licenses, purl; CUSTOMS_EFORMAT (warn says why) when it is not
 * JSON or name/version are not strings; 0 with *out NULL when it has no
 * name or version at all (a marker such as {"type":"module"}). */
int customs__npm_parse_package_json(customs_package **out, const char *buf, size_t len, customs_parse_warn_fn warn,
				    void *ud);
/* Lockfiles: package-lock.json / npm-shrinkwrap.json / .package-lock.json
 * (v1-v3), yarn.lock (v1 and berry), pnpm-lock.yaml (v5-v9).  The packages
 * they list (each with metadata "location" relative to the lockfile's
 * project when known, and "dev": true for dev-only ones) in *out / *n as
 * for the OS parsers above; CUSTOMS_EFORMAT (warn says why) when the file
 * cannot be read at all. */
int customs__npm_parse_package_lock(customs_package ***out, size_t *n, const char *buf, size_t len,
				    customs_parse_warn_fn warn, void *ud);
int customs__npm_parse_yarn_lock(customs_package ***out, size_t *n, const char *buf, size_t len,
				 customs_parse_warn_fn warn, void *ud);
int customs__npm_parse_pnpm_lock(customs_package ***out, size_t *n, const char *buf, size_t len,
				 customs_parse_warn_fn warn, void *ud);

/* Binaries and the other language ecosystems (gobin.c, go_buildinfo.c,
 * rust.c, ruby.c, php.c, dotnet.c).  Parsers follow the conventions above: packages in
 * *out / *n, what was skipped through warn (line 0 when the message is
 * not about a line), CUSTOMS_EFORMAT (warn says why) when the input is
 * not what it claims to be. */
extern const customs_analyzer_type customs__gobin_analyzer;
extern const customs_analyzer_type customs__rust_analyzer;
extern const customs_analyzer_type customs__ruby_analyzer;
extern const customs_analyzer_type customs__php_analyzer;
extern const customs_analyzer_type customs__dotnet_analyzer;
/* Java (java.c): archives and the archives nested in them; type
 * "java-archive".  MANIFEST.MF's main section and a .properties file as a
 * JSON object of strings (*out, new reference); scan_buffer reads a whole
 * archive held in memory (path names it in locations and warnings). */
extern const customs_analyzer_type customs__java_analyzer;
int customs__java_parse_manifest(json_t **out, const char *buf, size_t len);
int customs__java_parse_properties(json_t **out, const char *buf, size_t len);
/* The licenses of a pom.xml (<project><licenses><license>): each its name
 * as SPDX when it is an expression or a known spelling, else what its
 * <url> names, else the name (or URL) as it is, appended to out.
 * CUSTOMS_EFORMAT (warn says what and on which line) when the XML is
 * malformed or over the scanner's bounds; what came before stays in out. */
int customs__java_parse_pom_licenses(customs_strlist *out, const char *buf, size_t len, customs_parse_warn_fn warn,
				     void *ud);
/* A manifest's license headers: Bundle-License (OSGi: a list of SPDX ids,
 * URLs or names, each with ";attributes"), then License; each item as
 * SPDX where it is one, a known spelling or URL, else as it is. */
int customs__java_manifest_licenses(customs_strlist *out, const json_t *mf);
int customs__java_scan_buffer(customs_package ***out, size_t *n, const char *path, const unsigned char *data,
			      size_t len, customs_parse_warn_fn warn, void *ud);
/* The image's own hints file (hints.c): /customs-hints.json or
 * /anchore_hints.json in Anchore Engine's format, {"packages": [{name,
 * version, type, ...}]}; records without a name, version or type are
 * skipped (warn says which), CUSTOMS_EFORMAT when it is not JSON or has no
 * "packages" array. */
extern const customs_analyzer_type customs__hints_analyzer;
int customs__hints_parse(customs_package ***out, size_t *n, const char *buf, size_t len, customs_parse_warn_fn warn,
			 void *ud);
/* Opt-in analyzers (CUSTOMS_ANALYZER_OPTIONAL), for what the policy
 * engine asks: secrets.c, config.c, verify.c. */
extern const customs_analyzer_type customs__secrets_analyzer;
extern const customs_analyzer_type customs__config_analyzer;
extern const customs_analyzer_type customs__verify_analyzer;
/* The names of the built-in secret patterns (AWS_ACCESS_KEY, ...),
 * NULL-terminated, static. */
const char *const *customs__secret_rule_names(void);
/* A pattern of customs_options.secret_patterns / content_patterns is
 * "NAME=REGEX" (NAME of letters, digits, _ - .) or a bare REGEX named by
 * itself: the length of NAME, or 0 for a bare one. */
size_t customs__pattern_name(const char *spec);

/* The stream analyzers' predicate: which regular files may be executables. */
int customs__exe_want(void *state, const char *path, uint32_t mode, uint64_t size);

/* The state of an analyzer that needs nothing but the copies of its files
 * (core/copies.h): CUSTOMS_COPIES_KINDS sets, one per kind of file it
 * reads (an analyzer with one kind uses the first), made and freed by
 * these (shared.c). */
#define CUSTOMS_COPIES_KINDS 3
int customs__copies_create(void **out, const customs_analyzer_type *type);
void customs__copies_destroy(void *state);
/* What a parser gave for one copy: with rc 0 its packages pkgs[0..n) go to
 * s as path's copy in layer (the array is freed); CUSTOMS_EFORMAT (the
 * parser warned: the file is not what it claims to be) gives 0 and no
 * copy; another rc is returned as it is. */
int customs__copies_take(copies *s, const char *path, int layer, int rc, customs_package **pkgs, size_t n);

/* A customs_parse_warn_fn that warns about one file of the analysis:
 * "<what> line N: msg" ("<what>: msg" for line 0; no "<what>" when it is
 * NULL).  With max set, only the first max warnings of the file, then one
 * that says the rest are not reported. */
typedef struct customs_file_warn {
	customs_analysis *a;
	const char *path;
	int layer;
	const char *what;
	unsigned max, n;
} customs_file_warn;
void customs__file_warn(void *ud, size_t line, const char *msg);
/* A customs_parse_warn_fn that keeps the first warning, as "line N: msg",
 * for a file whose copy is recorded as unreadable. */
typedef struct customs_first_warning {
	char msg[512];
	int set;
} customs_first_warning;
void customs__keep_first_warning(void *ud, size_t line, const char *msg);
static inline customs_file_warn customs__file_warn_for(const customs_afile *f, const char *what, unsigned max)
{
	return (customs_file_warn){.a = f->analysis, .path = f->path, .layer = f->layer, .what = what, .max = max};
}
/* Is name one of the comma-separated list (--analyzers)? (shared.c) */
int customs__analyzer_named(const char *list, const char *name);

/* The state of an analyzer whose layers' threads share it: size bytes,
 * zeroed, with the pthread_mutex_t at byte offset mu initialised. */
int customs__locked_state_new(void **out, size_t size, size_t mu);

/* A stream context of size bytes (zeroed) that starts with a
 * customs_file_warn naming f (its layer, its analysis, a copy of its path)
 * and what; NULL when out of memory.  One free() frees it all. */
void *customs__stream_ctx_new(size_t size, const customs_afile *f, const char *what);

/* pkg:<type>/<distro id, else ns>/<name>@<version>?arch=&distro=<id>-<version_id>&upstream=<source>
 * and cpe:2.3:a:<name>:<name>:<version>, as dpkg and apk name their
 * packages (the purl is left out when a part breaks its rules). */
int customs__os_package_ids(customs_package *p, const customs_distro *d, const char *type, const char *ns);

/* Go build info read from a binary as it streams (go_buildinfo.c): feed every
 * chunk in order; write returns 1 once no more bytes are needed (stop
 * feeding), 0 to go on, CUSTOMS_ENOMEM.  finish gives the packages
 * (stdlib, the main module, the dependencies: type "go-module"), or
 * CUSTOMS_ENOTFOUND when the file holds no build info (not a Go binary),
 * CUSTOMS_EFORMAT when it holds build info that cannot be read (warn says
 * where and why).  size is the file's size, 0 when unknown. */
typedef struct customs_goscan customs_goscan;
customs_goscan *customs__goscan_new(uint64_t size);
int customs__goscan_write(customs_goscan *g, const unsigned char *data, size_t len);
int customs__goscan_finish(customs_goscan *g, customs_package ***out, size_t *n, customs_parse_warn_fn warn,
			   void *ud);
void customs__goscan_free(customs_goscan *g);
/* The runtime version ("go1.20.7") and the raw modinfo string (with its
 * 16-byte sentinels, as embedded) as packages; lines Go would reject are
 * skipped with a warning instead of failing the lot. */
int customs__go_parse_modinfo(customs_package ***out, size_t *n, const char *version, size_t vlen, const char *mod,
			      size_t mlen, customs_parse_warn_fn warn, void *ud);

/* cargo-auditable's .dep-v0 section pulled out of a streaming ELF, PE or
 * Mach-O binary (rust_auditable.c), same protocol as the Go scanner: finish gives
 * the section's bytes (zlib, malloc'd) or CUSTOMS_ENOTFOUND / EFORMAT. */
typedef struct customs_depscan customs_depscan;
customs_depscan *customs__depscan_new(uint64_t size);
int customs__depscan_write(customs_depscan *d, const unsigned char *data, size_t len);
int customs__depscan_finish(customs_depscan *d, unsigned char **out, size_t *len, customs_parse_warn_fn warn,
			    void *ud);
void customs__depscan_free(customs_depscan *d);

/* Rust (rust.c): Cargo.lock v1-v4, and the zlib-compressed JSON of a
 * .dep-v0 section; type "rust-crate". */
int customs__rust_parse_cargo_lock(customs_package ***out, size_t *n, const char *buf, size_t len,
				   customs_parse_warn_fn warn, void *ud);
int customs__rust_parse_auditable(customs_package ***out, size_t *n, const unsigned char *z, size_t zlen,
				  customs_parse_warn_fn warn, void *ud);

/* Ruby (ruby.c): an installed gem's specifications/NAME-VERSION.gemspec (*out NULL
 * and CUSTOMS_EFORMAT when it names no gem), and Gemfile.lock; type "gem". */
int customs__ruby_parse_gemspec(customs_package **out, const char *buf, size_t len, customs_parse_warn_fn warn,
				void *ud);
int customs__ruby_parse_gemfile_lock(customs_package ***out, size_t *n, const char *buf, size_t len,
				     customs_parse_warn_fn warn, void *ud);

/* PHP (php.c): vendor/composer/installed.json (Composer 1 array, Composer 2
 * object) and composer.lock; type "php-composer", metadata "dev". */
int customs__php_parse_installed(customs_package ***out, size_t *n, const char *buf, size_t len,
				 customs_parse_warn_fn warn, void *ud);
int customs__php_parse_lock(customs_package ***out, size_t *n, const char *buf, size_t len, customs_parse_warn_fn warn,
			    void *ud);

/* .NET (dotnet.c): *.deps.json, the libraries of type "package"; type
 * "dotnet". */
int customs__dotnet_parse_deps(customs_package ***out, size_t *n, const char *buf, size_t len,
			       customs_parse_warn_fn warn, void *ud);

#endif
