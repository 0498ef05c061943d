/* ledger-index: the declared registers' search index, so that search-as-you-type
 * finds a rare word among a million records without reading them all.
 *
 * Two tables (ledger_index_schema_v1): ledger_key holds, for each distinct value of
 * a register's TEXT search columns, the value itself (key '') and its 1-, 2- and
 * 3-character substrings (ASCII lowered, as LIKE folds them); ledger_numkey holds
 * each record's number as 3-character grams packed in an integer. ledger_key_state
 * says up to which record id the index is complete. Keys are only ever a superset:
 * the list verifies every candidate with the plain substring match, so an edited or
 * deleted record's old keys cost a look-up, never a wrong row. */
#ifndef SHANZHI_LEDGER_INDEX_H
#define SHANZHI_LEDGER_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>
#include "util.h"

struct ledger_def;

extern const char ledger_index_schema_v1[];

/* Adds the keys of records above the index's mark (bulk loads, new records) and of
 * record `id` (0: none; an edit). Runs inside the caller's transaction. */
int ledger_index_add(sqlite3 *db, const struct ledger_def *d, int64_t id, char **err);

/* As ledger_index_add for many records at once: the values of the edited ones, and
 * the values and numbers of those that arrived below the index's mark (a village's
 * records applied at the township, whose own block is above every village's). An id
 * is in one list at most, and an arrived one is given once. */
int ledger_index_records(sqlite3 *db, const struct ledger_def *d, const int64_t *edited, size_t nedited,
			 const int64_t *arrived, size_t narrived, char **err);

/* Whether the index covers every record of d's table. */
int ledger_index_current(sqlite3 *db, const struct ledger_def *d);

/* The candidate ids of a search of n words as SQL yielding one id column, when a
 * word's candidates number at most cap (their count in *count); NULL when the ordered scan is cheaper (every
 * word is common) or the index cannot tell. Caller frees. When first is not NULL
 * and there are more than want candidates, *first is the SQL of the first want of
 * them in the list's order (d->order, then id DESC), or NULL: a page needs only
 * those when every one of them matches. Caller frees. */
char *ledger_index_candidates(sqlite3 *db, const struct ledger_def *d, char *const words[], size_t n,
			      int64_t cap, int64_t *count, size_t want, char **first);

/* A LIKE pattern matching word anywhere, its % _ and \ escaped (ESCAPE '\'): the
 * list's substring match and the index's value look-up use the same one. Caller frees. */
char *ledger_like_pattern(const char *word);

/* Whether lists draw on the index (default); off, every search is the ordered scan
 * (tests compare the two). */
void ledger_index_use(bool on);

/* Up to how many candidates a list reads them and sorts them (500); past it, it walks
 * its order testing each row against them. Tests lower it to walk both ways. */
void ledger_index_set_drive(int64_t n);
int64_t ledger_index_drive(void);

/* Appends a line to report for each way d's index is out of step with its table;
 * returns the count. */
int ledger_index_check(sqlite3 *db, const struct ledger_def *d, struct strbuf *report);

#endif
