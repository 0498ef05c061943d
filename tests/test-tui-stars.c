/* The 星级文明户 screens in a pseudo-terminal: the real binary on a demo village, signed
 * in as admin, scores three households in the grid (one key per cell, moving on by
 * itself), reads the explanation, moves the round from 评议 through 审核 to 公示, sees
 * the notice list on screen, and prints it: `shanzhi print notice` in UTF-8 and GBK
 * against golden files (tests/golden/; GENERATE=1 rewrites them).
 *
 * usage: test-tui-stars SHANZHI LOCALE    (LOCALE zh_CN.UTF-8 or zh_CN.GBK)
 * TUI_TRACE=1 dumps every step. */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "pty.h"
#include "tui-steps.h"

#define WAIT_MS 8000

static const char *shanzhi;
static const char *locale;
static char *db;
static char *dir;

/* Types each character of keys as its own key press, settling after each, as a
 * clerk scoring a row does. */
static void keys(struct pty *t, const char *ascii)
{
	for (const char *k = ascii; *k; k++) {
		char one[2] = { *k, '\0' };
		pty_type(t, one);
		pty_pump(t, 30, 2000);
	}
	pty_settle(t);
	step_trace(t, ascii);
}

/* The text of the grid row r. Caller frees. */
static char *row_text(const struct pty *t, int r)
{
	return pty_row(t, r);
}

/* Reads a whole file; NULL when missing. Caller frees. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	size_t got = fread(buf, 1, (size_t)n, f);
	fclose(f);
	buf[got] = '\0';
	*len = got;
	return buf;
}

/* Compares the file at path with tests/golden/name (GENERATE=1 writes the golden). */
static void golden(const char *path, const char *name)
{
	const char *root = getenv("SOURCE_ROOT");
	char want_path[1024];
	snprintf(want_path, sizeof want_path, "%s/tests/golden/%s", root ? root : ".", name);
	size_t glen = 0, wlen = 0;
	char *got = slurp(path, &glen);
	CHECK(got != NULL);
	if (got)
		CHECK_INT(check_mask_anchor(got, glen), 1);
	if (got && getenv("GENERATE")) {
		FILE *f = fopen(want_path, "wb");
		CHECK(f && fwrite(got, 1, glen, f) == glen);
		if (f)
			fclose(f);
	}
	char *want = slurp(want_path, &wlen);
	CHECK(want != NULL);
	bool same = got && want && glen == wlen && memcmp(got, want, glen) == 0;
	CHECK(same);
	if (!same)
		fprintf(stderr, "%s differs from the golden file: diff %s %s (GENERATE=1 rewrites it)\n",
			path, path, want_path);
	free(got);
	free(want);
}

/* Runs `shanzhi --operator admin --db DB ARGS...`; true when it exits 0. */
static bool run(const char *const *args, char **out)
{
	const char *argv[16] = { shanzhi, "--db", db, "--operator", "admin" };
	size_t n = 5;
	for (size_t i = 0; args[i] && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	int status;
	char *o = pty_run(argv, locale, &status);
	if (out)
		*out = o;
	else
		free(o);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Leaves the program from the stars screens: back until the menu, then 0 and y. */
static bool quit(struct pty *t)
{
	for (int i = 0; i < 8 && !pty_contains(t, "主菜单"); i++)
		step_key(t, "F10");
	step_type(t, "0");
	step_type(t, "y");
	int status = -1;
	bool exited = pty_wait_exit(t, WAIT_MS, &status);
	if (!exited || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		pty_dump(t, stderr, "the program did not exit cleanly");
	pty_close(t);
	return exited && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Scores three households, explains one, moves the round to 公示, sees the notice. */
static void test_score_and_notice(void)
{
	struct pty *t = step_start_admin(shanzhi, db, locale, 24, 80);
	CHECK(t != NULL);
	if (!t)
		return;
	CHECK(pty_contains(t, "5  星级文明户"));
	step_type(t, "5");
	CHECK(pty_wait_for(t, "星级文明户：龙井村 2026", WAIT_MS));
	step_type(t, "1");
	CHECK(pty_wait_for(t, "阶段：评议", WAIT_MS));
	CHECK(pty_contains(t, "户主"));
	CHECK(pty_contains(t, "爱 诚 勤 孝 移 卫 遵 团 学 义"));
	CHECK(pty_contains(t, "成员"));
	/* beside the grid, named: this year's facts from the mediation and service registers */
	CHECK(pty_contains(t, "本年调解案件"));
	CHECK(pty_contains(t, "未办结服务"));

	/* row 1: full marks; row 2: 9 each; row 3: five 8s and five 5s (65 points) */
	int first = 4;
	keys(t, "++++++++++");
	keys(t, "9999999999");
	keys(t, "8888855555");
	char *r1 = row_text(t, first), *r2 = row_text(t, first + 1), *r3 = row_text(t, first + 2);
	CHECK(r1 && strstr(r1, "10 10 10 10 10 10 10 10 10 10 100  5"));
	CHECK(r2 && strstr(r2, " 9  9  9  9  9  9  9  9  9  9  90  4"));
	CHECK(r3 && strstr(r3, " 8  8  8  8  8  5  5  5  5  5  65  1"));
	/* this year's stars stand beside last year's, both in stars, whatever the basis */
	char *head = row_text(t, first - 1);
	CHECK(head && strstr(head, "分  级 星 上年 增减"));
	free(head);
	CHECK(r1 && strstr(r1, "100  5 10"));             /* ten stars this year */
	CHECK(r3 && strstr(r3, "65  1  5"));              /* five: the 8s earn theirs, the 5s do not */
	if (!r1 || !strstr(r1, "100  5") || !r3 || !strstr(r3, "65  1"))
		pty_dump(t, stderr, "three households scored");
	free(r1);
	free(r2);
	free(r3);
	/* the cell in hand moved on by itself to the fourth household's first star */
	CHECK(pty_cell_attr(t, first + 3, 14) & PTY_ATTR_REVERSE);
	/* 1 could become 10: it waits; Enter writes it and moves one cell on */
	keys(t, "1");
	CHECK(pty_contains(t, " 1_"));
	step_key(t, "Enter");
	char *r4 = row_text(t, first + 3);
	CHECK(r4 && strncmp(strstr(r4, "组") + strlen("组"), "   1 ", 5) == 0);
	free(r4);
	CHECK(pty_cell_attr(t, first + 3, 17) & PTY_ATTR_REVERSE);
	CHECK(!(pty_cell_attr(t, first + 3, 20) & PTY_ATTR_REVERSE));

	/* the explanation of the third, star by star */
	step_key(t, "Up");
	step_key(t, "F9");
	CHECK(pty_wait_for(t, "8 分", WAIT_MS) || pty_wait_for(t, "earned", 100));
	CHECK(pty_contains(t, "一星级文明户"));
	/* the household's 文明积分 (the declared points register), first */
	CHECK(pty_contains(t, "文明积分：余额"));
	step_key(t, "F10");

	/* 评议 -> 审核 -> 公示 (7 days) */
	step_key(t, "F8");
	CHECK(pty_wait_for(t, "审核", WAIT_MS));
	step_type(t, "1");
	step_type(t, "y");
	CHECK(pty_wait_for(t, "阶段：审核", WAIT_MS));
	step_key(t, "F8");
	step_type(t, "1");
	CHECK(pty_wait_for(t, "公示天数", WAIT_MS));
	/* days the register refuses keep the dialog open, the reason inside it */
	step_type(t, "\x15" "0");
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "公示期为 1 到 90 天", WAIT_MS));
	CHECK(pty_contains(t, "公示天数"));
	CHECK(pty_contains(t, "阶段：审核"));
	/* "7y" is no number of days: refused the same way, left as typed */
	step_type(t, "\x15" "7y");
	step_key(t, "Enter");
	CHECK(pty_wait_for(t, "公示：须为 1 至 90 的整数", WAIT_MS));
	CHECK(pty_contains(t, "7y"));
	step_key(t, "Backspace");
	step_key(t, "Enter");
	step_type(t, "y");
	CHECK(pty_wait_for(t, "阶段：公示", WAIT_MS));
	CHECK(pty_contains(t, "公示 2026-11-26 至 2026-12-02"));
	CHECK(pty_contains(t, "只读"));
	/* 定星 before the notice has run: refused at once, never "move on anyway?" first */
	step_key(t, "F8");
	step_type(t, "1");
	CHECK(pty_wait_for(t, "公示期满后方可定星", WAIT_MS));
	CHECK(!pty_contains(t, "仍要推进") && !pty_contains(t, "推进到"));
	CHECK(pty_contains(t, "阶段：公示"));
	/* each move is in the audit log, shown from the stage dialog */
	step_key(t, "F8");
	step_type(t, "3");
	CHECK(pty_wait_for(t, "审核 -> 公示", WAIT_MS));   /* stages as the screens name them */
	CHECK(!pty_contains(t, "notice"));
	step_key(t, "F10");
	/* on notice the scores do not change */
	step_type(t, "+");
	CHECK(pty_wait_for(t, "如需改分", WAIT_MS));

	/* the notice list on screen */
	step_key(t, "F10");
	step_type(t, "2");
	CHECK(pty_wait_for(t, "公示名单", WAIT_MS));
	CHECK(pty_contains(t, "公示期"));
	/* F6 offers it as every document is: preview, file, printer (F5, the key it had, too) */
	for (int f = 0; f < 2; f++) {
		step_key(t, f ? "F5" : "F6");
		CHECK(pty_wait_for(t, "1 屏幕预览", WAIT_MS));
		CHECK(pty_contains(t, "2 写入文件") && pty_contains(t, "3 送打印机"));
		step_key(t, "Esc");
		step_wait_gone(t, "屏幕预览");     /* Esc waits a moment for a digit */
	}
	/* F7 exports it as a workbook */
	step_key(t, "F7");
	CHECK(pty_wait_for(t, ".xlsx", WAIT_MS));
	step_type(t, "\x15");
	char *xlsx = NULL;
	if (asprintf(&xlsx, "%s/notice.xlsx", dir) > 0) {
		step_type(t, xlsx);
		step_key(t, "Enter");
		CHECK(pty_wait_for(t, "已写入", WAIT_MS));
		size_t len = 0;
		char *bytes = slurp(xlsx, &len);
		CHECK(bytes && len > 100 && memcmp(bytes, "PK", 2) == 0);
		free(bytes);
	}
	free(xlsx);
	CHECK(quit(t));
}

/* A new year with no rubric: the clerk is told, and on his word the latest rubric is
 * copied to the new year in the local forms folder, where the round then opens. */
static void test_new_year_rubric(void)
{
	char *local = NULL, *copy = NULL;
	if (asprintf(&local, "%s/local-forms", dir) < 0 || asprintf(&copy, "%s/rubrics/qingyan-2027.rubric", local) < 0)
		return;
	const char *before = getenv("SHANZHI_FORMS_LOCAL");
	char *saved = before ? strdup(before) : NULL;
	setenv("SHANZHI_FORMS_LOCAL", local, 1);
	struct pty *t = step_start_admin(shanzhi, db, locale, 24, 80);
	CHECK(t != NULL);
	if (t) {
		step_type(t, "5");
		CHECK(pty_wait_for(t, "星级文明户：龙井村 2026", WAIT_MS));
		step_type(t, "4");                                /* another year */
		CHECK(pty_wait_for(t, "年度：", WAIT_MS));
		step_type(t, "\x15");
		step_type(t, "2027");
		step_key(t, "Enter");
		CHECK(pty_wait_for(t, "龙井村 2027", WAIT_MS));
		step_type(t, "1");
		CHECK(pty_wait_for(t, "还没有 2027 年的评定细则", WAIT_MS));
		CHECK(pty_contains(t, "把 2026"));                /* last year's, named */
		step_type(t, "y");
		CHECK(pty_wait_for(t, "2027", WAIT_MS));
		step_type(t, "y");                                /* open the round of 2027 */
		CHECK(pty_wait_for(t, "（2027年）", WAIT_MS));    /* under the copy, titled for its year */
		CHECK(pty_contains(t, "阶段：自评"));
		CHECK(quit(t));
	}
	size_t len = 0;
	char *text = slurp(copy, &len);
	CHECK(text && strstr(text, "year = 2027") && strstr(text, "name = qingyan-2027") && strstr(text, "version = 1"));
	CHECK(text && strstr(text, "threshold = 8"));       /* the stars as they were */
	free(text);
	if (saved)
		setenv("SHANZHI_FORMS_LOCAL", saved, 1);
	else
		unsetenv("SHANZHI_FORMS_LOCAL");
	free(saved);
	free(copy);
	free(local);
}

/* The notice printed in UTF-8 and GBK, against the golden files. */
static void test_print_notice(void)
{
	char *utf8 = NULL, *gbk = NULL;
	if (asprintf(&utf8, "%s/notice.txt", dir) < 0 || asprintf(&gbk, "%s/notice-gbk.txt", dir) < 0)
		return;
	const char *a[] = { "print", "notice", "--village", "龙井村", "--year", "2026", "--output", utf8, NULL };
	CHECK(run(a, NULL));
	golden(utf8, "stars-notice.utf8.txt");
	const char *b[] = { "print", "notice", "--village", "龙井村", "--year", "2026", "--encoding", "gbk",
			    "--output", gbk, NULL };
	CHECK(run(b, NULL));
	golden(gbk, "stars-notice.gbk.txt");
	/* no ID number or phone number in the notice */
	size_t len;
	char *text = slurp(utf8, &len);
	CHECK(text && !strstr(text, "520111") && !strstr(text, "****"));
	free(text);
	char *out = NULL;
	const char *c[] = { "report", "stars", "--year", "2026", NULL };
	CHECK(run(c, &out));
	CHECK(out && strstr(out, "龙井村") && strstr(out, "公示"));
	free(out);
	free(utf8);
	free(gbk);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s SHANZHI LOCALE\n", argv[0]);
		return 2;
	}
	shanzhi = argv[1];
	locale = argv[2];
	dir = pty_tempdir();
	if (asprintf(&db, "%s/village.db", dir) < 0)
		return 2;
	const char *demo[] = { shanzhi, "--db", db, "demo", "--residents", "300", NULL };
	int status;
	free(pty_run(demo, locale, &status));
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	test_score_and_notice();
	test_print_notice();
	test_new_year_rubric();
	pty_rmdir(dir);
	free(dir);
	free(db);
	return check_finish();
}
