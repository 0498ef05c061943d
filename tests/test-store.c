/* Tests of the store: migrations, file mode, the audited write path, transactions,
 * SQL functions and the integrity check, on a temporary database file. */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "check.h"
#include "check-query.h"
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

/* Runs SQL as the sqlite3 shell would, behind the program's back. */
static void shell(struct store *st, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(store_db(st), sql, NULL, NULL, &msg) != SQLITE_OK)
		fprintf(stderr, "shell: %s: %s\n", sql, msg);
	CHECK(msg == NULL);
	sqlite3_free(msg);
}

/* A register with an administrator, a viewer and 20 residents each written and
 * then corrected: 42 entries and more, all through the write path. */
static struct store *tamper_register(const char *name)
{
	char *path = db_path(name), *err = NULL;
	struct store *st = store_open(path, &err);
	CHECK(st && store_set_operator(st, "admin", &err) == 0);
	struct store_field viewer[] = {{"login", "guest"}, {"name", "来访"}, {"role", "viewer"}};
	CHECK(store_insert(st, "operator", viewer, ARRAY_LEN(viewer), NULL, &err) == 0);
	for (int i = 0; i < 20; i++) {
		char nm[32];
		snprintf(nm, sizeof nm, "居民%d", i);
		int64_t id = add_resident(st, nm, NULL);
		struct store_field notes[] = {{"notes", "核对过"}};
		CHECK(store_update(st, "resident", id, notes, 1, "核对", &err) == 0);
	}
	free(err);
	free(path);
	return st;
}

/* The head as an anchor a backup or a printout keeps. */
static int64_t take_anchor(struct store *st, char hash[SHA256_HEX])
{
	int64_t head = 0;
	CHECK(audit_head(store_db(st), &head, hash) == 0);
	return head;
}

/* Removing the last 1, 3 or 35 entries (the delete trigger dropped and put back) is
 * named against the anchor, and without it by the rows they wrote. */
static void test_truncated_chain(void)
{
	static const int cuts[] = {1, 3, 35};
	for (size_t c = 0; c < ARRAY_LEN(cuts); c++) {
		char name[32];
		snprintf(name, sizeof name, "cut%d.db", cuts[c]);
		struct store *st = tamper_register(name);
		char hash[SHA256_HEX];
		int64_t head = take_anchor(st, hash);
		CHECK(head > 35);
		char *sql = xasprintf("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id > %lld;"
				      "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN\n"
				      "  SELECT RAISE(ABORT, 'the audit log is append-only');\nEND;",
				      (long long)(head - cuts[c]));
		shell(st, sql);
		free(sql);
		struct strbuf sb = {0};
		CHECK_INT(audit_verify_anchor(store_db(st), head, hash, &sb), 1);
		char *want = xasprintf("audit entry %lld (the anchor): the log ends at entry %lld", (long long)head,
				       (long long)(head - cuts[c]));
		CHECK(sb.s && strstr(sb.s, want));
		if (!sb.s || !strstr(sb.s, want))
			fprintf(stderr, "cut %d: %s\n", cuts[c], sb.s ? sb.s : "(nothing)");
		free(want);
		sb_free(&sb);
		/* the chain itself still holds, but the rows the lost entries wrote do not fit */
		char *report = NULL;
		CHECK(store_check(st, &report) >= 1);
		CHECK(report && strstr(report, "resident ") &&
		      (strstr(report, "changed without an audit entry") || strstr(report, "written without an audit entry")));
		free(report);
		store_close(st);
	}
}

/* Entries rewritten and the whole chain hashed again (as an attacker with the
 * sqlite3 shell and sha256 can) hold as a chain, but not against the anchor. */
static void test_rehashed_chain(void)
{
	struct store *st = tamper_register("rehash.db");
	char hash[SHA256_HEX];
	int64_t head = take_anchor(st, hash);
	shell(st, "DROP TRIGGER audit_no_update;"
		  "UPDATE audit SET after = json_set(after, '$.role', 'admin') WHERE tbl = 'operator' AND action = 'insert';"
		  "UPDATE operator SET role = 'admin' WHERE login = 'guest';"
		  "UPDATE audit SET hash = NULL, prev_hash = NULL;");
	char *err = NULL;
	CHECK(audit_seal_legacy(store_db(st), &err) == 0);  /* the attacker's re-hash */
	shell(st, "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit WHEN OLD.hash IS NOT NULL BEGIN\n"
		  "  SELECT RAISE(ABORT, 'the audit log is append-only');\nEND;");
	struct strbuf sb = {0};
	CHECK_INT(audit_verify(store_db(st), &sb), 0);
	CHECK_INT(audit_verify_anchor(store_db(st), head, hash, &sb), 1);
	char *want = xasprintf("audit entry %lld (the anchor): its hash is not the anchored one", (long long)head);
	CHECK(sb.s && strstr(sb.s, want));
	free(want);
	/* the anchor as a printout or a backup's .anchor file carries it */
	char *line = xasprintf("审计链 #%lld %.16s", (long long)head, hash);
	int64_t id;
	char hex[SHA256_HEX];
	CHECK(audit_anchor_parse(line, &id, hex) == 0);
	CHECK_INT(id, head);
	CHECK(strlen(hex) == 16 && strncmp(hex, hash, 16) == 0);
	free(line);
	sb_free(&sb);
	free(err);
	store_close(st);
}

/* A viewer made admin and notes edited with the sqlite3 shell, no entry written:
 * check names table, row and column. */
static void test_change_without_entry(void)
{
	struct store *st = tamper_register("unaudited.db");
	char *report = NULL;
	CHECK_INT(store_check(st, &report), 0);
	free(report);
	long long guest = query_int(st, "SELECT id FROM operator WHERE login = 'guest'", 0);
	long long r = query_int(st, "SELECT min(id) FROM resident", 0);
	char *sql = xasprintf("UPDATE operator SET role = 'admin' WHERE id = %lld;"
			      "UPDATE resident SET notes = '改过' WHERE id = %lld;", guest, r);
	shell(st, sql);
	free(sql);
	report = NULL;
	CHECK_INT(store_check(st, &report), 2);
	char line[160];
	snprintf(line, sizeof line, "operator %lld role: differs from its last audit entry", guest);
	CHECK(report_has(report, line));
	snprintf(line, sizeof line, "resident %lld notes: differs from its last audit entry", r);
	CHECK(report_has(report, line));
	free(report);
	/* a row removed behind the program's back is named too */
	shell(st, "DROP TRIGGER resident_no_delete; DELETE FROM resident WHERE id = (SELECT max(id) FROM resident)");
	report = NULL;
	CHECK(store_check(st, &report) >= 4);
	CHECK(report_has(report, "no longer in the register"));
	CHECK(report_has(report, "schema: trigger resident_no_delete is missing"));
	free(report);
	store_close(st);
}

/* A key of another order: every name sorts as the empty name. */
static void other_name_key(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	sqlite3_result_blob(ctx, "", 0, SQLITE_STATIC);
}

/* The pinyin index made by another table than this program's (an older version's, or
 * here another function on the connection that wrote it) is named by check. */
static void test_stale_pinyin_keys(void)
{
	struct store *st = tamper_register("stale.db");
	char *report = NULL;
	CHECK_INT(store_check(st, &report), 0);
	free(report);
	sqlite3_create_function(store_db(st), "sz_name_key", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
				NULL, other_name_key, NULL, NULL);
	shell(st, "REINDEX resident_pinyin");
	store_close(st);
	char *path = db_path("stale.db"), *err = NULL;
	st = store_open(path, &err);
	CHECK(st != NULL);
	report = NULL;
	CHECK(st && store_check(st, &report) > 0);
	CHECK(report_has(report, "resident_pinyin"));
	free(report);
	store_close(st);
	free(path);
	free(err);
}

/* A file with a trigger dropped, its chain stripped and user_version lowered is
 * migrated again without being re-sealed, and check names what is missing. */
static void test_no_reseal(void)
{
	struct store *st = tamper_register("reseal.db");
	long long entries = audit_count(st);
	/* undone: what the last eleven migrations made (the bulk loads' index, the drafts'
	 * base, the requests' outcome, the village groups, the pinyin index, the registers' ledger tables and their search index,
	 * the moves between villages; grid_worker folded into the grid staff register; the search
	 * keys' remake and the requests' table made again need no undoing), so that the
	 * lowered user_version migrates again cleanly */
	shell(st, "DROP TRIGGER audit_no_update; UPDATE audit SET hash = NULL, prev_hash = NULL WHERE id > 3;"
		  "DROP INDEX audit_bulk; ALTER TABLE draft DROP COLUMN base;"
		  "ALTER TABLE service_request DROP COLUMN outcome; DROP TABLE village_group;"
		  "DROP INDEX resident_pinyin; DROP TABLE ledger_step; DROP TABLE ledger_meta;"
		  "DROP TABLE ledger_key; DROP TABLE ledger_numkey; DROP TABLE ledger_numgram; DROP TABLE ledger_key_state;"
		  "DROP TABLE transfer;"
		  "DROP TABLE ledger_grid_staff; CREATE TABLE grid_worker (id INTEGER PRIMARY KEY, grid_id INTEGER NOT NULL"
		  " REFERENCES grid(id), name TEXT NOT NULL CHECK (length(name) > 0), phone TEXT, active INTEGER NOT NULL"
		  " DEFAULT 1 CHECK (active IN (0, 1))); CREATE INDEX grid_worker_grid ON grid_worker(grid_id);");
	char *pragma = xasprintf("PRAGMA user_version = %d", schema_latest() - 11);
	shell(st, pragma);
	free(pragma);
	store_close(st);
	char *path = db_path("reseal.db"), *err = NULL;
	st = store_open(path, &err);
	CHECK(st != NULL);
	if (!st) {
		free(path);
		free(err);
		return;
	}
	CHECK_INT(query_int(st, "PRAGMA user_version", 0), schema_latest());
	CHECK_INT(query_int(st, "SELECT count(*) FROM audit WHERE hash IS NULL", 0), entries - 3);
	char *report = NULL;
	CHECK(store_check(st, &report) >= 2);
	CHECK(report_has(report, "schema: trigger audit_no_update is missing"));
	CHECK(report_has(report, "audit entry 4 "));
	free(report);
	store_close(st);
	free(path);
	free(err);
}

static void test_bulk(void)
{
	char *path = db_path("bulk.db");
	char *err = NULL;
	struct store *st = store_open(path, &err);
	store_set_operator(st, "demo", &err);
	int64_t early = add_resident(st, "早先", NULL);
	long long audits = audit_count(st);
	CHECK(store_bulk_begin(st, "测试载入", 0, &err) == 0);
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
	CHECK(store_bulk_begin(st, "测试载入", 0, &err) == 0);
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

/* A load that makes its own references: a household written with its head before
 * the head goes in, foreign keys off only while the load lasts, whether it commits
 * or rolls back. */
static void test_bulk_own_references(void)
{
	char *path = db_path("ownrefs.db");
	char *err = NULL;
	struct store *st = store_open(path, &err);
	store_set_operator(st, "demo", &err);
	CHECK_INT(query_int(st, "PRAGMA foreign_keys", 0), 1);
	CHECK(store_bulk_begin(st, "自带引用", STORE_BULK_OWN_REFERENCES, &err) == 0);
	CHECK_INT(query_int(st, "PRAGMA foreign_keys", 0), 0);
	sqlite3 *db = store_db(st);
	CHECK(sqlite3_exec(db, "INSERT INTO household(id, hh_no, head_id) VALUES (1, '8001', 1);"
			   "INSERT INTO resident(id, name, household_id, relation, form_version)"
			   " VALUES (1, '户主', 1, '02', 1)", NULL, NULL, NULL) == SQLITE_OK);
	/* the loader tells what it wrote: audited without a count, a table told empty not at all */
	store_bulk_wrote(st, "resident", 1, 1);
	store_bulk_wrote(st, "household", 1, 1);
	store_bulk_wrote(st, "grid", 1, 0);
	CHECK(store_bulk_end(st, &err) == 0);
	CHECK_QUERY(st, "SELECT group_concat(tbl || after, ' ') FROM audit WHERE action = 'bulk'",
		    0, "household{\"first\":1,\"last\":1,\"count\":1} resident{\"first\":1,\"last\":1,\"count\":1}");
	CHECK_INT(query_int(st, "PRAGMA foreign_keys", 0), 1);
	CHECK_INT(query_int(st, "SELECT count(*) FROM pragma_foreign_key_check", 0), 0);
	CHECK_INT(query_int(st, "SELECT head_id FROM household WHERE hh_no = '8001'", 0), 1);
	/* rolled back: the checks are on again for the next write */
	CHECK(store_bulk_begin(st, "作废", STORE_BULK_OWN_REFERENCES, &err) == 0);
	store_rollback(st);
	CHECK_INT(query_int(st, "PRAGMA foreign_keys", 0), 1);
	CHECK(sqlite3_exec(db, "INSERT INTO household(hh_no, head_id) VALUES ('8002', 999)", NULL, NULL, NULL)
	      != SQLITE_OK);
	/* an ordinary load keeps them on */
	CHECK(store_bulk_begin(st, "平常", 0, &err) == 0);
	CHECK_INT(query_int(st, "PRAGMA foreign_keys", 0), 1);
	store_rollback(st);
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

	CHECK(store_bulk_begin(st, "独自载入", 0, &err) == 0);
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
	CHECK(store_bulk_begin(st, "并行载入", 0, &err) == 0);
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
		    store_bulk_begin(loader, "中断载入", 0, &cerr) != 0)
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

#define CLERKS 8
#define SAVES 25

/* One clerk's process: SAVES times, loads the resident, changes column and saves
 * with what it loaded as the base; a conflict is loaded again and retried, as the
 * screen's "take theirs" does. Exits 0 when every save landed. */
static void clerk_saves(const char *path, int n, int64_t id, const char *column)
{
	char *err = NULL, login[16];
	snprintf(login, sizeof login, "clerk%d", n);
	struct store *st = store_open(path, &err);
	if (!st || store_set_operator(st, login, &err) != 0)
		_exit(2);
	char *sql = xasprintf("SELECT %s FROM resident WHERE id = ?", column);
	int landed = 0;
	for (int i = 0, tries = 0; i < SAVES && tries < 50 * SAVES; tries++) {
		char *base = query_text(st, sql, id), value[32];
		snprintf(value, sizeof value, "%s-%d", login, i);
		struct store_field f[] = {{column, value, true, strcmp(base, "(null)") ? base : NULL}};
		if (store_update(st, "resident", id, f, 1, NULL, &err) == 0) {
			landed++;
			i++;
		}
		free(base);
	}
	free(sql);
	free(err);
	store_close(st);
	_exit(landed == SAVES ? 0 : 1);
}

/* Runs count clerk processes at once on one resident, each on the column that
 * column_of gives it; true when each landed all its saves. */
static bool clerks_at_once(const char *path, int64_t id, int count, const char *(*column_of)(int))
{
	pid_t pids[CLERKS];
	fflush(NULL);
	for (int n = 0; n < count; n++)
		if ((pids[n] = fork()) == 0)
			clerk_saves(path, n, id, column_of(n));
	bool all = true;
	for (int n = 0; n < count; n++) {
		int status = -1;
		waitpid(pids[n], &status, 0);
		all = all && WIFEXITED(status) && WEXITSTATUS(status) == 0;
	}
	return all;
}

/* The resident's free-text columns, one per clerk of the first round. */
static const char *const own_columns[] = {"phone", "notes", "status_reason", "tags", "name"};

static const char *own_column(int n)
{
	return own_columns[n];
}

static const char *notes_column(int n)
{
	return "notes";
}

/* Clerk processes save one resident at once. Five, each on a field of its own: the
 * last save of each is there. Eight, all on one field: no save wrote over a value it had
 * not loaded; each audit entry's before is the after of the entry before it. */
static void test_concurrent_clerks(void)
{
	char *path = db_path("clerks.db"), *err = NULL;
	struct store *st = store_open(path, &err);
	store_set_operator(st, "setup", &err);
	int64_t id = add_resident(st, "并发甲", NULL);
	int own = (int)ARRAY_LEN(own_columns);
	CHECK(clerks_at_once(path, id, own, own_column));
	for (int n = 0; n < own; n++) {
		char *q = xasprintf("SELECT %s FROM resident WHERE id = ?", own_column(n));
		char *want = xasprintf("clerk%d-%d", n, SAVES - 1);
		CHECK_QUERY(st, q, id, want);
		free(q);
		free(want);
	}
	CHECK(clerks_at_once(path, id, CLERKS, notes_column));
	CHECK_INT(query_int(st, "SELECT count(*) FROM audit WHERE tbl = 'resident' AND row_id = ?"
			    " AND json_type(after, '$.notes') IS NOT NULL", id), (CLERKS + 1) * SAVES);
	CHECK_INT(query_int(st, "SELECT count(*) FROM (SELECT json_extract(before, '$.notes') AS b,"
			    " lag(json_extract(after, '$.notes')) OVER (ORDER BY id) AS prev FROM audit"
			    " WHERE tbl = 'resident' AND row_id = ? AND json_type(after, '$.notes') IS NOT NULL)"
			    " WHERE prev IS NOT NULL AND b IS NOT prev", id), 0);
	free(err);
	store_close(st);
	free(path);
}

/* Deletes the settings row 'at_commit_probe': what a form's save does to its draft. */
static int drop_probe(struct store *st, void *ctx)
{
	int *runs = ctx;
	++*runs;
	return sqlite3_exec(store_db(st), "DELETE FROM settings WHERE key = 'at_commit_probe'", NULL, NULL, NULL) ==
			       SQLITE_OK ? 0 : -1;
}

/* Two sessions save one resident from forms loaded before either saved: different
 * fields are merged, a field both changed is refused with both values and who
 * changed it, and nothing of the refused save is written. */
static void test_merged_updates(struct store *st, const char *path)
{
	char *err = NULL;
	struct store *other = store_open(path, &err);
	CHECK(other && store_set_operator(other, "second", &err) == 0);
	int64_t id = add_resident(st, "合并甲", NULL);
	/* both loaded phone and notes empty; the other session saves a phone */
	struct store_field theirs[] = {{"phone", "13911112222", true, NULL}, {"notes", NULL, true, NULL}};
	CHECK(store_update(other, "resident", id, theirs, 2, NULL, &err) == 0);
	/* this one saves notes: its unchanged phone is not written back */
	struct store_field mine[] = {{"phone", NULL, true, NULL}, {"notes", "甲的备注", true, NULL}};
	CHECK(store_update(st, "resident", id, mine, 2, NULL, &err) == 0);
	CHECK_QUERY(st, "SELECT phone || '|' || notes FROM resident WHERE id = ?", id, "13911112222|甲的备注");
	size_t n;
	store_conflicts(st, &n);
	CHECK_INT(n, 0);

	/* both change the phone: the second is refused, naming the first's operator */
	long long audits = audit_count(st);
	struct store_field clash[] = {{"phone", "13733334444", true, NULL}, {"notes", "又改的备注", true, "甲的备注"}};
	CHECK(store_update(st, "resident", id, clash, 2, NULL, &err) == -1);
	CHECK(err && strstr(err, "second"));
	const struct store_conflict *c = store_conflicts(st, &n);
	CHECK_INT(n, 1);
	if (n == 1) {
		CHECK_STR(c[0].column, "phone");
		CHECK_STR(c[0].base, NULL);
		CHECK_STR(c[0].theirs, "13911112222");
		CHECK_STR(c[0].mine, "13733334444");
	}
	CHECK_QUERY(st, "SELECT phone || '|' || notes FROM resident WHERE id = ?", id, "13911112222|甲的备注");
	CHECK_INT(audit_count(st), audits);
	/* with their value as the base (the clerk saw it), his value is written */
	clash[0].base = "13911112222";
	CHECK(store_update(st, "resident", id, clash, 2, NULL, &err) == 0);
	CHECK_QUERY(st, "SELECT phone || '|' || notes FROM resident WHERE id = ?", id, "13733334444|又改的备注");
	free(err);
	store_close(other);
}

/* The at-commit hook's work is durable with the save or undone with it. */
static void test_at_commit(struct store *st)
{
	char *err = NULL;
	int runs = 0;
	CHECK(store_set_setting(st, "at_commit_probe", "draft", &err) == 0);
	store_at_commit(st, drop_probe, &runs);
	CHECK(store_begin(st, &err) == 0);
	add_resident(st, "钩子甲", NULL);
	store_rollback(st);
	CHECK_INT(runs, 0);
	CHECK_QUERY(st, "SELECT value FROM settings WHERE key = 'at_commit_probe'", 0, "draft");
	/* a rollback dropped the hook: the next commit does not run it */
	add_resident(st, "钩子乙", NULL);
	CHECK_INT(runs, 0);
	store_at_commit(st, drop_probe, &runs);
	CHECK(store_begin(st, &err) == 0);
	add_resident(st, "钩子丙", NULL);  /* an inner commit does not run it either */
	CHECK_INT(runs, 0);
	CHECK(store_commit(st, &err) == 0);
	CHECK_INT(runs, 1);
	CHECK_QUERY(st, "SELECT count(*) FROM settings WHERE key = 'at_commit_probe'", 0, "0");
	CHECK_QUERY(st, "SELECT count(*) FROM resident WHERE name = '钩子丙'", 0, "1");
	free(err);
}

/* The whole of a file, or NULL. Caller frees. */
static char *file_bytes(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct strbuf sb = {0};
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sb_append_n(&sb, buf, n);
	fclose(f);
	*len = sb.len;
	return sb_take(&sb);
}

/* True when path-SUFFIX exists. */
static bool beside(const char *path, const char *suffix)
{
	char *p = xasprintf("%s%s", path, suffix);
	bool there = access(p, F_OK) == 0;
	free(p);
	return there;
}

/* Another program's SQLite file (a Firefox places.sqlite: WAL, tables, no
 * application_id; or one in a rollback journal) is refused byte for byte untouched,
 * with nothing left beside it. */
static void test_foreign_untouched(void)
{
	static const char *const modes[] = {"DELETE", "WAL"};
	for (size_t m = 0; m < ARRAY_LEN(modes); m++) {
		char *path = db_path(m ? "places.sqlite" : "photos.db");
		sqlite3 *db;
		sqlite3_open(path, &db);
		char *sql = xasprintf("PRAGMA journal_mode = %s; CREATE TABLE moz_places(id INTEGER PRIMARY KEY, url);"
				      "INSERT INTO moz_places(url) VALUES ('https://example.org/')", modes[m]);
		sqlite3_exec(db, sql, NULL, NULL, NULL);
		free(sql);
		sqlite3_close(db);
		size_t before_len = 0, after_len = 0;
		char *before = file_bytes(path, &before_len);
		char *err = NULL;
		struct store *st = store_open(path, &err);
		CHECK(st == NULL);
		CHECK(err && strstr(err, "another program"));
		store_close(st);
		char *after = file_bytes(path, &after_len);
		CHECK(before && after && before_len == after_len && memcmp(before, after, before_len) == 0);
		CHECK(!beside(path, "-wal") && !beside(path, "-shm") && !beside(path, "-journal"));
		free(before);
		free(after);
		free(err);
		free(path);
	}
}

/* A register made read-only (chmod 400) is refused with a clear message and nothing
 * is created beside it, so that after chmod 600 it opens and takes writes again. */
static void test_read_only_register(void)
{
	char *path = db_path("readonly.db");
	char *err = NULL;
	struct store *st = store_open(path, &err);
	store_set_operator(st, "clerk", &err);
	add_resident(st, "只读前", NULL);
	store_close(st);
	CHECK(chmod(path, 0400) == 0);
	st = store_open(path, &err);
	CHECK(st == NULL);
	CHECK(err && strstr(err, "read-only") && strstr(err, "chmod 600"));
	store_close(st);
	CHECK(!beside(path, "-wal") && !beside(path, "-shm") && !beside(path, "-journal"));
	free(err);
	err = NULL;
	CHECK(chmod(path, 0600) == 0);
	st = store_open(path, &err);
	CHECK(st != NULL);
	if (st) {
		CHECK(store_set_operator(st, "clerk", &err) == 0);
		CHECK(add_resident(st, "只读后", NULL) > 0);
		CHECK_INT(query_int(st, "SELECT count(*) FROM resident", 0), 2);
	}
	CHECK_STR(err, NULL);
	store_close(st);
	free(err);
	free(path);
}

static bool notice_told;
static void note_notice(void)
{
	notice_told = true;
}

/* A bulk load beside an open session (the screen) holds the write lock for its whole
 * length: a session opened meanwhile must open and read at once, without being told
 * that the load has the file to itself. The opening runs in a child that an alarm
 * stops after 3 s. */
static void test_open_beside_load(void)
{
	char *path = db_path("beside.db");
	char *err = NULL;
	struct store *screen = store_open(path, &err);
	store_set_operator(screen, "demo", &err);
	add_resident(screen, "早先", NULL);
	struct store *loader = store_open(path, &err);
	store_set_operator(loader, "demo", &err);
	CHECK(store_bulk_begin(loader, "并行载入", 0, &err) == 0);
	add_many(loader, 2000);
	fflush(NULL);
	pid_t child = fork();
	if (child == 0) {
		alarm(3);
		store_set_open_notice(note_notice);
		char *cerr = NULL;
		struct store *late = store_open(path, &cerr);
		bool ok = late && store_set_operator(late, "demo", &cerr) == 0 &&
			  query_int(late, "SELECT count(*) FROM resident", 0) == 1;
		store_close(late);
		_exit(!ok ? 1 : notice_told ? 2 : 0);
	}
	int status = -1;
	waitpid(child, &status, 0);
	CHECK(WIFEXITED(status));                            /* not stopped by the alarm */
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(store_bulk_end(loader, &err) == 0);
	CHECK_INT(query_int(screen, "SELECT count(*) FROM resident", 0), 2001);
	store_close(loader);
	store_close(screen);
	free(err);
	free(path);
}

/* A full disk under the register (here SQLite's own limit on the file's pages) is
 * named as a full disk, with the file. */
static void test_disk_full(void)
{
	char *path = db_path("full.db");
	char *err = NULL;
	struct store *st = store_open(path, &err);
	store_set_operator(st, "demo", &err);
	long long pages = query_int(st, "PRAGMA page_count", 0);
	char *sql = xasprintf("PRAGMA max_page_count = %lld", pages + 2);
	sqlite3_exec(store_db(st), sql, NULL, NULL, NULL);
	free(sql);
	char notes[3000];
	memset(notes, 'x', sizeof notes - 1);
	notes[sizeof notes - 1] = '\0';
	int rc = 0;
	for (int i = 0; i < 50 && rc == 0; i++) {
		struct store_field f[] = {{"name", "满盘"}, {"notes", notes}, {"form_version", "1"}};
		rc = store_insert(st, "resident", f, ARRAY_LEN(f), NULL, &err);
	}
	CHECK_INT(rc, -1);
	CHECK(err && strstr(err, "the disk is full") && strstr(err, path));
	store_close(st);
	free(err);
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
		test_merged_updates(st, path);
		test_at_commit(st);
		store_close(st);
	}
	free(err);
	free(path);
	test_check();
	test_truncated_chain();
	test_rehashed_chain();
	test_change_without_entry();
	test_no_reseal();
	test_stale_pinyin_keys();
	test_bulk();
	test_bulk_own_references();
	test_bulk_journal();
	test_writers_queue();
	test_concurrent_clerks();
	test_foreign_untouched();
	test_read_only_register();
	test_open_beside_load();
	test_disk_full();
	char *cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(cmd);
	return check_finish();
}
