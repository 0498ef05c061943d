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

/* Whether the index covers every record of d's table. */
int ledger_index_current(sqlite3 *db, const struct ledger_def *d);

/* The candidate ids of a search of n words as SQL yielding one id column, when a
 * word's candidates number at most cap; NULL when the ordered scan is cheaper (every
 * word is common) or the index cannot tell. Caller frees. */
char *ledger_index_candidates(sqlite3 *db, const struct ledger_def *d, char *const words[], size_t n,
			      int64_t cap);

/* Whether lists draw on the index (default); off, every search is the ordered scan
 * (tests compare the two). */
void ledger_index_use(bool on);

/* Appends a line to report for each way d's index is out of step with its table;
 * returns the count. */
int ledger_index_check(sqlite3 *db, const struct ledger_def *d, struct strbuf *report);

#endif
