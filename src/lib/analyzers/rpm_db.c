/* rpm_db.c - which rpmdb backend a file is, from its magic bytes, and the
 * walk through it with that backend's reader (rpm_sqlite.c, rpm_bdb.c,
 * rpm_ndb.c); shared by rpm.c, the tests and the fuzzers. */
#include <string.h>

#include "analyzers/rpmdb.h"

customs__rpmdb_kind customs__rpmdb_sniff(const unsigned char *buf, size_t len)
{
	if (len >= 16 && !memcmp(buf, "SQLite format 3", 16))
		return CUSTOMS__RPMDB_SQLITE;
	if (len >= 4 && !memcmp(buf, "RpmP", 4))
		return CUSTOMS__RPMDB_NDB;
	/* Berkeley DB hash magic 0x00061561 at 12, in either byte order */
	if (len >= 16 && ((buf[12] == 0x61 && buf[13] == 0x15 && buf[14] == 0x06 && buf[15] == 0) ||
			  (buf[12] == 0 && buf[13] == 0x06 && buf[14] == 0x15 && buf[15] == 0x61)))
		return CUSTOMS__RPMDB_BDB;
	return CUSTOMS__RPMDB_UNKNOWN;
}

const char *customs__rpmdb_kind_name(customs__rpmdb_kind k)
{
	switch (k) {
	case CUSTOMS__RPMDB_SQLITE:
		return "sqlite";
	case CUSTOMS__RPMDB_BDB:
		return "bdb";
	case CUSTOMS__RPMDB_NDB:
		return "ndb";
	default:
		return "unknown";
	}
}

int customs__rpmdb_parse(const unsigned char *buf, size_t len, customs__rpmdb_blob_fn on_blob,
			 customs__rpmdb_warn_fn on_warn, void *ud)
{
	switch (customs__rpmdb_sniff(buf, len)) {
	case CUSTOMS__RPMDB_SQLITE:
		return customs__rpmdb_parse_sqlite(buf, len, on_blob, on_warn, ud);
	case CUSTOMS__RPMDB_BDB:
		return customs__rpmdb_parse_bdb(buf, len, on_blob, on_warn, ud);
	case CUSTOMS__RPMDB_NDB:
		return customs__rpmdb_parse_ndb(buf, len, on_blob, on_warn, ud);
	default:
		if (len >= 16 && buf[12] == 0x62 && buf[13] == 0x31 && buf[14] == 0x05 && buf[15] == 0)
			return customs__error(CUSTOMS_EUNSUPPORTED, "a Berkeley DB btree, not an rpm Packages hash");
		return customs__error(CUSTOMS_EFORMAT,
				      "not an rpm database (no SQLite, Berkeley DB hash or NDB magic)");
	}
}
