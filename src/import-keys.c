/* import-keys: an import's search keys from its reading thread into resident_key
 * (see import-keys.h). */
#include "import-keys.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "keyrun.h"
#include "util.h"

#define MODULE "sz_import_keys"

struct import_keys {
	struct keyrun *kr;
	/* a bit per row read: written; and, for the fill, the bits set before each word */
	uint64_t *written;
	size_t nwords;
	uint32_t *before;
	int64_t first;
};

struct import_keys *import_keys_new(size_t budget)
{
	struct import_keys *ik = xcalloc(1, sizeof *ik);
	ik->kr = keyrun_new(budget);
	return ik;
}

void import_keys_free(struct import_keys *ik)
{
	if (!ik)
		return;
	keyrun_free(ik->kr);
	free(ik->written);
	free(ik->before);
	free(ik);
}

bool import_keys_add(struct import_keys *ik, uint32_t seq, const char *name, const char *id_number,
		     const char *phone)
{
	return keyrun_add_resident(ik->kr, seq, name, id_number, phone);
}

const char *import_keys_error(const struct import_keys *ik)
{
	return keyrun_error(ik->kr);
}

void import_keys_written(struct import_keys *ik, uint32_t seq)
{
	size_t w = seq / 64;
	if (w >= ik->nwords) {
		size_t n = ik->nwords ? ik->nwords : 1024;
		while (n <= w)
			n *= 2;
		ik->written = xrealloc(ik->written, n * sizeof *ik->written);
		memset(ik->written + ik->nwords, 0, (n - ik->nwords) * sizeof *ik->written);
		ik->nwords = n;
	}
	ik->written[w] |= (uint64_t)1 << (seq % 64);
}

/* Counts the rows written before each word of the bitmap: a seq's id in O(1). */
static void count_before(struct import_keys *ik)
{
	ik->before = xmalloc((ik->nwords ? ik->nwords : 1) * sizeof *ik->before);
	uint32_t n = 0;
	for (size_t w = 0; w < ik->nwords; w++) {
		ik->before[w] = n;
		n += (uint32_t)__builtin_popcountll(ik->written[w]);
	}
}

/* The id of row seq, 0 when it was not written. */
static int64_t id_of(const struct import_keys *ik, uint32_t seq)
{
	size_t w = seq / 64;
	uint64_t bit = (uint64_t)1 << (seq % 64);
	if (w >= ik->nwords || !(ik->written[w] & bit))
		return 0;
	return ik->first + 1 + ik->before[w] + __builtin_popcountll(ik->written[w] & (bit - 1));
}

/* ---- sz_import_keys: the merge as a table, (key, resident_id) in key order ----
 *
 * One INSERT ... SELECT from it runs in SQLite's own loop with resident_key's cursor
 * kept open, so each key goes in where the last one went: a prepared INSERT stepped
 * six million times would open that cursor and seek from the root for every key. */

struct keys_table {
	sqlite3_vtab base;
	struct import_keys *ik;
};

struct keys_cursor {
	sqlite3_vtab_cursor base;
	struct import_keys *ik;
	const char *key;
	size_t len;
	int64_t id;
	bool eof;
};

static int keys_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **out,
			char **err)
{
	int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(key TEXT, resident_id INTEGER)");
	if (rc != SQLITE_OK)
		return rc;
	struct keys_table *t = sqlite3_malloc(sizeof *t);
	if (!t)
		return SQLITE_NOMEM;
	memset(t, 0, sizeof *t);
	t->ik = aux;
	*out = &t->base;
	return SQLITE_OK;
}

static int keys_disconnect(sqlite3_vtab *vt)
{
	sqlite3_free(vt);
	return SQLITE_OK;
}

static int keys_best_index(sqlite3_vtab *vt, sqlite3_index_info *info)
{
	info->estimatedCost = 1e7;
	info->estimatedRows = 10000000;
	return SQLITE_OK;
}

static int keys_open(sqlite3_vtab *vt, sqlite3_vtab_cursor **out)
{
	struct keys_cursor *c = sqlite3_malloc(sizeof *c);
	if (!c)
		return SQLITE_NOMEM;
	memset(c, 0, sizeof *c);
	c->ik = ((struct keys_table *)vt)->ik;
	*out = &c->base;
	return SQLITE_OK;
}

static int keys_close(sqlite3_vtab_cursor *cur)
{
	sqlite3_free(cur);
	return SQLITE_OK;
}

/* The next key of a written row; the merge's error as the statement's. */
static int keys_next(sqlite3_vtab_cursor *cur)
{
	struct keys_cursor *c = (struct keys_cursor *)cur;
	uint32_t seq;
	int rc;
	while ((rc = keyrun_next(c->ik->kr, &c->key, &c->len, &seq)) == 1)
		if ((c->id = id_of(c->ik, seq)) != 0)
			return SQLITE_OK;
	c->eof = true;
	if (rc == 0)
		return SQLITE_OK;
	sqlite3_free(cur->pVtab->zErrMsg);
	cur->pVtab->zErrMsg = sqlite3_mprintf("%s", keyrun_error(c->ik->kr));
	return SQLITE_IOERR;
}

/* The merge is read once: a second scan would find it done. */
static int keys_filter(sqlite3_vtab_cursor *cur, int idx_num, const char *idx_str, int argc,
		       sqlite3_value **argv)
{
	return keys_next(cur);
}

static int keys_eof(sqlite3_vtab_cursor *cur)
{
	return ((struct keys_cursor *)cur)->eof;
}

/* The key points into the merge until the next row: SQLite copies it into the
 * record it inserts before it asks for that row, so no copy is made here. */
static int keys_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
	struct keys_cursor *c = (struct keys_cursor *)cur;
	if (col == 0)
		sqlite3_result_text(ctx, c->key, (int)c->len, SQLITE_STATIC);
	else
		sqlite3_result_int64(ctx, c->id);
	return SQLITE_OK;
}

static int keys_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
	*rowid = ((struct keys_cursor *)cur)->id;
	return SQLITE_OK;
}

/* Eponymous only (no xCreate): it exists for the one statement of the fill. */
static const sqlite3_module keys_module = {
	.xConnect = keys_connect,
	.xBestIndex = keys_best_index,
	.xDisconnect = keys_disconnect,
	.xOpen = keys_open,
	.xClose = keys_close,
	.xFilter = keys_filter,
	.xNext = keys_next,
	.xEof = keys_eof,
	.xColumn = keys_column,
	.xRowid = keys_rowid,
};

int import_keys_fill(struct import_keys *ik, sqlite3 *db, int64_t first, char **err)
{
	ik->first = first;
	if (!keyrun_finish(ik->kr)) {
		*err = xstrdup(keyrun_error(ik->kr));
		return -1;
	}
	count_before(ik);
	/* OR IGNORE as the fill of store_bulk_end: a resident's key made twice is one */
	sqlite3_stmt *stmt = NULL;
	int rc = sqlite3_create_module(db, MODULE, &keys_module, ik);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO resident_key(key, resident_id)"
				       " SELECT key, resident_id FROM " MODULE, -1, &stmt, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(stmt);
	if (rc != SQLITE_DONE)
		*err = xasprintf("%s: %s", _("search keys"), sqlite3_errmsg(db));
	sqlite3_finalize(stmt);
	sqlite3_create_module(db, MODULE, NULL, NULL);   /* its aux, ik, is the caller's */
	return rc == SQLITE_DONE ? 0 : -1;
}
