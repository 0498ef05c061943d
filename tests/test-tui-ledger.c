/* test-tui-ledger: the screens every declared register shares, on a register added as
 * one file in the local override folder ($SHANZHI_FORMS_LOCAL/registers/): the main
 * menu shows its group; a record is entered (F4 picks the household) and gets its
 * number and first state; the list shows it and searches as you type; F5 makes the
 * transition, refused while its asked field is empty, then saved with it; F6 prints
 * it to the preview; F8 on the list shows the report with its table and chart, the
 * reference line drawn; and a register linking to it (a ref to ledger_repair) lists
 * the records pointing at it, F7 adding one with the link filled. Restarted days
 * later, the record left 待派 is marked overdue.
 *
 * usage: test-tui-ledger SHANZHI LOCALE    (zh_CN.UTF-8 or zh_CN.GBK)
 * TUI_TRACE=1 dumps every step. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "pty.h"
#include "tui-steps.h"

#define WAIT_MS 5000

static const char *shanzhi;
static const char *locale;
static char *dir, *db;

/* The small register of the test: two states, a transition asking a field, a ref to
 * household, a printout and a monthly report with a reference line; and a second
 * register whose records point at the first. Chinese titles are shown as they are. */
static const char repair_register[] =
	"[register]\n"
	"name = repair\n"
	"title = 报修登记\n"
	"menu = 测试台账\n"
	"number = 报修{year}-{seq:3}\n"
	"list = number, date, household_id, what, state\n"
	"search = what, household_id\n"
	"order = date DESC\n"
	"\n"
	"[field date]\nlabel = 日期\ntype = date\nrequired = yes\ndefault = date('now')\n\n"
	"[field household_id]\nlabel = 报修户\ntype = ref\nref = household\nrequired = yes\n\n"
	"[field what]\nlabel = 事由\ntype = text\nrequired = yes\n\n"
	"[field fixer]\nlabel = 维修人\ntype = text\nrequired = yes\nstage = assign\n\n"
	"[state open]\nlabel = 待派\ndeadline = 2 days\n"
	"[state done]\nlabel = 已派\nfinal = yes\n\n"
	"[transition assign]\nlabel = 派工\nfrom = open\nto = done\nroles = admin, clerk\nask = fixer\n\n"
	"[print slip]\ntitle = 报修单\nline = 编号：{number}  状态：{state}\nline = 事由：{what}  维修人：{fixer}\n\n"
	"[report repair_monthly]\ntitle = 报修月报\nperiod = month\n"
	"query = SELECT what AS \"事由\", count(*) AS \"件数\" FROM ledger_repair "
	"WHERE date BETWEEN :from AND :to GROUP BY 1\n"
	"chart = 件数\nline = 2\n";

static const char visit_register[] =
	"[register]\n"
	"name = repair_visit\n"
	"title = 回访记录\n"
	"menu = 测试台账\n"
	"list = date, repair_id, result\n"
	"\n"
	"[field date]\nlabel = 日期\ntype = date\nrequired = yes\ndefault = date('now')\n\n"
	"[field repair_id]\nlabel = 报修\ntype = ref\nref = ledger_repair\nrequired = yes\n\n"
	"[field result]\nlabel = 回访结果\ntype = text\nrequired = yes\n";

/* Writes text to dir/name. */
static bool write_file(const char *folder, const char *name, const char *text)
{
	char *path = NULL;
	if (asprintf(&path, "%s/%s", folder, name) < 0)
		return false;
	FILE *f = fopen(path, "w");
	bool ok = f && fputs(text, f) >= 0;
	if (f)
		ok = fclose(f) == 0 && ok;
	free(path);
	return ok;
}

/* The local override folder with the two registers, named by $SHANZHI_FORMS_LOCAL. */
static bool local_registers(void)
{
	char *forms = NULL, *regs = NULL;
	bool ok = asprintf(&forms, "%s/forms-local", dir) >= 0 && asprintf(&regs, "%s/registers", forms) >= 0 &&
		  mkdir(forms, 0755) == 0 && mkdir(regs, 0755) == 0 &&
		  write_file(regs, "repair.register", repair_register) &&
		  write_file(regs, "repair_visit.register", visit_register);
	if (ok)
		pty_setenv("SHANZHI_FORMS_LOCAL", forms);
	free(forms);
	free(regs);
	return ok;
}

/* A record entered on the new-record form: the household picked with F4, the reason
 * typed, F2 saves it and the title gains its number and first state. */
static void test_enter(struct pty *t)
{
	step_key(t, "F7");
	CHECK(pty_wait_for(t, "报修登记  新", WAIT_MS));
	CHECK(pty_contains(t, "F5") && pty_contains(t, "办理") && pty_contains(t, "F9"));
	CHECK(step_goto_field(t, "报修户"));
	step_key(t, "F4");
	CHECK(pty_wait_for(t, "户号", WAIT_MS));
	step_key(t, "Enter");             /* the first household of the list */
	CHECK(step_wait_gone(t, "F7：新户"));
	char *picked = NULL;
	CHECK(step_field_row(t, "报修户", &picked) >= 0 && picked && strlen(picked) > 4);
	free(picked);
	CHECK(step_goto_field(t, "事由"));
	step_type(t, "水管漏水");
	step_key(t, "F2");
	CHECK(pty_wait_for(t, "报修2026-001  待派  到期 2026-11-28", WAIT_MS));
	/* under the form: the state and its due date, the steps, the linking records */
	CHECK(pty_wait_for(t, "状态：待派（自 2026-11-26", WAIT_MS));
	CHECK(pty_contains(t, "，到期 2026-11-28") && pty_contains(t, "尚未办理任何环节。"));
	CHECK(pty_contains(t, "回访记录：0 条"));
	step_key(t, "F10");
	CHECK(pty_wait_for(t, "查找：", WAIT_MS));
	CHECK(step_row_with(t, "报修2026-001", "水管漏水") && step_row_with(t, "2026-11-26", "待派"));
}

/* A second one, then the search narrows the list as it is typed. */
static void test_search(struct pty *t)
{
	step_key(t, "F7");
	CHECK(pty_wait_for(t, "报修登记  新", WAIT_MS));
	CHECK(step_goto_field(t, "报修户"));
	step_key(t, "F4");
	CHECK(pty_wait_for(t, "户号", WAIT_MS));
	step_key(t, "Down");
	step_key(t, "Enter");
	CHECK(step_goto_field(t, "事由"));
	step_type(t, "路灯不亮");
	step_key(t, "F2");
	CHECK(pty_wait_for(t, "报修2026-002", WAIT_MS));
	step_key(t, "F10");
	CHECK(pty_wait_for(t, "路灯不亮", WAIT_MS) && pty_contains(t, "水管漏水"));
	step_type(t, "水管");
	CHECK(step_wait_gone(t, "路灯不亮"));
	CHECK(pty_contains(t, "水管漏水"));
}

/* F5 on the record: the transition's asked field is required (refused while empty),
 * then the step is made and the state is the new one; F9 shows the step. */
static void test_step(struct pty *t)
{
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "报修2026-001  待派", WAIT_MS));
	step_key(t, "F5");
	CHECK(pty_wait_for(t, "派工", WAIT_MS));
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "派工（至已派）", WAIT_MS));
	CHECK(pty_contains(t, "维修人"));
	step_key(t, "F2");
	CHECK(pty_wait_for(t, "必填", WAIT_MS));
	CHECK(pty_contains(t, "派工（至已派）"));     /* refused: the dialog stays */
	step_type(t, "张师傅");
	step_key(t, "F2");
	CHECK(pty_wait_for(t, "报修2026-001  已派", WAIT_MS));
	CHECK(pty_contains(t, "派工：记录现为已派。"));
	CHECK(pty_wait_for(t, "待派 → 已派  admin", WAIT_MS));   /* the step under the form */
	step_key(t, "F9");
	CHECK(pty_wait_for(t, "的办理记录", WAIT_MS));
	CHECK(step_row_with(t, "| ", "派工  待派 → 已派  admin"));   /* in the box */
	step_key(t, "Enter");
	CHECK(step_wait_gone(t, "的办理记录"));
}

/* F6: the printout through the print dialog's preview, the asked field filled. */
static void test_print(struct pty *t)
{
	step_key(t, "F6");
	CHECK(pty_wait_for(t, "1 屏幕预览", WAIT_MS));
	step_type(t, "1");
	CHECK(pty_wait_for(t, "预览：", WAIT_MS));
	CHECK(pty_wait_for(t, "事由：水管漏水  维修人：张师傅", WAIT_MS));
	CHECK(pty_contains(t, "编号：报修2026-001  状态：已派"));
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "打印：", WAIT_MS));
	step_key(t, "Esc");
	CHECK(step_wait_gone(t, "打印："));
}

/* F8 on the record: the linking register's records of it; F7 adds one with the link
 * filled, Enter opens it. */
static void test_links(struct pty *t)
{
	step_key(t, "F8");
	CHECK(pty_wait_for(t, "回访记录", WAIT_MS));
	step_key(t, "Enter");             /* which register: the only one */
	CHECK(pty_wait_for(t, "本记录的回访记录", WAIT_MS));
	step_key(t, "F7");
	CHECK(pty_wait_for(t, "回访记录  新", WAIT_MS));
	char *link = NULL;
	CHECK(step_field_row(t, "报修", &link) >= 0 && link && strstr(link, "报修2026-001"));
	free(link);
	CHECK(step_goto_field(t, "回访结果"));
	step_type(t, "已修好");
	step_key(t, "F2");
	CHECK(pty_wait_for(t, "已保存", WAIT_MS));
	step_key(t, "F10");
	CHECK(pty_wait_for(t, "本记录的回访记录", WAIT_MS));
	CHECK(pty_wait_for(t, "已修好", WAIT_MS));
	step_key(t, "F10");
	CHECK(pty_wait_for(t, "报修2026-001  已派", WAIT_MS));
	CHECK(pty_wait_for(t, "回访记录：1 条", WAIT_MS));
	step_key(t, "F10");
	CHECK(pty_wait_for(t, "查找：", WAIT_MS));
}

/* F8 on the list: the report in the statistics view, its table and chart with the
 * reference line. */
static void test_report(struct pty *t)
{
	step_key(t, "F8");
	CHECK(pty_wait_for(t, "报修月报：2026-11", WAIT_MS));
	CHECK(pty_contains(t, "事由") && pty_contains(t, "件数"));
	CHECK(step_row_with(t, "水管漏水", "1"));
	CHECK(step_row_with(t, "水管漏水", "|"));   /* the reference line across the chart's bar */
	CHECK(pty_contains(t, "打印") && pty_contains(t, "导出"));
	step_key(t, "Left");
	CHECK(pty_wait_for(t, "报修月报：2026-10", WAIT_MS));
	CHECK(!pty_contains(t, "水管漏水"));
	step_key(t, "Esc");
	CHECK(pty_wait_for(t, "查找：", WAIT_MS));
}

/* Days later (the program restarted on 2026-12-01): the record still 待派 is past its
 * state's due date: marked on the list, counted in its title and said on the record. */
static void test_overdue(void)
{
	pty_setenv("SHANZHI_TODAY", "2026-12-01");
	struct pty *t = step_start_admin(shanzhi, db, locale, 24, 80);
	CHECK(t != NULL);
	if (!t)
		return;
	CHECK(pty_wait_for(t, "测试台账（超期 1 件）", WAIT_MS));   /* the menu counts them */
	CHECK(step_menu_open(t, "测试台账"));
	CHECK(pty_wait_for(t, "报修登记", WAIT_MS));
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "报修登记（超期 1 件）", WAIT_MS));
	CHECK(step_row_with(t, "路灯不亮", "!超期"));
	CHECK(!step_row_with(t, "水管漏水", "!超期"));     /* 已派 is final: never overdue */
	step_type(t, "路灯");
	CHECK(step_wait_gone(t, "水管漏水"));
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "报修2026-002  待派  超期自 2026-11-28", WAIT_MS));
	CHECK(step_quit(t, 6, WAIT_MS));
}

int main(int argc, char **argv)
{
	if (!step_village_begin(argc, argv, 100, &shanzhi, &locale, &dir, &db))
		return 2;
	if (!db)
		return 1;
	CHECK(local_registers());
	struct pty *t = step_start_admin(shanzhi, db, locale, 24, 80);
	CHECK(t != NULL);
	if (t) {
		CHECK(step_menu_open(t, "测试台账"));
		CHECK(!pty_contains(t, "超期"));
		CHECK(pty_wait_for(t, "报修登记", WAIT_MS));
		step_key(t, "Enter");        /* the group's first register */
		CHECK(pty_wait_for(t, "查找：", WAIT_MS));
		test_enter(t);
		test_search(t);
		test_step(t);
		test_print(t);
		test_links(t);
		test_report(t);
		CHECK(step_quit(t, 6, WAIT_MS));
		test_overdue();
	}
	step_village_end(dir, db);
	return check_finish();
}
