/* test-tui-registers-b: the shipped 村寨管家 and 文明实践 registers in a pseudo-terminal,
 * on a demo village (whose year of rounds and points the demo made): a 垃圾分类 round
 * entered (F4 picks the household, the sorted answer typed), the rates report with
 * its 95 % line across the chart, then a redemption at the 积分超市 beyond the
 * household's balance refused in the form, naming the balance; an activity's
 * participants listed from its record.
 *
 * usage: test-tui-registers-b SHANZHI LOCALE    (zh_CN.UTF-8 or zh_CN.GBK)
 * TUI_TRACE=1 dumps every step. */
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

/* A round: the first household picked with F4, put out (the default) and sorted. */
static void test_round(struct pty *t)
{
	CHECK(step_menu_open(t, "村寨管家"));
	CHECK(step_menu_open(t, "垃圾分类巡查"));
	CHECK(pty_wait_for(t, "查找：", WAIT_MS));
	step_key(t, "F7");
	CHECK(pty_wait_for(t, "垃圾分类巡查  新", WAIT_MS));
	CHECK(step_goto_field(t, "户"));
	step_key(t, "F4");
	CHECK(pty_wait_for(t, "户号", WAIT_MS));
	step_key(t, "Enter");
	CHECK(step_wait_gone(t, "F7：新户"));
	CHECK(step_goto_field(t, "分类正确"));
	step_type(t, "1");
	step_key(t, "F2");
	CHECK(pty_wait_for(t, "已保存", WAIT_MS));
	step_key(t, "F10");
	CHECK(pty_wait_for(t, "查找：", WAIT_MS));
	CHECK(step_row_with(t, "2026-11-26", "是"));
}

/* F8: the month's rates per team and for the village, the 95 % line on the chart. */
static void test_rates(struct pty *t)
{
	step_key(t, "F8");
	CHECK(pty_wait_for(t, "查看哪个报表", WAIT_MS));
	CHECK(step_menu_open(t, "垃圾分类参与率与投放准确率（按队伍）"));
	CHECK(pty_wait_for(t, "垃圾分类参与率与投放准确率（按队伍）：2026-11", WAIT_MS));
	CHECK(pty_contains(t, "投放准确率%"));
	CHECK(step_row_with(t, "全村", "%") || pty_contains(t, "全村"));
	CHECK(pty_contains(t, "95"));
	CHECK(step_row_with(t, "全村", "|"));   /* the reference line across the village's bar */
	step_key(t, "Esc");
	CHECK(pty_wait_for(t, "查找：", WAIT_MS));
}

/* A redemption beyond any balance: refused in the form, the balance named. */
static void test_redeem(struct pty *t)
{
	step_key(t, "F10");
	CHECK(step_menu_open(t, "文明实践"));
	CHECK(step_menu_open(t, "文明积分"));
	CHECK(pty_wait_for(t, "查找：", WAIT_MS));
	step_key(t, "F7");
	CHECK(pty_wait_for(t, "文明积分  新", WAIT_MS));
	CHECK(step_goto_field(t, "户"));
	step_key(t, "F4");
	CHECK(pty_wait_for(t, "户号", WAIT_MS));
	step_key(t, "Enter");
	CHECK(step_wait_gone(t, "F7：新户"));
	CHECK(step_goto_field(t, "来源"));
	step_type(t, "9");
	step_key(t, "Down");               /* 积分, the next field ("积分" is in the title too) */
	step_type(t, "1000");
	step_key(t, "F2");
	CHECK(pty_wait_for(t, "积分不足：本户余额", WAIT_MS));
	CHECK(pty_contains(t, "不够兑换1000分"));
	CHECK(pty_contains(t, "文明积分  新"));   /* refused: nothing saved, the form stays */
}

/* An activity's participants: its record screen's F8 lists the 活动参与 records
 * pointing at it (the demo's eight), F7 would add one with the activity filled. */
static void test_participants(void)
{
	struct pty *t = step_start_admin(shanzhi, db, locale, 24, 80);
	CHECK(t != NULL);
	if (!t)
		return;
	CHECK(step_menu_open(t, "文明实践"));
	CHECK(step_menu_open(t, "文明实践活动"));
	CHECK(pty_wait_for(t, "查找：", WAIT_MS));
	step_key(t, "Enter");              /* the newest activity */
	CHECK(pty_wait_for(t, "活动参与：8 条", WAIT_MS));
	step_key(t, "F8");                 /* the one register linking to it: its list at once */
	CHECK(pty_wait_for(t, "本记录的活动参与", WAIT_MS));
	CHECK(pty_contains(t, "志愿服务时长"));
	step_key(t, "Enter");              /* a participation, its activity named */
	CHECK(pty_wait_for(t, "参与者", WAIT_MS));
	CHECK(step_row_with(t, "活动", "实践2026-"));
	CHECK(step_quit(t, 8, WAIT_MS));
}

int main(int argc, char **argv)
{
	if (!step_village_begin(argc, argv, 100, &shanzhi, &locale, &dir, &db))
		return 2;
	if (!db)
		return 1;
	struct pty *t = step_start_admin(shanzhi, db, locale, 24, 80);
	CHECK(t != NULL);
	if (t) {
		test_round(t);
		test_rates(t);
		test_redeem(t);
		CHECK(step_quit(t, 8, WAIT_MS));
		test_participants();
	}
	step_village_end(dir, db);
	return check_finish();
}
