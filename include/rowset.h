/* rowset: the rows a model query returns to a screen, as text cells. The SQL stays
 * in the model module (service.c, dispute.c, stars.c, village.c ...), which names
 * the columns of each of its lists with an enum; a screen reads the cells by those
 * names and lays them out, and never sees a statement. */
#ifndef SZ_ROWSET_H
#define SZ_ROWSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

struct rowset {
	size_t n;          /* rows */
	size_t ncols;
	char **cell;       /* n * ncols, row after row; NULL for an SQL NULL */
};

/* Runs sql on st with the parameters ?1, ?2 ... given by types, one letter each:
 * 't' a const char * (NULL binds NULL), 'i' an int, 'l' an int64_t. Appends every
 * row to out (which starts zeroed or from an earlier call with the same columns).
 * 0, or -1 with *err (may be NULL) and out as it was. */
int rowset_select(struct store *st, struct rowset *out, char **err, const char *sql, const char *types, ...);
/* The first column of the first row of such a query (caller frees); NULL when there
 * is no row, the value is NULL or the query fails. */
char *rowset_value(struct store *st, const char *sql, const char *types, ...);
/* The first column of every row of such a query as integers, in *n of them (caller
 * frees; NULL when none or the query fails): a long list of ids (the demo's picks)
 * without a string per cell. */
int64_t *rowset_ids(struct store *st, size_t *n, const char *sql, const char *types, ...);

/* The cell of row i, column c: "" for NULL. */
const char *rowset_text(const struct rowset *r, size_t i, size_t c);
/* Whether the cell is an SQL NULL. */
bool rowset_null(const struct rowset *r, size_t i, size_t c);
/* The cell as an integer (0 for NULL or text). */
int64_t rowset_int(const struct rowset *r, size_t i, size_t c);
void rowset_free(struct rowset *r);

#endif
