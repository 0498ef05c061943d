/* Acceptance test of the 便民服务 screens: the real shanzhi binary in a pseudo-terminal.
 *
 * usage: test-tui-service SHANZHI LOCALE    (LOCALE zh_CN.UTF-8 or zh_CN.GBK)
 *
 * A clerk logs a request for a demo resident (picked by search), closes it with
 * rating 2 (不满意), finds the follow-up on the work list, records it, finds the request
 * again with F3, and looks at the month's statistics (Services menu) with the formula of
 * the good-rating rate and the bar chart.
 * TUI_TRACE=1 dumps every step. */
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "check.h"
#include "pty.h"
#include "tui-steps.h"

#define WAIT_MS 5000

static const char *shanzhi;
static const char *locale;
static char *db;
static char *logged;   /* the number of the request the TUI test logged */

/* The first match of a regular expression on the screen (caller frees), or NULL. */
static char *screen_match(const struct pty *t, const char *pattern)
{
	regex_t re;
	regmatch_t m;
	char *screen = pty_screen(t), *found = NULL;
	if (regcomp(&re, pattern, REG_EXTENDED) == 0) {
		if (regexec(&re, screen, 1, &m, 0) == 0)
			found = strndup(screen + m.rm_so, (size_t)(m.rm_eo - m.rm_so));
		regfree(&re);
	}
	free(screen);
	return found;
}

/* Tab (then Shift-Tab, from the last field back) until the cursor is on the row of the
 * field labelled label; false if never. */
static bool goto_field(struct pty *t, const char *label)
{
	for (int i = 0; i < 24; i++) {
		int col, r = pty_find(t, label, &col), cr, cc;
		pty_cursor(t, &cr, &cc);
		if (r >= 0 && r == cr)
			return true;
		step_key(t, i < 10 ? "Tab" : "BTab");
	}
	pty_dump(t, stderr, label);
	return false;
}

/* The value shown after a form label on its row (caller frees), or NULL. */
static char *field_value(const struct pty *t, const char *label)
{
	int col, r = pty_find(t, label, &col);
	if (r < 0)
		return NULL;
	char *row = pty_row(t, r);
	const char *at = strstr(row, label) + strlen(label);
	while (*at == ' ' || *at == '*')
		at++;   /* the gap and the mark of a required field */
	char *v = strdup(at);
	char *gap = strstr(v, "  ");
	if (gap)
		*gap = '\0';
	free(row);
	return v;
}

/* Whether some row between first and last has a run of reverse-video cells (a bar). */
static bool has_bar(const struct pty *t, int first, int last)
{
	for (int r = first; r <= last; r++) {
		int start;
		if (pty_attr_run(t, r, 0, PTY_ATTR_REVERSE, &start) >= 2)
			return true;
	}
	return false;
}

/* True when the screen shows a time as stored (2026-12-04T16:16:33+08:00), not as a
 * clerk reads it (2026-12-04 16:16). */
static bool shows_iso_time(const struct pty *t)
{
	char *screen = pty_screen(t);
	bool iso = false;
	for (const char *s = screen; s && *s && !iso; s++) {
		static const char shape[] = "dddd-dd-ddTdd:dd";
		size_t i = 0;
		while (shape[i] && s[i] && (shape[i] == 'd' ? s[i] >= '0' && s[i] <= '9' : s[i] == shape[i]))
			i++;
		iso = !shape[i];
	}
	free(screen);
	return iso;
}

/* The name of the applicant of request number (caller frees), read as hex: sqlite3
 * prints UTF-8 whatever the locale, and the harness reads output in the locale's. */
static char *applicant_of(const char *number)
{
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT hex(r.name) FROM service_request q JOIN resident r ON r.id = q.resident_id"
		 " WHERE q.number = '%s'", number);
	const char *argv[] = { "/usr/bin/sqlite3", db, sql, NULL };
	int status;
	char *out = pty_run(argv, locale, &status);
	if (!out)
		return NULL;
	size_t n = strspn(out, "0123456789ABCDEF") / 2;
	char *name = calloc(1, n + 1);
	for (size_t i = 0; i < n; i++) {
		unsigned byte;
		sscanf(out + 2 * i, "%2x", &byte);
		name[i] = (char)byte;
	}
	free(out);
	return name;
}

/* Logs a request for a demo resident, closes it with rating 2 and follows it up. */
static void test_request_to_followup(void)
{
	struct pty *t = step_start_admin(shanzhi, db, locale, 24, 80);
	CHECK(t != NULL);
	if (!t)
		return;
	CHECK(pty_contains(t, "3  便民服务"));
	step_type(t, "3");
	CHECK(pty_wait_for(t, "新建办件", WAIT_MS));
	step_type(t, "2");
	CHECK(pty_wait_for(t, "新建便民服务办件", WAIT_MS));
	/* the resident: search first, pick the first match */
	CHECK(goto_field(t, "居民"));
	step_key(t, "F4");
	CHECK(pty_wait_for(t, "查找居民", WAIT_MS));
	step_type(t, "w");
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "事项", WAIT_MS));
	CHECK(!pty_contains(t, "来访人"));         /* a resident: no visitor fields */
	{
		/* the visitor fields went, the cursor stayed with the resident; Tab goes on
		 * to the item, the next field there is now */
		int col, cr, cc, r = pty_find(t, "居民", &col);
		pty_cursor(t, &cr, &cc);
		CHECK(r >= 0 && cr == r);
		step_key(t, "Tab");
		pty_cursor(t, &cr, &cc);
		CHECK(cr == pty_find(t, "事项", &col));
	}
	/* the item by its code: materials filled in, the promised date said */
	CHECK(goto_field(t, "事项"));
	step_key(t, "F4");                                /* the catalogue, filtered by pinyin initials */
	CHECK(pty_wait_for(t, "YB01", WAIT_MS));
	step_type(t, "ylbx");                             /* 医疗保险 */
	CHECK(pty_wait_for(t, "YB01", WAIT_MS));
	CHECK(!pty_contains(t, "ZM01"));
	step_key(t, "Esc");
	CHECK(goto_field(t, "事项"));
	step_type(t, "YB01");
	step_key(t, "Tab");
	CHECK(pty_wait_for(t, "承诺 2026-11-26 前办结", WAIT_MS));
	char *materials = field_value(t, "收取材料");
	CHECK(materials && strstr(materials, "居民身份证"));
	free(materials);
	char *handler = field_value(t, "经办人");
	CHECK(handler && *handler);
	step_key(t, "F2");
	/* logged: the receipt is offered as every document is, preview first */
	CHECK(pty_wait_for(t, "打印：便民服务办件回执", WAIT_MS));
	CHECK(pty_contains(t, "1 屏幕预览") && pty_contains(t, "2 写入文件") && pty_contains(t, "3 送打印机"));
	step_type(t, "1");
	CHECK(pty_wait_for(t, "预览：便民服务办件回执", WAIT_MS));
	char *number = screen_match(t, "-20261126-[0-9]{3}");
	logged = screen_match(t, "[0-9]{12}-20261126-[0-9]{3}");
	CHECK(number != NULL);
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "打印：便民服务办件回执", WAIT_MS));
	step_key(t, "Esc");
	/* the work list, filtered by the handler: the new request, due today */
	CHECK(pty_wait_for(t, "便民服务工作清单", WAIT_MS));
	step_type(t, handler ? handler : "");
	CHECK(number && pty_wait_for(t, number + 1, WAIT_MS));
	CHECK(pty_contains(t, "2026-11-26"));
	CHECK(pty_contains(t, "受理"));
	/* the key bar at 80 columns (two lines) keeps the contract's keys: F1 help, F3
	 * search, F10 back; F6 holds transfer and return, and F4 (pick from a list) is not taken */
	char *upper = pty_row(t, 22), *lower = pty_row(t, 23), *bar = NULL;
	if (asprintf(&bar, "%s %s", upper, lower) < 0)
		bar = NULL;
	free(upper);
	free(lower);
	CHECK(bar && strstr(bar, "F1 帮助") && strstr(bar, "F3 查找") && strstr(bar, "F10 返回"));
	CHECK(bar && strstr(bar, "F6 转办/退回") && !strstr(bar, "F4"));
	CHECK(bar && strstr(bar, "Tab 超期/全部"));      /* the overdue filter, on a key of its own */
	free(bar);
	char *title = pty_row(t, 0);                       /* the demo's overdue ones, counted */
	CHECK(title && strstr(title, "便民服务工作清单（超期 ") && strstr(title, " 件）"));
	free(title);
	step_key(t, "F6");
	CHECK(pty_wait_for(t, "转办或退回办件", WAIT_MS));
	CHECK(pty_contains(t, "1 转办") && pty_contains(t, "2 退回"));
	step_key(t, "Esc");
	CHECK(pty_wait_for(t, "便民服务工作清单", WAIT_MS));
	CHECK(pty_contains(t, "受理"));                /* cancelled: nothing changed */
	/* 退回 without a reason: the dialog stays open and says why; what is typed next
	 * is the reason, not the work list's filter */
	step_key(t, "F6");
	step_type(t, "2");
	CHECK(pty_wait_for(t, "退回办件", WAIT_MS));
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "请填写退回理由", WAIT_MS));
	CHECK(pty_contains(t, "理由："));
	step_type(t, "材料不全");
	CHECK(pty_contains(t, "材料不全"));
	step_key(t, "Esc");
	step_wait_gone(t, "理由：");     /* Esc waits a moment for a digit (Esc 2 = F2) */
	CHECK(!pty_contains(t, "理由："));
	CHECK(!pty_contains(t, "材料不全"));
	CHECK(number && pty_contains(t, number + 1));
	CHECK(pty_contains(t, "受理"));
	/* 办结 with rating 2 (不满意) and a comment */
	/* 转办: the department picked from the township's list, not typed */
	step_key(t, "F6");
	CHECK(pty_wait_for(t, "转办或退回办件", WAIT_MS));
	step_type(t, "1");
	CHECK(pty_wait_for(t, "转办给", WAIT_MS));
	CHECK(pty_contains(t, "转给其他经办人") && pty_contains(t, "转到其他部门"));
	step_type(t, "2");
	CHECK(pty_wait_for(t, "转到哪个部门", WAIT_MS));
	CHECK(pty_contains(t, "镇司法所"));
	step_type(t, "pcs");                              /* 派出所 by its pinyin initials */
	CHECK(pty_wait_for(t, "派出所", WAIT_MS));
	CHECK(!pty_contains(t, "镇司法所"));
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "说明", WAIT_MS));
	step_type(t, "需核实户籍");
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "已转办", WAIT_MS));
	/* 办结: the outcome first (required), then rating 2 (不满意) and a comment */
	step_key(t, "F8");
	CHECK(pty_wait_for(t, "办理结果（必填）", WAIT_MS));
	step_key(t, "Enter");                              /* nothing said: said in the dialog */
	CHECK(pty_wait_for(t, "办结须填写办理结果", WAIT_MS));
	CHECK(pty_contains(t, "办理结果（必填）"));
	step_type(t, "已办理参保缴费");
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "群众评价", WAIT_MS));
	CHECK(pty_contains(t, "2 不满意"));
	step_type(t, "2");
	CHECK(pty_wait_for(t, "评价意见", WAIT_MS));
	step_type(t, "等得太久");
	step_key(t, "Enter");
	/* the follow-up is on the work list, due in 5 working days */
	CHECK(pty_wait_for(t, "待回访", WAIT_MS));
	CHECK(pty_contains(t, "2026-12-03"));
	CHECK(number && pty_contains(t, number + 1));
	/* Enter shows the request with its rating; F9 who changed what */
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "等得太久", WAIT_MS));
	CHECK(pty_contains(t, "不满意"));
	CHECK(pty_contains(t, "办结"));
	CHECK(!shows_iso_time(t));   /* the status's time as 2026-12-04 16:16 */
	CHECK(pty_contains(t, "办理结果：已办理参保缴费"));   /* a Chinese colon, as everywhere */
	CHECK(!pty_contains(t, "状态: ") && pty_contains(t, "状态："));
	CHECK(pty_contains(t, "派出所"));                 /* the department it went to */
	step_key(t, "Esc");
	CHECK(pty_wait_for(t, "便民服务工作清单", WAIT_MS));
	step_key(t, "F9");
	/* the status change in the audit log, named and shown as the screens do */
	CHECK(pty_wait_for(t, "-> 办结", WAIT_MS));
	CHECK(pty_contains(t, "状态"));
	CHECK(pty_contains(t, "群众评价") || pty_contains(t, "评价"));
	CHECK(!pty_contains(t, "done") && !pty_contains(t, "status") && !pty_contains(t, "rating"));
	CHECK(!shows_iso_time(t) && !pty_contains(t, "表单版本"));
	step_key(t, "F10");
	CHECK(pty_wait_for(t, "便民服务工作清单", WAIT_MS));
	/* it closes only with the contact and the rectification */
	step_key(t, "F8");
	CHECK(pty_wait_for(t, "联系情况", WAIT_MS));
	step_type(t, "电话回访本人");
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "整改情况", WAIT_MS));
	step_key(t, "Enter");                              /* nothing typed: refused in the dialog */
	CHECK(pty_wait_for(t, "回访须记录联系情况和整改情况", WAIT_MS));
	CHECK(pty_contains(t, "整改情况"));
	step_type(t, "已加快办理并致歉");
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "回访已记录", WAIT_MS));
	CHECK(!pty_contains(t, "待回访"));
	/* F3 finds the requests of an applicant by name; Enter opens the one picked */
	char *applicant = logged ? applicant_of(logged) : NULL;
	CHECK(applicant && *applicant);
	step_key(t, "F3");
	CHECK(pty_wait_for(t, "或申请人姓名", WAIT_MS));
	step_type(t, applicant ? applicant : "x");
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "申请人的办件", WAIT_MS));
	CHECK(number && pty_contains(t, number + 1));
	/* the selection is read on the number itself: the list is a box, whose column 2 is
	 * its frame (the applicant the picker offers first may have other requests below) */
	int ncol = 0;
	int nrow = number ? pty_find(t, number + 1, &ncol) : -1;
	for (int i = 0; i < 20 && nrow >= 0 && !(pty_cell_attr(t, nrow, ncol) & PTY_ATTR_REVERSE); i++)
		step_key(t, "Down");                       /* onto the request logged above */
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "已办理参保缴费", WAIT_MS));
	step_key(t, "Esc");
	CHECK(pty_wait_for(t, "打印：便民服务办件回执", WAIT_MS));
	step_type(t, "1");
	CHECK(pty_wait_for(t, "预览：便民服务办件回执", WAIT_MS));
	CHECK(pty_contains(t, "已办理参保缴费"));         /* the receipt says the outcome */
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "打印：便民服务办件回执", WAIT_MS));
	step_key(t, "Esc");
	CHECK(pty_wait_for(t, "便民服务工作清单", WAIT_MS));
	free(applicant);
	/* F3 on the work list finds a request (here the closed one) by the end of its number */
	step_key(t, "F3");
	CHECK(pty_wait_for(t, "编号（或其末尾", WAIT_MS));
	step_type(t, number ? number + 1 : "x");
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "等得太久", WAIT_MS));
	step_key(t, "Esc");
	CHECK(pty_wait_for(t, "打印：便民服务办件回执", WAIT_MS));
	step_key(t, "Esc");
	CHECK(pty_wait_for(t, "便民服务工作清单", WAIT_MS));
	/* the statistics of the month, from the Services menu: the formula beside the
	 * figure, the table and the chart below it */
	step_key(t, "F10");
	CHECK(pty_wait_for(t, "主菜单", WAIT_MS));
	step_type(t, "3");
	CHECK(pty_wait_for(t, "3 统计", WAIT_MS));
	step_type(t, "3");
	CHECK(pty_wait_for(t, "便民服务统计", WAIT_MS));
	CHECK(pty_contains(t, "好评率 = (非常满意 + 满意) / 评价数"));
	CHECK(pty_contains(t, "回访完成"));
	CHECK(has_bar(t, 6, 21));
	step_key(t, "F10");
	CHECK(pty_wait_for(t, "主菜单", WAIT_MS));
	/* a closed request found again by the end of its number, its receipt shown */
	step_type(t, "3");
	CHECK(pty_wait_for(t, "按编号查找办件", WAIT_MS));
	step_type(t, "4");
	CHECK(pty_wait_for(t, "编号（或其末尾", WAIT_MS));
	step_type(t, number ? number + 1 : "x");
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "等得太久", WAIT_MS));
	step_key(t, "Esc");
	CHECK(pty_wait_for(t, "打印：便民服务办件回执", WAIT_MS));
	step_type(t, "1");
	CHECK(pty_wait_for(t, "预览：便民服务办件回执", WAIT_MS));
	CHECK(pty_contains(t, "承诺办结日期"));
	step_key(t, "Enter");
	/* the printer refuses (this run's lpr says why on its standard error): one
	 * translated message with lpr's reason, never its raw text on the screen */
	CHECK(pty_wait_for(t, "打印：便民服务办件回执", WAIT_MS));
	step_type(t, "3");
	CHECK(pty_wait_for(t, "UTF-8（所有字符）", WAIT_MS));
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "打印机未接收该文档", WAIT_MS));
	CHECK(pty_contains(t, "Error - No default destination."));
	CHECK(!pty_contains(t, "lpr: Error"));
	step_key(t, "Enter");                    /* the whole message was shown in a box */
	CHECK(pty_wait_for(t, "便民服务", WAIT_MS));
	free(number);
	free(handler);
	CHECK(step_quit(t, 8, WAIT_MS));
}

/* A clerk's day starts at the work list: signed in as a clerk, it is the first screen,
 * with its overdue requests marked; F10 goes on to the main menu. */
static void test_clerk_starts_at_work_list(void)
{
	size_t n = strlen(shanzhi) + strlen(db) + 128;
	char *cmd = malloc(n);
	snprintf(cmd, n, "echo Qingyan-2026 | '%s' --db '%s' --operator admin user add lihua --role clerk --password-stdin",
		 shanzhi, db);
	const char *add[] = { "/bin/sh", "-c", cmd, NULL };
	int status;
	free(pty_run(add, locale, &status));
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	free(cmd);
	const char *argv[] = { shanzhi, "--db", db, NULL };
	struct pty *t = pty_spawn(argv, locale, 24, 80);
	CHECK(t != NULL);
	if (!t)
		return;
	CHECK(pty_wait_for(t, "登录", WAIT_MS));
	pty_type(t, "lihua");
	pty_key(t, "Tab");
	pty_type(t, "Qingyan-2026");
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "便民服务工作清单", WAIT_MS));
	CHECK(!pty_contains(t, "主菜单"));
	CHECK(pty_contains(t, "!超期"));       /* the demo has requests past their date */
	int col, r = pty_find(t, "!超期", &col);
	CHECK(r >= 3 && (pty_cell_attr(t, r, 0) & PTY_ATTR_BOLD));     /* and they stand out */
	CHECK(pty_contains(t, "待回访"));     /* and a recent bad rating waiting for its follow-up */
	/* no lpr on this computer: the receipt to the printer says so, in Chinese, and no
	 * shell's "not found" lands on the screen */
	step_key(t, "F2");
	CHECK(pty_wait_for(t, "打印：便民服务办件回执", WAIT_MS));
	step_type(t, "3");
	CHECK(pty_wait_for(t, "UTF-8（所有字符）", WAIT_MS));
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "本机没有打印程序（lpr）", WAIT_MS));
	CHECK(!pty_contains(t, "not found") && !pty_contains(t, "sh:"));
	CHECK(pty_contains(t, "便民服务工作清单"));
	/* Tab: the overdue ones only, the title says so; Tab again: all */
	step_key(t, "Tab");
	CHECK(pty_wait_for(t, "只看超期", WAIT_MS));
	CHECK(pty_contains(t, "!超期"));
	for (int row = 3; row < 21; row++) {
		char *text = pty_row(t, row);
		CHECK(!strstr(text, "2026-") || strstr(text, "!超期"));   /* nothing in time is left */
		free(text);
	}
	step_key(t, "Tab");
	CHECK(pty_wait_for(t, "待回访", WAIT_MS));
	CHECK(!pty_contains(t, "只看超期"));
	for (int row = r + 1; row < 22; row++) {
		char *text = pty_row(t, row);
		if (strstr(text, "2026-") && !strstr(text, "!超期")) {
			CHECK(!(pty_cell_attr(t, row, 0) & PTY_ATTR_BOLD));   /* one in time is plain */
			free(text);
			break;
		}
		free(text);
	}
	step_key(t, "F10");
	CHECK(pty_wait_for(t, "主菜单", WAIT_MS));
	CHECK(step_quit(t, 8, WAIT_MS));
}

/* The same figures and the receipt from the command line: `report services` shows the
 * formula with the figure, `print receipt` the number, the item and the promised date. */
static void test_cli(const char *number)
{
	const char *report[] = { shanzhi, "--db", db, "--operator", "admin", "report", "services", "--month", "2026-11", NULL };
	int status;
	char *out = pty_run(report, locale, &status);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(out && strstr(out, "便民服务办件统计，2026-11"));
	CHECK(out && strstr(out, "好评率 = (非常满意 + 满意) / 评价数 = ("));
	CHECK(out && strstr(out, "按经办人"));
	CHECK(out && strstr(out, "按月（本年）"));
	free(out);
	char full[64];
	snprintf(full, sizeof full, "%s", number ? number : "none");
	const char *print[] = { shanzhi, "--db", db, "--operator", "admin", "print", "receipt", full, NULL };
	out = pty_run(print, locale, &status);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(out && strstr(out, "便民服务办件回执"));
	CHECK(out && strstr(out, full));
	CHECK(out && strstr(out, "YB01 城乡居民基本医疗保险参保缴费"));
	CHECK(out && strstr(out, "承诺办结日期   2026-11-26"));
	free(out);
	const char *missing[] = { shanzhi, "--db", db, "--operator", "admin", "print", "receipt", "000-20990101-001", NULL };
	free(pty_run(missing, locale, &status));
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1);
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
	size_t n = strlen(dir) + 16;
	db = malloc(n);
	snprintf(db, n, "%s/village.db", dir);
	const char *demo[] = { shanzhi, "--db", db, "demo", "--residents", "300", NULL };
	int status;
	free(pty_run(demo, locale, &status));
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* this run's printer: an lpr that refuses, saying why on its standard error */
	char *bin = malloc(n + 8), *lpr = malloc(n + 16), *empty = malloc(n + 8);
	snprintf(bin, n + 8, "%s/bin", dir);
	snprintf(lpr, n + 16, "%s/bin/lpr", dir);
	snprintf(empty, n + 8, "%s/none", dir);
	CHECK(mkdir(bin, 0700) == 0 && mkdir(empty, 0700) == 0);
	FILE *f = fopen(lpr, "w");
	CHECK(f != NULL);
	if (f) {
		fputs("#!/bin/sh\necho 'lpr: Error - No default destination.' >&2\nexit 1\n", f);
		fclose(f);
	}
	CHECK(chmod(lpr, 0700) == 0);
	pty_setenv("PATH", bin);
	test_request_to_followup();
	pty_setenv("PATH", empty);     /* no lpr at all */
	test_clerk_starts_at_work_list();
	free(bin);
	free(lpr);
	free(empty);
	test_cli(logged);
	free(logged);
	pty_rmdir(dir);
	free(dir);
	free(db);
	return check_finish();
}
