/* Tests of import and export: the fixtures in tests/data (GBK, GB18030, UTF-8 with a
 * BOM, UTF-16 "Unicode text", a broken GBK byte, a file cut inside a character), what
 * is normalised and what is refused and why, households and heads, the rejects file
 * in the input's encoding, dry runs, mappings, spreadsheets the test makes itself
 * (.xlsx through export, .xls through Perl's Spreadsheet::WriteExcel), GBK exports
 * refused by name, masking, and round trips UTF-8 -> register -> GBK -> register ->
 * GB18030 -> register -> .xlsx -> register that leave every value identical. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <zip.h>

#include "aliases.h"
#include "check.h"
#include "civil.h"
#include "demo.h"
#include "encoding.h"
#include "export.h"
#include "form.h"
#include "i18n.h"
#include "import.h"
#include "store.h"
#include "idcard.h"
#include "util.h"
#include "xlsx.h"

static char dir[] = "/tmp/sz-test-import-XXXXXX";
static struct form_registry *forms;
static const char *data_dir;

/* A path in the test's folder. Caller frees. */
static char *tmp_path(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

/* A fixture's path. Caller frees. */
static char *fixture(const char *name)
{
	return xasprintf("%s/%s", data_dir, name);
}

/* A fresh database. */
static struct store *fresh_store(const char *name)
{
	char *path = tmp_path(name);
	unlink(path);
	char *err = NULL;
	struct store *st = store_open(path, &err);
	if (!st || store_set_operator(st, "tester", &err) != 0) {
		fprintf(stderr, "store: %s\n", err ? err : "?");
		exit(1);
	}
	free(path);
	return st;
}

/* One text value of a query; "(null)" for NULL, "(none)" when no row. Caller frees. */
static char *query_text(struct store *st, const char *sql)
{
	sqlite3_stmt *stmt = NULL;
	char *v = NULL;
	if (sqlite3_prepare_v2(store_db(st), sql, -1, &stmt, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(store_db(st)));
		return xstrdup("(error)");
	}
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = xstrdup(sqlite3_column_type(stmt, 0) == SQLITE_NULL ? "(null)"
								   : (const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	return v ? v : xstrdup("(none)");
}

#define CHECK_QUERY(st, sql, want)                                                 \
	do {                                                                       \
		char *got_ = query_text(st, sql);                                  \
		CHECK_STR(got_, want);                                             \
		free(got_);                                                        \
	} while (0)

/* Every resident's values with its household's, in id order, one line each: what a
 * round trip must keep. Caller frees. */
static char *register_dump(struct store *st)
{
	static const char sql[] =
		"SELECT r.name, r.sex, r.birth_date, r.id_number, r.ethnicity, r.relation, r.phone,"
		" r.political, r.education, r.marital, r.residence, r.living_status, r.status_date,"
		" r.status_reason, r.tags, r.notes, h.hh_no, h.address, h.village_group,"
		" h.head_id = r.id FROM resident r LEFT JOIN household h ON h.id = r.household_id ORDER BY r.id";
	sqlite3_stmt *stmt = NULL;
	struct strbuf sb = {0};
	sqlite3_prepare_v2(store_db(st), sql, -1, &stmt, NULL);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count(stmt); i++) {
			const char *v = (const char *)sqlite3_column_text(stmt, i);
			sb_appendf(&sb, "%s%s", i ? "|" : "", v ? v : "");
		}
		sb_append(&sb, "\n");
	}
	sqlite3_finalize(stmt);
	return sb_take(&sb);
}

/* The whole of a file decoded from enc, or NULL. Caller frees. */
static char *read_decoded(const char *path, enum enc_kind enc)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct enc_reader *r = enc_reader_new(f, enc, NULL);
	struct strbuf sb = {0};
	char buf[4096];
	ssize_t n;
	while (r && (n = enc_reader_read(r, buf, sizeof buf, NULL)) > 0)
		sb_append_n(&sb, buf, (size_t)n);
	enc_reader_free(r);
	fclose(f);
	return sb_take(&sb);
}

/* Writes text to a file in the test's folder; its path. Caller frees. */
static char *write_file(const char *name, const char *text)
{
	char *path = tmp_path(name);
	FILE *f = fopen(path, "wb");
	fputs(text, f);
	fclose(f);
	return path;
}

/* A copy of the shipped forms folder in the test's folder, for a test to change as a
 * township would; its path. Caller frees. */
static char *forms_copy(const char *name)
{
	char *copy = tmp_path(name);
	char *cmd = xasprintf("rm -rf '%s' && cp -r '%s' '%s'", copy,
			      getenv("SHANZHI_FORMS") ? getenv("SHANZHI_FORMS") : "forms", copy);
	CHECK(system(cmd) == 0);
	free(cmd);
	return copy;
}

/* Imports a file; the report in *rep (free it). */
static int run_import(struct store *st, const char *path, const char *map, bool dry,
		      const char *rejects, struct import_report *rep, char **err)
{
	struct import_opts o = {.encoding = ENC_AUTO, .dry_run = dry, .map = map, .rejects_path = rejects};
	return import_residents(st, forms, path, &o, rep, err);
}

/* Exports with the default template; -1 with *err and the report's problems. */
static int run_export(struct store *st, const char *path, enum enc_kind enc, bool unmasked,
		      const char *tpl, struct export_report *rep, char **err)
{
	struct export_opts o = {.template_name = tpl, .encoding = enc, .unmasked = unmasked,
				.reason = unmasked ? "低保年审" : NULL};
	return export_residents(st, forms, path, &o, rep, err);
}

/* The GBK roster: every quirk, every refusal, households and heads. */
static void test_gbk_roster(void)
{
	struct store *st = fresh_store("gbk.db");
	char *path = fixture("roster-gbk.csv"), *rejects = tmp_path("gbk.rejects.csv"), *err = NULL;
	struct import_report rep;
	CHECK_INT(run_import(st, path, NULL, false, rejects, &rep, &err), 0);
	CHECK_INT(rep.rows, 9);
	CHECK_INT(rep.imported, 5);
	CHECK_INT(rep.refused, 4);
	CHECK_INT(rep.households_new, 2);
	CHECK_INT(rep.encoding, ENC_GB18030);
	CHECK(rep.problems && strstr(rep.problems, "第 7 行：") && strstr(rep.problems, "5.20111E+17"));
	CHECK(rep.problems && strstr(rep.problems, "第 8 行：") && strstr(rep.problems, "校验码应为 0"));
	CHECK(rep.problems && strstr(rep.problems, "第 11 行：") && strstr(rep.problems, "第 10 行"));
	CHECK(rep.problems && strstr(rep.problems, "第 12 行：") && strstr(rep.problems, "9001"));
	/* normalised: a leading ', full-width digits, a lowercase x, labels to codes */
	CHECK_QUERY(st, "SELECT id_number FROM resident WHERE name = '龙德明'", "520111197003120111");
	CHECK_QUERY(st, "SELECT id_number FROM resident WHERE name = '张秀英'", "520111197205200224");
	CHECK_QUERY(st, "SELECT id_number FROM resident WHERE name = '吴桂花'", "52011119601010078X");
	CHECK_QUERY(st, "SELECT ethnicity || relation || sex FROM resident WHERE name = '龙德明'", "01021");
	CHECK_QUERY(st, "SELECT ethnicity || relation || sex FROM resident WHERE name = '张秀英'", "06122");
	CHECK_QUERY(st, "SELECT birth_date FROM resident WHERE name = '龙小明'", "1995-01-01");
	CHECK_QUERY(st, "SELECT notes FROM resident WHERE name = '张秀英'", "在外务工\n(浙江宁波)");
	/* households: 9001 headed by 龙德明, 9003 by 王大山 who comes after his wife */
	CHECK_QUERY(st, "SELECT r.name FROM household h JOIN resident r ON r.id = h.head_id WHERE hh_no = '9001'", "龙德明");
	CHECK_QUERY(st, "SELECT r.name FROM household h JOIN resident r ON r.id = h.head_id WHERE hh_no = '9003'", "王大山");
	CHECK_QUERY(st, "SELECT count(*) FROM resident r JOIN household h ON h.id = r.household_id WHERE hh_no = '9001'", "3");
	CHECK_QUERY(st, "SELECT address FROM household WHERE hh_no = '9001'", "青岩镇龙井村1组1号");
	CHECK_QUERY(st, "SELECT count(*) FROM household WHERE hh_no = '9002'", "0");
	/* the load is audited as one entry per table, the search finds the new people */
	CHECK_QUERY(st, "SELECT group_concat(tbl || ':' || action || ':' || json_extract(after, '$.count'), ' ')"
		    " FROM audit WHERE action = 'bulk'", "household:bulk:2 resident:bulk:5");
	/* and names the file it came from */
	char *reason = xasprintf("SELECT count(*) FROM audit WHERE action = 'bulk' AND tbl = 'resident'"
				 " AND instr(reason, '%s') > 0", path);
	CHECK_QUERY(st, reason, "1");
	free(reason);
	CHECK_QUERY(st, "SELECT count(*) FROM resident_key k JOIN resident r ON r.id = k.resident_id"
		    " WHERE r.name = '龙德明' AND k.key = 'p:ldm'", "1");
	char *report = NULL;
	CHECK_INT(store_check(st, &report), 0);
	if (report && *report)
		fprintf(stderr, "%s", report);
	free(report);
	/* the rejects file: GBK like the input, the headers, a reason column */
	char *rej = read_decoded(rejects, ENC_GBK);
	CHECK(rej && strncmp(rej, "户号,姓名,公民身份号码,性别,民族,与户主关系,联系电话,家庭住址,备注,", 90) == 0);
	CHECK(rej && strstr(rej, "9001,龙小红,5.20111E+17,女,汉族,女,,,,第 7 行："));
	/* an ID number as Excel must not take it for a number: ="..." */
	CHECK(rej && strstr(rej, "\r\n9003,王大山,\"=\"\"520111198811110514\"\"\",男,汉族,子,,,,"));
	free(rej);
	/* and the file imports again as it is, the ID number intact */
	struct import_report back;
	struct store *other = fresh_store("gbk-rejects.db");
	char *twice = tmp_path("gbk.rejects.rejects.csv");
	CHECK_INT(run_import(other, rejects, NULL, false, twice, &back, &err), 0);
	CHECK_QUERY(other, "SELECT id_number FROM resident WHERE name = '王大山'", "520111198811110514");
	import_report_free(&back);
	free(twice);
	store_close(other);
	/* importing it again refuses every row: all are in the register now */
	struct import_report again;
	CHECK_INT(run_import(st, path, NULL, true, NULL, &again, &err), 0);
	CHECK_INT(again.imported, 0);
	CHECK(again.problems && strstr(again.problems, "第 2 行：") && strstr(again.problems, "龙德明"));
	import_report_free(&again);
	import_report_free(&rep);
	free(rejects);
	free(path);
	free(err);
	store_close(st);
}

/* A program speaking English still reads a Chinese roster: 户主, 汉, 男 are the
 * code lists' Chinese terms. */
static void test_english_ui(void)
{
	i18n_init("en");
	struct store *st = fresh_store("en.db");
	char *path = fixture("roster-gbk.csv"), *err = NULL;
	struct import_report rep;
	CHECK_INT(run_import(st, path, NULL, true, NULL, &rep, &err), 0);
	CHECK_INT(rep.imported, 5);
	CHECK_INT(rep.refused, 4);
	CHECK(rep.problems && strstr(rep.problems, "line 8: ") && strstr(rep.problems, "check character"));
	import_report_free(&rep);
	free(path);
	store_close(st);
	i18n_init("zh");
}

/* A dry run reports what the import would do and changes nothing. */
static void test_dry_run(void)
{
	struct store *st = fresh_store("dry.db");
	char *path = fixture("roster-gbk.csv"), *rejects = tmp_path("dry.rejects.csv"), *err = NULL;
	struct import_report rep;
	unlink(rejects);
	CHECK_INT(run_import(st, path, NULL, true, rejects, &rep, &err), 0);
	CHECK_INT(rep.imported, 5);
	CHECK_INT(rep.refused, 4);
	CHECK_QUERY(st, "SELECT (SELECT count(*) FROM resident) + (SELECT count(*) FROM household)"
		    " + (SELECT count(*) FROM audit WHERE tbl <> 'operator')", "0");
	CHECK(access(rejects, F_OK) != 0);
	CHECK(rep.rejects_path == NULL);
	char *text = import_report_text(&rep);
	CHECK(strstr(text, "5") && strstr(text, "4"));
	free(text);
	import_report_free(&rep);
	free(rejects);
	free(path);
	store_close(st);
}

/* GB18030 names outside GBK, UTF-16 text, a mapping given by the clerk, broken files. */
static void test_other_files(void)
{
	struct store *st = fresh_store("other.db");
	struct import_report rep;
	char *err = NULL;
	char *path = fixture("roster-gb18030.csv");
	CHECK_INT(run_import(st, path, NULL, false, NULL, &rep, &err), 0);
	CHECK_INT(rep.imported, 2);
	CHECK_QUERY(st, "SELECT group_concat(name, ',') FROM resident", "刘䶮,张𠮷");
	import_report_free(&rep);
	free(path);

	path = fixture("roster-utf16.txt");
	CHECK_INT(run_import(st, path, NULL, false, NULL, &rep, &err), 0);
	CHECK_INT(rep.imported, 1);
	CHECK_STR(rep.format, "TSV");
	CHECK_INT(rep.encoding, ENC_UTF16LE);
	CHECK_QUERY(st, "SELECT relation FROM resident WHERE name = '赵六'", "02");
	import_report_free(&rep);
	free(path);

	/* 证件号 is not a name import knows: without the mapping the ID is lost, so the
	 * row has neither ID nor sex and is refused; with it, imported */
	path = fixture("roster-utf8-bom.csv");
	CHECK_INT(run_import(st, path, NULL, true, NULL, &rep, &err), 0);
	CHECK_INT(rep.refused, 1);
	import_report_free(&rep);
	CHECK_INT(run_import(st, path, "证件号=id_number", false, NULL, &rep, &err), 0);
	CHECK_INT(rep.imported, 1);
	CHECK_INT(rep.encoding, ENC_UTF8_BOM);
	CHECK_QUERY(st, "SELECT name || ' ' || sex || ' ' || phone FROM resident WHERE id_number LIKE '%1985%'",
		    "阿依古丽·买买提 2 13700001234");
	CHECK_QUERY(st, "SELECT village_group FROM household WHERE hh_no = '9201'", "3组");
	import_report_free(&rep);
	CHECK_INT(run_import(st, path, "证件号=no_such_field", true, NULL, &rep, &err), -1);
	CHECK(err && strstr(err, "no_such_field"));
	free(err);
	err = NULL;
	import_report_free(&rep);
	free(path);

	/* a broken byte: line and byte offset, nothing imported */
	char *count = query_text(st, "SELECT count(*) FROM resident");
	long before = atol(count);
	free(count);
	path = fixture("broken-gbk.csv");
	CHECK_INT(run_import(st, path, NULL, false, NULL, &rep, &err), -1);
	CHECK(err && strstr(err, "第 3 行，字节偏移 25"));
	free(err);
	err = NULL;
	import_report_free(&rep);
	free(path);
	path = fixture("truncated-gbk.csv");
	CHECK_INT(run_import(st, path, NULL, false, NULL, &rep, &err), -1);
	CHECK(err && strstr(err, "第 2 行，字节偏移 8") && strstr(err, "字符中间结束"));
	free(err);
	err = NULL;
	import_report_free(&rep);
	free(path);
	char *after = query_text(st, "SELECT count(*) FROM resident");
	CHECK_INT(atol(after), before);
	free(after);
	store_close(st);
}

/* A household the load creates passes the household form's rules too. */
static void test_household_rules(void)
{
	struct store *st = fresh_store("hh.db");
	char *path = tmp_path("hh.csv"), *err = NULL;
	FILE *f = fopen(path, "w");
	fputs("姓名,性别,出生日期,户号,与户主关系,家庭住址\n"
	      "张三,男,1980年1月2日,90 01,户主,一组\n"
	      "李四,女,1981.02.03,9002,户主,二组\n", f);
	fclose(f);
	struct import_report rep;
	CHECK_INT(run_import(st, path, NULL, false, NULL, &rep, &err), 0);
	CHECK_INT(rep.imported, 1);
	CHECK_INT(rep.refused, 1);
	CHECK(rep.problems && strstr(rep.problems, "第 2 行：") && strstr(rep.problems, "空格"));
	CHECK_QUERY(st, "SELECT name || birth_date || sex FROM resident", "李四1981-02-032");
	CHECK_QUERY(st, "SELECT hh_no || address FROM household", "9002二组");
	import_report_free(&rep);
	free(path);
	store_close(st);
}

/* A household whose members are apart in the roster is one household: the load
 * looks up in the register a number it has written (its filter of them says so),
 * and writes one it has not without asking. */
static void test_household_apart(void)
{
	struct store *st = fresh_store("apart.db");
	char *path = write_file("apart.csv", "姓名,性别,出生日期,户号,与户主关系,家庭住址\n"
				"张三,男,1980-01-02,9003,户主,一组\n"
				"李四,女,1981-02-03,9004,户主,二组\n"
				"王五,女,1982-03-04,9003,配偶,一组\n"
				"赵六,男,1983-04-05,9005,户主,三组\n"), *err = NULL;
	struct import_report rep;
	CHECK_INT(run_import(st, path, NULL, false, NULL, &rep, &err), 0);
	CHECK_INT(rep.imported, 4);
	CHECK_INT(rep.households_new, 3);
	CHECK_QUERY(st, "SELECT group_concat(r.name, '') FROM resident r JOIN household h ON h.id = r.household_id"
		    " WHERE hh_no = '9003'", "张三王五");
	CHECK_QUERY(st, "SELECT group_concat(hh_no || address, ' ') FROM household", "9003一组 9004二组 9005三组");
	CHECK_QUERY(st, "PRAGMA quick_check", "ok");
	import_report_free(&rep);
	free(path);
	store_close(st);
}

/* A code list changed by a township (here relation gets a code "2A") can let through
 * what the register's own rules forbid. The load, which has SQLite skip its CHECK
 * constraints, refuses that row by rowcheck's rules, naming the field; the rest goes
 * in, the register passes SQLite's check, and SQLite checks again after the load. */
static void test_rules_beyond_the_form(void)
{
	char *forms_dir = forms_copy("forms-2a");
	char *codes = xasprintf("%s/codes/relation.codes", forms_dir);
	FILE *f = fopen(codes, "a");
	CHECK(f != NULL);
	if (f) {
		fputs("2A\tTester\t测试\n", f);
		fclose(f);
	}
	free(codes);
	char *ferr = NULL;
	struct form_registry *forms_2a = form_registry_load(forms_dir, NULL, &ferr);
	CHECK_STR(ferr, NULL);
	struct store *st = fresh_store("rules-2a.db");
	char *path = write_file("rules-2a.csv", "姓名,性别,出生日期,户号,与户主关系\n"
				"张三,男,1980-01-02,9101,02\n"
				"李四,女,1981-02-03,9101,2A\n"
				"王五,女,1982-03-04,9101,10\n"), *err = NULL;
	struct import_opts o = {.encoding = ENC_AUTO};
	struct import_report rep;
	CHECK_INT(import_residents(st, forms_2a, path, &o, &rep, &err), 0);
	CHECK_INT(rep.imported, 2);
	CHECK_INT(rep.refused, 1);
	CHECK(rep.problems && strstr(rep.problems, "第 3 行：与户主关系：此值不符合登记库的规则（是本地改过的表单或代码表放行了它）"));
	CHECK_QUERY(st, "SELECT group_concat(name || relation, ',') FROM (SELECT * FROM resident ORDER BY id)",
		    "张三02,王五10");
	CHECK_QUERY(st, "PRAGMA quick_check", "ok");
	char *msg = NULL;
	int rc = sqlite3_exec(store_db(st), "INSERT INTO resident (name, relation, form_version) VALUES ('赵六', '2A', 1)",
			      NULL, NULL, &msg);
	CHECK_INT(rc, SQLITE_CONSTRAINT_CHECK);
	sqlite3_free(msg);
	import_report_free(&rep);
	/* into a register with households, a statement a row: the same refusal */
	char *more = write_file("rules-2a-more.csv", "姓名,性别,出生日期,户号,与户主关系\n"
				"孙七,女,1985-01-02,9102,02\n"
				"周八,男,1986-02-03,9102,2A\n");
	CHECK_INT(import_residents(st, forms_2a, more, &o, &rep, &err), 0);
	CHECK_INT(rep.imported, 1);
	CHECK(rep.problems && strstr(rep.problems, "第 3 行：与户主关系：此值不符合登记库的规则（是本地改过的表单或代码表放行了它）"));
	import_report_free(&rep);
	free(more);
	store_close(st);
	form_registry_free(forms_2a);
	free(ferr);
	free(err);
	free(path);
	free(forms_dir);
}

/* ESC sequences and invisible characters are refused in whichever column they come,
 * the status reason of a resident on the register too, naming the line and field;
 * the rest of the file is imported. */
static void test_terminal_escapes(void)
{
	static const struct {
		const char *column, *cell, *want;
	} cases[] = {
		{ "姓名", "龙\x1b]52;c;ZWNobw==\x07发利", "第 2 行：姓名：不允许使用控制字符" },
		{ "变动原因", "迁往\x1b[2J贵阳", "第 2 行：变动原因：不允许使用控制字符" },
		{ "备注", "\x1b]0;title\x07", "第 2 行：备注：不允许使用控制字符" },
		{ "备注", "第一行\xC2\x9B" "31m", "第 2 行：备注：不允许使用控制字符" },
		{ "家庭住址", "一组\x1b[2J", "第 2 行：住址：不允许使用控制字符" },
		{ "乡镇", "青岩镇\x1b[2J", "第 2 行：乡镇：不允许使用控制字符" },
		{ "姓名", "龙\xE2\x80\x8B发利", "第 2 行：姓名：含有不可见字符（U+200B）" },
		{ "姓名", "\xE2\x80\xAE利发龙", "第 2 行：姓名：含有不可见字符（U+202E）" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct store *st = fresh_store("escapes.db");
		char *path = tmp_path("escapes.csv"), *err = NULL;
		FILE *f = fopen(path, "w");
		bool named = strcmp(cases[i].column, "姓名") == 0;
		fprintf(f, "姓名,性别,出生日期,户号,与户主关系,%s\n%s,男,1980-01-01,9001,户主,%s\n"
			"李四,女,1981-02-03,9002,户主,\n", named ? "备用" : cases[i].column,
			named ? cases[i].cell : "龙发利", named ? "" : cases[i].cell);
		fclose(f);
		struct import_report rep;
		CHECK_INT(run_import(st, path, NULL, false, NULL, &rep, &err), 0);
		CHECK_INT(rep.imported, 1);
		CHECK_INT(rep.refused, 1);
		if (!rep.problems || !strstr(rep.problems, cases[i].want))
			fprintf(stderr, "case %zu: %s\n", i, rep.problems ? rep.problems : "(none)");
		CHECK(rep.problems && strstr(rep.problems, cases[i].want));
		CHECK_QUERY(st, "SELECT group_concat(name) FROM resident", "李四");
		import_report_free(&rep);
		free(err);
		free(path);
		store_close(st);
	}
}

/* A township's rule that reads the register (one phone number per resident) holds
 * in an import as in the form: against the residents already there and against
 * the rows of the same file imported before it. */
static void test_rule_reading_the_register(void)
{
	char *forms_dir = forms_copy("forms-phone");
	char *form_path = xasprintf("%s/resident.form", forms_dir);
	char *text = read_decoded(form_path, ENC_UTF8);
	char *at = text ? strstr(text, "[form]\n") : NULL;
	CHECK(at != NULL);
	FILE *f = fopen(form_path, "w");
	if (f && at) {
		fprintf(f, "%.*s[form]\ncheck = :phone IS NULL OR :phone NOT IN"
			" (SELECT phone FROM resident WHERE phone IS NOT NULL)\n"
			"check_msg = 该手机号已登记\n%s", (int)(at - text), text, at + strlen("[form]\n"));
		fclose(f);
	}
	char *ferr = NULL;
	struct form_registry *phone_forms = form_registry_load(forms_dir, NULL, &ferr);
	CHECK_STR(ferr, NULL);

	struct store *st = fresh_store("phone.db");
	char *first = tmp_path("phone1.csv"), *second = tmp_path("phone2.csv"), *err = NULL;
	f = fopen(first, "w");
	fputs("姓名,性别,出生日期,联系电话\n王五,男,1970-01-01,13900000002\n", f);
	fclose(f);
	f = fopen(second, "w");
	fputs("姓名,性别,出生日期,联系电话\n"
	      "赵六,男,1980-01-01,13800000001\n"
	      "钱七,女,1981-01-01,138 0000 0001\n"
	      "孙八,女,1982-01-01,13900000002\n", f);
	fclose(f);
	struct import_opts o = {.encoding = ENC_AUTO};
	struct import_report rep;
	CHECK_INT(import_residents(st, phone_forms, first, &o, &rep, &err), 0);
	CHECK_INT(rep.imported, 1);
	import_report_free(&rep);
	CHECK_INT(import_residents(st, phone_forms, second, &o, &rep, &err), 0);
	CHECK_INT(rep.imported, 1);
	CHECK_INT(rep.refused, 2);
	CHECK(rep.problems && strstr(rep.problems, "第 3 行：该手机号已登记") &&
	      strstr(rep.problems, "第 4 行：该手机号已登记"));
	CHECK_QUERY(st, "SELECT group_concat(name, ',') FROM (SELECT name FROM resident ORDER BY id)", "王五,赵六");
	char *said = import_report_text(&rep);
	CHECK(strstr(said, "各行已逐一对照登记库检查") != NULL);
	free(said);
	import_report_free(&rep);
	store_close(st);

	/* the stock form has no such rule: the same file goes in whole */
	st = fresh_store("phone-stock.db");
	CHECK_INT(run_import(st, second, NULL, false, NULL, &rep, &err), 0);
	CHECK_INT(rep.imported, 3);
	CHECK(!rep.checked_against_register);
	import_report_free(&rep);
	store_close(st);

	form_registry_free(phone_forms);
	free(ferr);
	free(err);
	free(first);
	free(second);
	free(text);
	free(form_path);
	free(forms_dir);
}

/* The header row maps by the names clerks use; overrides by header or number. */
static void test_mapping(void)
{
	const char *headers[] = {"身份证号码", " 姓 名 ", "与户主的关系", "户编号", "村（居）委会", "手机号码*", "备注", "随便"};
	struct import_mapping m;
	char *err = NULL;
	CHECK_INT(import_map_columns(headers, ARRAY_LEN(headers), NULL, &m, &err), 0);
	const char *want[] = {"id_number", "name", "relation", "hh_no", "village", "phone", "notes", NULL};
	for (size_t i = 0; i < ARRAY_LEN(want); i++)
		CHECK_STR(m.targets[i], want[i]);
	import_mapping_free(&m);
	CHECK_INT(import_map_columns(headers, ARRAY_LEN(headers), "8=notes,备注=-", &m, &err), 0);
	CHECK_STR(m.targets[7], "notes");
	CHECK_STR(m.targets[6], NULL);
	import_mapping_free(&m);
	CHECK_INT(import_map_columns(headers, ARRAY_LEN(headers), "99=name", &m, &err), -1);
	CHECK(err && strstr(err, "99"));
	free(err);
	import_mapping_free(&m);
}

/* A headers file is checked line by line, as the forms are: each mistake named as
 * file:line, the good lines of it still read, the header keys compared normalised. */
static void test_aliases_file(void)
{
	char *root = tmp_path("aliases"), *sub = tmp_path("aliases/import");
	char *path = tmp_path("aliases/import/t.aliases");
	CHECK(mkdir(root, 0700) == 0 && mkdir(sub, 0700) == 0);
	FILE *f = fopen(path, "w");
	fputs("# 上级系统\nname = 户员姓名, 成员\nnmae = 名称\nphone 手机\n"
	      "relation = 关系,\nsex = 成员\nvillage = 村（居）委会 *：\n", f);
	fclose(f);
	const char *targets[] = {"name", "phone", "relation", "sex", "village", NULL};
	struct strbuf errors = {0};
	struct aliases *a = aliases_load(root, NULL, targets, &errors);
	char *want3 = xasprintf("%s:3: “nmae”不是列可对应的字段；字段有："
				"name, phone, relation, sex, village\n", path);
	char *want4 = xasprintf("%s:4: 应为“字段 = 表头, 表头, ……”\n", path);
	char *want5 = xasprintf("%s:5: 表头名称为空；应写作“字段 = 表头, 表头, ……”\n", path);
	char *want6 = xasprintf("%s:6: 表头“成员”已给了 name（第 2 行）\n", path);
	CHECK(errors.s && strstr(errors.s, want3) && strstr(errors.s, want4) &&
	      strstr(errors.s, want5) && strstr(errors.s, want6));
	/* a file with a mistake is not used: nothing of it maps a column */
	CHECK_STR(aliases_target(a, "户员姓名"), NULL);
	aliases_free(a);
	sb_free(&errors);

	f = fopen(path, "w");
	fputs("name = 户员姓名，成员\nvillage = 村（居）委会 *：\n", f);   /* a full-width comma too */
	fclose(f);
	a = aliases_load(root, NULL, targets, &errors);
	CHECK_STR(errors.s, NULL);
	char *key = aliases_key(" 村(居)委会：");
	CHECK_STR(aliases_target(a, key), "village");
	CHECK_STR(aliases_target(a, "成员"), "name");
	CHECK_STR(aliases_target(a, "手机"), NULL);
	free(key);
	aliases_free(a);
	free(want3);
	free(want4);
	free(want5);
	free(want6);
	free(path);
	free(sub);
	free(root);
}

/* Writes an .xls with Perl's Spreadsheet::WriteExcel: an ID as text, one as a number. */
static bool make_xls(const char *path)
{
	char *cmd = xasprintf(
		"perl -Mutf8 -MSpreadsheet::WriteExcel -e '"
		"my $b = Spreadsheet::WriteExcel->new($ARGV[0]) or exit 1; my $s = $b->add_worksheet();"
		"$s->write_row(0, 0, [\"姓名\", \"公民身份号码\", \"户号\", \"与户主关系\", \"出生日期\"]);"
		"$s->write_string(1, 0, \"杨秀\"); $s->write_string(1, 1, \"520111199001010022\");"
		"$s->write_string(1, 2, \"9401\"); $s->write_string(1, 3, \"户主\");"
		"$s->write_string(2, 0, \"杨明\"); $s->write_number(2, 1, 520111199202020031);"
		"$s->write_string(2, 2, \"9401\"); $s->write_string(2, 3, \"子\");"
		"$b->close();' '%s'", path);
	int rc = system(cmd);
	free(cmd);
	return rc == 0;
}

/* .xls read through FreeXL: the number Excel made of an ID is refused. */
static void test_xls(void)
{
	char *path = tmp_path("roster.xls");
	CHECK(make_xls(path));
	struct store *st = fresh_store("xls.db");
	struct import_report rep;
	char *err = NULL;
	CHECK_INT(run_import(st, path, NULL, false, NULL, &rep, &err), 0);
	if (err)
		fprintf(stderr, "xls: %s\n", err);
	CHECK_STR(rep.format, "XLS");
	CHECK_INT(rep.imported, 1);
	CHECK_INT(rep.refused, 1);
	CHECK(rep.problems && strstr(rep.problems, "第 3 行：") && strstr(rep.problems, "E+17"));
	CHECK_QUERY(st, "SELECT name || relation FROM resident", "杨秀02");
	/* the rejects of an .xls are an .xlsx (nothing writes .xls), read back here */
	CHECK(rep.rejects_path && strstr(rep.rejects_path, ".rejects.xlsx"));
	struct import_preview p;
	CHECK_INT(import_preview(rep.rejects_path, ENC_AUTO, 5, &p, &err), 0);
	CHECK_INT(p.rows, 2);
	CHECK(p.cols == 6 && strstr(p.cells[1 * p.cols + 5], "E+17"));
	CHECK_STR(p.cells[1 * p.cols + 0], "杨明");
	import_preview_free(&p);
	import_report_free(&rep);
	free(err);
	free(path);
	store_close(st);
}

/* Exports of the demo village: masked by default, IDs kept as text for Excel, GBK
 * refused naming every resident and character it lacks, templates. */
static void test_export(struct store *demo)
{
	struct export_report rep;
	char *err = NULL, *path = tmp_path("masked.csv");
	CHECK_INT(run_export(demo, path, ENC_AUTO, false, NULL, &rep, &err), 0);
	CHECK_INT(rep.rows, 2000);
	char *text = read_decoded(path, ENC_AUTO);
	CHECK(text && strncmp(text, "户号,姓名,公民身份号码,性别,", 30) == 0);
	CHECK(text && strstr(text, "\"=\"\"520111********"));
	CHECK(text && !strstr(text, "=\"\"5201111"));
	free(text);
	FILE *f = fopen(path, "rb");
	/* full numbers leave only with a reason: without one nothing is written */
	char *full = tmp_path("full.csv");
	struct export_opts bare = {.unmasked = true};
	struct export_report none;
	CHECK_INT(export_residents(demo, forms, full, &bare, &none, &err), -1);
	CHECK(err && strstr(err, "必须说明原因"));
	CHECK(access(full, F_OK) != 0);
	export_report_free(&none);
	free(err);
	err = NULL;
	free(full);
	char bom[3] = {0};
	CHECK(f && fread(bom, 1, 3, f) == 3 && memcmp(bom, "\xEF\xBB\xBF", 3) == 0);
	if (f)
		fclose(f);
	export_report_free(&rep);
	free(path);

	path = tmp_path("gbk.csv");
	CHECK_INT(run_export(demo, path, ENC_GBK, true, NULL, &rep, &err), -1);
	CHECK(access(path, F_OK) != 0);
	CHECK(err && strstr(err, "GB18030") && strstr(err, "UTF-8"));
	CHECK(rep.problems && strstr(rep.problems, "（李思䶮）：姓名：“䶮”不在 GBK 中"));
	CHECK(rep.unencodable >= 2);
	char *problems = xstrdup(rep.problems);
	free(err);
	err = NULL;
	export_report_free(&rep);
	/* asked for explicitly, a replacement is used */
	struct export_opts o = {.encoding = ENC_GBK, .unmasked = true, .replace = "?", .reason = "低保年审"};
	CHECK_INT(export_residents(demo, forms, path, &o, &rep, &err), 0);
	CHECK(rep.replaced);
	text = read_decoded(path, ENC_GBK);
	CHECK(text && strstr(text, "李思?"));
	/* the refusal named the line the row is on in the file, header counted as line 1,
	 * as import numbers its lines */
	long line = 1;
	for (const char *c = text; c && *c && strncmp(c, "李思?", strlen("李思?")) != 0; c++)
		line += *c == '\n';
	char *want = xasprintf("第 %ld 行（李思䶮）", line);
	CHECK(line > 2 && problems && strstr(problems, want));
	free(want);
	free(problems);
	free(text);
	export_report_free(&rep);
	free(path);

	/* the shipped templates: 低保 roster in GBK with Chinese dates, grid roster */
	path = tmp_path("dibao.csv");
	CHECK_INT(run_export(demo, path, ENC_AUTO, false, "dibao", &rep, &err), 0);
	CHECK_INT(rep.encoding, ENC_GBK);
	CHECK(rep.rows > 0);
	text = read_decoded(path, ENC_GBK);
	CHECK(text && strncmp(text, "乡镇,村(居)委会,户号,户主姓名,家庭人口,姓名,与户主关系,", 40) == 0);
	CHECK(text && strstr(text, "年") && strstr(text, "月") && strstr(text, ",是,"));
	free(text);
	export_report_free(&rep);
	free(path);
	path = tmp_path("grid.xlsx");
	CHECK_INT(run_export(demo, path, ENC_AUTO, false, "grid", &rep, &err), 0);
	struct import_preview p;
	CHECK_INT(import_preview(path, ENC_AUTO, 3, &p, &err), 0);
	CHECK(p.cols > 10);
	CHECK_STR(p.cells[2], "网格");
	CHECK(strstr(p.cells[p.cols + 2], "网格") != NULL);
	import_preview_free(&p);
	export_report_free(&rep);
	free(path);
	char **names = export_template_names();
	CHECK_STR(names[0], "residents");
	int n = 0;
	for (size_t i = 0; names[i]; i++, n++)
		free(names[i]);
	free(names);
	CHECK(n >= 3);
}

/* A template's errors name file and line. */
static void test_template_errors(void)
{
	char *err = NULL;
	struct export_template *t = export_template_parse("bad.tpl",
		"[template]\nname = x\nencoding = latin1\n[column]\nheader = a\ntype = money\n[column]\nvalue = 1\n",
		&err);
	CHECK(t == NULL);
	CHECK(err && strstr(err, "bad.tpl:3: ") && strstr(err, "latin1"));
	CHECK(err && strstr(err, "bad.tpl:6: ") && strstr(err, "money"));
	CHECK(err && strstr(err, "bad.tpl:4: ") && strstr(err, "value"));
	CHECK(err && strstr(err, "bad.tpl:7: ") && strstr(err, "header"));
	free(err);
	err = NULL;
	t = export_template_parse("ok.tpl", "[template]\nname = ok\n[column]\nheader = 姓名\nvalue = r.name\n", &err);
	CHECK(t != NULL);
	export_template_free(t);
}

/* Exports one register and imports it into a fresh one; true when identical. */
static bool round_trip(struct store *from, const char *file, enum enc_kind enc, const char *dbname,
		       struct store **to)
{
	struct export_report rep;
	char *err = NULL, *path = tmp_path(file);
	int rc = run_export(from, path, enc, true, NULL, &rep, &err);
	if (rc != 0)
		fprintf(stderr, "export %s: %s\n%s", file, err ? err : "?", rep.problems ? rep.problems : "");
	export_report_free(&rep);
	free(err);
	err = NULL;
	*to = fresh_store(dbname);
	struct import_report irep;
	if (rc == 0 && run_import(*to, path, NULL, false, NULL, &irep, &err) != 0) {
		fprintf(stderr, "import %s: %s\n", file, err ? err : "?");
		rc = -1;
	}
	if (rc == 0 && irep.refused)
		fprintf(stderr, "import %s refused:\n%s", file, irep.problems);
	bool ok = rc == 0 && irep.refused == 0;
	if (rc == 0)
		import_report_free(&irep);
	free(err);
	free(path);
	char *a = register_dump(from), *b = register_dump(*to);
	ok = ok && strcmp(a, b) == 0 && strlen(a) > 0;
	free(a);
	free(b);
	return ok;
}

/* UTF-8 -> register -> GB18030 -> register -> .xlsx -> register, and GBK on a
 * register GBK can hold. */
static void test_round_trips(struct store *demo)
{
	struct store *a, *b, *c, *d, *e;
	CHECK(round_trip(demo, "rt.csv", ENC_UTF8, "rt-a.db", &a));
	CHECK(round_trip(a, "rt-18030.csv", ENC_GB18030, "rt-b.db", &b));
	CHECK(round_trip(b, "rt.xlsx", ENC_AUTO, "rt-c.db", &c));
	CHECK_QUERY(c, "SELECT count(*) FROM resident WHERE name LIKE '%䶮%' OR name LIKE '%𬱖%'", "2");
	/* GBK: the demo minus the names GBK lacks */
	CHECK_INT(sqlite3_exec(store_db(c), "UPDATE resident SET name = replace(replace(name, '䶮', '岩'), '𬱖', '明')",
			       NULL, NULL, NULL), SQLITE_OK);
	CHECK(round_trip(c, "rt-gbk.csv", ENC_GBK, "rt-d.db", &d));
	CHECK(round_trip(d, "rt-gbk.txt", ENC_GBK, "rt-e.db", &e));
	store_close(a);
	store_close(b);
	store_close(c);
	store_close(d);
	store_close(e);
}

/* Adds a part to the zip being built; the zip frees the text. */
static void zip_part(zip_t *z, const char *name, char *text)
{
	zip_source_t *src = zip_source_buffer(z, text, strlen(text), 1);
	CHECK(src && zip_file_add(z, name, src, ZIP_FL_OVERWRITE) >= 0);
}

#define SPREADSHEET_NS "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

/* Writes name in the test folder as the smallest .xlsx a reader meets: the shared
 * strings (<si> elements) and the first worksheet's rows (<row> elements). Caller
 * frees the path. */
static char *write_workbook(const char *name, const char *shared, const char *rows)
{
	char *path = tmp_path(name);
	unlink(path);
	int zerr = 0;
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	CHECK(z != NULL);
	if (z) {
		zip_part(z, "xl/sharedStrings.xml",
			 xasprintf("<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"" SPREADSHEET_NS "\">%s</sst>",
				   shared));
		zip_part(z, "xl/worksheets/sheet1.xml",
			 xasprintf("<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"" SPREADSHEET_NS "\">"
				   "<sheetData>%s</sheetData></worksheet>", rows));
		CHECK(zip_close(z) == 0);
	}
	return path;
}

/* A workbook as Excel and WPS write it: every text cell a "s" cell pointing into
 * xl/sharedStrings.xml, the labels repeated, names and ID numbers all different. */
static char *shared_string_workbook(const char *name, int rows)
{
	struct strbuf sst = {0}, sheet = {0};
	static const char *const header[] = {"姓名", "公民身份号码", "性别", "民族"};
	for (size_t i = 0; i < ARRAY_LEN(header); i++)
		sb_appendf(&sst, "<si><t>%s</t></si>", header[i]);
	/* 男 4, 女 5, 汉族 6 (a rich text of two runs); each row's name and ID number after */
	sb_append(&sst, "<si><t>男</t></si><si><t>女</t></si><si><r><t>汉</t></r><r><t>族</t></r></si>");
	int n = (int)ARRAY_LEN(header) + 3;
	sb_append(&sheet, "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
			  "<c r=\"C1\" t=\"s\"><v>2</v></c><c r=\"D1\" t=\"s\"><v>3</v></c></row>");
	for (int r = 0; r < rows; r++) {
		char id[19];
		/* a day of January 1980 for each thousand, the sequence number within it */
		snprintf(id, sizeof id, "520111198001%02d%03d", 1 + r / 1000 % 28, r % 1000);
		id[17] = idcard_check_char(id);
		id[18] = '\0';
		sb_appendf(&sst, "<si><t>表格%d号</t></si><si><t>%s</t></si>", r, id);
		bool male = (id[16] - '0') % 2 == 1;
		sb_appendf(&sheet, "<row r=\"%d\"><c r=\"A%d\" t=\"s\"><v>%d</v></c><c r=\"B%d\" t=\"s\"><v>%d</v></c>"
				   "<c r=\"C%d\" t=\"s\"><v>%d</v></c><c r=\"D%d\" t=\"s\"><v>6</v></c></row>",
			   r + 2, r + 2, n, r + 2, n + 1, r + 2, male ? 4 : 5, r + 2);
		n += 2;
	}
	char *path = write_workbook(name, sst.s, sheet.s);
	sb_free(&sst);
	sb_free(&sheet);
	return path;
}

/* The shared strings in memory and moved to a temporary file give the same register.
 * 1300 rows: more import batches (256 rows) than the queue holds (4), and ID numbers
 * on two days; the 4096-byte limit spills after a few dozen strings. */
#define SHARED_ROWS 1300
static void test_shared_strings(void)
{
	char *path = shared_string_workbook("shared.xlsx", SHARED_ROWS);
	char *dumps[2] = {NULL, NULL};
	static const size_t limits[] = {8u << 20, 4096};
	for (size_t k = 0; k < ARRAY_LEN(limits); k++) {
		sheet_set_shared_memory_max(limits[k]);
		char *db = xasprintf("shared-%zu.db", k);
		struct store *st = fresh_store(db);
		struct import_report rep;
		char *err = NULL;
		CHECK_INT(run_import(st, path, NULL, false, NULL, &rep, &err), 0);
		CHECK_STR(err, NULL);
		CHECK_INT(rep.imported, SHARED_ROWS);
		CHECK_INT(rep.refused, 0);
		CHECK_QUERY(st, "SELECT name || ' ' || id_number || ' ' || sex || ' ' || ethnicity FROM resident"
			    " ORDER BY id LIMIT 1", "表格0号 520111198001010001 2 01");
		CHECK_QUERY(st, "SELECT name || ' ' || sex || ' ' || ethnicity FROM resident ORDER BY id DESC LIMIT 1",
			    "表格1299号 1 01");
		dumps[k] = register_dump(st);
		import_report_free(&rep);
		free(err);
		store_close(st);
		free(db);
	}
	CHECK(dumps[0] && dumps[1] && strcmp(dumps[0], dumps[1]) == 0);
	sheet_set_shared_memory_max(8u << 20);
	free(dumps[0]);
	free(dumps[1]);
	free(path);
}

/* A text cell pointing past the shared strings is a damaged workbook, said with its
 * row and cell, and nothing is imported; it used to read as an empty cell. */
static void test_damaged_shared(void)
{
	char *path = write_workbook("damaged.xlsx", "<si><t>姓名</t></si><si><t>龙发利</t></si>",
				    "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"
				    "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>1</v></c></row>"
				    "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>7</v></c></row>");
	struct store *st = fresh_store("damaged.db");
	struct import_report rep;
	char *err = NULL;
	CHECK_INT(run_import(st, path, NULL, false, NULL, &rep, &err), -1);
	CHECK(err && strstr(err, "A3") && strstr(err, "7") && strstr(err, "damaged.xlsx"));
	CHECK_QUERY(st, "SELECT count(*) FROM resident", "0");
	import_report_free(&rep);
	free(err);
	store_close(st);
	free(path);
}

static long resident_count(struct store *st)
{
	char *n = query_text(st, "SELECT count(*) FROM resident");
	long v = atol(n);
	free(n);
	return v;
}

/* A full disk of our own: a device node like /dev/full (every write fails with
 * ENOSPC) in the test's folder, so that a program removing or replacing it harms
 * nothing; a link to /dev/full where device nodes cannot be made. Caller frees. */
static char *full_device(const char *name)
{
	char *path = tmp_path(name);
	unlink(path);
	if (mknod(path, S_IFCHR | 0600, makedev(1, 7)) != 0 && symlink("/dev/full", path) != 0)
		fprintf(stderr, "%s: cannot make a full device\n", path);
	return path;
}

static bool is_device(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 && S_ISCHR(sb.st_mode);
}

/* The rejects file on a full disk: the import fails and nothing of it is
 * committed, and the device is left in place. */
static void test_rejects_disk_full(void)
{
	struct store *st = fresh_store("rejects-full.db");
	char *path = fixture("roster-gbk.csv"), *full = full_device("full-rejects"), *err = NULL;
	struct import_report rep;
	CHECK(is_device(full));
	CHECK_INT(run_import(st, path, NULL, false, full, &rep, &err), -1);
	CHECK(err && strstr(err, full));
	CHECK_INT(resident_count(st), 0);
	CHECK_QUERY(st, "SELECT count(*) FROM household", "0");
	CHECK_QUERY(st, "SELECT count(*) FROM audit WHERE action = 'bulk'", "0");
	CHECK_INT(rep.imported, 0);
	CHECK(is_device(full));
	import_report_free(&rep);
	free(err);
	free(full);
	free(path);
	store_close(st);
}

/* An export that runs out of room (the file size limit, as a full disk) fails,
 * leaves no file nor half of one, and never says it wrote its rows. In a child: the
 * limit is the process's. */
static void test_export_disk_full(struct store *demo)
{
	char *path = tmp_path("full-export.csv"), *part = tmp_path("full-export.csv.part");
	fflush(NULL);
	pid_t child = fork();
	if (child == 0) {
		signal(SIGXFSZ, SIG_IGN);
		struct rlimit lim = {.rlim_cur = 16384, .rlim_max = 16384};
		setrlimit(RLIMIT_FSIZE, &lim);
		struct export_report rep;
		char *err = NULL;
		int rc = run_export(demo, path, ENC_UTF8, false, NULL, &rep, &err);
		char *text = export_report_text(&rep);
		bool said = strstr(text, "已写入") != NULL;
		_exit(rc != -1 ? 1 : !err ? 2 : said ? 3 : 0);
	}
	int status = -1;
	waitpid(child, &status, 0);
	CHECK(WIFEXITED(status));
	CHECK_INT(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0);
	CHECK(access(path, F_OK) != 0);
	CHECK(access(part, F_OK) != 0);
	/* and to a full device: written as it is, never replaced by a file */
	char *full = full_device("full-out.csv");
	struct export_report rep;
	char *err = NULL;
	CHECK_INT(run_export(demo, full, ENC_UTF8, false, NULL, &rep, &err), -1);
	CHECK(err && strstr(err, full));
	char *text = export_report_text(&rep);
	CHECK(text && !strstr(text, "已写入"));
	CHECK(is_device(full));
	free(text);
	free(err);
	export_report_free(&rep);
	free(full);
	free(part);
	free(path);
}

/* The register's disk full half-way through the rows (SQLite's own limit on the
 * file's pages): the message says the disk is full and names the register, and
 * nothing is imported. */
static void test_register_disk_full(void)
{
	struct store *st = fresh_store("register-full.db");
	struct strbuf csv = {0};
	sb_append(&csv, "姓名,性别,出生日期,备注\n");
	for (int i = 0; i < 2000; i++)
		sb_appendf(&csv, "张伟,男,1980-01-01,%0200d\n", i);
	char *path = write_file("register-full.csv", csv.s);
	sb_free(&csv);
	char *pages = query_text(st, "PRAGMA page_count");
	char *sql = xasprintf("PRAGMA max_page_count = %ld", atol(pages) + 20);
	free(pages);
	sqlite3_exec(store_db(st), sql, NULL, NULL, NULL);
	free(sql);
	char *err = NULL;
	struct import_report rep;
	CHECK_INT(run_import(st, path, NULL, false, NULL, &rep, &err), -1);
	CHECK(err && strstr(err, "磁盘已满") && strstr(err, store_path(st)));
	CHECK_INT(resident_count(st), 0);
	import_report_free(&rep);
	free(err);
	free(path);
	store_close(st);
}

/* Excel's text marker ' is taken off ID and phone numbers only: a name, an address or
 * a note that starts with ' keeps it. A tab in a cell refuses the row, naming the
 * line and the column, instead of becoming a space without a word. */
static void test_marker_and_tab(void)
{
	struct store *st = fresh_store("marker.db");
	char *path = write_file("marker.csv",
				"户号,姓名,公民身份号码,联系电话,家庭住址,备注\n"
				"9201,阿依古丽,'520111198505050920,'13700001234,'老屋,'待核实\n"
				"9202,张\t三,520111197003120111,,青岩镇,\n"
				"9203,李四,520111197205200224,,青岩镇,在外\t务工\n");
	char *rejects = tmp_path("marker.rejects.csv"), *err = NULL;
	struct import_report rep;
	CHECK_INT(run_import(st, path, NULL, false, rejects, &rep, &err), 0);
	CHECK_INT(rep.imported, 1);
	CHECK_INT(rep.refused, 2);
	CHECK_QUERY(st, "SELECT id_number || ' ' || phone || ' ' || notes FROM resident WHERE name = '阿依古丽'",
		    "520111198505050920 13700001234 '待核实");
	CHECK_QUERY(st, "SELECT address FROM household WHERE hh_no = '9201'", "'老屋");
	CHECK_QUERY(st, "SELECT count(*) FROM resident WHERE name LIKE '张%'", "0");
	CHECK(rep.problems && strstr(rep.problems, "第 3 行：") && strstr(rep.problems, "姓名") &&
	      strstr(rep.problems, "制表符"));
	CHECK(rep.problems && strstr(rep.problems, "第 4 行：") && strstr(rep.problems, "备注：") &&
	      strstr(rep.problems, "制表符"));
	char *rej = read_decoded(rejects, ENC_UTF8);
	CHECK(rej && strstr(rej, "张\t三") && strstr(rej, "制表符"));
	free(rej);
	import_report_free(&rep);
	free(err);
	free(rejects);
	free(path);
	store_close(st);
}

/* A 性别 that contradicts the ID number is refused, naming the row, whatever the row
 * before it was: 张丽 follows a woman, 赵敏 a man, both have a man's ID number. */
static void test_sex_against_id(void)
{
	struct store *st = fresh_store("sex.db");
	char *path = write_file("sex.csv", "姓名,公民身份号码,性别\n"
				"王芳,520111198503120024,女\n"
				"张丽,520111199007040038,女\n"
				"李强,520111198808080051,男\n"
				"赵敏,520111199202020075,女\n");
	char *rejects = tmp_path("sex.rejects.csv"), *err = NULL;
	struct import_report rep;
	CHECK_INT(run_import(st, path, NULL, false, rejects, &rep, &err), 0);
	CHECK_INT(rep.imported, 2);
	CHECK_INT(rep.refused, 2);
	CHECK_QUERY(st, "SELECT group_concat(name || sex, ',') FROM (SELECT name, sex FROM resident ORDER BY id)",
		    "王芳2,李强1");
	char *rej = read_decoded(rejects, ENC_UTF8);
	CHECK(rej && strstr(rej, "张丽") && strstr(rej, "赵敏"));
	CHECK(rej && strstr(rej, "性别：根据公民身份号码应为男，而不是女"));
	free(rej);
	import_report_free(&rep);
	free(rejects);
	free(path);
	free(err);
	store_close(st);
}

/* ---- search keys made while reading (import-keys.h) ---- */

/* The ID number of roster person k: born 19YY-MM-DD, sequence k, its check character. */
static void id_for(unsigned k, char out[19])
{
	char first[32];
	snprintf(first, sizeof first, "52011119%02u%02u%02u%03u", 70 + k % 30, 1 + k % 12, 1 + k % 28, k % 1000);
	memcpy(out, first, 17);
	out[17] = idcard_check_char(out);
	out[18] = '\0';
}

/* A UTF-8 roster of n people from `from` on: households of three, names that share
 * their ends and initials (some a minority name with its ·, one outside the BMP),
 * phones written with spaces or missing. extra is appended as rows. Caller frees. */
static char *keys_roster(const char *name, int from, int n, const char *extra)
{
	static const char *const family[] = {"龙", "张", "王", "阿依古丽·", "曾", "吴"};
	static const char *const given[] = {"发利", "𠮷", "小明", "买买提", "德明", "秀英", "明"};
	struct strbuf sb = {0};
	sb_append(&sb, "户号,姓名,公民身份号码,与户主关系,联系电话\n");
	for (int k = from; k < from + n; k++) {
		char id[19];
		id_for(k, id);
		sb_appendf(&sb, "%d,%s%s,%s,%s,", 7000 + k / 3, family[k % ARRAY_LEN(family)],
			   given[(k / 2) % ARRAY_LEN(given)], id, k % 3 ? "子" : "户主");
		if (k % 4)
			sb_appendf(&sb, "%s139 %04d %04d", k % 4 == 1 ? " " : "", k % 10000, k);
		sb_append(&sb, "\n");
	}
	sb_append(&sb, extra ? extra : "");
	char *path = write_file(name, sb.s);
	sb_free(&sb);
	return path;
}

/* resident_key against the keys sz_search_keys makes of every resident as stored:
 * "extra missing" counts, "0 0" when they agree. */
#define KEYS_AGREE_SQL                                                                      \
	"WITH made(key, id) AS (SELECT j.value, r.id FROM resident r,"                      \
	" json_each(sz_search_keys(r.name, r.id_number, r.phone)) j)"                       \
	" SELECT (SELECT count(*) FROM (SELECT key, resident_id FROM resident_key EXCEPT"   \
	" SELECT key, id FROM made)) || ' ' || (SELECT count(*) FROM (SELECT key, id FROM"  \
	" made EXCEPT SELECT key, resident_id FROM resident_key))"

/* Imports path with a small buffer of keys (many runs through the temporary file). */
static int import_small_keys(struct store *st, const char *path, struct import_report *rep, char **err)
{
	struct import_opts o = {.encoding = ENC_AUTO, .keys_memory = 4096};
	return import_residents(st, forms, path, &o, rep, err);
}

/* The files in a folder. */
static int files_in(const char *path)
{
	char *cmd = xasprintf("ls -A '%s' | wc -l", path);
	FILE *p = popen(cmd, "r");
	int n = -1;
	if (!p || fscanf(p, "%d", &n) != 1)
		n = -1;
	if (p)
		pclose(p);
	free(cmd);
	return n;
}

/* The keys the reading thread makes and sorts in runs are exactly those of the
 * residents written, under their ids: into a register that has residents already,
 * with a row the reader refuses (a wrong check character), rows the writer refuses
 * after the reader accepted them (an ID number twice in the file, one already in
 * the register), and beside another session (the load stays in WAL). No temporary
 * file is left behind. */
static void test_keys_while_reading(void)
{
	char *tmpdir = tmp_path("keys-tmp"), *err = NULL;
	mkdir(tmpdir, 0700);
	const char *saved = getenv("TMPDIR");
	char *old_tmpdir = saved ? xstrdup(saved) : NULL;
	setenv("TMPDIR", tmpdir, 1);
	struct store *st = fresh_store("keys.db");
	struct import_report rep;
	char *first = keys_roster("keys1.csv", 0, 60, NULL);
	CHECK_INT(import_small_keys(st, first, &rep, &err), 0);
	CHECK_INT(rep.imported, 60);
	import_report_free(&rep);
	CHECK_QUERY(st, KEYS_AGREE_SQL, "0 0");
	char id_twice[19], id_registered[19], id_bad[19], id_last[19];
	id_for(130, id_twice);
	id_for(950, id_last);
	id_for(7, id_registered);
	id_for(900, id_bad);
	id_bad[17] = id_bad[17] == '1' ? '2' : '1';
	char *extra = xasprintf("8001,王重号,%s,户主,13900000001\n"  /* 130 again: the writer refuses */
				"8002,龙已登记,%s,户主,13900000002\n"  /* in the register: likewise */
				"8003,张错号,%s,户主,13900000003\n"    /* the reader refuses */
				"8004,吴最后,%s,户主,13900000004\n",
				id_twice, id_registered, id_bad, id_last);
	char *second = keys_roster("keys2.csv", 100, 240, extra);
	CHECK_INT(import_small_keys(st, second, &rep, &err), 0);
	CHECK_INT(rep.imported, 241);
	CHECK_INT(rep.refused, 3);
	import_report_free(&rep);
	CHECK_QUERY(st, "SELECT count(*) > 2000 FROM resident_key", "1");
	CHECK_QUERY(st, KEYS_AGREE_SQL, "0 0");
	/* the last row, written after the refusals, is found under its own id */
	CHECK_QUERY(st, "SELECT r.name FROM resident_key k JOIN resident r ON r.id = k.resident_id"
		    " WHERE k.key = 'm:40000000931'", "吴最后");
	char *report = NULL;
	CHECK_INT(store_check(st, &report), 0);
	free(report);
	CHECK_INT(files_in(tmpdir), 0);

	/* another session has the file open: the load stays in WAL, the keys the same */
	char *other_err = NULL;
	struct store *other = store_open(store_path(st), &other_err);
	CHECK(other != NULL);
	char *third = keys_roster("keys3.csv", 400, 90, NULL);
	CHECK_INT(import_small_keys(st, third, &rep, &err), 0);
	CHECK_INT(rep.imported, 90);
	import_report_free(&rep);
	CHECK_QUERY(st, "PRAGMA journal_mode", "wal");
	CHECK_QUERY(st, KEYS_AGREE_SQL, "0 0");
	CHECK_QUERY(other, "SELECT count(*) FROM resident", "391");
	store_close(other);
	free(other_err);
	CHECK_INT(files_in(tmpdir), 0);

	if (old_tmpdir)
		setenv("TMPDIR", old_tmpdir, 1);
	else
		unsetenv("TMPDIR");
	free(old_tmpdir);
	free(third);
	free(second);
	free(extra);
	free(first);
	free(err);
	free(tmpdir);
	store_close(st);
}

/* A temporary file that cannot be made (TMPDIR is not a folder): the import says so,
 * naming the folder, and nothing of it is written. */
static void test_keys_no_tmpdir(void)
{
	const char *saved = getenv("TMPDIR");
	char *old_tmpdir = saved ? xstrdup(saved) : NULL;
	setenv("TMPDIR", "/dev/null/nowhere", 1);
	struct store *st = fresh_store("keys-notmp.db");
	char *path = keys_roster("keys-notmp.csv", 0, 200, NULL), *err = NULL;
	struct import_report rep;
	CHECK_INT(import_small_keys(st, path, &rep, &err), -1);
	CHECK(err && strstr(err, "/dev/null/nowhere") && strstr(err, "TMPDIR"));
	CHECK_INT(rep.imported, 0);
	CHECK_INT(resident_count(st), 0);
	CHECK_QUERY(st, "SELECT (SELECT count(*) FROM household) + (SELECT count(*) FROM resident_key)"
		    " + (SELECT count(*) FROM audit WHERE action = 'bulk')", "0");
	import_report_free(&rep);
	/* what fits in the buffer needs no file: a small roster goes in all the same */
	char *small = keys_roster("keys-notmp-small.csv", 0, 5, NULL);
	free(err);
	err = NULL;
	CHECK_INT(import_small_keys(st, small, &rep, &err), 0);
	CHECK_INT(rep.imported, 5);
	CHECK_QUERY(st, KEYS_AGREE_SQL, "0 0");
	import_report_free(&rep);
	if (old_tmpdir)
		setenv("TMPDIR", old_tmpdir, 1);
	else
		unsetenv("TMPDIR");
	free(old_tmpdir);
	free(small);
	free(path);
	free(err);
	store_close(st);
}

/* A roster naming groups the demo village has not (33组, 21组): those rows are
 * refused with their line and the groups listed; 3 is taken for 3组. With
 * new_groups a dry run says which groups it would add, an import adds them. */
static void test_groups(struct store *demo)
{
	char *path = write_file("groups.csv", "姓名,公民身份号码,与户主关系,户号,村民小组\n"
					      "张三,52011119800101001X,户主,9000001,3\n"
					      "李四,52011119820202002X,户主,9000002,33组\n"
					      "王五,520111198303030016,户主,9000003,21组\n"
					      "赵六,520111198404040010,户主,9000004,33组\n");
	char *rejects = tmp_path("groups.rejects.csv"), *err = NULL;
	struct import_report rep;
	struct import_opts o = {.encoding = ENC_AUTO, .dry_run = true, .rejects_path = rejects};
	CHECK_INT(import_residents(demo, forms, path, &o, &rep, &err), 0);
	CHECK_INT(rep.imported, 1);
	CHECK_INT(rep.refused, 3);
	CHECK_STR(rep.groups_unknown, "33组（龙井村）、21组（龙井村）");
	CHECK(rep.problems && strstr(rep.problems, "第 3 行：村民小组：33组 不是可选值（1组、2组、3组、"));
	CHECK(rep.problems && strstr(rep.problems, "第 4 行：村民小组：21组 不是可选值"));
	char *text = import_report_text(&rep);
	CHECK(strstr(text, "或加 --new-groups 重新导入）：33组（龙井村）、21组（龙井村）。"));
	free(text);
	import_report_free(&rep);

	o.new_groups = true;
	CHECK_INT(import_residents(demo, forms, path, &o, &rep, &err), 0);
	CHECK_INT(rep.imported, 4);
	CHECK_STR(rep.groups_added, "33组（龙井村）、21组（龙井村）");
	text = import_report_text(&rep);
	CHECK(strstr(text, "将新增的村民小组：33组（龙井村）、21组（龙井村）。"));
	free(text);
	import_report_free(&rep);
	CHECK_QUERY(demo, "SELECT count(*) FROM village_group WHERE name IN ('33组', '21组')", "0");

	o.dry_run = false;
	CHECK_INT(import_residents(demo, forms, path, &o, &rep, &err), 0);
	CHECK_INT(rep.imported, 4);
	import_report_free(&rep);
	CHECK_QUERY(demo, "SELECT group_concat(hh_no || '=' || village_group, ' ') FROM household"
		    " WHERE hh_no LIKE '900000_'", "9000001=3组 9000002=33组 9000003=21组 9000004=33组");
	CHECK_QUERY(demo, "SELECT group_concat(name, ',') FROM (SELECT name FROM village_group"
		    " WHERE name IN ('33组', '21组') ORDER BY sort)", "33组,21组");
	char *report = NULL;
	CHECK_INT(store_check(demo, &report), 0);
	if (report && *report)
		fprintf(stderr, "%s", report);
	free(report);
	free(err);
	free(rejects);
	free(path);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	setenv("TZ", "Asia/Shanghai", 1);
	civil_set_fixed_today("2026-11-26");
	i18n_init("zh");
	const char *root = getenv("SOURCE_ROOT");
	char *data = xasprintf("%s/tests/data", root ? root : ".");
	data_dir = data;
	char *ferr = NULL;
	forms = form_registry_load(getenv("SHANZHI_FORMS") ? getenv("SHANZHI_FORMS") : "forms", NULL, &ferr);
	if (ferr && *ferr)
		fprintf(stderr, "forms: %s\n", ferr);
	free(ferr);

	test_mapping();
	test_aliases_file();
	test_template_errors();
	test_gbk_roster();
	test_dry_run();
	test_english_ui();
	test_household_rules();
	test_household_apart();
	test_rules_beyond_the_form();
	test_terminal_escapes();
	test_rule_reading_the_register();
	test_other_files();
	test_xls();
	test_shared_strings();
	test_damaged_shared();
	test_rejects_disk_full();
	test_register_disk_full();
	test_marker_and_tab();
	test_sex_against_id();
	test_keys_while_reading();
	test_keys_no_tmpdir();
	struct store *demo = fresh_store("demo.db");
	char *err = NULL;
	if (demo_create(demo, 2000, 20261126, 0, &err) != 0)
		fprintf(stderr, "demo: %s\n", err ? err : "?");
	free(err);
	test_export(demo);
	test_export_disk_full(demo);
	test_round_trips(demo);
	test_groups(demo);
	store_close(demo);

	form_registry_free(forms);
	free(data);
	char *rm = xasprintf("rm -rf '%s'", dir);
	if (system(rm) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(rm);
	return check_finish();
}
