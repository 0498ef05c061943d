/* check-query: reading one value back from a test's register, and the check that it
 * is the one wanted; shared by the unit tests that look at rows through SQL. */
#ifndef SZ_CHECK_QUERY_H
#define SZ_CHECK_QUERY_H

#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "store.h"
#include "util.h"

/* One text value of a query with up to one integer parameter; "(null)" for NULL,
 * "(no row)" for none. Caller frees. */
static inline char *query_text(struct store *st, const char *sql, long long arg)
{
	sqlite3_stmt *stmt = NULL;
	char *v = NULL;
	if (sqlite3_prepare_v2(store_db(st), sql, -1, &stmt, NULL) != SQLITE_OK) {
		fprintf(stderr, "prepare failed: %s: %s\n", sql, sqlite3_errmsg(store_db(st)));
		return xstrdup("(error)");
	}
	if (sqlite3_bind_parameter_count(stmt) > 0)
		sqlite3_bind_int64(stmt, 1, arg);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = xstrdup(sqlite3_column_type(stmt, 0) == SQLITE_NULL ? "(null)"
								   : (const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	return v ? v : xstrdup("(no row)");
}

/* One integer of a query. */
static inline long long query_int(struct store *st, const char *sql, long long arg)
{
	char *s = query_text(st, sql, arg);
	long long v = atoll(s);
	free(s);
	return v;
}

#define CHECK_QUERY(st, sql, arg, want)                                            \
	do {                                                                       \
		char *got_ = query_text(st, sql, arg);                             \
		CHECK_STR(got_, want);                                             \
		free(got_);                                                        \
	} while (0)

#endif
