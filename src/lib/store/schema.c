/* schema.c - the store's schema as numbered migrations, one SQL text each,
 * the same for SQLite and PostgreSQL: {ID}, {INT} and {BLOB} are the
 * backend's words for a self-numbering key, a 64-bit integer and a byte
 * string.  A migration is never edited once released; a change of schema
 * is a new one at the end.  docs/store.md describes the tables.
 *
 * Facts, not documents: images by digest with their config as columns;
 * layers by diff_id with their files as rows, shared by every image that
 * has them, and what each image hides of them; packages as rows, their
 * bulky data (metadata, owned files) content-addressed in package_data;
 * layer results (what the analyzers kept of a layer) by diff_id and
 * analyzer versions; matches per package set and database build. */
#include <stdlib.h>
#include <string.h>

#include "store/schema.h"

static const char *const migrations[] = {
	/* 1: the first schema */
	"CREATE TABLE store_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
	"CREATE TABLE schema_migrations(version {INT} PRIMARY KEY, applied_at TEXT NOT NULL,"
	" customs_version TEXT NOT NULL);\n"
	"CREATE TABLE images(id {ID}, digest TEXT NOT NULL UNIQUE,"
	" manifest_digest TEXT, config_digest TEXT, manifest_media_type TEXT,"
	" reference TEXT, source_kind TEXT, source_path TEXT, source_tags {BLOB},"
	" name TEXT, created TEXT, author TEXT, architecture TEXT, os TEXT, variant TEXT,"
	" config_user TEXT, config_workdir TEXT, config_stop_signal TEXT, config_env {BLOB},"
	" config_entrypoint {BLOB}, config_cmd {BLOB}, config_shell {BLOB}, config_ports {BLOB},"
	" config_volumes {BLOB}, config_labels TEXT, config_healthcheck TEXT,"
	" distro_id TEXT, distro_version_id TEXT, distro_codename TEXT, distro_pretty_name TEXT,"
	" distro_id_like TEXT, distro_source_path TEXT,"
	" analysed_at TEXT NOT NULL, customs_version TEXT NOT NULL, analyzers TEXT NOT NULL,"
	" file_digests {INT} NOT NULL, complete {INT} NOT NULL, nlayers {INT} NOT NULL,"
	" npackages {INT} NOT NULL, nfiles {INT} NOT NULL, pkgset TEXT NOT NULL, layer_key TEXT NOT NULL,"
	" matchset {INT}, matched_at TEXT);\n"
	"CREATE INDEX images_pkgset ON images(pkgset);\n"
	"CREATE INDEX images_matchset ON images(matchset);\n"
	/* a move of a tag is a new row: the history is never rewritten */
	"CREATE TABLE image_tags(id {ID}, tag TEXT NOT NULL, digest TEXT NOT NULL, seen_at TEXT NOT NULL);\n"
	"CREATE INDEX image_tags_tag ON image_tags(tag, id);\n"
	"CREATE INDEX image_tags_digest ON image_tags(digest);\n"
	/* files_key: the layer's files in layer_files (its diff_id, or
	 * "catalog:..." for files taken from an image's catalog) */
	"CREATE TABLE image_layers(image_id {INT} NOT NULL, idx {INT} NOT NULL, diff_id TEXT, files_key TEXT NOT NULL,"
	" digest TEXT,"
	" media_type TEXT, size {INT}, tar_size {INT}, created_by TEXT, created TEXT, comment TEXT,"
	" entries {INT}, skipped {INT}, complete {INT}, diff_id_verified {INT}, PRIMARY KEY(image_id, idx));\n"
	"CREATE INDEX image_layers_diff_id ON image_layers(diff_id, idx);\n"
	"CREATE INDEX image_layers_files ON image_layers(files_key);\n"
	/* the entries of its layers an image does not show: (layer, seq) of layer_files */
	"CREATE TABLE image_hidden(image_id {INT} NOT NULL, layer {INT} NOT NULL, seq {INT} NOT NULL,"
	" PRIMARY KEY(image_id, layer, seq));\n"
	"CREATE TABLE image_warnings(image_id {INT} NOT NULL, seq {INT} NOT NULL, level {INT} NOT NULL,"
	" layer {INT} NOT NULL, path TEXT, message TEXT NOT NULL, PRIMARY KEY(image_id, seq));\n"
	"CREATE TABLE packages(image_id {INT} NOT NULL, seq {INT} NOT NULL, name TEXT NOT NULL, version TEXT,"
	" type TEXT, arch TEXT, purl TEXT, source_name TEXT, source_version TEXT, found_by TEXT, db_path TEXT,"
	" layer {INT} NOT NULL, visible {INT} NOT NULL, removed_in_layer {INT} NOT NULL, licenses {BLOB},"
	" cpes {BLOB}, data TEXT, PRIMARY KEY(image_id, seq));\n"
	"CREATE INDEX packages_name ON packages(lower(name));\n"
	"CREATE INDEX packages_data ON packages(data);\n"
	/* metadata: the JSON tree packed (store/pack.c), read back without
	 * parsing text; files: the owned paths, each NUL-terminated */
	"CREATE TABLE package_data(digest TEXT PRIMARY KEY, metadata {BLOB}, files {BLOB});\n"
	/* a layer's files, by files_key; exact: the tar's entries as walked
	 * (whiteouts included), what the layer cache needs, else the entries
	 * of one image's catalog */
	"CREATE TABLE layers(files_key TEXT PRIMARY KEY, entries {INT} NOT NULL, tar_size {INT} NOT NULL,"
	" skipped {INT} NOT NULL, file_digests {INT} NOT NULL, exact {INT} NOT NULL, stored_at TEXT NOT NULL);\n"
	/* kind: 0 a file, 1 a whiteout (path: what it deletes), 2 an opaque marker (path: the directory) */
	"CREATE TABLE layer_files(files_key TEXT NOT NULL, seq {INT} NOT NULL, kind {INT} NOT NULL,"
	" path TEXT NOT NULL, type {INT} NOT NULL, mode {INT} NOT NULL, uid {INT} NOT NULL, gid {INT} NOT NULL,"
	" size {INT} NOT NULL, link TEXT, sha256 TEXT, PRIMARY KEY(files_key, seq));\n"
	"CREATE INDEX layer_files_path ON layer_files(path);\n"
	"CREATE TABLE layer_cache(diff_id TEXT NOT NULL, analyzers TEXT NOT NULL, data {BLOB} NOT NULL,"
	" stored_at TEXT NOT NULL, PRIMARY KEY(diff_id, analyzers));\n"
	"CREATE TABLE matchsets(id {ID}, pkgset TEXT NOT NULL, build TEXT NOT NULL, built_at TEXT,"
	" matched_at TEXT NOT NULL, unknown {INT} NOT NULL, negligible {INT} NOT NULL, low {INT} NOT NULL,"
	" medium {INT} NOT NULL, high {INT} NOT NULL, critical {INT} NOT NULL, suppressed {INT} NOT NULL,"
	" detail {BLOB} NOT NULL, UNIQUE(pkgset, build));\n"
	"CREATE TABLE matches(matchset {INT} NOT NULL, seq {INT} NOT NULL, vuln_id TEXT NOT NULL,"
	" package_index {INT} NOT NULL, name TEXT, version TEXT, type TEXT, purl TEXT, layer {INT} NOT NULL,"
	" severity {INT} NOT NULL, fix_state {INT} NOT NULL, kind {INT} NOT NULL, suppressed {INT} NOT NULL,"
	" active {INT} NOT NULL, detail {BLOB} NOT NULL, PRIMARY KEY(matchset, seq));\n"
	/* every id of a match, upper-cased: has-vuln finds any alias */
	"CREATE TABLE match_ids(matchset {INT} NOT NULL, seq {INT} NOT NULL, id TEXT NOT NULL,"
	" PRIMARY KEY(matchset, seq, id));\n"
	"CREATE INDEX match_ids_id ON match_ids(id);\n"
	"CREATE TABLE match_events(id {ID}, image_id {INT} NOT NULL, at TEXT NOT NULL, built_at TEXT,"
	" event TEXT NOT NULL, vuln_id TEXT NOT NULL, name TEXT, version TEXT, type TEXT,"
	" severity {INT} NOT NULL);\n"
	"CREATE INDEX match_events_image ON match_events(image_id, at);\n"
	"CREATE TABLE evaluations(id {ID}, image_digest TEXT NOT NULL, bundle_digest TEXT NOT NULL,"
	" evaluated_at TEXT NOT NULL, action TEXT, result TEXT);\n"
	"CREATE INDEX evaluations_image ON evaluations(image_digest, bundle_digest, evaluated_at);\n"
	"INSERT INTO store_meta(key, value) VALUES('application', 'customs-store');\n",
	/* 2: what analyzer plugins reported besides packages (facts, findings), as JSON */
	"ALTER TABLE images ADD COLUMN plugin_results TEXT;\n",
	/* 3: the server's tables.  API tokens: the secret is kept only as
	 * sha256(salt || secret), found by its public key_id.  The job queue:
	 * a job is claimed by a worker for a lease (lease_until, seconds since
	 * the epoch) that it extends while it runs; a job whose lease ran out
	 * is claimed again.  At most one queued or running job per reference:
	 * a second request for it gets the first job. */
	"CREATE TABLE api_tokens(id {ID}, name TEXT NOT NULL UNIQUE, key_id TEXT NOT NULL UNIQUE,"
	" salt TEXT NOT NULL, hash TEXT NOT NULL, created_at TEXT NOT NULL);\n"
	"CREATE TABLE jobs(id {ID}, ref TEXT NOT NULL, tag TEXT, state TEXT NOT NULL, digest TEXT, error TEXT,"
	" worker TEXT, attempts {INT} NOT NULL, lease_until {INT}, created_at TEXT NOT NULL, started_at TEXT,"
	" finished_at TEXT, analyses {INT} NOT NULL);\n"
	"CREATE UNIQUE INDEX jobs_active_ref ON jobs(ref) WHERE state IN ('queued', 'running');\n"
	"CREATE INDEX jobs_state ON jobs(state, id);\n"
	/* policy bundles kept for the server, as JSON text; one is active:
	 * what an evaluation without a bundle and admission use */
	"CREATE TABLE policies(id TEXT PRIMARY KEY, name TEXT, digest TEXT NOT NULL, document TEXT NOT NULL,"
	" active {INT} NOT NULL, updated_at TEXT NOT NULL);\n"
	/* watched tags: what was last seen of each (a digest, a state: the
	 * active vulnerabilities, a policy action), and the webhooks to send
	 * (an outbox, retried with backoff until next_at) */
	"CREATE TABLE subscriptions(id {ID}, tag TEXT NOT NULL, type TEXT NOT NULL, url TEXT NOT NULL,"
	" secret TEXT NOT NULL, last_digest TEXT, last_state TEXT, created_at TEXT NOT NULL,"
	" UNIQUE(tag, type, url));\n"
	"CREATE TABLE notifications(id {ID}, subscription {INT} NOT NULL, event TEXT NOT NULL, payload TEXT NOT NULL,"
	" state TEXT NOT NULL, attempts {INT} NOT NULL, next_at {INT} NOT NULL, last_error TEXT,"
	" created_at TEXT NOT NULL, delivered_at TEXT);\n"
	"CREATE INDEX notifications_due ON notifications(state, next_at);\n"
	/* who is analysing a digest now (customs_store_opts.owner), until when */
	"CREATE TABLE analysis_claims(digest TEXT PRIMARY KEY, owner TEXT NOT NULL, until {INT} NOT NULL);\n",
};

#define NMIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

char *store__migration_sql(const customs_store_backend_type *t, int n)
{
	customs_buf b = CUSTOMS_BUF_INIT(0);
	if (n < 1 || n > NMIGRATIONS)
		return NULL;
	for (const char *p = migrations[n - 1]; *p;) {
		const char *word = !strncmp(p, "{ID}", 4) ? t->id_type : !strncmp(p, "{INT}", 5) ? t->int_type
				   : !strncmp(p, "{BLOB}", 6)                                     ? t->blob_type
												    : NULL;
		if (word) {
			customs_buf_puts(&b, word);
			p = strchr(p, '}') + 1;
		} else {
			customs_buf_put(&b, p++, 1);
		}
	}
	return customs_buf_detach(&b);
}

/* The version the store is at: 0 for a new database.  Refuses what is
 * not a customs store. */
static int current_version(customs_store *s, int *out)
{
	int meta = 0, other = 0, err;
	char *app = NULL;
	int64_t v = 0;

	*out = 0;
	if ((err = s->t->has_table(s->b, "store_meta", &meta)) < 0)
		return err;
	if (!meta) {
		/* a new store starts in an empty database: tables without our
		 * mark belong to something else (customs' vulnerability
		 * database, another program's file) */
		if ((err = s->t->has_table(s->b, NULL, &other)) < 0)
			return err;
		if (other)
			return customs__error(CUSTOMS_EFORMAT,
					      "%s is not a customs store: it holds other tables (a store starts in an empty "
					      "database)",
					      customs_store_describe(s));
		return 0;
	}
	if ((err = store__query_text(s, "SELECT value FROM store_meta WHERE key = 'application'", NULL, 0, &app)) < 0)
		return err;
	int ours = app && !strcmp(app, "customs-store");
	free(app);
	if (!ours)
		return customs__error(CUSTOMS_EFORMAT, "%s is not a customs store (store_meta says another application)",
				      customs_store_describe(s));
	if ((err = store__query_int(s, "SELECT max(version) FROM schema_migrations", NULL, 0, &v)) < 0)
		return err;
	*out = (int)v;
	return 0;
}

static int refuse_newer(customs_store *s, int v)
{
	return customs__error(CUSTOMS_EUNSUPPORTED,
			      "the store %s has schema version %d; this customs (%s) knows versions up to %d: use a newer "
			      "customs",
			      customs_store_describe(s), v, CUSTOMS_VERSION, CUSTOMS_STORE_SCHEMA_VERSION);
}

static int migrate_tx(customs_store *s, void *ud)
{
	int v, err;
	(void)ud;
	if (s->t->migration_lock && (err = store__exec(s, s->t->migration_lock, NULL, 0, NULL)) < 0)
		return err;
	/* again under the lock: another process may have migrated meanwhile */
	if ((err = current_version(s, &v)) < 0)
		return err;
	if (v > CUSTOMS_STORE_SCHEMA_VERSION)
		return refuse_newer(s, v);
	for (int n = v + 1; n <= NMIGRATIONS; n++) {
		char *sql = store__migration_sql(s->t, n), now[40];
		if (!sql)
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		err = store__exec(s, sql, NULL, 0, NULL);
		free(sql);
		if (err < 0)
			return err;
		store__now(now);
		customs_store_value p[] = {sv_int(n), sv_text(now), sv_text(CUSTOMS_VERSION)};
		if ((err = store__exec(s, "INSERT INTO schema_migrations(version, applied_at, customs_version) VALUES(?, ?, ?)",
				       p, NV(p), NULL)) < 0)
			return err;
	}
	return 0;
}

int store__migrate(customs_store *s)
{
	int v, err;
	/* the common case, a store at this version, needs no write lock;
	 * anything else is decided under it (another process may be
	 * creating the store right now: its tables show before its mark) */
	if ((err = current_version(s, &v)) == 0 && v == CUSTOMS_STORE_SCHEMA_VERSION)
		return 0;
	if (err == 0 && v > CUSTOMS_STORE_SCHEMA_VERSION)
		return refuse_newer(s, v);
	return store__tx(s, 1, migrate_tx, NULL);
}
