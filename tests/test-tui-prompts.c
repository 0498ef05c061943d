/* Dialogs. One prompt behaviour: a dialog that refuses what was typed stays open, says
 * why inside it and keeps the text for correction; nothing typed next lands on the
 * screen below (转办 without a note, a new operator with a login that is not one or is
 * taken, a setting out of its range). And a dialog opened right after a form closed
 * is drawn over the screen the clerk came from, not over the main menu.
 *
 * usage: test-tui-prompts SHANZHI LOCALE    (LOCALE zh_CN.UTF-8 or zh_CN.GBK)
 *
 * TUI_TRACE=1 dumps every step. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pty.h"
#include "tui-steps.h"

#define WAIT_MS 8000

static const char *shanzhi;
static const char *locale;
static char *db;

/* Waits for text (pty_wait_for dumps the screen when it does not come). */
static bool wait_for(struct pty *t, const char *utf8)
{
	return pty_wait_for(t, utf8, WAIT_MS);
}

/* Whether row r shows text. */
static bool row_has(const struct pty *t, int r, const char *text)
{
	char *row = pty_row(t, r);
	bool yes = strstr(row, text) != NULL;
	free(row);
	return yes;
}

/* Whether a dialog box's frame shows text on the row where it is: inside the box. */
static bool in_box(const struct pty *t, const char *text)
{
	int col, r = pty_find(t, text, &col);
	return r > 0 && row_has(t, r, "|");
}

/* Signed in as the administrator, item of menu typed at the main menu and its title
 * waited for; NULL (a failed check) when the program did not start. */
static struct pty *open_item(const char *menu, const char *item, const char *title)
{
	struct pty *t = step_start_admin(shanzhi, db, locale, 24, 80);
	CHECK(t != NULL);
	if (!t)
		return NULL;
	step_type(t, menu);
	step_type(t, item);
	CHECK(wait_for(t, title));
	return t;
}

/* Finding a request by a number none has, and 转办 to a department with an empty
 * note: each refused in its dialog, which stays; the note typed next is the note (not
 * the work list's 经办人 filter), and then it goes through. */
static void test_transfer_note(void)
{
	struct pty *t = open_item("3", "1", "便民服务工作清单");
	if (!t)
		return;
	/* F3 with a number no request's ends in: said in the find dialog, the digits kept */
	step_key(t, "F3");
	CHECK(wait_for(t, "查找办件"));
	step_type(t, "99999");
	step_key(t, "Enter");
	CHECK(wait_for(t, "没有编号以 99999 结尾的办件"));
	CHECK(in_box(t, "没有编号以 99999 结尾的办件"));
	CHECK(pty_contains(t, "查找办件"));
	step_key(t, "F10");
	CHECK(wait_for(t, "便民服务工作清单"));
	CHECK(!pty_contains(t, "查找办件"));
	step_key(t, "F6");
	CHECK(wait_for(t, "转办或退回办件"));
	step_type(t, "1");
	CHECK(wait_for(t, "转办给"));
	step_type(t, "2");
	CHECK(wait_for(t, "转到哪个部门"));
	step_key(t, "Enter");
	CHECK(wait_for(t, "说明（转办理由"));
	step_key(t, "Enter");                       /* nothing said */
	CHECK(wait_for(t, "请填写转办说明"));
	CHECK(in_box(t, "请填写转办说明"));
	CHECK(pty_contains(t, "说明（转办理由"));   /* still open */
	step_type(t, "需现场核实");
	CHECK(in_box(t, "需现场核实"));
	CHECK(!row_has(t, 1, "需现场核实"));        /* not in the filter below */
	step_key(t, "Enter");
	CHECK(wait_for(t, "已转办"));
	CHECK(!pty_contains(t, "说明（转办理由"));
	CHECK(!row_has(t, 1, "需现场核实"));
	CHECK(step_quit(t, 8, WAIT_MS));
}

/* 系统管理, 操作员, F7: a login with a space, then one taken, each refused inside the
 * login dialog with the text kept; a good one goes on to the name. */
static void test_operator_login(void)
{
	struct pty *t = open_item("9", "1", "上次登录");
	if (!t)
		return;
	step_key(t, "F7");
	CHECK(wait_for(t, "登录名："));
	step_type(t, "li hua");
	step_key(t, "Enter");
	CHECK(wait_for(t, "登录名不能含空格"));
	CHECK(in_box(t, "登录名不能含空格"));
	CHECK(in_box(t, "li hua"));                 /* kept, to be corrected */
	pty_send_raw(t, "\x15", 1);                 /* Ctrl-U */
	step_type(t, "admin");
	step_key(t, "Enter");
	CHECK(wait_for(t, "操作员 admin 已存在"));
	CHECK(in_box(t, "操作员 admin 已存在"));
	for (int i = 0; i < 5; i++)
		step_key(t, "Backspace");
	step_type(t, "lihua");
	step_key(t, "Enter");
	CHECK(wait_for(t, "姓名："));               /* the next question: the login passed */
	CHECK(!pty_contains(t, "登录名："));
	step_key(t, "F10");
	CHECK(wait_for(t, "上次登录"));
	CHECK(step_quit(t, 8, WAIT_MS));
}

/* 系统管理, 设置: minutes out of range are refused in the dialog, kept, then corrected. */
static void test_setting_range(void)
{
	struct pty *t = open_item("9", "3", "无操作多少分钟后锁屏");
	if (!t)
		return;
	step_type(t, "1");
	CHECK(wait_for(t, "Esc = "));
	pty_send_raw(t, "\x15", 1);
	step_type(t, "99999");
	step_key(t, "Enter");
	CHECK(wait_for(t, "须为 0 至 1440 的整数"));
	CHECK(in_box(t, "须为 0 至 1440 的整数"));
	CHECK(in_box(t, "99999"));
	pty_send_raw(t, "\x15", 1);
	step_type(t, "15");
	step_key(t, "Enter");
	CHECK(wait_for(t, "锁屏（0 = 不锁）：15"));
	CHECK(step_quit(t, 8, WAIT_MS));
}

/* From the work list, F7: a new request saved with F2 offers its receipt; the dialog
 * shows over the work list the clerk came from, not the main menu. */
static void test_dialog_after_form(void)
{
	struct pty *t = open_item("3", "1", "便民服务工作清单");
	if (!t)
		return;
	step_key(t, "F7");
	CHECK(wait_for(t, "新建便民服务办件"));
	CHECK(step_goto_field(t, "居民"));
	step_key(t, "F4");
	CHECK(wait_for(t, "查找居民"));
	step_type(t, "w");
	step_key(t, "Enter");
	CHECK(step_goto_field(t, "事项"));
	step_type(t, "YB01");
	step_key(t, "Tab");
	CHECK(wait_for(t, "承诺"));
	step_key(t, "F2");
	CHECK(wait_for(t, "打印：便民服务办件回执"));
	CHECK(row_has(t, 0, "便民服务工作清单"));    /* around the dialog: the work list */
	CHECK(row_has(t, 2, "到期日期"));
	CHECK(!pty_contains(t, "主菜单") && !pty_contains(t, "居民户籍登记"));
	step_key(t, "F10");
	CHECK(wait_for(t, "已登记"));
	CHECK(step_quit(t, 8, WAIT_MS));
}

int main(int argc, char **argv)
{
	char *dir;
	if (!step_village_begin(argc, argv, 100, &shanzhi, &locale, &dir, &db))
		return 2;
	CHECK(db != NULL);
	if (!db)
		return check_finish();
	test_transfer_note();
	test_operator_login();
	test_setting_range();
	test_dialog_after_form();
	step_village_end(dir, db);
	return check_finish();
}
