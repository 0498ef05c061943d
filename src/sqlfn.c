/* sqlfn: ID-number, age and search-key functions for SQL (triggers, form expressions,
 * checks). Each takes NULL to NULL, so an empty field never raises an error. */
#include "sqlfn.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "civil.h"
#include "idcard.h"
#include "pinyin.h"
#include "search-keys.h"
#include "util.h"

/* The argument as text, or NULL when it is NULL. */
static const char *arg_text(sqlite3_value *v)
{
	if (sqlite3_value_type(v) == SQLITE_NULL)
		return NULL;
	return (const char *)sqlite3_value_text(v);
}

/* ---- the one-argument functions, as plain C ----
 *
 * Each takes its argument as text (NULL for SQL's NULL) and writes its result as
 * text, the way SQL would show it; false for a NULL result. The SQL functions are
 * wrappers, and form expressions that are a bare call skip SQL (sqlfn_unary_find). */

/* The argument parsed as an ID number; false when absent or invalid. */
static bool parse_arg(const char *arg, struct idcard *card)
{
	return arg && idcard_parse(arg, card) == IDCARD_OK;
}

/* sz_id_valid(x): 1 when x is a valid ID number (after normalisation), else 0. */
static bool id_valid(const char *arg, char out[SQLFN_TEXT_MAX])
{
	struct idcard card;
	if (!arg)
		return false;
	out[0] = parse_arg(arg, &card) ? '1' : '0';
	out[1] = '\0';
	return true;
}

/* sz_id_norm(x): the normalised 18-character number, NULL when invalid. */
static bool id_norm(const char *arg, char out[SQLFN_TEXT_MAX])
{
	struct idcard card;
	if (!parse_arg(arg, &card))
		return false;
	snprintf(out, SQLFN_TEXT_MAX, "%s", card.number);
	return true;
}

/* sz_id_sex(x): '1' male, '2' female, NULL when invalid. */
static bool id_sex(const char *arg, char out[SQLFN_TEXT_MAX])
{
	struct idcard card;
	if (!parse_arg(arg, &card))
		return false;
	out[0] = card.sex == 1 ? '1' : '2';
	out[1] = '\0';
	return true;
}

/* sz_id_birth(x): YYYY-MM-DD, NULL when invalid. */
static bool id_birth(const char *arg, char out[SQLFN_TEXT_MAX])
{
	struct idcard card;
	if (!parse_arg(arg, &card))
		return false;
	memcpy(out, card.birth, sizeof card.birth);
	return true;
}

/* sz_age(date): whole years from date to today (SHANZHI_TODAY in tests). */
static bool age(const char *arg, char out[SQLFN_TEXT_MAX])
{
	char today[11];
	civil_today_text(today);
	int years = arg ? idcard_age(arg, today) : -1;
	if (years < 0)
		return false;
	/* digits by hand, not snprintf: a form's age rule runs for every imported row */
	char digits[12];
	size_t n = 0;
	do
		digits[n++] = (char)('0' + years % 10);
	while ((years /= 10) > 0);
	for (size_t i = 0; i < n; i++)
		out[i] = digits[n - 1 - i];
	out[n] = '\0';
	return true;
}

static const struct {
	const char *name;
	sqlfn_unary fn;
	bool integer;      /* SQL gives an integer, not text */
	bool pure;         /* the result depends on the argument alone */
} unary_fns[] = {
	{"sz_id_valid", id_valid, true, true},
	{"sz_id_norm", id_norm, false, true},
	{"sz_id_sex", id_sex, false, true},
	{"sz_id_birth", id_birth, false, true},
	{"sz_age", age, true, false},
};

sqlfn_unary sqlfn_unary_find(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_LEN(unary_fns); i++)
		if (sqlite3_stricmp(name, unary_fns[i].name) == 0)
			return unary_fns[i].fn;
	return NULL;
}

/* The SQL face of one of them; its entry in unary_fns is the user data. */
static void fn_unary(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const int i = (int)(intptr_t)sqlite3_user_data(ctx);
	char out[SQLFN_TEXT_MAX];
	if (!unary_fns[i].fn(arg_text(argv[0]), out))
		sqlite3_result_null(ctx);
	else if (unary_fns[i].integer)
		sqlite3_result_int64(ctx, strtoll(out, NULL, 10));
	else
		sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
}

/* sz_search_keys(name, id, phone): the JSON array of resident_key keys. */
static void fn_search_keys(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	char *json = search_keys_json(arg_text(argv[0]), arg_text(argv[1]), arg_text(argv[2]));
	sqlite3_result_text(ctx, json, -1, free);
}

/* sz_name_key(name): the BLOB a name sorts by in pinyin order (pinyin_sort_key); the
 * index resident_pinyin holds it for every resident. */
static void fn_name_key(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *name = arg_text(argv[0]);
	if (!name) {
		sqlite3_result_null(ctx);
		return;
	}
	size_t len;
	unsigned char *key = pinyin_sort_key(name, &len);
	sqlite3_result_blob64(ctx, key, len, free);
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
	for (size_t i = 0; i < ARRAY_LEN(unary_fns); i++) {
		/* innocuous: the schema's triggers and checks may call them */
		int rc = sqlite3_create_function(db, unary_fns[i].name, 1,
						 SQLITE_UTF8 | SQLITE_INNOCUOUS |
							 (unary_fns[i].pure ? SQLITE_DETERMINISTIC : 0),
						 (void *)(intptr_t)i, fn_unary, NULL, NULL);
		if (rc != SQLITE_OK)
			return rc;
	}
	int rc = sqlite3_create_function(db, "sz_search_keys", 3,
					 SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC, NULL,
					 fn_search_keys, NULL, NULL);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_create_function(db, "sz_name_key", 1,
				     SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC, NULL,
				     fn_name_key, NULL, NULL);
	if (rc != SQLITE_OK)
		return rc;
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
