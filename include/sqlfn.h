/* sqlfn: the SQL functions every store connection has (see store.h):
 * sz_id_valid, sz_id_norm, sz_id_sex, sz_id_birth, sz_age, sz_search_keys, sz_name_key.
 * The schema's triggers call sz_search_keys, its index resident_pinyin sz_name_key;
 * form expressions call the others. */
#ifndef SZ_SQLFN_H
#define SZ_SQLFN_H

#include <sqlite3.h>
#include <stdbool.h>

/* Registers them on db; returns an SQLite result code. */
int sqlfn_register(sqlite3 *db);

/* A one-argument function as plain C: the argument as text (NULL for NULL); false
 * for a NULL result, else its text in out as SQL would show it (an age as "45"). */
#define SQLFN_TEXT_MAX 24
typedef bool (*sqlfn_unary)(const char *arg, char out[SQLFN_TEXT_MAX]);
/* The plain C of sz_id_valid, sz_id_norm, sz_id_sex, sz_id_birth or sz_age (any
 * case), NULL for another name: a form expression that is a bare call of one of
 * them runs without SQL, a few thousand instructions less per imported row. */
sqlfn_unary sqlfn_unary_find(const char *name);

/* Makes SQL's clock (date('now'), CURRENT_TIMESTAMP) follow SHANZHI_TODAY, the
 * fixed day the tests set, as civil_today_text does; the real clock when it is unset.
 * Wraps the default VFS: call once, before the first connection is opened. */
void sqlfn_clock_install(void);

#endif
