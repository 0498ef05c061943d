/* store: the one SQLite file.
 *
 * Contract: functions returning int give 0 on success and -1 on failure, with a
 * translated, caller-freed message in *err when err is non-NULL. Every statement is
 * prepared with bound parameters. Connections are opened with WAL, foreign_keys=ON,
 * a busy timeout, synchronous=FULL, and the schema is migrated on open (keyed on
 * PRAGMA user_version). The connection has these SQL functions registered, used by
 * triggers and by form expressions:
 *   sz_id_valid(x) 1/0, sz_id_norm(x) normalised 18-char ID or NULL,
 *   sz_id_sex(x) '1'/'2'/NULL, sz_id_birth(x) 'YYYY-MM-DD'/NULL,
 *   sz_age(date) whole years today, sz_search_keys(name, id, phone) JSON array of
 *   search keys (see search.h).
 *
 * The one write path: store_insert/store_update write a row and, in the same
 * transaction, an audit entry with operator, time, table, row id and the before and
 * after values (JSON objects). Nothing else writes to register tables. A value with
 * a control character (but a line break or tab) or a format character (U+200B,
 * U+202E) is refused, naming table and column, whatever the writer. */
#ifndef SZ_STORE_H
#define SZ_STORE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

struct store_field {
	const char *column;  /* checked against the table's columns, never spliced blindly */
	const char *value;   /* UTF-8 text; NULL (and "") stores SQL NULL */
	/* An update from a form: the value the clerk loaded (based true). The field is
	 * written only when value differs from base, and only while the stored value is
	 * still base: another session's change is never written over (store_update). */
	bool based;
	const char *base;
};

/* A field that another session changed since it was loaded, and this one too. */
struct store_conflict {
	char *column;
	char *base;    /* as loaded (NULL: empty) */
	char *theirs;  /* as stored now */
	char *mine;    /* what this save would write */
};

/* Opens (creating with mode 0600 if missing) and migrates. NULL on failure; another
 * program's SQLite file and a read-only file are refused before anything touches them. */
struct store *store_open(const char *path, char **err);
/* notice() is called when an opening has waited a second for another session that
 * has the file to itself (a bulk load, store_bulk_begin): the program can say why
 * nothing happens yet. Once per opening; the wait goes on until that session ends. */
void store_set_open_notice(void (*notice)(void));
void store_close(struct store *st);  /* accepts NULL */
sqlite3 *store_db(struct store *st);
const char *store_path(const struct store *st);

/* Who the audit log names for the writes that follow; registers the login in the
 * operator table when it is new. */
int store_set_operator(struct store *st, const char *login, char **err);
int64_t store_operator_id(const struct store *st);

/* Transactions nest: the outermost begin takes the write lock at once (BEGIN
 * IMMEDIATE) so writers queue on the busy timeout, and only the outermost commit
 * makes the writes durable; inner levels are savepoints, so an inner rollback undoes
 * only what was written since its own begin. */
int store_begin(struct store *st, char **err);
int store_commit(struct store *st, char **err);
void store_rollback(struct store *st);

/* Inserts a row, audits it; the new rowid in *id. */
int store_insert(struct store *st, const char *table, const struct store_field *f,
		 size_t n, int64_t *id, char **err);
/* Updates the named columns of row id, audits before/after (only changed columns);
 * reason (may be NULL) is kept in the audit entry. Fields with a base are merged:
 * one the caller did not change is not written, and one changed here and, since it
 * was loaded, elsewhere too is a conflict: then nothing is written, -1, *err says
 * who changed the record when, and store_conflicts lists the fields. */
int store_update(struct store *st, const char *table, int64_t id,
		 const struct store_field *f, size_t n, const char *reason, char **err);
/* The conflicts of the last store_update (none after one that succeeded). Borrowed;
 * the count in *n. */
const struct store_conflict *store_conflicts(const struct store *st, size_t *n);
/* Who (login; NULL when unknown) made the last audited change of a row (of its
 * column, when column is not NULL), and when. Caller frees both. false when there
 * is no such audit entry. */
bool store_last_change(struct store *st, const char *table, int64_t id, const char *column, char **who,
		       char **at);

/* Runs fn inside the next outermost transaction, just before it commits, so that
 * what fn writes or deletes (a draft the save makes obsolete) is durable together
 * with the save or not at all. fn's -1 rolls the transaction back. Once: the hook
 * is gone after that commit or a rollback; store_at_commit(st, NULL, NULL) drops
 * it unused. */
void store_at_commit(struct store *st, int (*fn)(struct store *st, void *ctx), void *ctx);

/* Bulk loading (demo, a whole register imported at once): store_bulk_begin opens a
 * transaction of its own and turns the search-key insert trigger off; every row written in
 * it (through store_insert, or the loader's own prepared INSERTs on store_db() for
 * speed) above a table's highest id at the start belongs to the load: no per-row
 * audit entry is written for it, and updates of those rows are not audited either.
 * store_bulk_end fills the new residents' search keys in key order (far faster than
 * a million trigger runs), writes one audit entry per table (action "bulk", row_id
 * the first id, after {"first","last","count"}, reason what the load was, for
 * example the file an import read) and commits. store_rollback undoes
 * the whole load.
 * STORE_BULK_OWN_REFERENCES: the loader makes every reference it writes itself (the
 * households it numbers, the residents it makes their heads), so SQLite does not look
 * each one up: foreign keys are off until the load ends. A household can then be
 * written with its head before the head, in one INSERT. */
enum { STORE_BULK_OWN_REFERENCES = 1 };
int store_bulk_begin(struct store *st, const char *reason, unsigned flags, char **err);
int store_bulk_end(struct store *st, char **err);
/* Inside a bulk load: the loader has put the search keys of every resident of the
 * load into resident_key itself (an import makes them as it reads, import-keys.h),
 * so store_bulk_end does not fill them. */
void store_bulk_keys_filled(struct store *st);
/* Inside a bulk load: the loader wrote exactly the rows first to last of table and
 * deleted none (none when last < first), so store_bulk_end audits them without
 * counting them again, a scan of a million rows. */
void store_bulk_wrote(struct store *st, const char *table, int64_t first, int64_t last);
/* Inside a bulk load: drops table's secondary indexes (not its UNIQUE ones, which
 * refuse a duplicate as it is written) when the table is small before the load, and
 * store_bulk_end builds them again, one sorted pass each. Does nothing for a large
 * table, where rebuilding would cost more than the load. */
int store_bulk_defer_indexes(struct store *st, const char *table, char **err);

/* A setting from the settings table; caller frees; NULL when absent. */
char *store_setting(struct store *st, const char *key);
int store_set_setting(struct store *st, const char *key, const char *value, char **err);

/* SQLite's integrity check plus the schema's own checks (foreign keys, every
 * household head a member, every ID number valid, search keys in step with the
 * residents, audit entries present). Each problem is one line appended to *report;
 * returns the number of problems. */
int store_check(struct store *st, char **report);

/* Today's date as YYYY-MM-DD; SHANZHI_TODAY overrides it (tests). */
void store_today(char out[11]);
/* The local time as every row and audit entry is stamped: 2026-11-26T14:03:07+08:00. */
void store_now(char out[32]);

#endif
