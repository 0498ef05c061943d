/* Tests of rowcheck: each C rule of the resident and household tables gives SQLite's
 * own verdict, value for value, on a new register's tables (stricter in one known
 * place: lenient_date): edge values by hand, every code of the shipped code lists,
 * dates of every month and day number, and random strings of the characters the
 * rules look at. Then: a table defined otherwise, or a row without a ruled column,
 * gets no rowcheck. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "civil.h"
#include "form.h"
#include "prng.h"
#include "rowcheck.h"
#include "store.h"
#include "util.h"

static char dir[] = "/tmp/shanzhi-rowcheck-XXXXXX";
static sqlite3 *db;
static struct prng rng;
static int compared;

/* The row the checks start from, which every rule accepts. */
static const char *const resident_columns[] = {"name", "sex", "birth_date", "id_number", "ethnicity", "relation",
					       "phone", "political", "education", "marital", "residence",
					       "living_status", "status_date", "tags"};
enum { N_RESIDENT = ARRAY_LEN(resident_columns) };

static void base_row(const char *v[N_RESIDENT])
{
	memset(v, 0, N_RESIDENT * sizeof *v);
	v[0] = "张三";
	v[11] = "1";
}

/* SQLite's verdict on the row: true when no CHECK refuses it (the INSERT is undone). */
static bool sqlite_accepts(const char *table, const char *const *columns, const char *const *v, size_t n)
{
	struct strbuf sql = {0};
	sb_appendf(&sql, "INSERT INTO %s (", table);
	for (size_t i = 0; i < n; i++)
		sb_appendf(&sql, "%s%s", i ? ", " : "", columns[i]);
	sb_append(&sql, strcmp(table, "resident") == 0 ? ", form_version) VALUES (" : ") VALUES (");
	for (size_t i = 0; i < n; i++)
		sb_appendf(&sql, "%s?%zu", i ? ", " : "", i + 1);
	sb_append(&sql, strcmp(table, "resident") == 0 ? ", 1)" : ")");
	sqlite3_stmt *stmt = NULL;
	CHECK(sqlite3_prepare_v2(db, sql.s, -1, &stmt, NULL) == SQLITE_OK);
	for (size_t i = 0; i < n; i++)
		if (v[i] && *v[i])   /* empty is NULL, as the import binds it */
			sqlite3_bind_text(stmt, (int)i + 1, v[i], -1, SQLITE_STATIC);
	sqlite3_exec(db, "SAVEPOINT probe", NULL, NULL, NULL);
	int rc = sqlite3_step(stmt);
	int ext = sqlite3_extended_errcode(db);
	sqlite3_finalize(stmt);
	sqlite3_exec(db, "ROLLBACK TO probe; RELEASE probe", NULL, NULL, NULL);
	sb_free(&sql);
	if (rc != SQLITE_DONE && ext != SQLITE_CONSTRAINT_CHECK)
		fprintf(stderr, "unexpected: %s\n", sqlite3_errmsg(db));
	CHECK(rc == SQLITE_DONE || ext == SQLITE_CONSTRAINT_CHECK);
	return rc == SQLITE_DONE;
}

/* A day 29 to 31 that its month lacks (2023-02-31), in a date column: SQLite 3.40's
 * date() gives it back unchanged, so its CHECK lets it by; rowcheck does not. */
static bool lenient_date(size_t col, const char *v)
{
	int y, m, d;
	bool date_column = strcmp(resident_columns[col], "birth_date") == 0 ||
			   strcmp(resident_columns[col], "status_date") == 0;
	return date_column && civil_date_digits(v, &y, &m, &d) && m >= 1 && m <= 12 && d >= 29 && d <= 31 &&
	       !civil_is_date(y, m, d);
}

/* The value in the resident column at position col of the base row: both verdicts
 * agree, or the value is printed. */
static void same_verdict(const struct rowcheck *rc, size_t col, const char *value)
{
	const char *v[N_RESIDENT];
	base_row(v);
	v[col] = value;
	bool c_ok = rowcheck_row(rc, v) == NULL;
	bool sql_ok = sqlite_accepts("resident", resident_columns, v, N_RESIDENT);
	compared++;
	if (!c_ok && sql_ok && lenient_date(col, value))
		return;
	if (c_ok != sql_ok)
		fprintf(stderr, "%s = \"%s\": rowcheck %s, SQLite %s\n", resident_columns[col], value ? value : "(null)",
			c_ok ? "accepts" : "refuses", sql_ok ? "accepts" : "refuses");
	CHECK(c_ok == sql_ok);
}

static size_t column_of(const char *name)
{
	for (size_t i = 0; i < N_RESIDENT; i++)
		if (strcmp(resident_columns[i], name) == 0)
			return i;
	return 0;
}

/* Values picked by hand at each rule's edges. */
static void test_edges(const struct rowcheck *rc)
{
	static const char *const any[] = {
		NULL, "", " ", "  ", "0", "1", "2", "3", "4", "5", "9", "00", "01", "99", "1 ", " 1", "0a", "a", "X",
		"x", "１", "１２", "张", "\xe3\x80\x80", "\x80", "\xc3", "12\x80", "1-2", "a b", "a\tb", "a,b",
		"2024-02-29", "2023-02-29", "2000-02-29", "1900-02-29", "0000-02-29", "0000-01-01", "9999-12-31",
		"2023-04-31", "2023-13-01", "2023-00-10", "2023-01-00", "2023-1-01", "2023-01-01 ", "2023/01/01",
		"20230101", "2023-01-01T00:00", "+023-01-01", "-023-01-01", "２０２３-01-01",
		"11010519491231002X", "11010519491231002x", "110105194912310021", "11010519491231002", "1101051949123100211",
		"1101051949123100X1", "11010519491231002张", "11010519491231002\x80", "１1010519491231002X",
		"13800138000", "0851-88888888", "12345678901234567890", "123456789012345678901",
		"一二三四五六七八九十一二三四五六七八九十", "一二三四五六七八九十一二三四五六七八九十一",
	};
	for (size_t col = 0; col < N_RESIDENT; col++)
		for (size_t i = 0; i < ARRAY_LEN(any); i++)
			if (!(col == 0 || col == 11) || (any[i] && *any[i]))   /* NOT NULL is not a CHECK */
				same_verdict(rc, col, any[i]);
	/* names at the 100-character edge, and of spaces only */
	struct strbuf name = {0};
	for (int i = 0; i < 101; i++) {
		sb_append(&name, i % 2 ? "张" : "a");
		if (i >= 98)
			same_verdict(rc, 0, name.s);
	}
	sb_free(&name);
	same_verdict(rc, 0, "   ");
	same_verdict(rc, 0, " 张 ");
}

/* Every code of the code lists the resident form's choices come from. */
static void test_codes(const struct rowcheck *rc, const struct form_registry *forms)
{
	const struct form_def *def = form_get(forms, "resident");
	CHECK(def != NULL);
	for (size_t f = 0; def && f < def->nfields; f++) {
		const struct field_def *fd = &def->fields[f];
		const struct codelist *cl = fd->choices ? form_codelist(forms, fd->choices) : NULL;
		size_t col = column_of(fd->name);
		if (!cl || strcmp(resident_columns[col], fd->name) != 0)
			continue;
		for (size_t i = 0; i < cl->n; i++)
			same_verdict(rc, col, cl->items[i].code);
	}
}

/* A random string of the characters the rules look at. */
static void random_text(char *out, size_t cap)
{
	static const char *const parts[] = {"0", "1", "2", "3", "4", "9", "-", "X", "x", " ", "a", "张", "１", "\x80"};
	size_t n = prng_below(&rng, 22), len = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const char *p = parts[prng_below(&rng, ARRAY_LEN(parts))];
		if (len + strlen(p) + 1 > cap)
			break;
		strcpy(out + len, p);
		len += strlen(p);
	}
}

/* Dates of every month number 0-13 and day number 0-32 in a few kinds of year; then
 * random strings, and ID numbers with a random last character, in every column. */
static void test_random(const struct rowcheck *rc)
{
	static const int years[] = {0, 4, 100, 1900, 1999, 2000, 2023, 2024, 2100, 9999};
	char buf[128];
	for (size_t y = 0; y < ARRAY_LEN(years); y++)
		for (int m = 0; m <= 13; m++)
			for (int d = 0; d <= 32; d++) {
				snprintf(buf, sizeof buf, "%04d-%02d-%02d", years[y], m, d);
				same_verdict(rc, column_of("birth_date"), buf);
			}
	for (int i = 0; i < 3000; i++) {
		random_text(buf, sizeof buf);
		size_t col = prng_below(&rng, N_RESIDENT);
		if (buf[0] || !(col == 0 || col == 11))
			same_verdict(rc, col, buf);
	}
	static const char last[] = "0123456789Xxa ";
	for (int i = 0; i < 200; i++) {
		for (int k = 0; k < 17; k++)
			buf[k] = (char)('0' + prng_below(&rng, 10));
		buf[17] = last[prng_below(&rng, sizeof last - 1)];
		buf[18] = '\0';
		if (i % 10 == 0)
			buf[prng_below(&rng, 17)] = 'X';
		same_verdict(rc, column_of("id_number"), buf);
	}
}

/* The table constraint: living status other than 1 needs a status date. */
static void test_status_pairs(const struct rowcheck *rc)
{
	static const char *const status[] = {"1", "2", "3", "4"};
	static const char *const dates[] = {NULL, "", "2024-01-31"};
	for (size_t s = 0; s < ARRAY_LEN(status); s++)
		for (size_t d = 0; d < ARRAY_LEN(dates); d++) {
			const char *v[N_RESIDENT];
			base_row(v);
			v[11] = status[s];
			v[12] = dates[d];
			bool c_ok = rowcheck_row(rc, v) == NULL;
			CHECK(c_ok == sqlite_accepts("resident", resident_columns, v, N_RESIDENT));
			CHECK(c_ok || strcmp(rowcheck_row(rc, v), "status_date") == 0);
		}
}

/* The household number: 1 to 32 characters. */
static void test_household(void)
{
	static const char *const columns[] = {"hh_no", "address"};
	struct rowcheck *rc = rowcheck_new(db, "household", columns, ARRAY_LEN(columns));
	CHECK(rc != NULL);
	if (!rc)
		return;
	/* 32 and 33 characters, ASCII and Chinese */
	static const char *const numbers[] = {
		"1", " ", "H0001", "12345678901234567890123456789012", "123456789012345678901234567890123",
		"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二",
		"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三"};
	for (size_t i = 0; i < ARRAY_LEN(numbers); i++) {
		const char *v[] = {numbers[i], "三组"};
		bool c_ok = rowcheck_row(rc, v) == NULL;
		CHECK(c_ok == sqlite_accepts("household", columns, v, ARRAY_LEN(columns)));
	}
	rowcheck_free(rc);
}

/* No rowcheck for a table the rules were not written for, a table defined
 * otherwise, or rows without a ruled column. */
static void test_refusals(void)
{
	static const char *const short_row[] = {"name", "sex"};
	CHECK(rowcheck_new(db, "resident", short_row, ARRAY_LEN(short_row)) == NULL);
	CHECK(rowcheck_new(db, "operator", short_row, ARRAY_LEN(short_row)) == NULL);
	CHECK(rowcheck_new(db, "no_such_table", short_row, ARRAY_LEN(short_row)) == NULL);
	sqlite3 *other = NULL;
	CHECK(sqlite3_open(":memory:", &other) == SQLITE_OK);
	sqlite3_exec(other, "CREATE TABLE resident (id INTEGER PRIMARY KEY, name TEXT CHECK (length(name) < 5), sex TEXT,"
			    " birth_date TEXT, id_number TEXT, ethnicity TEXT, relation TEXT, phone TEXT, political TEXT,"
			    " education TEXT, marital TEXT, residence TEXT, living_status TEXT, status_date TEXT, tags TEXT)",
		     NULL, NULL, NULL);
	CHECK(rowcheck_new(other, "resident", resident_columns, N_RESIDENT) == NULL);
	char digest[65];
	rowcheck_table_digest(other, "household", digest);
	CHECK_STR(digest, "");
	sqlite3_close(other);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	prng_seed(&rng, 20261206);
	char *ferr = NULL;
	struct form_registry *forms =
		form_registry_load(getenv("SHANZHI_FORMS") ? getenv("SHANZHI_FORMS") : "forms", NULL, &ferr);
	if (ferr && *ferr)
		fprintf(stderr, "forms: %s\n", ferr);
	free(ferr);
	char *path = xasprintf("%s/register.db", dir), *err = NULL;
	struct store *st = store_open(path, &err);
	if (!st) {
		fprintf(stderr, "store: %s\n", err ? err : "?");
		return 1;
	}
	db = store_db(st);
	struct rowcheck *rc = rowcheck_new(db, "resident", resident_columns, N_RESIDENT);
	if (!rc) {
		char digest[65];
		rowcheck_table_digest(db, "resident", digest);
		fprintf(stderr, "the resident table is not the one rowcheck.c's rules are written for (its digest is"
				" %s): make the rules say what the table's CHECKs say, then put that digest there\n",
			digest);
	}
	CHECK(rc != NULL);
	if (rc) {
		test_edges(rc);
		test_codes(rc, forms);
		test_random(rc);
		test_status_pairs(rc);
		rowcheck_free(rc);
	}
	test_household();
	test_refusals();
	printf("%d values compared with SQLite's verdict\n", compared);
	store_close(st);
	form_registry_free(forms);
	check_unlink_register(path);
	rmdir(dir);
	free(path);
	return check_finish();
}
