/* rpmdb.h - rpm package databases read without librpm: the header blob
 * (rpm docs/manual/format_header.md) and the three rpmdb backends (SQLite
 * rpmdb.sqlite, Berkeley DB hash Packages, SUSE NDB Packages.db).
 * Internal to libcustoms; see shared/FORMATS-packages.md sections 1-4.
 *
 * Every parser reads untrusted bytes: all lengths, counts and offsets are
 * checked before use. A damaged record is skipped with a warning naming
 * its byte offset; the rest of the database is still returned.
 */
#ifndef CUSTOMS_ANALYZERS_RPMDB_H
#define CUSTOMS_ANALYZERS_RPMDB_H

#include <stddef.h>
#include <stdint.h>

#include "customs/analysis.h"
#include "util/util.h"

/* Offset value meaning "no byte offset is known" (SQLite rows). */
#define CUSTOMS__RPMDB_NOOFF UINT64_MAX

/* Something was skipped. level is CUSTOMS_ERROR when a package (or a part
 * of the database that may hold some) was lost, CUSTOMS_WARN when all
 * packages are still there (a tag ignored, damage worked around). offset
 * is a byte offset in the database file (or, from the header parser, in
 * the header blob); msg is a full phrase. */
typedef void (*customs__rpmdb_warn_fn)(void *ud, int level, uint64_t offset, const char *msg);

/* One header blob as stored in the database. instance is rpm's package
 * instance number (hnum / pkgidx); offset where the blob starts in the file
 * (CUSTOMS__RPMDB_NOOFF when unknown). blob is borrowed for the call.
 * A negative return stops the walk and is returned by the parser. */
typedef int (*customs__rpmdb_blob_fn)(void *ud, uint32_t instance, const unsigned char *blob, size_t len,
				      uint64_t offset);

/* ---- header blob ---- */

/* rpm file flags (rpmfiles.h) worth knowing. */
enum {
	CUSTOMS__RPMFILE_CONFIG = 1u << 0,
	CUSTOMS__RPMFILE_DOC = 1u << 1,
	CUSTOMS__RPMFILE_GHOST = 1u << 6,
	CUSTOMS__RPMFILE_LICENSE = 1u << 7,
};

typedef struct customs__rpm_file {
	const char *path;   /* as rpm stores it: "/usr/bin/x" */
	const char *digest; /* lowercase hex; "" for dirs, links, %ghost; NULL: no digests */
	uint64_t size;
	uint32_t flags;     /* CUSTOMS__RPMFILE_* */
	uint16_t mode;      /* st_mode, 0 when the header has no modes */
} customs__rpm_file;

/* A parsed header. Every string and the file array live in arena; strings
 * are NULL when the tag is absent. */
typedef struct customs__rpm_header {
	const char *name, *version, *release, *arch;
	const char *sourcerpm;       /* "name-version-release.src.rpm", never with the epoch */
	const char *license, *vendor, *summary;
	const char *modularitylabel; /* "module:stream:version:context" */
	int has_epoch;
	uint32_t epoch;
	int has_size;
	uint64_t size;               /* LONGSIZE if present, else SIZE */
	uint32_t digest_algo;        /* PGP hash id of the file digests: 1 MD5 (default), 8 SHA256 */
	customs__rpm_file *files;
	size_t nfiles;
	customs_arena arena;
} customs__rpm_header;

/* Parse one header blob (no lead, no magic: il, dl, index, data). On
 * success *out holds the header, released with customs__rpm_header_release
 * (also safe after a failure). Problems that lose only one tag (a bad
 * index entry, a wrong type, an inconsistent file list) go to warn with the
 * offset in the blob; a broken structure (sizes, region trailer) or a
 * missing NAME/VERSION/RELEASE is CUSTOMS_EFORMAT with the offset in
 * customs_error_last(). */
int customs__rpm_header_parse(customs__rpm_header *out, const unsigned char *blob, size_t len,
			      customs__rpmdb_warn_fn warn, void *ud);
void customs__rpm_header_release(customs__rpm_header *h);

/* ---- databases ---- */

typedef enum {
	CUSTOMS__RPMDB_UNKNOWN = 0,
	CUSTOMS__RPMDB_SQLITE,
	CUSTOMS__RPMDB_BDB,
	CUSTOMS__RPMDB_NDB,
} customs__rpmdb_kind;

/* The backend, from the file's magic bytes (rpm_db.c). */
customs__rpmdb_kind customs__rpmdb_sniff(const unsigned char *buf, size_t len);
const char *customs__rpmdb_kind_name(customs__rpmdb_kind k);

/* Walk every package header of a database held in memory. Return 0 when
 * the database could be read (records may have been skipped with a
 * warning), < 0 when not at all (bad magic, unsupported variant) or when
 * on_blob returned < 0. None of them writes files or keeps buf. */
int customs__rpmdb_parse_sqlite(const unsigned char *buf, size_t len, customs__rpmdb_blob_fn on_blob,
				customs__rpmdb_warn_fn on_warn, void *ud);
int customs__rpmdb_parse_bdb(const unsigned char *buf, size_t len, customs__rpmdb_blob_fn on_blob,
			     customs__rpmdb_warn_fn on_warn, void *ud);
int customs__rpmdb_parse_ndb(const unsigned char *buf, size_t len, customs__rpmdb_blob_fn on_blob,
			     customs__rpmdb_warn_fn on_warn, void *ud);
/* Sniff, then the matching parser above. */
int customs__rpmdb_parse(const unsigned char *buf, size_t len, customs__rpmdb_blob_fn on_blob,
			 customs__rpmdb_warn_fn on_warn, void *ud);

/* ---- packages (rpm.c) ---- */

/* Where rpm keeps its database, in the order they are preferred when an
 * image has more than one (rpm >= 4.16 defaults to SQLite, SUSE to NDB;
 * the Berkeley DB file is what older distros and stale leftovers hold);
 * NULL-terminated.  A database is read whole, up to CUSTOMS__MAX_RPMDB. */
#define CUSTOMS__MAX_RPMDB (256u << 20)
extern const char *const customs__rpmdb_paths[];

/* The package record of a header: name, version "[epoch:]version-release",
 * arch, source name/version from SOURCERPM (with the binary's epoch),
 * license, files, metadata (release, epoch, vendor, size, modularity_label,
 * sourcerpm, summary). No purl or layer: those need the whole image. */
int customs__rpm_package(customs_package **out, const customs__rpm_header *h);
/* Every package of a database (any backend), gpg-pubkey pseudo-packages
 * left out; *out is a malloc'd array of *n customs_package_new() objects
 * (free each, then the array). Headers that cannot be read are skipped with
 * a warning. < 0 when the database cannot be read at all. */
int customs__rpm_parse_packages(customs_package ***out, size_t *n, const unsigned char *buf, size_t len,
				customs__rpmdb_warn_fn warn, void *ud);
/* pkg:rpm/<distro id>/<name>@<version>-<release>?arch=..&distro=<id>-<version_id>&epoch=..
 * (qualifiers in the spec's canonical sorted order); malloc'd, NULL on error. */
char *customs__rpm_purl(const customs_package *p, const customs_distro *d);

/* Shared by the parsers: warn with a printf-style message (shared.c). */
void customs__rpmdb_warnf(customs__rpmdb_warn_fn warn, void *ud, int level, uint64_t offset, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

#endif
