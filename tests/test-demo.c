/* Tests of the demo village: a 2,000-resident register whose every ID number is valid
 * and agrees with the person's sex and birth date, whose households each have one
 * head living in them, whose codes are all in the shipped code lists, which never
 * holds the resident the acceptance walk-through registers, which is the same for
 * the same seed, passes store_check, and whose residents search finds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "demo.h"
#include "form.h"
#include "idcard.h"
#include "pinyin.h"
#include "search.h"
#include "store.h"
#include "util.h"

#define RESIDENTS 2000
#define SEED 20261126

static char dir[] = "/tmp/sz-test-demo-XXXXXX";

/* A new database at dir/name filled with a demo of n residents. */
static struct store *make_demo(const char *name, long n, unsigned seed)
{
	char *path = xasprintf("%s/%s", dir, name);
	char *err = NULL;
	struct store *st = store_open(path, &err);
	free(path);
	if (!st || demo_create(st, n, seed, 0, &err) != 0) {
		fprintf(stderr, "demo %s: %s\n", name, err ? err : "?");
		free(err);
		store_close(st);
		return NULL;
	}
	return st;
}

static int64_t query_int(struct store *st, const char *sql)
{
	sqlite3_stmt *stmt = NULL;
	int64_t v = -1;
	if (sqlite3_prepare_v2(store_db(st), sql, -1, &stmt, NULL) == SQLITE_OK &&
	    sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	else
		fprintf(stderr, "query failed: %s: %s\n", sql, sqlite3_errmsg(store_db(st)));
	sqlite3_finalize(stmt);
	return v;
}

/* A digest of every register row but the timestamps: equal digests, equal data. */
static uint64_t register_digest(struct store *st)
{
	static const char *const queries[] = {
		"SELECT id, name, sex, birth_date, id_number, ethnicity, household_id, relation,"
		" phone, political, education, marital, residence, living_status, status_date,"
		" status_reason, tags, notes FROM resident ORDER BY id",
		"SELECT id, hh_no, address, grid_id, head_id, village_group FROM household ORDER BY id",
		"SELECT id, village_id, code, name FROM grid ORDER BY id",
		"SELECT id, grid_id, role, name, phone, active FROM ledger_grid_staff ORDER BY id",
		"SELECT id, town_id, code, name FROM village ORDER BY id",
	};
	uint64_t h = 1469598103934665603ULL;
	for (size_t q = 0; q < ARRAY_LEN(queries); q++) {
		sqlite3_stmt *stmt = NULL;
		sqlite3_prepare_v2(store_db(st), queries[q], -1, &stmt, NULL);
		while (sqlite3_step(stmt) == SQLITE_ROW) {
			for (int c = 0; c < sqlite3_column_count(stmt); c++) {
				const unsigned char *v = sqlite3_column_text(stmt, c);
				for (const unsigned char *p = v ? v : (const unsigned char *)"\x01"; *p; p++)
					h = (h ^ *p) * 1099511628211ULL;
				h = (h ^ 0xff) * 1099511628211ULL;
			}
		}
		sqlite3_finalize(stmt);
	}
	return h;
}

/* Every ID number parses, and sex and birth date agree with it. */
static void test_id_numbers(struct store *st)
{
	sqlite3_stmt *stmt = NULL;
	sqlite3_prepare_v2(store_db(st), "SELECT name, id_number, sex, birth_date FROM resident",
			   -1, &stmt, NULL);
	int rows = 0, invalid = 0, wrong_sex = 0, wrong_birth = 0, region_here = 0;
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(stmt, 0);
		const char *id = (const char *)sqlite3_column_text(stmt, 1);
		const char *sex = (const char *)sqlite3_column_text(stmt, 2);
		const char *birth = (const char *)sqlite3_column_text(stmt, 3);
		struct idcard card;
		rows++;
		if (!id || idcard_parse(id, &card) != IDCARD_OK || strcmp(card.number, id) != 0) {
			if (invalid++ < 5)
				fprintf(stderr, "invalid ID number of %s: %s\n", name, id ? id : "(none)");
			continue;
		}
		region_here += strcmp(card.region, "520111") == 0;
		if (!sex || card.sex != atoi(sex)) {
			if (wrong_sex++ < 5)
				fprintf(stderr, "%s: sex %s, ID %s\n", name, sex ? sex : "-", id);
		}
		if (!birth || strcmp(card.birth, birth) != 0) {
			if (wrong_birth++ < 5)
				fprintf(stderr, "%s: born %s, ID %s\n", name, birth ? birth : "-", id);
		}
	}
	sqlite3_finalize(stmt);
	CHECK_INT(rows, RESIDENTS);
	CHECK_INT(invalid, 0);
	CHECK_INT(wrong_sex, 0);
	CHECK_INT(wrong_birth, 0);
	/* most people are registered in 花溪区 itself; some married or moved in */
	CHECK(region_here > rows * 85 / 100);
	CHECK(region_here < rows);
	CHECK_INT(query_int(st, "SELECT count(*) - count(DISTINCT id_number) FROM resident"), 0);
}

/* Households: one head (02) each, living in it; 1 to 7 members; plausible ages. */
static void test_households(struct store *st)
{
	CHECK(query_int(st, "SELECT count(*) FROM household") > RESIDENTS / 5);
	CHECK_INT(query_int(st, "SELECT count(*) FROM household h WHERE (SELECT count(*)"
			    " FROM resident r WHERE r.household_id = h.id AND r.relation = '02') != 1"), 0);
	CHECK_INT(query_int(st, "SELECT count(*) FROM household h LEFT JOIN resident r"
			    " ON r.id = h.head_id WHERE r.id IS NULL OR r.household_id != h.id"
			    " OR r.relation != '02' OR r.living_status != '1'"), 0);
	CHECK_INT(query_int(st, "SELECT count(*) FROM household h WHERE (SELECT count(*)"
			    " FROM resident r WHERE r.household_id = h.id) NOT BETWEEN 1 AND 7"), 0);
	CHECK_INT(query_int(st, "SELECT count(*) FROM resident WHERE household_id IS NULL"), 0);
	/* heads are adults; children at least 15 years younger than the head, parents
	 * 15 years older, grandchildren 30 years younger */
	CHECK_INT(query_int(st, "SELECT count(*) FROM resident WHERE relation = '02'"
			    " AND birth_date > date('now', '-18 years')"), 0);
	static const char rel_sql[] =
		"SELECT count(*) FROM resident r JOIN household h ON h.id = r.household_id"
		" JOIN resident hd ON hd.id = h.head_id WHERE"
		" (substr(r.relation, 1, 1) IN ('2', '3') AND r.relation != '38'"
		"   AND r.birth_date < date(hd.birth_date, '+15 years'))"
		" OR (substr(r.relation, 1, 1) = '5' AND r.birth_date > date(hd.birth_date, '-15 years'))"
		" OR (substr(r.relation, 1, 1) = '4' AND r.birth_date < date(hd.birth_date, '+30 years'))";
	CHECK_INT(query_int(st, rel_sql), 0);
	/* spouses are of the other sex, and sons and daughters are coded by sex */
	CHECK_INT(query_int(st, "SELECT count(*) FROM resident r JOIN household h ON h.id = r.household_id"
			    " JOIN resident hd ON hd.id = h.head_id WHERE r.relation = '10' AND r.sex = hd.sex"), 0);
	CHECK_INT(query_int(st, "SELECT count(*) FROM resident WHERE (relation BETWEEN '20' AND '29'"
			    " AND sex != '1') OR (relation BETWEEN '30' AND '39' AND relation != '38' AND sex != '2')"), 0);
	/* several kinds of family are there */
	CHECK(query_int(st, "SELECT count(*) FROM resident WHERE relation = '10'") > 200);
	CHECK(query_int(st, "SELECT count(*) FROM resident WHERE relation IN ('51', '52')") > 10);
	CHECK(query_int(st, "SELECT count(*) FROM resident WHERE relation IN ('41', '42')") > 10);
	CHECK(query_int(st, "SELECT count(*) FROM resident WHERE relation = '38'") > 10);
	/* addresses name the town, the village, the group and the house */
	CHECK_INT(query_int(st, "SELECT count(*) FROM household WHERE address NOT GLOB '青岩镇龙井村*组*号'"), 0);
	CHECK_INT(query_int(st, "SELECT count(*) FROM household WHERE hh_no GLOB '*[^0-9]*'"), 0);
	CHECK_INT(query_int(st, "SELECT count(*) FROM household WHERE grid_id IS NULL"), 0);
	CHECK(query_int(st, "SELECT count(*) FROM ledger_grid_staff") >= query_int(st, "SELECT count(*) FROM grid"));
}

/* Every coded value is in its shipped code list. */
static void test_codes(struct store *st)
{
	static const struct { const char *column, *list; } coded[] = {
		{"sex", "sex"}, {"ethnicity", "ethnicity"}, {"relation", "relation"},
		{"political", "political"}, {"education", "education"}, {"marital", "marital"},
		{"residence", "residence"}, {"living_status", "living_status"},
	};
	char *errors = NULL;
	const char *forms = getenv("SHANZHI_FORMS");
	struct form_registry *reg = form_registry_load(forms ? forms : "forms", NULL, &errors);
	CHECK(reg != NULL);
	free(errors);
	if (!reg)
		return;
	for (size_t i = 0; i < ARRAY_LEN(coded); i++) {
		const struct codelist *cl = form_codelist(reg, coded[i].list);
		CHECK(cl != NULL);
		if (!cl)
			continue;
		char *sql = xasprintf("SELECT DISTINCT %s FROM resident WHERE %s IS NOT NULL",
				      coded[i].column, coded[i].column);
		sqlite3_stmt *stmt = NULL;
		sqlite3_prepare_v2(store_db(st), sql, -1, &stmt, NULL);
		while (sqlite3_step(stmt) == SQLITE_ROW) {
			const char *code = (const char *)sqlite3_column_text(stmt, 0);
			if (!codelist_label(cl, code))
				fprintf(stderr, "%s: code %s is not in %s.codes\n", coded[i].column, code, coded[i].list);
			CHECK(codelist_label(cl, code) != NULL);
		}
		sqlite3_finalize(stmt);
		free(sql);
	}
	const struct codelist *tags = form_codelist(reg, "tags");
	CHECK(tags != NULL);
	sqlite3_stmt *stmt = NULL;
	sqlite3_prepare_v2(store_db(st), "SELECT DISTINCT j.value FROM resident,"
			   " json_each('[\"' || replace(tags, ',', '\",\"') || '\"]') j"
			   " WHERE tags IS NOT NULL", -1, &stmt, NULL);
	int kinds = 0;
	while (tags && sqlite3_step(stmt) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(stmt, 0);
		if (!codelist_label(tags, code))
			fprintf(stderr, "tag %s is not in tags.codes\n", code);
		CHECK(codelist_label(tags, code) != NULL);
		kinds++;
	}
	sqlite3_finalize(stmt);
	CHECK(kinds >= 8);
	form_registry_free(reg);
}

/* The mix a village register has: statuses with dates, phones, names of every kind. */
static void test_realism(struct store *st)
{
	/* 汉 most, 苗 and 布依 present */
	int64_t han = query_int(st, "SELECT count(*) FROM resident WHERE ethnicity = '01'");
	CHECK(han > RESIDENTS / 2 && han < RESIDENTS * 95 / 100);
	CHECK(query_int(st, "SELECT count(*) FROM resident WHERE ethnicity IN ('06', '09')") > RESIDENTS / 10);
	int64_t men = query_int(st, "SELECT count(*) FROM resident WHERE sex = '1'");
	CHECK(men > RESIDENTS * 45 / 100 && men < RESIDENTS * 58 / 100);
	/* moved out and died, each with a date and a reason, never the head */
	CHECK(query_int(st, "SELECT count(*) FROM resident WHERE living_status = '2'") > 5);
	CHECK(query_int(st, "SELECT count(*) FROM resident WHERE living_status = '3'") > 5);
	CHECK_INT(query_int(st, "SELECT count(*) FROM resident WHERE living_status != '1'"
			    " AND (status_date IS NULL OR status_reason IS NULL OR status_date < birth_date"
			    " OR status_date > date('now'))"), 0);
	/* nobody moves away alone before 16, joins the army but a young man, or
	 * marries away but a woman */
	CHECK_INT(query_int(st, "SELECT count(*) FROM resident WHERE living_status = '2'"
			    " AND status_date < date(birth_date, '+16 years')"), 0);
	CHECK_INT(query_int(st, "SELECT count(*) FROM resident WHERE (status_reason = '参军入伍'"
			    " AND sex != '1') OR (status_reason LIKE '婚迁%' AND sex != '2')"), 0);
	/* mobiles for most adults, 11 digits from 1; none for small children */
	int64_t adults = query_int(st, "SELECT count(*) FROM resident WHERE birth_date BETWEEN"
				   " date('now', '-60 years') AND date('now', '-18 years')");
	int64_t mobiles = query_int(st, "SELECT count(*) FROM resident WHERE birth_date BETWEEN"
				    " date('now', '-60 years') AND date('now', '-18 years')"
				    " AND phone GLOB '1[3-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'");
	CHECK(mobiles > adults * 80 / 100);
	CHECK_INT(query_int(st, "SELECT count(*) FROM resident WHERE phone IS NOT NULL"
			    " AND birth_date > date('now', '-12 years')"), 0);
	/* party members carry the tag, the floating population theirs */
	CHECK_INT(query_int(st, "SELECT count(*) FROM resident WHERE political = '01'"
			    " AND living_status = '1' AND (tags IS NULL OR ',' || tags || ',' NOT LIKE '%,party,%')"), 0);
	CHECK(query_int(st, "SELECT count(*) FROM resident WHERE political = '01'") > 20);
	CHECK(query_int(st, "SELECT count(*) FROM resident WHERE residence = '3'") > 5);
	/* names: two or three characters mostly, minority names with "·", a few
	 * characters outside GBK (䶮 U+4DAE and beyond) for the export's sake, polyphone
	 * surnames */
	CHECK(query_int(st, "SELECT count(*) FROM resident WHERE length(name) BETWEEN 2 AND 3") > RESIDENTS * 90 / 100);
	CHECK(query_int(st, "SELECT count(*) FROM resident WHERE name LIKE '%·%'") >= 2);
	CHECK(query_int(st, "SELECT count(*) FROM resident WHERE name GLOB '*[䶮𠮷㛃𬱖𫖯]*'") >= 2);
	CHECK(query_int(st, "SELECT count(*) FROM resident WHERE substr(name, 1, 1)"
			" IN ('曾', '单', '解', '仇', '查', '朴', '覃', '翟')") >= 1);
	CHECK(query_int(st, "SELECT count(DISTINCT substr(name, 1, 1)) FROM resident") > 60);
	/* the acceptance walk-through registers this man itself */
	CHECK_INT(query_int(st, "SELECT count(*) FROM resident WHERE name = '龙发利'"
			    " OR id_number = '52011119800101001X'"), 0);
	/* the load is audited as one bulk entry per table, by the demo's administrator,
	 * the only operator: none without a password, which could never sign in */
	CHECK_INT(query_int(st, "SELECT count(*) FROM audit a JOIN operator o ON o.id = a.operator_id"
			    " WHERE a.action = 'bulk' AND a.tbl IN ('resident', 'household')"
			    " AND o.login = 'admin'"), 2);
	CHECK_INT(query_int(st, "SELECT count(*) FROM operator"), 1);
	CHECK_INT(query_int(st, "SELECT count(*) FROM operator WHERE coalesce(password_hash, '') = ''"), 0);
	CHECK_INT(query_int(st, "SELECT json_extract(after, '$.count') FROM audit"
			    " WHERE action = 'bulk' AND tbl = 'resident'"), RESIDENTS);
	CHECK(query_int(st, "SELECT count(*) FROM audit WHERE action = 'insert' AND tbl = 'village'") == 1);
}

/* Whether a search for query lists resident id (paging through every match). */
static int search_finds(struct store *st, const char *query, int64_t id)
{
	for (size_t offset = 0; offset < 5000; offset += 100) {
		struct search_result res = {0};
		char *err = NULL;
		if (search_residents(st, query, offset, 100, &res, &err) != 0) {
			fprintf(stderr, "search %s: %s\n", query, err ? err : "?");
			free(err);
			return 0;
		}
		size_t n = res.n;
		int hit = 0;
		for (size_t i = 0; i < n; i++)
			hit = hit || res.rows[i].id == id;
		search_result_free(&res);
		if (hit)
			return 1;
		if (n < 100)
			return 0;
	}
	return 0;
}

/* Demo residents are found by their pinyin initials, ID tail and phone tail. */
static void test_search(struct store *st)
{
	sqlite3_stmt *stmt = NULL;
	sqlite3_prepare_v2(store_db(st), "SELECT id, name, id_number, phone FROM resident"
			   " WHERE name NOT LIKE '%·%' AND phone IS NOT NULL ORDER BY id LIMIT 40 OFFSET 100",
			   -1, &stmt, NULL);
	int tried = 0, by_initials = 0, by_id = 0, by_phone = 0, by_name = 0;
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(stmt, 0);
		const char *name = (const char *)sqlite3_column_text(stmt, 1);
		const char *idn = (const char *)sqlite3_column_text(stmt, 2);
		const char *phone = (const char *)sqlite3_column_text(stmt, 3);
		char *keys[8];
		size_t nkeys = pinyin_name_keys(name, keys, ARRAY_LEN(keys));
		tried++;
		if (nkeys > 0 && search_finds(st, keys[0], id))
			by_initials++;
		else
			fprintf(stderr, "%s not found by %s\n", name, nkeys ? keys[0] : "(no initials)");
		for (size_t k = 0; k < nkeys; k++)
			free(keys[k]);
		by_id += search_finds(st, idn + 12, id);
		by_phone += search_finds(st, phone + strlen(phone) - 5, id);
		by_name += search_finds(st, name, id);
	}
	sqlite3_finalize(stmt);
	CHECK_INT(tried, 40);
	CHECK_INT(by_initials, tried);
	CHECK_INT(by_id, tried);
	CHECK_INT(by_phone, tried);
	CHECK_INT(by_name, tried);
}

/* The same seed gives the same register; another seed another. */
static void test_deterministic(struct store *st)
{
	uint64_t first = register_digest(st);
	struct store *again = make_demo("again.db", RESIDENTS, SEED);
	struct store *other = make_demo("other.db", RESIDENTS, SEED + 1);
	CHECK(again != NULL && other != NULL);
	if (again)
		CHECK(register_digest(again) == first);
	if (other)
		CHECK(register_digest(other) != first);
	store_close(again);
	store_close(other);
}

/* A second demo into a database that has residents is refused, not mixed in. */
static void test_refuses_non_empty(struct store *st)
{
	char *err = NULL;
	CHECK_INT(demo_create(st, 10, SEED, 0, &err), -1);
	CHECK(err != NULL);
	free(err);
	CHECK_INT(query_int(st, "SELECT count(*) FROM resident"), RESIDENTS);
	err = NULL;
	CHECK_INT(demo_create(st, 0, SEED, 0, &err), -1);
	free(err);
}

/* Small and uneven sizes come out exact, spread over several villages when large. */
static void test_sizes(void)
{
	static const long sizes[] = {1, 7, 8001};   /* 8001: two villages */
	for (size_t i = 0; i < ARRAY_LEN(sizes); i++) {
		char name[32];
		snprintf(name, sizeof name, "size%ld.db", sizes[i]);
		struct store *st = make_demo(name, sizes[i], SEED);
		CHECK(st != NULL);
		if (!st)
			continue;
		CHECK_INT(query_int(st, "SELECT count(*) FROM resident"), sizes[i]);
		CHECK_INT(query_int(st, "SELECT count(*) FROM village"), (sizes[i] + 7999) / 8000);
		char *report = NULL;
		CHECK_INT(store_check(st, &report), 0);
		if (report && *report)
			fprintf(stderr, "store_check of %s:\n%s", name, report);
		free(report);
		store_close(st);
	}
}

int main(void)
{
	setenv("TZ", "Asia/Shanghai", 1);
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	struct store *st = make_demo("demo.db", RESIDENTS, SEED);
	CHECK(st != NULL);
	if (st) {
		char *report = NULL;
		CHECK_INT(store_check(st, &report), 0);
		if (report && *report)
			fprintf(stderr, "store_check:\n%s", report);
		free(report);
		test_id_numbers(st);
		test_households(st);
		test_codes(st);
		test_realism(st);
		test_search(st);
		test_deterministic(st);
		test_refuses_non_empty(st);
		store_close(st);
	}
	test_sizes();
	char *cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(cmd);
	return check_finish();
}
