/* test-tui-dispute: the 人民调解 screens driven as a mediator drives them, in a
 * pseudo-terminal: register a case between a registered demo resident (found by the
 * search-first picker) and a person from outside, add a session, be refused a
 * success without its agreement, record a written agreement, print it to a file and
 * check the file; the lists never show an ID number.
 *
 * usage: test-tui-dispute SHANZHI LOCALE    (zh_CN.UTF-8 or zh_CN.GBK) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "pty.h"
#include "tui-steps.h"

#define WAIT_MS 5000
#define OUTSIDE_ID "520102197505050030"

static const char *shanzhi;
static const char *locale;
static char *dir, *db;

/* Types a value into the field in hand and moves on. */
static void field(struct pty *t, const char *utf8)
{
	if (*utf8)
		step_type(t, utf8);
	step_key(t, "Enter");
}

/* Clears the field in hand (Ctrl-U), types a value and moves on. */
static void replace(struct pty *t, const char *utf8)
{
	step_type(t, "\x15");
	field(t, utf8);
}

/* Output of a command run beside the terminal (caller frees). */
static char *run(const char *const argv[])
{
	int status;
	return pty_run(argv, locale, &status);
}

/* The demo's first adult resident with a household: name (caller frees). */
static char *demo_resident(void)
{
	/* as hex: sqlite3 prints UTF-8 whatever the locale, and the harness would read
	 * its output as the locale's encoding */
	const char *argv[] = { "/usr/bin/sqlite3", db,
		"SELECT hex(name) FROM resident WHERE household_id IS NOT NULL AND birth_date < '1990-01-01'"
		" AND name NOT LIKE '%·%' ORDER BY id LIMIT 1", NULL };
	char *out = run(argv);
	if (!out)
		return NULL;
	size_t n = strspn(out, "0123456789ABCDEF") / 2;
	char *name = calloc(1, n + 1);
	for (size_t i = 0; i < n; i++) {
		unsigned byte = 0;
		sscanf(out + 2 * i, "%2x", &byte);
		name[i] = (char)byte;
	}
	free(out);
	return name;
}

/* Whether the file holds text. */
static bool file_has(const char *path, const char *text)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	char *buf = calloc(1, 1 << 16);
	size_t n = fread(buf, 1, (1 << 16) - 1, f);
	fclose(f);
	buf[n] = '\0';
	bool yes = strstr(buf, text) != NULL;
	free(buf);
	return yes;
}

/* The program on the demo village, signed in as its administrator, at the main
 * menu (a loaded machine may take a while to start it). */
static struct pty *open_tui(void)
{
	const char *argv[] = { shanzhi, "--db", db, NULL };
	struct pty *t = pty_spawn(argv, locale, 24, 80);
	CHECK(t != NULL);
	if (!t)
		return NULL;
	CHECK(pty_sign_in(t, "admin", "demo"));
	CHECK(pty_wait_for(t, "主菜单", 15000));
	return t;
}

/* The whole path from a new case to its printed agreement. */
static void test_case_to_agreement(void)
{
	char *resident = demo_resident();
	CHECK(resident && *resident);
	struct pty *t = open_tui();
	if (!t)
		return;
	CHECK(pty_contains(t, "4  人民调解"));
	step_type(t, "4");
	CHECK(pty_wait_for(t, "待办", WAIT_MS));        /* the chooser: work list first */
	step_type(t, "3");                                     /* a new case */
	CHECK(pty_wait_for(t, "新调解案件", WAIT_MS));
	replace(t, "2026-10-01");                         /* received eight weeks ago */
	field(t, "");                                     /* source: 1 当事人申请 */
	field(t, "02");                                   /* category: 邻里 */
	CHECK(pty_contains(t, "邻里"));
	field(t, "排水沟堵塞，雨水流入院坝");
	field(t, "1500");
	field(t, "");                                     /* no risk flag */
	step_key(t, "F4");                                /* the mediators: picked, not typed */
	CHECK(pty_wait_for(t, "选择调解员", WAIT_MS));
	CHECK(pty_contains(t, "杨秀英"));
	CHECK(!pty_contains(t, "李文"));                  /* a clerk is no mediator */
	step_type(t, "杨");
	step_key(t, "Enter");
	CHECK(step_wait_gone(t, "选择调解员"));             /* the picker has closed on the pick */
	char *mediators = NULL;
	CHECK(step_field_row(t, "调解员", &mediators) >= 0 && mediators && strstr(mediators, "杨秀英"));
	free(mediators);
	step_key(t, "F2");
	CHECK(pty_wait_for(t, "龙井村调〔2026〕", WAIT_MS));  /* the case screen, titled by its number */
	int seq_row = pty_find(t, "龙井村调〔2026〕", NULL);
	char *title = seq_row >= 0 ? pty_row(t, seq_row) : NULL;
	CHECK(pty_contains(t, "当事人"));
	CHECK(pty_contains(t, "F9 回访"));                 /* every key fits the bar at 80 columns */

	/* the applicant: a registered resident, found by the register's search */
	step_key(t, "F5");
	CHECK(pty_wait_for(t, "新当事人", WAIT_MS));
	field(t, "1");
	step_key(t, "F4");
	CHECK(pty_wait_for(t, "从登记册选取当事人", WAIT_MS));
	step_type(t, resident);
	CHECK(pty_contains(t, resident));
	step_key(t, "Enter");
	CHECK(pty_contains(t, resident));                 /* beside the field */
	step_key(t, "F2");
	CHECK(pty_wait_for(t, "申请人", WAIT_MS));

	/* the respondent: from outside, with a checked ID number */
	step_key(t, "F5");
	CHECK(pty_wait_for(t, "新当事人", WAIT_MS));
	field(t, "2");
	field(t, "");                                     /* no resident */
	field(t, "周建国");
	field(t, OUTSIDE_ID);
	field(t, "13912345678");
	step_type(t, "贵阳市南明区花果园街道5号");
	step_key(t, "F2");
	CHECK(pty_wait_for(t, "周建国", WAIT_MS));
	CHECK(pty_contains(t, "被申请人"));
	CHECK(!pty_contains(t, OUTSIDE_ID));              /* lists show no ID number */
	CHECK(!pty_contains(t, "13912345678"));           /* and masked phones */

	/* a session record */
	step_key(t, "F6");
	CHECK(pty_wait_for(t, "新调解笔录", WAIT_MS));
	field(t, "");
	field(t, "15:00");
	field(t, "");                                     /* 党员说事室 */
	step_type(t, "双方当事人");                       /* then a mediator and a resident, picked */
	step_key(t, "F4");
	CHECK(pty_wait_for(t, "添加参加人", WAIT_MS));
	step_type(t, "1");
	CHECK(pty_wait_for(t, "选择调解员", WAIT_MS));
	step_key(t, "Enter");
	step_key(t, "F4");
	CHECK(pty_wait_for(t, "添加参加人", WAIT_MS));
	step_type(t, "2");
	CHECK(pty_wait_for(t, "从登记册中选择参加人", WAIT_MS));
	step_type(t, resident);
	step_key(t, "Enter");
	CHECK(step_wait_gone(t, "从登记册中选择参加人"));
	char *present = NULL;
	CHECK(step_field_row(t, "参加人", &present) >= 0 && present);
	char *want = NULL;
	CHECK(asprintf(&want, "双方当事人、杨秀英、%s", resident) > 0 && present && strstr(present, want));
	free(want);
	free(present);
	step_key(t, "Enter");
	field(t, "要求疏通排水沟并赔偿损失");
	field(t, "同意疏通");
	step_type(t, "达成一致意见");
	step_key(t, "F2");
	CHECK(pty_wait_for(t, "党员说事室", WAIT_MS));

	/* a success without its agreement is refused */
	step_key(t, "F7");
	CHECK(pty_wait_for(t, "调解结果", WAIT_MS));
	field(t, "1");
	step_key(t, "F2");
	CHECK(pty_contains(t, "调解成功须登记协议"));
	/* the written agreement with the elements of art. 29: the refusal left the
	 * cursor on the agreement's field */
	field(t, "2");                                    /* written */
	replace(t, "2026-10-20");                         /* agreed five weeks ago */
	field(t, "被申请人修院坝堵塞排水沟");
	field(t, "被申请人承担主要责任");
	field(t, "被申请人于十日内疏通排水沟，赔偿800元");
	field(t, "现金一次性支付");
	field(t, "2026-12-06");
	step_key(t, "F2");
	CHECK(pty_wait_for(t, "书面协议", WAIT_MS));
	CHECK(pty_contains(t, "应于 2026-12-06 回访"));        /* the visit on the time limit, scheduled */
	CHECK(pty_contains(t, "三十日期限已于 2026-11-19 届满"));  /* the window: 30 days after 10-20 */
	/* a new follow-up visit starts on today */
	step_key(t, "F9");
	CHECK(pty_wait_for(t, "新回访", WAIT_MS));
	char *due = NULL;
	CHECK(step_field_row(t, "计划日期", &due) >= 0 && due && strstr(due, PTY_TODAY));
	free(due);
	step_key(t, "F10");
	if (pty_contains(t, "放弃"))
		step_type(t, "y");
	CHECK(pty_wait_for(t, "书面协议", WAIT_MS));

	/* printed to a file in the terminal's encoding choice */
	char *out = NULL;
	if (asprintf(&out, "%s/agreement.txt", dir) < 0)
		out = NULL;
	step_key(t, "F3");
	step_type(t, "1");                                     /* the agreement */
	/* the print dialog every document has: preview, file, printer */
	CHECK(pty_wait_for(t, "1 屏幕预览", WAIT_MS));
	CHECK(pty_contains(t, "2 写入文件") && pty_contains(t, "3 送打印机"));
	step_type(t, "1");
	CHECK(pty_wait_for(t, "人民调解协议书", WAIT_MS));
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "1 屏幕预览", WAIT_MS));
	step_type(t, "2");
	CHECK(pty_wait_for(t, "写入文件：", WAIT_MS));
	step_type(t, "\x15");
	step_type(t, out);
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "UTF-8（所有字符）", WAIT_MS));
	step_type(t, "1");                                     /* UTF-8 */
	CHECK(pty_wait_for(t, "agreement.txt", WAIT_MS));
	CHECK(file_has(out, "人民调解协议书"));
	CHECK(file_has(out, "周建国"));
	CHECK(file_has(out, OUTSIDE_ID));                 /* the legal document carries it */
	CHECK(file_has(out, resident));
	CHECK(file_has(out, "被申请人于十日内疏通排水沟，赔偿800元"));
	CHECK(file_has(out, "2026年12月6日"));
	if (title) {
		/* the number on the screen's title is the number on the paper */
		const char *no = strstr(title, "龙井村调");
		char number[64] = "";
		if (no)
			sscanf(no, "%63s", number);
		CHECK(*number && file_has(out, number));
	}

	/* a joint application after the window: a warning that must be confirmed */
	step_key(t, "F8");
	CHECK(pty_wait_for(t, "申请日期", WAIT_MS));
	step_key(t, "F2");                                     /* applied today, 37 days after */
	CHECK(pty_wait_for(t, "人民法院可能不予受理", WAIT_MS) && pty_contains(t, "之前 7"));
	step_type(t, "n");
	CHECK(pty_contains(t, "未登记"));
	step_key(t, "F2");
	CHECK(pty_wait_for(t, "人民法院可能不予受理", WAIT_MS) && pty_contains(t, "之前 7"));
	step_type(t, "y");
	CHECK(pty_wait_for(t, "2026-11-26申请司法确认（超过三十日）", WAIT_MS));
	CHECK(step_quit(t, 10, WAIT_MS));

	/* the same agreement from the command line, in GBK */
	char *gbk = NULL;
	if (asprintf(&gbk, "%s/agreement-gbk.txt", dir) < 0)
		gbk = NULL;
	const char *last[] = { "/usr/bin/sqlite3", db, "SELECT case_key FROM dispute_case ORDER BY id DESC LIMIT 1", NULL };
	char *case_key = run(last);
	if (case_key)
		case_key[strcspn(case_key, "\n")] = '\0';
	const char *print[] = { shanzhi, "--db", db, "print", "agreement", case_key, "--encoding", "gbk",
				"--output", gbk, NULL };
	free(run(print));
	CHECK(file_has(gbk, "\xc8\xcb\xc3\xf1\xb5\xf7\xbd\xe2\xd0\xad\xd2\xe9\xca\xe9"));  /* 人民调解协议书 in GBK */
	free(case_key);
	free(gbk);
	free(out);
	free(title);
	free(resident);
}

/* The work list shows the demo's case past its month. */
static void test_work_list(void)
{
	struct pty *t = open_tui();
	if (!t)
		return;
	step_type(t, "4");
	CHECK(pty_wait_for(t, "待办", WAIT_MS));
	step_type(t, "1");
	CHECK(pty_wait_for(t, "超期", WAIT_MS));
	CHECK(pty_contains(t, "申请司法确认还剩 5 天"));   /* a window closing within the week */
	step_key(t, "F10");
	/* the submenu F10 comes back to is drawn over the main menu, not the list just left */
	CHECK(pty_wait_for(t, "待办", WAIT_MS));
	char *under = pty_row(t, 0);
	CHECK(under && strstr(under, "主菜单"));
	free(under);
	CHECK(!pty_contains(t, "申请司法确认还剩"));
	step_type(t, "4");                                     /* statistics with a chart */
	CHECK(pty_wait_for(t, "按月份", WAIT_MS));
	CHECK(pty_contains(t, "2026-01") && pty_contains(t, "共 12 行"));   /* the quiet months too */
	CHECK(pty_contains(t, "合计"));
	for (int i = 0; i < 6; i++)                             /* ↓ scrolls to the last months */
		step_key(t, "Down");
	CHECK(pty_wait_for(t, "2026-12", WAIT_MS) && pty_contains(t, "2026-11"));
	step_type(t, "3");                                     /* by category */
	CHECK(pty_wait_for(t, "邻里", WAIT_MS));
	step_key(t, "F3");                                     /* the report's table */
	CHECK(pty_wait_for(t, "按村", WAIT_MS));
	CHECK(pty_contains(t, "防止民转刑"));
	/* longer than the screen: it says where it is and scrolls */
	CHECK(pty_contains(t, "PgUp/PgDn 滚动"));
	CHECK(pty_contains(t, "F6 打印"));
	CHECK(pty_contains(t, "第 1–19 行"));
	CHECK(pty_contains(t, "按月份"));
	step_key(t, "PgDn");
	CHECK(pty_wait_for(t, "行，共", WAIT_MS) && !pty_contains(t, "第 1–19 行"));
	CHECK(!pty_contains(t, "按月份"));
	/* every month has its line: the notes under the table are further down */
	for (int i = 0; i < 4 && !pty_contains(t, "成功率：调解成功数占结案数的比例"); i++)
		step_key(t, "PgDn");
	CHECK(pty_contains(t, "成功率：调解成功数占结案数的比例"));
	/* F7 in the statistics: the table as CSV, its columns as a spreadsheet's */
	step_key(t, "Esc");
	step_wait_gone(t, "第 1–19 行");     /* Esc waits a moment for a digit */
	char *csv = NULL;
	if (asprintf(&csv, "%s/disputes.csv", dir) > 0) {
		step_key(t, "F7");
		CHECK(pty_wait_for(t, ".csv", WAIT_MS));
		step_type(t, "\x15");
		step_type(t, csv);
		step_key(t, "Enter");
		CHECK(pty_wait_for(t, "已写入", WAIT_MS));
		CHECK(file_has(csv, "\xEF\xBB\xBF" "2026"));
		CHECK(file_has(csv, ",案件数,结案数,调解成功,"));
		CHECK(file_has(csv, "\r\n合计,"));   /* the totals, a field per figure */
		free(csv);
	}
	step_key(t, "F10");
	CHECK(step_quit(t, 10, WAIT_MS));
}

/* A clerk's role has no right to the cases: the menu entry and the printed agreement
 * are refused, saying why. */
static void test_refused(void)
{
	char *cmd = NULL;
	if (asprintf(&cmd, "echo secret123 | '%s' --db '%s' --operator admin user add wang --role clerk --password-stdin",
		     shanzhi, db) < 0)
		return;
	const char *add[] = { "/bin/sh", "-c", cmd, NULL };
	free(run(add));
	free(cmd);
	const char *argv[] = { shanzhi, "--db", db, NULL };
	struct pty *t = pty_spawn(argv, locale, 24, 80);
	CHECK(t != NULL);
	if (!t)
		return;
	/* a clerk may land on a work list of his own: back to the main menu from it */
	CHECK(pty_wait_for(t, "\xe7\x99\xbb\xe5\xbd\x95", 15000));  /* 登录 */
	step_type(t, "wang");
	step_key(t, "Tab");
	step_type(t, "secret123");
	step_key(t, "Enter");
	for (int i = 0; i < 3 && !pty_contains(t, "主菜单"); i++)
		step_key(t, "F10");
	CHECK(pty_wait_for(t, "主菜单", WAIT_MS));
	step_type(t, "4");
	CHECK(pty_wait_for(t, "无权查看调解案件", WAIT_MS));
	CHECK(!pty_contains(t, "待办"));
	CHECK(pty_contains(t, "主菜单"));
	CHECK(step_quit(t, 10, WAIT_MS));
	const char *print[] = { "/bin/sh", "-c", NULL, NULL };
	if (asprintf(&cmd, "SUDO_USER=wang '%s' --db '%s' print agreement 1 --output - 2>&1; echo status=$?", shanzhi, db) < 0)
		return;
	print[2] = cmd;
	char *out = run(print);
	CHECK(out && strstr(out, "status=1"));
	CHECK(out && !strstr(out, "人民调解协议书"));
	free(out);
	free(cmd);
}

/* A district of 130 villages: a new case's village picker offers the 130th (the
 * picker was once a menu of the first 64). */
static void test_many_villages(void)
{
	const char *add[] = { "/usr/bin/sqlite3", db,
		"WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < 130)"
		" INSERT INTO village(town_id, code, name) SELECT (SELECT min(town_id) FROM village),"
		" printf('99990000%04d', i), '第' || i || '村' FROM n", NULL };
	free(run(add));
	struct pty *t = open_tui();
	if (!t)
		return;
	step_type(t, "4");
	CHECK(pty_wait_for(t, "待办", WAIT_MS));
	step_type(t, "3");                                     /* a new case: which village first */
	CHECK(pty_wait_for(t, "哪个村的调委会", WAIT_MS));
	step_type(t, "第130");
	CHECK(pty_wait_for(t, "第130村", WAIT_MS));
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "新调解案件", WAIT_MS));
	if (!pty_contains(t, "新调解案件"))
		pty_dump(t, stderr, "the 130th village was not offered");
	CHECK(step_quit(t, 10, WAIT_MS));
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s SHANZHI LOCALE\n", argv[0]);
		return 2;
	}
	shanzhi = argv[1];
	locale = argv[2];
	dir = pty_tempdir();
	if (asprintf(&db, "%s/village.db", dir) < 0)
		return 1;
	const char *demo[] = { shanzhi, "--db", db, "demo", NULL };
	free(run(demo));
	/* a mediator to pick and a clerk who is none; the names typed in UTF-8 whatever
	 * the terminal's locale */
	char *cmd = NULL;
	if (asprintf(&cmd, "echo secret123 | LC_ALL=zh_CN.UTF-8 '%s' --db '%s' --operator admin user add yang --role mediator"
		     " --name 杨秀英 --password-stdin && echo secret123 | LC_ALL=zh_CN.UTF-8 '%s' --db '%s' --operator admin"
		     " user add li --role clerk --name 李文 --password-stdin", shanzhi, db, shanzhi, db) > 0) {
		const char *add[] = { "/bin/sh", "-c", cmd, NULL };
		free(run(add));
	}
	free(cmd);
	test_work_list();
	test_case_to_agreement();
	test_refused();
	test_many_villages();
	pty_rmdir(dir);
	free(dir);
	free(db);
	return check_finish();
}
