/* changeset-map: an SQLite changeset written again with a table's columns in another
 * order or number, in the format sqlite3session.h describes ("CHANGESET FORMAT"): a
 * changeset names columns by position only, and the same table may have them in a
 * different order at another site, or fewer of them in a change kept before it grew
 * (sync-ledger.h). The SQLite of Debian 12 (3.40) has no call that writes a change. */
#ifndef SZ_CHANGESET_MAP_H
#define SZ_CHANGESET_MAP_H

#include <stddef.h>

/* How one table's changes are written. */
struct changeset_map {
	size_t ncols;               /* the table's columns as written */
	const unsigned char *pk;    /* ncols flags: 1 for a primary key column */
	const int *from;            /* for each, the change's column its value comes from; -1: none */
	int blank;                  /* a column written NULL whatever the change holds; -1: none */
};

/* A table's map, or NULL: its changes written as they are. */
typedef const struct changeset_map *(*changeset_map_fn)(void *ctx, const char *table);

/* Writes changeset (n bytes) again with each table's map: a column with no value in
 * the change is NULL in an insert's or a delete's record and undefined (unchanged) in
 * an update's. *out (malloc'd, *nout bytes); 0, or -1 when changeset cannot be read. */
int changeset_remap(const void *changeset, int n, changeset_map_fn find, void *ctx, void **out, int *nout);

#endif
