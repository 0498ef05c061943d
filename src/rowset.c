/* rowset: the rows of a model query as text cells (see rowset.h). */
#include "rowset.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>

#include "store.h"
#include "util.h"

/* Binds the parameters types describes from ap; false on an unknown letter. */
static bool bind_args(sqlite3_stmt *stmt, const char *types, va_list ap)
{
	for (int i = 1; types && *types; types++, i++) {
		switch (*types) {
		case 't': {
			const char *s = va_arg(ap, const char *);
			if (s)
				sqlite3_bind_text(stmt, i, s, -1, SQLITE_TRANSIENT);
			else
				sqlite3_bind_null(stmt, i);
			break;
		}
		case 'i': sqlite3_bind_int(stmt, i, va_arg(ap, int)); break;
		case 'l': sqlite3_bind_int64(stmt, i, va_arg(ap, int64_t)); break;
		default: return false;
		}
	}
	return true;
}

/* Prepares sql and binds its parameters; NULL with *err. */
static sqlite3_stmt *prepare(struct store *st, char **err, const char *sql, const char *types, va_list ap)
{
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(store_db(st), sql, -1, &stmt, NULL) != SQLITE_OK) {
		if (err)
			*err = xstrdup(sqlite3_errmsg(store_db(st)));
		return NULL;
	}
	if (!bind_args(stmt, types, ap)) {
		if (err)
			*err = xstrdup("rowset: unknown parameter type");
		sqlite3_finalize(stmt);
		return NULL;
	}
	return stmt;
}

/* Drops the rows after the first n, so a failed query leaves out as it found it. */
static void truncate_rows(struct rowset *r, size_t n)
{
	for (size_t i = n * r->ncols; i < r->n * r->ncols; i++)
		free(r->cell[i]);
	r->n = n;
	if (!n) {
		free(r->cell);
		r->cell = NULL;
	}
}

int rowset_select(struct store *st, struct rowset *out, char **err, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	sqlite3_stmt *stmt = prepare(st, err, sql, types, ap);
	va_end(ap);
	if (!stmt)
		return -1;
	size_t ncols = (size_t)sqlite3_column_count(stmt), n0 = out->n;
	if (!out->n)
		out->ncols = ncols;
	int rc;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		out->cell = xrealloc(out->cell, (out->n + 1) * out->ncols * sizeof *out->cell);
		char **row = out->cell + out->n++ * out->ncols;
		for (size_t c = 0; c < out->ncols; c++) {
			const unsigned char *v = c < ncols ? sqlite3_column_text(stmt, (int)c) : NULL;
			row[c] = v ? xstrdup((const char *)v) : NULL;
		}
	}
	if (rc != SQLITE_DONE && err)
		*err = xstrdup(sqlite3_errmsg(store_db(st)));
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		truncate_rows(out, n0);
	return rc == SQLITE_DONE ? 0 : -1;
}

char *rowset_value(struct store *st, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	sqlite3_stmt *stmt = prepare(st, NULL, sql, types, ap);
	va_end(ap);
	char *v = NULL;
	if (stmt && sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
		v = xstrdup((const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	return v;
}

int64_t *rowset_ids(struct store *st, size_t *n, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	sqlite3_stmt *stmt = prepare(st, NULL, sql, types, ap);
	va_end(ap);
	int64_t *ids = NULL;
	size_t cap = 0;
	*n = 0;
	while (stmt && sqlite3_step(stmt) == SQLITE_ROW) {
		if (*n == cap)
			ids = xrealloc(ids, (cap = cap ? cap * 2 : 1024) * sizeof *ids);
		ids[(*n)++] = sqlite3_column_int64(stmt, 0);
	}
	sqlite3_finalize(stmt);
	return ids;
}

const char *rowset_text(const struct rowset *r, size_t i, size_t c)
{
	const char *v = i < r->n && c < r->ncols ? r->cell[i * r->ncols + c] : NULL;
	return v ? v : "";
}

bool rowset_null(const struct rowset *r, size_t i, size_t c)
{
	return i >= r->n || c >= r->ncols || !r->cell[i * r->ncols + c];
}

int64_t rowset_int(const struct rowset *r, size_t i, size_t c)
{
	return strtoll(rowset_text(r, i, c), NULL, 10);
}

void rowset_free(struct rowset *r)
{
	for (size_t i = 0; i < r->n * r->ncols; i++)
		free(r->cell[i]);
	free(r->cell);
	*r = (struct rowset){ 0 };
}
