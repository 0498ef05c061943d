/* schema: the register's tables, their migrations and the search-key triggers.
 *
 * Migrations are an append-only array of SQL steps in src/schema.c; PRAGMA
 * user_version counts the steps applied. src/schema.c documents every table and
 * column for the modules that read or bulk-load them (demo, import, reports). */
#ifndef SZ_SCHEMA_H
#define SZ_SCHEMA_H

#include <sqlite3.h>

/* PRAGMA application_id of a shanzhi database ("SZHZ"). */
#define SCHEMA_APPLICATION_ID 0x535a485a

/* The first schema version with the audit hash chain (auth_schema_v1, step 4). */
#define SCHEMA_CHAIN_VERSION 4

/* The schema version this program writes: the number of migration steps. */
int schema_latest(void);
/* Applies the missing steps. The caller holds a write transaction and has read the
 * current version; returns 0 or -1 with a caller-freed message in *err. */
int schema_migrate(sqlite3 *db, int from_version, char **err);

struct strbuf;
/* Compares db's tables, indexes and triggers with what schema_migrate creates on an
 * empty database: each missing, changed or unknown object is one line appended to
 * *report, naming it ("schema: trigger audit_no_delete is missing ..."). Returns the
 * number of lines. */
int schema_compare(sqlite3 *db, struct strbuf *report);

/* Bulk loading: drops the trigger that adds an inserted resident's search keys, and
 * recreates it. The update trigger stays: a row changed during the load has its keys
 * replaced at once, and the fill below skips keys already present. Both run inside
 * the caller's transaction. */
int schema_insert_trigger_drop(sqlite3 *db, char **err);
int schema_insert_trigger_create(sqlite3 *db, char **err);
/* Adds the search keys of residents first..last, inserted in key order (fast on a
 * large table), skipping keys already present. */
int schema_search_keys_fill(sqlite3 *db, sqlite3_int64 first, sqlite3_int64 last, char **err);

#endif
