/* Tests of the villagers' groups (村民小组): the migration that fills them from the
 * households' free text, the changes an administrator makes (add, rename with the
 * households, deactivate moving them), who may make them, and what check reports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "check-query.h"
#include "schema.h"
#include "store.h"
#include "util.h"
#include "vgroup.h"

static char dir[] = "/tmp/sz-test-vgroup-XXXXXX";

/* Inserts a row through the write path; its id. */
static int64_t add(struct store *st, const char *table, const struct store_field *f, size_t n)
{
	int64_t id = 0;
	char *err = NULL;
	if (store_insert(st, table, f, n, &id, &err) != 0)
		fprintf(stderr, "insert into %s failed: %s\n", table, err);
	free(err);
	return id;
}

/* A household in grid (0: none) with group (NULL: none). */
static int64_t add_household(struct store *st, const char *hh_no, int64_t grid, const char *group)
{
	char gid[24];
	snprintf(gid, sizeof gid, "%lld", (long long)grid);
	struct store_field f[] = {{"hh_no", hh_no}, {"grid_id", grid ? gid : NULL}, {"village_group", group},
				  {"form_version", "1"}};
	return add(st, "household", f, ARRAY_LEN(f));
}

/* A village with one grid of the town; the grid's id. */
static int64_t add_village(struct store *st, int64_t town, const char *code, const char *name, int64_t *village)
{
	char tid[24], vid[24];
	snprintf(tid, sizeof tid, "%lld", (long long)town);
	struct store_field v[] = {{"town_id", tid}, {"code", code}, {"name", name}};
	*village = add(st, "village", v, ARRAY_LEN(v));
	snprintf(vid, sizeof vid, "%lld", (long long)*village);
	struct store_field g[] = {{"village_id", vid}, {"code", "01"}, {"name", "第一网格"}};
	return add(st, "grid", g, ARRAY_LEN(g));
}

/* The village's groups as "name:households:active" joined by spaces. Caller frees. */
static char *groups_of(struct store *st, int64_t village)
{
	struct vgroup *g;
	size_t n;
	char *err = NULL;
	struct strbuf sb = {0};
	if (vgroup_list(st, village, &g, &n, &err) != 0) {
		fprintf(stderr, "list: %s\n", err);
		free(err);
		return xstrdup("(error)");
	}
	for (size_t i = 0; i < n; i++)
		sb_appendf(&sb, "%s%s:%ld:%d", i ? " " : "", g[i].name, g[i].households, g[i].active);
	vgroup_list_free(g, n);
	return sb.len ? sb_take(&sb) : xstrdup("");
}

#define CHECK_GROUPS(st, village, want)                                            \
	do {                                                                       \
		char *got_ = groups_of(st, village);                               \
		CHECK_STR(got_, want);                                             \
		free(got_);                                                        \
	} while (0)

static int64_t village_a, village_b, grid_a, grid_b;

/* A register of the schema before the groups, with free text in its households:
 * 3租 (a typo), 10组 and 2组 in 龙井村, 1组 in 摆早村, 5组 in a household without a
 * grid (two villages: whose is unknown). Opening it migrates. */
static struct store *legacy_register(const char *path)
{
	char *err = NULL;
	struct store *st = store_open(path, &err);
	CHECK(st && store_set_operator(st, "admin", &err) == 0);
	struct store_field t[] = {{"code", "520111101"}, {"name", "青岩镇"}};
	int64_t town = add(st, "town", t, ARRAY_LEN(t));
	grid_a = add_village(st, town, "520111101201", "龙井村", &village_a);
	grid_b = add_village(st, town, "520111101202", "摆早村", &village_b);
	add_household(st, "1001", grid_a, "10组");
	add_household(st, "1002", grid_a, "2组");
	add_household(st, "1003", grid_a, "3租");
	add_household(st, "1004", grid_a, "2组");
	add_household(st, "1005", grid_a, NULL);
	add_household(st, "2001", grid_b, "1组");
	add_household(st, "3001", 0, "5组");
	char *undo = xasprintf("DROP TABLE village_group; DROP INDEX resident_pinyin; DROP TABLE ledger_step;"
			       " DROP TABLE ledger_meta; DROP TABLE ledger_key; DROP TABLE ledger_numkey; DROP TABLE ledger_numgram;"
			       " DROP TABLE ledger_key_state; DROP TABLE transfer;"
			       " DROP TABLE ledger_grid_staff; CREATE TABLE grid_worker (id INTEGER PRIMARY KEY, grid_id INTEGER NOT NULL REFERENCES grid(id),"
			       " name TEXT NOT NULL, phone TEXT, active INTEGER NOT NULL DEFAULT 1); PRAGMA user_version = %d",
			       schema_latest() - 7);  /* the groups, the pinyin index (the requests' table), the ledger tables and their search index, the moves between villages migrate again */
	CHECK(sqlite3_exec(store_db(st), undo, NULL, NULL, NULL) == SQLITE_OK);
	free(undo);
	store_close(st);
	st = store_open(path, &err);
	CHECK(st != NULL);
	if (st)
		CHECK(store_set_operator(st, "admin", &err) == 0);
	free(err);
	return st;
}

/* Each village gets the groups its households named, numbered ones in number order,
 * in one audited bulk entry; no household changes; the grid-less 5组 is told by check. */
static void test_migration(struct store *st)
{
	CHECK_INT(query_int(st, "PRAGMA user_version", 0), schema_latest());
	CHECK_GROUPS(st, village_a, "2组:2:1 3租:1:1 10组:1:1");
	CHECK_GROUPS(st, village_b, "1组:1:1");
	CHECK_QUERY(st, "SELECT group_concat(hh_no || '=' || coalesce(village_group, '-'), ' ') FROM household", 0,
		    "1001=10组 1002=2组 1003=3租 1004=2组 1005=- 2001=1组 3001=5组");
	CHECK_QUERY(st, "SELECT json_extract(after, '$.count') || ' ' || reason FROM audit"
		    " WHERE tbl = 'village_group' AND action = 'bulk'", 0,
		    "4 schema migration: the villagers' groups the households named");
	char *report = NULL;
	CHECK_INT(store_check(st, &report), 1);
	CHECK(report && strstr(report, "household 7 (3001) village_group: 5组 is not one of the register's groups"));
	free(report);
}

/* Rename, add, deactivate and activate, each household it moves updated through the
 * audited write path; names a village has are refused. */
static void test_changes(struct store *st)
{
	char *err = NULL;
	long moved = -1;
	int64_t typo = query_int(st, "SELECT id FROM village_group WHERE name = '3租'", 0);
	CHECK_INT(vgroup_rename(st, typo, " 3组 ", &moved, &err), 0);
	CHECK_INT(moved, 1);
	CHECK_QUERY(st, "SELECT village_group FROM household WHERE hh_no = '1003'", 0, "3组");
	CHECK_QUERY(st, "SELECT reason FROM audit WHERE tbl = 'household' AND action = 'update'"
		    " ORDER BY id DESC LIMIT 1", 0, "group 3租 renamed 3组");
	CHECK_INT(vgroup_rename(st, typo, "2组", NULL, &err), -1);
	CHECK_STR(err, "the village already has a group 2组: deactivate 3组 and move its households there instead");
	free(err);
	err = NULL;
	CHECK_INT(vgroup_add(st, village_a, "4组", NULL, &err), 0);
	CHECK_INT(vgroup_add(st, village_b, "4组", NULL, &err), 0);   /* another village's own */
	CHECK_INT(vgroup_add(st, village_a, "4组", NULL, &err), -1);
	CHECK_STR(err, "the village already has a group 4组");
	free(err);
	err = NULL;
	CHECK_INT(vgroup_add(st, village_a, "　", NULL, &err), -1);
	CHECK_STR(err, "a group needs a name");
	free(err);
	err = NULL;
	CHECK_GROUPS(st, village_a, "2组:2:1 3组:1:1 10组:1:1 4组:0:1");

	int64_t ten = query_int(st, "SELECT id FROM village_group WHERE name = '10组'", 0);
	int64_t two = query_int(st, "SELECT id FROM village_group WHERE name = '2组' AND village_id = ?1",
				       village_a);
	int64_t one_b = query_int(st, "SELECT id FROM village_group WHERE name = '1组'", 0);
	CHECK_INT(vgroup_deactivate(st, ten, 0, NULL, &err), -1);
	CHECK_STR(err, "1 households are in 10组: choose the group they move to");
	free(err);
	err = NULL;
	CHECK_INT(vgroup_deactivate(st, ten, one_b, NULL, &err), -1);   /* another village's */
	CHECK_STR(err, "the households can only move to another active group of the same village");
	free(err);
	err = NULL;
	CHECK_INT(vgroup_deactivate(st, ten, two, &moved, &err), 0);
	CHECK_INT(moved, 1);
	CHECK_GROUPS(st, village_a, "2组:3:1 3组:1:1 10组:0:0 4组:0:1");
	CHECK_QUERY(st, "SELECT village_group FROM household WHERE hh_no = '1001'", 0, "2组");
	CHECK_INT(vgroup_activate(st, ten, &err), 0);
	CHECK_GROUPS(st, village_a, "2组:3:1 3组:1:1 10组:0:1 4组:0:1");
	char *report = NULL;
	CHECK_INT(store_check(st, &report), 1);   /* the grid-less 5组 still; every change audited */
	free(report);
	free(err);
}

/* Groups are kept by an administrator: a clerk's change is refused. */
static void test_admin_only(struct store *st)
{
	char *err = NULL;
	struct store_field clerk[] = {{"login", "xiaowang"}, {"name", "小王"}, {"role", "clerk"}};
	add(st, "operator", clerk, ARRAY_LEN(clerk));
	CHECK_INT(store_set_operator(st, "xiaowang", &err), 0);
	CHECK_INT(vgroup_add(st, village_a, "6组", NULL, &err), -1);
	CHECK(err != NULL);
	free(err);
	err = NULL;
	CHECK_GROUPS(st, village_a, "2组:3:1 3组:1:1 10组:0:1 4组:0:1");
	CHECK_INT(store_set_operator(st, "admin", &err), 0);
	free(err);
}

/* A household's group changed behind the program's back is reported by check. */
static void test_check_reports(struct store *st)
{
	CHECK(sqlite3_exec(store_db(st), "UPDATE household SET village_group = '33组' WHERE hh_no = '1002'", NULL,
			   NULL, NULL) == SQLITE_OK);
	char *report = NULL;
	store_check(st, &report);
	CHECK(report && strstr(report, "household 2 (1002) village_group: 33组 is not one of the groups of 龙井村"));
	free(report);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	char *path = xasprintf("%s/legacy.db", dir);
	struct store *st = legacy_register(path);
	if (st) {
		test_migration(st);
		test_changes(st);
		test_admin_only(st);
		test_check_reports(st);
		store_close(st);
	}
	free(path);
	char *cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(cmd);
	return check_finish();
}
