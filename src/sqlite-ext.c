/* sqlite-ext: the program's SQL functions as a loadable SQLite extension, so that
 * the sqlite3 shell can read and write a register as shanzhi does:
 *
 *     sqlite3 register.db
 *     sqlite> .load /usr/local/lib/x86_64-linux-gnu/shanzhi/shanzhi-sqlite
 *
 * Without it the shell cannot update a resident's name, ID number or phone (the
 * trigger that keeps resident_key calls sz_search_keys) nor write a name at all
 * (the index resident_pinyin is sz_name_key(name)). It registers what sqlfn.c
 * registers on every store connection, nothing else: no audit entry is written by
 * the shell, which is why it is an administrator's tool for repairs. */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

#include "sqlfn.h"

/* SQLite finds it by the file's name, shanzhi-sqlite, without `lib` and dashes;
 * the only symbol the module shows. */
__attribute__((visibility("default"))) int sqlite3_shanzhisqlite_init(sqlite3 *db, char **err, const sqlite3_api_routines *api);

int sqlite3_shanzhisqlite_init(sqlite3 *db, char **err, const sqlite3_api_routines *api)
{
	(void)err;
	SQLITE_EXTENSION_INIT2(api);
	return sqlfn_register(db);
}
