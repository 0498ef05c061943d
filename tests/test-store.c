/* Tests of the store: migrations, file mode, the audited write path, transactions,
 * SQL functions and the integrity check, on a temporary database file. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "civil.h"
#include "schema.h"
#include "store.h"
#include "util.h"

static char dir[] = "/tmp/sz-test-store-XXXXXX";

/* A fresh database path inside the test's folder. */
static char *db_path(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

/* One text value from a query with up to one integer parameter; "(null)" for NULL. */
static char *query_text(struct store *st, const char *sql, long long arg)
{
	sqlite3_stmt *stmt = NULL;
	char *v = NULL;
	if (sqlite3_prepare_v2(store_db(st), sql, -1, &stmt, NULL) != SQLITE_OK) {
		fprintf(stderr, "prepare failed: %s: %s\n", sql, sqlite3_errmsg(store_db(st)));
		return xstrdup("(error)");
	}
	if (sqlite3_bind_parameter_count(stmt) > 0)
		sqlite3_bind_int64(stmt, 1, arg);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = xstrdup(sqlite3_column_type(stmt, 0) == SQLITE_NULL ? "(null)"
			    : (const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	return v ? v : xstrdup("(no row)");
}

static long long query_int(struct store *st, const char *sql, long long arg)
{
	char *s = query_text(st, sql, arg);
	long long v = atoll(s);
	free(s);
	return v;
}

#define CHECK_QUERY(st, sql, arg, want)                                            \
	do {                                                                       \
		char *got_ = query_text(st, sql, arg);                             \
		CHECK_STR(got_, want);                                             \
		free(got_);                                                        \
	} while (0)

static long long audit_count(struct store *st)
{
	return query_int(st, "SELECT count(*) FROM audit", 0);
}

static int64_t add_resident(struct store *st, const char *name, const char *id_number)
{
	struct store_field f[] = {{"name", name}, {"id_number", id_number}, {"form_version", "1"}};
	int64_t id = 0;
	char *err = NULL;
	if (store_insert(st, "resident", f, ARRAY_LEN(f), &id, &err) != 0)
		fprintf(stderr, "insert %s failed: %s\n", name, err);
	free(err);
	return id;
}

static void test_open_and_migrate(void)
{
	char *path = db_path("open.db");
	char *err = NULL;
	umask(022);
	struct store *st = store_open(path, &err);
	CHECK(st != NULL);
	CHECK_STR(err, NULL);
	struct stat sb;
	CHECK(stat(path, &sb) == 0);
	CHECK_INT(sb.st_mode & 0777, 0600);
	CHECK_INT(query_int(st, "PRAGMA user_version", 0), schema_latest());
	CHECK(schema_latest() >= 1);
	CHECK_INT(query_int(st, "PRAGMA application_id", 0), SCHEMA_APPLICATION_ID);
	CHECK_QUERY(st, "PRAGMA journal_mode", 0, "wal");
	CHECK_INT(query_int(st, "PRAGMA foreign_keys", 0), 1);
	CHECK_INT(query_int(st, "PRAGMA synchronous", 0), 2);
	CHECK_STR(store_path(st), path);
	CHECK(store_set_operator(st, "clerk1", &err) == 0);
	CHECK(store_operator_id(st) > 0);
	CHECK_QUERY(st, "SELECT role FROM operator WHERE login = 'clerk1'", 0, "admin");
	int64_t id = add_resident(st, "龙发利", "52011119800101001X");
	CHECK(id > 0);
	store_close(st);

	/* reopening keeps the data and migrates nothing */
	st = store_open(path, &err);
	CHECK(st != NULL);
	if (st) {
		CHECK_INT(query_int(st, "PRAGMA user_version", 0), schema_latest());
		CHECK_QUERY(st, "SELECT name FROM resident WHERE id = ?", id, "龙发利");
		CHECK(store_set_operator(st, "clerk2", &err) == 0);
		CHECK_QUERY(st, "SELECT role FROM operator WHERE login = 'clerk2'", 0, "clerk");
	}
	store_close(st);
	free(err);
	free(path);
}

static void test_not_a_database(void)
{
	char *path = db_path("notes.txt");
	FILE *f = fopen(path, "w");
	for (int i = 0; i < 200; i++)
		fputs("This is a clerk's text file, not a database.\n", f);
	fclose(f);
	char *err = NULL;
	struct store *st = store_open(path, &err);
	CHECK(st == NULL);
	CHECK(err && strstr(err, "not a shanzhi database"));
	free(err);
	free(path);

	/* an SQLite file of some other program is refused, and left alone */
	path = db_path("other.db");
	sqlite3 *db;
	sqlite3_open(path, &db);
	sqlite3_exec(db, "CREATE TABLE photos(id, file)", NULL, NULL, NULL);
	sqlite3_close(db);
	err = NULL;
	st = store_open(path, &err);
	CHECK(st == NULL);
	CHECK(err && strstr(err, "another program"));
	free(err);
	free(path);

	/* a damaged file: a valid header followed by garbage */
	path = db_path("damaged.db");
	st = store_open(path, NULL);
	add_resident(st, "某人", NULL);
	store_close(st);
	FILE *d = fopen(path, "r+b");
	fseek(d, 100, SEEK_SET);
	for (int i = 0; i < 3000; i++)
		fputc(0xA5, d);
	fclose(d);
	err = NULL;
	st = store_open(path, &err);
	CHECK(st == NULL);
	CHECK(err && (strstr(err, "damaged") || strstr(err, "not a shanzhi")));
	store_close(st);
	free(err);
	free(path);
}

static void test_insert_audit(struct store *st)
{
	char *err = NULL;
	long long before = audit_count(st);
	struct store_field f[] = {
		{"name", "龙发利"}, {"id_number", "52011119800101001X"}, {"sex", "1"},
		{"birth_date", "1980-01-01"}, {"phone", ""}, {"form_version", "1"},
	};
	int64_t id = 0;
	CHECK(store_insert(st, "resident", f, ARRAY_LEN(f), &id, &err) == 0);
	CHECK_STR(err, NULL);
	CHECK(id > 0);
	CHECK_INT(audit_count(st), before + 1);
	CHECK_QUERY(st, "SELECT tbl || ' ' || action || ' ' || (row_id = ?1) FROM audit ORDER BY id DESC LIMIT 1",
		    id, "resident insert 1");
	CHECK_QUERY(st, "SELECT after FROM audit ORDER BY id DESC LIMIT 1", 0,
		    "{\"name\":\"龙发利\",\"id_number\":\"52011119800101001X\",\"sex\":\"1\","
		    "\"birth_date\":\"1980-01-01\",\"phone\":null,\"form_version\":1}");
	CHECK_QUERY(st, "SELECT before FROM audit ORDER BY id DESC LIMIT 1", 0, "(null)");
	CHECK_INT(query_int(st, "SELECT operator_id FROM audit ORDER BY id DESC LIMIT 1", 0),
		  store_operator_id(st));
	CHECK_INT(query_int(st, "SELECT at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*'"
			    " FROM audit ORDER BY id DESC LIMIT 1", 0), 1);
	/* "" is stored as NULL; the write path fills the time stamps */
	CHECK_QUERY(st, "SELECT phone FROM resident WHERE id = ?", id, "(null)");
	CHECK_QUERY(st, "SELECT living_status FROM resident WHERE id = ?", id, "1");
	CHECK_INT(query_int(st, "SELECT created_at = updated_at AND created_at LIKE '____-__-__T%' FROM resident WHERE id = ?", id), 1);

	/* an update audits only the changed columns, with the reason */
	before = audit_count(st);
	struct store_field u[] = {{"name", "龙发力"}, {"sex", "1"}, {"phone", "13812345678"}};
	CHECK(store_update(st, "resident", id, u, ARRAY_LEN(u), "typo in the name", &err) == 0);
	CHECK_STR(err, NULL);
	CHECK_INT(audit_count(st), before + 1);
	CHECK_QUERY(st, "SELECT action || ' ' || (row_id = ?1) FROM audit ORDER BY id DESC LIMIT 1", id, "update 1");
	CHECK_QUERY(st, "SELECT before FROM audit ORDER BY id DESC LIMIT 1", 0,
		    "{\"name\":\"龙发利\",\"phone\":null}");
	CHECK_QUERY(st, "SELECT after FROM audit ORDER BY id DESC LIMIT 1", 0,
		    "{\"name\":\"龙发力\",\"phone\":\"13812345678\"}");
	CHECK_QUERY(st, "SELECT reason FROM audit ORDER BY id DESC LIMIT 1", 0, "typo in the name");
	CHECK_QUERY(st, "SELECT name FROM resident WHERE id = ?", id, "龙发力");

	/* a no-op update writes nothing, not even updated_at */
	char *stamp = query_text(st, "SELECT updated_at FROM resident WHERE id = ?", id);
	before = audit_count(st);
	CHECK(store_update(st, "resident", id, u, ARRAY_LEN(u), NULL, &err) == 0);
	CHECK_INT(audit_count(st), before);
	CHECK_QUERY(st, "SELECT updated_at FROM resident WHERE id = ?", id, stamp);
	free(stamp);

	/* the living status, never a delete */
	struct store_field gone[] = {{"living_status", "2"}, {"status_date", "2024-03-01"},
				     {"status_reason", "moved to Guiyang"}};
	CHECK(store_update(st, "resident", id, gone, ARRAY_LEN(gone), NULL, &err) == 0);
	CHECK_QUERY(st, "SELECT after FROM audit ORDER BY id DESC LIMIT 1", 0,
		    "{\"living_status\":\"2\",\"status_date\":\"2024-03-01\",\"status_reason\":\"moved to Guiyang\"}");
	CHECK(sqlite3_exec(store_db(st), "DELETE FROM resident", NULL, NULL, NULL) != SQLITE_OK);
	CHECK_INT(query_int(st, "SELECT count(*) FROM resident WHERE id = ?", id), 1);
	/* a status other than 在册 needs its date */
	struct store_field undated[] = {{"living_status", "3"}, {"status_date", NULL}};
	CHECK(store_update(st, "resident", id, undated, ARRAY_LEN(undated), NULL, &err) == -1);
	CHECK(err && strstr(err, "CHECK"));
	free(err);
}

static void test_refusals(struct store *st)
{
	char *err = NULL;
	long long before = audit_count(st);
	long long residents = query_int(st, "SELECT count(*) FROM resident", 0);
	struct store_field bad[] = {{"name", "张三"}, {"shoe_size", "42"}, {"form_version", "1"}, {"colour", "red"}};
	int64_t id = 0;
	CHECK(store_insert(st, "resident", bad, ARRAY_LEN(bad), &id, &err) == -1);
	CHECK(err && strstr(err, "shoe_size") && strstr(err, "colour") && !strstr(err, "name"));
	free(err);
	err = NULL;
	CHECK(store_update(st, "resident", 1, bad + 1, 1, NULL, &err) == -1);
	CHECK(err && strstr(err, "shoe_size"));
	free(err);
	err = NULL;
	/* a column that is a piece of SQL is just an unknown column */
	struct store_field sneaky[] = {{"name\" , \"sex", "x"}};
	CHECK(store_insert(st, "resident", sneaky, 1, &id, &err) == -1);
	CHECK(err && strstr(err, "unknown"));
	free(err);
	err = NULL;
	CHECK(store_insert(st, "no_such_table", bad, 1, &id, &err) == -1);
	CHECK(err && strstr(err, "no_such_table"));
	free(err);
	err = NULL;
	CHECK(store_insert(st, "audit", bad, 1, &id, &err) == -1);
	free(err);
	err = NULL;
	/* a missing row is not created by an update */
	struct store_field name[] = {{"name", "李四"}};
	CHECK(store_update(st, "resident", 999999, name, 1, NULL, &err) == -1);
	CHECK(err && strstr(err, "999999") && strstr(err, "no such record"));
	free(err);
	err = NULL;
	/* the record's own rules: a name is required, the ID number is unique */
	struct store_field noname[] = {{"name", ""}, {"form_version", "1"}};
	CHECK(store_insert(st, "resident", noname, ARRAY_LEN(noname), &id, &err) == -1);
	CHECK(err && strstr(err, "resident.name"));
	free(err);
	err = NULL;
	add_resident(st, "王五", "520111199001011234");
	long long after_first = audit_count(st);
	struct store_field dup[] = {{"name", "王六"}, {"id_number", "520111199001011234"}, {"form_version", "1"}};
	CHECK(store_insert(st, "resident", dup, ARRAY_LEN(dup), &id, &err) == -1);
	CHECK(err && strstr(err, "UNIQUE") && strstr(err, "id_number"));
	free(err);
	CHECK_INT(audit_count(st), after_first);
	CHECK_INT(audit_count(st), before + 1);
	CHECK_INT(query_int(st, "SELECT count(*) FROM resident", 0), residents + 1);
	CHECK_INT(query_int(st, "SELECT count(*) FROM resident WHERE name = '王六'", 0), 0);
}

static void test_transactions(struct store *st)
{
	char *err = NULL;
	long long audits = audit_count(st);
	/* an inner rollback undoes only the inner writes */
	CHECK(store_begin(st, &err) == 0);
	int64_t a = add_resident(st, "外层甲", NULL);
	CHECK(store_begin(st, &err) == 0);
	int64_t b = add_resident(st, "内层乙", NULL);
	store_rollback(st);
	CHECK(store_commit(st, &err) == 0);
	CHECK_STR(err, NULL);
	CHECK_INT(query_int(st, "SELECT count(*) FROM resident WHERE id = ?", a), 1);
	CHECK_INT(query_int(st, "SELECT count(*) FROM resident WHERE name = '内层乙'", 0), 0);
	CHECK_INT(query_int(st, "SELECT count(*) FROM audit WHERE tbl = 'resident' AND row_id = ?", b), 0);
	CHECK_INT(audit_count(st), audits + 1);

	/* nested commits: nothing is durable before the outermost commit */
	CHECK(store_begin(st, &err) == 0);
	CHECK(store_begin(st, &err) == 0);
	int64_t c = add_resident(st, "嵌套丙", NULL);
	CHECK(store_commit(st, &err) == 0);
	CHECK(!sqlite3_get_autocommit(store_db(st)));
	CHECK(store_commit(st, &err) == 0);
	CHECK(sqlite3_get_autocommit(store_db(st)));
	CHECK_INT(query_int(st, "SELECT count(*) FROM resident WHERE id = ?", c), 1);

	/* an outer rollback leaves neither the row nor its audit entry */
	audits = audit_count(st);
	CHECK(store_begin(st, &err) == 0);
	int64_t d = add_resident(st, "回滚丁", NULL);
	CHECK(d > 0);
	CHECK(store_begin(st, &err) == 0);
	struct store_field nm[] = {{"name", "回滚戊"}};
	CHECK(store_update(st, "resident", d, nm, 1, NULL, &err) == 0);
	CHECK(store_commit(st, &err) == 0);
	store_rollback(st);
	CHECK(sqlite3_get_autocommit(store_db(st)));
	CHECK_INT(audit_count(st), audits);
	CHECK_INT(query_int(st, "SELECT count(*) FROM resident WHERE name IN ('回滚丁', '回滚戊')", 0), 0);
	CHECK(store_commit(st, &err) == -1);
	free(err);
	err = NULL;

	/* a household's head is checked at commit: a dangling head is refused whole */
	audits = audit_count(st);
	CHECK(store_begin(st, &err) == 0);
	struct store_field hh[] = {{"hh_no", "9990001"}, {"head_id", "424242"}};
	CHECK(store_insert(st, "household", hh, ARRAY_LEN(hh), NULL, &err) == 0);
	CHECK(store_commit(st, &err) == -1);
	CHECK(err && strstr(err, "FOREIGN KEY"));
	CHECK_INT(query_int(st, "SELECT count(*) FROM household WHERE hh_no = '9990001'", 0), 0);
	CHECK_INT(audit_count(st), audits);
	free(err);
}

static void test_verbatim(struct store *st)
{
	static const char *const names[] = {
		"'; DROP TABLE resident; --",
		"O'Brien \"Bob\"",
		"阿依古丽·买买提",
		"刘䶮",
		"张𠮷",
		"Robert'); DELETE FROM audit; --",
	};
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		int64_t id = add_resident(st, names[i], NULL);
		CHECK(id > 0);
		CHECK_QUERY(st, "SELECT name FROM resident WHERE id = ?", id, names[i]);
		CHECK_QUERY(st, "SELECT json_extract(after, '$.name') FROM audit WHERE tbl = 'resident'"
			    " AND row_id = ?1 AND action = 'insert'", id, names[i]);
	}
	CHECK(query_int(st, "SELECT count(*) FROM audit", 0) > 0);
	CHECK_INT(query_int(st, "SELECT count(*) FROM sqlite_schema WHERE name = 'resident'", 0), 1);
	/* a 50-character name fits */
	char fifty[50 * 3 + 1] = "";
	for (int i = 0; i < 50; i++)
		strcat(fifty, "龙");
	int64_t id = add_resident(st, fifty, NULL);
	CHECK_INT(query_int(st, "SELECT length(name) FROM resident WHERE id = ?", id), 50);
}

/* Every writer meets the same floor: a setting, a status reason written as F8 does,
 * a name: terminal escapes and invisible characters are refused naming the table
 * and column, nothing is written or audited; a memo's line breaks pass. */
static void test_refused_chars(struct store *st)
{
	int64_t id = add_resident(st, "赵七", NULL);
	static const struct {
		const char *table, *column, *value, *want;
	} cases[] = {
		{ "settings", "value", "\x1b]52;c;ZWNobw==\x07", "settings, value: control characters are not allowed" },
		{ "resident", "status_reason", "迁往\x1b[2J贵阳", "resident, status_reason: control characters are not allowed" },
		{ "resident", "name", "赵\xC2\x9B七", "resident, name: control characters are not allowed" },
		{ "resident", "name", "赵\xE2\x80\xAE七", "resident, name: holds an invisible character (U+202E)" },
		{ "resident", "notes", "第一行\r\n第二行\t完", NULL },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *err = NULL;
		long long audits = audit_count(st);
		int rc;
		if (strcmp(cases[i].table, "settings") == 0) {
			rc = store_set_setting(st, "printer", cases[i].value, &err);
		} else {
			struct store_field f[] = {{cases[i].column, cases[i].value}};
			rc = store_update(st, cases[i].table, id, f, 1, NULL, &err);
		}
		CHECK_INT(rc, cases[i].want ? -1 : 0);
		CHECK_STR(err, cases[i].want);
		CHECK_INT(audit_count(st), audits + (cases[i].want ? 0 : 1));
		free(err);
	}
	CHECK_QUERY(st, "SELECT name FROM resident WHERE id = ?", id, "赵七");
	CHECK_INT(query_int(st, "SELECT count(*) FROM settings WHERE key = 'printer'", 0), 0);
}

static void test_settings(struct store *st)
{
	char *err = NULL;
	CHECK_STR(store_setting(st, "followup_days"), NULL);
	CHECK(store_set_setting(st, "followup_days", "5", &err) == 0);
	char *v = store_setting(st, "followup_days");
	CHECK_STR(v, "5");
	free(v);
	CHECK(store_set_setting(st, "followup_days", "15", &err) == 0);
	v = store_setting(st, "followup_days");
	CHECK_STR(v, "15");
	free(v);
	CHECK_QUERY(st, "SELECT after FROM audit WHERE tbl = 'settings' ORDER BY id DESC LIMIT 1", 0,
		    "{\"value\":\"15\"}");
}

static void test_sql_functions(struct store *st)
{
	civil_set_fixed_today("2025-06-01");
	static const struct {
		const char *sql, *want;
	} rows[] = {
		{"SELECT sz_id_valid('52011119800101001X')", "1"},
		{"SELECT sz_id_valid('520111198001010010')", "0"},
		{"SELECT sz_id_valid(NULL)", "(null)"},
		{"SELECT sz_id_norm('52011119800101001x')", "52011119800101001X"},
		{"SELECT sz_id_norm('520111800101001')", "52011119800101001X"},
		{"SELECT sz_id_norm('garbage')", "(null)"},
		{"SELECT sz_id_sex('52011119800101001X')", "1"},
		{"SELECT sz_id_sex('520111198001010028')", "2"},
		{"SELECT sz_id_birth('52011119800101001X')", "1980-01-01"},
		{"SELECT sz_age('1980-01-01')", "45"},
		{"SELECT sz_age('1980-06-02')", "44"},
		{"SELECT sz_age(NULL)", "(null)"},
		{"SELECT json_valid(sz_search_keys('龙发利', '52011119800101001X', '138-1234-5678'))", "1"},
		{"SELECT sz_search_keys('龙发利', NULL, NULL) LIKE '[\"n:龙发利\",\"n:发利\",\"n:利\",\"p:lfl\"%'", "1"},
		{"SELECT EXISTS (SELECT 1 FROM json_each(sz_search_keys(NULL, '52011119800101001X', '138-1234-5678'))"
		 " WHERE value = 'i:X10010108911110250')", "0"},
		{"SELECT group_concat(value, ' ') FROM json_each(sz_search_keys(NULL, '52011119800101001X', '138-1234-5678'))",
		 "i:X10010100891111025 m:87654321831"},
		{"SELECT json_array_length(sz_search_keys('a\"b\\c', NULL, NULL)) > 0", "1"},
		/* the rows the bulk fill uses are the trigger's keys, in the same order */
		{"SELECT group_concat(key, ' ') FROM sz_search_key_rows('龙发利', '52011119800101001x', '138-1234-5678')",
		 "n:龙发利 n:发利 n:利 p:lfl i:X10010100891111025 m:87654321831"},
		{"SELECT (SELECT group_concat(key, ' ') FROM sz_search_key_rows('李 兰', NULL, '0851-8888888')) ="
		 " (SELECT group_concat(value, ' ') FROM json_each(sz_search_keys('李 兰', NULL, '0851-8888888')))", "1"},
		{"SELECT count(*) FROM sz_search_key_rows(NULL, NULL, NULL)", "0"},
	};
	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		char *got = query_text(st, rows[i].sql, 0);
		if (strcmp(got, rows[i].want) != 0)
			fprintf(stderr, "row %zu: %s\n", i, rows[i].sql);
		CHECK_STR(got, rows[i].want);
		free(got);
	}
}

/* Finds the lines of a report that contain needle. */
static int report_has(const char *report, const char *needle)
{
	return report && strstr(report, needle) != NULL;
}

static void test_check(void)
{
	char *path = db_path("check.db");
	char *err = NULL;
	struct store *st = store_open(path, &err);
	store_set_operator(st, "clerk", &err);
	struct store_field hh[] = {{"hh_no", "5201110001"}, {"address", "青岩镇 1 号"}};
	int64_t h = 0, h2 = 0;
	CHECK(store_insert(st, "household", hh, ARRAY_LEN(hh), &h, &err) == 0);
	char hid[24];
	snprintf(hid, sizeof hid, "%lld", (long long)h);
	struct store_field head[] = {{"name", "龙发利"}, {"id_number", "52011119800101001X"}, {"sex", "1"},
				     {"birth_date", "1980-01-01"}, {"household_id", hid}, {"relation", "02"},
				     {"form_version", "1"}};
	int64_t r = 0;
	CHECK(store_insert(st, "resident", head, ARRAY_LEN(head), &r, &err) == 0);
	char rid[24];
	snprintf(rid, sizeof rid, "%lld", (long long)r);
	struct store_field set_head[] = {{"head_id", rid}};
	CHECK(store_update(st, "household", h, set_head, 1, NULL, &err) == 0);
	char *report = NULL;
	CHECK_INT(store_check(st, &report), 0);
	CHECK_STR(report, "");
	free(report);

	/* a broken ID number written behind the write path */
	CHECK(sqlite3_exec(store_db(st), "INSERT INTO resident(name, id_number, form_version)"
			   " VALUES ('黑户', '520111198001010010', 1)", NULL, NULL, NULL) == SQLITE_OK);
	long long bad = sqlite3_last_insert_rowid(store_db(st));
	/* a household whose head lives elsewhere */
	struct store_field hh2[] = {{"hh_no", "5201110002"}, {"head_id", rid}};
	CHECK(store_insert(st, "household", hh2, ARRAY_LEN(hh2), &h2, &err) == 0);
	/* a sex that contradicts the ID number */
	struct store_field sex[] = {{"sex", "2"}};
	CHECK(store_update(st, "resident", r, sex, 1, NULL, &err) == 0);
	report = NULL;
	int problems = store_check(st, &report);
	char line[160];
	snprintf(line, sizeof line, "resident %lld id_number: not a valid ID number", bad);
	CHECK(report_has(report, line));
	snprintf(line, sizeof line, "resident %lld: written without an audit entry", bad);
	CHECK(report_has(report, line));
	snprintf(line, sizeof line, "household %lld head_id: resident %lld is not a member", (long long)h2, (long long)r);
	CHECK(report_has(report, line));
	snprintf(line, sizeof line, "household %lld head_id", (long long)h);
	CHECK(!report_has(report, line));
	snprintf(line, sizeof line, "resident %lld sex: contradicts the ID number", (long long)r);
	CHECK(report_has(report, line));
	CHECK_INT(problems, 4);
	free(report);

	/* search keys out of step are found */
	CHECK(sqlite3_exec(store_db(st), "DELETE FROM resident_key WHERE key = 'n:发利'", NULL, NULL, NULL) == SQLITE_OK);
	report = NULL;
	CHECK_INT(store_check(st, &report), 6);
	CHECK(report_has(report, "resident_key:"));
	snprintf(line, sizeof line, "resident %lld name: search key n:发利 is missing", (long long)r);
	CHECK(report_has(report, line));
	free(report);
	free(err);
	store_close(st);
	free(path);
}

static void test_bulk(void)
{
	char *path = db_path("bulk.db");
	char *err = NULL;
	struct store *st = store_open(path, &err);
	store_set_operator(st, "demo", &err);
	int64_t early = add_resident(st, "早先", NULL);
	long long audits = audit_count(st);
	CHECK(store_bulk_begin(st, "测试载入", &err) == 0);
	/* a small register: its secondary indexes go for the load and come back at its end */
	CHECK(store_bulk_defer_indexes(st, "resident", &err) == 0);
	CHECK_INT(query_int(st, "SELECT count(*) FROM sqlite_schema WHERE tbl_name = 'resident' AND type = 'index'", 0), 1);
	struct store_field hh[] = {{"hh_no", "7001"}};
	int64_t h = 0;
	CHECK(store_insert(st, "household", hh, 1, &h, &err) == 0);
	int64_t first = add_resident(st, "批量一", "52011119800101001X");
	add_resident(st, "批量二", NULL);
	CHECK(sqlite3_exec(store_db(st), "INSERT INTO resident(name, form_version) VALUES ('批量三', 1)",
			   NULL, NULL, NULL) == SQLITE_OK);
	int64_t last = sqlite3_last_insert_rowid(store_db(st));
	/* rows of the load are updated without an entry each; older rows keep theirs */
	char rid[24];
	snprintf(rid, sizeof rid, "%lld", (long long)first);
	struct store_field head[] = {{"head_id", rid}};
	CHECK(store_update(st, "household", h, head, 1, NULL, &err) == 0);
	struct store_field rename[] = {{"name", "早先改"}};
	CHECK(store_update(st, "resident", early, rename, 1, NULL, &err) == 0);
	CHECK_INT(audit_count(st), audits + 1);
	CHECK_INT(query_int(st, "SELECT count(*) FROM resident_key WHERE resident_id > ?", early), 0);
	CHECK(store_bulk_end(st, &err) == 0);
	CHECK_STR(err, NULL);
	CHECK_INT(audit_count(st), audits + 3);
	char want[120];
	snprintf(want, sizeof want, "{\"first\":%lld,\"last\":%lld,\"count\":3}", (long long)first, (long long)last);
	CHECK_QUERY(st, "SELECT after FROM audit WHERE tbl = 'resident' AND action = 'bulk'", 0, want);
	CHECK_INT(query_int(st, "SELECT count(*) FROM resident_key WHERE key = 'n:量三'", 0), 1);
	CHECK_INT(query_int(st, "SELECT count(*) FROM sqlite_schema WHERE name = 'resident_name_birth'", 0), 1);
	CHECK_INT(query_int(st, "SELECT count(*) FROM resident_key WHERE key = 'i:X10010100891111025'", 0), 1);
	/* the triggers are back */
	int64_t after = add_resident(st, "之后", NULL);
	CHECK_INT(query_int(st, "SELECT count(*) FROM resident_key WHERE resident_id = ?", after), 3);
	char *report = NULL;
	if (store_check(st, &report) != 1) fprintf(stderr, "%s", report);
	CHECK_INT(store_check(st, NULL), 1);  /* the household's head is not its member */
	free(report);
	/* a load rolled back leaves nothing, and the triggers still work */
	CHECK(store_bulk_begin(st, "测试载入", &err) == 0);
	CHECK(store_bulk_defer_indexes(st, "resident", &err) == 0);
	CHECK_INT(query_int(st, "SELECT count(*) FROM sqlite_schema WHERE name = 'resident_name_birth'", 0), 0);
	add_resident(st, "作废", NULL);
	store_rollback(st);
	CHECK_INT(query_int(st, "SELECT count(*) FROM resident WHERE name = '作废'", 0), 0);
	CHECK_INT(query_int(st, "SELECT count(*) FROM sqlite_schema WHERE name = 'resident_name_birth'", 0), 1);
	int64_t again = add_resident(st, "再来", NULL);
	CHECK_INT(query_int(st, "SELECT count(*) FROM resident_key WHERE resident_id = ?", again), 3);
	free(err);
	store_close(st);
	free(path);
}

/* The journal the connection is in, as SQLite names it. */
static char *journal(struct store *st)
{
	return query_text(st, "PRAGMA journal_mode", 0);
}

/* Rows enough to outgrow the page cache, so that a load writes into the file
 * itself before its commit. */
static void add_many(struct store *st, int n)
{
	sqlite3_stmt *stmt = NULL;
	sqlite3_prepare_v2(store_db(st), "INSERT INTO resident(name, notes, form_version)"
			   " VALUES ('批量', printf('%.200c', 'x'), 1)", -1, &stmt, NULL);
	for (int i = 0; i < n; i++) {
		sqlite3_step(stmt);
		sqlite3_reset(stmt);
	}
	sqlite3_finalize(stmt);
}

static long long file_size(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
}

/* A load alone with the file writes it through a rollback journal and leaves it in
 * WAL; beside another session it stays in WAL and that session reads on; killed in
 * the middle, it leaves nothing behind once the file is opened again. */
static void test_bulk_journal(void)
{
	char *path = db_path("journal.db");
	char *jpath = xasprintf("%s-journal", path);
	char *err = NULL;
	struct store *st = store_open(path, &err);
	store_set_operator(st, "demo", &err);
	add_resident(st, "早先", NULL);
	char *mode = journal(st);
	CHECK_STR(mode, "wal");
	free(mode);

	CHECK(store_bulk_begin(st, "独自载入", &err) == 0);
	mode = journal(st);
	CHECK_STR(mode, "delete");
	free(mode);
	add_many(st, 100);
	CHECK(store_bulk_end(st, &err) == 0);
	mode = journal(st);
	CHECK_STR(mode, "wal");
	free(mode);
	CHECK_INT(query_int(st, "SELECT count(*) FROM resident", 0), 101);

	/* another session open: the load stays in WAL and does not stop its reads */
	struct store *other = store_open(path, &err);
	CHECK(other != NULL);
	CHECK(store_bulk_begin(st, "并行载入", &err) == 0);
	mode = journal(st);
	CHECK_STR(mode, "wal");
	free(mode);
	add_many(st, 30000);
	time_t t0 = time(NULL);
	CHECK_INT(query_int(other, "SELECT count(*) FROM resident", 0), 101);
	CHECK(time(NULL) - t0 < 2);
	CHECK(store_bulk_end(st, &err) == 0);
	CHECK_INT(query_int(other, "SELECT count(*) FROM resident", 0), 30101);
	store_close(other);
	store_close(st);

	/* killed while loading alone, after its pages reached the file */
	long long before = file_size(path);
	fflush(NULL);
	pid_t child = fork();
	if (child == 0) {
		char *cerr = NULL;
		struct store *loader = store_open(path, &cerr);
		if (!loader || store_set_operator(loader, "demo", &cerr) != 0 ||
		    store_bulk_begin(loader, "中断载入", &cerr) != 0)
			_exit(2);
		add_many(loader, 60000);
		raise(SIGKILL);
	}
	int status = 0;
	waitpid(child, &status, 0);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	CHECK(file_size(path) > before);          /* the load had written into the file */
	CHECK(file_size(jpath) > 0);              /* and left its journal */
	st = store_open(path, &err);
	CHECK(st != NULL);
	CHECK_INT(query_int(st, "SELECT count(*) FROM resident", 0), 30101);
	CHECK_INT(query_int(st, "SELECT count(*) FROM resident WHERE id > 30101", 0), 0);
	mode = journal(st);
	CHECK_STR(mode, "wal");
	free(mode);
	char *report = NULL;
	CHECK_INT(store_check(st, &report), 0);
	CHECK_STR(report, "");
	free(report);
	store_close(st);
	free(err);
	free(jpath);
	free(path);
}

/* Two clerks save at once: the second waits for the first instead of failing.
 * The child opens its own connection after the fork (a connection must not cross one). */
static void test_writers_queue(void)
{
	char *path = db_path("queue.db");
	int ready[2];
	CHECK(pipe(ready) == 0);
	fflush(NULL);
	pid_t child = fork();
	if (child == 0) {
		char byte;
		close(ready[1]);
		if (read(ready[0], &byte, 1) != 1)
			_exit(2);
		char *cerr = NULL;
		struct store *other = store_open(path, &cerr);
		int ok = other && store_set_operator(other, "second", &cerr) == 0 &&
			 add_resident(other, "后存", NULL) > 0;
		store_close(other);
		_exit(ok ? 0 : 1);
	}
	close(ready[0]);
	char *err = NULL;
	struct store *st = store_open(path, &err);
	store_set_operator(st, "first", &err);
	CHECK(store_begin(st, &err) == 0);
	add_resident(st, "先存", NULL);
	CHECK(write(ready[1], "!", 1) == 1);
	close(ready[1]);
	struct timespec pause = {0, 300 * 1000 * 1000};
	nanosleep(&pause, NULL);
	CHECK(store_commit(st, &err) == 0);
	int status = -1;
	waitpid(child, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_INT(query_int(st, "SELECT count(*) FROM resident WHERE name IN ('先存', '后存')", 0), 2);
	CHECK_QUERY(st, "SELECT o.login FROM audit a JOIN operator o ON o.id = a.operator_id"
		    " WHERE a.tbl = 'resident' ORDER BY a.id DESC LIMIT 1", 0, "second");
	free(err);
	store_close(st);
	free(path);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_open_and_migrate();
	test_not_a_database();
	char *path = db_path("main.db");
	char *err = NULL;
	struct store *st = store_open(path, &err);
	CHECK(st != NULL);
	if (st) {
		CHECK(store_set_operator(st, "tester", &err) == 0);
		test_insert_audit(st);
		test_refusals(st);
		test_transactions(st);
		test_verbatim(st);
		test_settings(st);
		test_refused_chars(st);
		test_sql_functions(st);
		store_close(st);
	}
	free(err);
	free(path);
	test_check();
	test_bulk();
	test_bulk_journal();
	test_writers_queue();
	char *cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(cmd);
	return check_finish();
}
