/* sqlfn: the SQL functions every store connection has (see store.h):
 * sz_id_valid, sz_id_norm, sz_id_sex, sz_id_birth, sz_age, sz_search_keys.
 * The schema's triggers call sz_search_keys; form expressions call the others. */
#ifndef SZ_SQLFN_H
#define SZ_SQLFN_H

#include <sqlite3.h>

/* Registers them on db; returns an SQLite result code. */
int sqlfn_register(sqlite3 *db);

/* Makes SQL's clock (date('now'), CURRENT_TIMESTAMP) follow SHANZHI_TODAY, the
 * fixed day the tests set, as store_today does; the real clock when it is unset.
 * Wraps the default VFS: call once, before the first connection is opened. */
void sqlfn_clock_install(void);

#endif
