/* sqlfn: the SQL functions every store connection has (see store.h):
 * sz_id_valid, sz_id_norm, sz_id_sex, sz_id_birth, sz_age, sz_search_keys.
 * The schema's triggers call sz_search_keys; form expressions call the others. */
#ifndef SZ_SQLFN_H
#define SZ_SQLFN_H

#include <sqlite3.h>

/* Registers them on db; returns an SQLite result code. */
int sqlfn_register(sqlite3 *db);

#endif
