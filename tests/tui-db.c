/* tui-db: see tui-db.h. */
#include "tui-db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

char *db_value(const char *db, const char *sql)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *stmt = NULL;
	char *v = NULL;
	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(h, sql, -1, &stmt, NULL) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW &&
	    sqlite3_column_text(stmt, 0))
		v = strdup((const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	sqlite3_close(h);
	return v ? v : strdup("(none)");
}

bool run_shanzhi(const char *shanzhi, const char *words)
{
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "'%s' %s >/dev/null 2>&1", shanzhi, words);
	return system(cmd) == 0;
}
