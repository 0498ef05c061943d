/* rowcheck: the resident and household tables' CHECK constraints in C (see
 * rowcheck.h). Each rule below says what schema.c's CHECK says, in SQLite's terms:
 * length() counts characters as SQLite does, trim() takes off spaces only, GLOB
 * compares characters. */
#include "rowcheck.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "sha256.h"
#include "util.h"

/* A value's length as SQLite's length() counts it: a lead byte and the continuation
 * bytes after it are one character; a stray continuation byte is one of its own. */
static size_t sql_length(const char *v)
{
	size_t n = 0;
	const unsigned char *z = (const unsigned char *)v;
	while (*z) {
		if (*z++ >= 0xc0)
			while ((*z & 0xc0) == 0x80)
				z++;
		n++;
	}
	return n;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* GLOB '[set]' on a value of one character from set (ASCII). */
static bool one_of(const char *v, const char *set)
{
	return v[0] && !v[1] && strchr(set, v[0]);
}

/* length(trim(name)) > 0 AND length(name) <= 100 */
static bool name_ok(const char *v)
{
	return strspn(v, " ") < strlen(v) && sql_length(v) <= 100;
}

/* sex GLOB '[0129]' */
static bool sex_ok(const char *v)
{
	return one_of(v, "0129");
}

/* GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND date(v) IS v, kept to dates
 * that exist: SQLite 3.40's date() gives back day 29 to 31 of any month unchanged
 * (2023-02-31), and another version may not, so the rule is the stricter one */
static bool date_ok(const char *v)
{
	int y, m, d;
	return civil_parse_date(v, &y, &m, &d);
}

/* length(id) = 18 AND substr(id, 1, 17) NOT GLOB '*[^0-9]*' AND substr(id, 18) GLOB
 * '[0-9X]': eighteen ASCII characters, so bytes and characters agree */
static bool id_number_ok(const char *v)
{
	if (strlen(v) != 18)
		return false;
	for (int i = 0; i < 17; i++)
		if (!is_digit(v[i]))
			return false;
	return is_digit(v[17]) || v[17] == 'X';
}

/* GLOB '[0-9][0-9]' */
static bool code2_ok(const char *v)
{
	return is_digit(v[0]) && is_digit(v[1]) && !v[2];
}

/* length(phone) <= 20 */
static bool phone_ok(const char *v)
{
	return sql_length(v) <= 20;
}

/* residence GLOB '[123]' */
static bool residence_ok(const char *v)
{
	return one_of(v, "123");
}

/* living_status GLOB '[1234]' */
static bool living_status_ok(const char *v)
{
	return one_of(v, "1234");
}

/* tags NOT GLOB '*[ ]*' */
static bool tags_ok(const char *v)
{
	return !strchr(v, ' ');
}

/* length(hh_no) BETWEEN 1 AND 32 */
static bool hh_no_ok(const char *v)
{
	size_t n = sql_length(v);
	return n >= 1 && n <= 32;
}

struct column_rule {
	const char *column;
	bool (*ok)(const char *v);   /* of a value not NULL: every CHECK passes NULL */
};

static const struct column_rule resident_rules[] = {
	{"name", name_ok},           {"sex", sex_ok},
	{"birth_date", date_ok},     {"id_number", id_number_ok},
	{"ethnicity", code2_ok},     {"relation", code2_ok},
	{"phone", phone_ok},         {"political", code2_ok},
	{"education", code2_ok},     {"marital", code2_ok},
	{"residence", residence_ok}, {"living_status", living_status_ok},
	{"status_date", date_ok},    {"tags", tags_ok},
};

static const struct column_rule household_rules[] = {
	{"hh_no", hh_no_ok},
};

/* resident's table constraint CHECK (living_status = '1' OR status_date IS NOT
 * NULL), on the values of its two columns; NULL living_status leaves it NULL, which
 * passes */
static bool resident_row_ok(const char *const *v)
{
	return !v[0] || strcmp(v[0], "1") == 0 || v[1];
}

static const char *const resident_row_columns[] = {"living_status", "status_date"};

struct table_rules {
	const char *table;
	const char *digest;    /* of the CREATE TABLE text these rules are written for */
	const struct column_rule *rules;
	size_t nrules;
	bool (*row_ok)(const char *const *v);   /* the table constraints, or NULL */
	const char *const *row_columns;         /* their columns; the last one is blamed */
	size_t nrow_columns;
};

static const struct table_rules tables[] = {
	{"resident", "1f87d5ba02b115599a8c9211ae73a837b4dacb923ec8aba5d9f868083109c845", resident_rules,
	 ARRAY_LEN(resident_rules), resident_row_ok, resident_row_columns, ARRAY_LEN(resident_row_columns)},
	{"household", "e882324964edf3e95729808e1c4a496d86c91e84bfaa8b1e34abe34694d0e1f3", household_rules,
	 ARRAY_LEN(household_rules), NULL, NULL, 0},
};

#define ROW_COLUMNS_MAX 4

struct rowcheck {
	const struct table_rules *t;
	size_t *at;                       /* each rule's column among the row's values */
	size_t row_at[ROW_COLUMNS_MAX];   /* the table constraints' columns */
};

void rowcheck_table_digest(sqlite3 *db, const char *table, char out[65])
{
	sqlite3_stmt *stmt = NULL;
	out[0] = '\0';
	if (sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1", -1, &stmt,
			       NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
		sha256_hex(sqlite3_column_text(stmt, 0), (size_t)sqlite3_column_bytes(stmt, 0), out);
	sqlite3_finalize(stmt);
}

/* The position of column among columns, or n. */
static size_t column_at(const char *const *columns, size_t n, const char *column)
{
	size_t i = 0;
	while (i < n && strcmp(columns[i], column) != 0)
		i++;
	return i;
}

struct rowcheck *rowcheck_new(sqlite3 *db, const char *table, const char *const *columns, size_t n)
{
	const struct table_rules *t = NULL;
	for (size_t i = 0; i < ARRAY_LEN(tables) && !t; i++)
		if (strcmp(tables[i].table, table) == 0)
			t = &tables[i];
	char digest[65];
	if (t)
		rowcheck_table_digest(db, table, digest);
	if (!t || strcmp(digest, t->digest) != 0)
		return NULL;
	struct rowcheck *rc = xcalloc(1, sizeof *rc);
	rc->t = t;
	rc->at = xcalloc(t->nrules, sizeof *rc->at);
	bool all = true;
	for (size_t i = 0; i < t->nrules; i++)
		all &= (rc->at[i] = column_at(columns, n, t->rules[i].column)) < n;
	for (size_t i = 0; i < t->nrow_columns; i++)
		all &= (rc->row_at[i] = column_at(columns, n, t->row_columns[i])) < n;
	if (!all) {
		rowcheck_free(rc);
		return NULL;
	}
	return rc;
}

/* A value as SQL sees it: an empty one is bound as NULL. */
static const char *sql_value(const char *v)
{
	return v && *v ? v : NULL;
}

const char *rowcheck_row(const struct rowcheck *rc, const char *const *values)
{
	const struct table_rules *t = rc->t;
	for (size_t i = 0; i < t->nrules; i++) {
		const char *v = sql_value(values[rc->at[i]]);
		if (v && !t->rules[i].ok(v))
			return t->rules[i].column;
	}
	if (!t->row_ok)
		return NULL;
	const char *v[ROW_COLUMNS_MAX];
	for (size_t i = 0; i < t->nrow_columns; i++)
		v[i] = sql_value(values[rc->row_at[i]]);
	return t->row_ok(v) ? NULL : t->row_columns[t->nrow_columns - 1];
}

void rowcheck_free(struct rowcheck *rc)
{
	if (!rc)
		return;
	free(rc->at);
	free(rc);
}
