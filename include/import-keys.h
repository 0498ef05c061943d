/* import-keys: an import's search keys, made by a thread of their own from the rows
 * the writing thread is done with (sorted in runs, keyrun.h) and put into
 * resident_key at the end of the load in key order, for the rows the writing
 * thread wrote.
 *
 * The reading thread numbers the rows it reads (seq, from 0); the keys thread adds
 * the keys of each row the reader's checks accept, from the values the row will be
 * stored with; the writing thread marks each row it writes. Rows are written in the
 * order they are read and take consecutive ids from first + 1 (import.c,
 * sync_bulk_span), so a
 * written row's id is first + 1 + the number of rows written before it, and ids grow
 * with seq: (key, seq) order is (key, resident_id) order, resident_key's own. A row
 * the writer refuses after the reader accepted it (its ID number already in the
 * register, a CHECK) is not marked, and its keys are left out. */
#ifndef SZ_IMPORT_KEYS_H
#define SZ_IMPORT_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

struct import_keys;

/* budget: the keys thread's buffer of keys (keyrun_new). */
struct import_keys *import_keys_new(size_t budget);
/* Accepts NULL. */
void import_keys_free(struct import_keys *ik);
/* Keys thread: the keys of row seq (any argument NULL). false when they could not
 * be kept: import_keys_error says why. */
bool import_keys_add(struct import_keys *ik, uint32_t seq, const char *name, const char *id_number,
		     const char *phone);
const char *import_keys_error(const struct import_keys *ik);
/* Writing thread: row seq is in the register. */
void import_keys_written(struct import_keys *ik, uint32_t seq);
/* Keys thread, once every row is keyed: sorts what is left and starts the merge,
 * work the writing thread then need not do (import_keys_fill does it otherwise).
 * false on an error (import_keys_error). */
bool import_keys_finish(struct import_keys *ik);
/* Once both threads are done: inserts the written rows' keys into db's resident_key
 * in key order, their ids from first + 1; the merge runs on a thread of its own
 * meanwhile. -1 with *err. */
int import_keys_fill(struct import_keys *ik, sqlite3 *db, int64_t first, char **err);

#endif
