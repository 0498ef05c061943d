/* sqlite-ext-api: put before every source of the SQLite extension (meson's
 * -include): sqlite3ext.h turns each sqlite3_ call into a call through the
 * routines the loading program hands over (sqlite3_api), so the same sqlfn.c
 * calls the shell's SQLite, not a second copy linked in. */
#ifndef SZ_SQLITE_EXT_API_H
#define SZ_SQLITE_EXT_API_H

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#endif
