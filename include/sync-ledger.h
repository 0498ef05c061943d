/* sync-ledger: the declared registers' records in a village's packages (sync.h).
 *
 * What travels: every register's own table (ledger_NAME) and the steps of all of
 * them (ledger_step), numbered in the village's block like the other synced tables.
 * What does not: ledger_meta and the search index (ledger_key, ledger_numkey,
 * ledger_numgram, ledger_key_state). The index holds per-site numbers (a register's
 * reg, the mark up to which it is complete) and sums (a gram's count over every
 * record), which the village's and the township's would overwrite; the township keys
 * the records a package wrote as it applies it (ledger_index_records).
 *
 * A changeset names a table's columns by position, and a register's columns are in
 * the order its table grew (a field added later is last, one made with the table is
 * before number and state), so the same register has them in different orders at
 * different sites. A package's header therefore names each register's columns
 * ("ledger TABLE VERSION COL,COL,… TITLE"), and the township rewrites the changeset
 * into its own order before applying it. A register the township does not declare,
 * or whose declaration lacks a column the village's has, refuses the package whole. */
#ifndef SZ_SYNC_LEDGER_H
#define SZ_SYNC_LEDGER_H

#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

struct store;

/* Whether table is a register's rows a village sends: ledger_NAME or ledger_step. */
bool sync_ledger_table(const char *table);

/* The registers' tables this database holds, ledger_step last. Caller frees with
 * sync_ledger_tables_free. */
char **sync_ledger_tables(sqlite3 *db, size_t *n);
void sync_ledger_tables_free(char **tables, size_t n);

/* At sync init, inside its renumbering (temp.sz_map holds the towns' and villages'
 * new ids, triggers are off): the registers' rows moved into the block at base,
 * with their references (declared ref fields, ledger_step.record_id), their search
 * index's record ids and the audit log's row ids and values. 0 or -1. */
int sync_ledger_renumber(sqlite3 *db, long long base, char **err);

/* The header lines a package adds for each register whose rows its changeset holds.
 * Caller frees ("" when none). */
char *sync_ledger_header(sqlite3 *db, const void *changeset, int n);

/* At the village, before kept changesets are grouped into a package: a changeset
 * kept before a register's table gained a column (a newer declaration) has fewer
 * columns for it than the later ones, which SQLite does not group; *out the same
 * changes with the table's columns now (NULL or undefined in the new ones), or NULL
 * when none is narrower. 0 or -1; free *out. */
int sync_ledger_widen(sqlite3 *db, const void *changeset, int n, void **out, int *nout);

/* At the township, inside the apply's transaction, before the changeset is applied:
 * the registers' tables made or migrated from the township's declarations, and *out
 * the changeset with each register's values in the township's column order and its
 * steps naming no operator (the village's operators are not the township's); *out
 * NULL when the package holds no register rows. who names the package in a refusal.
 * -1 with *err naming the register when the township does not declare it or lacks a
 * column of it. Free *out. */
int sync_ledger_prepare(struct store *st, const char *header, size_t header_len, const void *changeset, int n,
			const char *who, void **out, int *nout, char **err);

/* After the changeset was applied: the township's search index keys the register
 * records it inserted or changed (skipped: the rows left as they were, conflicts). */
int sync_ledger_index(struct store *st, const void *changeset, int n,
		      bool (*skipped)(void *ctx, const char *tbl, long long row), void *ctx, char **err);

/* After a conflict over a register's row was resolved with the village's values:
 * the row's keys (arrived: it was inserted, not changed). */
int sync_ledger_reindex(struct store *st, const char *tbl, long long row, bool arrived, char **err);

#endif
