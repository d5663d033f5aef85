/* schema.h - the store's schema: numbered migrations, the same for every
 * backend, applied on open (schema.c). */
#ifndef CUSTOMS_STORE_SCHEMA_H
#define CUSTOMS_STORE_SCHEMA_H

#include "store/store_int.h"

/* Bring the store's schema to CUSTOMS_STORE_SCHEMA_VERSION in one
 * transaction; refuse a database that is not a customs store, or a store
 * of a newer schema. */
int store__migrate(customs_store *s);

/* Migrations known, for tests: the SQL of migration n (1-based, with the
 * dialect's words), malloc'd, or NULL past the last. */
char *store__migration_sql(const customs_store_backend_type *t, int n);

#endif
