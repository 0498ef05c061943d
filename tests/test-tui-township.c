/* test-tui-township: the village filter, F4 on the statistics view and on the resident
 * list, in a register of two villages (`demo --villages 2`) and in one of a single
 * village, in a pseudo-terminal of 80x24: the key bar offers F4 only where there is
 * more than one village; F4 opens the village list with 全部村 first; picking 镇山村
 * puts it in the title and leaves only its figures and residents; 全部村 brings the
 * others back. The 便民服务 work list is filtered the same way.
 *
 * usage: test-tui-township SHANZHI LOCALE    (zh_CN.UTF-8 or zh_CN.GBK) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "check.h"
#include "pty.h"
#include "tui-steps.h"

#define WAIT_MS 5000

static const char *shanzhi;
static const char *locale;

/* Makes a demo township of villages (1: a plain one-village demo) in dir/name. */
static char *make_register(const char *dir, const char *name, const char *villages)
{
	char *db = NULL;
	if (asprintf(&db, "%s/%s", dir, name) < 0)
		return NULL;
	const char *township[] = { shanzhi, "--db", db, "demo", "--villages", villages, "--residents", "300", NULL };
	const char *village[] = { shanzhi, "--db", db, "demo", "--residents", "300", NULL };
	int status = -1;
	free(pty_run(strcmp(villages, "1") == 0 ? village : township, locale, &status));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "the demo register %s could not be made\n", db);
		free(db);
		return NULL;
	}
	return db;
}

/* F4, then the village whose name is typed (NULL: 全部村, the first row), Enter. */
static bool pick_village(struct pty *t, const char *name)
{
	step_key(t, "F4");
	if (!pty_wait_for(t, "只看一个村", WAIT_MS) || !pty_wait_for(t, "全部村", WAIT_MS))
		return false;
	if (name) {
		step_type(t, name);
		if (!step_wait_gone(t, "全部村"))
			return false;
	}
	step_key(t, "Enter");
	return step_wait_gone(t, "只看一个村") || pty_contains(t, "只显示") || pty_contains(t, "显示全部村");
}

/* The services' statistics by village: F4 on the key bar; 镇山村 alone, then both. */
static void test_stats(const char *db)
{
	struct pty *t = step_start_admin(shanzhi, db, locale, 24, 80);
	CHECK(t != NULL);
	if (!t)
		return;
	step_type(t, "3");
	step_type(t, "3");
	CHECK(pty_wait_for(t, "便民服务统计：", WAIT_MS));
	CHECK(pty_wait_for(t, "F4 村", WAIT_MS));
	step_type(t, "3");   /* 按村 */
	CHECK(pty_wait_for(t, "镇山村", WAIT_MS));
	CHECK(pty_wait_for(t, "龙井村", WAIT_MS));
	CHECK(pick_village(t, "镇山"));
	CHECK(pty_wait_for(t, "便民服务统计 · 镇山村：", WAIT_MS));
	CHECK(pty_wait_for(t, "只显示镇山村", WAIT_MS));
	CHECK(step_wait_gone(t, "龙井村"));
	CHECK(pick_village(t, NULL));
	CHECK(pty_wait_for(t, "显示全部村", WAIT_MS));
	CHECK(pty_wait_for(t, "龙井村", WAIT_MS));
	CHECK(!pty_contains(t, "· 镇山村"));
	CHECK(step_quit(t, 6, WAIT_MS));
}

/* The resident list: the households' numbers tell the villages apart (101201… 龙井村,
 * 102201… 镇山村); the filter stays for the session. */
static void test_residents(const char *db)
{
	struct pty *t = step_start_admin(shanzhi, db, locale, 24, 80);
	CHECK(t != NULL);
	if (!t)
		return;
	step_type(t, "1");
	CHECK(pty_wait_for(t, "F4 村", WAIT_MS));
	CHECK(pty_wait_for(t, "101201", WAIT_MS));
	CHECK(pick_village(t, "镇山"));
	CHECK(pty_wait_for(t, "居民 · 镇山村", WAIT_MS) || pty_wait_for(t, "· 镇山村", WAIT_MS));
	CHECK(pty_wait_for(t, "102201", WAIT_MS));
	CHECK(step_wait_gone(t, "101201"));
	CHECK(pick_village(t, NULL));
	CHECK(pty_wait_for(t, "101201", WAIT_MS));
	CHECK(step_quit(t, 6, WAIT_MS));
}

/* The 便民服务 work list (the last 12 characters of each number shown): with the demo's
 * seed and day, 20261116-001 is 龙井村's alone and 20261125-002 镇山村's alone. */
static void test_worklist(const char *db)
{
	struct pty *t = step_start_admin(shanzhi, db, locale, 24, 80);
	CHECK(t != NULL);
	if (!t)
		return;
	step_type(t, "3");
	step_type(t, "1");
	CHECK(pty_wait_for(t, "F4 村", WAIT_MS));
	CHECK(pty_wait_for(t, "20261116-001", WAIT_MS));
	CHECK(pty_wait_for(t, "20261125-002", WAIT_MS));
	CHECK(pick_village(t, "镇山"));
	CHECK(pty_wait_for(t, "· 镇山村", WAIT_MS));
	CHECK(pty_wait_for(t, "20261125-002", WAIT_MS));
	CHECK(step_wait_gone(t, "20261116-001"));
	CHECK(step_quit(t, 6, WAIT_MS));
}

/* One village: no F4 on the bar, and F4 only says there is nothing to filter. */
static void test_one_village(const char *db)
{
	struct pty *t = step_start_admin(shanzhi, db, locale, 24, 80);
	CHECK(t != NULL);
	if (!t)
		return;
	step_type(t, "3");
	step_type(t, "3");
	CHECK(pty_wait_for(t, "便民服务统计：", WAIT_MS));
	CHECK(pty_wait_for(t, "F5 ", WAIT_MS));
	CHECK(!pty_contains(t, "F4 村"));
	step_key(t, "F4");
	CHECK(pty_wait_for(t, "只有一个村", WAIT_MS));
	CHECK(!pty_contains(t, "只看一个村"));
	CHECK(step_quit(t, 6, WAIT_MS));
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s SHANZHI LOCALE\n", argv[0]);
		return 2;
	}
	shanzhi = argv[1];
	locale = argv[2];
	char *dir = pty_tempdir();
	char *township = make_register(dir, "township.db", "2");
	char *village = make_register(dir, "village.db", "1");
	if (!township || !village) {
		pty_rmdir(dir);
		return 1;
	}
	test_stats(township);
	test_residents(township);
	test_worklist(township);
	test_one_village(village);
	free(township);
	free(village);
	pty_rmdir(dir);
	free(dir);
	return check_finish();
}
