/* test-tui-resize: every kind of view answers a resize and the idle lock the same way,
 * through tui-core's one view loop. In each (the menu, a list, a form in the middle
 * of typing, the text box, a text view, the statistics, a prompt, a confirm, the lock
 * screen) the terminal goes to 60x20, which shows the "too small" message instead,
 * and back to 80x24, which shows the view as it was with nothing typed lost, the
 * screen below a box drawn under it. The idle lock, from inside a form and from
 * inside a prompt, gives the screen back drawn at the size of after the lock.
 *
 * usage: test-tui-resize SHANZHI LOCALE    (zh_CN.UTF-8 or zh_CN.GBK) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pty.h"
#include "tui-steps.h"

#define WAIT_MS 5000
#define TOO_SMALL "请放大窗口"

static const char *shanzhi;
static const char *locale;
static char *dir, *db;

/* Whether every text of shown (NULL-ended) is on the screen, waiting for each. */
static bool all_shown(struct pty *t, const char *const *shown)
{
	bool ok = true;
	for (size_t i = 0; shown[i]; i++)
		ok = pty_wait_for(t, shown[i], WAIT_MS) && ok;
	return ok;
}

/* 60x20: the message says the terminal is too small, and nothing of the view is
 * left under it; 80x24 again: the message gone and every text of shown back. */
static bool too_small_and_back(struct pty *t, const char *what, const char *const *shown)
{
	pty_resize(t, 20, 60);
	bool told = pty_wait_for(t, TOO_SMALL, WAIT_MS);
	bool cleared = told && !pty_contains(t, shown[0]);
	step_trace(t, what);
	pty_resize(t, 24, 80);
	bool gone = step_wait_gone(t, TOO_SMALL);
	bool back = all_shown(t, shown);
	if (!(told && cleared && gone && back))
		fprintf(stderr, "%s: told %d, cleared %d, gone %d, back %d\n", what, told, cleared, gone, back);
	return told && cleared && gone && back;
}

/* Whether the cursor is on a row showing text (the line typed into). */
static bool cursor_on(struct pty *t, const char *text)
{
	int r, c;
	pty_cursor(t, &r, &c);
	char *row = pty_row(t, r);
	bool ok = row && strstr(row, text);
	free(row);
	if (!ok)
		pty_dump(t, stderr, "the cursor is not in the line typed into");
	return ok;
}

/* The main menu, its help box, the statistics, the full-screen report text and its
 * search prompt with a word typed into it. */
static void test_menu_text_stats_prompt(void)
{
	struct pty *t = step_start_admin(shanzhi, db, locale, 24, 80);
	CHECK(t != NULL);
	if (!t)
		return;
	CHECK(pty_wait_for(t, "主菜单", WAIT_MS));
	CHECK(too_small_and_back(t, "menu", (const char *const[]){ "1  居民", "主菜单", "0  退出", NULL }));

	step_key(t, "F1");   /* the help: a text box over the menu */
	CHECK(pty_wait_for(t, "按菜单项前的数字", WAIT_MS));
	CHECK(too_small_and_back(t, "help box", (const char *const[]){ "按菜单项前的数字", "主菜单", NULL }));
	CHECK(pty_find(t, "主菜单", NULL) == 0);   /* the menu under the box */
	step_key(t, "Enter");
	CHECK(step_wait_gone(t, "按菜单项前的数字"));

	step_type(t, "3");
	step_type(t, "3");   /* 便民服务 → 统计 */
	CHECK(pty_wait_for(t, "便民服务统计", WAIT_MS));
	step_key(t, "F5");   /* a grouping other than the first: the view's state, kept */
	CHECK(pty_wait_for(t, "按经办人", WAIT_MS));
	CHECK(too_small_and_back(t, "statistics", (const char *const[]){ "便民服务统计", "F5 分组", NULL }));
	int at = -1;
	for (int r = 1; r < 22 && at < 0; r++) {
		char *row = pty_row(t, r);
		if (row && strncmp(row, " 按经办人", strlen(" 按经办人")) == 0)
			at = r;
		free(row);
	}
	CHECK(at > 0);   /* the table still by operator */

	step_key(t, "F3");   /* the report in the full-screen text view */
	CHECK(pty_wait_for(t, "第 1–", WAIT_MS));
	CHECK(too_small_and_back(t, "text view", (const char *const[]){ "第 1–", "便民服务统计", NULL }));

	step_type(t, "/");   /* its search: a prompt over the text */
	CHECK(pty_wait_for(t, "查找文字", WAIT_MS));
	step_type(t, "好评");
	CHECK(too_small_and_back(t, "prompt", (const char *const[]){ "查找文字", "好评", "第 1–", NULL }));
	CHECK(cursor_on(t, "好评"));
	step_type(t, "率");   /* typing goes on where it was */
	CHECK(pty_wait_for(t, "好评率", WAIT_MS));
	step_key(t, "Esc");
	CHECK(step_wait_gone(t, "查找文字"));
	CHECK(step_quit(t, 8, WAIT_MS));
}

/* The resident list with a search typed, a new resident's form with a name typed
 * half, its notes in the text box, and the confirm of leaving it unsaved. */
static void test_list_form_memo_confirm(void)
{
	struct pty *t = step_start_admin(shanzhi, db, locale, 24, 80);
	CHECK(t != NULL);
	if (!t)
		return;
	step_type(t, "1");
	CHECK(pty_wait_for(t, "查找", WAIT_MS));
	step_type(t, "龙");
	CHECK(too_small_and_back(t, "list", (const char *const[]){ "查找", "龙", "F7", NULL }));
	char *search = pty_row(t, 1);
	CHECK(search && strstr(search, "龙"));   /* the search line as typed */
	free(search);
	step_key(t, "Backspace");

	step_key(t, "F7");
	CHECK(pty_wait_for(t, "公民身份号码", WAIT_MS));
	step_type(t, "阿依古丽");
	CHECK(too_small_and_back(t, "form", (const char *const[]){ "登记新居民", "阿依古丽", "公民身份号码", NULL }));
	CHECK(cursor_on(t, "阿依古丽"));
	step_type(t, "·买买提");   /* typing goes on in the field, nothing lost */
	char *name = NULL;
	step_field_row(t, "姓名", &name);
	CHECK(name && strstr(name, "阿依古丽·买买提"));
	free(name);

	step_key(t, "PgDn");
	step_key(t, "PgDn");
	CHECK(pty_wait_for(t, "F4 多行编辑", WAIT_MS));
	step_key(t, "F4");
	CHECK(pty_wait_for(t, "第 1/1 行", WAIT_MS));
	step_type(t, "在外务工");
	CHECK(too_small_and_back(t, "memo", (const char *const[]){ "在外务工", "第 1/1 行", NULL }));
	CHECK(pty_find(t, "登记新居民", NULL) == 0);   /* the form's title under the box */
	step_type(t, "三年");
	CHECK(pty_wait_for(t, "在外务工三年", WAIT_MS));
	step_key(t, "F2");
	CHECK(step_wait_gone(t, "第 1/1 行"));

	step_key(t, "Esc");   /* unsaved: the confirm over the form */
	CHECK(pty_wait_for(t, "未保存", WAIT_MS));
	CHECK(too_small_and_back(t, "confirm", (const char *const[]){ "未保存", "登记新居民", NULL }));
	step_type(t, "n");    /* stay: the form as it was */
	CHECK(step_wait_gone(t, "请确认"));
	name = NULL;
	step_field_row(t, "备注", &name);
	CHECK(name && strstr(name, "在外务工三年"));
	free(name);
	CHECK(step_quit(t, 8, WAIT_MS));
}

/* The program locking its screen after two seconds without a key. */
static struct pty *start_locking(void)
{
	pty_setenv("SHANZHI_IDLE_LOCK_SECONDS", "2");
	struct pty *t = step_start_admin(shanzhi, db, locale, 24, 80);
	pty_setenv("SHANZHI_IDLE_LOCK_SECONDS", NULL);
	return t;
}

/* Whether the key bar is on the screen's last row (rows of the terminal): the screen
 * drawn for the size it has. */
static bool keybar_at_bottom(struct pty *t, int rows, const char *key)
{
	char *row = pty_row(t, rows - 1);
	bool ok = row && strstr(row, key);
	if (!ok)
		pty_dump(t, stderr, "the key bar is not on the last row");
	free(row);
	return ok;
}

/* The lock screen answers a resize as every view does; unlocked at another size,
 * the form comes back drawn for that size with what was typed, and so does a prompt
 * over a list. */
static void test_idle_lock(void)
{
	struct pty *t = start_locking();
	CHECK(t != NULL);
	if (!t)
		return;
	step_type(t, "1");
	CHECK(pty_wait_for(t, "查找", WAIT_MS));
	step_key(t, "F7");
	CHECK(pty_wait_for(t, "公民身份号码", WAIT_MS));
	step_type(t, "买买提");
	CHECK(pty_wait_for(t, "屏幕已锁定", 6000));
	CHECK(!pty_contains(t, "买买提"));
	CHECK(too_small_and_back(t, "lock screen", (const char *const[]){ "屏幕已锁定", "密码", NULL }));
	pty_resize(t, 30, 100);
	CHECK(pty_wait_for(t, "屏幕已锁定", WAIT_MS));
	step_type(t, "demo");
	step_key(t, "Enter");
	CHECK(step_wait_gone(t, "屏幕已锁定"));
	CHECK(pty_wait_for(t, "买买提", WAIT_MS));
	CHECK(keybar_at_bottom(t, 30, "F2"));   /* drawn at 100x30, not the 80x24 of before */
	CHECK(cursor_on(t, "买买提"));
	step_type(t, "江");
	char *name = NULL;
	step_field_row(t, "姓名", &name);
	CHECK(name && strstr(name, "买买提江"));
	free(name);

	/* a prompt: the year of a list's statistics (its F-key asks nothing): the text
	 * view's search over the help instead */
	step_key(t, "F10");
	CHECK(pty_wait_for(t, "未保存", WAIT_MS));
	step_type(t, "y");
	CHECK(pty_wait_for(t, "查找", WAIT_MS));
	step_key(t, "F10");
	CHECK(pty_wait_for(t, "主菜单", WAIT_MS));
	step_type(t, "3");
	step_type(t, "3");
	CHECK(pty_wait_for(t, "便民服务统计", WAIT_MS));
	step_key(t, "F3");
	CHECK(pty_wait_for(t, "第 1–", WAIT_MS));
	step_type(t, "/");
	CHECK(pty_wait_for(t, "查找文字", WAIT_MS));
	step_type(t, "好评");
	CHECK(pty_wait_for(t, "屏幕已锁定", 6000));
	pty_resize(t, 24, 80);
	CHECK(pty_wait_for(t, "屏幕已锁定", WAIT_MS));
	step_type(t, "demo");
	step_key(t, "Enter");
	CHECK(step_wait_gone(t, "屏幕已锁定"));
	CHECK(all_shown(t, (const char *const[]){ "查找文字", "好评", "第 1–", NULL }));
	CHECK(keybar_at_bottom(t, 24, "Esc"));   /* the text view under the box, at 80x24 */
	CHECK(cursor_on(t, "好评"));
	step_key(t, "Esc");
	CHECK(step_wait_gone(t, "查找文字"));
	CHECK(step_quit(t, 8, WAIT_MS));
}

int main(int argc, char **argv)
{
	if (!step_village_begin(argc, argv, 300, &shanzhi, &locale, &dir, &db))
		return 2;
	if (!db)
		return 1;
	test_menu_text_stats_prompt();
	test_list_form_memo_confirm();
	test_idle_lock();
	step_village_end(dir, db);
	return check_finish();
}
