/* test-village: the one village query every village picker uses (village.c): a
 * district of 130 villages offers all of them, a page at a time and by name, and
 * the rows a model query returns (rowset.c). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "i18n.h"
#include "rowset.h"
#include "store.h"
#include "util.h"
#include "village.h"

static char dir[] = "/tmp/sz-test-village-XXXXXX";

/* A town of n villages 第1村 .. 第n村, coded in that order. */
static void fixture_villages(struct store *st, int n)
{
	char *err = NULL;
	int64_t town;
	struct store_field t[] = { { "code", "520111101" }, { "name", "青岩镇" } };
	CHECK(store_insert(st, "town", t, 2, &town, &err) == 0);
	char tid[24];
	snprintf(tid, sizeof tid, "%lld", (long long)town);
	CHECK(store_begin(st, &err) == 0);
	for (int i = 1; i <= n; i++) {
		char code[16], name[32];
		snprintf(code, sizeof code, "520111101%03d", i);
		snprintf(name, sizeof name, "第%d村", i);
		struct store_field v[] = { { "town_id", tid }, { "code", code }, { "name", name } };
		int64_t id;
		CHECK(store_insert(st, "village", v, 3, &id, &err) == 0);
	}
	CHECK(store_commit(st, &err) == 0);
	if (err)
		fprintf(stderr, "fixture: %s\n", err);
	free(err);
}

/* Every one of 130 villages is offered: the whole list, the last page, by name. */
static void test_many_villages(struct store *st)
{
	struct rowset r = { 0 };
	char *err = NULL;
	CHECK_INT(village_list(st, "", 0, 500, &r, &err), 0);
	CHECK_INT(r.n, 130);
	CHECK_STR(rowset_text(&r, 64, VILLAGE_NAME), "第65村");
	CHECK_STR(rowset_text(&r, 129, VILLAGE_NAME), "第130村");
	CHECK_STR(rowset_text(&r, 129, VILLAGE_TOWN), "青岩镇");
	CHECK_STR(rowset_text(&r, 129, VILLAGE_CODE), "520111101130");
	int64_t last = rowset_int(&r, 129, VILLAGE_ID);
	rowset_free(&r);

	CHECK_INT(village_list(st, NULL, 120, 20, &r, &err), 0);   /* the picker's last page */
	CHECK_INT(r.n, 10);
	CHECK_STR(rowset_text(&r, 9, VILLAGE_NAME), "第130村");
	rowset_free(&r);

	CHECK_INT(village_list(st, "第130", 0, 20, &r, &err), 0);
	CHECK_INT(r.n, 1);
	CHECK_INT(rowset_int(&r, 0, VILLAGE_ID), last);
	rowset_free(&r);

	CHECK_INT(village_list(st, "青岩", 0, 200, &r, &err), 0);   /* by the town's name */
	CHECK_INT(r.n, 130);
	rowset_free(&r);

	char *name = village_name(st, last);
	CHECK_STR(name, "第130村");
	free(name);
	CHECK(village_name(st, last + 1000) == NULL);
	free(err);
}

/* The cells of a query: NULL apart from "", integers, a failed query's message. */
static void test_rowset(struct store *st)
{
	struct rowset r = { 0 };
	char *err = NULL;
	CHECK_INT(rowset_select(st, &r, &err, "SELECT ?1, NULL, ?2 + 1, ?3", "til", "甲", 41, (int64_t)1 << 40), 0);
	CHECK_INT(r.n, 1);
	CHECK_INT(r.ncols, 4);
	CHECK_STR(rowset_text(&r, 0, 0), "甲");
	CHECK(rowset_null(&r, 0, 1));
	CHECK_STR(rowset_text(&r, 0, 1), "");
	CHECK_INT(rowset_int(&r, 0, 2), 42);
	CHECK_INT(rowset_int(&r, 0, 3), (int64_t)1 << 40);
	CHECK_STR(rowset_text(&r, 5, 0), "");   /* out of range: empty, not a crash */
	rowset_free(&r);
	CHECK_INT(rowset_select(st, &r, &err, "SELECT name FROM nowhere", NULL), -1);
	CHECK(err && strstr(err, "nowhere"));
	free(err);
	char *v = rowset_value(st, "SELECT ?1 || '村'", "t", "龙井");
	CHECK_STR(v, "龙井村");
	free(v);
	CHECK(rowset_value(st, "SELECT NULL", NULL) == NULL);
}

int main(void)
{
	setenv("TZ", "Asia/Shanghai", 1);
	i18n_init("zh");
	if (!mkdtemp(dir))
		return 1;
	char *path = xasprintf("%s/t.db", dir);
	char *err = NULL;
	struct store *st = store_open(path, &err);
	CHECK(st != NULL);
	if (!st) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	store_set_operator(st, "tester", &err);
	fixture_villages(st, 130);
	test_many_villages(st);
	test_rowset(st);
	store_close(st);
	char *cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(cmd);
	free(path);
	free(err);
	return check_finish();
}
