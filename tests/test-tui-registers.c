/* test-tui-registers: the shipped registers (forms/registers/) on the demo village,
 * one life cycle each in the real program: the main menu shows their groups in
 * menu_order; a grid worker is entered under 网格力量, his visit under 网格走访, and
 * the visit counts in the monthly report (网格员走访统计); a 红白 declaration with more
 * tables than the 村规民约 allows is flagged naming the article (超出第5条) on its record
 * and list, and its approval is refused saying so; a 宅基地 application gets its number
 * and first deadline and goes to 村级审查公示; and the 便民服务 work list counts the
 * registers' overdue records, Shift-Tab lists them and Enter opens one (the demo's
 * 宅基地 application stuck at the town).
 *
 * usage: test-tui-registers SHANZHI LOCALE    (zh_CN.UTF-8 or zh_CN.GBK)
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

/* The screen row where a is, or -1. */
static int row_of(const struct pty *t, const char *a)
{
	int col;
	return pty_find(t, a, &col);
}

/* F4 on the field labelled label (NULL: the one the cursor is on), then Enter on the
 * first line of the picklist. */
static void pick_first(struct pty *t, const char *label, const char *list_shows)
{
	if (label)
		CHECK(step_goto_field(t, label));
	step_key(t, "F4");
	CHECK(pty_wait_for(t, list_shows, WAIT_MS));
	step_key(t, "Enter");
	CHECK(step_wait_gone(t, list_shows));
}

/* The main menu: the three groups in their menu_order. */
static void test_menu(struct pty *t)
{
	CHECK(pty_wait_for(t, "网格与联户", WAIT_MS));
	CHECK(pty_contains(t, "红白理事会") && pty_contains(t, "宅基地与农房"));
	int a = row_of(t, "网格与联户"), b = row_of(t, "红白理事会"), c = row_of(t, "宅基地与农房");
	CHECK(a >= 0 && a < b && b < c);
}

/* 网格力量: a worker entered; 网格走访: his visit; the monthly report counts it. */
static void test_grid(struct pty *t)
{
	CHECK(step_menu_open(t, "网格与联户"));
	CHECK(pty_wait_for(t, "网格走访", WAIT_MS));
	CHECK(pty_contains(t, "网格力量") && pty_contains(t, "联户群") && pty_contains(t, "网格事件"));
	step_key(t, "Enter");                 /* 网格力量, the first */
	CHECK(pty_wait_for(t, "查找：", WAIT_MS));
	step_key(t, "F7");
	CHECK(pty_wait_for(t, "网格力量  新", WAIT_MS));
	pick_first(t, NULL, "筛选：");   /* 网格, the first field (the title holds 网格 too) */
	CHECK(step_goto_field(t, "姓名"));
	step_type(t, "测试网格员");
	CHECK(step_goto_field(t, "党小组"));
	step_type(t, "第九党小组");
	step_key(t, "F2");
	CHECK(pty_wait_for(t, "已保存", WAIT_MS));
	step_key(t, "F10");
	CHECK(pty_wait_for(t, "测试网格员", WAIT_MS));
	CHECK(step_row_with(t, "测试网格员", "第九党小组"));
	CHECK(step_row_with(t, "测试网格员", " 是"));   /* 在岗: the one list keeps who left too */
	step_key(t, "F10");
	/* 网格走访: the new worker visits the first household */
	CHECK(step_menu_open(t, "网格与联户"));
	CHECK(pty_wait_for(t, "网格走访", WAIT_MS));
	step_type(t, "4");
	CHECK(pty_wait_for(t, "查找：", WAIT_MS));
	step_key(t, "F7");
	CHECK(pty_wait_for(t, "网格走访  新", WAIT_MS));
	CHECK(step_goto_field(t, "网格员"));
	step_key(t, "F4");
	CHECK(pty_wait_for(t, "网格力量 -", WAIT_MS));
	CHECK(pty_wait_for(t, "测试网格员", WAIT_MS));   /* the newest first */
	step_key(t, "Enter");
	CHECK(step_wait_gone(t, "网格力量 -"));
	pick_first(t, "走访户", "所属户");
	CHECK(step_goto_field(t, "发现情况"));
	step_type(t, "屋顶漏雨待修");
	step_key(t, "F2");
	CHECK(pty_wait_for(t, "走访2026-", WAIT_MS));
	step_key(t, "F10");
	CHECK(pty_wait_for(t, "屋顶漏雨待修", WAIT_MS));
	/* F8: the reports; the first is the month's visits per worker */
	step_key(t, "F8");
	CHECK(pty_wait_for(t, "网格员走访统计", WAIT_MS));
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "网格员走访统计：2026-11", WAIT_MS));
	CHECK(pty_wait_for(t, "测试网格员", WAIT_MS));
	CHECK(step_row_with(t, "测试网格员", " 1 "));
	step_key(t, "Esc");
	CHECK(pty_wait_for(t, "查找：", WAIT_MS));
	step_key(t, "F10");
	CHECK(pty_wait_for(t, "宅基地与农房", WAIT_MS));
}

/* 红白事申报: 25 tables for a wedding where the 村规民约 (the demo's 2026 version,
 * article 5) allows 20: flagged naming the article, and approval refused. */
static void test_banquet(struct pty *t)
{
	CHECK(step_menu_open(t, "红白理事会"));
	CHECK(pty_wait_for(t, "红白事申报", WAIT_MS));
	CHECK(pty_contains(t, "村规民约条款"));
	step_type(t, "2");
	CHECK(pty_wait_for(t, "查找：", WAIT_MS));
	step_key(t, "F7");
	CHECK(pty_wait_for(t, "红白事申报  新", WAIT_MS));
	pick_first(t, NULL, "所属户");             /* 申报户, the first field */
	CHECK(step_goto_field(t, "事主"));
	step_type(t, "测试事主");
	CHECK(step_goto_field(t, "事项"));
	step_type(t, "1");
	CHECK(step_goto_field(t, "举办日期"));
	step_type(t, "2026-12-12");
	CHECK(step_goto_field(t, "桌数"));
	step_type(t, "25");
	step_key(t, "F2");
	CHECK(pty_wait_for(t, "红白2026-", WAIT_MS));
	CHECK(pty_wait_for(t, "超出第5条：桌数限20桌", WAIT_MS));   /* the 超限 field */
	step_key(t, "F5");
	CHECK(pty_wait_for(t, "审核同意", WAIT_MS));
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "审核同意（至已审核）", WAIT_MS));
	step_key(t, "F2");
	CHECK(pty_wait_for(t, "超出村规民约限额", WAIT_MS));
	step_key(t, "Esc");
	CHECK(step_wait_gone(t, "审核同意（至已审核）"));
	step_key(t, "F10");
	CHECK(pty_wait_for(t, "查找：", WAIT_MS));
	CHECK(step_row_with(t, "测试事主", "超出第5条"));
	CHECK(step_row_with(t, "测试事主", "已申报"));
	step_key(t, "F10");
	CHECK(pty_wait_for(t, "宅基地与农房", WAIT_MS));
}

/* 宅基地审批: an application numbered, due in 3 working days, then 村级审查 to 公示. */
static void test_homestead(struct pty *t)
{
	CHECK(step_menu_open(t, "宅基地与农房"));
	CHECK(pty_wait_for(t, "查找：", WAIT_MS));    /* the group's only register */
	step_key(t, "F7");
	CHECK(pty_wait_for(t, "宅基地审批  新", WAIT_MS));
	pick_first(t, NULL, "所属户");
	CHECK(step_goto_field(t, "申请人"));
	step_type(t, "测试申请人");
	CHECK(step_goto_field(t, "拟建位置"));
	step_type(t, "组道路东侧");
	CHECK(step_goto_field(t, "占地面积"));
	step_type(t, "110");
	step_key(t, "F2");
	CHECK(pty_wait_for(t, "已申请  到期 2026-12-01", WAIT_MS));
	step_key(t, "F5");
	CHECK(pty_wait_for(t, "村级审查", WAIT_MS));
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "村级审查（至村级审查公示中）", WAIT_MS));
	step_type(t, "符合一户一宅");
	CHECK(step_goto_field(t, "公示开始日期"));
	step_type(t, "2026-11-26");
	step_key(t, "F2");
	CHECK(pty_wait_for(t, "村级审查公示中  到期", WAIT_MS));
	step_key(t, "F10");
	CHECK(pty_wait_for(t, "测试申请人", WAIT_MS));
	step_key(t, "F10");
	CHECK(pty_wait_for(t, "便民服务", WAIT_MS));
}

/* The 便民服务 work list counts the registers' overdue records (the demo's grid events);
 * Shift-Tab lists them, Enter opens one. */
static void test_worklist(struct pty *t)
{
	CHECK(step_menu_open(t, "便民服务"));
	CHECK(pty_wait_for(t, "工作清单", WAIT_MS));
	step_type(t, "1");
	CHECK(pty_wait_for(t, "便民服务工作清单", WAIT_MS));
	CHECK(pty_wait_for(t, "台账超期", WAIT_MS));
	CHECK(pty_contains(t, "Shift-Tab"));
	step_key(t, "BTab");
	CHECK(pty_wait_for(t, "网格事件", WAIT_MS));
	CHECK(step_row_with(t, "网格事件", "!超期"));
	CHECK(step_row_with(t, "宅基地审批", "乡镇审核中"));   /* the most overdue first */
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "乡镇审核中  超期自", WAIT_MS));
	CHECK(pty_contains(t, "宅2026-"));
	step_key(t, "F10");
	CHECK(pty_wait_for(t, "网格事件", WAIT_MS));
	step_key(t, "F10");
	CHECK(pty_wait_for(t, "便民服务工作清单", WAIT_MS));
	CHECK(step_quit(t, 6, WAIT_MS));
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
		test_menu(t);
		test_grid(t);
		test_banquet(t);
		test_homestead(t);
		test_worklist(t);
	}
	step_village_end(dir, db);
	return check_finish();
}
