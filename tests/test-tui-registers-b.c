/* test-tui-registers-b: the shipped 村寨管家 and 文明实践 registers in a pseudo-terminal,
 * on a demo village (whose year of rounds and points the demo made): a 垃圾分类 round
 * entered (F4 picks the household, the sorted answer typed), the rates report with
 * its 95 % line across the chart, then a redemption at the 积分超市 beyond the
 * household's balance refused in the form, naming the balance.
 *
 * usage: test-tui-registers-b SHANZHI LOCALE    (zh_CN.UTF-8 or zh_CN.GBK)
 * TUI_TRACE=1 dumps every step. */
#include <ctype.h>
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

/* Types the key shown just before label on its row ("K  label" or "K label"). */
static bool pick(struct pty *t, const char *label)
{
	if (!pty_wait_for(t, label, WAIT_MS))
		return false;
	int col, r = pty_find(t, label, &col);
	char *row = pty_row(t, r);
	char *at = row ? strstr(row, label) : NULL;
	char *k = at;
	while (k && k > row && k[-1] == ' ')
		k--;
	bool ok = k && k > row && isalnum((unsigned char)k[-1]) && (k - 1 == row || k[-2] == ' ');
	if (ok) {
		char key[2] = { k[-1], 0 };
		step_type(t, key);
	} else {
		pty_dump(t, stderr, label);
	}
	free(row);
	return ok;
}

/* Whether some screen row holds both a and b. */
static bool row_with(const struct pty *t, const char *a, const char *b)
{
	int rows, cols;
	pty_size(t, &rows, &cols);
	for (int r = 0; r < rows; r++) {
		char *row = pty_row(t, r);
		bool both = row && strstr(row, a) && strstr(row, b);
		free(row);
		if (both)
			return true;
	}
	return false;
}

/* A round: the first household picked with F4, put out (the default) and sorted. */
static void test_round(struct pty *t)
{
	CHECK(pick(t, "村寨管家"));
	CHECK(pick(t, "垃圾分类巡查"));
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
	CHECK(row_with(t, "2026-11-26", "是"));
}

/* F8: the month's rates per team and for the village, the 95 % line on the chart. */
static void test_rates(struct pty *t)
{
	step_key(t, "F8");
	CHECK(pty_wait_for(t, "查看哪个报表", WAIT_MS));
	CHECK(pick(t, "垃圾分类参与率与投放准确率（按队伍）"));
	CHECK(pty_wait_for(t, "垃圾分类参与率与投放准确率（按队伍）：2026-11", WAIT_MS));
	CHECK(pty_contains(t, "投放准确率%"));
	CHECK(row_with(t, "全村", "%") || pty_contains(t, "全村"));
	CHECK(pty_contains(t, "95"));
	CHECK(row_with(t, "全村", "|"));   /* the reference line across the village's bar */
	step_key(t, "Esc");
	CHECK(pty_wait_for(t, "查找：", WAIT_MS));
}

/* A redemption beyond any balance: refused in the form, the balance named. */
static void test_redeem(struct pty *t)
{
	step_key(t, "F10");
	CHECK(pick(t, "文明实践"));
	CHECK(pick(t, "文明积分"));
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
	}
	step_village_end(dir, db);
	return check_finish();
}
