/* test-tui-stats: the three statistics views (便民服务 by month, 人民调解 and 星级文明户
 * by year) answer the same keys the same way, in a pseudo-terminal of 80x24: → the
 * next period and ← back, F5 the next grouping and a digit one by number, F6 the print
 * dialog whose preview shows the report, ↑↓ and the key bar, Esc back; F3 the report
 * in the text view, searched with /.
 *
 * usage: test-tui-stats SHANZHI LOCALE    (zh_CN.UTF-8 or zh_CN.GBK) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pty.h"
#include "tui-steps.h"

#define WAIT_MS 5000

static const char *shanzhi;
static const char *locale;
static char *dir, *db;

/* A register's view: how to get there from the main menu and what it shows. */
struct view {
	const char *menu_keys;     /* typed at the main menu, one entry a key */
	const char *title;
	bool monthly;
	const char *first, *second, *third;   /* its first three groupings (third NULL: two) */
	const char *in_report;     /* a phrase of the printed report */
	const char *back_to;       /* on the screen Esc goes back to */
};

static const struct view views[] = {
	{ "33", "便民服务统计", true, "按事项", "按经办人", "按村", "好评率", "主菜单" },
	{ "44", "人民调解统计", false, "按月份", "按村", "按类别", "防止民转刑", "4 统计" },
	{ "53", "星级文明户统计", false, "按星级", "按村", NULL, "龙井村", "星级文明户：" },
};

/* The period of the day the program is told is today, or delta months or years from it. */
static void period_of(bool monthly, int delta, char out[16])
{
	int y = atoi(PTY_TODAY), m = atoi(PTY_TODAY + 5);
	if (!monthly) {
		snprintf(out, 16, "%04d", y + delta);
		return;
	}
	m += delta;
	for (; m < 1; m += 12)
		y--;
	for (; m > 12; m -= 12)
		y++;
	snprintf(out, 16, "%04d-%02d", y, m);
}

/* Whether the title row names the view and period. */
static bool titled(struct pty *t, const struct view *v, int delta)
{
	char period[16], *want = NULL;
	period_of(v->monthly, delta, period);
	if (asprintf(&want, "%s：%s", v->title, period) < 0)
		return false;
	bool ok = false;
	for (int i = 0; i < 50 && !ok; i++) {
		char *row = pty_row(t, 0);
		ok = row && strstr(row, want);
		free(row);
		if (!ok)
			pty_pump(t, 20, 100);
	}
	if (!ok)
		pty_dump(t, stderr, want);
	free(want);
	return ok;
}

/* Whether a row of the screen starts (after the margin) with the grouping's name: the
 * table's head names the grouping in view; the list of groupings starts with "1 ". */
static bool table_by(struct pty *t, const char *grouping)
{
	char *want = NULL;
	if (asprintf(&want, " %s", grouping) < 0)
		return false;
	bool ok = false;
	for (int i = 0; i < 50 && !ok; i++) {
		for (int r = 1; r < 22 && !ok; r++) {
			char *row = pty_row(t, r);
			ok = row && strncmp(row, want, strlen(want)) == 0;
			free(row);
		}
		if (!ok)
			pty_pump(t, 20, 100);
	}
	if (!ok)
		pty_dump(t, stderr, grouping);
	free(want);
	return ok;
}

/* The same keys in each view, the same answers. */
static void test_view(const struct view *v)
{
	struct pty *t = step_start_admin(shanzhi, db, locale, 24, 80);
	CHECK(t != NULL);
	if (!t)
		return;
	for (const char *k = v->menu_keys; *k; k++) {
		char key[2] = { *k, 0 };
		step_type(t, key);
	}
	CHECK(titled(t, v, 0));
	CHECK(table_by(t, v->first));
	/* the key bar: one key set for every register */
	CHECK(pty_contains(t, "F5 分组") && pty_contains(t, "F6 打印") && pty_contains(t, "F7 导出"));
	CHECK(pty_contains(t, v->monthly ? "←/→ 月份" : "←/→ 年份"));
	/* → the next period, ← back; PgDn and PgUp the same */
	step_key(t, "Right");
	CHECK(titled(t, v, 1));
	step_key(t, "Left");
	CHECK(titled(t, v, 0));
	step_key(t, "PgUp");
	CHECK(titled(t, v, -1));
	step_key(t, "PgDn");
	CHECK(titled(t, v, 0));
	/* F5 the next grouping, a digit one by number */
	step_key(t, "F5");
	CHECK(table_by(t, v->second));
	if (v->third) {
		step_type(t, "3");
		CHECK(table_by(t, v->third));
	}
	step_type(t, "1");
	CHECK(table_by(t, v->first));
	/* F6: the print dialog every document has; its preview is the report */
	step_key(t, "F6");
	CHECK(pty_wait_for(t, "1 屏幕预览", WAIT_MS));
	step_type(t, "1");
	CHECK(pty_wait_for(t, "预览：", WAIT_MS));
	CHECK(pty_wait_for(t, v->in_report, WAIT_MS));
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "打印：", WAIT_MS));
	step_key(t, "Esc");
	step_wait_gone(t, "打印：");     /* Esc waits a moment for a digit */
	CHECK(!pty_contains(t, "打印：") && titled(t, v, 0));
	/* Esc back to where it was opened from */
	step_key(t, "Esc");
	CHECK(pty_wait_for(t, v->back_to, WAIT_MS));
	CHECK(step_quit(t, 6, WAIT_MS));
}

/* A screen smaller or larger after a resize is drawn again to fit. */
static void test_resize(void)
{
	struct pty *t = step_start_admin(shanzhi, db, locale, 24, 80);
	CHECK(t != NULL);
	if (!t)
		return;
	step_type(t, "4");
	step_type(t, "4");
	CHECK(titled(t, &views[1], 0));
	/* twelve months do not fit in 24 rows: where the page is, and ↓ scrolls */
	CHECK(pty_wait_for(t, "共 12 行", WAIT_MS));
	CHECK(pty_contains(t, "01") && !pty_contains(t, "-12 "));
	pty_resize(t, 50, 100);
	CHECK(pty_wait_for(t, "-12 ", WAIT_MS));
	CHECK(!pty_contains(t, "共 12 行"));
	pty_resize(t, 24, 80);
	CHECK(pty_wait_for(t, "共 12 行", WAIT_MS));
	CHECK(step_quit(t, 6, WAIT_MS));
}

/* F3: the report in the text view; / finds a line further down and brings it up, and
 * says so when the text is not there. */
static void test_report_search(void)
{
	struct pty *t = step_start_admin(shanzhi, db, locale, 24, 80);
	CHECK(t != NULL);
	if (!t)
		return;
	step_type(t, "4");
	step_type(t, "4");
	CHECK(titled(t, &views[1], 0));
	step_key(t, "F3");
	CHECK(pty_wait_for(t, "第 1–19 行", WAIT_MS));
	CHECK(pty_contains(t, "/ 查找") && pty_contains(t, "F6 打印"));
	CHECK(!pty_contains(t, "成功率：调解成功数"));
	step_type(t, "/");
	CHECK(pty_wait_for(t, "查找文字", WAIT_MS));
	step_type(t, "成功率：调解成功数");
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "成功率：调解成功数", WAIT_MS));
	CHECK(!pty_contains(t, "第 1–19 行"));
	step_type(t, "/");
	CHECK(pty_wait_for(t, "查找文字", WAIT_MS));
	pty_send_raw(t, "\x15", 1);    /* Ctrl-U clears the last search */
	step_type(t, "无此文字");
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "文中没有“无此文字”", WAIT_MS));
	CHECK(step_quit(t, 6, WAIT_MS));
}

int main(int argc, char **argv)
{
	if (!step_village_begin(argc, argv, 300, &shanzhi, &locale, &dir, &db))
		return 2;
	if (!db)
		return 1;
	for (size_t i = 0; i < sizeof views / sizeof *views; i++)
		test_view(&views[i]);
	test_resize();
	test_report_search();
	step_village_end(dir, db);
	return check_finish();
}
