/* Tests of the resident search: each kind of query finds the right residents and not
 * the others, keys follow edits, pages do not repeat, and every lookup the search
 * runs is an index range scan (read back from EXPLAIN QUERY PLAN). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "civil.h"
#include "schema.h"
#include "search.h"
#include "store.h"
#include "util.h"

static char dir[] = "/tmp/sz-test-search-XXXXXX";

struct person {
	const char *name, *id_number, *phone, *hh_no, *relation;
	int64_t id;
};

/* The register the searches run against. */
static struct person people[] = {
	{"龙发利", "52011119800101001X", "13812345678", "5201110010001", "02", 0},
	{"龙小云", "520111198503150020", "13900001111", "5201110010001", "10", 0},
	{"张发利民", "52011119770202003X", "0851-83334444", "5201110010002", "02", 0},
	{"李方", "520111200001010052", NULL, "5201110020001", "02", 0},
	{"王王", NULL, "18600002222", "5201110020001", "10", 0},
	{"O'Brien \"Bob\"", NULL, NULL, NULL, NULL, 0},
	{"'; DROP TABLE resident; --", NULL, NULL, NULL, NULL, 0},
	{"阿依古丽·买买提", "520111199912120046", NULL, NULL, NULL, 0},
};

static int64_t person_id(const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(people); i++)
		if (strcmp(people[i].name, name) == 0)
			return people[i].id;
	return -1;
}

/* Finds or creates the household hh_no; returns its id as text. */
static void household_for(struct store *st, const char *hh_no, char out[24])
{
	sqlite3_stmt *stmt;
	sqlite3_prepare_v2(store_db(st), "SELECT id FROM household WHERE hh_no = ?", -1, &stmt, NULL);
	sqlite3_bind_text(stmt, 1, hh_no, -1, SQLITE_STATIC);
	int64_t id = 0;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		id = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	if (!id) {
		struct store_field f[] = {{"hh_no", hh_no}, {"address", "花溪区青岩镇"}};
		char *err = NULL;
		if (store_insert(st, "household", f, ARRAY_LEN(f), &id, &err) != 0)
			fprintf(stderr, "household %s: %s\n", hh_no, err);
		free(err);
	}
	snprintf(out, 24, "%lld", (long long)id);
}

static void fill(struct store *st)
{
	for (size_t i = 0; i < ARRAY_LEN(people); i++) {
		struct person *p = &people[i];
		char hid[24] = "";
		if (p->hh_no)
			household_for(st, p->hh_no, hid);
		struct store_field f[] = {
			{"name", p->name}, {"id_number", p->id_number}, {"phone", p->phone},
			{"household_id", hid}, {"relation", p->relation}, {"form_version", "1"},
		};
		char *err = NULL;
		if (store_insert(st, "resident", f, ARRAY_LEN(f), &p->id, &err) != 0)
			fprintf(stderr, "resident %s: %s\n", p->name, err);
		free(err);
	}
}

/* The names a search returns, joined by "|", in order. */
static char *found(struct store *st, const char *query, size_t offset, size_t limit,
		   enum search_kind *first_kind)
{
	struct search_result res;
	char *err = NULL;
	if (search_residents(st, query, offset, limit, &res, &err) != 0) {
		char *msg = xasprintf("error: %s", err);
		free(err);
		return msg;
	}
	struct strbuf sb = {0};
	for (size_t i = 0; i < res.n; i++)
		sb_appendf(&sb, "%s%s", i ? "|" : "", res.rows[i].name);
	if (first_kind && res.n)
		*first_kind = res.rows[0].matched;
	search_result_free(&res);
	return sb_take(&sb);
}

#define CHECK_FOUND(st, query, want)                                               \
	do {                                                                       \
		char *got_ = found(st, query, 0, 50, NULL);                        \
		CHECK_STR(got_, want);                                             \
		free(got_);                                                        \
	} while (0)

static void test_kinds(struct store *st)
{
	static const struct {
		const char *query, *want;
		enum search_kind kind;
	} rows[] = {
		/* name substring: a prefix of some suffix of the name */
		{"龙", "龙发利|龙小云", SEARCH_NAME},
		{"发利", "龙发利|张发利民", SEARCH_NAME},
		{"龙发利", "龙发利", SEARCH_NAME},
		{"利民", "张发利民", SEARCH_NAME},
		{"买买提", "阿依古丽·买买提", SEARCH_NAME},
		{"古丽·买", "阿依古丽·买买提", SEARCH_NAME},
		{"  龙小云 ", "龙小云", SEARCH_NAME},
		/* pinyin initials, as a prefix of the initials */
		{"lfl", "龙发利", SEARCH_PINYIN},
		{"LFL", "龙发利", SEARCH_PINYIN},
		{"ｌｆｌ", "龙发利", SEARCH_PINYIN},
		{"lf", "李方|龙发利", SEARCH_PINYIN},
		{"zflm", "张发利民", SEARCH_PINYIN},
		{"ww", "王王", SEARCH_PINYIN},
		/* the last 4 or more of an ID number */
		{"001X", "龙发利", SEARCH_ID_TAIL},
		{"001x", "龙发利", SEARCH_ID_TAIL},
		{"0020", "龙小云", SEARCH_ID_TAIL},
		{"003X", "张发利民", SEARCH_ID_TAIL},
		{"52011119800101001X", "龙发利", SEARCH_ID_TAIL},
		{"520111800101001", "龙发利", SEARCH_ID_TAIL},
		/* the last 4 or more of a phone number */
		{"5678", "龙发利", SEARCH_PHONE_TAIL},
		{"4444", "张发利民", SEARCH_PHONE_TAIL},
		{"83334444", "张发利民", SEARCH_PHONE_TAIL},
		{"18600002222", "王王", SEARCH_PHONE_TAIL},
		/* 户号 prefix: the head first */
		{"5201110010001", "龙发利|龙小云", SEARCH_HOUSEHOLD},
		{"52011100100", "龙发利|龙小云|张发利民", SEARCH_HOUSEHOLD},
		{"520111002", "李方|王王", SEARCH_HOUSEHOLD},
		/* nothing */
		{"龙飞", "", SEARCH_NAME},
		{"xyz", "", SEARCH_PINYIN},
		{"9999", "", SEARCH_ID_TAIL},
		{"'; DROP", "'; DROP TABLE resident; --", SEARCH_NAME},
		{"O'Brien", "O'Brien \"Bob\"", SEARCH_NAME},
		/* letters alone are initials first, then a Latin name's part, as typed or capitalised */
		{"Brien", "O'Brien \"Bob\"", SEARCH_NAME},
		{"brien", "O'Brien \"Bob\"", SEARCH_NAME},
		{"Bob", "O'Brien \"Bob\"", SEARCH_NAME},
	};
	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		enum search_kind kind = SEARCH_ALL;
		char *got = found(st, rows[i].query, 0, 50, &kind);
		if (strcmp(got, rows[i].want) != 0)
			fprintf(stderr, "query \"%s\":\n", rows[i].query);
		CHECK_STR(got, rows[i].want);
		if (*rows[i].want)
			CHECK_INT(kind, rows[i].kind);
		free(got);
	}
}

static void test_row_contents(struct store *st)
{
	struct search_result res;
	char *err = NULL;
	CHECK(search_residents(st, "lfl", 0, 20, &res, &err) == 0);
	CHECK_INT(res.n, 1);
	if (res.n == 1) {
		const struct resident_row *r = &res.rows[0];
		CHECK_INT(r->id, person_id("龙发利"));
		CHECK(r->household_id > 0);
		CHECK_STR(r->id_number, "52011119800101001X");
		CHECK_STR(r->phone, "13812345678");
		CHECK_STR(r->hh_no, "5201110010001");
		CHECK_STR(r->address, "花溪区青岩镇");
		CHECK_STR(r->living, "1");
		CHECK_STR(r->sex, "");
		CHECK_INT(r->matched, SEARCH_PINYIN);
	}
	search_result_free(&res);
	/* not attached to a household */
	CHECK(search_residents(st, "Bob", 0, 20, &res, &err) == 0);
	search_result_free(&res);
	CHECK(search_residents(st, "阿依", 0, 20, &res, &err) == 0);
	CHECK_INT(res.n, 1);
	if (res.n == 1) {
		CHECK_INT(res.rows[0].household_id, 0);
		CHECK_STR(res.rows[0].hh_no, NULL);
	}
	search_result_free(&res);
	free(err);
}

static void test_pages(struct store *st)
{
	/* everyone, in pinyin order of the names (Latin letters and signs first), in pages
	 * that neither repeat nor skip */
	char *all = found(st, "", 0, 100, NULL);
	CHECK_STR(all, "'; DROP TABLE resident; --|O'Brien \"Bob\"|阿依古丽·买买提|李方|龙发利|龙小云|王王|张发利民");
	struct strbuf paged = {0};
	for (size_t off = 0; off < ARRAY_LEN(people) + 2; off += 3) {
		char *page = found(st, "", off, 3, NULL);
		if (*page)
			sb_appendf(&paged, "%s%s", paged.len ? "|" : "", page);
		free(page);
	}
	CHECK_STR(paged.s, all);
	sb_free(&paged);
	free(all);
	/* a resident matched by two keys of one kind appears once */
	CHECK_FOUND(st, "王", "王王");
	/* a union of kinds counts each resident once across pages */
	char *p1 = found(st, "龙", 0, 1, NULL), *p2 = found(st, "龙", 1, 1, NULL), *p3 = found(st, "龙", 2, 1, NULL);
	CHECK_STR(p1, "龙发利");
	CHECK_STR(p2, "龙小云");
	CHECK_STR(p3, "");
	free(p1);
	free(p2);
	free(p3);
}

static void test_edits(struct store *st)
{
	char *err = NULL;
	int64_t id = person_id("龙小云");
	struct store_field f[] = {{"name", "马小云"}, {"phone", "13711112222"}};
	CHECK(store_update(st, "resident", id, f, ARRAY_LEN(f), NULL, &err) == 0);
	CHECK_FOUND(st, "龙", "龙发利");
	CHECK_FOUND(st, "lxy", "");
	CHECK_FOUND(st, "mxy", "马小云");
	CHECK_FOUND(st, "小云", "马小云");
	CHECK_FOUND(st, "1111", "");
	CHECK_FOUND(st, "2222", "马小云|王王");  /* in pinyin order: ma before wang */
	/* every living status is found */
	struct store_field gone[] = {{"living_status", "3"}, {"status_date", "2025-01-02"}};
	CHECK(store_update(st, "resident", person_id("李方"), gone, ARRAY_LEN(gone), NULL, &err) == 0);
	CHECK_FOUND(st, "lf", "李方|龙发利");
	/* an ID number corrected */
	struct store_field idfix[] = {{"id_number", "520111198503150063"}};
	CHECK(store_update(st, "resident", id, idfix, 1, NULL, &err) == 0);
	CHECK_FOUND(st, "0020", "");
	CHECK_FOUND(st, "0063", "马小云");
	char *report = NULL;
	CHECK_INT(store_check(st, &report), 0);
	CHECK_STR(report, "");
	free(report);
	free(err);
}

/* Invisible format characters fool no search: pasted into a query they are dropped,
 * and a name holding one (written before they were refused, here by SQL past the
 * store's check) is keyed, found and checked as the name a reader sees. */
static void test_invisible(struct store *st)
{
	static const struct {
		const char *query, *want;
	} cases[] = {
		{ "龙\xE2\x80\x8B发利", "龙发利" },
		{ "\xE2\x80\xAE龙发利", "龙发利" },
		{ "\xEF\xBB\xBF" "lfl", "龙发利" },
		{ "发\xE2\x81\xA0利民", "张发利民" },
		{ "周\xE2\x80\x8B\xE2\x80\x8C敏", "周\xE2\x80\x8B敏" },
		{ "周敏", "周\xE2\x80\x8B敏" },
		{ "zm", "周\xE2\x80\x8B敏" },
		{ "\xE2\x80\x8B", "" },
	};
	CHECK(sqlite3_exec(store_db(st), "INSERT INTO resident(name, form_version)"
			   " VALUES ('周\xE2\x80\x8B敏', 1)", NULL, NULL, NULL) == SQLITE_OK);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *got = found(st, cases[i].query, 0, 50, NULL);
		/* the empty query lists everyone: only "nobody is left out" is asked */
		if (*cases[i].want)
			CHECK_STR(got, cases[i].want);
		else
			CHECK(strstr(got, "龙发利") != NULL);
		free(got);
	}
	char *k = search_keys_json("龙\xE2\x80\x8B发利\xE2\x80\xAE", NULL, NULL);
	CHECK_STR(k, "[\"n:龙发利\",\"n:发利\",\"n:利\",\"p:lfl\"]");
	free(k);
	/* the keys are in step (the row itself lacks its audit entry: SQL wrote it) */
	char *report = NULL;
	store_check(st, &report);
	CHECK(report && !strstr(report, "search key"));
	free(report);
}

/* A register written before format characters left the keys: the name 周<U+200B>敏
 * keyed as it was typed. Opening it with this program makes its keys again, so
 * 周敏 finds it. */
static void test_legacy_keys(const char *path)
{
	char *err = NULL;
	struct store *st = store_open(path, &err);
	CHECK(st != NULL);
	if (!st)
		return;
	char *old = xasprintf("DELETE FROM resident_key WHERE resident_id = (SELECT id FROM resident"
			      " WHERE name = '周\xE2\x80\x8B敏');"
			      " INSERT INTO resident_key SELECT k, (SELECT id FROM resident WHERE name = '周\xE2\x80\x8B敏')"
			      " FROM (SELECT 'n:周\xE2\x80\x8B敏' AS k UNION SELECT 'n:\xE2\x80\x8B敏' UNION SELECT 'n:敏');"
			      " DROP TABLE village_group; DROP INDEX resident_pinyin;"  /* the steps after the keys' remake (the requests' table needs no undoing) */
			      " DROP TABLE ledger_step; DROP TABLE ledger_meta;"
			      " DROP TABLE ledger_key; DROP TABLE ledger_numkey; DROP TABLE ledger_numgram; DROP TABLE ledger_key_state;"
			      " DROP TABLE transfer;"
			      " DROP TABLE ledger_grid_staff; CREATE TABLE grid_worker (id INTEGER PRIMARY KEY, grid_id INTEGER NOT NULL REFERENCES grid(id),"
			      " name TEXT NOT NULL, phone TEXT, active INTEGER NOT NULL DEFAULT 1);"
			      " PRAGMA user_version = %d", schema_latest() - 8);
	CHECK(sqlite3_exec(store_db(st), old, NULL, NULL, NULL) == SQLITE_OK);
	free(old);
	CHECK_FOUND(st, "zm", "");  /* 周敏 itself starts the name: resident_pinyin finds it */
	store_close(st);
	st = store_open(path, &err);
	CHECK(st != NULL);
	if (st) {
		CHECK_FOUND(st, "周敏", "周\xE2\x80\x8B敏");
		CHECK_FOUND(st, "zm", "周\xE2\x80\x8B敏");
		CHECK_FOUND(st, "龙发利", "龙发利");
	}
	store_close(st);
	free(err);
}

/* Search results in pinyin order: 小明 is in none of these names' start (a scan of
 * resident_key), 曾 starts one (a walk of resident_pinyin); 曾 is zēng as a surname. */
static void test_pinyin_order(struct store *st)
{
	static const char *const names[] = {"赵小明", "曾小明", "陈小明", "安小明", "曾亮"};
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		struct store_field f[] = {{"name", names[i]}, {"form_version", "1"}};
		char *err = NULL;
		CHECK(store_insert(st, "resident", f, ARRAY_LEN(f), NULL, &err) == 0);
		free(err);
	}
	CHECK_FOUND(st, "小明", "安小明|陈小明|曾小明|赵小明");
	CHECK_FOUND(st, "曾", "曾亮|曾小明");
	CHECK_FOUND(st, "zxm", "曾小明|赵小明");
}

/* The 户号 of a household list, joined by "|", in order. */
static char *households_found(struct store *st, const char *query)
{
	struct household_result res;
	char *err = NULL;
	struct strbuf sb = {0};
	CHECK(search_households(st, query, 0, 20, &res, &err) == 0);
	for (size_t i = 0; i < res.n; i++)
		sb_appendf(&sb, "%s%s", i ? "|" : "", res.rows[i].hh_no);
	household_result_free(&res);
	free(err);
	return sb.s ? sb_take(&sb) : xstrdup("");
}

/* The household list by its heads' names in pinyin order (李 li, 龙 long, 张 zhang),
 * a household without a head last; digits by number. */
static void test_households(struct store *st)
{
	static const struct { const char *hh_no, *head; } heads[] = {
		{"5201110010001", "龙发利"}, {"5201110010002", "张发利民"}, {"5201110020001", "李方"},
	};
	char *err = NULL;
	for (size_t i = 0; i < ARRAY_LEN(heads); i++) {
		char hid[24], rid[24];
		household_for(st, heads[i].hh_no, hid);
		snprintf(rid, sizeof rid, "%lld", (long long)person_id(heads[i].head));
		struct store_field f[] = {{"head_id", rid}};
		CHECK(store_update(st, "household", strtoll(hid, NULL, 10), f, 1, NULL, &err) == 0);
	}
	char hid[24];
	household_for(st, "5201110000009", hid);  /* no head */
	char *got = households_found(st, "");
	CHECK_STR(got, "5201110020001|5201110010001|5201110010002|5201110000009");
	free(got);
	got = households_found(st, "520111001");
	CHECK_STR(got, "5201110010001|5201110010002");
	free(got);
	got = households_found(st, "花溪");  /* every address: by the heads */
	CHECK_STR(got, "5201110020001|5201110010001|5201110010002|5201110000009");
	free(got);
	free(err);
}

/* Collects the SQL of every statement the search runs. */
static int trace_sql(unsigned type, void *ctx, void *p, void *x)
{
	struct strbuf *sb = ctx;
	const char *sql = sqlite3_sql(p);
	if (sql && strncmp(sql, "SELECT", 6) == 0)
		sb_appendf(sb, "%s\n", sql);
	return 0;
}

/* Every scan of every kind is an index search; none scans a table, and only the
 * window of a key scan (LIMIT ?3 matches) is sorted. */
static void test_query_plans(struct store *st)
{
	struct strbuf sqls = {0};
	sqlite3_trace_v2(store_db(st), SQLITE_TRACE_STMT, trace_sql, &sqls);
	static const char *const queries[] = {"龙", "lfl", "001X", "5678", "5201110010001", "18600002222", "A-1", ""};
	for (size_t i = 0; i < ARRAY_LEN(queries); i++) {
		char *got = found(st, queries[i], 0, 20, NULL);
		free(got);
	}
	sqlite3_trace_v2(store_db(st), 0, NULL, NULL);
	int searches = 0, plans = 0, walks = 0;
	for (char *line = strtok(sqls.s, "\n"); line; line = strtok(NULL, "\n")) {
		char *eqp = xasprintf("EXPLAIN QUERY PLAN %s", line);
		sqlite3_stmt *stmt;
		CHECK(sqlite3_prepare_v2(store_db(st), eqp, -1, &stmt, NULL) == SQLITE_OK);
		while (sqlite3_step(stmt) == SQLITE_ROW) {
			const char *detail = (const char *)sqlite3_column_text(stmt, 3);
			bool window = strstr(line, "LIMIT ?3) w") != NULL;
			bool ok = strncmp(detail, "SEARCH ", 7) == 0 ||
				  strcmp(detail, "SCAN resident USING INDEX resident_pinyin") == 0 ||
				  (window && (strcmp(detail, "MATERIALIZE w") == 0 || strcmp(detail, "SCAN w") == 0));
			ok = ok || (window && strcmp(detail, "USE TEMP B-TREE FOR ORDER BY") == 0);
			if (!ok)
				fprintf(stderr, "plan of %s: %s\n", line, detail);
			CHECK(ok);
			plans++;
			if (strstr(detail, "(key>? AND key<?)") || strstr(detail, "(hh_no>? AND hh_no<?)"))
				searches++;
			/* the walk of names that start with 龙 stops where they end */
			walks += strstr(detail, "USING INDEX resident_pinyin (<expr>>? AND <expr><?)") != NULL;
		}
		sqlite3_finalize(stmt);
		free(eqp);
	}
	/* 龙, lfl: one range each; 001X: ID; 5678: ID, phone, 户号; two more digit
	 * queries; A-1: 户号 and name */
	CHECK(searches >= 12);
	CHECK_INT(walks, 1);
	CHECK(plans > searches);
	sb_free(&sqls);
}

static void test_keys_json(void)
{
	char *k = search_keys_json("龙发利", " 52011119800101001x ", "138 1234 5678");
	CHECK_STR(k, "[\"n:龙发利\",\"n:发利\",\"n:利\",\"p:lfl\",\"i:X10010100891111025\",\"m:87654321831\"]");
	free(k);
	k = search_keys_json("O\"B\\", NULL, NULL);
	static const char escaped[] = "[\"n:O\\\"B\\\\\",\"n:\\\"B\\\\\",\"n:B\\\\\",\"n:\\\\\"";
	CHECK(strncmp(k, escaped, strlen(escaped)) == 0);
	free(k);
	k = search_keys_json(NULL, NULL, NULL);
	CHECK_STR(k, "[]");
	free(k);
	k = search_keys_json("", "", "");
	CHECK_STR(k, "[]");
	free(k);
	CHECK(strlen(search_kind_label(SEARCH_PINYIN)) > 0);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	civil_set_fixed_today("2025-06-01");
	test_keys_json();
	char *path = xasprintf("%s/search.db", dir);
	char *err = NULL;
	struct store *st = store_open(path, &err);
	CHECK(st != NULL);
	if (st && store_set_operator(st, "tester", &err) == 0) {
		fill(st);
		test_kinds(st);
		test_row_contents(st);
		test_pages(st);
		test_households(st);
		test_edits(st);
		test_query_plans(st);
		test_invisible(st);
		test_pinyin_order(st);
	}
	store_close(st);
	if (st)
		test_legacy_keys(path);
	free(err);
	free(path);
	char *cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(cmd);
	return check_finish();
}
