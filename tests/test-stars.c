/* test-stars: the rubric parser and its messages, the shipped rubrics, the computation
 * of stars and levels with disqualifications and a rubric change between years, and
 * rounds in a store: stage moves audited, scores locked at 定星, a rubric changed in
 * place refused, the notice list without ID numbers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "civil.h"
#include "i18n.h"
#include "rubric.h"
#include "stars.h"
#include "rowset.h"
#include "store.h"
#include "util.h"
#include "xlsx.h"

/* ---- the parser ---- */

#define HEAD "[rubric]\ntitle = T\nyear = 2026\nversion = 1\n"
#define STAR "[star S01]\nname = 爱国守法\n"

/* One rubric text and the first problem it must give (NULL: none). */
static const struct {
	const char *text;
	const char *error;
} parse_cases[] = {
	{ HEAD STAR, NULL },
	{ HEAD STAR "[star S02]\nname = B\ntype = points\nmax = 10\nthreshold = 8\n", NULL },
	{ "title = T\n", "t.rubric:1: a key before any section; start with [rubric]\n" },
	{ HEAD "colour = red\n" STAR,
	  "t.rubric:5: unknown key 'colour' in [rubric]; valid keys: name, title, year, version, township, level_by\n" },
	{ "[rubric]\ntitle = T\nyear = 1999\nversion = 1\n" STAR, "t.rubric:3: year: '1999' is not a number from 2000 to 2100\n" },
	{ "[rubric]\ntitle = T\nyear = 2026\n" STAR,
	  "t.rubric:1: [rubric]: missing version (1 for the first; a change is a new file with the next)\n" },
	{ HEAD "title = U\n" STAR, "t.rubric:5: title is given twice (first at line 2)\n" },
	{ HEAD, "t.rubric:1: the rubric has no [star CODE] section\n" },
	{ HEAD STAR "[star S01]\nname = X\n", "t.rubric:7: star S01 is defined twice (first at line 5)\n" },
	{ HEAD "[star S01]\nearns = x\n", "t.rubric:5: star S01: missing name\n" },
	{ HEAD STAR "type = stars\n", "t.rubric:7: type: 'stars' is neither pass nor points\n" },
	{ HEAD STAR "type = points\nthreshold = 8\n", "t.rubric:5: star S01: a points star needs max = the most points\n" },
	{ HEAD STAR "type = points\nmax = 5\nthreshold = 8\n", "t.rubric:9: star S01: threshold 8 is more than max 5\n" },
	{ HEAD STAR "max = 5\n", "t.rubric:7: star S01: max and threshold belong to type = points\n" },
	{ HEAD STAR "[disqualify D1]\nname = x\nwithholds = S01, S09\n",
	  "t.rubric:9: disqualify D1: withholds names no star S09 (all, or star codes separated by commas)\n" },
	{ HEAD STAR "[disqualify D1]\nwithholds = all\n", "t.rubric:7: disqualify D1: missing name\n" },
	{ HEAD STAR "[level 2]\nmin = 1\n[level 3]\nmin = 1\n", "t.rubric:9: level 3 needs 1, not more than level 2's 1\n" },
	{ HEAD STAR "[level x]\nmin = 1\n", "t.rubric:7: [level x]: the level is a number from 1 to 99\n" },
	{ HEAD STAR "[level 2]\nname = two\n", "t.rubric:7: level 2: missing min (stars or points needed)\n" },
	{ "[rubric]\ntitle = T\nyear = 2026\nversion = 1\nlevel_by = points\n" STAR "[level 1]\nmin = 1\n",
	  "t.rubric:6: star S01: level_by = points needs type = points\n" },
	{ "[rubric]\ntitle = T\nyear = 2026\nversion = 1\nlevel_by = points\n[star S01]\nname = A\ntype = points\nmax = 3\nthreshold = 2\n",
	  "t.rubric:1: level_by = points needs [level N] sections with min = points\n" },
	{ HEAD "township = 5201\n" STAR,
	  "t.rubric:5: township: '5201' is not a 9-digit town code (520111101 for 青岩镇)\n" },
	{ HEAD STAR "[stars S02]\nname = x\n",
	  "t.rubric:7: unknown section [stars S02]; valid sections: [rubric], [star CODE], [disqualify CODE], [level N]\n" },
	{ HEAD STAR "[star S 2]\n", "t.rubric:7: [star S 2]: the code is letters, digits, _ and -\n" },
	{ HEAD STAR "name\n", "t.rubric:7: expected key = value\n" },
	{ HEAD STAR "earns =\n", "t.rubric:7: earns: the value is empty\n" },
	{ HEAD "[rubric]\n" STAR, "t.rubric:5: a second [rubric] section (the first is at line 1)\n" },
	{ HEAD STAR "[star S02\n", "t.rubric:7: a section header ends with ]\n" },
	{ HEAD STAR "earns = a \\\n", "t.rubric:7: the file ends inside a line continued with \\\n" },
	{ HEAD STAR "earns = \xff\n", "t.rubric:7: not valid UTF-8 (byte 9); save the file as UTF-8\n" },
	{ "", "t.rubric:1: no [rubric] section\n" },
};

/* The first line of errors (with its newline), or NULL. Caller frees. */
static char *first_line(const char *errors)
{
	if (!errors)
		return NULL;
	const char *nl = strchr(errors, '\n');
	return xstrndup(errors, nl ? (size_t)(nl - errors + 1) : strlen(errors));
}

static void test_parser(void)
{
	for (size_t i = 0; i < ARRAY_LEN(parse_cases); i++) {
		char *errors = NULL;
		struct rubric *r = rubric_parse("t.rubric", "t", parse_cases[i].text, &errors);
		char *first = first_line(errors);
		CHECK_STR(first, parse_cases[i].error);
		/* a rubric with any problem is not used */
		CHECK((r != NULL) == (parse_cases[i].error == NULL));
		if (!parse_cases[i].error && r)
			CHECK_STR(r->name, "t");
		rubric_free(r);
		free(first);
		free(errors);
	}
	/* problems are collected: one file, several lines */
	char *errors = NULL;
	rubric_free(rubric_parse("t.rubric", "t", "[rubric]\nyear = 3\ncolour = x\n[star A]\n", &errors));
	CHECK_STR(errors, "t.rubric:2: year: '3' is not a number from 2000 to 2100\n"
			  "t.rubric:3: unknown key 'colour' in [rubric]; valid keys: name, title, year, version, township, level_by\n"
			  "t.rubric:4: star A: missing name\n"
			  "t.rubric:1: [rubric]: missing title\n"
			  "t.rubric:1: [rubric]: missing year\n"
			  "t.rubric:1: [rubric]: missing version (1 for the first; a change is a new file with the next)\n");
	free(errors);
}

/* ---- the shipped rubrics ---- */

static const char *forms_dir(void)
{
	const char *d = getenv("SHANZHI_FORMS");
	return d ? d : "forms";
}

static void test_shipped(struct rubric_set *set, const char *errors)
{
	CHECK_STR(errors, NULL);
	CHECK_INT(rubric_set_count(set), 3);
	const struct rubric *qy = rubric_find(set, "520111101", 2026);
	const struct rubric *other = rubric_find(set, "520111102", 2026);
	const struct rubric *last = rubric_find(set, "520111101", 2025);
	CHECK(qy && strcmp(qy->name, "qingyan-2026") == 0);
	CHECK(other && strcmp(other->name, "common-2026") == 0);
	CHECK(last && strcmp(last->name, "common-2025") == 0);
	CHECK(rubric_find(set, "520111101", 2024) == NULL);
	CHECK(qy && qy->basis == RUBRIC_BY_POINTS && qy->nstars == 10 && qy->nlevels == 5);
	CHECK(other && other->basis == RUBRIC_BY_STARS && other->nstars == 10 && other->ndisq == 2);
	CHECK(rubric_get(set, "common-2026", 1) == other);
	CHECK(rubric_get(set, "common-2026", 2) == NULL);
	if (qy) {
		CHECK_STR(qy->stars[0].name, "爱国守法");
		CHECK_INT(qy->stars[0].threshold, 8);
		CHECK(!qy->disq[1].all && qy->disq[1].withholds[0] && qy->disq[1].withholds[6] &&
		      !qy->disq[1].withholds[1]);
	}
}

/* A second file with the same name and version is refused and named. */
static void test_duplicate_version(void)
{
	char dir[] = "/tmp/test-stars-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char *sub = xasprintf("%s/rubrics", dir);
	mkdir(sub, 0700);
	const char *names[] = { "a.rubric", "b.rubric" };
	for (size_t i = 0; i < 2; i++) {
		char *p = xasprintf("%s/%s", sub, names[i]);
		FILE *f = fopen(p, "w");
		fputs("[rubric]\nname = same\ntitle = T\nyear = 2026\nversion = 1\n" STAR, f);
		fclose(f);
		free(p);
	}
	char *errors = NULL;
	struct rubric_set *set = rubric_set_load(dir, NULL, &errors);
	CHECK_INT(rubric_set_count(set), 1);
	char *want = xasprintf("%s/b.rubric:1: rubric same version 1 is already defined in %s/a.rubric; "
			       "a new version needs a new number\n", sub, sub);
	CHECK_STR(errors, want);
	free(want);
	free(errors);
	rubric_set_free(set);
	for (size_t i = 0; i < 2; i++) {
		char *p = xasprintf("%s/%s", sub, names[i]);
		unlink(p);
		free(p);
	}
	rmdir(sub);
	rmdir(dir);
	free(sub);
}

/* Damaged copies of a shipped rubric (cut short, a line dropped, a byte garbled): each
 * is either used or refused with problems, never a crash (run under ASan too). */
static void test_damaged(struct rubric_set *set)
{
	for (size_t k = 0; k < rubric_set_count(set); k++) {
		const char *path = rubric_set_item(set, k)->file;
		FILE *f = fopen(path, "rb");
		CHECK(f != NULL);
		if (!f)
			continue;
		char text[65536];
		size_t n = fread(text, 1, sizeof text - 1, f);
		fclose(f);
		text[n] = '\0';
		int refused = 0, runs = 0;
		for (size_t cut = 0; cut < n; cut += 13) {
			char *copy = xstrndup(text, cut);
			char *errors = NULL;
			struct rubric *r = rubric_parse("x.rubric", "x", copy, &errors);
			refused += r == NULL;
			runs++;
			CHECK((r == NULL) == (errors != NULL));
			rubric_free(r);
			free(errors);
			free(copy);
		}
		for (size_t at = 0; at < n; at += 29) {
			char *copy = xstrdup(text);
			copy[at] = (char)(copy[at] ^ 0x5a);
			char *errors = NULL;
			rubric_free(rubric_parse("x.rubric", "x", copy, &errors));
			free(errors);
			free(copy);
		}
		CHECK(refused > 0 && refused < runs);
	}
}

/* A changed rubric is a new file with the next version: new rounds take it, a round
 * opened under version 1 keeps version 1. */
static void test_new_version(void)
{
	char dir[] = "/tmp/test-stars-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char *sub = xasprintf("%s/rubrics", dir);
	mkdir(sub, 0700);
	const char *texts[] = {
		"[rubric]\nname = local\ntitle = T\nyear = 2026\nversion = 1\n" STAR,
		"[rubric]\nname = local\ntitle = T2\nyear = 2026\nversion = 2\n" STAR "[star S02]\nname = B\n",
	};
	for (size_t i = 0; i < 2; i++) {
		char *p = xasprintf("%s/local-v%zu.rubric", sub, i + 1);
		FILE *f = fopen(p, "w");
		fputs(texts[i], f);
		fclose(f);
		free(p);
	}
	char *errors = NULL;
	struct rubric_set *set = rubric_set_load(dir, NULL, &errors);
	CHECK_STR(errors, NULL);
	const struct rubric *now = rubric_find(set, "520111102", 2026);
	CHECK(now && now->version == 2 && now->nstars == 2);
	const struct rubric *old = rubric_get(set, "local", 1);
	CHECK(old && old->nstars == 1 && strcmp(old->sum, now->sum) != 0);
	/* a round keeps the name, version and checksum it was opened with */
	struct stars_round round = { .rubric = xstrdup("local"), .rubric_version = 1, .year = 2026 };
	round.rubric_sum = xstrdup(old ? old->sum : "");
	char *err = NULL;
	CHECK(old && stars_round_rubric(set, &round, &err) == old);
	round.rubric_version = 3;
	CHECK(stars_round_rubric(set, &round, &err) == NULL);
	CHECK_STR(err, "the round's rubric local version 3 is not in forms/rubrics");
	free(err);
	stars_round_free(&round);
	rubric_set_free(set);
	for (size_t i = 0; i < 2; i++) {
		char *p = xasprintf("%s/local-v%zu.rubric", sub, i + 1);
		unlink(p);
		free(p);
	}
	rmdir(sub);
	rmdir(dir);
	free(sub);
}

/* ---- computation ---- */

/* A table of households scored under a rubric and what they must get. */
static const struct {
	const char *rubric;
	int values[10];
	bool dq[2];
	int earned, points, level;
} compute_cases[] = {
	/* common 2026: one level per star from five; 2025 counted from one */
	{ "common-2026", { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 }, { 0, 0 }, 10, 10, 10 },
	{ "common-2026", { 1, 1, 1, 1, 1, 1, 1, 0, 0, 1 }, { 0, 0 }, 8, 8, 8 },
	{ "common-2026", { 1, 1, 1, 1, 0, 0, 0, 0, 0, 0 }, { 0, 0 }, 4, 4, 0 },
	{ "common-2025", { 1, 1, 1, 1, 0, 0, 0, 0, 0, 0 }, { 0, 0 }, 4, 4, 4 },
	{ "common-2025", { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 }, { 1, 0 }, 0, 0, 0 },
	{ "common-2026", { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 }, { 0, 1 }, 0, 0, 0 },
	{ "common-2026", { 1, 1, 1, 1, 1, 1, -1, -1, -1, -1 }, { 0, 0 }, 6, 6, 6 },
	/* 青岩镇 2026: points, 8 earn a star, the level from the total */
	{ "qingyan-2026", { 9, 9, 9, 9, 9, 9, 9, 9, 9, 9 }, { 0, 0 }, 10, 90, 4 },
	{ "qingyan-2026", { 10, 10, 10, 10, 10, 10, 10, 10, 10, 10 }, { 0, 0 }, 10, 100, 5 },
	{ "qingyan-2026", { 7, 7, 7, 7, 7, 7, 7, 7, 7, 7 }, { 0, 0 }, 0, 70, 2 },
	{ "qingyan-2026", { 5, 5, 5, 5, 5, 5, 5, 5, 5, 5 }, { 0, 0 }, 0, 50, 0 },
	/* a legal sanction withholds 爱国守法 and 遵规守约 only; a prison sentence all */
	{ "qingyan-2026", { 9, 9, 9, 9, 9, 9, 9, 9, 9, 9 }, { 0, 1 }, 8, 72, 2 },
	{ "qingyan-2026", { 9, 9, 9, 9, 9, 9, 9, 9, 9, 9 }, { 1, 0 }, 0, 0, 0 },
};

static void test_compute(struct rubric_set *set)
{
	for (size_t i = 0; i < ARRAY_LEN(compute_cases); i++) {
		const struct rubric *r = rubric_get(set, compute_cases[i].rubric, 1);
		CHECK(r != NULL);
		if (!r)
			continue;
		struct stars_result res;
		stars_compute(r, compute_cases[i].values, compute_cases[i].dq, &res);
		CHECK_INT(res.nearned, compute_cases[i].earned);
		CHECK_INT(res.points, compute_cases[i].points);
		CHECK_INT(res.level, compute_cases[i].level);
		CHECK(res.disqualified == (compute_cases[i].dq[0] || compute_cases[i].dq[1]));
		stars_result_free(&res);
	}
	const struct rubric *qy = rubric_get(set, "qingyan-2026", 1);
	int v[10] = { 9, 7, 9, 9, 9, 9, 9, 9, 9, -1 };
	bool dq[2] = { false, true };
	char *why = stars_explain(qy, v, dq);
	CHECK(strstr(why, "Disqualified: 家庭成员当年受到法律制裁 (withholds some stars).\n") != NULL);
	CHECK(strstr(why, "[ ] 爱国守法: withheld this year: 家庭成员当年受到法律制裁\n") != NULL);
	CHECK(strstr(why, "[ ] 诚实守信: 7 of 10 points, 8 earn the star: not earned\n") != NULL);
	CHECK(strstr(why, "[+] 勤劳致富: 9 of 10 points, 8 earn the star: earned\n") != NULL);
	CHECK(strstr(why, "[ ] 义务奉献: not scored yet\n") != NULL);
	CHECK(strstr(why, "Stars earned: 6 of 10. Points: 61.\nLevel: 一星级文明户 (it needs 60 points).\n") != NULL);
	CHECK(strstr(why, "Some stars are not scored yet") != NULL);
	free(why);

	/* keys typed into a cell */
	int val = -5;
	CHECK(stars_parse_value(&qy->stars[0], "+", &val) && val == 10);
	CHECK(stars_parse_value(&qy->stars[0], "8", &val) && val == 8);
	CHECK(!stars_parse_value(&qy->stars[0], "11", &val));
	CHECK(!stars_parse_value(&qy->stars[0], "y", &val));
	const struct rubric *common = rubric_get(set, "common-2026", 1);
	CHECK(stars_parse_value(&common->stars[0], "y", &val) && val == 1);
	CHECK(stars_parse_value(&common->stars[0], "-", &val) && val == 0);
	CHECK(!stars_parse_value(&common->stars[0], "2", &val));
}

/* ---- rounds in a store ---- */

/* Inserts a row through the write path and returns its id. */
static int64_t insert(struct store *st, const char *table, const struct store_field *f, size_t n)
{
	int64_t id = 0;
	char *err = NULL;
	if (store_insert(st, table, f, n, &id, &err) != 0) {
		fprintf(stderr, "insert %s: %s\n", table, err);
		free(err);
	}
	return id;
}

/* A household with a head in grid g; returns its id. */
static int64_t add_household(struct store *st, const char *grid, const char *hh_no, const char *group,
			     const char *head, const char *id_number)
{
	struct store_field h[] = { { "hh_no", hh_no }, { "grid_id", grid }, { "village_group", group },
				   { "form_version", "1" } };
	int64_t hid = insert(st, "household", h, ARRAY_LEN(h));
	char hs[24], rs[24];
	snprintf(hs, sizeof hs, "%lld", (long long)hid);
	struct store_field r[] = { { "name", head }, { "household_id", hs }, { "relation", "02" },
				   { "id_number", id_number }, { "phone", "13812345678" }, { "form_version", "1" } };
	int64_t rid = insert(st, "resident", r, ARRAY_LEN(r));
	snprintf(rs, sizeof rs, "%lld", (long long)rid);
	struct store_field u[] = { { "head_id", rs } };
	char *err = NULL;
	CHECK(store_update(st, "household", hid, u, 1, NULL, &err) == 0);
	free(err);
	return hid;
}

/* An audit count for a table and action. */
static int audit_count(struct store *st, const char *table, const char *action)
{
	sqlite3_stmt *stmt;
	int n = -1;
	sqlite3_prepare_v2(store_db(st), "SELECT count(*) FROM audit WHERE tbl = ?1 AND action = ?2", -1, &stmt, NULL);
	sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, action, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

static void test_rounds(struct rubric_set *set)
{
	char path[] = "/tmp/test-stars-db-XXXXXX";
	int fd = mkstemp(path);
	close(fd);
	unlink(path);
	char *err = NULL;
	struct store *st = store_open(path, &err);
	CHECK(st != NULL);
	if (!st)
		return;
	CHECK(store_set_operator(st, "tester", &err) == 0);
	struct store_field town[] = { { "code", "520111101" }, { "name", "青岩镇" } };
	int64_t tid = insert(st, "town", town, 2);
	char ts[24], vs[24], gs[24];
	snprintf(ts, sizeof ts, "%lld", (long long)tid);
	struct store_field village[] = { { "town_id", ts }, { "code", "520111101201" }, { "name", "龙井村" } };
	int64_t vid = insert(st, "village", village, 3);
	snprintf(vs, sizeof vs, "%lld", (long long)vid);
	struct store_field grid[] = { { "village_id", vs }, { "code", "01" }, { "name", "一组" } };
	snprintf(gs, sizeof gs, "%lld", (long long)insert(st, "grid", grid, 3));
	/* the village's 村民小组, which its households' groups are one of */
	struct store_field group1[] = { { "village_id", vs }, { "name", "1组" }, { "sort", "1" } };
	struct store_field group3[] = { { "village_id", vs }, { "name", "3组" }, { "sort", "3" } };
	insert(st, "village_group", group1, 3);
	insert(st, "village_group", group3, 3);
	int64_t h1 = add_household(st, gs, "0001", "3组", "龙大山", "52011119800101001X");
	int64_t h2 = add_household(st, gs, "0002", "1组", "王小花", NULL);

	struct stars_round round;
	CHECK(stars_round_open(st, set, vid, 2026, &round, &err) == 0);
	CHECK_STR(round.rubric, "qingyan-2026");
	CHECK_INT(round.stage, STARS_SELF);
	CHECK_INT(round.notice_days, 7);
	struct stars_round again;
	CHECK(stars_round_open(st, set, vid, 2026, &again, &err) == -1);
	CHECK_STR(err, "the round of 2026 for 龙井村 is already open");
	free(err);
	err = NULL;
	CHECK(stars_round_open(st, set, vid, 2024, &again, &err) == -1);
	CHECK_STR(err, "no rubric for 2024 in forms/rubrics fits 龙井村 (township 520111101)");
	free(err);
	err = NULL;

	const struct rubric *r = stars_round_rubric(set, &round, &err);
	CHECK(r != NULL);
	struct stars_entry e1, e2;
	stars_entry_init(&e1, r, h1);
	stars_entry_init(&e2, r, h2);
	for (size_t s = 0; s < r->nstars; s++) {
		CHECK(stars_set_score(st, r, &round, &e1, s, 10, &err) == 0);
		CHECK(stars_set_score(st, r, &round, &e2, s, 8, &err) == 0);
	}
	CHECK(stars_set_score(st, r, &round, &e1, 0, 11, &err) == -1);
	CHECK_STR(err, "爱国守法: a score from 0 to 10");
	free(err);
	err = NULL;
	/* what is stored comes back */
	struct stars_entry back;
	stars_entry_init(&back, r, h1);
	CHECK(stars_entry_load(st, r, &round, &back, &err) == 0);
	CHECK_INT(back.values[3], 10);
	stars_entry_free(&back);
	CHECK_INT(stars_level_of(st, vid, 2026, h1), 5);
	/* the scoring grid as the screen loads it: by group, with the round's entries */
	e1.note = xstrdup("评议通过");
	CHECK(stars_save_entry(st, r, &round, &e1, &err) == 0);
	struct stars_household *hh;
	size_t nhh;
	CHECK(stars_grid_load(st, r, &round, &hh, &nhh, &err) == 0);
	CHECK_INT(nhh, 2);
	if (nhh == 2) {
		CHECK_INT(hh[0].id, h2);   /* 1组 before 3组 */
		CHECK_STR(hh[0].head, "王小花");
		CHECK_STR(hh[1].group, "3组");
		CHECK_STR(hh[1].hh_no, "0001");
		CHECK_INT(hh[1].e.values[r->nstars - 1], 10);
		CHECK_INT(hh[0].e.values[0], 8);
		CHECK_STR(hh[1].e.note, "评议通过");
		CHECK(hh[0].e.note == NULL);
		CHECK_INT(hh[1].last, -1);   /* no round of 2025 */
	}
	stars_households_free(hh, nhh);
	struct rowset members = { 0 }, facts = { 0 };
	CHECK_INT(stars_household_members(st, h1, &members, &err), 0);
	CHECK_INT(members.n, 1);
	CHECK_STR(rowset_text(&members, 0, STARS_M_NAME), "龙大山");
	rowset_free(&members);
	CHECK_INT(stars_household_disputes(st, h1, 2026, &facts, &err), 0);
	CHECK_INT(facts.n, 0);
	rowset_free(&facts);
	CHECK_INT(stars_household_open_requests(st, h1, &facts, &err), 0);
	CHECK_INT(facts.n, 0);
	rowset_free(&facts);
	CHECK_INT(stars_default_village(st), vid);
	CHECK_INT(stars_level_of(st, vid, 2026, h2), 3);
	CHECK_INT(stars_level_of(st, vid, 2025, h1), -1);

	/* stages: one at a time, each audited; 定星 waits for the notice to end */
	CHECK(stars_round_move(st, r, &round, STARS_CHECK, 0, "2026-11-20", &err) == -1);
	CHECK_STR(err, "A round moves one stage at a time: from Self-assessment it goes to Representatives' review.");
	free(err);
	err = NULL;
	CHECK(stars_round_move(st, r, &round, STARS_REVIEW, 0, "2026-11-20", &err) == 0);
	CHECK(stars_round_move(st, r, &round, STARS_CHECK, 0, "2026-11-21", &err) == 0);
	CHECK(stars_round_move(st, r, &round, STARS_NOTICE, 5, "2026-11-22", &err) == 0);
	char end[11];
	stars_notice_end(&round, end);
	CHECK_STR(end, "2026-11-26");
	CHECK(stars_set_score(st, r, &round, &e2, 0, 9, &err) == -1);
	CHECK(err && strstr(err, "public notice") != NULL);
	free(err);
	err = NULL;
	CHECK(stars_round_move(st, r, &round, STARS_FINAL, 0, "2026-11-26", &err) == -1);
	CHECK_STR(err, "The public notice runs until 2026-11-26: the stars are awarded after it.");
	free(err);
	err = NULL;

	/* the notice: head, group, level, stars; no ID or phone number */
	char *notice = stars_notice_text(st, r, &round, &err);
	CHECK(notice && strstr(notice, "龙大山") && strstr(notice, "王小花") && strstr(notice, "五星级文明户"));
	CHECK(notice && strstr(notice, "Notice period: 2026-11-22 to 2026-11-26 (5 days)") != NULL);
	CHECK(notice && !strstr(notice, "52011119800101001X") && !strstr(notice, "1381234"));
	CHECK(notice && strstr(notice, "龙大山") < strstr(notice, "王小花"));   /* level 5 first */
	free(notice);
	char *csv = stars_notice_csv(st, r, &round, &err);
	const char *want_csv = "No.,Group,Head,Level,Stars,Not earned\r\n1,3组,龙大山,五星级文明户,10,\r\n2,1组,王小花,";
	CHECK(csv && strncmp(csv, want_csv, strlen(want_csv)) == 0);
	free(csv);
	/* the same as a workbook, read back */
	char xlsx[64];
	snprintf(xlsx, sizeof xlsx, "%s.xlsx", path);
	CHECK(stars_notice_xlsx(st, r, &round, xlsx, &err) == 0);
	struct sheet_reader *sr = sheet_open(xlsx, SHEET_XLSX, &err);
	struct csv_row row;
	CHECK(sr && sheet_read(sr, &row, &err) == 1 && row.n == 6 && strcmp(row.fields[2], "Head") == 0);
	CHECK(sr && sheet_read(sr, &row, &err) == 1 && row.n >= 4 && strcmp(row.fields[2], "龙大山") == 0 &&
	      strcmp(row.fields[3], "五星级文明户") == 0);
	sheet_close(sr);
	unlink(xlsx);

	CHECK(stars_round_move(st, r, &round, STARS_FINAL, 0, "2026-11-27", &err) == 0);
	CHECK_INT(audit_count(st, "star_round", "update"), 4);
	/* locked: through stars and through the database itself */
	CHECK(stars_set_score(st, r, &round, &e2, 0, 9, &err) == -1);
	CHECK_STR(err, "The round is final (stars awarded): its scores are locked.");
	free(err);
	err = NULL;
	int64_t score_id = 0;
	sqlite3_stmt *stmt;
	sqlite3_prepare_v2(store_db(st), "SELECT id FROM star_score LIMIT 1", -1, &stmt, NULL);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		score_id = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	struct store_field f[] = { { "value", "1" } };
	CHECK(store_update(st, "star_score", score_id, f, 1, NULL, &err) == -1);
	CHECK(err && strstr(err, "the round is final: its scores are locked") != NULL);
	free(err);
	err = NULL;
	CHECK(stars_round_move(st, r, &round, STARS_NOTICE, 0, "2026-11-28", &err) == -1);
	free(err);
	err = NULL;

	/* a rubric changed in place no longer opens the round */
	struct stars_round changed;
	CHECK(stars_round_get(st, vid, 2026, &changed, &err) == 0);
	free(changed.rubric_sum);
	changed.rubric_sum = xstrdup("0000000000000000");
	CHECK(stars_round_rubric(set, &changed, &err) == NULL);
	CHECK(err && strstr(err, "a rubric in use is never changed") != NULL);
	free(err);
	err = NULL;
	stars_round_free(&changed);

	/* statistics */
	char *report = stars_report_text(st, 2026, &err);
	CHECK_STR(report, "Star households of 2026: households per star level\n\n"
			  /* "Number of households" is cut, and says so */
			  "Village     Stage           Numb… None    1    2    3    4    5\n"
			  "龙井村      Final           2      0       0    0    1    0    1\n"
			  "Total                       2      0       0    0    1    0    1\n");
	free(report);
	struct stars_stat *stats;
	size_t n;
	CHECK(stars_stats(st, 2026, &stats, &n, &err) == 0);
	CHECK_INT(n, 1);
	if (n == 1) {
		CHECK_INT(stats[0].households, 2);
		CHECK_INT(stats[0].top, 5);
		CHECK_INT(stats[0].per_level[5], 1);
		CHECK_INT(stats[0].per_level[3], 1);
	}
	stars_stats_free(stats, n);

	stars_entry_free(&e1);
	stars_entry_free(&e2);
	stars_round_free(&round);
	char *check = NULL;
	CHECK_INT(store_check(st, &check), 0);
	free(check);
	store_close(st);
	check_unlink_register(path);
	free(err);
}

/* A new year's copy of the township's rubric: its year, name, title and version made
 * the new year's, its stars and levels as they were; the earlier rubric found for a
 * year that has none. */
static void test_copy_for_year(const struct rubric_set *set)
{
	const struct rubric *r = rubric_find(set, "520111101", 2026);
	CHECK(r && strcmp(r->name, "qingyan-2026") == 0);
	CHECK(rubric_find(set, "520111101", 2027) == NULL);
	CHECK(rubric_find_before(set, "520111101", 2027) == r);
	CHECK(rubric_find_before(set, "520111101", 2025) == NULL);   /* nothing before 2025 */
	if (!r)
		return;
	FILE *f = fopen(r->file, "rb");
	char text[16384];
	size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
	text[n] = '\0';
	if (f)
		fclose(f);
	char *copy = rubric_text_for_year(r, text, 2027);
	char *errs = NULL;
	struct rubric *c = rubric_parse("copy.rubric", "copy", copy, &errs);
	CHECK(errs == NULL);
	CHECK(c && c->year == 2027 && c->version == 1 && strcmp(c->name, "qingyan-2027") == 0);
	CHECK(c && strstr(c->title, "2027年") && !strstr(c->title, "2026"));
	CHECK(c && c->nstars == r->nstars && c->nlevels == r->nlevels && c->basis == r->basis);
	CHECK(c && c->township && strcmp(c->township, "520111101") == 0);
	CHECK(strstr(copy, "# A copy of ") == copy);    /* says where it came from */
	rubric_free(c);
	free(errs);
	free(copy);
}

/* The explain view's 文明积分: none without the points register's table, then the
 * balance of earned less redeemed (source 9), 0 for a household with none. */
static void test_points(void)
{
	char path[] = "/tmp/test-stars-points-XXXXXX";
	int fd = mkstemp(path);
	close(fd);
	unlink(path);
	char *err = NULL;
	struct store *st = store_open(path, &err);
	CHECK(st != NULL);
	if (!st)
		return;
	char *text = stars_points_text(st, 1);
	CHECK_STR(text, NULL);
	free(text);
	CHECK(sqlite3_exec(store_db(st), "CREATE TABLE ledger_practice_points (id INTEGER PRIMARY KEY,"
			   " household_id INTEGER, source TEXT, points INTEGER);"
			   " INSERT INTO ledger_practice_points (household_id, source, points) VALUES"
			   " (1, '3', 10), (1, '1', 8), (1, '9', 12), (2, '1', 5)", NULL, NULL, NULL) == SQLITE_OK);
	text = stars_points_text(st, 1);
	CHECK_STR(text, "Civilisation points: balance 6 (earned 18, redeemed 12).");
	free(text);
	text = stars_points_text(st, 3);
	CHECK_STR(text, "Civilisation points: balance 0 (earned 0, redeemed 0).");
	free(text);
	store_close(st);
	unlink(path);
	free(err);
}

int main(void)
{
	i18n_init("en");
	civil_set_fixed_today("2026-11-26");
	test_parser();
	test_duplicate_version();
	test_new_version();
	char *errors = NULL;
	struct rubric_set *set = rubric_set_load(forms_dir(), NULL, &errors);
	test_shipped(set, errors);
	free(errors);
	test_damaged(set);
	test_compute(set);
	test_rounds(set);
	test_copy_for_year(set);
	test_points();
	rubric_set_free(set);
	return check_finish();
}
