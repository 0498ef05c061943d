/* import-keys: an import's search keys from its keys thread into resident_key
 * (see import-keys.h). */
#include "import-keys.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "keyrun.h"
#include "util.h"

#define MODULE "sz_import_keys"
#define BLOCK_BYTES 65536   /* the merge hands its pairs over this many bytes at a time */
#define BLOCKS 3            /* one being filled, one being read, one ready */

/* Pairs of the merge for the fill, packed: each a struct block_pair, then its key. */
struct block {
	size_t used, at;
	int end;                /* after these pairs: 0 the merge goes on, 1 done, -1 failed */
	unsigned char data[BLOCK_BYTES];
};

struct block_pair {
	int64_t id;
	uint32_t len;
};

/* The merge runs on a thread of its own while the fill inserts: blocks go round
 * between the two, full ones to the fill, read ones back. */
struct handover {
	pthread_mutex_t mu;
	pthread_cond_t changed;
	struct block *full[BLOCKS], *empty[BLOCKS];
	size_t nfull, nempty, full_at;
	bool stop;              /* the fill gave up: the merge stops */
	struct block *reading;  /* the fill's, until it is read */
};

struct import_keys {
	struct keyrun *kr;
	struct handover *ho;
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

/* The next block the merge filled; the one read so far goes back to it. */
static struct block *next_block(struct handover *ho)
{
	pthread_mutex_lock(&ho->mu);
	if (ho->reading)
		ho->empty[ho->nempty++] = ho->reading;
	ho->reading = NULL;
	pthread_cond_broadcast(&ho->changed);
	while (ho->nfull == 0)
		pthread_cond_wait(&ho->changed, &ho->mu);
	struct block *b = ho->full[ho->full_at];
	ho->full_at = (ho->full_at + 1) % BLOCKS;
	ho->nfull--;
	ho->reading = b;
	pthread_mutex_unlock(&ho->mu);
	return b;
}

/* The next key of a written row; the merge's error as the statement's. The block of
 * the key before may go back to the merge: SQLite has copied that key by now. */
static int keys_next(sqlite3_vtab_cursor *cur)
{
	struct keys_cursor *c = (struct keys_cursor *)cur;
	struct handover *ho = c->ik->ho;
	struct block *b = ho->reading;
	while (!b || (b->at == b->used && b->end == 0))
		b = next_block(ho);
	if (b->at < b->used) {
		struct block_pair pair;
		memcpy(&pair, b->data + b->at, sizeof pair);
		c->id = pair.id;
		c->len = pair.len;
		c->key = (const char *)b->data + b->at + sizeof pair;
		b->at += sizeof pair + pair.len;
		return SQLITE_OK;
	}
	c->eof = true;
	if (b->end > 0)
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

/* An empty block for the merge, NULL when the fill gave up. */
static struct block *empty_block(struct handover *ho)
{
	pthread_mutex_lock(&ho->mu);
	while (ho->nempty == 0 && !ho->stop)
		pthread_cond_wait(&ho->changed, &ho->mu);
	struct block *b = ho->stop ? NULL : ho->empty[--ho->nempty];
	pthread_mutex_unlock(&ho->mu);
	return b;
}

/* Hands a filled block to the fill. */
static void hand_over(struct handover *ho, struct block *b)
{
	pthread_mutex_lock(&ho->mu);
	ho->full[(ho->full_at + ho->nfull) % BLOCKS] = b;
	ho->nfull++;
	pthread_cond_broadcast(&ho->changed);
	pthread_mutex_unlock(&ho->mu);
}

/* Fills b with the merge's next pairs of written rows, up to a key that does not fit
 * (kept in *pending for the next block); b->end says whether the merge is over. */
static void fill_block(struct import_keys *ik, struct block *b, bool *pending, const char **key, size_t *len,
		       uint32_t *seq)
{
	b->used = b->at = 0;
	b->end = 0;
	for (;;) {
		if (!*pending) {
			int rc = keyrun_next(ik->kr, key, len, seq);
			if (rc != 1) {
				b->end = rc == 0 ? 1 : -1;
				return;
			}
		}
		*pending = false;
		int64_t id = id_of(ik, *seq);
		if (!id)
			continue;
		struct block_pair pair = {.id = id, .len = (uint32_t)*len};
		if (b->used + sizeof pair + *len > BLOCK_BYTES) {
			*pending = true;   /* a key is far shorter than a block: the next one takes it */
			return;
		}
		memcpy(b->data + b->used, &pair, sizeof pair);
		memcpy(b->data + b->used + sizeof pair, *key, *len);
		b->used += sizeof pair + *len;
	}
}

/* The merge's thread: it fills blocks until the merge is over or the fill stops. A
 * key held over to the next block stays valid: keyrun_next is not called meanwhile. */
static void *merge_main(void *arg)
{
	pthread_setname_np(pthread_self(), "shanzhi-merge");
	struct import_keys *ik = arg;
	const char *key = NULL;
	size_t len = 0;
	uint32_t seq = 0;
	bool pending = false;
	struct block *b;
	while ((b = empty_block(ik->ho))) {
		fill_block(ik, b, &pending, &key, &len, &seq);
		int end = b->end;
		hand_over(ik->ho, b);
		if (end != 0)
			break;
	}
	return NULL;
}

static struct handover *handover_new(void)
{
	struct handover *ho = xcalloc(1, sizeof *ho);
	pthread_mutex_init(&ho->mu, NULL);
	pthread_cond_init(&ho->changed, NULL);
	for (size_t i = 0; i < BLOCKS; i++)
		ho->empty[ho->nempty++] = xmalloc(sizeof(struct block));
	return ho;
}

/* Frees the blocks wherever they are, once the merge's thread has ended. */
static void handover_free(struct handover *ho)
{
	for (size_t i = 0; i < ho->nempty; i++)
		free(ho->empty[i]);
	for (size_t i = 0; i < ho->nfull; i++)
		free(ho->full[(ho->full_at + i) % BLOCKS]);
	free(ho->reading);
	pthread_cond_destroy(&ho->changed);
	pthread_mutex_destroy(&ho->mu);
	free(ho);
}

bool import_keys_finish(struct import_keys *ik)
{
	return keyrun_finish(ik->kr);
}

/* The INSERT of the merge's pairs, from the table the merge's thread feeds. */
static int insert_keys(sqlite3 *db, struct import_keys *ik, char **err)
{
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

int import_keys_fill(struct import_keys *ik, sqlite3 *db, int64_t first, char **err)
{
	ik->first = first;
	if (!keyrun_finish(ik->kr)) {
		*err = xstrdup(keyrun_error(ik->kr));
		return -1;
	}
	count_before(ik);
	ik->ho = handover_new();
	pthread_t merger;
	int started = pthread_create(&merger, NULL, merge_main, ik);
	if (started != 0) {
		handover_free(ik->ho);
		ik->ho = NULL;
		*err = xasprintf("%s: %s", _("search keys"), strerror(started));
		return -1;
	}
	int rc = insert_keys(db, ik, err);
	pthread_mutex_lock(&ik->ho->mu);
	ik->ho->stop = true;   /* when the INSERT failed half-way, the merge waits for a block */
	pthread_cond_broadcast(&ik->ho->changed);
	pthread_mutex_unlock(&ik->ho->mu);
	pthread_join(merger, NULL);
	handover_free(ik->ho);
	ik->ho = NULL;
	return rc;
}
