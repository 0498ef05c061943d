/* rowcheck: the CHECK constraints of the resident and household tables, written
 * again in C, so that a bulk load may have SQLite skip them (PRAGMA
 * ignore_check_constraints) and still store nothing they forbid. SQLite spends about
 * a third of an import's writing on them (25,000 instructions a row); these take
 * under a thousand.
 *
 * The rules are written for one definition of each table, known by the digest of
 * its CREATE TABLE text: a register whose table reads otherwise gets no rowcheck,
 * and SQLite checks as always. tests/test-rowcheck.c holds every rule against
 * SQLite's own verdict on the same values; a change to either table's definition
 * fails it until the rules here follow. */
#ifndef SZ_ROWCHECK_H
#define SZ_ROWCHECK_H

#include <sqlite3.h>
#include <stddef.h>

struct rowcheck;

/* The rules of table for rows given as the values of columns[0..n), in that order.
 * NULL when db's table is not the definition the rules are written for, when the
 * rules do not know the table, or when a column with a rule is not among columns
 * (its DEFAULT would be stored, which the rules do not see). */
struct rowcheck *rowcheck_new(sqlite3 *db, const char *table, const char *const *columns, size_t n);

/* The column whose CHECK the row breaks, NULL when it breaks none. A NULL or empty
 * value stands for SQL NULL, as the import binds it. NOT NULL and UNIQUE stay
 * SQLite's: the pragma leaves them on. */
const char *rowcheck_row(const struct rowcheck *rc, const char *const *values);

void rowcheck_free(struct rowcheck *rc);

/* The digest of table's CREATE TABLE text in db (lower-case hex, SHA-256), or ""
 * when there is no such table: what rowcheck_new compares. */
void rowcheck_table_digest(sqlite3 *db, const char *table, char out[65]);

#endif
