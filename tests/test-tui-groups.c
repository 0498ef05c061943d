/* Acceptance test of the villagers' groups (村民小组) on screen: the real shanzhi
 * binary in a pseudo-terminal. A clerk types a group the village does not have into
 * a new household, sees it refused with the village's groups listed, picks one with
 * F4 and saves; an administrator renames that group under 系统管理 and the household
 * follows.
 *
 * usage: test-tui-groups SHANZHI LOCALE    (LOCALE zh_CN.UTF-8 or zh_CN.GBK) */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pty.h"
#include "tui-steps.h"

#define WAIT_MS 5000
#define HH_NO "9900001"

static const char *shanzhi;
static const char *locale;
static char *db;

/* The household's group in the register, or "(none)". Caller frees. */
static char *group_of(const char *hh_no)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *stmt = NULL;
	char *v = NULL;
	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(h, "SELECT village_group FROM household WHERE hh_no = ?1", -1, &stmt, NULL) == SQLITE_OK) {
		sqlite3_bind_text(stmt, 1, hh_no, -1, SQLITE_STATIC);
		if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
			v = strdup((const char *)sqlite3_column_text(stmt, 0));
	}
	sqlite3_finalize(stmt);
	sqlite3_close(h);
	return v ? v : strdup("(none)");
}

/* 2, F7: a new household; 33组 in 村民小组 is refused beside the field and on F2,
 * naming the field and the groups; F4 lists 1组 2组 3组, 2 picks 2组, F2 saves. */
static void test_wrong_group_then_pick(void)
{
	struct pty *t = step_start_admin(shanzhi, db, locale, 24, 80);
	CHECK(t != NULL);
	if (!t)
		return;
	step_type(t, "2");
	CHECK(pty_wait_for(t, "户号", WAIT_MS));
	step_key(t, "F7");
	CHECK(pty_wait_for(t, "村民小组", WAIT_MS));
	step_type(t, HH_NO);
	CHECK(step_goto_field(t, "村民小组"));
	step_type(t, "33组");
	step_key(t, "F2");
	CHECK(pty_wait_for(t, "不是可选值", WAIT_MS));
	CHECK(pty_contains(t, "村民小组：33组 不是可选值（1组、2组、3组）之一，请按 F4 选择"));
	if (!pty_contains(t, "1组、2组、3组"))
		pty_dump(t, stderr, "the refusal of 33组");
	char *now = group_of(HH_NO);
	CHECK_STR(now, "(none)");   /* refused: nothing written */
	free(now);
	CHECK(step_goto_field(t, "村民小组"));
	step_key(t, "F4");
	CHECK(pty_wait_for(t, "3 3组", WAIT_MS));
	CHECK(pty_contains(t, "1 1组") && pty_contains(t, "2 2组"));
	step_type(t, "2");
	char *value = NULL;
	CHECK(step_field_row(t, "村民小组", &value) >= 0);
	CHECK(value && strstr(value, "2组") && !strstr(value, "33组"));
	free(value);
	step_key(t, "F2");
	pty_settle(t);
	now = group_of(HH_NO);
	CHECK_STR(now, "2组");
	if (strcmp(now, "2组") != 0)
		pty_dump(t, stderr, "after F2 with 2组");
	free(now);
	CHECK(step_quit(t, 8, WAIT_MS));
}

/* 9, 村民小组: the village's groups with their households; Enter renames 2组 二组
 * after a question, and the household saved above now says 二组. */
static void test_rename_group(void)
{
	struct pty *t = step_start_admin(shanzhi, db, locale, 24, 80);
	CHECK(t != NULL);
	if (!t)
		return;
	step_type(t, "9");
	CHECK(pty_wait_for(t, "村民小组", WAIT_MS));
	step_type(t, "4");
	CHECK(pty_wait_for(t, "的村民小组", WAIT_MS));
	CHECK(pty_contains(t, "1组") && pty_contains(t, "3组") && pty_contains(t, "使用中"));
	step_key(t, "Down");
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "新名称", WAIT_MS));
	for (int i = 0; i < 2; i++)
		step_key(t, "Backspace");
	step_type(t, "二组");
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "改名为 二组", WAIT_MS));
	step_type(t, "y");
	CHECK(pty_wait_for(t, "已改名为 二组", WAIT_MS));
	char *now = group_of(HH_NO);
	CHECK_STR(now, "二组");
	free(now);
	/* F7 with a name past the limit: the box says the rest was not taken */
	step_key(t, "F7");
	CHECK(pty_wait_for(t, "名称", WAIT_MS));
	for (int i = 0; i < 52; i++)
		step_type(t, "长");
	CHECK(pty_wait_for(t, "最多 50 个字，超出的部分未录入。", WAIT_MS));
	step_key(t, "Esc");
	CHECK(step_quit(t, 8, WAIT_MS));
}

int main(int argc, char **argv)
{
	char *dir;
	if (!step_village_begin(argc, argv, 300, &shanzhi, &locale, &dir, &db))
		return 2;
	CHECK(db != NULL);
	if (!db)
		return check_finish();
	test_wrong_group_then_pick();
	test_rename_group();
	step_village_end(dir, db);
	return check_finish();
}
