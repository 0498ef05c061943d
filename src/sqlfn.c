/* sqlfn: ID-number, age and search-key functions for SQL (triggers, form expressions,
 * checks). Each takes NULL to NULL, so an empty field never raises an error. */
#include "sqlfn.h"

#include <stdlib.h>

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
	return SQLITE_OK;
}
