/* sqlfn: ID-number, age and search-key functions for SQL (triggers, form expressions,
 * checks). Each takes NULL to NULL, so an empty field never raises an error. */
#include "sqlfn.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "civil.h"
#include "idcard.h"
#include "search.h"
#include "store.h"
#include "util.h"

/* The argument as text, or NULL when it is NULL. */
static const char *arg_text(sqlite3_value *v)
{
	if (sqlite3_value_type(v) == SQLITE_NULL)
		return NULL;
	return (const char *)sqlite3_value_text(v);
}

/* Parses the argument as an ID number; false when absent or invalid. */
static int arg_idcard(sqlite3_value *v, struct idcard *out)
{
	const char *s = arg_text(v);
	return s && idcard_parse(s, out) == IDCARD_OK;
}

/* sz_id_valid(x): 1 when x is a valid ID number (after normalisation), else 0. */
static void fn_id_valid(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct idcard card;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	sqlite3_result_int(ctx, arg_idcard(argv[0], &card));
}

/* sz_id_norm(x): the normalised 18-character number, NULL when invalid. */
static void fn_id_norm(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct idcard card;
	if (arg_idcard(argv[0], &card))
		sqlite3_result_text(ctx, card.number, -1, SQLITE_TRANSIENT);
	else
		sqlite3_result_null(ctx);
}

/* sz_id_sex(x): '1' male, '2' female, NULL when invalid. */
static void fn_id_sex(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct idcard card;
	if (arg_idcard(argv[0], &card))
		sqlite3_result_text(ctx, card.sex == 1 ? "1" : "2", 1, SQLITE_STATIC);
	else
		sqlite3_result_null(ctx);
}

/* sz_id_birth(x): YYYY-MM-DD, NULL when invalid. */
static void fn_id_birth(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct idcard card;
	if (arg_idcard(argv[0], &card))
		sqlite3_result_text(ctx, card.birth, -1, SQLITE_TRANSIENT);
	else
		sqlite3_result_null(ctx);
}

/* sz_age(date): whole years from date to today (SHANZHI_TODAY in tests). */
static void fn_age(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *birth = arg_text(argv[0]);
	char today[11];
	store_today(today);
	int age = birth ? idcard_age(birth, today) : -1;
	if (age < 0)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_int(ctx, age);
}

/* sz_search_keys(name, id, phone): the JSON array of resident_key keys. */
static void fn_search_keys(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	char *json = search_keys_json(arg_text(argv[0]), arg_text(argv[1]), arg_text(argv[2]));
	sqlite3_result_text(ctx, json, -1, free);
}

/* ---- sz_search_key_rows(name, id_number, phone): the keys as rows ----
 *
 * The same keys as sz_search_keys(), one row each, for the bulk fill: a million
 * residents' keys without building and parsing a million JSON arrays. */

enum { KEYS_COL_KEY, KEYS_COL_NAME, KEYS_COL_ID, KEYS_COL_PHONE };

struct keys_cursor {
	sqlite3_vtab_cursor base;
	struct search_keys keys;
	size_t at;
};

static int keys_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
			sqlite3_vtab **out, char **err)
{
	int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(key TEXT, name HIDDEN, id_number HIDDEN, phone HIDDEN)");
	if (rc != SQLITE_OK)
		return rc;
	*out = sqlite3_malloc(sizeof **out);
	if (!*out)
		return SQLITE_NOMEM;
	memset(*out, 0, sizeof **out);
	sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);
	return SQLITE_OK;
}

static int keys_disconnect(sqlite3_vtab *vt)
{
	sqlite3_free(vt);
	return SQLITE_OK;
}

/* The three arguments are equality constraints on the hidden columns, passed to
 * xFilter in column order (idxNum has a bit for each one given). */
static int keys_best_index(sqlite3_vtab *vt, sqlite3_index_info *info)
{
	int argv_of[3] = {-1, -1, -1};
	for (int i = 0; i < info->nConstraint; i++) {
		const struct sqlite3_index_constraint *c = &info->aConstraint[i];
		if (c->iColumn < KEYS_COL_NAME || c->op != SQLITE_INDEX_CONSTRAINT_EQ)
			continue;
		if (!c->usable)
			return SQLITE_CONSTRAINT;
		argv_of[c->iColumn - KEYS_COL_NAME] = i;
	}
	int n = 0;
	info->idxNum = 0;
	for (int k = 0; k < 3; k++)
		if (argv_of[k] >= 0) {
			info->aConstraintUsage[argv_of[k]].argvIndex = ++n;
			info->aConstraintUsage[argv_of[k]].omit = 1;
			info->idxNum |= 1 << k;
		}
	info->estimatedCost = 10;
	info->estimatedRows = 8;
	return SQLITE_OK;
}

static int keys_open(sqlite3_vtab *vt, sqlite3_vtab_cursor **out)
{
	struct keys_cursor *c = sqlite3_malloc(sizeof *c);
	if (!c)
		return SQLITE_NOMEM;
	memset(c, 0, sizeof *c);
	*out = &c->base;
	return SQLITE_OK;
}

static int keys_close(sqlite3_vtab_cursor *cur)
{
	struct keys_cursor *c = (struct keys_cursor *)cur;
	search_keys_free(&c->keys);
	sqlite3_free(c);
	return SQLITE_OK;
}

static int keys_filter(sqlite3_vtab_cursor *cur, int idx_num, const char *idx_str, int argc,
		       sqlite3_value **argv)
{
	struct keys_cursor *c = (struct keys_cursor *)cur;
	const char *arg[3] = {NULL, NULL, NULL};
	for (int k = 0, i = 0; k < 3; k++)
		if (idx_num & (1 << k))
			arg[k] = arg_text(argv[i++]);
	search_keys_free(&c->keys);
	search_keys_make(arg[0], arg[1], arg[2], &c->keys);
	c->at = 0;
	return SQLITE_OK;
}

static int keys_next(sqlite3_vtab_cursor *cur)
{
	((struct keys_cursor *)cur)->at++;
	return SQLITE_OK;
}

static int keys_eof(sqlite3_vtab_cursor *cur)
{
	struct keys_cursor *c = (struct keys_cursor *)cur;
	return c->at >= c->keys.n;
}

static int keys_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
	struct keys_cursor *c = (struct keys_cursor *)cur;
	if (col == KEYS_COL_KEY)
		sqlite3_result_text(ctx, c->keys.keys[c->at], -1, SQLITE_TRANSIENT);
	return SQLITE_OK;
}

static int keys_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
	*rowid = (sqlite3_int64)((struct keys_cursor *)cur)->at;
	return SQLITE_OK;
}

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

int sqlfn_register(sqlite3 *db)
{
	static const struct {
		const char *name;
		int nargs;
		int flags;
		void (*fn)(sqlite3_context *, int, sqlite3_value **);
	} fns[] = {
		{"sz_id_valid", 1, SQLITE_DETERMINISTIC, fn_id_valid},
		{"sz_id_norm", 1, SQLITE_DETERMINISTIC, fn_id_norm},
		{"sz_id_sex", 1, SQLITE_DETERMINISTIC, fn_id_sex},
		{"sz_id_birth", 1, SQLITE_DETERMINISTIC, fn_id_birth},
		{"sz_age", 1, 0, fn_age},
		{"sz_search_keys", 3, SQLITE_DETERMINISTIC, fn_search_keys},
	};
	for (size_t i = 0; i < ARRAY_LEN(fns); i++) {
		/* innocuous: the schema's triggers may call them */
		int rc = sqlite3_create_function(db, fns[i].name, fns[i].nargs,
						 SQLITE_UTF8 | SQLITE_INNOCUOUS | fns[i].flags,
						 NULL, fns[i].fn, NULL, NULL);
		if (rc != SQLITE_OK)
			return rc;
	}
	/* eponymous only: no xCreate, so it cannot be made a table of the schema */
	return sqlite3_create_module(db, "sz_search_key_rows", &keys_module, NULL);
}

/* ---- SQL's clock ---- */

static sqlite3_vfs clock_vfs;      /* the default VFS with its clock replaced */
static sqlite3_vfs *clock_base;    /* the default VFS it wraps */
static struct timespec clock_started;

/* Milliseconds since the Julian epoch, as SQLite counts time: noon of SHANZHI_TODAY
 * in the local time zone (so that date('now', 'localtime') is that day anywhere)
 * plus the time since the first look, so that timestamps still advance; otherwise
 * the real clock. */
static int clock_now_ms(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	(void)vfs;
	struct tm tm = { .tm_hour = 12, .tm_isdst = -1 };
	if (!civil_fixed_today(&tm.tm_year, &tm.tm_mon, &tm.tm_mday))
		return clock_base->xCurrentTimeInt64 ? clock_base->xCurrentTimeInt64(clock_base, out)
						     : SQLITE_ERROR;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t noon = mktime(&tm);
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	sqlite3_int64 since = (sqlite3_int64)(t.tv_sec - clock_started.tv_sec) * 1000 +
			      (t.tv_nsec - clock_started.tv_nsec) / 1000000;
	const sqlite3_int64 unix_epoch_ms = INT64_C(210866760000000);   /* 1970-01-01 as a Julian day, in ms */
	*out = unix_epoch_ms + (sqlite3_int64)noon * 1000 + since;
	return SQLITE_OK;
}

static int clock_now_days(sqlite3_vfs *vfs, double *out)
{
	sqlite3_int64 ms = 0;
	int rc = clock_now_ms(vfs, &ms);
	*out = (double)ms / 86400000.0;
	return rc;
}

void sqlfn_clock_install(void)
{
	if (clock_base)
		return;
	clock_base = sqlite3_vfs_find(NULL);
	if (!clock_base || clock_base->iVersion < 2)
		return;   /* every VFS of SQLite 3.7 and later is version 2 or more */
	clock_gettime(CLOCK_MONOTONIC, &clock_started);
	clock_vfs = *clock_base;
	clock_vfs.zName = "shanzhi-clock";
	clock_vfs.xCurrentTime = clock_now_days;
	clock_vfs.xCurrentTimeInt64 = clock_now_ms;
	sqlite3_vfs_register(&clock_vfs, 1);
}
