/* sync: a village register sends its changes upward to its township's register by
 * files (a USB stick, scp), as SQLite session changesets in a small container.
 *
 * Identities: every synced table keeps its INTEGER PRIMARY KEY; each site (a village
 * or the township) numbers its rows in a block of its own,
 *     id = site_no * 2^40 + local sequence,
 * site_no being the last six digits of a village's 12-digit code (town 3 + village 3:
 * unique within a district, no central assignment needed) or given by the township
 * (--site N); the township's own block is SYNC_TOWNSHIP_SITE, above every village's,
 * so SQLite's max(id)+1 there stays in its own block. Towns and villages themselves
 * (shared reference rows every register holds) are numbered by their GB code, the
 * same number everywhere. `sync init` renumbers a register's existing rows into its
 * block, every reference with them (foreign keys, the search keys, the audit log's
 * row ids, whose hash chain is sealed again; the entry recording it keeps the old
 * head), so existing registers migrate.
 *
 * Capture: a village's store attaches a session to the synced tables when it opens
 * (store.c calls sync_capture_*), and every committed transaction's changeset is kept
 * in sync_pending; `sync export` groups the not yet exported ones into package N. */
#ifndef SZ_SYNC_H
#define SZ_SYNC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sqlite3.h>

struct store;
struct strbuf;

#define SYNC_BLOCK_BITS 40
#define SYNC_TOWNSHIP_SITE 8388607LL   /* 2^23 - 1: the top block */
#define SYNC_MAGIC "SHANZHI-SYNC 1"

/* Whether table is one a village sends (its rows numbered in the site's block). */
bool sync_table_synced(const char *table);

/* For sync init's renumbering into a block (sync.c, sync-ledger.c): the SQL expression
 * of id x of table t's row once moved by base (towns and villages by temp.sz_map), to
 * sqlite3_free; and the UPDATEs that move column col of table, a reference to target's
 * rows, with the audit log's values of it (check compares them with the row). */
char *sync_moved_id(const char *t, const char *x, long long base);
void sync_move_reference(struct strbuf *sb, const char *table, const char *col, const char *target, long long base);

/* Runs an SQL script on db; SQLite's message in *err when it fails (-1). */
int sync_exec(sqlite3 *db, const char *sql, char **err);

/* The id a new row of table gets in this site's block, at a village or the township
 * (0: not a synced register or table: SQLite's own choice). */
long long sync_next_id(struct store *st, const char *table);

/* The ids a bulk load's rows of table take (import, demo): above *first, the highest
 * id of the site's own rows now, and below *end. In a village, its block: a resident
 * who moved here from a village numbered above it keeps their id (transfer.h), so the
 * table's max(id)+1 would be in that village's block; at the township, its own top
 * block (end INT64_MAX), not above the villages' rows it holds. In a register not set
 * up for sync, above the table's highest id (end INT64_MAX). */
void sync_bulk_span(struct store *st, const char *table, long long *first, long long *end);

/* ---- capture (called by store.c) ---- */
void sync_capture_open(struct store *st);
/* Before the outermost COMMIT: the transaction's changes into sync_pending. 0 or -1. */
int sync_capture_flush(struct store *st);
void sync_capture_reset(struct store *st);
void sync_capture_close(struct store *st);

/* ---- set up ---- */
/* role "village" (code of 12 digits) or "township" (9 digits); site_no 0: derived. */
int sync_init(struct store *st, const char *role, const char *code, const char *name, long long site_no,
	      char **err);
/* This register's role ("village", "township") and code; false when not set up. */
bool sync_self(struct store *st, char role[16], char code[16], long long *site_no);

/* ---- packages ---- */
/* Writes the changes not yet exported as the next package (seq 0: new) or package seq
 * again. *out_seq the package's number; *nchanges how many changes (0: nothing new,
 * no file written). 0 or -1. */
int sync_export(struct store *st, const char *path, long long seq, long long *out_seq, long long *nchanges,
		char **err);
/* At the township: its local code lists, rubrics and holidays (the local forms
 * folder's codes/, rubrics/, holidays/) as the next forms package for its villages,
 * which `sync apply` installs into their own local forms folder. 0 or -1. */
int sync_forms_export(struct store *st, const char *path, long long *out_seq, long long *nfiles, char **err);
/* Marks packages up to seq received by the township; their changes are let go. */
int sync_ack(struct store *st, long long seq, char **err);
/* Applies a package file at the township (or a village, for forms): *summary says
 * what happened ("applied", "already applied"). Refusals are logged. 0 or -1. */
int sync_apply(struct store *st, const char *path, char **summary, char **err);
/* The package's sequence number from its header (for `sync ack FILE`). */
int sync_package_seq(const char *path, long long *seq, char **err);

/* ---- conflicts and log ---- */
struct sync_conflict {
	long long id;
	char *village;   /* code and name */
	long long seq;
	char *tbl;
	long long row_id;
	char *kind;      /* data, notfound, conflict, constraint */
	char *theirs;    /* the village's values, JSON */
	char *ours;      /* the township's, JSON */
	char *state;     /* open, village, township */
	char *resolved_by;
};
/* Conflicts, open ones first (only_open: those alone). */
struct sync_conflict *sync_conflicts(struct store *st, bool only_open, size_t *n, char **err);
void sync_conflicts_free(struct sync_conflict *c, size_t n);
/* keep "village" (their values written, audited) or "township" (ours kept). */
int sync_resolve(struct store *st, long long id, const char *keep, char **err);
/* The sync log as text lines (newest last). Caller frees. */
char *sync_log_text(struct store *st, char **err);

#endif
